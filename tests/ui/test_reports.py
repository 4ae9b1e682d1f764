"""Reports section, driven as a manager would: period, delegation, Ctrl+G, the tables, Ctrl+E.

The data set (built through the services with a frozen clock; "now" is 20 May 2026,
12:00 in Mexico, so "this quarter" is 01/04/2026 to 20/05/2026):

- delegation 09, UMF units: medico1 files 10 radiology requests in May (one approved by
  the specialist, nine pending); five peers file one request each, all pending —
  medico2's colonoscopy (GASTRO) on 2 April is the oldest pending request in the
  delegation, then cardiology (15 April), clinical pathology (28 April), another
  endoscopy (GASTRO, 6 May) and a lumbar MRI (RADIO, 14 May). Backlog, oldest first:
  GASTRO (2 pending), CARDIO (1), PATCLIN (1), RADIO (10). medico1's 10 requests are 10
  times the peers' median (1): he is the one far above his peers.
- delegation 14: an electroencephalogram (NEURO) pending since 1 April — older than
  anything in 09, so it leads the backlog of all delegations and must vanish from the
  backlog of delegation 09.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QProgressDialog
from sqlalchemy import select

from st2desk import clock
from st2desk.models import Role, Service, User
from st2desk.reports.model import Column, Dimension, Table
from st2desk.services import decisions, requests
from st2desk.services import reports as reports_service
from st2desk.services.common import Actor
from st2desk.services.users import add_user
from st2desk.ui.report_models import RAW_ROLE, ReportTableModel, header_text
from st2desk.ui.reports import ReportsView, period_range
from tests import flows
from tests.cast import PASSWORD

NOW = datetime(2026, 5, 20, 18, 0, tzinfo=UTC)  # 12:00 in Mexico


def at(month: int, day: int, hour: int = 16) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


def physician(db, username: str, unit_code: str) -> Actor:  # type: ignore[no-untyped-def]
    with db.transaction() as s:  # through the services: on PostgreSQL a login role too
        user = add_user(s, None, username=username, full_name=username.replace(".", " ").title(),
                        password=PASSWORD, unit_code=unit_code, roles=[Role.PHYSICIAN])
        return Actor.from_user(user)


def submit(db, cast, actor: Actor, when: datetime, service: str,  # type: ignore[no-untyped-def]
           patient_id: int | None = None) -> int:
    """One request filed and submitted through the services at `when`."""
    with db.session() as s:
        service_id = s.scalar(select(Service.id).where(Service.code == service))
    with clock.frozen_at(when):
        with db.transaction() as s:
            request_id = requests.create_draft(s, actor, flows.request_data(
                cast, service_id=service_id, patient_id=patient_id or cast.patient_id)).id
        with db.transaction() as s:
            result = requests.submit(s, actor, request_id)
            assert result.submitted, [f.message for f in result.findings]
    return request_id


@pytest.fixture
def quarter(db, cast):  # type: ignore[no-untyped-def]
    patients = (cast.patient_id, cast.patient_female_id, cast.patient_child_id)
    radiology = ("IMG-TAC-CRA", "IMG-TAC-TOR", "IMG-TAC-ABD", "IMG-RM-ROD")
    heavy = [submit(db, cast, cast.physician, at(5, 1 + i), radiology[i // 3], patients[i % 3])
             for i in range(10)]
    with clock.frozen_at(at(5, 12)), db.transaction() as s:
        decisions.approve(s, cast.specialist, heavy[0])
    submit(db, cast, cast.physician2, at(4, 2), "END-COLON")
    peers = [physician(db, f"medico.umf{n}", unit)
             for n, unit in ((23, "09UMF23"), (33, "09UMF33"), (41, "09UMF41"), (44, "09UMF44"))]
    submit(db, cast, peers[0], at(4, 15), "IMG-ECOCARDIO", cast.patient_female_id)
    submit(db, cast, peers[1], at(4, 28), "LAB-CEA", cast.patient_female_id)
    submit(db, cast, peers[2], at(5, 6), "END-PANEND", cast.patient_female_id)
    submit(db, cast, peers[3], at(5, 14), "IMG-RM-LUM", cast.patient_female_id)
    elsewhere = physician(db, "medico.gdl", "14UMF3")
    submit(db, cast, elsewhere, at(4, 1, 10), "IMG-EEG")
    return heavy


def open_view(qtbot, make_ctx, actor) -> ReportsView:  # type: ignore[no-untyped-def]
    view = ReportsView(make_ctx(actor))
    qtbot.addWidget(view)
    view.resize(1100, 760)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    return view


def press(qtbot, view: ReportsView, key: Qt.Key,  # type: ignore[no-untyped-def]
          modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.ControlModifier) -> None:
    """A window shortcut, as typed where the focus is. (Once a progress dialog has come and
    gone, offscreen Qt leaves no widget window active although the view's QWindow still
    counts as active; a desktop's window manager re-activates the main window, as this
    does.)"""
    if QApplication.activeWindow() is not view.window():
        view.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is view.window(), timeout=2000)
    qtbot.keyClick(QApplication.focusWidget() or view, key, modifier)


def generate_with_keyboard(qtbot, view: ReportsView) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.sig_report_shown, timeout=20000):
        press(qtbot, view, Qt.Key.Key_G)


def click_tab(qtbot, view: ReportsView, key: str) -> None:  # type: ignore[no-untyped-def]
    bar = view.tabs.tabBar()
    index = view.tabs.indexOf(view.page(key))
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert view.tabs.currentIndex() == index


def column(view: ReportsView, key: str, name: str) -> list[str]:
    """The texts a column shows, top to bottom."""
    model = view.table_view(key).report_model
    c = model.column_of(name)
    return [model.index(r, c).data() for r in range(model.rowCount())]


def click_header(qtbot, view: ReportsView, key: str, name: str) -> None:  # type: ignore[no-untyped-def]
    table = view.table_view(key)
    header = table.horizontalHeader()
    section = table.report_model.column_of(name)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def save_as(monkeypatch, path: Path, chosen_filter: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """Patch the save dialog to answer `path`; returns the titles it was opened with."""
    titles: list[str] = []

    def choose(parent, title, suggested, filters, selected="", *args, **kwargs):  # type: ignore[no-untyped-def]
        titles.append(title)
        offered = filters.split(";;")
        assert selected in offered
        return str(path), chosen_filter if chosen_filter is not None else selected

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    return titles


# --------------------------------------------------------------------------- the manager's question


def test_greatest_deferral_in_my_delegation_and_heavy_requester_taken_away_as_files(
        qtbot, db, cast, make_ctx, quarter, tmp_path, monkeypatch, messages):
    """Which specialties have the greatest deferral in my delegation this quarter, and who
    requests far more than peers — answered in the GUI and saved as XLSX, CSV and PDF."""
    with clock.frozen_at(NOW):
        view = open_view(qtbot, make_ctx, cast.admin)
        # A new user lands on this quarter so far, in the delegation of their own unit.
        assert (view.from_edit.text(), view.to_edit.text()) == ("01/04/2026", "20/05/2026")
        assert view.delegation_combo.currentText() == "09 Ciudad de México Norte"
        assert view.placeholder.isVisible() and not view.tabs.isVisible()
        assert view.breakdowns() == (Dimension.MONTH, Dimension.SPECIALTY)

        # First the whole country (Home in the delegation combo), generated with Ctrl+G.
        qtbot.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # De&legación
        assert QApplication.focusWidget() is view.delegation_combo
        qtbot.keyClick(view.delegation_combo, Qt.Key.Key_Home)
        assert view.delegation_combo.currentText() == "Todas las delegaciones"
        generate_with_keyboard(qtbot, view)
        click_tab(qtbot, view, "backlog")
        assert column(view, "backlog", "specialty")[0] == "NEURO"

        # Then my delegation: type its code in the combo, Ctrl+G again.
        qtbot.keyClick(view, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
        qtbot.keyClicks(view.delegation_combo, "09")
        assert view.delegation_combo.currentData() == "09"
        assert view.stale_label.isVisible()  # the report on screen is for the old filters
        generate_with_keyboard(qtbot, view)
        report = view.report
        assert report.filter.delegation == "09"
        assert report.filter.date_from == date(2026, 4, 1) and report.filter.date_to == date(2026, 5, 20)
        assert not view.stale_label.isVisible()
        assert view.tabs.tabText(view.tabs.currentIndex()) == "Rezago (4)"  # the tab stays

        # The backlog: oldest pending first, whatever the counts.
        assert column(view, "backlog", "specialty") == ["GASTRO", "CARDIO", "PATCLIN", "RADIO"]
        assert column(view, "backlog", "specialty_name")[0] == "Gastroenterología"
        assert column(view, "backlog", "pending") == ["2", "1", "1", "10"]
        assert column(view, "backlog", "oldest_submitted_at")[0] == "02/04/2026 10:00"
        assert "NEURO" not in column(view, "backlog", "specialty")
        assert view.table_view("backlog").report_model.headerData(
            2, Qt.Orientation.Horizontal) == "Pendientes"
        # Sorting by a header sorts the raw numbers (largest first), a third click restores.
        click_header(qtbot, view, "backlog", "pending")
        assert column(view, "backlog", "specialty")[0] == "RADIO"
        click_header(qtbot, view, "backlog", "pending")
        assert column(view, "backlog", "specialty")[-1] == "RADIO"
        click_header(qtbot, view, "backlog", "pending")
        assert column(view, "backlog", "specialty") == ["GASTRO", "CARDIO", "PATCLIN", "RADIO"]

        # Who requests far more than peers.
        click_tab(qtbot, view, "physicians")
        assert column(view, "physicians", "physician") == ["medico1"]
        assert column(view, "physicians", "requests") == ["10"]
        assert column(view, "physicians", "peer_median") == ["1"]
        assert column(view, "physicians", "ratio") == ["10.0"]
        assert column(view, "physicians", "peers") == ["6"]
        model = view.table_view("physicians").report_model
        ratio = model.index(0, model.column_of("ratio"))
        assert ratio.data(RAW_ROLE) == pytest.approx(10.0)
        assert ratio.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight

        # The summary says it in words, with the definitions a click away.
        click_tab(qtbot, view, "summary")
        highlights = view.highlights.text()
        assert "Mayor diferimiento:</b> GASTRO Gastroenterología" in highlights
        assert "Muy por encima de sus pares:</b> Medico1 (medico1, 09UMF20): 10 solicitudes, " \
               "10.0 veces la mediana de 6 pares" in highlights
        assert view.status_label.text().startswith("15 solicitudes enviadas, 1 primeros dictámenes, "
                                                   "14 pendientes al corte")
        view.highlights.linkActivated.emit("definitions")
        assert "Médicos muy por encima de sus pares" in view.page("definitions").toPlainText()
        click_tab(qtbot, view, "charts")
        assert [p.objectName() for p in view.chart_panels()] == [
            "chart_activity", "chart_times", "chart_rates", "chart_backlog", "chart_public",
            "chart_physicians"]
        # Beside every chart, its figures as a table (keyboard and screen readers).
        activity = view.chart_panels()[0]
        assert activity.data_view.objectName() == "chartData_activityTable"
        assert activity.data_view.model().rowCount() == len(view.report.table("by_month"))

        # Take it away: Ctrl+E, XLSX (the format offered first).
        xlsx = tmp_path / "rezago-09.xlsx"
        titles = save_as(monkeypatch, xlsx)
        with qtbot.waitSignal(view.sig_exported, timeout=30000):
            press(qtbot, view, Qt.Key.Key_E)
        assert titles == ["Exportar reporte"]
        assert view.status_label.text() == f"Reporte guardado en {xlsx}."
        book = openpyxl.load_workbook(xlsx)
        backlog = book["Rezago"]
        assert [backlog.cell(r, 1).value for r in range(5, 9)] == ["GASTRO", "CARDIO", "PATCLIN",
                                                                  "RADIO"]
        assert book["Médicos"]["A5"].value == "medico1"
        assert book["Médicos"].cell(5, 8).value == pytest.approx(10.0)
        assert len(book["Gráficas"]._images) == 6  # the five on screen and the public metrics'
        assert book["Métricas públicas"]["A5"].value == "Ordinarias (estándar)"
        assert book["Definiciones"]["A1"].value == "Periodo y días"
        assert not list(tmp_path.glob(".*.part"))

        # CSV: the name typed without extension, the CSV type chosen in the dialog.
        save_as(monkeypatch, tmp_path / "rezago-09", "Texto CSV, separado por comas (*.csv)")
        with qtbot.waitSignal(view.sig_exported, timeout=30000):
            view.export_button.click()
        rows = list(csv.reader(io.StringIO((tmp_path / "rezago-09.csv").read_text("utf-8-sig"))))
        start = rows.index(["Rezago por especialidad (pendientes al corte)"])
        assert rows[start + 1][:3] == ["Especialidad", "Nombre", "Pendientes"]
        assert [r[0] for r in rows[start + 2:start + 6]] == ["GASTRO", "CARDIO", "PATCLIN", "RADIO"]
        start = rows.index(["Médicos muy por encima de sus pares"])
        assert rows[start + 2][0] == "medico1" and rows[start + 2][4] == "10"
        assert ["Delegación", "09 Ciudad de México Norte"] in rows
        assert rows.index(["Definiciones"]) > start  # the definitions travel with the file
        beside = (tmp_path / "rezago-09.definiciones.txt").read_text("utf-8-sig")
        assert "Métricas públicas (estilo CMS-0057-F)" in beside

        # PDF with the charts.
        pdf = tmp_path / "rezago-09.pdf"
        save_as(monkeypatch, pdf)
        with qtbot.waitSignal(view.sig_exported, timeout=30000):
            press(qtbot, view, Qt.Key.Key_E)
        reader = PdfReader(pdf)
        text = "\n".join(page.extract_text() for page in reader.pages)
        for expected in ("Rezago por especialidad", "Gastroenterología", "medico1",
                         "09 Ciudad de México Norte", "01/04/2026 al 20/05/2026"):
            assert expected in text, expected
        assert sum(len(page.images) for page in reader.pages) == 6
        assert "Métricas públicas de autorización previa" in text

        # The public metrics alone, as a PDF a delegation publishes.
        click_tab(qtbot, view, "public_metrics")
        assert view.public_pdf_button.isVisible()
        public = tmp_path / "metricas-09.pdf"
        save_as(monkeypatch, public)
        with qtbot.waitSignal(view.sig_exported, timeout=30000):
            view.public_pdf_button.click()
        text = "\n".join(page.extract_text() for page in PdfReader(public).pages)
        assert "Métricas públicas de autorización previa (ST2)" in text
        assert "Ordinarias (estándar)" in text and "Definiciones" in text
        assert "Rezago por especialidad" not in text
    assert messages.texts() == []


# --------------------------------------------------------------------------- filters and keys


def test_quick_periods_typed_dates_and_enter(qtbot, db, cast, make_ctx, messages):
    with clock.frozen_at(datetime(2026, 2, 10, 18, 0, tzinfo=UTC)):
        view = open_view(qtbot, make_ctx, cast.admin)
        assert (view.from_edit.text(), view.to_edit.text()) == ("01/01/2026", "10/02/2026")
        for name, expected in (("lastQuarterButton", ("01/10/2025", "31/12/2025")),
                               ("thisMonthButton", ("01/02/2026", "10/02/2026")),
                               ("thisYearButton", ("01/01/2026", "10/02/2026"))):
            qtbot.mouseClick(view.findChild(type(view.generate_button), name), Qt.MouseButton.LeftButton)
            assert (view.from_edit.text(), view.to_edit.text()) == expected, name

        # Enter on a focused period button presses it (and generates nothing).
        view.period_buttons["month"].setFocus()
        qtbot.keyClick(view.period_buttons["month"], Qt.Key.Key_Return)
        assert (view.from_edit.text(), view.to_edit.text()) == ("01/02/2026", "10/02/2026")
        qtbot.mouseClick(view.period_buttons["year"], Qt.MouseButton.LeftButton)
        assert view.report is None and messages.texts() == []

        # Dates typed day/month/year; a reversed range is refused in Spanish.
        qtbot.keyClick(view, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # &Desde
        assert QApplication.focusWidget() is view.from_edit.edit
        qtbot.keyClicks(view.from_edit.edit, "15/03/2026")  # replaces the selected text
        qtbot.keyClick(view.from_edit.edit, Qt.Key.Key_Return)
        assert messages.texts() == [
            "La fecha final (10/02/2026) es anterior a la inicial (15/03/2026)."]
        assert view.report is None

        # The final date is ready to be typed over; Enter in any filter generates, and the
        # breakdowns ticked are the tables shown.
        assert QApplication.focusWidget() is view.to_edit.edit
        assert view.to_edit.edit.selectedText() == "10/02/2026"
        qtbot.keyClicks(view.to_edit.edit, "31032026")  # digits only are fine too
        qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # Desglosar &por
        assert QApplication.focusWidget() is view.by_checks[Dimension.WEEK]
        assert not view.by_checks[Dimension.WEEK].isChecked()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # tick "Semana"
        with qtbot.waitSignal(view.sig_report_shown, timeout=20000):
            qtbot.keyClick(view.to_edit.edit, Qt.Key.Key_Return)
        assert view.to_edit.text() == "31/03/2026"
        report = view.report
        assert (report.filter.date_from, report.filter.date_to) == (date(2026, 3, 15), date(2026, 3, 31))
        assert [k for k in report.tables if k.startswith("by_")] == ["by_week", "by_month", "by_specialty"]
        assert [view.tabs.tabText(i) for i in range(view.tabs.count())] == [
            "Resumen", "Gráficas", "Métricas públicas", "Rezago (0)", "Médicos (0)", "Por semana",
            "Por mes",
            "Por especialidad", "Fuera de plazo (0)", "Duplicados", "Urgencias", "Definiciones"]
        assert column(view, "by_week", "period") == ["2026-W11", "2026-W12", "2026-W13", "2026-W14"]
        click_tab(qtbot, view, "physicians")
        assert view.page("physicians").empty.text() == "Nada que mostrar con estos filtros."
        # F5 also generates, and the breakdowns are remembered for next time.
        with qtbot.waitSignal(view.sig_report_shown, timeout=20000):
            press(qtbot, view, Qt.Key.Key_F5, Qt.KeyboardModifier.NoModifier)
        again = open_view(qtbot, make_ctx, cast.admin)
        assert again.breakdowns() == report.by
    assert len(messages.texts()) == 1


def test_calendar_popup_picks_a_day_with_the_keyboard(qtbot, db, cast, make_ctx, messages):
    with clock.frozen_at(NOW):
        view = open_view(qtbot, make_ctx, cast.admin)
        qtbot.keyClick(view, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # &Hasta
        qtbot.keyClick(view.to_edit.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
        calendar = view.to_edit.calendar
        assert calendar is not None and calendar.selectedDate().toString("dd/MM/yyyy") == "20/05/2026"
        grid = QApplication.focusWidget()  # the calendar's day grid has the keyboard
        assert grid is not None and calendar.isAncestorOf(grid)
        qtbot.keyClick(grid, Qt.Key.Key_Right)
        qtbot.keyClick(grid, Qt.Key.Key_Return)
        assert view.to_edit.text() == "21/05/2026" and view.to_edit.calendar is None
        assert QApplication.focusWidget() is view.to_edit.edit
        # A day that does not exist is marked and refused before anything runs.
        view.to_edit.edit.selectAll()
        qtbot.keyClicks(view.to_edit.edit, "31/02/2026")
        qtbot.keyClick(view.to_edit.edit, Qt.Key.Key_Return)
        assert messages.texts() == ["Escriba las fechas como dd/mm/aaaa, por ejemplo 31/03/2026."]
        assert "b3261e" in view.to_edit.edit.styleSheet()
        assert view.to_edit.edit.selectedText() == "31/02/2026"


def test_unit_combo_follows_the_delegation(qtbot, db, cast, make_ctx):
    view = open_view(qtbot, make_ctx, cast.admin)
    units = [view.unit_combo.itemData(i) for i in range(1, view.unit_combo.count())]
    assert units and all(code.startswith("09") for code in units)
    view.delegation_combo.setCurrentIndex(view.delegation_combo.findData("14"))
    units = [view.unit_combo.itemData(i) for i in range(1, view.unit_combo.count())]
    assert "14UMF3" in units and not any(code.startswith("09") for code in units)
    assert view.unit_combo.currentText() == "Todas las unidades solicitantes"


def test_cancel_discards_the_report(qtbot, db, cast, make_ctx, monkeypatch):
    release = threading.Event()
    real = reports_service.generate

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(reports_service, "generate", slow)
    view = open_view(qtbot, make_ctx, cast.admin)
    view.generate_button.click()
    assert view.status_label.text() == "Generando el reporte…"
    qtbot.waitUntil(lambda: any(d.isVisible() for d in view.findChildren(QProgressDialog)),
                    timeout=5000)
    dialog = next(d for d in view.findChildren(QProgressDialog) if d.isVisible())
    assert dialog.labelText() == "Generando el reporte…"
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)  # Esc is the dialog's own shortcut
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    release.set()
    qtbot.waitUntil(lambda: "cancel" in view.status_label.text(), timeout=10000)
    assert view.report is None and view.placeholder.isVisible()
    assert view.status_label.text().startswith("Se canceló la generación")


def test_export_failure_is_reported_and_nothing_is_left(qtbot, db, cast, make_ctx, tmp_path,
                                                        monkeypatch, messages):
    view = open_view(qtbot, make_ctx, cast.admin)
    assert not view.export_button.isEnabled()
    generate_with_keyboard(qtbot, view)
    target = tmp_path / "no-such-folder" / "r.csv"
    save_as(monkeypatch, target)
    view.export("csv")
    qtbot.waitUntil(lambda: bool(messages.texts()), timeout=10000)
    assert messages.texts()[0].startswith("No se pudo guardar el archivo: ")
    assert not target.parent.exists()


def test_one_table_as_csv_in_the_order_shown_and_copied(qtbot, db, cast, make_ctx, quarter,
                                                        tmp_path, monkeypatch):
    with clock.frozen_at(NOW):
        view = open_view(qtbot, make_ctx, cast.admin)
        generate_with_keyboard(qtbot, view)
    click_tab(qtbot, view, "backlog")
    click_header(qtbot, view, "backlog", "pending")  # RADIO first
    target = tmp_path / "rezago.csv"
    save_as(monkeypatch, target)
    view.table_view("backlog").export_action.trigger()
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    assert rows[0][:3] == ["Especialidad", "Nombre", "Pendientes"]
    assert [r[0] for r in rows[1:]] == ["RADIO", "GASTRO", "CARDIO", "PATCLIN"]
    table = view.table_view("backlog")
    # A progress dialog shown during a slow generation (over 300 ms, as on a busy
    # PostgreSQL) leaves the offscreen window inactive; the copy shortcut needs focus.
    with qtbot.waitActive(view):
        view.activateWindow()
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    table.selectRow(0)
    # The clipboard belongs to the whole test run: what an earlier test copied must not
    # pass for this copy.
    QApplication.clipboard().clear()
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(QApplication.clipboard().text()))
    copied = QApplication.clipboard().text().splitlines()
    assert copied[0].startswith("Especialidad\tNombre\tPendientes\t")
    assert copied[1].startswith("RADIO\tRadiología e Imagen\t10\t")


def test_role_withdrawn_after_opening_is_explained(qtbot, db, cast, make_ctx, messages):
    view = open_view(qtbot, make_ctx, cast.admin)
    with db.transaction() as s:
        user = s.get(User, cast.admin.user_id)
        user.role_rows.clear()
    generate_with_status = "Para consultar los reportes se necesita el rol de administrador"
    press(qtbot, view, Qt.Key.Key_G)
    qtbot.waitUntil(lambda: bool(messages.texts()), timeout=10000)
    assert messages.texts()[0].startswith(generate_with_status)
    assert view.status_label.text() == messages.texts()[0]
    assert view.report is None


def test_reports_need_the_admin_role(qtbot, db, cast, make_ctx):
    view = ReportsView(make_ctx(cast.physician))
    qtbot.addWidget(view)
    assert "rol de administrador" in view.status_label.text()
    assert not view.generate_button.isEnabled() and not view.generate_action.isEnabled()
    view.generate()  # a stray shortcut does nothing
    assert view.report is None


# --------------------------------------------------------------------------- the model


def test_model_sorts_raw_values_and_formats_by_kind():
    table = Table("t", "T", (Column("name", "Nombre", "text"), Column("n", "Solicitudes"),
                             Column("rate", "Aprobación", "rate"),
                             Column("h", "Mediana de tiempo (h)", "hours")),
                  rows=[("Ñandú", 9, 0.5, 914.25), ("avión", 10, None, 2.0),
                        ("Árbol", 1_234, 0.6667, None)])
    model = ReportTableModel(table)
    assert [model.index(r, 1).data() for r in range(3)] == ["9", "10", "1,234"]
    assert model.index(2, 2).data() == "66.7 %" and model.index(1, 2).data() == "—"
    assert model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == "914.2 h (38 d 2 h)"
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Mediana de\ntiempo (h)"
    assert header_text("Pendientes") == "Pendientes"
    assert model.headerData(1, Qt.Orientation.Horizontal,
                            Qt.ItemDataRole.InitialSortOrderRole) == Qt.SortOrder.DescendingOrder
    model.sort(1, Qt.SortOrder.AscendingOrder)  # numbers, not text: 9 < 10 < 1,234
    assert [model.index(r, 1).data(RAW_ROLE) for r in range(3)] == [9, 10, 1234]
    model.sort(0, Qt.SortOrder.AscendingOrder)  # accents and case ignored
    assert [model.index(r, 0).data() for r in range(3)] == ["Árbol", "avión", "Ñandú"]
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(2, order)  # no figure: last either way
        assert model.index(2, 0).data() == "avión"
    model.sort(-1)
    assert [model.index(r, 0).data() for r in range(3)] == ["Ñandú", "avión", "Árbol"]
    assert model.index(0, 5).data() is None and model.data(model.index(0, 0), 999) is None


def test_period_ranges():
    assert period_range("quarter", date(2026, 5, 20)) == (date(2026, 4, 1), date(2026, 5, 20))
    assert period_range("last_quarter", date(2026, 1, 3)) == (date(2025, 10, 1), date(2025, 12, 31))
    assert period_range("month", date(2026, 2, 28)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_range("year", date(2026, 2, 28)) == (date(2026, 1, 1), date(2026, 2, 28))
