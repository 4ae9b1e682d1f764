"""Issue 13 (1), outside the windows: every day is that of the unit that owns it, in the
slip and paper PDFs, at the command line, at reception and when authorizations expire;
whoever acts and from wherever. A request's days and times (requested, sent, decided, its
appeal deadline) are its requesting unit's; an authorization's (valid from and until, used,
expired, its slip) its performing unit's, where the patient presents and the use is
recorded (the PostgreSQL wall judges a use and an expiry on that calendar too).

The scenes happen at 23:30 on 2 December, Tijuana time; it is already 01:30 on 3 December
in Mexico City, where the other unit, the scheduled jobs and the command line's default are.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from st2desk import cli, clock
from st2desk.models import Authorization, AuthorizationStatus, Request, Unit
from st2desk.services import authorizations, reception, users
from tests import flows
from tests.cast import PASSWORD, PERFORMING_UNIT, REQUESTING_UNIT

# 07:30 UTC: 23:30 on 2 December in Tijuana, 01:30 on 3 December in Mexico City.
MOMENT = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)
TIJUANA_DAY = "02/12/2026"
CAPITAL_DAY = "03/12/2026"

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) not installed")


@pytest.fixture
def tijuana(db):  # type: ignore[no-untyped-def]
    """The requesting clinic is in Tijuana; the performing hospital stays in Mexico City."""
    with db.transaction() as s:
        s.scalar(select(Unit).where(Unit.code == REQUESTING_UNIT)).time_zone = "America/Tijuana"


@pytest.fixture
def tijuana_hospital(db):  # type: ignore[no-untyped-def]
    """The performing hospital (its specialists and reception) is in Tijuana; the
    requesting clinic stays in Mexico City."""
    with db.transaction() as s:
        s.scalar(select(Unit).where(Unit.code == PERFORMING_UNIT)).time_zone = "America/Tijuana"


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True,
                         text=True, check=True)
    return " ".join(out.stdout.split())


def approved_and_used(db, cast):  # type: ignore[no-untyped-def]
    """Submitted, approved and used, all at MOMENT; returns (request id, number)."""
    with clock.frozen_at(MOMENT):
        request_id, auth_id = flows.authorized(db, cast)
        receptionist = users.login(db, "recepcion1", PASSWORD)  # the hospital's reception
        with db.transaction() as s:
            authorizations.record_use(s, receptionist, auth_id)
    with db.session() as s:
        return request_id, s.get(Authorization, auth_id).number


def test_a_tijuana_clinics_request_is_dated_on_its_day(db, cast, tijuana):  # type: ignore[no-untyped-def]
    with clock.frozen_at(MOMENT):
        request_id, auth_id = flows.authorized(db, cast)
    with db.session() as s:
        assert s.get(Request, request_id).requested_on == date(2026, 12, 2)
        # Valid from the Mexico City hospital's day, where it will be used.
        assert s.get(Authorization, auth_id).valid_from == date(2026, 12, 3)


def test_approval_at_2330_in_a_tijuana_hospital_is_valid_from_that_day(
        db, cast, tijuana_hospital):  # type: ignore[no-untyped-def]
    with clock.frozen_at(MOMENT):
        request_id, auth_id = flows.authorized(db, cast)
    with db.session() as s:
        assert s.get(Request, request_id).requested_on == date(2026, 12, 3)  # the clinic's
        auth = s.get(Authorization, auth_id)
        assert auth.valid_from == date(2026, 12, 2)
        assert auth.number.startswith("A09HGZ24-2026-")  # the issuing unit's year


@needs_pdftotext
def test_slip_printed_at_the_command_line_shows_the_tijuana_day(
        db, db_url, cast, tijuana_hospital, tmp_path, cli_password, capsys):  # type: ignore[no-untyped-def]
    with clock.frozen_at(MOMENT):
        _request_id, auth_id = flows.authorized(db, cast)
        with db.session() as s:
            number = s.get(Authorization, auth_id).number
        first, again = tmp_path / "slip.pdf", tmp_path / "again.pdf"
        # Printed at the Mexico City clinic (recepcion.umf) at 01:30 on 3 December.
        for target in (first, again):
            assert cli.main(["--database", db_url, "print", "slip", number, "-o", str(target),
                             "--user", "recepcion.umf"]) == 0
    capsys.readouterr()
    text = pdf_text(again)
    assert f"el {TIJUANA_DAY}" in text  # issued on
    assert f"impresa el {TIJUANA_DAY}" in text, text  # the reprint's day
    assert f"del {TIJUANA_DAY} al" in text  # validity
    assert CAPITAL_DAY not in text
    assert "SIN VALIDEZ" not in text


@needs_pdftotext
def test_paper_st2_of_the_request_shows_the_tijuana_days(
        db, db_url, cast, tijuana, tmp_path, cli_password, capsys):  # type: ignore[no-untyped-def]
    with clock.frozen_at(MOMENT):
        request_id, _ = flows.authorized(db, cast)
        with db.session() as s:
            folio = s.get(Request, request_id).folio
        target = tmp_path / "st2.pdf"
        assert cli.main(["--database", db_url, "print", "request", folio, "-o", str(target),
                         "--user", "dictaminador1"]) == 0
    capsys.readouterr()
    text = pdf_text(target)
    assert TIJUANA_DAY in text  # requested on, decided on
    assert CAPITAL_DAY not in text


def test_verify_at_the_command_line_names_the_day_and_zone_of_use(
        db, db_url, cast, tijuana_hospital, cli_password, capsys):  # type: ignore[no-untyped-def]
    _request_id, number = approved_and_used(db, cast)
    capsys.readouterr()
    with clock.frozen_at(MOMENT):  # checked at the Mexico City clinic
        code = cli.main(["--database", db_url, "verify", number, "--user", "recepcion.umf"])
    out = capsys.readouterr().out
    assert code != 0  # used: not valid any more
    assert f"ya se utilizó el {TIJUANA_DAY} 23:30 (hora de Tijuana)" in out, out
    # The Tijuana hospital's own receptionist reads its own clock: no zone named.
    with clock.frozen_at(MOMENT):
        cli.main(["--database", db_url, "verify", number, "--user", "recepcion1"])
    out = capsys.readouterr().out
    assert f"ya se utilizó el {TIJUANA_DAY} 23:30." in out, out


def test_reception_cards_show_the_days_of_the_performing_unit(db, cast, tijuana_hospital):  # type: ignore[no-untyped-def]
    _request_id, number = approved_and_used(db, cast)
    receptionist = users.login(db, "recepcion.umf", PASSWORD)  # in Mexico City
    with clock.frozen_at(MOMENT), db.session() as s:
        card = reception.find(s, receptionist, number).cards[0]
    assert card.issued_on == card.used_on == card.state_date == date(2026, 12, 2)


def test_authorizations_expire_by_their_own_units_day(
        db, db_url, cast, tijuana_hospital, cli_password, capsys):  # type: ignore[no-untyped-def]
    with clock.frozen_at(MOMENT):
        _request_id, auth_id = flows.authorized(db, cast)
    with db.transaction() as s:
        s.get(Authorization, auth_id).valid_until = date(2026, 12, 2)
    # Still 2 December in Tijuana: the command run from Mexico City (admin1) and the job
    # with no unit leave it valid.
    with clock.frozen_at(MOMENT):
        assert cli.main(["--database", db_url, "expire", "--user", "admin1"]) == 0
        assert "vencidas hoy: 0" in capsys.readouterr().out
        clock.set_zone(None)  # a scheduled job: nobody signed in
        with db.transaction() as s:
            assert authorizations.expire_due(s, None) == 0
            assert s.get(Authorization, auth_id).status is AuthorizationStatus.VALID
    # 00:30 on 3 December in Tijuana: now it expires.
    with clock.frozen_at(datetime(2026, 12, 3, 8, 30, tzinfo=UTC)), db.transaction() as s:
        assert authorizations.expire_due(s, None) == 1
        assert s.get(Authorization, auth_id).status is AuthorizationStatus.EXPIRED


def test_folios_reserved_at_the_command_line_take_the_units_year(
        db, db_url, cast, tijuana, cli_password, capsys):  # type: ignore[no-untyped-def]
    """`folios reserve` without --year takes the unit's year: at 23:30 on
    31 December in Tijuana it is already next year in Mexico City."""
    with clock.frozen_at(datetime(2027, 1, 1, 7, 30, tzinfo=UTC)):
        assert cli.main(["--database", db_url, "folios", "reserve", "--unit", REQUESTING_UNIT,
                         "--count", "2", "--user", "admin1"]) == 0
    assert f"{REQUESTING_UNIT}-2026-" in capsys.readouterr().out


def test_a_late_appeal_names_the_deadline_on_the_units_clock(db, cast, tijuana):  # type: ignore[no-untyped-def]
    """Rejected at 21:30 on 28 February in Tijuana (05:30 UTC on 1 March): the 15 days end
    at 22:30 on 15 March there, not on "16/03/2026" (the UTC day)."""
    from st2desk.errors import InvalidTransition
    from st2desk.services import decisions

    with clock.frozen_at(datetime(2026, 3, 1, 5, 30, tzinfo=UTC)):
        request_id = flows.rejected(db, cast)
    with clock.frozen_at(datetime(2026, 3, 18, 18, 0, tzinfo=UTC)), db.transaction() as s:
        with pytest.raises(InvalidTransition) as late:
            decisions.file_appeal(s, cast.physician, request_id, "La exploración sí justifica "
                                  "el estudio; se anexan notas previas.")
    assert "venció el 15/03/2026 22:30 (hora de Tijuana)" in late.value.message


def test_a_broken_checkpoint_is_dated_on_the_units_clock(db, cast, tijuana):  # type: ignore[no-untyped-def]
    """`audit verify` names the checkpoint's time as the signed-in unit reads it."""
    from sqlalchemy import delete

    from st2desk import audit
    from st2desk.models import AuditEvent
    from tests.tamper import as_dba

    with clock.frozen_at(MOMENT):
        flows.draft(db, cast)
        with db.transaction() as s:
            audit.checkpoint(s, "prueba")
    with db.transaction() as s:
        as_dba(s)
        s.execute(delete(AuditEvent))
    clock.set_zone("America/Tijuana")
    with db.session() as s:
        report = audit.verify(s)
    assert not report.ok and f"firmado el {TIJUANA_DAY} 23:30" in report.reason, report.reason
