"""Reports at the reference scale (DESIGN §6): a year of data in under 1 s.

Seeds the reference scale with `bench.seed` (or reuses an already seeded database), then
times the report of the last year before the seed's anchor — each breakdown on its own,
the command's default (month, specialty) with each query group, and everything at
once — and prints every figure beside the target. Also times the exports (not part of
the target). Never asserted in tests.

    python bench/bench_reports.py                       # SQLite in the temp folder
    python bench/bench_reports.py --sqlite /ruta/ref.sqlite3 --requests 1000000
    ST2DESK_BENCH_PG_URL=postgresql+psycopg://postgres@127.0.0.1:54329/st2_bench \\
        python bench/bench_reports.py --skip-sqlite
    python bench/bench_reports.py --recompute --requests 100000   # every figure, recomputed

The PostgreSQL database named by ST2DESK_BENCH_PG_URL (or --pg-url) must exist; it is
seeded when it holds no requests and reused when `bench.seed` already seeded it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.seed import SeedInfo, seed, seeded_info  # noqa: E402
from st2desk import clock  # noqa: E402
from st2desk.db import Database  # noqa: E402
from st2desk.reports.model import MEXICO, ReportFilter  # noqa: E402
from st2desk.services import reports as rp  # noqa: E402

TARGET = 1.0
BREAKDOWNS = ["", "week", "month", "category", "specialty", "delegation", "unit",
              "month,specialty", "week,month,category,specialty,delegation,unit"]
QUERY_GROUPS = ["_submissions", "_first_decisions", "_appeal_decisions", "_duplicates",
                "_physicians", "_pending_at", "_emergency_rows", "_public_rows"]


def ensure_seeded(db: Database, requests: int, label: str) -> tuple[SeedInfo, bool]:
    info = seeded_info(db)
    if info is not None:
        if info.requests != requests:
            print(f"  ({label}: reutilizo la base sembrada con {info.requests:,} solicitudes)")
        return info, False
    started = time.perf_counter()
    scale = requests / 1_000_000
    info = seed(db, requests=requests, patients=max(1000, int(300_000 * scale)),
                users=max(50, int(2_000 * min(1.0, scale * 4))), units=1_500,
                progress=lambda m: print(f"    [{time.perf_counter() - started:6.1f} s] {m}",
                                         flush=True))
    return info, True


class ServerCPU:
    """CPU seconds of the PostgreSQL server, read from /proc when it runs on this machine
    (None otherwise): on a shared, noisy machine CPU time says more than wall time.

    The server's processes are the postmaster's children; a report's second connection
    ends with the report, so its time is read from the postmaster's count of the children
    it reaped (`cutime`, `cstime`) plus that of the children still running."""

    def __init__(self, db: Database) -> None:
        self.postmaster: int | None = None
        if not db.is_sqlite:
            with db.engine.connect() as conn:
                backend = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            try:
                self.postmaster = int(_stat(int(backend))[1])
            except (OSError, TypeError, ValueError):
                self.postmaster = None  # another machine's server

    def __call__(self) -> float | None:
        if self.postmaster is None:
            return None
        try:
            own = _stat(self.postmaster)
        except OSError:
            return None
        ticks = int(own[13]) + int(own[14])  # reaped children
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                fields = _stat(int(entry))
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == self.postmaster:
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name: [state, ppid, …] (fields 3… of proc(5))."""
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


@dataclass
class Timing:
    first: float
    best: float
    median: float
    cpu: float  # this process (client), median
    server_cpu: float | None  # PostgreSQL backends, median

    def extra(self) -> str:
        server = "" if self.server_cpu is None else f" + servidor {self.server_cpu:.3f} s"
        return (f"   (mediana {self.median:.3f} s, primera {self.first:.3f} s; CPU: cliente "
                f"{self.cpu:.3f} s{server})")


def timed(fn: Callable[[], object], runs: int, server: ServerCPU | None = None) -> Timing:
    """The first run, then the best and medians of the following `runs`."""
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    times, cpus, servers = [], [], []
    for _ in range(runs):
        s0 = server() if server else None
        c, t = time.process_time(), time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        s1 = server() if server else None
        if s0 is not None and s1 is not None:
            servers.append(s1 - s0)
    if not times:
        return Timing(first, first, first, 0.0, None)
    return Timing(first, min(times), statistics.median(times), statistics.median(cpus),
                  statistics.median(servers) if servers else None)


def line(label: str, seconds: float, target: float | None = TARGET, extra: str = "") -> None:
    mark = "" if target is None else ("  ✓" if seconds < target else "  ✗ (sobre el objetivo)")
    goal = f"objetivo < {target:.0f} s" if target is not None else "(sin objetivo)"
    print(f"  {label:<58} {seconds:7.3f} s   {goal}{mark}{extra}")


def bench(db: Database, label: str, requests: int, runs: int, as_admin: bool = False) -> None:
    print(f"\n== {label} ==")
    info, fresh = ensure_seeded(db, requests, label)
    actor = None
    if as_admin and not db.is_sqlite:
        db, actor = signed_in_admin(db, info)
        print(f"  (firmado como {info.admin_username}: su propio login, seguridad por filas)")
    server = ServerCPU(db)
    if fresh:
        print(f"  siembra: {info.requests:,} solicitudes, {info.patients:,} pacientes, "
              f"{info.users:,} usuarios, {info.units:,} unidades en {info.seconds:.0f} s")
    last_day = (info.anchor.astimezone(MEXICO) - timedelta(days=1)).date()
    flt = ReportFilter(last_day - timedelta(days=364), last_day)
    with clock.frozen_at(info.anchor):
        probe = rp.generate(db, actor, flt, "month")
        s = probe.summary
        print(f"  año {flt.date_from:%d/%m/%Y}–{flt.date_to:%d/%m/%Y}: {s['requests']:,} "
              f"solicitudes enviadas, {s['decided']:,} primeros dictámenes, {s['pending']:,} "
              f"pendientes; conexiones por reporte: {rp.default_parallelism(db)}")
        print(f"  (tiempos: mejor de {runs} tras una primera corrida; entre paréntesis la "
              "mediana, la primera y el tiempo de CPU mediano del proceso y, si el servidor "
              "corre en esta máquina, de sus procesos)")
        for by in BREAKDOWNS:
            t = timed(lambda by=by: rp.generate(db, actor, flt, by), runs, server)
            shown = {"": "ninguno (resumen y secciones)",
                     BREAKDOWNS[-1]: "los seis a la vez"}.get(by, by)
            line(f"reporte de un año, desglose: {shown}", t.best, extra=t.extra())

        # The default report, query group by query group (one connection, in sequence).
        spent: dict[str, float] = {}
        originals = {name: getattr(rp, name) for name in QUERY_GROUPS}

        def wrap(name: str) -> Callable[..., object]:
            def inner(*args: object, **kwargs: object) -> object:
                t = time.perf_counter()
                try:
                    return originals[name](*args, **kwargs)
                finally:
                    spent[name] = spent.get(name, 0.0) + time.perf_counter() - t
            return inner

        for name in QUERY_GROUPS:
            setattr(rp, name, wrap(name))
        try:
            samples = []
            for _ in range(max(1, runs)):
                spent.clear()
                t = time.perf_counter()
                report = rp.generate(db, actor, flt, "month,specialty", parallel=1)
                samples.append((time.perf_counter() - t, dict(spent)))
            total, best = min(samples, key=lambda x: x[0])
        finally:
            for name, fn in originals.items():
                setattr(rp, name, fn)
        print("  cifras del reporte por omisión (month,specialty), una conexión, en serie:")
        labels = {
            "_first_decisions": "primeros dictámenes: tasas, tiempos, métricas públicas",
            "_submissions": "solicitudes por periodo y grupo, urgencias (PG: y por médico)",
            "_appeal_decisions": "recursos resueltos (aprobadas tras recurso)",
            "_duplicates": "duplicados de la revisión automática",
            "_physicians": "médicos muy por encima de sus pares",
            "_pending_at": "pendientes al corte (rezago y fuera de plazo), por eventos",
            "_public_rows": "métricas públicas (estilo CMS; solas, fuera del reporte)",
            "_emergency_rows": "urgencias presentadas y sin presentar",
        }
        for name, seconds in sorted(best.items(), key=lambda x: -x[1]):
            line("  " + labels[name], seconds)
        line("  total en serie (incluye armar las tablas)", total)

        # Exports of that report (informative).
        from st2desk.pdf.report import report_pdf
        from st2desk.reports import export

        with tempfile.TemporaryDirectory() as tmp:
            line("exportar CSV", timed(lambda: export.write_csv(report, Path(tmp) / "r.csv"),
                                       1).best, None)
            line("exportar XLSX", timed(lambda: export.write_xlsx(report, Path(tmp) / "r.xlsx"),
                                        1).best, None)
            line("exportar PDF con gráficas", timed(lambda: report_pdf(report), 1).best, None)
    if actor is not None:
        db.dispose()


def signed_in_admin(db: Database, info: SeedInfo) -> tuple[Database, Any]:
    """PostgreSQL as a site runs it (DESIGN §7.1): the seed's administrator signed in with
    their own login role (made here by the seeding account), row security on."""
    from bench.bench_inbox import actor
    from bench.seed import BENCH_PASSWORD
    from st2desk import pglogins

    with db.transaction() as s:
        pglogins.create_login(s, info.admin_username, BENCH_PASSWORD, ["admin"])
    url = pglogins.with_credentials(db.engine.url, info.admin_username, BENCH_PASSWORD)
    person = Database(url)
    return person, actor(person, info.admin_username)


def recompute(db: Database, label: str, requests: int) -> int:
    """Every figure of the year report (all six breakdowns, public metrics) recomputed in
    plain Python from the raw tables (`tests.test_report_recompute`) and compared cell for
    cell. Loads every row into memory: use a scale that fits (about 1 GB per 250,000
    requests)."""
    from tests.test_report_recompute import ALL_DIMENSIONS, compare, load
    from tests.test_report_recompute import recompute as independent

    print(f"\n== recálculo independiente: {label} ==")
    info, _fresh = ensure_seeded(db, requests, label)
    last_day = (info.anchor.astimezone(MEXICO) - timedelta(days=1)).date()
    flt = ReportFilter(last_day - timedelta(days=364), last_day)
    with clock.frozen_at(info.anchor), db.session() as session:
        t = time.perf_counter()
        raw = load(session)
        print(f"  filas leídas en {time.perf_counter() - t:.1f} s")
        report = rp.build_report(session, None, flt, ALL_DIMENSIONS)
        t = time.perf_counter()
        cells, diffs = compare(report, independent(raw, flt, ALL_DIMENSIONS, report.as_of))
        print(f"  {cells:,} celdas comparadas en {time.perf_counter() - t:.1f} s; "
              f"{len(diffs)} diferencias")
        for d in diffs[:30]:
            print("   ", d)
    return 1 if diffs else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", metavar="ARCHIVO",
                        help="base SQLite sembrada o por sembrar (por omisión, en la carpeta "
                             "temporal, una por escala)")
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--pg-url", default=os.environ.get("ST2DESK_BENCH_PG_URL"))
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-admin", action="store_true",
                        help="PostgreSQL: firmar como el administrador de la siembra, con su "
                             "propio login y la seguridad por filas activa (como en un sitio)")
    parser.add_argument("--recompute", action="store_true",
                        help="en vez de medir, recalcular cada cifra del reporte del año en "
                             "Python desde las tablas y compararla celda por celda")
    args = parser.parse_args(argv)
    if args.recompute:
        status = 0
        if not args.skip_sqlite:
            path = Path(args.sqlite) if args.sqlite else (
                Path(tempfile.gettempdir()) / "st2desk-bench"
                / f"reports-{args.requests}.sqlite3")
            db = Database(f"sqlite:///{path}")
            status |= recompute(db, f"SQLite {path}", args.requests)
            db.dispose()
        if args.pg_url:
            db = Database(args.pg_url)
            status |= recompute(db, "PostgreSQL", args.requests)
            db.dispose()
        return status
    print(f"Objetivo (DESIGN §6): un reporte de un año a escala de referencia en < {TARGET:.0f} s "
          f"(núcleos: {os.cpu_count()})")
    if not args.skip_sqlite:
        path = Path(args.sqlite) if args.sqlite else (
            Path(tempfile.gettempdir()) / "st2desk-bench" / f"reports-{args.requests}.sqlite3")
        db = Database(f"sqlite:///{path}")
        try:
            bench(db, f"SQLite {path}", args.requests, args.runs)
        finally:
            db.dispose()
    if args.pg_url:
        db = Database(args.pg_url)
        try:
            bench(db, f"PostgreSQL {db.engine.url.render_as_string(hide_password=True)}",
                  args.requests, args.runs, args.as_admin)
        finally:
            db.dispose()
    elif args.skip_sqlite:
        print("nada que medir: indique ST2DESK_BENCH_PG_URL o --pg-url, o quite --skip-sqlite")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
