"""Inbox and appeals queries at the reference scale (DESIGN §6), and the Qt inbox on top.

    python bench/bench_inbox.py [--database URL] [--requests 1000000] [--backlog 25000]

Without --database a SQLite file in the temporary folder is seeded once with
`bench.seed.seed` (bulk inserts; 1,000,000 requests, 300,000 patients, 2,000 users,
1,500 units) and reused by later runs. The seeded workload spreads pending requests
thinly (a few per performing unit and specialty), so on top of it this benchmark adds a
*backlog*: ``--backlog`` pending requests for one hospital's radiology — the worst case
for an inbox (a specialist who must page through thousands of rows) — with a specialist
(``bench.dictaminador``) and a head of service (``bench.jefe``) of that unit.

It prints, each beside its target: the first page, a deep page after scrolling 5,000
rows by keyset, the capped count, searches by folio / authorization number / NSS, the
detail pane's read, the appeals page; then the query plans (EXPLAIN QUERY PLAN on
SQLite, EXPLAIN on PostgreSQL) and, offscreen, the Qt inbox: time to the first rows
shown and to row 5,000 through fetchMore, and the process's peak memory.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, select, text  # noqa: E402

from st2desk import numbering  # noqa: E402
from st2desk.db import Database  # noqa: E402
from st2desk.errors import NotFound  # noqa: E402
from st2desk.models import (  # noqa: E402
    Authorization,
    Patient,
    Request,
    Service,
    Setting,
    Specialty,
    Unit,
    User,
)
from st2desk.services import inbox  # noqa: E402
from st2desk.services.common import Actor  # noqa: E402

BACKLOG_KEY = "bench.inbox_backlog"
HOT_UNIT = "09UMAE01"
HOT_SPECIALTY = "RADIO"
FOLIO_UNIT = "09UMF20"  # backlog folios: this unit, sequences from 900000 (never seeded)
FIRST_SEQ = 900_000


def default_url() -> str:
    return f"sqlite:///{Path(tempfile.gettempdir()) / 'st2desk_bench_inbox.sqlite3'}"


# --------------------------------------------------------------------------- data


def ensure_seeded(db: Database, requests: int, patients: int) -> None:
    from bench.seed import seed, seeded_info

    info = seeded_info(db)
    if info is not None:
        print(f"reusing seeded database: {info.requests:,} requests, {info.patients:,} patients, "
              f"{info.units:,} units, {info.users:,} users")
        return
    t = time.perf_counter()
    print(f"seeding {requests:,} requests, {patients:,} patients (bench.seed, bulk inserts)…",
          flush=True)
    info = seed(db, requests=requests, patients=patients,
                progress=lambda m: print(f"  [{time.perf_counter() - t:6.1f} s] {m}", flush=True))
    print(f"seeded in {info.seconds:.1f} s")


def ensure_backlog(db: Database, count: int) -> None:
    """A hot lane: `count` pending requests for HOT_UNIT's radiology, bulk inserted."""
    with db.session() as s:
        if s.get(Setting, BACKLOG_KEY) is not None:
            return
        unit_id = s.scalar(select(Unit.id).where(Unit.code == HOT_UNIT))
        folio_unit_id = s.scalar(select(Unit.id).where(Unit.code == FOLIO_UNIT))
        specialty_id = s.scalar(select(Specialty.id).where(Specialty.code == HOT_SPECIALTY))
        service_ids = list(s.scalars(select(Service.id).where(
            Service.specialty_id == specialty_id, Service.in_basic_catalog.is_(False))))
        physician_id = s.scalar(select(User.id).where(User.username == "bench.u00002"))
        max_patient = s.scalar(select(Patient.id).order_by(Patient.id.desc()).limit(1))
    from bench.seed import seeded_info

    seeded = seeded_info(db)
    anchor = seeded.anchor if seeded else datetime.now(UTC)
    t = time.perf_counter()
    rng = random.Random(7)
    is_sqlite = db.is_sqlite

    def dt(v: datetime | None) -> object:
        if v is None:
            return None
        v = v.astimezone(UTC).replace(tzinfo=None)
        return v.isoformat(" ", "microseconds") if is_sqlite else v

    def u() -> object:
        value = uuid.UUID(int=rng.getrandbits(128), version=4)
        return value.hex if is_sqlite else value

    rows = []
    for i in range(count):
        urgent = rng.random() < 0.2
        submitted = anchor - timedelta(minutes=rng.randrange(60 * 24 * 40))
        due = submitted + (timedelta(hours=72) if urgent else timedelta(days=7))
        paused = rng.random() < 0.1
        year = submitted.year
        rows.append((
            u(), numbering.format_folio(FOLIO_UNIT, year, FIRST_SEQ + i),
            "info_requested" if paused else "in_review", "app", "urgent" if urgent else "ordinary",
            rng.randrange(1, max_patient + 1), physician_id, folio_unit_id, unit_id,
            rng.choice(service_ids), specialty_id, "R51", "Backlog de prueba " * 3, None,
            False if not is_sqlite else 0, None, (submitted - timedelta(hours=6)).date().isoformat()
            if is_sqlite else (submitted - timedelta(hours=6)).date(),
            dt(submitted), dt(submitted), dt(submitted), dt(due), None,
            dt(submitted + timedelta(hours=20)) if paused else None, None, None, 2))
    columns = ("uuid, folio, status, origin, priority, patient_id, physician_id, "
               "requesting_unit_id, performing_unit_id, service_id, specialty_id, diagnosis_code, "
               "justification, justification_hash, is_emergency, performed_on, requested_on, "
               "created_at, updated_at, submitted_at, due_at, decided_at, clock_paused_at, "
               "rejected_at, revision_of_id, version")
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        if is_sqlite:
            cur.execute("PRAGMA synchronous=OFF")
            marks = ",".join("?" * len(rows[0]))
        else:
            marks = ",".join(["%s"] * len(rows[0]))
        cur.executemany(f"INSERT INTO requests ({columns}) VALUES ({marks})", rows)
        raw.commit()
    finally:
        raw.close()
    from st2desk.services.users import add_user

    with db.transaction() as s:
        add_user(s, None, username="bench.dictaminador", full_name="Dictaminador de prueba",
                 password="bench-st2-2026", unit_code=HOT_UNIT, roles=["specialist"],
                 specialty_code=HOT_SPECIALTY)
        add_user(s, None, username="bench.jefe", full_name="Jefe de servicio de prueba",
                 password="bench-st2-2026", unit_code=HOT_UNIT, roles=["appeals"])
        s.add(Setting(key=BACKLOG_KEY, value=str(count)))
    with db.engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    print(f"backlog: {count:,} pending requests for {HOT_UNIT} {HOT_SPECIALTY} "
          f"in {time.perf_counter() - t:.1f} s")


# --------------------------------------------------------------------------- timing


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """(first call, median, p95) in milliseconds; each call opens its own session."""
    first = None
    samples = []
    for i in range(runs + 1):
        t = time.perf_counter()
        fn()
        ms = (time.perf_counter() - t) * 1000
        if i == 0:
            first = ms
        else:
            samples.append(ms)
    samples.sort()
    return first or 0.0, statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def report(name: str, figures: tuple[float, float, float], target_ms: float | None) -> None:
    first, median, p95 = figures
    verdict = ""
    if target_ms is not None:
        verdict = f"target < {target_ms:g} ms  {'OK' if p95 < target_ms else 'OVER'}"
    print(f"  {name:<44} median {median:7.2f} ms   p95 {p95:7.2f} ms   first {first:7.2f} ms   "
          f"{verdict}")


def actor(db: Database, username: str) -> Actor:
    with db.session() as s:
        return Actor.from_user(s.scalar(select(User).where(User.username == username)))


def plans(db: Database, call: Callable) -> list[str]:  # type: ignore[type-arg]
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
    out = []
    with db.engine.connect() as conn:
        for statement, parameters in seen:
            if db.is_sqlite:
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                out.append("\n".join("    " + str(r[-1]) for r in rows))
            else:
                rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters)
                out.append("\n".join("    " + r[0] for r in rows))
    return out


def bench_queries(db: Database, runs: int) -> dict[str, object]:
    specialist = actor(db, "bench.dictaminador")
    head = actor(db, "bench.jefe")
    with db.session() as s:
        total = inbox.inbox_count(s, specialist)
        top = s.scalar(select(Request.id).order_by(Request.id.desc()).limit(1))
        rng = random.Random(3)
        sample_folios = list(s.scalars(select(Request.folio).where(
            Request.id.in_([rng.randrange(1, top + 1) for _ in range(runs + 1)]))))
        own_folio = s.scalar(select(Request.folio).where(
            Request.folio == numbering.format_folio(FOLIO_UNIT, 2026, FIRST_SEQ + 17)))
        own_folio = own_folio or s.scalar(select(Request.folio).where(
            Request.performing_unit_id == specialist.unit_id).limit(1))
        numbers = list(s.scalars(select(Authorization.number).limit(runs + 1)))
        page0 = inbox.inbox_page(s, specialist)
        nss = s.scalar(select(Patient.nss).where(Patient.id == page0[0].id % 300_000 + 1))
        nss_own = page0[3].nss
        detail_id = page0[0].id
    print(f"\nspecialist bench.dictaminador ({HOT_UNIT}, {HOT_SPECIALTY}): "
          f"{'more than ' if total > inbox.COUNT_CAP else ''}{min(total, inbox.COUNT_CAP):,} "
          "pending in the inbox\n")

    # keyset scroll to row 5,000 (50 pages of 100), then time the page after it
    after = None
    t = time.perf_counter()
    rows = 0
    while rows < 5_000:
        with db.session() as s:
            page = inbox.inbox_page(s, specialist, None, after)
        rows += len(page)
        after = page[-1].cursor
    scroll_ms = (time.perf_counter() - t) * 1000

    def first_page() -> None:
        with db.session() as s:
            assert len(inbox.inbox_page(s, specialist)) == inbox.PAGE_SIZE

    def deep_page() -> None:
        with db.session() as s:
            assert len(inbox.inbox_page(s, specialist, None, after)) == inbox.PAGE_SIZE

    def count() -> None:
        with db.session() as s:
            inbox.inbox_count(s, specialist)

    folios = iter(sample_folios * 3)

    def by_folio_anywhere() -> None:  # usually out of scope: found, then refused
        with db.session() as s:
            try:
                inbox.search_inbox(s, specialist, next(folios))
            except NotFound:
                pass

    def by_folio() -> None:
        with db.session() as s:
            assert len(inbox.search_inbox(s, specialist, own_folio)) == 1

    numbers_it = iter(numbers * 3)

    def by_number() -> None:
        with db.session() as s:
            try:
                inbox.search_inbox(s, specialist, next(numbers_it))
            except NotFound:
                pass

    def by_nss() -> None:
        with db.session() as s:
            inbox.search_inbox(s, specialist, nss_own)

    def by_nss_other() -> None:
        with db.session() as s:
            inbox.search_inbox(s, specialist, nss)

    def detail() -> None:
        with db.session() as s:
            inbox.request_detail(s, specialist, detail_id)

    def appeals() -> None:
        with db.session() as s:
            inbox.appeals_page(s, head)

    report("first page (100 rows)", timed(first_page, runs), 50)
    report("deep page (after 5,000 rows by keyset)", timed(deep_page, runs), 50)
    print(f"  {'scrolling 5,000 rows (50 keyset pages)':<44} total  {scroll_ms:7.1f} ms")
    report("count (capped at 10,000)", timed(count, runs), 50)
    report("search by folio (own inbox)", timed(by_folio, runs), 10)
    report("search by folio (any; mostly other units)", timed(by_folio_anywhere, runs), 10)
    report("search by authorization number", timed(by_number, runs), 10)
    report("search by NSS (patient in the inbox)", timed(by_nss, runs), 10)
    report("search by NSS (another patient)", timed(by_nss_other, runs), 10)
    report("detail pane (request, findings, history)", timed(detail, runs), 50)
    report("appeals page (head of service)", timed(appeals, runs), 50)

    print("\nquery plans")
    for name, call in (
            ("first page", lambda s: inbox.inbox_page(s, specialist)),
            ("deep page", lambda s: inbox.inbox_page(s, specialist, None, after)),
            ("search by folio", lambda s: inbox.search_inbox(s, specialist, own_folio)),
            ("search by NSS", lambda s: inbox.search_inbox(s, specialist, nss_own)),
            ("appeals page", lambda s: inbox.appeals_page(s, head))):
        print(f"  {name}:")
        for plan in plans(db, call):
            if "users" in plan.splitlines()[0] and len(plan.splitlines()) <= 2:
                continue  # the acting user's role check
            print(plan)
    return {"after": after}


def bench_qt(db: Database) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from st2desk.ui import i18n
    from st2desk.ui.context import UiContext
    from st2desk.ui.operations import Operations

    app = QApplication.instance() or QApplication([])
    i18n.install(app, "es_MX")
    from st2desk.ui.inbox import Inbox

    ctx = UiContext(db=db, actor=actor(db, "bench.dictaminador"), ops=Operations(db, poll_ms=0))
    t = time.perf_counter()
    widget = Inbox(ctx)
    widget.resize(1280, 800)
    widget.show()
    app.processEvents()
    shown = (time.perf_counter() - t) * 1000
    assert widget.model.rowCount() == 100
    print("\nQt inbox (offscreen, 1280×800)")
    print(f"  {'widget built, first 100 rows shown':<44} {shown:7.1f} ms   "
          "(the page query's target is above; this adds the 1,500-unit filter list, "
          "the count, the first detail and painting)")
    t = time.perf_counter()
    while widget.model.rowCount() <= 5_000 and widget.model.canFetchMore():
        widget.model.fetchMore()
    widget.table.scrollTo(widget.model.index(5_000, 0))
    widget.select_row(5_000)
    app.processEvents()
    scrolled = (time.perf_counter() - t) * 1000
    print(f"  {'scroll to row 5,000 via fetchMore':<44} {scrolled:7.1f} ms   "
          f"({widget.model.rowCount():,} rows loaded, 100 a page)")
    t = time.perf_counter()
    widget.refresh()
    app.processEvents()
    print(f"  {'refresh with 5,100 rows loaded, selection kept':<44} "
          f"{(time.perf_counter() - t) * 1000:7.1f} ms   "
          f"(selected row {widget.table.currentIndex().row():,})")
    t = time.perf_counter()
    widget.search_edit.setText(widget.model.rows[42].folio)
    widget.search()
    app.processEvents()
    print(f"  {'search by folio through the widget':<44} {(time.perf_counter() - t) * 1000:7.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  {'peak memory of this process':<44} {peak:7.0f} MB   target < 300 MB")
    widget.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: a temp SQLite file)")
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--patients", type=int, default=300_000)
    parser.add_argument("--backlog", type=int, default=25_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--no-qt", action="store_true")
    args = parser.parse_args()
    url = args.database or default_url()
    print(f"database: {url}")
    db = Database(url)
    ensure_seeded(db, args.requests, args.patients)
    ensure_backlog(db, args.backlog)
    db.dispose()
    db = Database(url)
    bench_queries(db, args.runs)
    if not args.no_qt:
        bench_qt(db)
    db.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
