"""The report taken away as a file: CSV, XLSX, PDF with charts, and `st2desk report`."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from datetime import datetime

import pytest

from st2desk.reports import charts, export
from st2desk.reports.model import MEXICO
from tests.cast import PASSWORD
from tests.test_reports import AS_OF, MARCH, build_dataset, report


@pytest.fixture
def march(db, cast):
    build_dataset(db, cast)
    return report(db, cast, MARCH, "week,specialty,unit")


def test_csv_has_every_section_with_mexican_number_conventions(march, tmp_path):
    path = tmp_path / "r.csv"
    export.write_csv(march, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the accents
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Reporte ST2 — planeación y control"]
    assert ["Periodo", "01/03/2026 al 31/03/2026 (31 días)"] in rows
    assert ["Solicitudes enviadas", "15"] in rows
    assert ["Tasa de aprobación (primer dictamen) (%)", "70.0"] in rows
    assert ["Tasa de aprobación final (al corte) (%)", "80.0"] in rows
    assert ["Canceladas antes de dictamen", "0"] in rows
    assert ["Urgentes: mediana a dictamen (h)", "24.0"] in rows
    titles = [r[0] for r in rows if len(r) == 1 and r[0] and not r[0].startswith("Nota")]
    assert titles == ["Reporte ST2 — planeación y control", "Resumen",
                      "Tiempo del envío al primer dictamen", "Actividad por semana",
                      "Actividad por especialidad", "Actividad por unidad solicitante",
                      "Rezago por especialidad (pendientes al corte)",
                      "Pendientes fuera de plazo (al corte)",
                      "Médicos muy por encima de sus pares",
                      "Duplicados señalados por la revisión automática",
                      "Urgencias presentadas (realizadas antes de autorizar)",
                      "Métricas públicas de autorización previa (estilo CMS-0057-F)",
                      "Definiciones"]
    start = rows.index(["Actividad por especialidad"]) + 1
    header, radio = rows[start], rows[start + 1]
    assert header[:5] == ["Especialidad", "Nombre", "Solicitudes", "Canceladas", "Urgentes"]
    assert radio[:3] == ["RADIO", "Radiología e Imagen", "7"]
    assert radio[header.index("Aprobación (%)")] == "80.0"
    assert radio[header.index("Urg. p90 (h)")] == "96.0"
    assert radio[header.index("Aprob. tras recurso (%)")] == "100.0"
    # The oldest pending request, in Mexico time: r11, 20 Feb 16:00 UTC.
    backlog = rows[rows.index(["Rezago por especialidad (pendientes al corte)"]) + 2]
    assert backlog[0] == "RADIO" and "2026-02-20 10:00" in backlog


def test_single_table_csv_is_rectangular(march):
    buf = io.StringIO()
    export.write_table_csv(march.table("by_week"), buf)
    rows = list(csv.reader(io.StringIO(buf.getvalue())))
    assert len({len(r) for r in rows}) == 1
    assert rows[0][:3] == ["Semana", "Desde", "Solicitudes"]
    assert [r[0] for r in rows[1:]] == ["2026-W09", "2026-W10", "2026-W11", "2026-W12",
                                        "2026-W13", "2026-W14"]
    assert rows[1][1] == "2026-02-23"
    week14 = rows[-1]
    assert week14[rows[0].index("Aprobación (%)")] == ""  # no decision: empty, not zero


def test_xlsx_typed_cells_and_formats(march, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "r.xlsx"
    export.write_xlsx(march, path, charts={"activity": charts.render_png(
        charts.charts_for(march)[0], dpi=60)})
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Resumen", "Por semana", "Por especialidad", "Por unidad",
                               "Rezago", "Fuera de plazo", "Médicos", "Duplicados", "Urgencias",
                               "Métricas públicas", "Gráficas", "Definiciones"]
    resumen = book["Resumen"]
    values = {row[0]: row[1] for row in resumen.iter_rows(values_only=True) if row[0]}
    assert values["Solicitudes enviadas"] == 15
    assert values["Tasa de aprobación (primer dictamen)"] == pytest.approx(0.7)
    assert values["Tasa de aprobación final (al corte)"] == pytest.approx(0.8)
    cell = next(c[1] for c in resumen.iter_rows()
                if c[0].value == "Tasa de aprobación (primer dictamen)")
    assert cell.number_format == "0.0%"
    spec = book["Por especialidad"]
    header = [c.value for c in spec[4]]
    assert header[:3] == ["Especialidad", "Nombre", "Solicitudes"]
    assert [c.value for c in spec[5]][:3] == ["RADIO", "Radiología e Imagen", 7]
    assert spec.freeze_panes == "C5" and spec.auto_filter.ref
    backlog = book["Rezago"]
    oldest = [c.value for c in backlog[5]][backlog_col(backlog, "Más antigua desde")]
    assert oldest == datetime(2026, 2, 20, 10, 0)  # Mexico time, as the user reads it
    assert len(book["Gráficas"]._images) == 1
    assert book["Definiciones"]["A1"].value == "Periodo y días"


def backlog_col(sheet, label: str) -> int:
    return [c.value for c in sheet[4]].index(label)


def test_pdf_report_with_charts(march, tmp_path):
    from pypdf import PdfReader

    from st2desk.pdf.report import report_pdf

    pdf = report_pdf(march)
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in ("Reporte ST2", "01/03/2026 al 31/03/2026", "Solicitudes enviadas",
                     "70.0 %", "Rezago por especialidad", "Radiología e Imagen",
                     "TEST-r11", "Actividad por unidad solicitante", "Definiciones",
                     "rango más cercano", "Página 1"):
        assert expected in text, expected
    images = sum(len(page.images) for page in reader.pages)
    assert images == len(charts.charts_for(march)) >= 4
    assert reader.metadata.title == "Reporte ST2 — planeación y control"
    if shutil.which("pdftoppm"):
        (tmp_path / "r.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1",
                        str(tmp_path / "r.pdf"), str(tmp_path / "page")], check=True,
                       timeout=60)
        assert list(tmp_path.glob("page*.png"))


def test_charts_render_without_qt(march):
    names = [c.name for c in charts.charts_for(march)]
    # Nobody flagged: no physicians' chart.
    assert names == ["activity", "times", "rates", "backlog", "public"]
    public = charts.charts_for(march)[-1].data_table()  # the table shown beside it
    assert public is not None and public.values("group")[0] == "Ordinarias (estándar)"
    chart = charts.charts_for(march)[1]
    assert charts.render_png(chart, dpi=50).startswith(b"\x89PNG")
    assert b"<svg" in charts.render_svg(chart)[:400]
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 3))
    chart.draw(fig)  # what the GUI does before wrapping the figure in FigureCanvasQTAgg
    assert len(fig.axes) == 2  # ordinary and urgent side by side


# --------------------------------------------------------------------------- the command


def st2(*args: str) -> subprocess.CompletedProcess:
    """The command as an administrator who types their password (standard input)."""
    acting = [] if "--user" in args else ["--user", "admin1"]
    return subprocess.run([sys.executable, "-m", "st2desk", *args, *acting], text=True,
                          input=f"{PASSWORD}\n", capture_output=True, timeout=300,
                          env={**os.environ})


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("st2desk: ")
    return lines[0]


def test_cli_writes_each_format(db, db_url, cast, tmp_path):
    build_dataset(db, cast)
    for name in ("marzo.xlsx", "marzo.pdf"):
        out = tmp_path / name
        result = st2("--database", db_url, "report", "--from", "2026-03-01", "--to",
                     "31/03/2026", "--by", "specialty,delegation", "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert "15 solicitudes y 10 dictámenes del 01/03/2026 al 31/03/2026" in result.stdout
        assert out.stat().st_size > 2000
    assert (tmp_path / "marzo.pdf").read_bytes().startswith(b"%PDF")
    result = st2("--database", db_url, "report", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--delegation", "14", "--format", "csv", "-o", "-")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert ["Delegación", "14 Jalisco"] in rows and ["Solicitudes enviadas", "4"] in rows
    assert ["Actividad por mes"] in rows  # the default breakdown: month,specialty


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2026-13-01", "--to", "2026-03-31", "-o", "x.csv"],
     "fecha no válida en --from: «2026-13-01»"),
    (["--from", "2026-03-01", "--to", "ayer", "-o", "x.csv"], "fecha no válida en --to"),
    (["--from", "2026-03-31", "--to", "2026-03-01", "-o", "x.csv"], "anterior a la inicial"),
    (["--from", "2026-03-01", "--to", "2026-03-31", "--by", "mes", "-o", "x.csv"],
     "Desglose desconocido «mes»"),
    (["--from", "2026-03-01", "--to", "2026-03-31", "-o", "x.txt"], "indique --format"),
    (["--from", "2026-03-01", "--to", "2026-03-31", "--format", "docx", "-o", "x.docx"],
     "formato desconocido «docx»"),
    (["--from", "2026-03-01", "--to", "2026-03-31", "--delegation", "99", "-o", "x.csv"],
     "No existe la delegación «99»"),
    (["--from", "2026-03-01", "--to", "2026-03-31", "--user", "medico1", "-o", "x.csv"],
     "rol de administrador"),
    (["--from", "2026-03-01", "-o", "x.csv"], "--to"),
])
def test_cli_bad_input_is_one_spanish_line(db_url, tmp_path, capsys, args, message, cli_password):
    """In-process through `cli.main` (the subprocess tests below cover the entry point)."""
    from st2desk.cli import main

    out = tmp_path / "out"
    out.mkdir()
    args = [a if a not in ("x.csv", "x.txt", "x.docx") else str(out / a) for a in args]
    acting = [] if "--user" in args else ["--user", "admin1"]
    assert main(["--database", db_url, "report", *args, *acting]) == 2
    assert message in one_line(capsys.readouterr().err)
    assert not list(out.iterdir())  # nothing half-written


def test_cli_bad_date_through_the_entry_point(db_url, tmp_path):
    result = st2("--database", db_url, "report", "--from", "2026-02-30", "--to", "2026-03-31",
                  "-o", str(tmp_path / "x.csv"))
    assert result.returncode == 2
    assert one_line(result.stderr) == ("st2desk: fecha no válida en --from: «2026-02-30»; use "
                                       "AAAA-MM-DD (por ejemplo 2026-03-31) o DD/MM/AAAA")
    result = st2("--database", db_url, "report", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--by", "specialty,quincena", "-o", str(tmp_path / "x.csv"))
    assert result.returncode == 2 and "Desglose desconocido «quincena»" in one_line(result.stderr)


def test_cli_on_an_uninitialized_database(empty_db_url, tmp_path):
    result = st2("--database", empty_db_url, "report", "--from", "2026-03-01", "--to",
                 "2026-03-31", "-o", str(tmp_path / "r.csv"))
    assert result.returncode == 2 and "st2desk init" in one_line(result.stderr)


def test_mexico_offset_is_the_clock_rule():
    from st2desk import clock

    with clock.frozen_at(AS_OF):
        assert clock.today() == AS_OF.astimezone(MEXICO).date()



def test_cli_public_metrics_and_definitions_beside_the_csv(db, db_url, cast, tmp_path):
    build_dataset(db, cast)
    out = tmp_path / "marzo.csv"
    result = st2("--database", db_url, "report", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--public", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Ordinarias (estándar): 7 con dictamen; aprobadas 57.1 %, rechazadas 42.9 %, " \
           "tras recurso 14.3 %" in result.stdout
    assert "Urgentes (expeditas): 2 con dictamen" in result.stdout
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"))))
    assert ["Métricas públicas de autorización previa (estilo CMS-0057-F)"] in rows
    assert ["Definiciones"] in rows
    beside = tmp_path / "marzo.definiciones.txt"
    assert "Dictámenes y tasas" in beside.read_text("utf-8-sig")
    assert f"definiciones en {beside}" in result.stdout

    public = tmp_path / "publicar.pdf"
    result = st2("--database", db_url, "report", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--public-only", "-o", str(public))
    assert result.returncode == 0, result.stderr
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(public).pages)
    assert "Métricas públicas de autorización previa (ST2)" in text
    assert "Urgencias realizadas antes de autorizar (aparte)" in text
    assert "Rezago por especialidad" not in text and "Definiciones" in text


def test_cli_checks_the_target_before_any_work(db_url, tmp_path, capsys):
    from st2desk.cli import main

    folder = tmp_path / "carpeta.csv"
    folder.mkdir()
    assert main(["--database", db_url, "report", "--from", "2026-03-01", "--to", "2026-03-31",
                 "-o", str(folder)]) == 2
    assert "es una carpeta" in one_line(capsys.readouterr().err)
    assert not list(tmp_path.glob("*.definiciones.txt"))
