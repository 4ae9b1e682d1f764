"""The report facts (st2desk.reports.sqlite_facts, st2desk.reports.pg_facts): always equal
to what the requests say, whatever writes them; on SQLite read in index order so a year's
report never sorts; on PostgreSQL readable by administrators only.

The figures themselves are checked against known answers in test_reports.py, and cell for
cell against an independent recomputation in test_report_recompute.py.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select, text

from st2desk import clock
from st2desk.db import Database
from st2desk.models import Priority, Service, ServiceCategory, Unit
from st2desk.reports.model import MEXICO, ReportFilter
from st2desk.services import decisions, reports, requests
from tests import flows
from tests.cast import Cast
from tests.test_sync import dirs, offline  # noqa: F401  (fixtures: a second site)


def _differences(db: Database) -> tuple[list, list, int]:
    with db.session() as s:
        missing = s.execute(text("SELECT * FROM report_facts_source EXCEPT "
                                 "SELECT * FROM report_facts")).all()
        stale = s.execute(text("SELECT * FROM report_facts EXCEPT "
                               "SELECT * FROM report_facts_source")).all()
        submitted = s.execute(text(
            "SELECT count(*) FROM requests WHERE submitted_at IS NOT NULL")).scalar_one()
        facts = s.execute(text("SELECT count(*) FROM report_facts")).scalar_one()
    assert facts == submitted
    return missing, stale, facts


def test_facts_follow_every_change_to_a_request(db: Database, cast: Cast) -> None:
    t0 = clock.now()
    draft = flows.draft(db, cast)
    with clock.frozen_at(t0):
        paused = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    with clock.frozen_at(t0 + timedelta(hours=3)), db.transaction() as s:
        decisions.ask_information(s, cast.specialist, paused, "¿Tiene estudios previos?")
    with clock.frozen_at(t0 + timedelta(hours=30)), db.transaction() as s:
        requests.answer_information(s, cast.physician, paused, "Sí, se anexan al expediente.")
    with clock.frozen_at(t0 + timedelta(hours=31)), db.transaction() as s:
        decisions.approve(s, cast.specialist, paused)
    rejected = flows.rejected(db, cast)
    with db.transaction() as s:
        decisions.file_appeal(s, cast.physician, rejected, "Se agregan hallazgos que lo justifican.")
    with db.transaction() as s:
        decisions.decide_appeal(s, cast.appeals, rejected, grant=True,
                                text="Procede: la evolución justifica el estudio.")
    flows.emergency(db, cast, clock.today() - timedelta(days=1))
    second_rejection = flows.rejected(db, cast, patient_id=cast.patient_child_id,
                                      priority=Priority.URGENT)
    with db.transaction() as s:
        revised = requests.revise(s, cast.physician, second_rejection).id
    with db.transaction() as s:
        requests.submit(s, cast.physician, revised)
    assert _differences(db)[:2] == ([], [])

    with db.session() as s:
        row = s.execute(text("SELECT approved, late, secs, sub_day, dec_day FROM report_facts "
                             "WHERE request_id = :id"), {"id": paused}).one()
        unsubmitted = s.execute(text("SELECT count(*) FROM report_facts WHERE request_id = :id"),
                                {"id": draft}).scalar_one()
    # Asked after 3 h, answered 27 h later, approved 1 h after that: 4 working hours.
    assert (row.approved, row.late, row.secs) == (1, 0, 4 * 3600)
    day = _day if db.is_sqlite else (lambda d: d)  # SQLite: proleptic ordinals
    assert row.sub_day == day(t0.astimezone(MEXICO).date())
    assert row.dec_day == day((t0 + timedelta(hours=31)).astimezone(MEXICO).date())
    assert unsubmitted == 0

    # Reference data that moves a unit to another delegation or zone, or a service to
    # another category, moves its requests' facts with it.
    with db.transaction() as s:
        unit = s.get(Unit, cast.requesting_unit_id)
        other = s.scalar(select(Unit.delegation_id).where(Unit.delegation_id != unit.delegation_id))
        unit.delegation_id = other
        unit.time_zone = "America/Tijuana"  # its days move with its zone
        service = s.get(Service, cast.service_id)
        service.category = next(c for c in ServiceCategory if c != service.category)
    missing, stale, facts = _differences(db)
    assert (missing, stale) == ([], [])
    assert facts == 4  # paused, appealed, second rejection, its revision (not the draft or
    #                    the emergency recorded but not filed)


def _day(d: date) -> int:
    return d.toordinal()


def test_a_years_report_reads_the_facts_in_index_order(db: Database, cast: Cast) -> None:
    """No statement of a report over the facts sorts (no temporary B-tree): the design
    that keeps a year at the reference scale under a second (bench/bench_reports.py)."""
    if not db.is_sqlite:
        pytest.skip("SQLite's query plans (PostgreSQL: test_pg_facts_use_their_indexes)")
    flows.authorized(db, cast)
    flows.rejected(db, cast, patient_id=cast.patient_female_id)
    statements: list[str] = []

    def trace(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Every statement the driver runs, values filled in (also those on raw cursors).
        dbapi_conn.set_trace_callback(
            lambda sql: statements.append(sql) if "FROM report_facts " in sql else None)

    db.engine.dispose()  # new connections, each traced
    event.listen(db.engine, "connect", trace)
    try:
        today = clock.today()
        flt = ReportFilter(today - timedelta(days=364), today)
        for by in ("week,month,category,specialty,delegation,unit", "specialty"):
            reports.generate(db, None, flt, by)
        reports.generate(db, None, ReportFilter(flt.date_from, flt.date_to, delegation="09"),
                         "month,specialty")
    finally:
        event.remove(db.engine, "connect", trace)
        db.engine.dispose()
    assert len(statements) > 10
    assert any("OFFSET" in sql for sql in statements)  # the percentile walks are among them
    with db.engine.connect() as conn:
        for sql in statements:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql).all()
            details = " | ".join(str(row[-1]) for row in plan)
            # Only the physicians' peer medians sort: a few thousand counts, not the facts.
            assert "TEMP B-TREE" not in details or "counts" in sql, (sql, details)
            assert "USING COVERING INDEX ix_report_facts_" in details, (sql, details)


def test_pg_facts_are_for_administrators_only(db: Database, db_url: str, cast: Cast) -> None:
    """PostgreSQL (DESIGN §7.1): the reports are the administrators' (require_report_access),
    so are the facts; the view that computes them (owner's rights) is nobody's. A
    physician's own writes still keep them right (the triggers run as the owner)."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL's second wall; on SQLite the OS account is the boundary")
    from tests.test_pg_wall import PEOPLE, psql, refused

    physician = Database(db_url)
    try:
        from st2desk.services.users import login
        from tests.cast import PASSWORD

        login(physician, "medico1", PASSWORD)
        request_id = flows.in_review(physician, cast)  # signed in as the physician
    finally:
        physician.dispose()
    assert _differences(db)[:2] == ([], [])
    for username in PEOPLE:
        with psql(db_url, username) as conn:
            for sql in ("SELECT count(*) FROM report_facts_source",
                        "UPDATE report_facts SET secs = 0", "DELETE FROM report_facts",
                        "INSERT INTO report_facts (request_id) VALUES (1)"):
                assert refused(conn, sql).startswith("error: permission denied"), (username, sql)
            if username == "admin1":
                assert conn.execute("SELECT count(*) FROM report_facts WHERE request_id = %s",
                                    (request_id,)).fetchone()[0] == 1
            else:
                assert refused(conn, "SELECT count(*) FROM report_facts").startswith(
                    "error: permission denied"), username
    # An administrator's login whose st2desk account is no longer active reads nothing.
    with db.transaction() as s:
        s.execute(text("UPDATE users SET active = false WHERE username = 'admin1'"))
    with psql(db_url, "admin1") as conn:
        assert conn.execute("SELECT count(*) FROM report_facts").fetchone()[0] == 0


def test_pg_facts_use_their_indexes(db: Database, cast: Cast) -> None:
    """PostgreSQL: the percentile walks read the breakdown's own index in order (no sort
    of the period's facts)."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL's plans")
    flows.authorized(db, cast)
    statements: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if "OFFSET" in statement and "report_facts" in statement:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        today = clock.today()
        reports.generate(db, None, ReportFilter(today - timedelta(days=364), today),
                         "week,month,category,specialty,delegation,unit")
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert len(statements) == 8  # the total, six breakdowns and the public medians
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # a test database is tiny
        for sql, params in statements:
            plan = "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql, params))
            assert "Sort" not in plan, plan
            assert "ix_report_facts_" in plan, plan


def test_paper_capture_and_sync_imports_keep_the_facts(db: Database,
                                                       offline: Database,  # noqa: F811
                                                       cast: Cast, dirs: dict  # noqa: F811
                                                       ) -> None:
    """A paper form captured at an offline unit, a request filed in its own application,
    both imported centrally (Core inserts), decided there and the decisions imported back
    (updates by import): at both sites the facts equal their definition."""
    from st2desk.forms.paper import PaperForm
    from st2desk.services import folios, paper
    from tests.cast import REQUESTING_UNIT
    from tests.paper_support import installation, paper_values
    from tests.test_sync import by_folio, export, folio_of, import_, pair, submitted_request

    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    with installation(central), db.transaction() as s:
        block = folios.reserve_block(s, cast.admin, REQUESTING_UNIT, 5)
    assert not import_(offline, unit, export(db, central, unit_code=REQUESTING_UNIT)).conflicts
    with installation(unit), offline.transaction() as s:
        paper.capture_paper(s, cast.reception_elsewhere,
                            PaperForm(**paper_values(offline, cast, block.first_folio)))
    app_folio = folio_of(offline, submitted_request(offline, cast, patient_id=cast.patient_female_id))
    report = import_(db, central, export(offline, unit))
    assert report.inserted["request"] == 2 and not report.conflicts, report.lines()
    with installation(central), db.transaction() as s:
        decisions.approve(s, cast.specialist, by_folio(db, app_folio).id)
    with installation(central), db.transaction() as s:
        decisions.reject(s, cast.specialist, by_folio(db, block.first_folio).id,
                         _a_reason(s), "No cumple los criterios de referencia del servicio.")
    report = import_(offline, unit, export(db, central))
    assert report.updated["request"] == 2 and not report.conflicts, report.lines()
    for site in (db, offline):
        missing, stale, facts = _differences(site)
        assert (missing, stale) == ([], [])
    with offline.session() as s:
        decided = s.execute(text("SELECT count(*) FROM report_facts WHERE dec_day IS NOT NULL")
                            ).scalar_one()
    assert decided == 2


def _a_reason(session) -> str:  # type: ignore[no-untyped-def]
    from st2desk.models import RejectionReason

    return session.scalar(select(RejectionReason.code).order_by(RejectionReason.code).limit(1))
