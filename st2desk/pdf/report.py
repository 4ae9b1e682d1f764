"""The report as a PDF (DESIGN §1.7): summary, charts, tables and definitions.

Takes a plain `st2desk.reports.model.Report` and returns bytes (or writes a path); it
opens no session and imports no Qt. Letter landscape. Charts are matplotlib figures
rendered by Agg to PNG (`st2desk.reports.charts`); text is DejaVu Sans, which matplotlib
ships, so every character of the Spanish definitions (⌈ ⌉, −, ≥) has a glyph.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from st2desk.reports.charts import charts_for, render_png
from st2desk.reports.model import DEFINITIONS, Column, Report, Table, format_value, to_mexico

TITLE = "Reporte ST2 — planeación y control"
MAX_ROWS = 40  # per table in the PDF; the CSV and XLSX carry every row
CHART_SIZE = (10.0, 3.6)  # inches, as drawn by matplotlib
EMPTY_TEXT = {
    "physicians": "Ningún médico supera el umbral en el periodo.",
    "overdue": "Ninguna solicitud pendiente está fuera de plazo.",
    "backlog": "No hay solicitudes pendientes de dictamen.",
}

# Columns of an activity table that fit a landscape page, after the key columns.
ACTIVITY_PDF_COLUMNS = (
    "requests", "decided", "approval_rate", "rejection_rate", "approved_after_appeal_rate",
    "late_rate", "duplicates", "emergencies", "urgent_median_h", "urgent_p90_h",
    "ordinary_median_h", "ordinary_p90_h",
)

_FONT, _BOLD = "DejaVuSans", "DejaVuSans-Bold"


def _register_fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics  # noqa: PLC0415
    from reportlab.pdfbase.ttfonts import TTFont  # noqa: PLC0415

    if _FONT in pdfmetrics.getRegisteredFontNames():
        return _FONT, _BOLD
    try:
        import matplotlib  # noqa: PLC0415

        fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        pdfmetrics.registerFont(TTFont(_FONT, str(fonts / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(_BOLD, str(fonts / "DejaVuSans-Bold.ttf")))
        from reportlab.lib.fonts import addMapping  # noqa: PLC0415

        addMapping(_FONT, 0, 0, _FONT)
        addMapping(_FONT, 1, 0, _BOLD)
        return _FONT, _BOLD
    except (ImportError, OSError):  # pragma: no cover - matplotlib is a dependency
        return "Helvetica", "Helvetica-Bold"


PUBLIC_TITLE = "Métricas públicas de autorización previa (ST2)"
PUBLIC_RATE_COLUMNS = ("decided", "approved_rate", "denied_rate", "approved_after_appeal_rate",
                       "extended_approved_rate", "final_approved_rate")
PUBLIC_TIME_COLUMNS = ("decided", "mean_elapsed_h", "median_elapsed_h", "mean_working_h",
                       "median_working_h")
PUBLIC_DEFINITIONS = ("Periodo y días", "Corte", "Urgentes", "Tiempo a dictamen",
                      "Métricas públicas (estilo CMS-0057-F)")


def write_report_pdf(report: Report, path: str | Path) -> None:
    from st2desk import outputs  # noqa: PLC0415

    target = outputs.check_target(path)
    outputs.write_atomic(target, report_pdf(report))


def report_pdf(report: Report, *, charts: dict[str, bytes] | None = None) -> bytes:
    """The PDF bytes. `charts` (name → PNG) reuses charts already rendered, else they are drawn."""
    from reportlab.lib import colors  # noqa: PLC0415 - heavy, only when printing
    from reportlab.lib.pagesizes import landscape, letter  # noqa: PLC0415
    from reportlab.lib.styles import ParagraphStyle  # noqa: PLC0415
    from reportlab.lib.units import inch  # noqa: PLC0415
    from reportlab.platypus import (  # noqa: PLC0415
        Image,
        KeepTogether,
        PageBreak,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import (
        Table as RLTable,
    )

    font, bold = _register_fonts()
    page_w, page_h = landscape(letter)
    margin = 0.5 * inch
    width = page_w - 2 * margin
    st = {
        "title": ParagraphStyle("t", fontName=bold, fontSize=16, leading=20, spaceAfter=4),
        "h": ParagraphStyle("h", fontName=bold, fontSize=11.5, leading=14, spaceBefore=8,
                            spaceAfter=4, textColor=colors.HexColor("#1F3A5F"),
                            keepWithNext=1),
        "body": ParagraphStyle("b", fontName=font, fontSize=8.5, leading=11),
        "note": ParagraphStyle("n", fontName=font, fontSize=7.5, leading=9.5,
                               textColor=colors.HexColor("#555555"), spaceBefore=2),
        "cell": ParagraphStyle("c", fontName=font, fontSize=7, leading=8.4),
        "head": ParagraphStyle("hd", fontName=bold, fontSize=7, leading=8.4),
        "defterm": ParagraphStyle("dt", fontName=bold, fontSize=8.5, leading=11,
                                  keepWithNext=1),
    }
    generated = to_mexico(report.generated_at)

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(margin, 0.3 * inch, f"{title} · {report.scope[0][1]}")
        canvas.drawRightString(page_w - margin, 0.3 * inch,
                               f"Página {doc.page} · generado {generated:%d/%m/%Y %H:%M} "
                               "(hora de México) · st2desk")
        canvas.restoreState()

    public = "summary" not in report.tables and "public_metrics" in report.tables
    title = PUBLIC_TITLE if public else TITLE
    story: list[Any] = [Paragraph(title, st["title"])]
    scope = [(label, value) for label, value in report.scope]
    scope.append(("Corte de pendientes", f"{to_mexico(report.as_of):%d/%m/%Y %H:%M} "
                                         "(hora de México)"))
    scope_table = RLTable([[Paragraph(f"<b>{_esc(k)}</b>", st["body"]),
                            Paragraph(_esc(v), st["body"])] for k, v in scope],
                          colWidths=[1.7 * inch, width - 1.7 * inch], hAlign="LEFT")
    scope_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                     ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                     ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    story += [scope_table, Spacer(1, 6)]

    if not public:
        # Summary: label/value pairs in three column pairs.
        summary = report.tables["summary"]
        record = summary.rows[0] if summary.rows else (None,) * len(summary.columns)
        pairs = [(c.label, format_value(c.kind, v)) for c, v in zip(summary.columns, record,
                                                                    strict=True)]
        per_col = -(-len(pairs) // 3)
        grid = []
        for i in range(per_col):
            line: list[Any] = []
            for j in range(3):
                k = j * per_col + i
                if k < len(pairs):
                    line += [Paragraph(_esc(pairs[k][0]), st["cell"]),
                             Paragraph(f"<b>{_esc(pairs[k][1])}</b>", st["cell"])]
                else:
                    line += ["", ""]
            grid.append(line)
        pair_w = width / 3
        summary_table = RLTable(grid, colWidths=[pair_w * 0.72, pair_w * 0.28] * 3, hAlign="LEFT")
        summary_table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 0), (1, -1), "RIGHT"), ("ALIGN", (3, 0), (3, -1), "RIGHT"),
            ("ALIGN", (5, 0), (5, -1), "RIGHT"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#DDDDDD")),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
        story += [Paragraph("Resumen", st["h"]), summary_table]

    def table_flowables(table: Table, columns: Sequence[str] | None = None) -> list[Any]:
        cols = [c for c in table.columns if columns is None or c.name in columns
                or table.columns.index(c) < table.key_columns]
        idx = [table.columns.index(c) for c in cols]
        rows = table.rows[:MAX_ROWS]
        cells = [[format_value(c.kind, row[i]) for c, i in zip(cols, idx, strict=True)]
                 for row in rows]
        widths = _column_widths(cols, cells, width, font, bold)
        head = [Paragraph(_esc(c.label), st["head"]) for c in cols]
        body = [[Paragraph(_esc(v), st["cell"]) if c.kind == "text" else v
                 for c, v in zip(cols, line, strict=True)] for line in cells]
        empty = not body
        if empty:
            body = [[Paragraph(EMPTY_TEXT.get(table.name, "Sin datos en el periodo."),
                               st["cell"])] + [""] * (len(cols) - 1)]
        t = RLTable([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), font, 7),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#CCCCCC")),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        for j, c in enumerate(cols):
            if c.numeric:
                style.append(("ALIGN", (j, 1), (j, -1), "RIGHT"))
        if empty:
            style.append(("SPAN", (0, 1), (-1, 1)))
        if len(body) > 1 or table.rows:
            for r in range(2, len(body) + 1, 2):
                style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F5F7FA")))
        t.setStyle(TableStyle(style))
        note = table.note
        if len(table.rows) > MAX_ROWS:
            note = (note + " " if note else "") + (
                f"Se muestran {MAX_ROWS} de {len(table.rows):,} filas; el archivo XLSX o CSV "
                "tiene todas.")
        out: list[Any] = [Paragraph(_esc(table.title), st["h"]), t]
        if note:
            out.append(Paragraph(_esc(note), st["note"]))
        return out

    if "decision_times" in report.tables:
        story += table_flowables(report.tables["decision_times"])
    if public:  # what a delegation publishes: the metrics first, in two readable tables
        pub = report.tables["public_metrics"]
        story += table_flowables(pub, PUBLIC_RATE_COLUMNS)
        story += table_flowables(replace(pub, title="Tiempo del envío al primer dictamen "
                                                    "(horas)", note=""),
                                 PUBLIC_TIME_COLUMNS)

    charts = charts if charts is not None else {
        c.name: render_png(c, width=CHART_SIZE[0], height=CHART_SIZE[1], dpi=150)
        for c in charts_for(report)}
    titles = {c.name: c.title for c in charts_for(report)}
    if charts:
        story.append(PageBreak())
        img_w = 8.6 * inch  # two charts a page
        img_h = img_w * CHART_SIZE[1] / CHART_SIZE[0]
        for name, png in charts.items():
            story.append(KeepTogether([
                Paragraph(_esc(titles.get(name, name)), st["h"]),
                Image(io.BytesIO(png), width=img_w, height=img_h)]))

    if not public:
        story.append(PageBreak())
        order = ["backlog", "overdue"] + [n for n in report.tables if n.startswith("by_")] + \
            ["physicians", "duplicates", "emergencies"]
        for name in order:
            table = report.tables.get(name)
            if table is None:
                continue
            columns = ACTIVITY_PDF_COLUMNS if name.startswith("by_") else None
            story += table_flowables(table, columns)
            story.append(Spacer(1, 4))
        if "public_metrics" in report.tables:
            pub = report.tables["public_metrics"]
            story += table_flowables(pub, PUBLIC_RATE_COLUMNS)
            story += table_flowables(replace(pub, title="Métricas públicas: tiempo del envío "
                                                        "al primer dictamen (horas)", note=""),
                                     PUBLIC_TIME_COLUMNS)

    story += [PageBreak(), Paragraph("Definiciones", st["h"])]
    for term, text in DEFINITIONS:
        if public and term not in PUBLIC_DEFINITIONS:
            continue
        story += [Paragraph(_esc(term), st["defterm"]), Paragraph(_esc(text), st["body"]),
                  Spacer(1, 4)]

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=(page_w, page_h), leftMargin=margin,
                            rightMargin=margin, topMargin=margin, bottomMargin=0.55 * inch,
                            title=title, author="st2desk", subject=report.scope[0][1],
                            invariant=1)
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def _column_widths(cols: Sequence[Column], cells: Sequence[Sequence[str]], width: float,
                   font: str, bold: str, size: float = 7) -> list[float]:
    """Each column as wide as its content and the longest word of its header; when that
    is too wide for the page, the text columns (names) give up width and wrap."""
    from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: PLC0415

    pad = 7.0
    natural, minimum = [], []
    for j, col in enumerate(cols):
        head = max(stringWidth(w, bold, size) for w in col.label.split()) + pad
        content = max([stringWidth(row[j], font, size) + pad for row in cells] + [0.0])
        natural.append(max(head, content))
        if col.kind == "text":
            longest_word = max([stringWidth(w, font, size) + pad for row in cells
                                for w in row[j].split()] + [0.0])
            minimum.append(max(head, min(longest_word, 110.0), 40.0))
        else:
            minimum.append(natural[-1])
    widths = list(natural)
    excess = sum(widths) - width
    text = [j for j, c in enumerate(cols) if c.kind == "text"]
    while excess > 0.5 and text:
        room = {j: widths[j] - minimum[j] for j in text if widths[j] - minimum[j] > 0.5}
        if not room:
            break
        # Take from the widest text columns first.
        widest = max(widths[j] for j in room)
        targets = [j for j in room if widths[j] >= widest - 0.5]
        others = [widths[j] for j in room if widths[j] < widest - 0.5]
        step = min(excess / len(targets), min(room[j] for j in targets),
                   widest - max(others) if others else float("inf"))
        for j in targets:
            widths[j] -= step
        excess -= step * len(targets)
    # Too wide still: scale everything down; narrower than the page: give some air.
    scale = width / sum(widths) if sum(widths) > width else min(1.3, width / sum(widths))
    return [w * scale for w in widths]


def _esc(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
