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
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

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


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """(first run, best of the following `runs`) in seconds."""
    t = time.perf_counter()
    fn()
    first = time.perf_counter() - t
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return first, min(times) if times else first


def line(label: str, seconds: float, target: float | None = TARGET, extra: str = "") -> None:
    mark = "" if target is None else ("  ✓" if seconds < target else "  ✗ (sobre el objetivo)")
    goal = f"objetivo < {target:.0f} s" if target is not None else "(sin objetivo)"
    print(f"  {label:<58} {seconds:7.3f} s   {goal}{mark}{extra}")


def bench(db: Database, label: str, requests: int, runs: int) -> None:
    print(f"\n== {label} ==")
    info, fresh = ensure_seeded(db, requests, label)
    if fresh:
        print(f"  siembra: {info.requests:,} solicitudes, {info.patients:,} pacientes, "
              f"{info.users:,} usuarios, {info.units:,} unidades en {info.seconds:.0f} s")
    last_day = (info.anchor.astimezone(MEXICO) - timedelta(days=1)).date()
    flt = ReportFilter(last_day - timedelta(days=364), last_day)
    with clock.frozen_at(info.anchor):
        probe = rp.generate(db, None, flt, "month")
        s = probe.summary
        print(f"  año {flt.date_from:%d/%m/%Y}–{flt.date_to:%d/%m/%Y}: {s['requests']:,} "
              f"solicitudes enviadas, {s['decided']:,} primeros dictámenes, {s['pending']:,} "
              f"pendientes; conexiones por reporte: {rp.default_parallelism(db)}")
        print(f"  (tiempos: mejor de {runs} tras una primera corrida; entre paréntesis la "
              "primera)")
        for by in BREAKDOWNS:
            first, best = timed(lambda by=by: rp.generate(db, None, flt, by), runs)
            shown = {"": "ninguno (resumen y secciones)",
                     BREAKDOWNS[-1]: "los seis a la vez"}.get(by, by)
            line(f"reporte de un año, desglose: {shown}", best, extra=f"   ({first:.3f} s)")

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
                report = rp.generate(db, None, flt, "month,specialty", parallel=1)
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
                                       1)[1], None)
            line("exportar XLSX", timed(lambda: export.write_xlsx(report, Path(tmp) / "r.xlsx"),
                                        1)[1], None)
            line("exportar PDF con gráficas", timed(lambda: report_pdf(report), 1)[1], None)


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
                  args.requests, args.runs)
        finally:
            db.dispose()
    elif args.skip_sqlite:
        print("nada que medir: indique ST2DESK_BENCH_PG_URL o --pg-url, o quite --skip-sqlite")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
