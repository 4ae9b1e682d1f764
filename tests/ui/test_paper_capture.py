"""Paper capture, driven from the keyboard as a receptionist copies a paper ST2."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QFileDialog, QLabel, QLineEdit, QPlainTextEdit
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from st2desk import clock
from st2desk.forms import paper as P
from st2desk.models import Attachment, AuditEvent, Origin, Patient, Request, RequestStatus
from st2desk.services import paper as paper_service
from st2desk.services.paper import MAX_SCAN_BYTES
from st2desk.ui.paper_capture import PaperCapture, paper_order
from st2desk.ui.patient_lookup import DateEdit
from tests.cast import BASIC_SERVICE
from tests.paper_support import paper_values
from tests.test_paper_capture import reserve
from tests.test_paper_import import filled_copy, print_fillable_blanks
from tests.ui.test_request_form import focused, press, type_text

CTRL = Qt.KeyboardModifier.ControlModifier
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def open_capture(qtbot, make_ctx, actor) -> PaperCapture:  # type: ignore[no-untyped-def]
    widget = PaperCapture(make_ctx(actor))
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget.folio_edit)
    return widget


def type_form(qtbot, widget: PaperCapture, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """From the folio to the last field, in the paper's order: type, then Tab to the next.

    The folio ends with Enter (what a QR scanner sends); a choice is marked with the
    arrow keys, the emergency box with Space; dates are typed as written (DD/MM/AAAA).
    """
    assert focused() is widget.folio_edit
    type_text(qtbot, values["folio"])
    press(qtbot, Qt.Key.Key_Return)
    for name in paper_order()[1:]:
        item = widget.inputs[name]
        assert focused() is item.focus, (name, focused().objectName())
        value = values.get(name, "")
        if item.field.kind is P.Kind.CHOICE:
            choices = [v for v, _label in item.field.choices]
            if value:
                press(qtbot, Qt.Key.Key_Space)  # the first choice
                press(qtbot, Qt.Key.Key_Right, times=choices.index(value))
                assert item.value() == value
        elif item.field.kind is P.Kind.CHECK:
            if value:
                press(qtbot, Qt.Key.Key_Space)
        elif value:
            type_text(qtbot, value)
        press(qtbot, Qt.Key.Key_Tab)


def capture_and_wait(qtbot, widget: PaperCapture) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Enter, then wait for the background capture to answer."""
    before = (widget.last_outcome, widget.last_problems)
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not widget.busy and (widget.last_outcome, widget.last_problems) != before)


def counts(db) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Request)),
                s.scalar(select(func.count()).select_from(Patient)),
                s.scalar(select(func.count()).select_from(AuditEvent)))


def test_inputs_are_built_from_the_paper_field_list(qtbot, make_ctx, cast):
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    assert widget.objectName() == "paperCapture"
    assert list(widget.inputs) == paper_order()
    for pf in P.PAPER_FIELDS:
        item = widget.inputs[pf.name]
        kind = {P.Kind.DATE: DateEdit, P.Kind.MULTILINE: QPlainTextEdit, P.Kind.CHECK: QCheckBox,
                P.Kind.TEXT: QLineEdit}.get(pf.kind)
        if kind is not None:
            assert isinstance(item.widget, kind), pf.name
        if pf.kind is P.Kind.TEXT and pf.spec.max_length:
            assert item.widget.maxLength() == pf.spec.max_length, pf.name
        if pf.kind is P.Kind.CHOICE:
            # Labelled as on paper (Spanish), one radio button per choice.
            assert [(b.property("choice"), b.text()) for b in item.buttons.buttons()] == list(pf.choices)
        # The screen shows the paper's own labels (the Spanish translation must not drift).
        assert item.widget.accessibleName() == pf.label, pf.name
        shown = item.label if item.label is not None and item.label.isVisible() else item.widget
        if isinstance(shown, QLabel | QCheckBox):
            assert shown.text().replace("&", "") == pf.label, pf.name
    assert widget.inputs["folio"].label.text().replace("&", "") == P.FOLIO.label


def test_receptionist_types_a_paper_form_and_captures_it_with_ctrl_enter(qtbot, make_ctx, cast, db):
    folio = reserve(db, cast)[0]
    written_on = clock.today() - timedelta(days=3)
    values = paper_values(db, cast, folio, requested_on=f"{written_on:%d/%m/%Y}",
                          second_last_name="Gómez")
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    type_form(qtbot, widget, values)
    # The folio was checked as it was entered; the catalog codes are confirmed beside them.
    assert widget.folio_note.text().startswith(f"✓ {folio} · reservado para 09UMF20")
    assert widget.inputs["service"].note.text().startswith("✓ IMG-TAC-CRA")
    assert widget.inputs["diagnosis"].note.text() == "✓ G43.9 — Migraña, no especificada"
    assert widget.inputs["justification"].counter.text().startswith(f"{len(values['justification'])} / 4000")
    assert focused() is widget.attach_button  # after the physician: the optional scan
    capture_and_wait(qtbot, widget)

    outcome = widget.last_outcome
    assert outcome is not None and outcome.submitted, widget.result_title.text()
    with db.session() as s:
        [req] = s.scalars(select(Request)).all()
        assert (req.folio, req.origin, req.status) == (folio, Origin.PAPER, RequestStatus.IN_REVIEW)
        assert req.requested_on == written_on  # the date written on paper, not today
        assert req.patient_id == cast.patient_id and req.physician_id == cast.physician.user_id
        assert req.service.code == "IMG-TAC-CRA" and req.diagnosis_code == "G439"
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity_id == str(req.uuid))).all()
        assert [(e.action, e.username) for e in events][0] == ("capture_paper", "recepcion.umf")
    # The result stays on screen; the form is blank and ready for the next paper.
    assert widget.result_title.text() == (
        f"El folio {folio} se registró y se envió a dictamen (estado: En revisión).")
    assert all(item.is_blank() for item in widget.inputs.values())
    assert focused() is widget.folio_edit
    assert not widget.store.exists()


def test_rejected_form_shows_every_problem_and_records_nothing(qtbot, make_ctx, cast, db):
    folio = reserve(db, cast)[0]
    values = paper_values(db, cast, folio, nss="12345678901", service="NO-EXISTE",
                          requested_on="31/02/2026", physician="nadie")
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    type_form(qtbot, widget, values)
    typed = widget.paper_form()
    before = counts(db)
    capture_and_wait(qtbot, widget)

    assert widget.last_outcome is None
    problems = widget.last_problems
    assert {"nss", "service", "requested_on", "physician"} <= {p.field for p in problems}
    assert counts(db) == before  # nothing written: no request, patient or audit event
    # Every problem is listed, in the paper's order, and shown beside its field.
    listed = [widget.result_list.item(i).text() for i in range(widget.result_list.count())]
    assert len(listed) == len(problems)
    assert listed[0].startswith("NSS: ")
    assert widget.result_title.text() == (
        f"No se registró nada: corrija los {len(problems)} problemas señalados y capture de nuevo.")
    for name in ("nss", "service", "requested_on", "physician"):
        note = widget.inputs[name].note
        assert note.isVisible() and note.text(), name
    assert "no es una clave del catálogo" in widget.inputs["service"].note.text()
    assert "31/02/2026" in widget.inputs["requested_on"].note.text()
    # What was typed is all still there, and the cursor is on the first field to fix.
    assert widget.paper_form() == typed
    assert focused() is widget.inputs["nss"].widget

    # Correct each field (typing over the selection); its mark goes as soon as it changes.
    type_text(qtbot, paper_values(db, cast, folio)["nss"])
    assert not widget.inputs["nss"].note.isVisible()
    for name, value in (("service", "IMG-TAC-CRA"), ("requested_on", f"{clock.today():%d%m%Y}"),
                        ("physician", "medico1")):
        widget.focus_field(name)
        widget.inputs[name].widget.selectAll()
        type_text(qtbot, value)
    capture_and_wait(qtbot, widget)
    assert widget.last_outcome is not None and widget.last_outcome.submitted
    with db.session() as s:
        assert s.scalar(select(Request.folio).where(Request.origin == Origin.PAPER)) == folio


def test_problem_in_the_list_takes_the_cursor_to_its_field(qtbot, make_ctx, cast, db):
    folio = reserve(db, cast)[0]
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    type_form(qtbot, widget, paper_values(db, cast, folio, diagnosis="¿?", physician="nadie"))
    capture_and_wait(qtbot, widget)
    assert focused() is widget.inputs["diagnosis"].widget
    widget.result_list.setFocus()
    press(qtbot, Qt.Key.Key_Down)
    assert "nadie" in widget.result_list.currentItem().text()
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is widget.inputs["physician"].widget


def test_blocking_review_keeps_a_draft_and_lists_what_the_physician_must_fix(qtbot, make_ctx, cast, db):
    folio = reserve(db, cast)[0]
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    type_form(qtbot, widget, paper_values(db, cast, folio, service=BASIC_SERVICE,
                                          second_last_name="Zárate"))
    assert "catálogo básico" in widget.inputs["service"].note.text()
    capture_and_wait(qtbot, widget)
    outcome = widget.last_outcome
    assert outcome is not None and not outcome.submitted
    assert "como borrador (estado: Borrador)" in widget.result_title.text()
    listed = [widget.result_list.item(i).text() for i in range(widget.result_list.count())]
    assert listed[0].startswith("El médico debe corregir: ")
    assert any(line.startswith("Nota: El formato difiere del padrón en segundo apellido")
               for line in listed)
    with db.session() as s:
        req = s.scalar(select(Request).where(Request.folio == folio))
        assert (req.status, req.origin) == (RequestStatus.DRAFT, Origin.PAPER)


def test_scan_is_attached_with_the_capture(qtbot, make_ctx, cast, db, tmp_path, monkeypatch):
    folio = reserve(db, cast)[0]
    scan = tmp_path / "formato escaneado.png"
    scan.write_bytes(PNG)
    too_big = tmp_path / "enorme.pdf"
    with too_big.open("wb") as fh:
        fh.truncate(MAX_SCAN_BYTES + 1)
    chosen = [str(too_big), str(scan)]
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *args, **kwargs: (chosen.pop(0), "")))
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    type_form(qtbot, widget, paper_values(db, cast, folio))
    assert focused() is widget.attach_button
    press(qtbot, Qt.Key.Key_Space)
    assert widget.scan is None and "el máximo es 20 MB" in widget.scan_note.text()
    press(qtbot, Qt.Key.Key_Space)
    assert widget.scan is not None and not widget.scan_note.isVisible()
    assert widget.scan_label.text().startswith("formato escaneado.png · ")
    capture_and_wait(qtbot, widget)
    assert widget.last_outcome is not None and widget.scan is None
    with db.session() as s:
        attachment = s.scalar(select(Attachment))
        assert attachment.request_id == widget.last_outcome.request_id
        assert (attachment.media_type, attachment.content) == ("image/png", PNG)


@pytest.mark.parametrize("error, message", [
    (RuntimeError("disk on fire"), "No se pudo capturar el formato por un error inesperado; no se "
                                   "registró nada y lo escrito sigue aquí."),
    (IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed: requests.folio")),
     "Otra estación registró los mismos datos en el mismo momento (probablemente este folio); "
     "aquí no se registró nada. Capture de nuevo para ver qué falta."),
])
def test_failure_keeps_what_was_typed(qtbot, make_ctx, cast, db, messages, monkeypatch, error, message):
    folio = reserve(db, cast)[0]

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(paper_service, "capture_paper", broken)
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    type_form(qtbot, widget, paper_values(db, cast, folio))
    typed = widget.paper_form()
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: bool(messages.shown))
    assert messages.texts() == [message]
    assert not widget.busy and widget.body.isEnabled() and widget.capture_button.isEnabled()
    assert widget.paper_form() == typed
    assert focused() is widget.folio_edit
    assert counts(db)[0] == 0


def test_only_reception_and_admin_capture(qtbot, make_ctx, cast, db, messages):
    folio = reserve(db, cast)[0]
    widget = open_capture(qtbot, make_ctx, cast.physician)
    type_form(qtbot, widget, paper_values(db, cast, folio))
    press(qtbot, Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: bool(messages.shown))
    assert "se necesita el rol de" in messages.texts()[0]
    assert widget.paper_form().folio == folio and counts(db)[0] == 0


def test_typed_emergency_survives_closing_the_window(qtbot, make_ctx, cast, db):
    folio = reserve(db, cast)[0]
    performed = clock.today() - timedelta(days=1)
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    type_form(qtbot, widget, paper_values(db, cast, folio, emergency="1",
                                          performed_on=f"{performed:%d/%m/%Y}"))
    typed = widget.paper_form()
    widget.hide()  # switching section or closing keeps it on this computer
    again = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    assert again.paper_form() == typed and again.paper_form().emergency is True
    assert again.state_label.text().startswith("Se recuperó en este equipo una captura sin terminar")
    capture_and_wait(qtbot, again)
    assert again.last_outcome is not None and not again.store.exists()
    with db.session() as s:
        req = s.scalar(select(Request).where(Request.folio == folio))
        assert (req.is_emergency, req.performed_on, req.origin) == (True, performed, Origin.PAPER)


def test_ctrl_n_clears_after_asking(qtbot, make_ctx, cast, db, messages):
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    type_text(qtbot, "09UMF20")
    messages.answer = messages.answer.No
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert widget.folio_edit.text() == "09UMF20"
    messages.answer = messages.answer.Yes
    press(qtbot, Qt.Key.Key_N, CTRL)
    assert widget.folio_edit.text() == "" and focused() is widget.folio_edit


def test_filled_pdfs_are_imported_in_a_batch_with_a_report(qtbot, make_ctx, cast, db, tmp_path,
                                                          monkeypatch):
    blanks = print_fillable_blanks(db, tmp_path, 3)
    good = filled_copy(db, cast, blanks[0], tmp_path / "1-bueno.pdf")
    draft = filled_copy(db, cast, blanks[1], tmp_path / "2-borrador.pdf", service=BASIC_SERVICE)
    bad = filled_copy(db, cast, blanks[2], tmp_path / "3-malo.pdf", nss="12345678901")
    not_pdf = tmp_path / "4-texto.pdf"
    not_pdf.write_text("esto no es un PDF")
    files = [good, draft, bad, not_pdf]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *args, **kwargs: ([str(f) for f in files], "")))
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    with qtbot.waitSignal(widget.sig_imported, timeout=30000) as imported:
        press(qtbot, Qt.Key.Key_O, CTRL)
    assert imported.args == [2]
    dialog = widget.report_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.summary_label.text() == (
        "Importados 2 de 4 archivos (1 enviados a dictamen, 1 como borrador, 2 rechazados).")
    rows = [(e.source, e.result, e.folio) for e in dialog.entries]
    assert rows == [
        ("1-bueno.pdf", "Enviado a dictamen", blanks[0].stem),
        ("2-borrador.pdf", "Borrador: el médico debe corregirlo", blanks[1].stem),
        ("3-malo.pdf", "Rechazado: no se registró nada", blanks[2].stem),
        ("4-texto.pdf", "Rechazado: no se registró nada", ""),
    ]
    assert any(line.startswith("NSS: ") for line in dialog.entries[2].details)
    assert "no es un PDF" in dialog.entries[3].details[0]
    assert dialog.entries[1].details[0].startswith("El médico debe corregir: ")
    # Each problem is on screen in full (wrapped, not cut short).
    shown = dialog.browser.toPlainText()
    for entry in dialog.entries:
        assert all(line in shown for line in entry.details)
    report = dialog.report_text()
    assert report.splitlines()[0] == dialog.summary_label.text()
    assert f"3-malo.pdf ({blanks[2].stem}): Rechazado: no se registró nada" in report
    with db.session() as s:
        imported_folios = set(s.scalars(select(Request.folio).where(Request.origin == Origin.PDF)))
    assert imported_folios == {blanks[0].stem, blanks[1].stem}
    assert widget.import_button.isEnabled() and widget.capture_button.isEnabled()


def test_pdf_import_with_nothing_chosen_does_nothing(qtbot, make_ctx, cast, db, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *args, **kwargs: ([], "")))
    widget = open_capture(qtbot, make_ctx, cast.reception_elsewhere)
    press(qtbot, Qt.Key.Key_O, CTRL)
    assert widget.report_dialog is None and not widget.busy



def test_a_scan_that_is_a_fifo_is_refused_without_hanging(qtbot, make_ctx, cast, tmp_path):
    import os

    widget = open_capture(qtbot, make_ctx, cast.reception)
    fifo = tmp_path / "escaner.png"
    os.mkfifo(fifo)
    assert widget.set_scan_file(str(fifo)) is False
    assert "no es un archivo común" in widget.scan_note.text()
    assert widget.scan is None
