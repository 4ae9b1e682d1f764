"""The specialist's inbox driven as a specialist would: keyboard only, then the database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from sqlalchemy import func, select

from st2desk import clock
from st2desk.models import (
    Authorization,
    Decision,
    DecisionKind,
    InformationRequest,
    Patient,
    Priority,
    Request,
    RequestStatus,
    Role,
    User,
    UserRole,
)
from st2desk.services import decisions, requests
from st2desk.ui.inbox import Inbox
from st2desk.ui.inbox_model import ID_ROLE
from tests import flows
from tests.cast import PERFORMING_UNIT
from tests.test_inbox_queries import bulk_pending, make_user

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
CONFLICT = ("Otra estación modificó este registro mientras usted lo veía. "
            "Recargue para ver su estado actual.")


def open_inbox(qtbot, make_ctx, actor) -> Inbox:  # type: ignore[no-untyped-def]
    inbox = Inbox(make_ctx(actor))
    qtbot.addWidget(inbox)
    inbox.resize(1100, 720)
    with qtbot.waitActive(inbox):
        inbox.show()
        inbox.activateWindow()
    inbox.table.setFocus()
    return inbox


def press(qtbot, widget, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(widget, key, modifiers)


def focused():  # type: ignore[no-untyped-def]
    return QApplication.focusWidget()


def shown_ids(inbox: Inbox) -> list[int]:
    return [inbox.model.index(r, 0).data(ID_ROLE) for r in range(inbox.model.rowCount())]


def cell(inbox: Inbox, row: int, key: str) -> str:
    return inbox.model.index(row, inbox.model.column_of(key)).data()


def open_dialog_with(qtbot, inbox: Inbox, key: Qt.Key):  # type: ignore[no-untyped-def]
    press(qtbot, inbox.table, key, CTRL_SHIFT)
    qtbot.waitUntil(lambda: inbox.dialog is not None and inbox.dialog.isVisible(), timeout=2000)
    # the dialog takes the keyboard: its first field has the focus
    qtbot.waitUntil(lambda: focused() is not None and focused().window() is inbox.dialog,
                    timeout=2000)
    return inbox.dialog


def confirm(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, focused() or dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_keyboard_approval_uses_the_service_defaults_and_moves_on(qtbot, db, cast, make_ctx):
    with clock.frozen_at(datetime.now(UTC) - timedelta(days=1)):
        first = flows.in_review(db, cast)
    second = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    assert shown_ids(inbox) == [first, second]  # due first, first
    assert inbox.current_id() == first and "JUAN PÉREZ GÓMEZ" in inbox.detail.text()
    assert inbox.count_label.text() == "Radiología e Imagen · Solicitudes: 2"

    dialog = open_dialog_with(qtbot, inbox, Qt.Key.Key_A)
    assert dialog.objectName() == "approveDialog"
    assert dialog.days_spin.value() == 30  # the CT's validity in the catalog
    assert dialog.unit_combo.currentData() == cast.performing_unit_id
    assert focused() is dialog.days_spin
    press(qtbot, dialog.days_spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.days_spin, "45")
    press(qtbot, dialog.days_spin, Qt.Key.Key_Tab)
    assert focused() is dialog.unit_combo
    press(qtbot, dialog.unit_combo, Qt.Key.Key_Tab)
    assert focused() is dialog.note_edit
    qtbot.keyClicks(dialog.note_edit, "Ayuno de 8 horas; traer estudios previos.")
    confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: inbox.dialog is None, timeout=2000)

    with db.session() as s:
        req = s.get(Request, first)
        auth = s.scalar(select(Authorization).where(Authorization.request_id == first))
        decision = s.scalar(select(Decision).where(Decision.request_id == first))
        assert req.status is RequestStatus.AUTHORIZED
        assert auth.valid_until == clock.today() + timedelta(days=45)
        assert auth.scheduling_note == "Ayuno de 8 horas; traer estudios previos."
        assert auth.performing_unit_id == cast.performing_unit_id
        assert auth.issued_by_id == cast.specialist.user_id
        assert decision.kind is DecisionKind.APPROVE
        number = auth.number
    assert inbox.feedback.text() == f"{req.folio} aprobada: autorización {number}."
    assert shown_ids(inbox) == [second] and inbox.current_id() == second
    assert "MARÍA LÓPEZ MUÑOZ" in inbox.detail.text()
    assert inbox.count_label.text() == "Radiología e Imagen · Solicitudes: 1"
    qtbot.waitUntil(lambda: focused() is inbox.table, timeout=2000)  # ready for the next one


def test_enter_approves_with_the_defaults(qtbot, db, cast, make_ctx):
    request_id = flows.in_review(db, cast)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    dialog = open_dialog_with(qtbot, inbox, Qt.Key.Key_A)
    press(qtbot, focused(), Qt.Key.Key_Return)  # the default button: Aprobar
    qtbot.waitUntil(lambda: inbox.dialog is None, timeout=2000)
    assert dialog is not None
    with db.session() as s:
        auth = s.scalar(select(Authorization).where(Authorization.request_id == request_id))
        assert auth.valid_until == clock.today() + timedelta(days=30)
        assert auth.scheduling_note is None and auth.performing_unit_id == cast.performing_unit_id
    assert flows.status(db, request_id) is RequestStatus.AUTHORIZED


def test_rejection_needs_a_catalog_reason_and_a_specific_text(qtbot, db, cast, make_ctx):
    request_id = flows.in_review(db, cast)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    dialog = open_dialog_with(qtbot, inbox, Qt.Key.Key_R)
    assert dialog.objectName() == "rejectDialog" and focused() is dialog.reason_combo
    assert not dialog.confirm_button.isEnabled()
    for _ in range(4):
        press(qtbot, dialog.reason_combo, Qt.Key.Key_Down)
    assert dialog.reason_combo.currentData() == "R04"
    press(qtbot, dialog.reason_combo, Qt.Key.Key_Tab)
    assert focused() is dialog.text_edit
    qtbot.keyClicks(dialog.text_edit, "No procede.")
    assert dialog.counter.text() == "11 caracteres; mínimo 20"
    confirm(qtbot, dialog)  # refused: too short, nothing written
    assert dialog.isVisible() and not dialog.confirm_button.isEnabled()
    qtbot.keyClicks(dialog.text_edit, " Sin datos de alarma neurologica.")
    assert dialog.confirm_button.isEnabled()
    confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: inbox.dialog is None, timeout=2000)
    with db.session() as s:
        req = s.get(Request, request_id)
        decision = s.scalar(select(Decision).where(Decision.request_id == request_id))
        assert req.status is RequestStatus.REJECTED
        assert decision.reason_code == "R04"
        assert decision.text == "No procede. Sin datos de alarma neurologica."
        assert inbox.feedback.text() == f"{req.folio} rechazada (R04)."
    assert shown_ids(inbox) == []
    assert "No hay solicitudes pendientes con estos filtros." in inbox.detail.text()
    assert not inbox.approve_button.isEnabled()


def test_escape_cancels_a_dialog_and_writes_nothing(qtbot, db, cast, make_ctx):
    request_id = flows.in_review(db, cast)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    dialog = open_dialog_with(qtbot, inbox, Qt.Key.Key_R)
    qtbot.keyClicks(dialog.text_edit, "Texto que no se envia porque el usuario cancela.")
    press(qtbot, dialog.text_edit, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: inbox.dialog is None, timeout=2000)
    assert flows.status(db, request_id) is RequestStatus.IN_REVIEW
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Decision)) == 0


def test_asking_for_information_pauses_the_clock(qtbot, db, cast, make_ctx):
    request_id = flows.in_review(db, cast)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    dialog = open_dialog_with(qtbot, inbox, Qt.Key.Key_I)
    assert dialog.objectName() == "askInfoDialog" and focused() is dialog.question_edit
    qtbot.keyClicks(dialog.question_edit, "Cual fue el resultado del fondo de ojo?")  # QTest types ASCII
    confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: inbox.dialog is None, timeout=2000)
    with db.session() as s:
        req = s.get(Request, request_id)
        question = s.scalar(select(InformationRequest).where(
            InformationRequest.request_id == request_id))
        assert req.status is RequestStatus.INFO_REQUESTED and req.clock_paused_at is not None
        assert question.question == "Cual fue el resultado del fondo de ojo?"
    # Still pending (default filter), now paused: no decision until the physician answers.
    assert shown_ids(inbox) == [request_id]
    assert cell(inbox, 0, "clock").startswith("pausado (quedan 6 d")
    assert "Información solicitada" in inbox.detail.text()
    assert "Cual fue el resultado del fondo de ojo?" in inbox.detail.text()
    assert not inbox.approve_button.isEnabled() and not inbox.ask_button.isEnabled()
    assert inbox.why_label.text() == "En espera de la respuesta del médico."
    press(qtbot, inbox.table, Qt.Key.Key_A, CTRL_SHIFT)
    assert inbox.dialog is None


def test_a_request_changed_elsewhere_is_refused_and_reloaded(qtbot, db, cast, make_ctx, messages):
    request_id = flows.in_review(db, cast)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    assert inbox.detail.detail.version == 2
    # Another workstation: a colleague asks for information while this one reads.
    with db.transaction() as s:
        decisions.ask_information(s, cast.specialist2, request_id,
                                  "Anexe la valoración por oftalmología, por favor.")
    dialog = open_dialog_with(qtbot, inbox, Qt.Key.Key_A)
    confirm(qtbot, dialog)
    qtbot.waitUntil(lambda: inbox.dialog is None, timeout=2000)
    assert messages.texts() == [CONFLICT]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Authorization)) == 0
        assert s.get(Request, request_id).status is RequestStatus.INFO_REQUESTED
    # Reloaded: the row and the detail show what the other workstation did.
    assert cell(inbox, 0, "clock").startswith("pausado")
    assert inbox.detail.detail.status is RequestStatus.INFO_REQUESTED
    assert "Anexe la valoración por oftalmología" in inbox.detail.text()
    assert inbox.detail.notice.text() == (
        "Otra estación modificó esta solicitud; se muestra su estado actual.")
    assert not inbox.approve_button.isEnabled()


def test_other_workstations_changes_refresh_and_keep_the_selection(qtbot, db, cast, make_ctx):
    with clock.frozen_at(datetime.now(UTC) - timedelta(days=2)):
        a = flows.in_review(db, cast)
    with clock.frozen_at(datetime.now(UTC) - timedelta(days=1)):
        b = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    press(qtbot, inbox.table, Qt.Key.Key_Down)
    assert inbox.current_id() == b
    urgent = flows.in_review(db, cast, patient_id=cast.patient_child_id, priority=Priority.URGENT)
    with db.transaction() as s:  # and a colleague approves the first one
        decisions.approve(s, cast.specialist2, a)
    inbox.ctx.ops.sig_data_changed.emit("external")  # what polling emits
    assert shown_ids(inbox) == [urgent, b]  # urgent: 72 h, due before b's 7 days
    assert inbox.current_id() == b
    assert "MARÍA LÓPEZ MUÑOZ" in inbox.detail.text()
    assert inbox.count_label.text() == "Radiología e Imagen · Solicitudes: 2"


def test_overdue_requests_are_highlighted(qtbot, db, cast, make_ctx):
    with clock.frozen_at(datetime.now(UTC) - timedelta(days=8, hours=3)):
        late = flows.in_review(db, cast)
    on_time = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    assert shown_ids(inbox) == [late, on_time]
    assert cell(inbox, 0, "clock").startswith("vencida hace 1 d 3 h")
    assert cell(inbox, 1, "clock").startswith("6 d 23 h")
    overdue_brush = inbox.model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    plain_brush = inbox.model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert overdue_brush.style() != Qt.BrushStyle.NoBrush and plain_brush.style() == Qt.BrushStyle.NoBrush
    assert inbox.model.index(0, inbox.model.column_of("clock")).data(Qt.ItemDataRole.FontRole).bold()
    assert "Plazo de atención: vencida hace 1 d 3 h" in inbox.detail.text()


def test_filters_and_search_by_keyboard(qtbot, db, cast, make_ctx, messages):
    ordinary = flows.in_review(db, cast)
    urgent = flows.in_review(db, cast, patient_id=cast.patient_female_id, priority=Priority.URGENT)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    assert shown_ids(inbox) == [urgent, ordinary]
    inbox.priority_combo.setFocus()
    press(qtbot, inbox.priority_combo, Qt.Key.Key_Down)  # Cualquiera → Urgente
    assert inbox.priority_combo.currentText() == "Urgente"
    assert shown_ids(inbox) == [urgent] and inbox.count_label.text() == "Radiología e Imagen · Solicitudes: 1"
    press(qtbot, inbox.priority_combo, Qt.Key.Key_Down)
    assert shown_ids(inbox) == [ordinary]
    press(qtbot, inbox.priority_combo, Qt.Key.Key_Home)
    inbox.status_combo.setFocus()
    press(qtbot, inbox.status_combo, Qt.Key.Key_End)  # información solicitada
    assert shown_ids(inbox) == []
    press(qtbot, inbox.status_combo, Qt.Key.Key_Home)
    tomorrow = (clock.today() + timedelta(days=1)).strftime("%d%m%Y")
    inbox.from_edit.setFocus()
    qtbot.keyClicks(inbox.from_edit, tomorrow)
    press(qtbot, inbox.from_edit, Qt.Key.Key_Tab)
    assert inbox.from_edit.text() == (clock.today() + timedelta(days=1)).strftime("%d/%m/%Y")
    assert shown_ids(inbox) == []
    inbox.from_edit.setFocus()
    inbox.from_edit.selectAll()
    qtbot.keyClicks(inbox.from_edit, clock.today().strftime("%d/%m/%Y"))
    press(qtbot, inbox.from_edit, Qt.Key.Key_Tab)
    assert set(shown_ids(inbox)) == {urgent, ordinary}

    with db.session() as s:
        folio = s.get(Request, ordinary).folio
        nss = s.get(Patient, cast.patient_id).nss
    press(qtbot, inbox.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focused() is inbox.search_edit
    qtbot.keyClicks(inbox.search_edit, folio.lower())
    press(qtbot, inbox.search_edit, Qt.Key.Key_Return)
    assert shown_ids(inbox) == [ordinary] and inbox.searching
    assert inbox.count_label.text() == (
        f"Búsqueda «{folio.lower()}» — resultados: 1 — Esc vuelve a la bandeja")
    assert focused() is inbox.table
    inbox.search_edit.setFocus()
    press(qtbot, inbox.search_edit, Qt.Key.Key_Escape)
    assert not inbox.searching and inbox.search_edit.text() == ""
    assert set(shown_ids(inbox)) == {urgent, ordinary}

    inbox.search_edit.setFocus()
    qtbot.keyClicks(inbox.search_edit, nss)  # the family's NSS: both requests
    press(qtbot, inbox.search_edit, Qt.Key.Key_Return)
    assert set(shown_ids(inbox)) == {urgent, ordinary}
    inbox.search_edit.setFocus()
    inbox.search_edit.selectAll()
    qtbot.keyClicks(inbox.search_edit, folio[:-1] + ("X" if folio[-1] != "X" else "Y"))
    press(qtbot, inbox.search_edit, Qt.Key.Key_Return)
    assert shown_ids(inbox) == []
    assert "no corresponde: hay un error de captura" in inbox.count_label.text()
    assert messages.texts() == []  # a typo is explained in place, not in a message box


def test_the_table_reads_the_database_a_page_at_a_time(qtbot, db, cast, make_ctx):
    bulk_pending(db, cast, 230)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    assert inbox.model.rowCount() == 100 and inbox.model.canFetchMore()
    assert inbox.count_label.text() == "Radiología e Imagen · Solicitudes: 230"
    inbox.table.scrollToBottom()
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 200, timeout=2000)
    inbox.table.scrollToBottom()
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 230, timeout=2000)
    assert not inbox.model.canFetchMore()
    with db.session() as s:
        expected = list(s.scalars(select(Request.id).order_by(
            Request.status == RequestStatus.INFO_REQUESTED, Request.due_at, Request.id)))
    assert shown_ids(inbox) == expected
    # End goes to the last row; a refresh keeps it selected with all 230 rows loaded.
    press(qtbot, inbox.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert inbox.current_id() == expected[-1]
    inbox.refresh()
    assert inbox.model.rowCount() == 230 and inbox.current_id() == expected[-1]


def test_detail_shows_warnings_and_earlier_requests(qtbot, db, cast, make_ctx):
    earlier = flows.rejected(db, cast, patient_id=cast.patient_child_id)
    with db.transaction() as s:
        s.get(Patient, cast.patient_child_id).eligible_until = date(2024, 6, 30)
    request_id = flows.in_review(db, cast, patient_id=cast.patient_child_id)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    assert shown_ids(inbox) == [request_id]
    assert cell(inbox, 0, "warnings") == "1"
    text = inbox.detail.text()
    with db.session() as s:
        earlier_folio = s.get(Request, earlier).folio
    assert "Revisión automática (advertencias: 1)" in text
    assert "La vigencia de derechos del paciente terminó el 30/06/2024." in text
    assert "Solicitudes anteriores del paciente (1)" in text
    assert earlier_folio in text and "Rechazada" in text
    assert "DIEGO PÉREZ LÓPEZ" in text and "G43.9 — " in text


def test_tab_order_and_mnemonics(qtbot, db, cast, make_ctx):
    flows.in_review(db, cast)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    inbox.search_edit.setFocus()
    expected = [inbox.refresh_button, inbox.status_combo, inbox.unit_combo,  # specialty fixed
                inbox.priority_combo, inbox.from_edit, inbox.to_edit, inbox.table,
                inbox.detail.browser, inbox.approve_button, inbox.reject_button, inbox.ask_button]
    for widget in expected:
        press(qtbot, focused(), Qt.Key.Key_Tab)
        assert focused() is widget, (focused().objectName(), widget.objectName())
    press(qtbot, focused(), Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # Pri&oridad
    assert focused() is inbox.priority_combo
    press(qtbot, focused(), Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # Fo&lio o NSS
    assert focused() is inbox.search_edit
    buddies = {label.text(): label.buddy() for label in inbox.findChildren(QLabel) if label.buddy()}
    assert buddies["Fo&lio o NSS:"] is inbox.search_edit
    assert buddies["Pri&oridad:"] is inbox.priority_combo
    assert buddies["Enviada &desde:"] is inbox.from_edit
    for name in ("inboxTable", "approveButton", "rejectButton", "askInfoButton"):
        assert inbox.findChild(QWidget, name) is not None
    assert inbox.approve_button.text() == "A&probar…  Ctrl+Shift+A"


def test_a_specialist_never_decides_their_own_request(qtbot, db, cast, make_ctx):
    with db.transaction() as s:
        draft = requests.create_draft(s, cast.dual, flows.request_data(cast))
    with db.transaction() as s:
        assert requests.submit(s, cast.dual, draft.id).submitted
    inbox = open_inbox(qtbot, make_ctx, cast.dual)
    assert shown_ids(inbox) == [draft.id]
    assert not inbox.approve_button.isEnabled()
    assert inbox.why_label.text() == "Usted elaboró esta solicitud; la dictamina otro especialista."
    press(qtbot, inbox.table, Qt.Key.Key_R, CTRL_SHIFT)
    assert inbox.dialog is None
    assert flows.status(db, draft.id) is RequestStatus.IN_REVIEW


def test_a_specialist_without_specialty_is_told_why_the_inbox_is_empty(qtbot, db, cast, make_ctx):
    flows.in_review(db, cast)
    general = make_user(db, "dictaminador.general", PERFORMING_UNIT, [Role.SPECIALIST], "RADIO")
    with db.transaction() as s:  # older data: a specialist account with no specialty
        s.get(User, general.user_id).specialty_id = None
    inbox = open_inbox(qtbot, make_ctx, general)
    assert shown_ids(inbox) == []
    assert "no tiene especialidad asignada" in inbox.detail.text()
    assert not inbox.approve_button.isEnabled()


def test_a_withdrawn_role_is_explained_not_crashed(qtbot, db, cast, make_ctx):
    flows.in_review(db, cast)
    with db.transaction() as s:  # an administrator withdraws the role meanwhile
        user = s.get(User, cast.specialist.user_id)
        user.role_rows = [UserRole(role=Role.PHYSICIAN)]
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)  # roles as they were at login
    assert shown_ids(inbox) == []
    assert "se necesita el rol de médico dictaminador" in inbox.detail.text()
    assert "se necesita el rol de médico dictaminador" in inbox.count_label.text()
    assert not inbox.approve_button.isEnabled()


def test_time_left_cells_are_not_cut(qtbot, db, cast, make_ctx):
    """"vencida hace 3 h 42 …": overdue times are bold, paused ones long; both fit."""
    from PySide6.QtGui import QFont, QFontMetrics

    with clock.frozen_at(datetime.now(UTC) - timedelta(days=9, hours=3, minutes=42)):
        late = flows.in_review(db, cast)
    paused = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    with db.transaction() as s:
        decisions.ask_information(s, cast.specialist, paused, "¿Tiene estudios previos? Anéxelos.")
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    column = inbox.model.column_of("clock")
    bold = QFont(inbox.table.font())
    bold.setBold(True)
    for request_id in (late, paused):
        text = cell(inbox, inbox.model.row_of(request_id), "clock")
        assert QFontMetrics(bold).horizontalAdvance(text) + 12 <= inbox.table.columnWidth(column), text


def test_at_1280_pixels_the_service_column_shows_without_scrolling_sideways(
        qtbot, db, cast, make_ctx):  # type: ignore[no-untyped-def]
    """Issue 13 (8): on a 1,280-px screen the specialist reads folio to service at a glance."""
    from st2desk.ui.main_window import MainWindow

    flows.in_review(db, cast)
    window = MainWindow(make_ctx(cast.specialist))
    qtbot.addWidget(window)
    window.resize(1280, 740)
    window.show()
    qtbot.waitExposed(window)
    inbox = window.show_section("inbox")
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1)
    qtbot.wait(50)
    table = inbox.table
    column = inbox.model.column_of("service")
    right = table.columnViewportPosition(column) + table.columnWidth(column)
    assert table.horizontalScrollBar().value() == 0
    assert 0 <= table.columnViewportPosition(column) and right <= table.viewport().width(), (
        right, table.viewport().width())


def test_detail_shows_the_diagnosis_as_written_with_its_dot(qtbot, db, cast, make_ctx):  # type: ignore[no-untyped-def]
    """Issue 13 (2): stored as G439, read everywhere as G43.9 (inbox detail, appeals)."""
    request_id = flows.in_review(db, cast, diagnosis_code="G43.9")
    with db.session() as s:
        assert s.get(Request, request_id).diagnosis_code == "G439"
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    inbox.table.selectRow(0)
    qtbot.waitUntil(lambda: "G43.9" in inbox.detail.browser.toPlainText())
    assert "G439" not in inbox.detail.browser.toPlainText()
