"""CSV and XLSX exports of a `Report` (or of one `Table`, for the GUI's "export this table").

CSV: UTF-8 with BOM (Excel on Windows then reads the accents), comma separator and
decimal point (Mexico's conventions), dates ``AAAA-MM-DD``, date-times in Mexico time,
rates as percentages with one decimal, hours and days with one decimal. A whole report is
one file of sections (title line, header, rows, blank line); a single table is a plain
rectangular CSV.

XLSX (XlsxWriter): a "Resumen" sheet (scope, summary, decision times), one sheet per
table with typed cells and number formats, frozen header and autofilter, and a
"Definiciones" sheet.

Definitions (`model.DEFINITIONS`) travel with every export: the XLSX sheet, the PDF's
last page, a "Definiciones" section at the end of a whole-report CSV, and beside any CSV
written to a path a ``<nombre>.definiciones.txt``. Files are written through
`st2desk.outputs` (target checked first, written whole or not at all).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from st2desk.reports.model import DEFINITIONS, Column, Report, Table, format_value, to_mexico

TITLE = "Reporte ST2 — planeación y control"

SHEET_NAMES = {
    "summary": "Resumen", "decision_times": "Resumen", "by_week": "Por semana",
    "by_month": "Por mes", "by_category": "Por categoría", "by_specialty": "Por especialidad",
    "by_unit": "Por unidad", "by_delegation": "Por delegación", "backlog": "Rezago",
    "overdue": "Fuera de plazo", "physicians": "Médicos", "duplicates": "Duplicados",
    "emergencies": "Urgencias", "public_metrics": "Métricas públicas",
}


# --------------------------------------------------------------------------- CSV


def csv_header(col: Column) -> str:
    return f"{col.label} (%)" if col.kind == "rate" else col.label


def csv_cell(col: Column, value: Any) -> Any:
    if value is None:
        return ""
    if col.kind == "int":
        return int(value)
    if col.kind == "rate":
        return f"{value * 100:.1f}"
    if col.kind in ("hours", "days", "float"):
        return f"{value:.1f}"
    if col.kind == "datetime":
        return to_mexico(value).strftime("%Y-%m-%d %H:%M")
    if col.kind == "date":
        return value.isoformat()
    return value


def _table_lines(table: Table) -> Iterable[list[Any]]:
    if table.vertical:
        yield ["Indicador", "Valor"]
        record = table.rows[0] if table.rows else (None,) * len(table.columns)
        for col, value in zip(table.columns, record, strict=True):
            yield [csv_header(col), csv_cell(col, value)]
        return
    yield [csv_header(c) for c in table.columns]
    for row in table.rows:
        yield [csv_cell(c, v) for c, v in zip(table.columns, row, strict=True)]


def write_table_csv(table: Table, target: str | Path | IO[str]) -> None:
    """One table as a plain rectangular CSV (header of Spanish labels); to a path, with its
    ``.definiciones.txt`` beside it."""
    if isinstance(target, (str, Path)):
        _write_text_atomic(target, lambda fh: write_table_csv(table, fh))
        return
    writer = csv.writer(target, lineterminator="\r\n")
    writer.writerows(_table_lines(table))


def definitions_path(target: str | Path) -> Path:
    """``informe.csv`` → ``informe.definiciones.txt`` (same folder)."""
    path = Path(target)
    return path.with_name(f"{path.stem}.definiciones.txt")


def definitions_text() -> str:
    lines = ["Definiciones de las cifras del reporte ST2", ""]
    for term, text in DEFINITIONS:
        lines += [term, "  " + text, ""]
    return "\r\n".join(lines)


def _write_text_atomic(target: str | Path, write: Any) -> None:
    """CSV text (UTF-8 with BOM) to `target` and the definitions beside it, each atomically;
    both targets are checked before anything is written."""
    from st2desk import outputs  # noqa: PLC0415

    path = outputs.check_target(target)
    beside = outputs.check_target(definitions_path(path))
    buf = io.StringIO()
    write(buf)
    outputs.write_atomic(path, buf.getvalue().encode("utf-8-sig"))
    outputs.write_atomic(beside, definitions_text().encode("utf-8-sig"))


def write_csv(report: Report, target: str | Path | IO[str]) -> None:
    """The whole report as one CSV of sections, the definitions last; to a path, with its
    ``.definiciones.txt`` beside it."""
    if isinstance(target, (str, Path)):
        _write_text_atomic(target, lambda fh: write_csv(report, fh))
        return
    with _open_text(target) as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow([TITLE])
        for label, value in report.scope:
            w.writerow([label, value])
        w.writerow(["Generado", f"{to_mexico(report.generated_at):%Y-%m-%d %H:%M} (hora de México)"])
        w.writerow(["Corte de pendientes", f"{to_mexico(report.as_of):%Y-%m-%d %H:%M}"])
        for table in report.tables.values():
            w.writerow([])
            w.writerow([table.title])
            w.writerows(_table_lines(table))
            if table.note:
                w.writerow([f"Nota: {table.note}"])
        w.writerow([])
        w.writerow(["Definiciones"])
        for term, text in DEFINITIONS:
            w.writerow([term, text])


class _open_text:
    """A path opened for writing as UTF-8 with BOM, or a text stream used as is."""

    def __init__(self, target: str | Path | IO[str]) -> None:
        self.target = target
        self.fh: IO[str] | None = None

    def __enter__(self) -> IO[str]:
        if isinstance(self.target, (str, Path)):
            self.fh = open(self.target, "w", encoding="utf-8-sig", newline="")  # noqa: SIM115
            return self.fh
        return self.target

    def __exit__(self, *exc: object) -> None:
        if self.fh is not None:
            self.fh.close()


def csv_text(report: Report) -> str:
    buf = io.StringIO()
    write_csv(report, buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- XLSX


def write_xlsx(report: Report, target: str | Path | IO[bytes], *,
               charts: dict[str, bytes] | None = None) -> None:
    """The report as a workbook. `charts` (name → PNG) are put on a "Gráficas" sheet.
    Built in memory, then written atomically when `target` is a path."""
    import xlsxwriter  # noqa: PLC0415 - heavy, only when exporting

    if isinstance(target, (str, Path)):
        from st2desk import outputs  # noqa: PLC0415

        path = outputs.check_target(target)
        buf = io.BytesIO()
        write_xlsx(report, buf, charts=charts)
        outputs.write_atomic(path, buf.getvalue())
        return
    book = xlsxwriter.Workbook(target, {"in_memory": True,
                                        "default_date_format": "dd/mm/yyyy"})
    book.set_properties({"title": TITLE, "subject": "DESIGN §1.7", "author": "st2desk"})
    f = _Formats(book)

    sheet = book.add_worksheet("Resumen")
    sheet.set_column(0, 0, 46)
    sheet.set_column(1, 8, 14)
    sheet.write(0, 0, TITLE, f.title)
    row = 2
    for label, value in report.scope:
        sheet.write(row, 0, label, f.bold)
        sheet.write(row, 1, value)
        row += 1
    sheet.write(row, 0, "Generado", f.bold)
    sheet.write(row, 1, f"{to_mexico(report.generated_at):%d/%m/%Y %H:%M} (hora de México)")
    row += 1
    sheet.write(row, 0, "Corte de pendientes", f.bold)
    sheet.write(row, 1, f"{to_mexico(report.as_of):%d/%m/%Y %H:%M}")
    row += 2
    summary = report.tables["summary"]
    sheet.write(row, 0, summary.title, f.subtitle)
    row += 1
    record = summary.rows[0] if summary.rows else (None,) * len(summary.columns)
    for col, value in zip(summary.columns, record, strict=True):
        sheet.write(row, 0, col.label)
        _write_cell(sheet, row, 1, col, value, f)
        row += 1
    times = report.tables.get("decision_times")
    if times is not None:
        row += 1
        sheet.write(row, 0, times.title, f.subtitle)
        row += 1
        _write_table(sheet, row, times, f, widths=False)

    used: set[str] = {"Resumen"}
    for name, table in report.tables.items():
        if name in ("summary", "decision_times"):
            continue
        title = SHEET_NAMES.get(name, table.title)[:31]
        base, i = title, 2
        while title in used:
            title = f"{base[:28]} {i}"
            i += 1
        used.add(title)
        ws = book.add_worksheet(title)
        ws.write(0, 0, table.title, f.title)
        if table.note:
            ws.write(1, 0, table.note, f.note)
        last = _write_table(ws, 3, table, f)
        ws.freeze_panes(4, table.key_columns or 1)
        if table.rows:
            ws.autofilter(3, 0, last, len(table.columns) - 1)

    if charts:
        ws = book.add_worksheet("Gráficas")
        row = 0
        for name, png in charts.items():
            ws.insert_image(row, 0, f"{name}.png",
                            {"image_data": io.BytesIO(png), "x_scale": 0.5, "y_scale": 0.5})
            row += 26

    ws = book.add_worksheet("Definiciones")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 120)
    for i, (term, text) in enumerate(DEFINITIONS):
        ws.write(i, 0, term, f.bold_top)
        ws.write(i, 1, text, f.wrap)
        ws.set_row(i, 15 * (1 + len(text) // 110))
    book.close()


class _Formats:
    def __init__(self, book: Any) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.subtitle = book.add_format({"bold": True, "font_size": 12})
        self.bold = book.add_format({"bold": True})
        self.bold_top = book.add_format({"bold": True, "valign": "top"})
        self.note = book.add_format({"italic": True, "font_color": "#555555"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.header = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                       "bg_color": "#DCE6F1", "border": 1})
        self.by_kind = {
            "int": book.add_format({"num_format": "#,##0"}),
            "rate": book.add_format({"num_format": "0.0%"}),
            "hours": book.add_format({"num_format": "#,##0.0"}),
            "days": book.add_format({"num_format": "#,##0.0"}),
            "float": book.add_format({"num_format": "#,##0.0"}),
            "date": book.add_format({"num_format": "dd/mm/yyyy"}),
            "datetime": book.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
            "text": None,
        }


def _write_cell(ws: Any, row: int, col_index: int, col: Column, value: Any, f: _Formats) -> None:
    fmt = f.by_kind.get(col.kind)
    if value is None:
        ws.write_blank(row, col_index, None, fmt)
    elif col.kind == "datetime":
        ws.write_datetime(row, col_index, to_mexico(value).replace(tzinfo=None), fmt)
    elif col.kind == "date" and isinstance(value, date):
        ws.write_datetime(row, col_index, datetime(value.year, value.month, value.day), fmt)
    elif col.numeric:
        ws.write_number(row, col_index, value, fmt)
    else:
        ws.write_string(row, col_index, str(value))


def _write_table(ws: Any, top: int, table: Table, f: _Formats, *, widths: bool = True) -> int:
    for j, col in enumerate(table.columns):
        ws.write(top, j, col.label, f.header)
    for i, row in enumerate(table.rows, start=top + 1):
        for j, (col, value) in enumerate(zip(table.columns, row, strict=True)):
            _write_cell(ws, i, j, col, value, f)
    if widths:
        for j, col in enumerate(table.columns):
            longest = max([len(format_value(col.kind, r[j], empty="")) for r in table.rows[:500]]
                          + [min(len(col.label), 18), 8])
            ws.set_column(j, j, min(60, longest + 2))
    return top + len(table.rows)


def export_report(report: Report, target: str | Path, fmt: str, *,
                  charts: dict[str, bytes] | None = None) -> Path:
    """Write the report as ``csv``, ``xlsx`` or ``pdf`` to `target`, whole or not at all
    (`st2desk.outputs.OutputError` with a Spanish message otherwise)."""
    from st2desk import outputs  # noqa: PLC0415

    path = outputs.check_target(target)
    if fmt == "csv":
        write_csv(report, path)
    elif fmt == "xlsx":
        write_xlsx(report, path, charts=charts)
    elif fmt == "pdf":
        from st2desk.pdf.report import report_pdf  # noqa: PLC0415

        outputs.write_atomic(path, report_pdf(report, charts=charts))
    else:
        raise ValueError(fmt)
    return path
