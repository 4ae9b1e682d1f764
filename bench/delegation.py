"""A delegation's server: every DESIGN §6 figure at 10,000,000 requests on PostgreSQL,
signed in as a specialist, a physician, a receptionist and an administrator (row security on).

    python bench/delegation.py --postgres postgresql+psycopg://postgres:PW@127.0.0.1:54335/st2_deleg
    python bench/delegation.py --postgres URL --seed-only            # build the database only
    python bench/delegation.py --postgres URL --reuse                # measure an existing one
    python bench/delegation.py --postgres URL --requests 100000      # smoke run (scaled sizes)

Seeding is `bench.seed` (COPY through psycopg 3, secondary indexes dropped during the load
and built after it, every per-row trigger skipped with ``session_replication_role =
replica`` by the URL's superuser, then VACUUM ANALYZE) at the delegation's scale: 10,000,000
requests, 3,000,000 patients, 20,000 users, 1,500 units; plus `bench.bench_inbox`'s hot
lane (25,000 pending radiology requests for one specialist). A smaller ``--requests`` scales
patients and users down in the same proportion.

The figures are `bench.run_all.measure` (cold start, inbox pages, searches, year report,
slip, blank forms, memory — as the specialist, a receptionist and an administrator, each
through their own login role), plus what a physician does many times a day: the first page
of "My requests", its counts, the next page, and a patient look-up by NSS. Every figure is
printed beside its target (DESIGN §6; a year's report under 2 s at this scale, issue 17).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench import bench_inbox, run_all  # noqa: E402
from bench.run_all import Figure, median_ms, print_table, say  # noqa: E402
from bench.seed import SeedInfo, seed, seeded_info  # noqa: E402
from st2desk import clock  # noqa: E402
from st2desk.db import Database  # noqa: E402
from st2desk.models import Patient, Request, Role  # noqa: E402

REQUESTS = 10_000_000
PATIENTS_PER_REQUEST = 0.3  # 3,000,000 patients at 10 M (their NSS stay unique up to 3 M)
USERS_PER_REQUEST = 0.002  # 20,000 users at 10 M
UNITS = 1_500
REPORT_TARGET_S = 2.0  # issue 17: a year's report under 2 s at this scale
PHYSICIAN = "bench.u00002"  # the physician of bench_inbox's hot lane: the most requests


def sizes(requests: int) -> dict[str, int]:
    return {"requests": requests,
            "patients": max(1_000, int(requests * PATIENTS_PER_REQUEST)),
            "users": max(60, int(requests * USERS_PER_REQUEST)),
            "units": UNITS}


def prepare(db: Database, requests: int, backlog: int) -> tuple[SeedInfo, str]:
    """Seed the delegation's scale (or reuse what is there) and the specialist's hot lane."""
    info = seeded_info(db)
    if info is None:
        wanted = sizes(requests)
        say(f"seeding {wanted['requests']:,} requests, {wanted['patients']:,} patients, "
            f"{wanted['users']:,} users, {wanted['units']:,} units (bench.seed: COPY, indexes "
            "after the load, ANALYZE)…")
        t = time.perf_counter()
        info = seed(db, **wanted, progress=lambda m: say(f"  [{time.perf_counter() - t:7.1f} s] {m}"))
        say(f"  seeded in {info.seconds:.1f} s")
    # run_all.prepare reuses the seed and adds the hot lane (a no-op when it is there).
    return run_all.prepare(db, info.requests, backlog)


def size_lines(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        rows = conn.exec_driver_sql(
            "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid) "
            "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' "
            "ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 6").all()
    parts = ", ".join(f"{name} {whole / 2**30:.2f} GiB ({heap / 2**30:.2f} heap)"
                      for name, whole, heap in rows)
    return [f"database size: {total / 2**30:.2f} GiB; largest tables with indexes: {parts}"]


def physician_figures(db: Database, url: str, info: SeedInfo, runs: int) -> tuple[list[Figure], str]:
    from st2desk.services import lookup

    people = run_all.signed_in(db, url, {PHYSICIAN: Role.PHYSICIAN})
    phys_db = people[PHYSICIAN].db
    physician = bench_inbox.actor(db, PHYSICIAN)
    try:
        with db.session() as s:
            mine = s.scalar(select(func.count()).select_from(Request)
                            .where(Request.physician_id == physician.user_id))
            # A patient of the physician's unit (the look-up is scoped to it) and one of another.
            own_nss = s.scalar(select(Patient.nss).where(Patient.unit_id == physician.unit_id)
                               .order_by(Patient.id).limit(1))
            other_nss = s.scalar(select(Patient.nss).where(Patient.unit_id != physician.unit_id)
                                 .order_by(Patient.id.desc()).limit(1))
        with clock.frozen_at(info.anchor):
            with phys_db.session() as s:
                first = lookup.list_my_requests(s, physician)
            before = first[-1].id

            def page(before_id: int | None = None):  # type: ignore[no-untyped-def]
                def run() -> None:
                    with phys_db.session() as s:
                        assert lookup.list_my_requests(s, physician, before_id=before_id)
                return run

            def counts() -> None:
                with phys_db.session() as s:
                    lookup.count_my_requests(s, physician)

            def by_nss(nss: str, found: bool):  # type: ignore[no-untyped-def]
                def run() -> None:
                    with phys_db.session() as s:
                        hits = lookup.patients_by_nss(s, physician, nss)
                        assert bool(hits) == found, (nss, hits)
                return run

            figures = [
                Figure("physician: My requests, first page", median_ms(page(), runs), "ms", 50),
                Figure("physician: My requests, next page", median_ms(page(before), runs),
                       "ms", 50),
                Figure("physician: My requests, counts per group", median_ms(counts, runs),
                       "ms", 50),
                Figure("physician: patient by NSS (own unit)", median_ms(by_nss(own_nss, True), runs),
                       "ms", 10),
                Figure("physician: patient by NSS (another unit's: not shown)",
                       median_ms(by_nss(other_nss, False), runs), "ms", 10),
            ]
    finally:
        phys_db.dispose()
    return figures, f"physician {PHYSICIAN}: {mine:,} requests of their own, row security on"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", metavar="URL", required=True,
                        help="a superuser's URL naming the benchmark's database (created or "
                             "dropped and created again unless --reuse)")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--reuse", action="store_true",
                        help="use an already seeded database as it is")
    parser.add_argument("--seed-only", action="store_true", help="seed, do not measure")
    parser.add_argument("--backlog", type=int, default=25_000)
    parser.add_argument("--runs", type=int, default=30, help="runs of each query and slip")
    parser.add_argument("--starts", type=int, default=5, help="cold starts")
    parser.add_argument("--report-runs", type=int, default=5)
    parser.add_argument("--forms", type=int, default=1_000)
    parser.add_argument("--forms-runs", type=int, default=3)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="st2-bench-deleg-"))
    os.environ.setdefault("ST2DESK_DATA_DIR", str(workdir / "data"))
    try:
        print("st2desk — a delegation's server (issue 17): DESIGN §6 figures, row security on")
        for line in run_all.machine([args.postgres]):
            print(line)
        sys.stdout.flush()
        db = run_all.open_postgres(args.postgres, args.reuse)
        info, how = prepare(db, args.requests, args.backlog)
        db = Database(args.postgres)
        try:
            if args.seed_only:
                for line in size_lines(db):
                    print(line)
                print(f"seed: {info.requests:,} requests, {info.patients:,} patients, "
                      f"{info.users:,} users, {info.units:,} units; {how}")
                return 0
            scale = (f"{info.requests:,} requests, {info.patients:,} patients, "
                     f"{info.users:,} users, {info.units:,} units")
            # The physician's figures first and printed at once (the rest takes minutes).
            say("physician's figures…")
            phys, phys_note = physician_figures(db, args.postgres, info, args.runs)
            print_table(f"PostgreSQL — {scale}; {how} — physician", phys,
                        [phys_note, *size_lines(db)])
            figures, notes = run_all.measure(db, args.postgres, info, args, workdir)
            for f in figures:  # this scale's report target (issue 17)
                if f.label.startswith("a year's report"):
                    f.target = REPORT_TARGET_S
        finally:
            db.dispose()
        print_table(f"PostgreSQL — {scale}; {how} — specialist, reception, administrator",
                    figures, notes)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
