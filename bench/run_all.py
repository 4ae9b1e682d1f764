"""Every DESIGN §6 figure at the reference scale, on SQLite and/or PostgreSQL, in one table each.

    python bench/run_all.py [--sqlite PATH] [--postgres URL] [--requests 1000000] [--reuse]

For each backend given (SQLite in the temporary folder when neither is) it builds the
reference scale with `bench.seed` (bulk inserts: 1,000,000 requests, 300,000 patients,
2,000 users, 1,500 units; about 1.5 min on SQLite, 2.5 min on PostgreSQL) plus the inbox
backlog of `bench.bench_inbox` (25,000 pending requests for one hospital's radiology and
its specialist ``bench.dictaminador``), then measures and prints, beside each target:

* cold start to an interactive main window — a fresh offscreen process per run (the child
  of `bench.bench_startup`), logged in as ``bench.dictaminador``, whose first section is
  the inbox with its first page;

On PostgreSQL every figure is measured signed in as the person who does it in a clinic —
the specialist (inbox, searches, cold start), a receptionist (look-up, slip) and an
administrator (reports, blank forms) — each through their own login role, so row security
and the authority triggers (DESIGN §7.1) are in every figure; the seeding runs as the URL's
account, which creates those three logins.
* the inbox's first page and a deep page (after 5,000 rows by keyset);
* search by folio, NSS and authorization number (the specialist's inbox search, and the
  reception viewer's lookup by number);
* the report of the last year before the seed's anchor, default breakdown (month and
  specialty) and no breakdown;
* a slip PDF (`services.slips.print_slip` on this database: look-up, draw, audit) and,
  for reference, sign + render alone;
* 1,000 blank forms (`services.paper.print_blank`: reserve the folio block, draw the PDF);
* peak memory with the inbox open: the cold-start process's peak RSS after the inbox
  shows its first page and scrolls (fetchMore) to row 5,000.

Times are medians of several runs after a warm-up; the verdict compares the median
with the target. Nothing here is asserted in tests.

Databases: without --reuse the target is (re)built — a SQLite file is deleted and
seeded again, a PostgreSQL database is dropped and created again (created when missing)
— but a database holding data that `bench.seed` did not make is never touched. With
--reuse an already seeded database is used as it is (its schema upgraded to the newest
migration first) and a missing or empty one is seeded.

    python bench/run_all.py --sqlite /tmp/st2desk-bench/all.sqlite3 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:54329/st2_bench_all
    python bench/run_all.py --sqlite /tmp/st2desk-bench/all.sqlite3 --reuse  # measure again
    python bench/run_all.py --requests 20000                                 # smoke run
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import inspect, make_url, select, text  # noqa: E402

from bench import bench_inbox, bench_paper, bench_startup  # noqa: E402
from bench.seed import BENCH_PASSWORD, SeedInfo, seed, seeded_info  # noqa: E402
from st2desk import clock, numbering  # noqa: E402
from st2desk.db import Database  # noqa: E402
from st2desk.errors import NotFound  # noqa: E402
from st2desk.models import (  # noqa: E402
    Authorization,
    AuthorizationStatus,
    Patient,
    Request,
    Role,
    User,
    UserRole,
)
from st2desk.services import inbox  # noqa: E402

SPECIALIST = "bench.dictaminador"  # added by bench_inbox.ensure_backlog
DEEP_ROWS = 5_000
BLANK_UNIT = "09UMF20"
CHILD_ENV = dict(os.environ)  # the cold-start children get the caller's environment as is


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- results


@dataclass
class Figure:
    label: str
    value: float | None  # None: not measured (the note says why)
    unit: str  # "ms", "s" or "MB"
    target: float | None
    note: str = ""

    def measured(self) -> str:
        if self.value is None:
            return "—"
        digits = {"ms": 2, "s": 3, "MB": 0}[self.unit]
        return f"{self.value:,.{digits}f} {self.unit}"

    def goal(self) -> str:
        return "" if self.target is None else f"< {self.target:g} {self.unit}"

    def verdict(self) -> str:
        if self.target is None or self.value is None:
            return "—" if self.value is None else ""
        return "ok" if self.value < self.target else "MISS"


def print_table(title: str, figures: list[Figure], footer: list[str]) -> None:
    width = max(len(f.label) for f in figures)
    measured = max(12, *(len(f.measured()) for f in figures))
    goal = max(8, *(len(f.goal()) for f in figures))
    rule = "-" * (width + measured + goal + 16)
    print(f"\n{title}")
    print(rule)
    print(f"{'figure':<{width}} | {'measured':>{measured}} | {'target':<{goal}} | ok/MISS")
    print(rule)
    for f in figures:
        line = f"{f.label:<{width}} | {f.measured():>{measured}} | {f.goal():<{goal}} | {f.verdict()}"
        print(line + (f"   {f.note}" if f.note else ""))
    print(rule)
    for text_line in footer:
        print(text_line)
    sys.stdout.flush()


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """Median of `runs` calls after one warm-up, in milliseconds."""
    return bench_inbox.timed(fn, runs)[1]


def median_s(fn: Callable[[], object], runs: int, warm_up: bool = True) -> float:
    if warm_up:
        fn()
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


# --------------------------------------------------------------------------- machine


def machine(pg_urls: list[str]) -> list[str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        ram_text = f", {ram:.0f} GiB RAM"
    except (ValueError, OSError, AttributeError):
        ram_text = ""
    import PySide6
    import reportlab
    import sqlalchemy

    lines = [
        f"machine:    {os.cpu_count()} CPU(s){' — ' + cpu if cpu else ''}{ram_text}; "
        f"{platform.system()} {platform.release()}",
        f"Python:     {platform.python_version()} ({sys.executable})",
        f"SQLite:     {sqlite3.sqlite_version} (the sqlite3 module's library)",
    ]
    for url in pg_urls:
        try:  # the server's own database: the benchmark's may not exist yet
            db = Database(make_url(url).set(database="postgres").render_as_string(
                hide_password=False))
            with db.engine.connect() as conn:
                version = conn.exec_driver_sql("SHOW server_version").scalar()
            db.dispose()
        except Exception as exc:  # noqa: BLE001 - the server is checked again later
            version = f"unreachable ({type(exc).__name__})"
        import psycopg

        lines.append(f"PostgreSQL: {version} (psycopg {psycopg.__version__})")
    lines.append(f"libraries:  SQLAlchemy {sqlalchemy.__version__}, PySide6 {PySide6.__version__}, "
                 f"ReportLab {reportlab.Version}")
    try:
        load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        lines.append(f"load avg:   {load} (before the run)")
    except OSError:
        pass
    return lines


# --------------------------------------------------------------------------- databases


def scaled(requests: int) -> dict[str, int]:
    """Patients and users in proportion for a smaller smoke run (as bench_reports does)."""
    scale = requests / 1_000_000
    return {"requests": requests, "patients": max(1_000, int(300_000 * scale)),
            "users": max(50, int(2_000 * min(1.0, scale * 4))), "units": 1_500}


def _holds_foreign_data(db: Database) -> bool:
    """Tables present but no bench.seed record: not ours to wipe."""
    tables = inspect(db.engine).get_table_names()
    return bool(tables) and seeded_info(db) is None and _has_rows(db, tables)


def _has_rows(db: Database, tables: list[str]) -> bool:
    probe = [t for t in ("requests", "patients", "users") if t in tables]
    with db.engine.connect() as conn:
        return any(conn.execute(text(f"SELECT 1 FROM {t} LIMIT 1")).first() for t in probe)


def open_sqlite(path: Path, reuse: bool) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    if path.exists() and not reuse:
        db = Database(url)
        try:
            if _holds_foreign_data(db):
                raise SystemExit(f"{path} holds data that bench.seed did not make; "
                                 "choose another file")
        finally:
            db.dispose()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        say(f"removed the earlier {path} to seed it again (use --reuse to keep it)")
    return Database(url)


def open_postgres(url: str, reuse: bool) -> Database:
    target = make_url(url)
    name = target.database
    admin = Database(target.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                  {"n": name}).first() is not None
            if exists and not reuse:
                db = Database(url)
                try:
                    if _holds_foreign_data(db):
                        raise SystemExit(f"database {name} holds data that bench.seed did not "
                                         "make; choose another name")
                finally:
                    db.dispose()
                conn.exec_driver_sql(f'DROP DATABASE "{name}"')
                say(f"dropped the earlier database {name} to seed it again "
                    "(use --reuse to keep it)")
                exists = False
            if not exists:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return Database(url)


def prepare(db: Database, requests: int, backlog: int) -> tuple[SeedInfo, str]:
    """Seed (or reuse) the reference scale and the inbox backlog; returns what is there."""
    info = seeded_info(db)
    if info is not None:
        db.upgrade()  # the schema of the code being measured
        how = (f"reused: seeded earlier in {info.seconds:.0f} s"
               + (f" (asked for {requests:,} requests)" if info.requests != requests else ""))
    else:
        sizes = scaled(requests)
        say(f"seeding {sizes['requests']:,} requests, {sizes['patients']:,} patients, "
            f"{sizes['users']:,} users, {sizes['units']:,} units (bench.seed, bulk inserts)…")
        t = time.perf_counter()
        info = seed(db, **sizes, progress=lambda m: say(f"  [{time.perf_counter() - t:6.1f} s] {m}"))
        how = f"seeded in {info.seconds:.1f} s"
    t = time.perf_counter()
    with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the tables
        bench_inbox.ensure_backlog(db, backlog)  # no-op when already there
    spent = time.perf_counter() - t
    if spent > 0.5:
        how += f" + inbox backlog in {spent:.1f} s"
    db.dispose()
    return info, how


# --------------------------------------------------------------------------- figures


def cold_start(url: str, runs: int) -> tuple[list[float], list[float], list[float], int]:
    """(seconds to the interactive window, seconds to scroll to row 5,000, peak MB, rows)
    per run; each run is a fresh offscreen process running bench_startup's child."""
    extra = rf"""
_inbox = window.section_widget("inbox")
_rows_first = _inbox.model.rowCount()
_t = time.perf_counter()
while _inbox.model.rowCount() <= {DEEP_ROWS} and _inbox.model.canFetchMore():
    _inbox.model.fetchMore()
_inbox.select_row({DEEP_ROWS})
app.processEvents()
print(f"{{time.perf_counter() - _t:.4f}}")
print(_rows_first, _inbox.model.rowCount())
try:  # this process's own high-water mark: ru_maxrss after a vfork+exec counts the parent's
    _peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
except (OSError, StopIteration):
    _peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(_peak)
"""
    child = bench_startup.CHILD + extra
    starts, scrolls, peaks = [], [], []
    rows_first = 0
    for i in range(runs + 1):  # the first run warms the OS file cache
        start = time.time()
        done = subprocess.run([sys.executable, "-c", child, url, SPECIALIST, str(start)],
                              capture_output=True, text=True, env=CHILD_ENV)
        if done.returncode:
            raise RuntimeError(f"cold-start child failed:\n{done.stderr[-3000:]}")
        out = done.stdout.split()
        if len(out) != 6:
            raise RuntimeError(f"unexpected output of the cold-start child: {done.stdout!r}")
        seconds, _rss_at_window, scroll, first, loaded, peak_kb = out
        if int(first) == 0 or int(loaded) <= DEEP_ROWS:
            raise RuntimeError(f"{SPECIALIST}'s inbox showed {first} rows, then {loaded}: "
                               "not the non-empty inbox this figure needs")
        rows_first = int(first)
        if i == 0:
            continue
        starts.append(float(seconds))
        scrolls.append(float(scroll))
        peaks.append(int(peak_kb) / 1024)
    return starts, scrolls, peaks, rows_first


@dataclass
class Person:
    username: str
    db: Database
    url: str


def signed_in(db: Database, url: str, usernames: dict[str, Role]) -> dict[str, Person]:
    """Each person's own connection. PostgreSQL: a login role per person (made here by the
    seeding account) and row security on; SQLite: the one file."""
    if db.is_sqlite:
        return {name: Person(name, db, url) for name in usernames}
    from st2desk import pglogins

    with db.transaction() as s:
        for name, role in usernames.items():
            pglogins.create_login(s, name, BENCH_PASSWORD, [role.value])
    people = {}
    for name in usernames:
        person_url = pglogins.with_credentials(url, name, BENCH_PASSWORD)
        people[name] = Person(name, Database(person_url), person_url)
    return people


def measure(db: Database, url: str, info: SeedInfo, args: argparse.Namespace,
            workdir: Path) -> tuple[list[Figure], list[str]]:
    from st2desk.reports.model import MEXICO, ReportFilter
    from st2desk.services import reception
    from st2desk.services import reports as rp
    from st2desk.services.paper import print_blank
    from st2desk.services.slips import print_slip

    figures: list[Figure] = []
    notes: list[str] = []
    runs = args.runs

    specialist = bench_inbox.actor(db, SPECIALIST)
    with db.session() as s:
        def first(role: Role) -> str:
            return s.scalar(select(User.username).join(UserRole, UserRole.user_id == User.id)
                            .where(UserRole.role == role).order_by(User.id).limit(1))
        reception_user, admin_user = first(Role.RECEPTION), first(Role.ADMIN)
    clerk = bench_inbox.actor(db, reception_user)
    manager = bench_inbox.actor(db, admin_user)
    people = signed_in(db, url, {SPECIALIST: Role.SPECIALIST, reception_user: Role.RECEPTION,
                                 admin_user: Role.ADMIN})
    spec_db, clerk_db, admin_db = (people[n].db for n in (SPECIALIST, reception_user, admin_user))

    # ---- cold start and memory (fresh processes; nothing of this one's state helps them)
    say("cold start (fresh processes)…")
    starts, scrolls, peaks, first_rows = cold_start(people[SPECIALIST].url, args.starts)
    figures.append(Figure("cold start to interactive main window (inbox)",
                          statistics.median(starts), "s", 0.8,
                          f"max {max(starts):.3f} s"))

    with clock.frozen_at(info.anchor):
        # ---- inbox
        say("inbox queries…")
        with db.session() as s:
            pending = inbox.inbox_count(s, specialist)
            top = s.scalar(select(Request.id).order_by(Request.id.desc()).limit(1))
            rng = random.Random(3)
            other_folios = list(s.scalars(select(Request.folio).where(
                Request.id.in_([rng.randrange(1, top + 1) for _ in range(runs + 1)]))))
            page0 = inbox.inbox_page(s, specialist)
            own_folio = page0[17].folio
            last_auth = s.scalar(select(Authorization.id).order_by(Authorization.id.desc())
                                 .limit(1))
            # Reception finds its own unit's authorizations (reads are scoped by unit).
            numbers = list(s.scalars(select(Authorization.number).where(
                Authorization.performing_unit_id == clerk.unit_id,
                Authorization.id >= rng.randrange(1, last_auth + 1))
                .order_by(Authorization.id).limit(runs + 1)))
            if not numbers:
                numbers = list(s.scalars(select(Authorization.number).where(
                    Authorization.performing_unit_id == clerk.unit_id).limit(runs + 1)))
            own_nss = page0[3].nss
            other_nss = s.scalar(select(Patient.nss).where(Patient.id == page0[0].id % info.patients + 1))
            slip_number = s.scalar(select(Authorization.number).where(
                Authorization.status == AuthorizationStatus.VALID,
                Authorization.performing_unit_id == clerk.unit_id)
                .order_by(Authorization.id.desc()).limit(1))
        after = None
        rows = 0
        while rows < DEEP_ROWS:
            with spec_db.session() as s:
                page = inbox.inbox_page(s, specialist, None, after)
            rows += len(page)
            after = page[-1].cursor

        def first_page() -> None:
            with spec_db.session() as s:
                assert len(inbox.inbox_page(s, specialist)) == inbox.PAGE_SIZE

        def deep_page() -> None:
            with spec_db.session() as s:
                assert len(inbox.inbox_page(s, specialist, None, after)) == inbox.PAGE_SIZE

        def search(values: list[str], expect_found: bool | None = None) -> Callable[[], None]:
            it = iter(values * (runs + 2))

            def run() -> None:
                with spec_db.session() as s:
                    try:
                        found = inbox.search_inbox(s, specialist, next(it))
                    except NotFound:
                        found = []
                    if expect_found:
                        assert found, "expected a hit"
            return run

        def by_number_reception() -> None:
            with clerk_db.session() as s:
                reception.find(s, clerk, next(numbers_it))

        numbers_it = iter(numbers * (runs + 2))
        figures += [
            Figure("inbox first page (100 rows)", median_ms(first_page, runs), "ms", 50),
            Figure(f"inbox deep page (after {DEEP_ROWS:,} rows, keyset)",
                   median_ms(deep_page, runs), "ms", 50),
            Figure("search by folio (in the inbox)", median_ms(search([own_folio], True), runs),
                   "ms", 10),
            Figure("search by folio (another unit's: refused)",
                   median_ms(search(other_folios), runs), "ms", 10),
            Figure("search by NSS (patient in the inbox)",
                   median_ms(search([own_nss], True), runs), "ms", 10),
            Figure("search by NSS (another patient)", median_ms(search([other_nss]), runs),
                   "ms", 10),
            Figure("search by authorization number (inbox)", median_ms(search(numbers), runs),
                   "ms", 10),
            Figure("search by authorization number (reception)",
                   median_ms(by_number_reception, runs), "ms", 10),
        ]

        # ---- reports
        say("reports…")
        last_day = (info.anchor.astimezone(MEXICO) - timedelta(days=1)).date()
        flt = ReportFilter(last_day - timedelta(days=364), last_day)
        probe = rp.generate(admin_db, manager, flt, "month,specialty")
        for by, label in (("month,specialty", "a year's report, by month + specialty"),
                          ("", "a year's report, no breakdown")):
            figures.append(Figure(label, median_s(
                lambda by=by: rp.generate(admin_db, manager, flt, by), args.report_runs),
                "s", 1.0))
        notes.append(f"report: {flt.date_from:%d/%m/%Y}–{flt.date_to:%d/%m/%Y}, "
                     f"{probe.summary['requests']:,} requests submitted, "
                     f"{probe.summary['decided']:,} first decisions; "
                     f"{rp.default_parallelism(admin_db)} connection(s) per report")

        # ---- paper
        say("slip and blank forms…")

        def slip() -> None:
            with clerk_db.transaction() as s:
                print_slip(s, clerk, slip_number)

        for _ in range(5):  # warm-up: imports, fonts, the first print signs and stores
            slip()
        figures.append(Figure("slip PDF (print_slip on this database)",
                              median_ms(slip, runs), "ms", 15))
        figures.append(Figure("slip PDF (sign + render only)",
                              statistics.median(bench_paper.bench_slip_render(runs)), "ms", 15))

        from st2desk.pdf.st2_form import iter_blank, render_forms
        render_forms(iter_blank([numbering.format_folio(BLANK_UNIT, 2026, 1)], BLANK_UNIT, ""),
                     BytesIO())  # warm-up
        forms_pdf = workdir / "blank.pdf"
        forms = median_s(lambda: print_blank(admin_db, manager, BLANK_UNIT, args.forms, forms_pdf),
                         args.forms_runs, warm_up=False)
        figures.append(Figure(f"{args.forms:,} blank forms (print_blank)", forms, "s",
                              12.0 * args.forms / 1000,
                              f"{forms_pdf.stat().st_size / 2**20:.1f} MiB PDF"))

    figures.append(Figure(f"peak memory, inbox open at row {DEEP_ROWS:,}",
                          statistics.median(peaks), "MB", 300,
                          f"max {max(peaks):.0f} MB; scroll {statistics.median(scrolls):.2f} s"))
    notes.insert(0, f"inbox: {SPECIALIST}, {'more than ' if pending > inbox.COUNT_CAP else ''}"
                    f"{min(pending, inbox.COUNT_CAP):,} pending; first page shown at start: "
                    f"{first_rows} rows")
    if not db.is_sqlite:
        notes.append(f"signed in as {SPECIALIST} (inbox, searches, start), {reception_user} "
                     f"(look-up, slip) and {admin_user} (reports, forms), row security on")
        for person in people.values():
            person.db.dispose()
    notes.append(f"medians: {args.starts} cold starts (after a discarded one), {runs} query and "
                 f"slip runs, {args.report_runs} report runs, {args.forms_runs} blank-form runs "
                 "(each after a warm-up)")
    return figures, notes


def run_backend(label: str, db: Database, url: str, args: argparse.Namespace,
                workdir: Path) -> None:
    say(f"\n== {label} ==")
    info, how = prepare(db, args.requests, args.backlog)
    db = Database(url)
    try:
        figures, notes = measure(db, url, info, args, workdir)
    finally:
        db.dispose()
    scale = (f"{info.requests:,} requests, {info.patients:,} patients, {info.users:,} users, "
             f"{info.units:,} units")
    print_table(f"{label} — {scale}; {how}", figures, notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", metavar="PATH",
                        help="SQLite file to seed or reuse (default when --postgres is not "
                             "given: <tmp>/st2desk-bench/run_all-<requests>.sqlite3)")
    parser.add_argument("--postgres", metavar="URL",
                        help="PostgreSQL database to seed or reuse, e.g. "
                             "postgresql+psycopg://postgres@127.0.0.1:54329/st2_bench_all")
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true",
                        help="use an already seeded database as it is")
    parser.add_argument("--backlog", type=int, default=25_000,
                        help="pending requests in the specialist's inbox (bench_inbox)")
    parser.add_argument("--runs", type=int, default=30, help="runs of each query and slip")
    parser.add_argument("--starts", type=int, default=5, help="cold starts")
    parser.add_argument("--report-runs", type=int, default=5)
    parser.add_argument("--forms", type=int, default=1_000)
    parser.add_argument("--forms-runs", type=int, default=3)
    args = parser.parse_args(argv)
    if args.backlog <= DEEP_ROWS + inbox.PAGE_SIZE:
        parser.error(f"--backlog must exceed {DEEP_ROWS + inbox.PAGE_SIZE:,} for the deep page")
    if not args.sqlite and not args.postgres:
        args.sqlite = str(Path(tempfile.gettempdir()) / "st2desk-bench"
                          / f"run_all-{args.requests}.sqlite3")

    workdir = Path(tempfile.mkdtemp(prefix="st2-bench-all-"))
    # A throw-away signing key and data folder for this process and its children.
    os.environ.setdefault("ST2DESK_DATA_DIR", str(workdir / "data"))

    try:
        run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def run(args: argparse.Namespace, workdir: Path) -> None:
    print("st2desk — DESIGN §6 figures at the reference scale")
    for line in machine([args.postgres] if args.postgres else []):
        print(line)
    sys.stdout.flush()
    if args.sqlite:
        path = Path(args.sqlite).resolve()
        db = open_sqlite(path, args.reuse)
        run_backend(f"SQLite {sqlite3.sqlite_version} ({path})", db, f"sqlite:///{path}", args,
                    workdir)
    if args.postgres:
        db = open_postgres(args.postgres, args.reuse)
        with db.engine.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar()
        shown = db.engine.url.render_as_string(hide_password=True)
        run_backend(f"PostgreSQL {version} ({shown})", db, args.postgres, args, workdir)


if __name__ == "__main__":
    raise SystemExit(main())
