"""Inbox and appeals queries: keyset pages, filters, scope, search, detail, index use."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select, text

from st2desk import clock, numbering
from st2desk.errors import NotFound, PermissionDenied, ValidationError
from st2desk.models import (
    Patient,
    Priority,
    Request,
    RequestStatus,
    Role,
    Service,
    Severity,
    Unit,
    User,
)
from st2desk.services import decisions, inbox
from st2desk.services.common import Actor
from st2desk.services.inbox import InboxFilters
from st2desk.services.users import add_user
from tests import flows
from tests.cast import OTHER_UNIT, PERFORMING_UNIT

S = RequestStatus
BASE = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def bulk_pending(db, cast, count: int, *, start: int = 100_000, tie_every: int = 7,
                 specialty_id: int | None = None, **fields) -> list[int]:  # type: ignore[no-untyped-def]
    """Insert pending requests directly (fast), many sharing a due_at to test the tie-breaker."""
    ids = []
    with db.transaction() as s:
        if specialty_id is None:
            specialty_id = s.get(Service, cast.service_id).specialty_id
        for i in range(count):
            status = fields.get("status") or (S.INFO_REQUESTED if i % 5 == 0 else S.IN_REVIEW)
            submitted = fields.get("submitted_at") or BASE - timedelta(days=i % 9)
            req = Request(
                uuid=uuid.uuid4(), folio=numbering.format_folio("09UMF20", 2026, start + i),
                status=status, priority=fields.get("priority", Priority.ORDINARY),
                patient_id=cast.patient_id, physician_id=cast.physician.user_id,
                requesting_unit_id=fields.get("requesting_unit_id", cast.requesting_unit_id),
                performing_unit_id=fields.get("performing_unit_id", cast.performing_unit_id),
                service_id=cast.service_id, specialty_id=specialty_id, diagnosis_code="G439",
                justification="x" * 40, requested_on=submitted.date(), submitted_at=submitted,
                due_at=BASE + timedelta(hours=i // tie_every),
                clock_paused_at=BASE if status is S.INFO_REQUESTED else None,
            )
            s.add(req)
            s.flush()
            ids.append(req.id)
    return ids


def all_pages(db, actor, filters=None, limit=40):  # type: ignore[no-untyped-def]
    rows, after = [], None
    while True:
        with db.session() as s:
            page = inbox.inbox_page(s, actor, filters, after, limit)
        rows.extend(page)
        if len(page) < limit:
            return rows
        after = page[-1].cursor


def make_user(db, username: str, unit_code: str, roles, specialty_code=None) -> Actor:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        user = add_user(s, None, username=username, full_name=username.title(), password="x" * 12,
                        unit_code=unit_code, roles=roles, specialty_code=specialty_code)
        return Actor.from_user(user)


# --------------------------------------------------------------------------- paging


def test_keyset_pages_follow_the_clock_without_gaps_or_repeats(db, cast):
    ids = bulk_pending(db, cast, 230)
    rows = all_pages(db, cast.specialist, limit=40)
    with db.session() as s:
        expected = list(s.scalars(select(Request.id).order_by(
            Request.status == S.INFO_REQUESTED, Request.due_at, Request.id)))
    assert [r.id for r in rows] == expected
    assert sorted(expected) == sorted(ids)
    # in review first by the clock, then information requested (paused) by the clock
    assert {r.status for r in rows} == {S.IN_REVIEW, S.INFO_REQUESTED}
    keys = [(r.paused, r.due_at, r.id) for r in rows]
    assert keys == sorted(keys)
    paused = next(r for r in rows if r.status is S.INFO_REQUESTED)
    assert paused.paused and paused.time_left(BASE + timedelta(days=30)) == paused.due_at - BASE


def test_paused_requests_never_sit_between_overdue_ones(db, cast):
    """Issue 13 (8): the README promises overdue first; a request waiting for the physician's
    answer (clock paused) comes after every request whose clock runs, on every page."""
    start = datetime(2026, 10, 5, 15, 0, tzinfo=UTC)
    with clock.frozen_at(start):
        paused = flows.in_review(db, cast, priority=Priority.URGENT)  # due first
        with db.transaction() as s:
            decisions.ask_information(s, cast.specialist, paused,
                                      "Adjunte la radiografía previa, por favor.")
    with clock.frozen_at(start + timedelta(hours=1)):
        overdue = flows.in_review(db, cast, priority=Priority.URGENT,
                                  patient_id=cast.patient_female_id,
                                  service_id=cast.female_service_id)
    with clock.frozen_at(start + timedelta(hours=2)):
        running = flows.in_review(db, cast, patient_id=cast.patient_child_id)
    with clock.frozen_at(start + timedelta(days=5)):  # both urgent ones are past 72 h
        with db.session() as s:
            first = inbox.inbox_page(s, cast.specialist)
            assert first[0].time_left(clock.now()) < timedelta(0)
        assert [r.id for r in first] == [overdue, running, paused]
        assert [r.id for r in all_pages(db, cast.specialist, limit=1)] == [overdue, running, paused]


def test_rows_carry_what_the_table_shows(db, cast):
    request_id = flows.in_review(db, cast, priority=Priority.URGENT)
    with db.session() as s:
        [row] = inbox.inbox_page(s, cast.specialist)
    assert row.id == request_id and row.priority is Priority.URGENT
    assert row.patient_name == "JUAN PÉREZ GÓMEZ" and row.agregado == "1M1980OR"
    assert row.service_code == "IMG-TAC-CRA" and row.requesting_unit_code == "09UMF20"
    assert row.due_at - row.submitted_at == timedelta(hours=72)
    assert not row.overdue(row.submitted_at) and row.overdue(row.due_at + timedelta(seconds=1))


def test_filters_narrow_the_inbox(db, cast):
    bulk_pending(db, cast, 12, start=200_000, status=S.IN_REVIEW)
    bulk_pending(db, cast, 5, start=300_000, status=S.INFO_REQUESTED, priority=Priority.URGENT)
    bulk_pending(db, cast, 4, start=400_000, status=S.IN_REVIEW,
                 requesting_unit_id=cast.other_unit_id,
                 submitted_at=datetime(2026, 1, 10, 5, 30, tzinfo=UTC))  # 9 Jan in Mexico
    assert len(all_pages(db, cast.specialist)) == 21
    only_info = all_pages(db, cast.specialist, InboxFilters(statuses=(S.INFO_REQUESTED,)))
    assert len(only_info) == 5 and {r.status for r in only_info} == {S.INFO_REQUESTED}
    urgent = all_pages(db, cast.specialist, InboxFilters(priority=Priority.URGENT))
    assert len(urgent) == 5
    other_unit = all_pages(db, cast.specialist, InboxFilters(requesting_unit_id=cast.other_unit_id))
    assert len(other_unit) == 4
    day = all_pages(db, cast.specialist, InboxFilters(submitted_from=date(2026, 1, 9),
                                                      submitted_to=date(2026, 1, 9)))
    assert len(day) == 4
    assert all_pages(db, cast.specialist, InboxFilters(submitted_from=date(2026, 1, 10),
                                                       submitted_to=date(2026, 1, 10))) == []
    with db.session() as s:
        assert inbox.inbox_count(s, cast.specialist) == 21
        assert inbox.inbox_count(s, cast.specialist, cap=10) == 11  # "more than 10"
        assert inbox.inbox_count(s, cast.specialist, InboxFilters(priority=Priority.URGENT)) == 5
        with pytest.raises(ValidationError):
            inbox.inbox_page(s, cast.specialist, InboxFilters(statuses=(S.AUTHORIZED,)))
        with pytest.raises(ValidationError):
            inbox.inbox_page(s, cast.specialist, limit=0)


def test_scope_is_the_users_unit_and_specialty(db, cast):
    request_id = flows.in_review(db, cast)
    with db.session() as s:
        assert [r.id for r in inbox.inbox_page(s, cast.specialist)] == [request_id]
        assert inbox.inbox_page(s, cast.other_specialist) == []  # other specialty, same unit
        with pytest.raises(PermissionDenied):  # a fixed specialty cannot be widened
            inbox.inbox_page(s, cast.other_specialist,
                             InboxFilters(specialty_id=s.get(Service, cast.service_id).specialty_id))
        with pytest.raises(PermissionDenied, match="médico dictaminador"):
            inbox.inbox_page(s, cast.physician)
    elsewhere = make_user(db, "dictaminador.27", OTHER_UNIT, [Role.SPECIALIST], "RADIO")
    with db.session() as s:
        assert inbox.inbox_page(s, elsewhere) == []


def test_a_specialist_has_exactly_one_specialty(db, cast):
    """No account decides "every specialty of its unit": none can be created, and one left
    without a specialty (older data) sees and decides nothing, and is told why."""
    request_id = flows.in_review(db, cast)
    with pytest.raises(ValidationError, match="una sola especialidad"):
        make_user(db, "dictaminador.general", PERFORMING_UNIT, [Role.SPECIALIST])
    general = make_user(db, "dictaminador.general", PERFORMING_UNIT, [Role.SPECIALIST], "RADIO")
    with db.transaction() as s:
        s.get(User, general.user_id).specialty_id = None
    with db.session() as s:
        with pytest.raises(PermissionDenied, match="no tiene especialidad asignada"):
            inbox.inbox_page(s, general)
        with pytest.raises(NotFound):
            inbox.request_detail(s, general, request_id)
    with pytest.raises(PermissionDenied, match="no tiene especialidad asignada"), db.transaction() as s:
        decisions.approve(s, general, request_id)


# --------------------------------------------------------------------------- search


def test_search_by_folio_number_and_nss(db, cast):
    first, auth_id = flows.authorized(db, cast)
    second = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    with db.session() as s:
        folio = s.get(Request, second).folio
        number = s.get(Request, first).authorization.number
        nss = s.get(Patient, cast.patient_id).nss
        hits = inbox.search_inbox(s, cast.specialist, f"  {folio.lower()} ")
        assert [r.id for r in hits] == [second]
        assert [r.id for r in inbox.search_inbox(s, cast.specialist, number)] == [first]
        # the NSS is shared by the family: every submitted request under it, any status
        by_nss = inbox.search_inbox(s, cast.specialist, f"{nss[:4]} {nss[4:]}")
        assert {r.id for r in by_nss} == {first, second}
        assert {r.status for r in by_nss} == {S.AUTHORIZED, S.IN_REVIEW}
        # Another specialty's folio is not theirs to read: "not found", as a folio never
        # issued (no enumeration), and what PostgreSQL's row security answers too.
        with pytest.raises(NotFound, match=f"^No existe la solicitud {folio}"):
            inbox.search_inbox(s, cast.other_specialist, folio)
        with pytest.raises(ValidationError, match="verificador"):
            inbox.search_inbox(s, cast.specialist, folio[:-1] + ("X" if folio[-1] != "X" else "Y"))
        with pytest.raises(ValidationError, match="dígito verificador del NSS"):
            inbox.search_inbox(s, cast.specialist, nss[:-1] + str((int(nss[-1]) + 1) % 10))
        with pytest.raises(NotFound):
            inbox.search_inbox(s, cast.specialist, numbering.format_folio("09UMF20", 2026, 999_999))
        with pytest.raises(ValidationError):
            inbox.search_inbox(s, cast.specialist, "   ")
        assert inbox.inbox_rows_by_id(s, cast.specialist, [second])[0].folio == folio


# --------------------------------------------------------------------------- detail


def test_detail_has_findings_exchanges_decisions_and_history(db, cast):
    earlier = flows.rejected(db, cast, patient_id=cast.patient_child_id)
    flows.draft(db, cast, patient_id=cast.patient_child_id)  # drafts are not history
    with db.transaction() as s:
        s.get(Patient, cast.patient_child_id).eligible_until = date(2020, 1, 31)
    request_id = flows.in_review(db, cast, patient_id=cast.patient_child_id)
    with db.transaction() as s:
        decisions.ask_information(s, cast.specialist, request_id,
                                  "Anexe el resultado de la valoración por neurología.")
    with db.session() as s:
        d = inbox.request_detail(s, cast.specialist, request_id)
        old = inbox.request_detail(s, cast.specialist, earlier)
    assert d.status is S.INFO_REQUESTED and d.clock_paused_at is not None
    assert [f.code for f in d.warnings] == ["eligibility.expired"]
    assert d.warnings[0].severity is Severity.WARN and "31/01/2020" in d.warnings[0].message
    assert d.information[0].question.startswith("Anexe") and d.information[0].answer is None
    assert d.information[0].asked_by_name == "Dictaminador1"
    assert [(h.id, h.status) for h in d.history] == [(earlier, S.REJECTED)]
    assert d.validity_days == 30 and d.diagnosis_description
    assert d.physician_id == cast.physician.user_id
    rejection = old.first_rejection
    assert rejection is not None and rejection.reason_code == "R01"
    assert rejection.reason == "Justificación clínica insuficiente"
    assert rejection.decided_by_name == "Dictaminador1" and "exploración" in rejection.text
    assert [h.id for h in old.history] == [request_id]


def test_detail_is_for_the_units_that_work_the_request(db, cast):
    request_id = flows.in_review(db, cast)
    elsewhere = make_user(db, "dictaminador.27", OTHER_UNIT, [Role.SPECIALIST], "RADIO")
    with db.session() as s:
        for actor in (cast.specialist, cast.appeals, cast.physician2, cast.reception,
                      cast.reception_elsewhere, cast.admin):
            assert inbox.request_detail(s, actor, request_id).id == request_id
        # Another unit, another specialty of the same unit: told nothing, not even the folio.
        for outsider in (elsewhere, cast.other_specialist):
            with pytest.raises(NotFound) as refused:
                inbox.request_detail(s, outsider, request_id)
            assert "No existe esa solicitud" in refused.value.message
        with pytest.raises(NotFound):
            inbox.request_detail(s, cast.specialist, 987_654)
    draft_id = flows.draft(db, cast)  # a draft belongs to its requesting unit until submitted
    with db.session() as s:
        assert inbox.request_detail(s, cast.physician2, draft_id).id == draft_id
        for reviewer in (cast.specialist, cast.appeals):
            with pytest.raises(NotFound):
                inbox.request_detail(s, reviewer, draft_id)


# --------------------------------------------------------------------------- appeals


def _appealed(db, cast, decider, **overrides) -> int:  # type: ignore[no-untyped-def]
    request_id = flows.in_review(db, cast, **overrides)
    with db.transaction() as s:
        decisions.reject(s, decider, request_id, "R04",
                         "No cumple los criterios de referencia del segundo nivel.")
    with db.transaction() as s:
        decisions.file_appeal(s, cast.physician, request_id,
                              "El paciente cumple criterios: cefalea progresiva con papiledema.")
    return request_id


def test_appeals_queue_shows_rejection_and_grounds(db, cast):
    by_specialist = _appealed(db, cast, cast.specialist)
    by_chief = _appealed(db, cast, cast.chief, patient_id=cast.patient_female_id)
    flows.rejected(db, cast, patient_id=cast.patient_child_id)  # rejected, not appealed
    with db.session() as s:
        rows = inbox.appeals_page(s, cast.appeals)
        chief_rows = inbox.appeals_page(s, cast.chief)
        assert inbox.appeals_count(s, cast.appeals) == 2
    assert [r.id for r in rows] == [by_specialist, by_chief]  # oldest appeal first
    row = rows[0]
    assert row.rejection_reason_code == "R04" and row.rejection_reason == "No cumple criterios de referencia"
    assert row.rejected_by_name == "Dictaminador1" and row.rejection_text.startswith("No cumple")
    assert row.grounds.startswith("El paciente cumple") and row.filed_by_name == "Medico1"
    assert not any(r.first_decided_by_me for r in rows)
    assert [r.first_decided_by_me for r in chief_rows] == [False, True]
    with db.session() as s:
        first = inbox.appeals_page(s, cast.appeals, limit=1)
        second = inbox.appeals_page(s, cast.appeals, after=first[0].cursor, limit=1)
        assert [first[0].id, second[0].id] == [by_specialist, by_chief]
        assert inbox.appeals_page(s, cast.appeals, after=second[0].cursor) == []
        with pytest.raises(PermissionDenied):
            inbox.appeals_page(s, cast.specialist)
    head_elsewhere = make_user(db, "jefe.27", OTHER_UNIT, [Role.APPEALS])
    with db.session() as s:
        assert inbox.appeals_page(s, head_elsewhere) == []
    with db.transaction() as s:
        decisions.decide_appeal(s, cast.appeals, by_specialist, grant=True,
                                text="Se revoca: el cuadro clínico justifica el estudio.")
    with db.session() as s:
        assert [r.id for r in inbox.appeals_page(s, cast.appeals)] == [by_chief]


def test_choices(db, cast):
    with db.session() as s:
        reasons = inbox.rejection_reason_choices(s)
        units = inbox.unit_choices(s)
        assert reasons[0].code == "R01" and len(reasons) == 13
        assert [u.code for u in units] == sorted(u.code for u in units)
        assert inbox.specialist_scope(s, cast.specialist) == (
            cast.performing_unit_id, s.get(Service, cast.service_id).specialty_id)
        assert s.scalar(select(Unit.code).where(Unit.id == units[0].id)) == units[0].code


# --------------------------------------------------------------------------- index use


def _plans(db, call) -> list[str]:  # type: ignore[no-untyped-def]
    """Run `call(session)`, then EXPLAIN every SELECT it issued with the same parameters."""
    seen: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.session() as s:
            call(s)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    plans = []
    with db.engine.connect() as conn:
        if db.is_sqlite:
            for statement, parameters in seen:
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                plans.append("\n".join(str(r[-1]) for r in rows))
        else:
            conn.execute(text("SET enable_seqscan = off"))
            for statement, parameters in seen:
                rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters)
                plans.append("\n".join(r[0] for r in rows))
    return plans


def test_inbox_queries_use_the_indexes(db, cast):
    bulk_pending(db, cast, 30)
    with db.session() as s:
        after = inbox.inbox_page(s, cast.specialist, limit=10)[-1].cursor
        folio = s.scalar(select(Request.folio).limit(1))
        nss = s.get(Patient, cast.patient_id).nss

    page = "\n".join(_plans(db, lambda s: inbox.inbox_page(s, cast.specialist, None, after, 10)))
    count = "\n".join(_plans(db, lambda s: inbox.inbox_count(s, cast.specialist)))
    if db.is_sqlite:
        assert "ix_requests_inbox" in page, page
        # each lane is a range scan from the cursor in index order (the sort is of the page)
        lanes = [line for line in page.splitlines() if "ix_requests_inbox" in line]
        assert lanes and all("due_at>?" in line.replace(" ", "") for line in lanes), page
        assert "COVERING INDEX ix_requests_inbox" in count, count
    else:
        # On a table this small PostgreSQL may pick either inbox index; both serve the lane
        # in (due_at, id) order from the cursor (bench/bench_inbox.py checks at scale).
        for plan in (page, count):
            assert "Seq Scan on requests" not in plan, plan
            assert "ix_requests_inbox" in plan or "ix_requests_status_due" in plan, plan
        assert "due_at >=" in page, page
    by_folio = "\n".join(_plans(db, lambda s: inbox.search_inbox(s, cast.specialist, folio)))
    assert "uq_requests_folio" in by_folio or "sqlite_autoindex_requests" in by_folio, by_folio
    by_nss = "\n".join(_plans(db, lambda s: inbox.search_inbox(s, cast.specialist, nss)))
    assert "ix_patients_nss" in by_nss and "ix_requests_patient_service" in by_nss, by_nss
    appeals = "\n".join(_plans(db, lambda s: inbox.appeals_page(s, cast.appeals)))
    assert "ix_requests" in appeals, appeals
