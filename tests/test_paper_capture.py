"""Reception transcribes a handwritten ST2: a normal request with its reserved folio."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from st2desk import clock
from st2desk.errors import PermissionDenied
from st2desk.forms.paper import PaperForm
from st2desk.models import (
    Attachment,
    AuditEvent,
    Origin,
    Patient,
    Request,
    RequestStatus,
    ReviewFinding,
)
from st2desk.reports.model import ReportFilter
from st2desk.services import folios, paper, reports, requests
from st2desk.services.paper import PaperRejected, Scan
from tests.cast import BASIC_SERVICE, REQUESTING_UNIT
from tests.paper_support import paper_values

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def reserve(db, cast, count: int = 5) -> list[str]:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        return folios.reserve_block(s, cast.admin, REQUESTING_UNIT, count).folios()


def form(db, cast, folio: str, **overrides: str) -> PaperForm:  # type: ignore[no-untyped-def]
    values = paper_values(db, cast, folio, **overrides)
    return PaperForm(**{k: v for k, v in values.items() if k != "emergency"},
                     emergency=bool(values.get("emergency")))


def counts(db) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Request)),
                s.scalar(select(func.count()).select_from(Patient)),
                s.scalar(select(func.count()).select_from(AuditEvent)))


def test_capture_keeps_folio_and_paper_dates_and_goes_to_review(db, cast):
    folio = reserve(db, cast)[0]
    written_on = clock.today() - timedelta(days=3)
    with db.transaction() as s:
        outcome = paper.capture_paper(s, cast.reception_elsewhere,
                                      form(db, cast, folio, requested_on=f"{written_on:%d/%m/%Y}"))
    assert outcome.accepted and outcome.submitted, outcome.summary()
    with db.session() as s:
        req = s.get(Request, outcome.request_id)
        assert (req.folio, req.origin, req.status) == (folio, Origin.PAPER, RequestStatus.IN_REVIEW)
        assert req.requested_on == written_on
        assert req.physician_id == cast.physician.user_id  # the physician named on paper
        assert req.requesting_unit_id == cast.requesting_unit_id
        assert req.patient_id == cast.patient_id  # found by NSS and agregado
        assert req.due_at is not None and req.submitted_at is not None
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity_id == str(req.uuid))
                           .order_by(AuditEvent.seq)).all()
        assert [(e.action, e.username) for e in events] == [
            ("capture_paper", "recepcion.umf"), ("submit", "recepcion.umf")]
        assert events[0].details["physician"] == "medico1"
        assert events[1].details["origin"] == "paper"


def test_unknown_patient_is_registered_from_the_paper_with_accents(db, cast):
    from st2desk.identifiers import make_curp, make_nss
    from st2desk.models import Sex

    folio = reserve(db, cast)[0]
    birth = clock.today().replace(year=1975, month=3, day=9)
    nss = make_nss(3, 1, 1975, 4321)
    curp = make_curp("NUMA", birth, Sex.FEMALE, "DF", "XXX")
    with db.transaction() as s:
        outcome = paper.capture_paper(s, cast.reception_elsewhere, form(
            db, cast, folio, nss=nss, agregado="1F1975OR", curp=curp, last_name="Núñez",
            second_last_name="Muñoz", first_name="María José", birth_date=f"{birth:%d/%m/%Y}",
            sex="F"))
    assert outcome.submitted, outcome.summary()
    with db.session() as s:
        patient = s.get(Request, outcome.request_id).patient
        assert (patient.last_name, patient.second_last_name, patient.first_name) == (
            "NÚÑEZ", "MUÑOZ", "MARÍA JOSÉ")
        assert (patient.nss, patient.curp, patient.birth_date) == (nss, curp, birth)


def test_every_problem_is_reported_at_once_and_nothing_is_written(db, cast):
    reserve(db, cast)
    before = counts(db)
    with db.transaction() as s, pytest.raises(PaperRejected) as caught:
        paper.capture_paper(s, cast.reception_elsewhere, form(
            db, cast, "09UMF20-2026-999999-X", nss="12345678901", service="NO-EXISTE",
            performing_unit="ZZZ", requested_on="31/02/2026", physician="nadie", diagnosis="¿?"))
    fields = {p.field for p in caught.value.problems}
    assert {"folio", "nss", "service", "performing_unit", "requested_on", "physician",
            "diagnosis"} <= fields
    assert all(p.message for p in caught.value.problems)
    assert counts(db) == before


def test_blocking_review_keeps_a_draft_for_the_physician(db, cast):
    folio = reserve(db, cast)[0]
    with db.transaction() as s:
        outcome = paper.capture_paper(s, cast.reception_elsewhere,
                                      form(db, cast, folio, service=BASIC_SERVICE))
    assert outcome.accepted and not outcome.submitted
    assert "service.basic_catalog" in {f.code for f in outcome.findings}
    assert "BORRADOR" in outcome.summary()
    with db.session() as s:
        req = s.get(Request, outcome.request_id)
        assert req.status is RequestStatus.DRAFT and req.folio == folio
        assert s.scalar(select(ReviewFinding.code).where(ReviewFinding.request_id == req.id)) \
            == "service.basic_catalog"
    # The physician named on paper owns the draft: they fix it and submit it.
    with db.transaction() as s:
        requests.update_draft(s, cast.physician, outcome.request_id,
                              requests.RequestData(service_id=cast.service_id))
        assert requests.submit(s, cast.physician, outcome.request_id).submitted


def test_emergency_on_paper(db, cast):
    folio = reserve(db, cast)[0]
    performed = clock.today() - timedelta(days=1)
    with db.transaction() as s:
        outcome = paper.capture_paper(s, cast.reception_elsewhere, form(
            db, cast, folio, emergency="1", performed_on=f"{performed:%d/%m/%Y}", priority=""))
    assert outcome.submitted, outcome.summary()
    with db.session() as s:
        req = s.get(Request, outcome.request_id)
        assert req.is_emergency and req.performed_on == performed
        assert req.priority.value == "urgent"


def test_scan_is_kept_with_the_request(db, cast):
    folio, other = reserve(db, cast)[:2]
    with db.transaction() as s:
        outcome = paper.capture_paper(s, cast.reception_elsewhere, form(db, cast, folio),
                                      scan=Scan("C:\\escaneos\\formato 001.png", PNG))
    with db.session() as s:
        att = s.scalar(select(Attachment).where(Attachment.request_id == outcome.request_id))
        assert (att.filename, att.media_type, att.size) == ("formato 001.png", "image/png", len(PNG))
        assert att.added_by_id == cast.reception_elsewhere.user_id
    with db.transaction() as s, pytest.raises(PaperRejected, match="PDF, PNG o JPEG"):
        paper.capture_paper(s, cast.reception_elsewhere, form(db, cast, other),
                            scan=Scan("x.exe", b"MZ\x90\x00"))


def test_physician_must_be_a_physician_of_the_folio_unit(db, cast):
    folio = reserve(db, cast)[0]
    for ref, message in (("", "Falta el usuario"), ("recepcion1", "no es un médico"),
                         ("medico.dictaminador", "no pertenece a la unidad")):
        with db.transaction() as s, pytest.raises(PaperRejected, match=message):
            paper.capture_paper(s, cast.reception_elsewhere, form(db, cast, folio, physician=ref))


def test_only_reception_and_admin_capture(db, cast):
    folio = reserve(db, cast)[0]
    with db.transaction() as s, pytest.raises(PermissionDenied):
        paper.capture_paper(s, cast.specialist, form(db, cast, folio))


def test_a_folio_is_captured_once(db, cast):
    folio = reserve(db, cast)[0]
    with db.transaction() as s:
        paper.capture_paper(s, cast.reception_elsewhere, form(db, cast, folio))
    with db.transaction() as s, pytest.raises(PaperRejected, match="ya está usado"):
        paper.capture_paper(s, cast.reception_elsewhere, form(db, cast, folio))


@pytest.mark.parametrize("text", ["20/11/2026", "20-11-2026", "2026-11-20", " 20 / 11 / 2026 "])
def test_paper_dates(text):
    from datetime import date

    assert paper.parse_paper_date(text) == date(2026, 11, 20)


def test_an_emergency_on_paper_counts_its_72_hours_to_the_date_written(db, cast):
    """Filed on paper the day after it was performed, captured ten days later: on time. The
    review and the report agree; one written five days after the emergency is late."""
    paper_day = clock.today() - timedelta(days=10)
    outcomes = []
    folios = reserve(db, cast)
    for folio, patient, days_before in ((folios[0], cast.patient_id, 1),
                                        (folios[1], cast.patient_female_id, 5)):
        performed = paper_day - timedelta(days=days_before)
        with db.transaction() as s:
            outcomes.append(paper.capture_paper(s, cast.reception_elsewhere, form(
                db, cast, folio, patient_id=patient, emergency="1", priority="",
                performed_on=f"{performed:%d/%m/%Y}", requested_on=f"{paper_day:%d/%m/%Y}")))
    on_time, late = outcomes
    assert on_time.submitted and late.submitted, [o.summary() for o in outcomes]
    assert "emergency.late" not in [f.code for f in on_time.findings]
    assert "emergency.late" in [f.code for f in late.findings]

    rep = reports.generate(db, None, ReportFilter(paper_day, clock.today()), "specialty")
    assert (rep.summary["emergencies"], rep.summary["emergencies_late"]) == (2, 1)
    assert sum(rep.table("emergencies").values("filed_late")) == 1


def test_a_registered_nss_with_another_name_is_refused_not_attached_to_that_patient(db, cast):
    folio = reserve(db, cast)[0]
    before = counts(db)
    with pytest.raises(PaperRejected) as refused, db.transaction() as s:
        paper.capture_paper(s, cast.reception_elsewhere, form(db, cast, folio, first_name="Juana"))
    [problem] = refused.value.problems
    assert problem.field == "nss"
    assert "es de un paciente registrado con nombre «JUAN»" in problem.message
    assert "Revise el NSS" in problem.message
    assert counts(db) == before
    # Accents and capitals written differently are the same person.
    with db.transaction() as s:
        outcome = paper.capture_paper(s, cast.reception_elsewhere,
                                      form(db, cast, folio, last_name="perez"))
    assert outcome.accepted, outcome.summary()


def test_a_wrong_date_says_which_field_it_is_in(db, cast):
    folio = reserve(db, cast)[0]
    with pytest.raises(PaperRejected) as refused, db.transaction() as s:
        paper.capture_paper(s, cast.reception_elsewhere,
                            form(db, cast, folio, requested_on="31/02/2026"))
    assert [str(p) for p in refused.value.problems if p.field == "requested_on"] == [
        "Fecha de la solicitud: «31/02/2026» no es una fecha válida (use DD/MM/AAAA)."]


def test_a_missing_justification_is_listed_with_the_rest_and_keeps_the_folio_free(db, cast):
    folio = reserve(db, cast)[0]
    before = counts(db)
    with pytest.raises(PaperRejected) as refused, db.transaction() as s:
        paper.capture_paper(s, cast.reception_elsewhere,
                            form(db, cast, folio, justification="", requested_on=""))
    assert {p.field for p in refused.value.problems} == {"justification", "requested_on"}
    assert counts(db) == before  # no draft took the folio
    with pytest.raises(PaperRejected) as short, db.transaction() as s:
        paper.capture_paper(s, cast.reception_elsewhere, form(db, cast, folio, justification="Dolor."))
    assert "demasiado breve" in str(short.value.problems[0])
