"""`st2desk report` (DESIGN §1.7, §4.1): the planning and control report as a file.

    st2desk report --from 2026-01-01 --to 2026-03-31 --by specialty,unit \\
        --delegation 09 --format xlsx -o primer-trimestre.xlsx

Dates are Mexico days, both included (``AAAA-MM-DD`` or ``DD/MM/AAAA``). The format is
taken from ``--format`` or else from the file's extension; ``-o -`` writes CSV to
standard output. The person acting (``--user`` and a password) must hold the admin role.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from st2desk.cli import EXIT_OK, CliError, add_user_option, database

FORMATS = ("csv", "xlsx", "pdf")
MIN_YEAR, MAX_YEAR = 1900, 2199


def _day(text: str, option: str) -> date:
    value = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if not MIN_YEAR <= day.year <= MAX_YEAR:  # far dates overflow the day arithmetic
            raise CliError(f"fecha fuera de rango en {option}: «{value}»; use un año entre "
                           f"{MIN_YEAR} y {MAX_YEAR}")
        return day
    raise CliError(f"fecha no válida en {option}: «{value}»; use AAAA-MM-DD "
                   "(por ejemplo 2026-03-31) o DD/MM/AAAA")


def _format(args: argparse.Namespace) -> str:
    if args.format:
        fmt = args.format.strip().lower().lstrip(".")
        if fmt not in FORMATS:
            raise CliError(f"formato desconocido «{args.format}»; use csv, xlsx o pdf")
        return fmt
    if args.output == "-":
        return "csv"
    suffix = Path(args.output).suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise CliError("indique --format csv, xlsx o pdf (o un archivo -o con esa extensión)")


def cmd_report(args: argparse.Namespace) -> int:
    from st2desk.reports.model import ReportFilter, format_value, parse_dimensions
    from st2desk.services import reports

    fmt = _format(args)
    if args.output == "-" and fmt != "csv":
        raise CliError("solo el formato csv se puede escribir en la salida estándar (-o -)")
    start, end = _day(args.date_from, "--from"), _day(args.date_to, "--to")
    flt = ReportFilter(start, end, delegation=args.delegation, unit=args.unit,
                       specialty=args.specialty, category=args.category)
    by = parse_dimensions(args.by)
    from st2desk.outputs import OutputError, check_target
    from st2desk.reports import export

    target = None
    if args.output != "-":
        try:  # before any work: a folder, a device or a missing folder fails here
            target = check_target(args.output)
            if fmt == "csv":
                check_target(export.definitions_path(target))
        except OutputError as exc:
            raise CliError(str(exc)) from None

    db = database(args)
    with reports.report_session(db) as session:
        report = reports.build_report(session, args.actor, flt, by)
    s = report.summary
    pub = report.tables.get("public_metrics")
    if args.public_only:
        report = reports.public_only(report)

    if target is None:
        export.write_csv(report, sys.stdout)
        return EXIT_OK
    try:
        export.export_report(report, target, fmt)
    except OutputError as exc:
        raise CliError(str(exc)) from None
    beside = f" (definiciones en {export.definitions_path(target)})" if fmt == "csv" else ""
    print(f"Reporte {fmt.upper()} escrito en {target}{beside}: {s['requests']:,} solicitudes y "
          f"{s['decided']:,} dictámenes del {start:%d/%m/%Y} al {end:%d/%m/%Y}; "
          f"{s['pending']:,} pendientes al corte.")
    if pub is not None and (args.public or args.public_only):
        print("Métricas públicas (primeros dictámenes del periodo):")
        for row in pub.dicts():
            print(f"  {row['group']}: {row['decided']:,} con dictamen; aprobadas "
                  f"{format_value('rate', row['approved_rate'])}, rechazadas "
                  f"{format_value('rate', row['denied_rate'])}, tras recurso "
                  f"{format_value('rate', row['approved_after_appeal_rate'])}, con prórroga "
                  f"y aprobadas {format_value('rate', row['extended_approved_rate'])}; "
                  f"mediana transcurrida {format_value('hours', row['median_elapsed_h'])} h, "
                  f"de reloj {format_value('hours', row['median_working_h'])} h")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", help="reporte de planeación y control (CSV, XLSX o PDF)",
                       description="Cifras de DESIGN §1.7 para un periodo, con desgloses.")
    p.add_argument("--from", dest="date_from", required=True, metavar="FECHA",
                   help="primer día (AAAA-MM-DD), hora de México")
    p.add_argument("--to", dest="date_to", required=True, metavar="FECHA",
                   help="último día, incluido")
    p.add_argument("--by", default="month,specialty", metavar="LISTA",
                   help="desgloses separados por comas: week, month, category, specialty, "
                        "unit, delegation (por omisión month,specialty)")
    p.add_argument("--format", metavar="FORMATO", help="csv, xlsx o pdf (por omisión, la "
                                                       "extensión del archivo)")
    p.add_argument("-o", "--output", required=True, metavar="ARCHIVO",
                   help="archivo de salida (- para CSV en la salida estándar)")
    p.add_argument("--delegation", metavar="CLAVE", help="solo esta delegación (p. ej. 09)")
    p.add_argument("--unit", metavar="CLAVE", help="solo esta unidad solicitante")
    p.add_argument("--specialty", metavar="CLAVE", help="solo esta especialidad (p. ej. RADIO)")
    p.add_argument("--category", metavar="CATEGORÍA",
                   help="solo esta categoría de servicio (p. ej. imaging)")
    p.add_argument("--public", action="store_true",
                   help="además, imprimir las métricas públicas (estilo CMS-0057-F); el "
                        "archivo las trae siempre (hoja, sección o página «Métricas públicas»)")
    p.add_argument("--public-only", action="store_true",
                   help="el archivo solo con las métricas públicas y sus definiciones (para "
                        "publicar)")
    add_user_option(p)
    p.set_defaults(func=cmd_report)

