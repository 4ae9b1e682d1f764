"""The physician's request form, driven from the keyboard as a new user would."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget
from sqlalchemy import func, select

from st2desk import clock
from st2desk.identifiers import make_curp, make_nss
from st2desk.models import (
    Attachment,
    AuditEvent,
    Patient,
    Priority,
    Request,
    RequestStatus,
    ReviewFinding,
    Severity,
    Sex,
    Unit,
)
from st2desk.services import requests
from st2desk.ui import drafts
from st2desk.ui.patient_lookup import PatientMode
from st2desk.ui.request_form import RequestForm
from tests import flows
from tests.cast import DIAGNOSIS

CTRL = Qt.KeyboardModifier.ControlModifier
JUSTIFICATION = flows.JUSTIFICATION


def focused() -> QWidget:
    """Where a key goes: an open popup (completer list) first, else the focus widget."""
    return QApplication.activePopupWidget() or QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier, times=1):  # type: ignore[no-untyped-def]
    for _ in range(times):
        qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type like a Spanish keyboard: accented letters arrive as key events with their text."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(focused(), ch)
        else:
            QTest.sendKeyEvent(QTest.KeyAction.Click, focused(), Qt.Key.Key_unknown, ch,
                               Qt.KeyboardModifier.NoModifier)


def focus(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Click into a widget's window and field (the user switches windows)."""
    widget.window().activateWindow()
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget)


def open_form(qtbot, make_ctx, actor) -> RequestForm:  # type: ignore[no-untyped-def]
    form = RequestForm(make_ctx(actor))
    qtbot.addWidget(form)
    form.resize(1280, 800)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.patient.nss_edit)
    return form


def pick_from_popup(qtbot, edit) -> None:  # type: ignore[no-untyped-def]
    """Wait for the search results, go down to the first and take it with Enter."""
    qtbot.waitUntil(lambda: edit.completer_popup().isVisible())
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: edit.chosen is not None)


def nss_of(db, patient_id: int) -> str:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.get(Patient, patient_id).nss


def only_request(db) -> Request:  # type: ignore[no-untyped-def]
    with db.session() as s:
        rows = s.scalars(select(Request)).all()
        assert len(rows) == 1, rows
        return rows[0]


def test_keyboard_only_from_blank_form_to_submitted(qtbot, make_ctx, cast, db, messages):
    form = open_form(qtbot, make_ctx, cast.physician)
    assert form.objectName() == "requestForm"
    type_text(qtbot, nss_of(db, cast.patient_id))
    # Three people share this NSS: the choice gets the focus; the insured is offered first.
    assert focused() is form.patient.patient_combo
    assert form.patient.patient_combo.count() == 4
    assert form.patient.mode is PatientMode.KNOWN and form.patient.patient_id == cast.patient_id
    assert form.patient.first_name_edit.text() == "JUAN"
    assert form.patient.nss_reason.text() == "✓ NSS válido"
    press(qtbot, Qt.Key.Key_Tab)  # read-only patient fields are skipped
    assert focused() is form.patient.edit_button
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.service_edit
    type_text(qtbot, "tomografia craneo")
    pick_from_popup(qtbot, form.service_edit)
    assert form.service_edit.chosen.id == cast.service_id
    assert "Requiere ST2" in form.service_info.text()
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.diagnosis_edit
    type_text(qtbot, "g43.9")
    press(qtbot, Qt.Key.Key_Escape)  # close the suggestions; the exact code is taken on leaving
    press(qtbot, Qt.Key.Key_Tab)
    assert form.diagnosis_edit.chosen is not None and form.diagnosis_edit.text() == "G43.9"
    assert form.diagnosis_info.text() == "Migraña, no especificada"
    assert focused() is form.unit_combo
    type_text(qtbot, "HGZ No. 24")  # two units have that name: the list offers both
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Tab)
    assert form.unit_combo.unit_id() is None
    assert form.unit_info.text() == "Elija la unidad de destino de la lista."
    press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    type_text(qtbot, " Ins")
    press(qtbot, Qt.Key.Key_Down)  # the units of the physician's delegation come first
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Tab)
    assert form.unit_combo.unit_id() == cast.performing_unit_id
    assert form.unit_info.text() == ""
    assert focused() is form.priority_combo
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.emergency_check
    press(qtbot, Qt.Key.Key_Tab)  # the emergency date is disabled and skipped
    assert focused() is form.justification_edit
    type_text(qtbot, JUSTIFICATION)
    assert form.justification_counter.text() == f"{len(JUSTIFICATION)} / 4000 caracteres (mínimo 30)"
    press(qtbot, Qt.Key.Key_Return, CTRL)

    req = only_request(db)
    assert req.status is RequestStatus.IN_REVIEW
    assert (req.patient_id, req.service_id, req.diagnosis_code) == (cast.patient_id, cast.service_id, "G439")
    assert req.performing_unit_id == cast.performing_unit_id
    assert req.priority is Priority.ORDINARY and req.justification == JUSTIFICATION
    assert messages.texts() == []  # no modal box repeating the banner
    # A blank form is ready for the next patient; the banner tells where the request went.
    assert form.request_id is None and form.patient.nss_edit.text() == ""
    assert form.sent_label.text() == f"La solicitud {req.folio} está en revisión."
    assert focused() is form.patient.nss_edit  # typing goes to the next patient's NSS
    assert not form.store.exists()


def test_blocking_findings_keep_a_draft_and_focus_the_field(qtbot, make_ctx, cast, db, messages):
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    form.service_edit.setFocus()
    type_text(qtbot, "IMG-RX-TOR")
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Tab)
    assert "catálogo básico" in form.service_info.text()
    type_text(qtbot, "G43.9")
    press(qtbot, Qt.Key.Key_Escape)
    form.justification_edit.setFocus()
    type_text(qtbot, "Dolor torácico.")
    press(qtbot, Qt.Key.Key_Return, CTRL)

    req = only_request(db)
    assert req.status is RequestStatus.DRAFT
    with db.session() as s:
        stored = {(f.severity, f.code) for f in s.scalars(select(ReviewFinding))}
    assert (Severity.BLOCK, "service.basic_catalog") in stored
    assert (Severity.BLOCK, "text.justification") in stored
    assert (Severity.BLOCK, "required.unit") in stored
    assert messages.texts() == []
    texts = [form.findings_list.item(i).text() for i in range(form.findings_list.count())]
    assert any(t.startswith("Por corregir: «Radiografía de tórax posteroanterior» está en el catálogo "
                            "básico") for t in texts)
    assert form.findings_title.text() == ("La solicitud no se envió: corrija lo que se indica y "
                                          "vuelva a enviarla.")
    assert form.findings_box.isVisible()
    assert focused() is form.field_widget(form.findings_list.item(0).data(Qt.ItemDataRole.UserRole).field)
    assert form.folio == req.folio and "Borrador" in form.state_label.text()
    # Each finding leads to its field.
    justification_row = next(i for i, t in enumerate(texts) if "Justificación" in t)
    form.findings_list.setFocus()
    form.findings_list.setCurrentRow(justification_row)
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is form.justification_edit


def test_new_patient_is_registered_with_the_draft(qtbot, make_ctx, cast, db, messages):
    form = open_form(qtbot, make_ctx, cast.physician)
    nss = make_nss(9, 10, 1990, 4321)
    type_text(qtbot, nss)
    assert form.patient.mode is PatientMode.NEW
    assert form.patient.nss_reason.text() == ("No hay nadie registrado con este NSS: capture los datos "
                                              "del paciente para registrarlo.")
    press(qtbot, Qt.Key.Key_Tab)  # straight to the now editable agregado
    assert focused() is form.patient.agregado_edit
    type_text(qtbot, "1f1990or")
    press(qtbot, Qt.Key.Key_Tab)
    assert form.patient.agregado_edit.text() == "1F1990OR"
    curp = make_curp("ROHA", date(1990, 7, 14), Sex.FEMALE, "JC", "DRN")
    type_text(qtbot, curp[:10])
    assert form.patient.curp_reason.text() == "10 de 18 caracteres"
    type_text(qtbot, curp[10:])
    assert form.patient.curp_reason.text() == "✓ CURP válida"
    # The CURP tells the birth date and sex.
    assert form.patient.birth_date_edit.text() == "14/07/1990"
    assert form.patient.sex_combo.currentText() == "Mujer"
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Ana Lucía")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Rodríguez")
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "Hernández")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.patient.birth_date_edit
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.patient.eligible_edit
    type_text(qtbot, "31122030")
    press(qtbot, Qt.Key.Key_S, CTRL)

    assert messages.texts() == []
    with db.session() as s:
        patient = s.scalar(select(Patient).where(Patient.nss == nss))
        req = s.scalar(select(Request))
    assert (patient.first_name, patient.last_name, patient.second_last_name) == (
        "ANA LUCÍA", "RODRÍGUEZ", "HERNÁNDEZ")
    assert (patient.birth_date, patient.sex, patient.curp) == (date(1990, 7, 14), Sex.FEMALE, curp)
    assert patient.eligible_until == date(2030, 12, 31)
    assert req.status is RequestStatus.DRAFT and req.patient_id == patient.id
    assert form.patient.mode is PatientMode.KNOWN and form.patient.patient_id == patient.id
    assert "guardada en la base de datos" in form.state_label.text()


def test_identifiers_are_checked_as_typed_with_reasons(qtbot, make_ctx, cast, db, messages):
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, "0105")
    assert form.patient.nss_reason.text() == "4 de 11 dígitos"
    nss = nss_of(db, cast.patient_id)
    wrong = nss[:10] + str((int(nss[10]) + 1) % 10)
    type_text(qtbot, wrong[4:])
    assert form.patient.nss_reason.text() == ("El dígito verificador del NSS no corresponde; revise "
                                              "que esté bien escrito.")
    assert form.patient.mode is PatientMode.EMPTY
    form.patient.nss_edit.clear()
    type_text(qtbot, make_nss(9, 10, 1990, 4321))
    form.patient.agregado_edit.setFocus()
    type_text(qtbot, "1M1990OR")
    form.patient.curp_edit.setFocus()
    type_text(qtbot, "ROHA900714MJCDRNZZ")
    assert form.patient.curp_reason.text().startswith("La CURP no es válida")
    form.patient.curp_edit.clear()
    type_text(qtbot, make_curp("ROHA", date(1990, 7, 14), Sex.FEMALE, "JC", "DRN"))
    # A woman's CURP against an agregado that says man.
    assert form.patient.agregado_reason.text() == ("El sexo del agregado médico no coincide con el del "
                                                   "paciente.")
    press(qtbot, Qt.Key.Key_S, CTRL)  # the registry refuses the inconsistent data: nothing saved
    assert messages.texts()[-1].startswith("El sexo del agregado médico no coincide")
    assert focused() is form.patient.agregado_edit
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 0


def test_local_autosave_restores_after_the_window_closes(qtbot, make_ctx, cast, db, messages,
                                                         monkeypatch):
    monkeypatch.setattr(drafts, "AUTOSAVE_MS", 50)
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    form.justification_edit.setFocus()
    type_text(qtbot, "Paciente con cefalea")
    qtbot.waitUntil(form.store.exists)  # saved a moment after the change, without closing
    form.service_edit.setFocus()
    type_text(qtbot, "IMG-TAC-CRA")
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Tab)
    assert form.can_close()
    form.close()

    again = open_form(qtbot, make_ctx, cast.physician)
    assert again.recovered_banner.isVisible()
    assert again.recovered_label.text() == "Se recuperó un borrador sin guardar."
    assert again.patient.patient_id == cast.patient_id
    assert again.service_edit.chosen is not None and again.service_edit.chosen.id == cast.service_id
    assert again.justification_edit.toPlainText() == "Paciente con cefalea"
    other = open_form(qtbot, make_ctx, cast.physician2)  # another user sees none of it
    assert not other.recovered_banner.isVisible() and other.is_blank()
    focus(qtbot, again.patient.nss_edit)
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert not again.store.exists() and not again.recovered_banner.isVisible()
    req = only_request(db)
    assert req.justification == "Paciente con cefalea" and req.service_id == cast.service_id


def test_discarding_the_recovered_draft(qtbot, make_ctx, cast, db, messages):
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    form.can_close()
    form.close()
    again = open_form(qtbot, make_ctx, cast.physician)
    assert again.recovered_banner.isVisible()
    qtbot.mouseClick(again.discard_button, Qt.MouseButton.LeftButton)
    assert again.is_blank() and not again.store.exists()


def test_save_then_update_the_same_draft(qtbot, make_ctx, cast, db, messages):
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    form.justification_edit.setFocus()
    type_text(qtbot, "Primera versión")
    press(qtbot, Qt.Key.Key_S, CTRL)
    first = only_request(db)
    assert form.title_label.text() == f"Solicitud ST2 {first.folio}"
    type_text(qtbot, " corregida")
    assert "cambios sin guardar" in form.state_label.text()
    press(qtbot, Qt.Key.Key_S, CTRL)
    second = only_request(db)
    assert second.id == first.id and second.version > first.version
    assert second.justification == "Primera versión corregida"


def test_another_workstation_changed_the_draft(qtbot, make_ctx, cast, db, messages):
    request_id = flows.draft(db, cast)
    form = open_form(qtbot, make_ctx, cast.physician)
    assert form.load_request(request_id)
    assert form.service_edit.chosen.id == cast.service_id
    assert form.unit_combo.unit_id() == cast.performing_unit_id
    with db.transaction() as s:
        requests.update_draft(s, cast.physician, request_id,
                              requests.RequestData(justification=JUSTIFICATION + " Otra estación."))
    form.justification_edit.setFocus()
    type_text(qtbot, " Esta estación.")
    assert form.justification_edit.toPlainText() == JUSTIFICATION + " Esta estación."
    # The message box's answer is "Yes": reload the draft from the database.
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert "Otra estación modificó este registro" in messages.texts()[-1]
    assert form.justification_edit.toPlainText() == JUSTIFICATION + " Otra estación."
    with db.session() as s:
        assert s.get(Request, request_id).justification.endswith("Otra estación.")


def test_emergency_is_filed_with_its_date(qtbot, make_ctx, cast, db, messages):
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    form.emergency_check.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert form.performed_edit.isEnabled() and form.performed_edit.value() == clock.today()
    assert form.priority_combo.currentData() == Priority.URGENT.value
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is form.performed_edit
    tomorrow = clock.today() + timedelta(days=1)
    form.performed_edit.selectAll()
    type_text(qtbot, tomorrow.strftime("%d%m%Y"))
    assert form.emergency_note.text().startswith("La fecha no puede ser posterior")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert messages.texts()[-1].startswith("La fecha no puede ser posterior")
    assert focused() is form.performed_edit
    yesterday = clock.today() - timedelta(days=1)
    form.performed_edit.selectAll()
    type_text(qtbot, yesterday.strftime("%d%m%Y"))
    form.service_edit.setFocus()
    type_text(qtbot, "IMG-TAC-CRA")
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, DIAGNOSIS)
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "09HGZ24")
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Tab)
    form.justification_edit.setFocus()
    type_text(qtbot, JUSTIFICATION)
    press(qtbot, Qt.Key.Key_Enter, CTRL | Qt.KeyboardModifier.KeypadModifier)
    req = only_request(db)
    assert req.is_emergency and req.performed_on == yesterday
    assert req.status is RequestStatus.IN_REVIEW and req.priority is Priority.URGENT


def test_attachment_saves_the_draft_first(qtbot, make_ctx, cast, db, messages, monkeypatch, tmp_path):
    pdf = tmp_path / "estudio previo.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    text = tmp_path / "nota.pdf"
    text.write_text("no soy un PDF")
    chosen = [str(pdf)]
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (chosen[0], "")))
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    form.attach_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    req = only_request(db)
    assert req.status is RequestStatus.DRAFT and form.request_id == req.id
    with db.session() as s:
        assert [a.filename for a in s.scalars(select(Attachment))] == ["estudio previo.pdf"]
    assert form.attachments_list.count() == 1
    assert form.attachments_list.item(0).text().startswith("estudio previo.pdf · ")
    chosen[0] = str(text)
    press(qtbot, Qt.Key.Key_Space)
    assert messages.texts()[-1].startswith("Solo se pueden adjuntar archivos PDF, PNG o JPEG")
    form.attachments_list.setCurrentRow(0)
    qtbot.mouseClick(form.remove_attachment_button, Qt.MouseButton.LeftButton)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0


@pytest.mark.parametrize("key", [Qt.Key.Key_S, Qt.Key.Key_Return])
def test_blank_form_saves_nothing(qtbot, make_ctx, cast, db, messages, key):
    form = open_form(qtbot, make_ctx, cast.physician)
    press(qtbot, key, CTRL)
    assert messages.texts()[0].startswith("El formulario está vacío")
    assert form.is_blank()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 0


def test_correcting_a_registered_patient(qtbot, make_ctx, cast, db, messages):
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    assert form.patient.curp_edit.isReadOnly()
    press(qtbot, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # «&Modificar datos»
    qtbot.waitUntil(lambda: form.patient.mode is PatientMode.EDITED)
    assert focused() is form.patient.agregado_edit and not form.patient.curp_edit.isReadOnly()
    form.patient.eligible_edit.setFocus()
    form.patient.eligible_edit.selectAll()
    type_text(qtbot, "30062031")
    press(qtbot, Qt.Key.Key_S, CTRL)
    with db.session() as s:
        patient = s.get(Patient, cast.patient_id)
        assert patient.eligible_until == date(2031, 6, 30)
        assert s.scalar(select(Request.patient_id)) == cast.patient_id
        assert s.scalar(select(func.count()).select_from(Patient)) == 3  # corrected, not duplicated
    assert form.patient.mode is PatientMode.KNOWN


def test_ctrl_n_starts_over_after_asking(qtbot, make_ctx, cast, db, messages):
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    form.can_close()
    assert form.store.exists()
    messages.answer = QMessageBox.StandardButton.No
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert messages.texts() == ["El formulario tiene cambios que no se han guardado en la base de "
                                "datos. ¿Descartarlos?"]
    assert form.patient.patient_id == cast.patient_id
    messages.answer = QMessageBox.StandardButton.Yes
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert form.is_blank() and not form.store.exists()
    assert focused() is form.patient.nss_edit


def test_performing_unit_is_found_without_typing_accents(qtbot, make_ctx, cast, db):
    """«aragon» finds «HGZ No. 29 San Juan de Aragón»; the choice keeps its own spelling."""
    form = open_form(qtbot, make_ctx, cast.physician)
    with db.session() as s:
        aragon = s.scalar(select(Unit.id).where(Unit.code == "09HGZ29"))
    focus(qtbot, form.unit_combo)
    type_text(qtbot, "juan de aragon")
    qtbot.waitUntil(lambda: form.unit_combo.completer().popup().isVisible(), timeout=2000)
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Tab)
    assert form.unit_combo.unit_id() == aragon
    assert form.unit_combo.currentText() == "09HGZ29 — HGZ No. 29 San Juan de Aragón"
    # Typed in full without accents and left with Tab: the only match is taken.
    focus(qtbot, form.unit_combo)
    form.unit_combo.lineEdit().clear()
    type_text(qtbot, "hospital de traumatologia y ortopedia magdalena")
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Tab)
    assert form.unit_combo.currentText().startswith("09UMAE04 — UMAE Hospital de Traumatología")


def test_a_dotted_cie10_code_typed_and_left_with_the_list_open_is_taken(qtbot, make_ctx, cast, db):
    """Typing «G43.9» (the field's own example form) and Tab while suggestions show must take
    the code, not call it "not a CIE-10 code of the catalog"."""
    form = open_form(qtbot, make_ctx, cast.physician)
    focus(qtbot, form.diagnosis_edit)
    type_text(qtbot, "G43.9")
    qtbot.waitUntil(lambda: form.diagnosis_edit.completer_popup().isVisible(), timeout=3000)
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: form.diagnosis_edit.chosen is not None, timeout=3000)
    assert form.diagnosis_edit.text() == "G43.9"
    assert form.diagnosis_info.text() == "Migraña, no especificada"


def test_attaching_a_fifo_or_an_unreadable_file_says_why_and_never_hangs(
        qtbot, make_ctx, cast, db, messages, monkeypatch, tmp_path):
    import os

    fifo = tmp_path / "tuberia.pdf"
    os.mkfifo(fifo)  # opened plainly, reading it would block the window forever
    chosen = [str(fifo)]
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (chosen[0], "")))
    form = open_form(qtbot, make_ctx, cast.physician)
    form.attach_file()
    assert "no es un archivo común" in messages.texts()[-1]
    chosen[0] = str(tmp_path / "no-existe.pdf")
    form.attach_file()
    assert messages.texts()[-1].startswith("No existe el archivo")
    assert all("No such file" not in text and "Permission" not in text for text in messages.texts())
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0


def test_a_draft_saved_first_can_still_be_recorded_as_an_emergency(qtbot, make_ctx, cast, db,
                                                                     messages):
    """Issue 13 (6): attaching the ER note first saves a draft; the emergency box must not
    then be disabled without a word."""
    request_id = flows.draft(db, cast)
    form = open_form(qtbot, make_ctx, cast.physician)
    form.load_request(request_id, force=True)
    assert form.emergency_check.isEnabled()
    form.emergency_check.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert form.performed_edit.value() == clock.today()
    press(qtbot, Qt.Key.Key_S, CTRL)
    with db.session() as s:
        req = s.get(Request, request_id)
        assert req.status is RequestStatus.PERFORMED_EMERGENCY and req.is_emergency
        assert req.performed_on == clock.today() and req.priority is Priority.URGENT
        events = s.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == str(req.uuid))).all()
    assert "file_emergency" in events
    # Once recorded it stays an emergency, and the box says why it cannot be unticked.
    assert not form.emergency_check.isEnabled()
    assert "Mis solicitudes" in form.emergency_check.toolTip()
    assert form.emergency_check.accessibleDescription() == form.emergency_check.toolTip()


def test_a_sent_request_never_becomes_an_emergency(db, cast):
    request_id = flows.in_review(db, cast)
    with db.transaction() as s, pytest.raises(Exception, match="ya fue enviada"):
        requests.draft_to_emergency(s, cast.physician, request_id, flows.request_data(
            cast, performed_on=clock.today()))


def test_the_emergency_hour_is_typed_saved_and_shown(qtbot, make_ctx, cast, db, messages):
    """Issue 11: the emergency's hour is recorded with its date and shown in the detail."""
    from datetime import UTC, datetime

    from st2desk.ui.request_detail import RequestDetailPane

    noon = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)  # 12:00 in Mexico City
    with clock.frozen_at(noon):
        request_id = flows.draft(db, cast)
        form = open_form(qtbot, make_ctx, cast.physician)
        form.load_request(request_id, force=True)
        form.emergency_check.setFocus()
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, Qt.Key.Key_Tab)
        form.performed_edit.selectAll()
        type_text(qtbot, "19112026")
        press(qtbot, Qt.Key.Key_Tab)
        assert focused() is form.performed_time_edit
        type_text(qtbot, "25:00")
        press(qtbot, Qt.Key.Key_S, CTRL)
        assert "no es una hora" in messages.texts()[-1]
        assert focused() is form.performed_time_edit
        form.performed_time_edit.selectAll()
        type_text(qtbot, "14:30")
        press(qtbot, Qt.Key.Key_S, CTRL)
        with db.session() as s:
            assert s.get(Request, request_id).performed_time.strftime("%H:%M") == "14:30"
        with db.transaction() as s:
            assert requests.submit(s, cast.physician, request_id).submitted
        pane = RequestDetailPane()
        qtbot.addWidget(pane)
        pane.load(make_ctx(cast.specialist), request_id)
        assert "urgencia realizada el 19/11/2026 a las 14:30" in pane.browser.toPlainText()
