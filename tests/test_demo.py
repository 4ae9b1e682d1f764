"""`st2desk demo`: realistic data, created only through the services, in every state."""

from __future__ import annotations

import csv
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from st2desk import audit, clock, passwords
from st2desk.catalogs import load_reference_data
from st2desk.db import Database
from st2desk.demo import DEMO_PASSWORD, EMERGENCY_DX, SERVICES, DemoSummary, generate, local_date
from st2desk.identifiers import (
    identity_problems,
    nss_birth_year_digits,
    parse_agregado,
    validate_curp,
    validate_nss,
)
from st2desk.models import (
    Appeal,
    AuditEvent,
    Authorization,
    AuthorizationStatus,
    Decision,
    Patient,
    Request,
    RequestStatus,
    Role,
    Service,
    User,
)
from st2desk.numbering import parse_number
from st2desk.resources import reference_file
from st2desk.services.users import login

N = 60


def _all(session, column):  # type: ignore[no-untyped-def]
    return list(session.scalars(select(column)))


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with its cheapest parameters: these tests are about the data, and ~50 demo
    accounts at the production cost would take most of the time. Login still runs the real
    `login` and Argon2 verification."""
    monkeypatch.setattr(passwords, "_hasher",
                        PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


def test_demo_fills_every_state_with_valid_consistent_data(db: Database,
                                                           fast_hashing: None) -> None:
    calls: list[tuple[int, int]] = []
    summary = generate(db, requests=N, seed=2026, progress=lambda done, total: calls.append(
        (done, total)))
    finished = clock.now()

    assert summary.problems == []
    assert summary.requests >= N
    assert summary.users_created == summary.users > 20
    assert summary.patients > N // 3
    assert sum(summary.by_status.values()) == summary.requests
    assert set(summary.by_status) == set(RequestStatus)
    assert f"{summary.requests} solicitudes" in str(summary)
    assert calls and calls[-1][0] == calls[-1][1] == summary.requests
    assert [done for done, _total in calls] == list(range(1, summary.requests + 1))

    with db.session() as s:
        # every state of the request's life is represented
        statuses = set(_all(s, Request.status))
        assert statuses == set(RequestStatus)
        assert s.scalar(select(func.count(Request.id))) == summary.requests

        # identifiers of every patient are valid and consistent with birth date and sex
        patients = s.scalars(select(Patient)).all()
        assert len(patients) >= summary.patients
        for p in patients:
            assert validate_nss(p.nss) == p.nss
            assert p.curp is not None and validate_curp(p.curp) == p.curp
            assert identity_problems(p.nss, p.agregado, p.curp, p.birth_date, p.sex) == []
            agregado = parse_agregado(p.agregado)
            if agregado.is_titular:
                assert nss_birth_year_digits(p.nss) == f"{p.birth_date.year % 100:02d}"
            assert p.first_name.isupper() and p.last_name.isupper()
        assert any(parse_agregado(p.agregado).number > 1 for p in patients)
        eligible = [p.eligible_until for p in patients if p.eligible_until]
        today = local_date(finished)
        assert sum(d >= today for d in eligible) > len(eligible) // 2

        # folios and authorization numbers carry a valid check character and are unique
        folios = _all(s, Request.folio)
        assert len(folios) == len(set(folios))
        assert not any(parse_number(f).is_authorization for f in folios)
        numbers = _all(s, Authorization.number)
        assert numbers and len(numbers) == len(set(numbers))
        assert all(parse_number(n).is_authorization for n in numbers)

        # only out-of-catalog services, diagnoses from the catalog, texts of a real length
        for req in s.scalars(select(Request)):
            assert req.service is not None and not req.service.in_basic_catalog
            if req.status is not RequestStatus.DRAFT:
                assert req.diagnosis_code and len(req.justification) >= 30
        # the rules held: decisions at the performing unit, appeals by someone else
        for auth in s.scalars(select(Authorization)):
            issuer = s.get(User, auth.issued_by_id)
            assert issuer is not None and issuer.unit_id == auth.performing_unit_id
            if auth.status is AuthorizationStatus.USED:
                assert auth.used_at is not None
                assert auth.valid_from <= local_date(auth.used_at) <= auth.valid_until
        for appeal in s.scalars(select(Appeal).where(Appeal.decided_by_id.is_not(None))):
            first = set(s.scalars(select(Decision.decided_by_id).where(
                Decision.request_id == appeal.request_id, Decision.on_appeal.is_(False))))
            assert appeal.decided_by_id not in first

        # nothing dated in the future, history over months, the audit chain intact
        latest = [s.scalar(select(func.max(c))) for c in (
            Request.created_at, Request.updated_at, AuditEvent.at, Authorization.issued_at)]
        assert all(t is not None and t <= finished for t in latest)
        earliest = s.scalar(select(func.min(Request.created_at)))
        assert earliest is not None and (finished - earliest).days > 120
        report = audit.verify(s)
        assert report.ok, report

    workstation = Database(db.url)  # on PostgreSQL, signing in connects as the person
    try:
        actor = login(workstation, "medico.umf20", DEMO_PASSWORD)
        assert Role.PHYSICIAN in actor.roles
        assert Role.SPECIALIST in login(workstation, "dictaminador.hgz24.radio",
                                        DEMO_PASSWORD).roles
    finally:
        workstation.dispose()

    # a second run reuses the users and adds new patients and requests
    again = generate(db, requests=15, seed=2026)
    assert again.problems == []
    assert again.users_created == 0 and again.users == summary.users
    assert again.requests >= 15 and again.patients > 0
    with db.session() as s:
        assert s.scalar(select(func.count(Request.id))) == summary.requests + again.requests
        folios = _all(s, Request.folio)
        assert len(folios) == len(set(folios))
        assert audit.verify(s).ok


def _fingerprint(db: Database) -> list[tuple[object, ...]]:
    with db.session() as s:
        people = s.execute(select(Patient.nss, Patient.agregado, Patient.curp, Patient.first_name,
                                  Patient.last_name).order_by(Patient.id)).all()
        work = s.execute(select(Request.folio, Request.status, Service.code,
                                Request.diagnosis_code, Request.justification, Request.created_at)
                         .join(Service, Request.service_id == Service.id)
                         .order_by(Request.id)).all()
    return [tuple(r) for r in people if not r[0].startswith("0105801234")] + [
        tuple(r) for r in work]


def test_same_seed_gives_the_same_data(db: Database, empty_db_url: str,
                                       fast_hashing: None) -> None:
    other = Database(empty_db_url)
    try:
        other.upgrade()
        with other.transaction() as s:
            load_reference_data(s)
        moment = (clock.now() - timedelta(days=30)).replace(microsecond=0)
        with clock.frozen_at(moment):
            first = generate(db, requests=15, seed=7)
            second = generate(other, requests=15, seed=7)
        assert first.problems == second.problems == []
        assert first.by_status == second.by_status
        assert _fingerprint(db) == _fingerprint(other)
    finally:
        other.dispose()


def test_zero_requests_creates_only_the_users(db: Database, fast_hashing: None) -> None:
    summary = generate(db, requests=0)
    assert summary.requests == summary.patients == 0
    assert summary.users_created > 0
    with db.session() as s:
        assert s.scalar(select(func.count(Request.id))) == 0


def test_summary_reads_as_a_short_spanish_sentence() -> None:
    summary = DemoSummary(users=24, patients=180, requests=300,
                          by_status={RequestStatus.USED: 90, RequestStatus.DRAFT: 12},
                          blocked_submissions=3)
    text = str(summary)
    assert text.startswith("24 usuarios, 180 pacientes, 300 solicitudes (borrador 12, ")
    assert "utilizada 90" in text and "3 envíos" in text


def test_the_demo_catalog_mapping_uses_real_codes() -> None:
    with reference_file("services.csv").open(encoding="utf-8") as fh:
        services = {row["code"]: row for row in csv.DictReader(fh)}
    with reference_file("cie10.csv").open(encoding="utf-8") as fh:
        cie10 = {row["code"] for row in csv.DictReader(fh)}
    for code, (level, weight, low, high, _female, diagnoses) in SERVICES.items():
        assert code in services, code
        assert services[code]["basic_catalog"] == "0", code
        assert level in (2, 3) and weight > 0 and low <= high
        assert set(diagnoses) <= cie10, (code, set(diagnoses) - cie10)
    for code, diagnoses in EMERGENCY_DX.items():
        assert code in SERVICES and set(diagnoses) <= cie10, code
