"""Issue 11: the hour an emergency was performed is kept, shown and printed — on the
request, its paper ST2 (printed, fillable and captured back) and the authorization slip."""

from __future__ import annotations

import io
from datetime import UTC, datetime, time, timedelta

import pytest
from pypdf import PdfReader

from st2desk import clock
from st2desk.errors import ValidationError
from st2desk.forms import st2_fields as F
from st2desk.models import Request
from st2desk.services import decisions, inbox, paper, requests, slips
from tests import flows
from tests.test_paper_capture import form, reserve

# 18:00 UTC: 12:00 in Mexico City.
NOON = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize(("written", "hour"), [("14:30", time(14, 30)), ("9:05", time(9, 5)),
                                               ("0930", time(9, 30)), ("14 h", time(14, 0)),
                                               ("", None)])
def test_hours_as_people_write_them(written, hour):
    assert F.parse_hour(written) == hour


@pytest.mark.parametrize("written", ["25:00", "14:75", "mañana", "1:5"])
def test_what_is_not_an_hour_says_so(written):
    with pytest.raises(ValueError, match="hora"):
        F.parse_hour(written)


def test_the_hour_travels_from_the_request_to_the_detail_the_paper_and_the_slip(db, cast, tmp_path):
    yesterday = (NOON - timedelta(days=1)).date()
    with clock.frozen_at(NOON):
        request_id = flows.emergency(db, cast, yesterday, performed_time=time(14, 30))
        with db.transaction() as s:
            assert requests.submit(s, cast.physician, request_id).submitted
        with db.session() as s:
            req = s.get(Request, request_id)
            assert req.performed_time == time(14, 30)
            detail = inbox.request_detail(s, cast.specialist, request_id)
            assert detail.performed_time == time(14, 30)
            folio = req.folio
        with db.transaction() as s:
            paper.print_request(s, cast.physician, folio, tmp_path / "st2.pdf")
        printed = text_of((tmp_path / "st2.pdf").read_bytes())
        assert "Hora (hh:mm)" in printed and "14:30" in printed
        with db.transaction() as s:
            paper.print_request(s, cast.physician, folio, tmp_path / "llenable.pdf", fillable=True)
        fields = PdfReader(str(tmp_path / "llenable.pdf")).get_fields()
        assert fields[F.PERFORMED_TIME.name].get("/V") == "14:30"
        with db.transaction() as s:
            number = decisions.approve(s, cast.specialist, request_id).number
        with db.transaction() as s:
            slip = slips.slip_pdf(s, cast.reception, number)
        printed_slip = " ".join(text_of(slip).split())  # flags wrap within their column
        assert "RETROACTIVA (urgencia ya realizada)" in printed_slip, printed_slip
        assert f"Realizada el {yesterday:%d/%m/%Y} 14:30" in printed_slip


def test_an_hour_later_today_is_refused(db, cast):
    with clock.frozen_at(NOON), pytest.raises(ValidationError, match="hora") as caught:
        flows.emergency(db, cast, NOON.date(), performed_time=time(13, 0))
    assert caught.value.field == "performed_time"


def test_the_hour_written_on_paper_is_captured(db, cast):
    folio = reserve(db, cast)[0]
    performed = clock.today() - timedelta(days=1)
    with db.transaction() as s:
        outcome = paper.capture_paper(s, cast.reception_elsewhere, form(
            db, cast, folio, emergency="1", performed_on=f"{performed:%d/%m/%Y}",
            performed_time="7:45", priority=""))
    assert outcome.submitted, outcome.summary()
    with db.session() as s:
        assert s.get(Request, outcome.request_id).performed_time == time(7, 45)


def test_a_wrong_hour_on_paper_is_named(db, cast):
    folio = reserve(db, cast)[0]
    with db.transaction() as s, pytest.raises(paper.PaperRejected) as caught:
        paper.capture_paper(s, cast.reception_elsewhere, form(
            db, cast, folio, emergency="1", performed_on=f"{clock.today():%d/%m/%Y}",
            performed_time="27:10", priority=""))
    assert [p.field for p in caught.value.problems] == [F.PERFORMED_TIME.name]
