"""My requests: follow one's requests and act on them, with the keyboard."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from sqlalchemy import func, select

from st2desk import clock
from st2desk.models import Appeal, AuditEvent, InformationRequest, Request, RequestStatus
from st2desk.services import decisions, requests
from st2desk.ui.main_window import MainWindow
from st2desk.ui.my_requests import MyRequests, MyRequestsModel
from tests import flows

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
GROUNDS = ("La resonancia previa no descarta lesión expansiva; el neurólogo la indica por "
           "papiledema progresivo documentado.")


def focused() -> QWidget:
    return QApplication.activePopupWidget() or QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):  # type: ignore[no-untyped-def]
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(focused(), ch)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, focused(), Qt.Key.Key_unknown, ch,
                               Qt.KeyboardModifier.NoModifier)


def open_view(qtbot, make_ctx, actor) -> MyRequests:  # type: ignore[no-untyped-def]
    view = MyRequests(make_ctx(actor))
    qtbot.addWidget(view)
    view.resize(1050, 720)
    view.show()
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.table)
    return view


def shown(view: MyRequests, column: int) -> list[str]:
    model = view.model
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def go_to_row(qtbot, view: MyRequests, request_id: int) -> None:  # type: ignore[no-untyped-def]
    """Move down the table with the arrow keys until the request is current."""
    press(qtbot, Qt.Key.Key_Home, CTRL)
    for _ in range(view.model.rowCount()):
        if view.detail is not None and view.detail.id == request_id:
            return
        press(qtbot, Qt.Key.Key_Down)
    assert view.detail is not None and view.detail.id == request_id


def test_lists_only_my_requests_with_spanish_states(qtbot, make_ctx, cast, db):
    draft = flows.draft(db, cast)
    review = flows.in_review(db, cast, patient_id=cast.patient_female_id,
                             service_id=cast.female_service_id)
    with db.transaction() as s:
        requests.create_draft(s, cast.physician2, flows.request_data(cast))
    view = open_view(qtbot, make_ctx, cast.physician)
    # Everything first, newest on top: the request just sent is not hidden by a filter.
    assert view.group_combo.currentText() == "Todas (2)"
    assert shown(view, MyRequestsModel.STATUS) == ["En revisión", "Borrador"]
    view.group_combo.setFocus()
    press(qtbot, Qt.Key.Key_Home)  # "Requieren mi atención"
    assert view.group_combo.currentText() == "Requieren mi atención (1)"
    assert shown(view, MyRequestsModel.STATUS) == ["Borrador"]
    press(qtbot, Qt.Key.Key_End)  # "Todas"
    assert view.group_combo.currentText() == "Todas (2)"
    with db.session() as s:
        folios = [s.get(Request, i).folio for i in (review, draft)]
    assert shown(view, MyRequestsModel.FOLIO) == folios
    assert shown(view, MyRequestsModel.STATUS) == ["En revisión", "Borrador"]
    assert shown(view, MyRequestsModel.PATIENT) == ["MARÍA LÓPEZ MUÑOZ", "JUAN PÉREZ GÓMEZ"]
    assert shown(view, MyRequestsModel.SUBMITTED) == ["hace 0 min", "sin enviar"]
    assert shown(view, MyRequestsModel.DUE)[0].startswith("vence en 6 d 23 h")
    assert view.count_label.text() == "2 solicitudes"
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is view.search_edit
    type_text(qtbot, "mastografia")
    press(qtbot, Qt.Key.Key_Return)
    assert shown(view, MyRequestsModel.FOLIO) == folios[:1]
    assert view.detail is not None and view.detail.id == review


def test_answering_an_information_request(qtbot, make_ctx, cast, db, messages):
    request_id = flows.in_review(db, cast)
    flows.draft(db, cast)
    with db.transaction() as s:
        decisions.ask_information(s, cast.specialist, request_id,
                                  "¿Tiene tomografía previa? Indique fecha y hallazgos.")
    view = open_view(qtbot, make_ctx, cast.physician)
    go_to_row(qtbot, view, request_id)
    assert view.detail_status.text().startswith("Información solicitada · en pausa, esperando su respuesta")
    assert "¿Tiene tomografía previa?" in view.detail_browser.toPlainText()
    assert view.answer_frame.isVisible() and not view.answer_button.isEnabled()
    press(qtbot, Qt.Key.Key_Return)  # Enter on the row goes to what there is to do
    assert focused() is view.answer_edit
    type_text(qtbot, "Sin tomografía previa; primera valoración por neurología el 3 de marzo.")
    assert view.answer_button.isEnabled()
    press(qtbot, Qt.Key.Key_Return, CTRL)
    with db.session() as s:
        question = s.scalar(select(InformationRequest))
        assert question.answer.startswith("Sin tomografía previa")
        assert s.get(Request, request_id).status is RequestStatus.IN_REVIEW
    assert messages.texts()[-1].startswith("Se envió la respuesta")
    # The list followed the change (sig_data_changed): the request waits for a decision now.
    assert view.detail is not None and view.detail.status is RequestStatus.IN_REVIEW
    assert not view.answer_frame.isVisible()
    assert "Su respuesta" in view.detail_browser.toPlainText()


def test_appeal_within_15_days_with_grounds(qtbot, make_ctx, cast, db, messages):
    request_id = flows.rejected(db, cast)
    view = open_view(qtbot, make_ctx, cast.physician)
    assert view.detail.id == request_id
    text = view.detail_browser.toPlainText()
    assert "Rechazada" in text and "R01 Justificación clínica insuficiente" in text
    assert view.appeal_button.isVisible() and view.revise_button.isVisible()
    assert not view.cancel_button.isVisible() and not view.open_button.isVisible()
    press(qtbot, Qt.Key.Key_V, ALT)  # «Recurso de re&visión…» (a mnemonic clicks after a moment)
    qtbot.waitUntil(lambda: view.findChild(QDialog, "appealDialog") is not None)
    dialog = view.findChild(QDialog, "appealDialog")
    assert dialog.isVisible()
    # The dialog takes the focus once the window system activates it (asynchronous).
    qtbot.waitUntil(lambda: focused() is dialog.text_edit)
    assert not dialog.ok_button.isEnabled()
    type_text(qtbot, GROUNDS)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    with db.session() as s:
        appeal = s.scalar(select(Appeal))
        assert appeal.grounds == GROUNDS
        assert s.get(Request, request_id).status is RequestStatus.IN_APPEAL
    folio = view.detail.folio
    assert messages.texts()[-1] == f"Se interpuso el recurso de revisión contra el rechazo de {folio}."
    assert view.detail.status is RequestStatus.IN_APPEAL and not view.appeal_button.isVisible()


def test_escape_closes_the_appeal_without_filing(qtbot, make_ctx, cast, db, messages):
    request_id = flows.rejected(db, cast)
    view = open_view(qtbot, make_ctx, cast.physician)
    dialog = view.appeal()
    type_text(qtbot, GROUNDS)
    press(qtbot, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert flows.status(db, request_id) is RequestStatus.REJECTED


def test_no_appeal_after_15_days(qtbot, make_ctx, cast, db, messages):
    flows.rejected(db, cast)
    with clock.frozen_at(clock.now() + timedelta(days=16)):
        view = open_view(qtbot, make_ctx, cast.physician)
        assert not view.appeal_button.isVisible() and view.revise_button.isVisible()
        assert "el plazo para el recurso venció el" in view.detail_status.text()
        assert view.appeal() is None


def test_cancel_with_a_reason(qtbot, make_ctx, cast, db, messages):
    request_id = flows.in_review(db, cast)
    view = open_view(qtbot, make_ctx, cast.physician)
    view.group_combo.setCurrentIndex(view.group_combo.findText("En espera de dictamen (1)"))
    view.group_combo.activated.emit(view.group_combo.currentIndex())
    assert view.detail.id == request_id and view.cancel_button.isVisible()
    qtbot.mouseClick(view.cancel_button, Qt.MouseButton.LeftButton)
    dialog = view.findChild(QDialog, "cancelDialog")
    qtbot.waitUntil(lambda: focused() is dialog.text_edit)
    type_text(qtbot, "El paciente se atendió en medio privado.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert messages.texts() == []
    assert flows.status(db, request_id) is RequestStatus.CANCELLED
    with db.session() as s:
        event = s.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert event.action == "cancel" and event.details["reason"] == "El paciente se atendió en medio privado."


def test_revise_opens_the_new_draft_in_the_form(qtbot, make_ctx, cast, db, messages):
    request_id = flows.rejected(db, cast)
    window = MainWindow(make_ctx(cast.physician))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    press_ctrl_2 = Qt.Key.Key_2
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, press_ctrl_2, CTRL)  # Go → My requests
    view = window.section_widget("my_requests")
    assert window.stack.currentWidget() is view and view.detail.id == request_id
    press(qtbot, Qt.Key.Key_C, ALT)  # «&Corregir y volver a presentar»
    qtbot.waitUntil(lambda: window.stack.currentWidget() is not view)
    with db.session() as s:
        new = s.scalar(select(Request).where(Request.revision_of_id == request_id))
        assert new.status is RequestStatus.DRAFT
        new_id, new_folio = new.id, new.folio
    form = window.stack.currentWidget()
    assert form.objectName() == "requestForm"
    assert form.request_id == new_id and form.title_label.text() == f"Solicitud ST2 {new_folio}"
    assert form.service_edit.chosen.id == cast.service_id
    assert form.justification_edit.toPlainText() == flows.JUSTIFICATION
    assert form.patient.patient_id == cast.patient_id


def test_enter_on_a_draft_opens_it_in_the_form(qtbot, make_ctx, cast, db, messages):
    request_id = flows.draft(db, cast)
    window = MainWindow(make_ctx(cast.physician))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    view = window.show_section("my_requests")
    view.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view.table)
    press(qtbot, Qt.Key.Key_Return)
    form = window.stack.currentWidget()
    assert form.objectName() == "requestForm" and form.request_id == request_id


def test_pages_load_while_scrolling_and_writes_refresh(qtbot, make_ctx, cast, db, messages):
    with db.transaction() as s:
        for _ in range(55):
            requests.create_draft(s, cast.physician, flows.request_data(cast))
    view = open_view(qtbot, make_ctx, cast.physician)
    assert view.model.rowCount() == 50 and view.model.canFetchMore(QModelIndex())
    assert view.count_label.text() == "50 solicitudes mostradas; se cargan más al desplazarse"
    press(qtbot, Qt.Key.Key_End, CTRL)
    qtbot.waitUntil(lambda: view.model.rowCount() == 55)
    ids = [r.id for r in view.model.rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 55
    # A write anywhere in the application refreshes the list.
    new_id = view.ctx.ops.write(
        lambda s: requests.create_draft(s, cast.physician, flows.request_data(cast)).id, parent=None)
    assert view.model.rows[0].id == new_id and view.model.canFetchMore(QModelIndex())
    assert view.group_combo.currentText() == "Todas (56)"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 56


def test_model_answers_every_role_without_failing(qtbot, make_ctx, cast, db):
    flows.in_review(db, cast)
    view = open_view(qtbot, make_ctx, cast.physician)
    model = view.model
    for column in range(model.columnCount()):
        assert isinstance(model.headerData(column, Qt.Orientation.Horizontal), str)
        for role in range(0, 40):
            model.data(model.index(0, column), role)
        assert isinstance(model.data(model.index(0, column)), str)
    assert model.data(model.index(5, 0)) is None  # beyond the rows
