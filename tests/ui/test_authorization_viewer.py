"""Reception's authorization viewer, driven as a receptionist would: scanner, keyboard, Enter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox
from sqlalchemy import select

from st2desk import clock, signing
from st2desk.errors import St2Error
from st2desk.models import (
    AuditEvent,
    Authorization,
    AuthorizationStatus,
    Patient,
    Request,
    RequestStatus,
)
from st2desk.services import authorizations
from st2desk.ui.authorization_viewer import AuthorizationViewer
from st2desk.ui.main_window import MainWindow
from tests import flows


def open_viewer(qtbot, make_ctx, actor) -> AuthorizationViewer:  # type: ignore[no-untyped-def]
    viewer = AuthorizationViewer(make_ctx(actor))
    qtbot.addWidget(viewer)
    viewer.resize(1000, 720)
    with qtbot.waitActive(viewer):
        viewer.show()
        viewer.activateWindow()
    # The cursor starts in the search box, ready for the scanner.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is viewer.search_edit, timeout=2000)
    return viewer


def scan(qtbot, viewer: AuthorizationViewer, text: str) -> None:  # type: ignore[no-untyped-def]
    """What a barcode scanner does: type fast into the focused box, then Enter."""
    qtbot.keyClicks(viewer.search_edit, text)
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_Return)


def auth_row(db, auth_id: int) -> Authorization:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.get(Authorization, auth_id)


def patient_nss(db, patient_id: int) -> str:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.get(Patient, patient_id).nss


def expired_authorization(db, cast) -> int:  # type: ignore[no-untyped-def]
    """Approved 200 days ago (the CT's validity is far shorter), not yet swept by expire_due."""
    with clock.frozen_at(datetime.now(UTC) - timedelta(days=200)):
        _, auth_id = flows.authorized(db, cast)
    return auth_id


def test_scanned_number_shows_the_authorization_and_waits_for_the_next(qtbot, db, cast, make_ctx):
    _, first = flows.authorized(db, cast)
    _, second = flows.authorized(db, cast, patient_id=cast.patient_female_id)
    a1, a2 = auth_row(db, first), auth_row(db, second)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)

    scan(qtbot, viewer, a1.number.lower())  # scanners and people type in any case
    assert viewer.current is not None and viewer.current.id == first
    assert viewer.banner.text() == f"VIGENTE hasta {a1.valid_until:%d/%m/%Y}"
    assert viewer.patient_value.text() == "JUAN PÉREZ GÓMEZ"
    assert viewer.nss_value.text() == f"{patient_nss(db, cast.patient_id)}  ·  1M1980OR"
    assert viewer.unit_value.text().startswith("09HGZ24 — ")
    assert viewer.validity_value.text() == (
        f"del {a1.valid_from:%d/%m/%Y} al {a1.valid_until:%d/%m/%Y}")
    assert viewer.issued_value.text().startswith("Dictaminador1, el ")
    assert not viewer.results_table.isVisible()
    assert not viewer.unit_notice.isVisible()
    # Focus stays in the box with the text selected: the next scan replaces it.
    assert QApplication.focusWidget() is viewer.search_edit
    assert viewer.search_edit.selectedText() == viewer.search_edit.text()
    scan(qtbot, viewer, a2.number)
    assert viewer.search_edit.text() == a2.number
    assert viewer.current.id == second
    assert viewer.patient_value.text() == "MARÍA LÓPEZ MUÑOZ"


def test_folio_finds_its_authorization_and_explains_a_pending_one(qtbot, db, cast, make_ctx):
    request_id, auth_id = flows.authorized(db, cast)
    pending_id = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    with db.session() as s:
        folio, pending_folio = s.get(Request, request_id).folio, s.get(Request, pending_id).folio
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, folio)
    assert viewer.current.id == auth_id
    assert viewer.folio_value.text() == folio
    qtbot.keyClicks(viewer.search_edit, pending_folio)  # replaces the selected text
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_Return)
    assert viewer.current is None
    assert viewer.message_label.text() == (
        f"La solicitud {pending_folio} no tiene autorización; su estado es «En revisión».")


def signed_payload(db, cast, auth_id: int) -> str:  # type: ignore[no-untyped-def]
    """The text of the slip's QR code, signed by this installation's registered key."""
    with db.transaction() as s:
        key = signing.ensure_local_key_registered(s)
        auth = s.get(Authorization, auth_id)
        return signing.sign_slip(
            key, number=auth.number, folio=auth.request.folio, service=auth.request.service.code,
            unit=auth.performing_unit.code, valid_from=auth.valid_from,
            valid_until=auth.valid_until, nss=auth.request.patient.nss).text()


def test_scanned_qr_code_finds_the_number_it_carries(qtbot, db, cast, make_ctx):
    _, auth_id = flows.authorized(db, cast)
    number = auth_row(db, auth_id).number
    payload = signed_payload(db, cast, auth_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, payload)
    assert viewer.current.id == auth_id
    assert viewer.search_edit.text() == number  # the number, not the long code
    assert viewer.banner.text().startswith("VIGENTE hasta ")
    assert not viewer.message_label.isVisible()


def test_altered_qr_code_is_flagged_but_the_registered_record_is_shown(qtbot, db, cast, make_ctx):
    _, auth_id = flows.authorized(db, cast)
    auth = auth_row(db, auth_id)
    parts = signed_payload(db, cast, auth_id).split("|")
    parts[7] = "20991231"  # someone "extended" the validity on a forged slip
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, "|".join(parts))
    assert viewer.current.id == auth_id
    assert viewer.banner.text() == f"VIGENTE hasta {auth.valid_until:%d/%m/%Y}"
    assert viewer.message_label.isVisible()
    assert viewer.message_label.text() == (
        "Atención: no se pudo verificar el código escaneado. La firma del código no corresponde "
        "a su contenido: fue alterado. Se muestra la autorización tal como está registrada.")


def test_unrelated_code_is_not_an_authorization(qtbot, db, cast, make_ctx):
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, "https://www.imss.gob.mx/tramites")
    assert viewer.current is None
    assert viewer.message_label.text() == (
        "El código escaneado no corresponde a un comprobante de autorización.")


def test_mistyped_number_is_caught_by_its_check_character(qtbot, db, cast, make_ctx):
    _, auth_id = flows.authorized(db, cast)
    number = auth_row(db, auth_id).number
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, wrong)
    assert viewer.current is None
    assert viewer.message_label.isVisible()
    assert viewer.message_label.text() == (
        f"El carácter verificador de «{wrong}» no corresponde: hay un error de captura.")
    assert viewer.card_stack.currentWidget() is viewer.placeholder


def test_nss_with_two_authorizations_lists_both(qtbot, db, cast, make_ctx):
    _, first = flows.authorized(db, cast)
    _, second = flows.authorized(db, cast, patient_id=cast.patient_female_id)
    numbers = {auth_row(db, first).number, auth_row(db, second).number}
    nss = patient_nss(db, cast.patient_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, f"{nss[:2]}-{nss[2:4]}-{nss[4:6]}-{nss[6:]}")  # typed with dashes

    table = viewer.results_table
    assert table.isVisible() and table.rowCount() == 2
    assert {table.item(r, 0).text() for r in range(2)} == numbers
    assert {table.item(r, 1).text() for r in range(2)} == {"JUAN PÉREZ GÓMEZ", "MARÍA LÓPEZ MUÑOZ"}
    assert all(table.item(r, 4).text().startswith("Vigente hasta ") for r in range(2))
    assert viewer.message_label.text() == (
        f"2 autorizaciones para el NSS {nss}, la más reciente primero. Elija una con las flechas.")
    # The list has the focus: the arrow keys choose, the card follows.
    assert QApplication.focusWidget() is table
    shown = viewer.current.number
    assert shown == table.item(0, 0).text()
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert viewer.current.number == table.item(1, 0).text() != shown
    assert viewer.patient_value.text() == table.item(1, 1).text()


def test_record_use_asks_then_marks_it_used(qtbot, db, cast, make_ctx, messages):
    request_id, auth_id = flows.authorized(db, cast)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, auth_row(db, auth_id).number)

    messages.answer = QMessageBox.StandardButton.No
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert len(messages.shown) == 1 and messages.shown[0][0] == "question"
    assert messages.texts()[0].startswith("¿Registrar que JUAN PÉREZ GÓMEZ se presentó")
    assert auth_row(db, auth_id).status is AuthorizationStatus.VALID  # "No" changes nothing

    messages.answer = QMessageBox.StandardButton.Yes
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert [k for k, _ in messages.shown] == ["question", "question"]
    auth = auth_row(db, auth_id)
    assert auth.status is AuthorizationStatus.USED
    assert auth.used_recorded_by_id == cast.reception.user_id
    assert flows.status(db, request_id) is RequestStatus.USED
    today = clock.today()
    assert viewer.banner.text() == f"UTILIZADA el {today:%d/%m/%Y}"
    assert viewer.used_value.isVisible()
    assert viewer.used_value.text() == f"{today:%d/%m/%Y}, por Recepcion1"
    assert viewer.message_label.text() == f"Se registró el uso de {auth.number}."
    assert QApplication.focusWidget() is viewer.search_edit

    # Used: recording again and printing a slip are no longer offered; Ctrl+U does nothing.
    assert not viewer.record_button.isEnabled() and not viewer.print_button.isEnabled()
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert len(messages.shown) == 2


def test_record_use_button_with_the_mouse(qtbot, db, cast, make_ctx, messages):
    _, auth_id = flows.authorized(db, cast)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, auth_row(db, auth_id).number)
    qtbot.mouseClick(viewer.record_button, Qt.MouseButton.LeftButton)
    assert auth_row(db, auth_id).status is AuthorizationStatus.USED
    assert viewer.banner.text().startswith("UTILIZADA el ")


def test_expired_shows_vencida_and_use_is_refused(qtbot, db, cast, make_ctx, messages):
    auth_id = expired_authorization(db, cast)
    auth = auth_row(db, auth_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, auth.number)
    assert viewer.banner.text() == f"VENCIDA el {auth.valid_until:%d/%m/%Y}"
    # Expired: neither a use nor a slip is offered (the banner says why).
    assert not viewer.record_button.isEnabled() and not viewer.print_button.isEnabled()
    assert not viewer.record_action.isEnabled() and not viewer.print_action.isEnabled()
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert messages.shown == []
    with db.transaction() as s:  # the service refuses it too, naming the authorization
        with pytest.raises(St2Error, match=f"La autorización {auth.number} venció"):
            authorizations.record_use(s, cast.reception, auth_id)
    assert auth_row(db, auth_id).status is AuthorizationStatus.VALID
    assert auth_row(db, auth_id).used_at is None
    # Once the nightly sweep marks it expired, it still reads VENCIDA.
    with db.transaction() as s:
        assert authorizations.expire_due(s) == 1
    viewer.ctx.ops.sig_data_changed.emit("external")
    assert viewer.banner.text() == f"VENCIDA el {auth.valid_until:%d/%m/%Y}"


def test_another_units_reception_cannot_record_use(qtbot, db, cast, make_ctx, messages):
    _, auth_id = flows.authorized(db, cast)
    auth = auth_row(db, auth_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception_elsewhere)
    scan(qtbot, viewer, auth.number)
    assert viewer.banner.text().startswith("VIGENTE hasta ")
    assert viewer.unit_notice.isVisible()
    assert "09HGZ24" in viewer.unit_notice.text()
    # The notice says where the use is recorded; here it is not offered at all.
    assert not viewer.record_button.isEnabled() and viewer.print_button.isEnabled()
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert messages.shown == []
    assert auth_row(db, auth_id).status is AuthorizationStatus.VALID


def test_stale_card_gets_the_reload_message_then_shows_the_truth(qtbot, db, cast, make_ctx, messages):
    _, auth_id = flows.authorized(db, cast)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, auth_row(db, auth_id).number)
    with db.transaction() as s:  # another reception workstation, not yet noticed here
        authorizations.record_use(s, cast.reception, auth_id)
    used_at = auth_row(db, auth_id).used_at
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert messages.texts()[-1].startswith("Otra estación modificó este registro")
    assert auth_row(db, auth_id).used_at == used_at
    assert viewer.banner.text().startswith("UTILIZADA el ")


def test_change_elsewhere_refreshes_the_banner(qtbot, db, cast, make_ctx):
    _, auth_id = flows.authorized(db, cast)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, auth_row(db, auth_id).number)
    with db.transaction() as s:
        authorizations.cancel_authorization(s, cast.admin, auth_id, "Paciente dado de baja del IMSS.")
    viewer.ctx.ops.sig_data_changed.emit("external")
    assert viewer.banner.text() == "CANCELADA"
    assert QApplication.focusWidget() is viewer.search_edit


@pytest.fixture
def print_dialog(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    """The print dialog, patched: the receptionist picks a printer (a PDF file stands in for it)."""
    from tests.ui.test_printing import FakeDialog

    return FakeDialog(monkeypatch, tmp_path / "impresora.pdf"), tmp_path / "impresora.pdf"


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def print_events(db, auth) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).where(
            AuditEvent.entity == "authorization", AuditEvent.entity_id == str(auth.uuid),
            AuditEvent.action == "print_slip")).all())


def test_ctrl_p_prints_the_signed_slip_then_use_is_recorded(qtbot, db, cast, make_ctx, messages,
                                                            print_dialog):
    dialog, printed = print_dialog
    _, auth_id = flows.authorized(db, cast)
    auth = auth_row(db, auth_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, auth.number)
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert messages.shown == []
    assert dialog.calls == 1  # the first time, the printer is chosen
    reader = PdfReader(str(printed))
    assert len(reader.pages) == 1
    assert (round(float(reader.pages[0].mediabox.width)),
            round(float(reader.pages[0].mediabox.height))) == (612, 396)  # half letter
    assert viewer.message_label.text() == f"Comprobante {auth.number} enviado a «{printed}»."
    # The slip carries the signed code now stored with the authorization; the print is audited.
    signed = auth_row(db, auth_id)
    assert signed.signature and signed.signature.startswith(f"ST2|1|{auth.number}|")
    assert len(print_events(db, auth)) == 1
    # Next time, one keystroke and no dialog: the workstation remembers its printer.
    printed.unlink()
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert dialog.calls == 1 and printed.exists()
    assert len(print_events(db, auth)) == 2
    # Printing is no change of the authorization: recording its use right after is accepted.
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert [kind for kind, _ in messages.shown] == ["question"]
    assert auth_row(db, auth_id).status is AuthorizationStatus.USED
    # Scanning the printed slip's code finds it again, now used.
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_Escape)
    scan(qtbot, viewer, signed.signature)
    assert viewer.current.id == auth_id
    assert viewer.banner.text().startswith("UTILIZADA el ")
    assert not viewer.message_label.isVisible()


def test_a_failed_print_says_what_to_do_and_is_not_audited(qtbot, db, cast, make_ctx, messages,
                                                           tmp_path):
    from PySide6.QtCore import QSettings

    from st2desk.ui import printing

    QSettings().setValue(printing.SETTING_OUTPUT_FILE, str(tmp_path / "no-existe" / "x.pdf"))
    _, auth_id = flows.authorized(db, cast)
    auth = auth_row(db, auth_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, auth.number)
    qtbot.mouseClick(viewer.print_button, Qt.MouseButton.LeftButton)
    assert len(messages.shown) == 1 and messages.shown[0][0] == "warning"
    assert "No se pudo escribir el archivo" in messages.shown[0][1]
    assert viewer.message_label.text() == "El comprobante no se imprimió."
    assert print_events(db, auth) == []


def test_cancelling_the_print_dialog_prints_nothing(qtbot, db, cast, make_ctx, messages,
                                                    print_dialog):
    from PySide6.QtWidgets import QDialog

    dialog, printed = print_dialog
    dialog.answer = QDialog.DialogCode.Rejected
    _, auth_id = flows.authorized(db, cast)
    auth = auth_row(db, auth_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, auth.number)
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_P,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert dialog.calls == 1 and not printed.exists()
    assert print_events(db, auth) == [] and messages.shown == []


def test_two_per_letter_and_print_all_listed(qtbot, db, cast, make_ctx, messages, print_dialog):
    dialog, printed = print_dialog
    _, first = flows.authorized(db, cast)
    _, second = flows.authorized(db, cast, patient_id=cast.patient_female_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    viewer.layout_combo.setCurrentIndex(1)  # two per letter sheet
    scan(qtbot, viewer, patient_nss(db, cast.patient_id))
    assert viewer.print_all_button.isVisible()
    assert viewer.print_all_button.text() == "Imprimir &todos (2)"
    qtbot.mouseClick(viewer.print_all_button, Qt.MouseButton.LeftButton)
    viewer.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: "2 comprobantes enviados" in viewer.message_label.text(), timeout=5000)
    reader = PdfReader(str(printed))
    assert len(reader.pages) == 1
    assert (round(float(reader.pages[0].mediabox.width)),
            round(float(reader.pages[0].mediabox.height))) == (612, 792)  # letter
    for auth_id in (first, second):
        assert len(print_events(db, auth_row(db, auth_id))) == 1
    assert messages.shown == []


def test_save_pdf_writes_the_slip_where_the_user_chooses(qtbot, db, cast, make_ctx, messages,
                                                         monkeypatch, tmp_path):
    asked: list[str] = []

    def choose(parent, caption, suggested, filters):  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(tmp_path / "para-el-paciente"), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(choose))
    _, auth_id = flows.authorized(db, cast)
    number = auth_row(db, auth_id).number
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, number)
    qtbot.mouseClick(viewer.save_button, Qt.MouseButton.LeftButton)
    assert asked and asked[0].endswith(f"comprobante-{number}.pdf")
    saved = tmp_path / "para-el-paciente.pdf"
    assert number in pdf_text(saved)
    assert viewer.message_label.text() == f"Comprobante guardado en {saved}."
    assert messages.shown == []
    assert [e.details["output"] for e in print_events(db, auth_row(db, auth_id))] == ["pdf"]


def test_escape_clears_and_returns_to_the_search_box(qtbot, db, cast, make_ctx):
    _, first = flows.authorized(db, cast)
    flows.authorized(db, cast, patient_id=cast.patient_female_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, patient_nss(db, cast.patient_id))
    assert QApplication.focusWidget() is viewer.results_table
    qtbot.keyClick(viewer.results_table, Qt.Key.Key_Escape)
    assert viewer.search_edit.text() == ""
    assert viewer.current is None
    assert not viewer.results_table.isVisible()
    assert viewer.card_stack.currentWidget() is viewer.placeholder
    assert not viewer.print_button.isEnabled() and not viewer.record_button.isEnabled()
    assert QApplication.focusWidget() is viewer.search_edit


def test_tab_order_and_mnemonics(qtbot, db, cast, make_ctx):
    _, auth_id = flows.authorized(db, cast)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, auth_row(db, auth_id).number)
    order = [viewer.search_edit]
    for _ in range(8):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        order.append(QApplication.focusWidget())
    assert order == [viewer.search_edit, viewer.find_button, viewer.print_button,
                     viewer.print_dialog_button, viewer.preview_button, viewer.layout_combo,
                     viewer.save_button, viewer.record_button, viewer.clear_button]
    assert viewer.search_label.text() == "&Buscar:" and viewer.search_label.buddy() is viewer.search_edit
    assert viewer.print_button.text() == "I&mprimir comprobante (Ctrl+P)"
    assert viewer.record_button.text() == "Registrar &uso (Ctrl+U)"


def test_reception_main_window_opens_on_the_search_box(qtbot, db, cast, make_ctx):
    window = MainWindow(make_ctx(cast.reception))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    viewer = window.section_widget("authorizations")
    search = viewer.findChild(type(viewer.search_edit), "authorizationSearch")
    assert search is viewer.search_edit
    qtbot.waitUntil(lambda: QApplication.focusWidget() is search, timeout=2000)
    assert window.findChild(type(viewer.print_button), "printSlipButton") is viewer.print_button


class X11LineEditBindings(QObject):
    """What QLineEdit does on X11 desktops: it claims Ctrl+U (delete the line) for itself."""

    def __init__(self, line_edit: QLineEdit) -> None:
        super().__init__()
        self.line_edit = line_edit

    def eventFilter(self, watched, event):  # type: ignore[no-untyped-def]  # noqa: N802
        if (watched is self.line_edit and event.type() == QEvent.Type.ShortcutOverride
                and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
            event.accept()
        return False


def test_search_box_leaves_ctrl_p_and_ctrl_u_to_the_viewer(qtbot, db, cast, make_ctx):
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    bindings = X11LineEditBindings(viewer.search_edit)
    QApplication.instance().installEventFilter(bindings)
    try:
        for key in (Qt.Key.Key_U, Qt.Key.Key_P, Qt.Key.Key_A):
            event = QKeyEvent(QEvent.Type.ShortcutOverride, key, Qt.KeyboardModifier.ControlModifier)
            event.ignore()  # as Qt sends it, before the focus widget may claim it
            QApplication.sendEvent(viewer.search_edit, event)
            # Ours go to the shortcut map; any other Ctrl+key stays the line edit's.
            assert event.isAccepted() is (key == Qt.Key.Key_A), key
    finally:
        QApplication.instance().removeEventFilter(bindings)


def test_preview_shows_the_slip_and_printing_from_it_is_audited(qtbot, db, cast, make_ctx, messages,
                                                                monkeypatch, tmp_path):
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
    from PySide6.QtWidgets import QDialog

    printed = tmp_path / "desde-la-vista-previa.pdf"
    answers = [QDialog.DialogCode.Rejected, QDialog.DialogCode.Accepted]
    shown: list[int] = []

    def exec_(dialog: QPrintPreviewDialog) -> int:
        # What the preview does: paint the pages; its print button paints them on the printer.
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        dialog.paintRequested.emit(printer)
        shown.append(len(PdfReader(str(printed)).pages))
        return answers.pop(0)

    monkeypatch.setattr(QPrintPreviewDialog, "exec", exec_)
    _, auth_id = flows.authorized(db, cast)
    auth = auth_row(db, auth_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    scan(qtbot, viewer, auth.number)
    qtbot.mouseClick(viewer.preview_button, Qt.MouseButton.LeftButton)  # looked at, closed
    assert shown == [1] and print_events(db, auth) == []
    qtbot.mouseClick(viewer.preview_button, Qt.MouseButton.LeftButton)  # printed from the preview
    assert shown == [1, 1] and len(print_events(db, auth)) == 1
    assert viewer.message_label.text() == f"Comprobante {auth.number} enviado a «{printed}»."
    assert messages.shown == []


def test_one_keystroke_on_two_per_letter_fills_both_halves(qtbot, db, cast, make_ctx, messages,
                                                            print_dialog, tmp_path):
    """Issue 11: a single Ctrl+P with "two per letter" printed only the top half."""
    from tests.paper_support import decode, needs_pdftoppm, render_pages

    if needs_pdftoppm.args[0]:
        pytest.skip(needs_pdftoppm.kwargs["reason"])
    dialog, printed = print_dialog
    _, auth_id = flows.authorized(db, cast)
    auth = auth_row(db, auth_id)
    viewer = open_viewer(qtbot, make_ctx, cast.reception)
    viewer.layout_combo.setCurrentIndex(1)  # two per letter sheet
    scan(qtbot, viewer, auth.number)
    qtbot.keyClick(viewer.search_edit, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert messages.shown == [] and dialog.calls == 1
    reader = PdfReader(str(printed))
    assert len(reader.pages) == 1
    assert (round(float(reader.pages[0].mediabox.width)),
            round(float(reader.pages[0].mediabox.height))) == (612, 792)  # letter
    page = render_pages(printed, tmp_path / "png", dpi=150)[0]
    assert [t for f, t in decode(page) if "128" in f] == [auth.number, auth.number]
    assert len(print_events(db, auth)) == 1  # one slip printed (two copies on one sheet)
