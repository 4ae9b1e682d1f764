"""Blank paper ST2 forms printed from the application: reserve, print with progress, reprint."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from st2desk.models import AuditEvent, FolioBlock
from st2desk.ui import printing
from st2desk.ui.paper_capture import PaperCapture
from st2desk.ui.printing_blank import BlankFormsDialog
from tests.paper_support import needs_pdftoppm, qr_texts, render_pages
from tests.ui.test_printing import FakeDialog


def blocks(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(FolioBlock))


def open_dialog(qtbot, make_ctx, actor) -> BlankFormsDialog:  # type: ignore[no-untyped-def]
    dialog = BlankFormsDialog(make_ctx(actor))
    qtbot.addWidget(dialog)
    return dialog


@needs_pdftoppm
def test_a_block_of_blank_forms_prints_one_letter_page_each_with_its_folio(
        qtbot, db, cast, make_ctx, messages, monkeypatch, tmp_path):
    out = tmp_path / "formatos.pdf"
    chooser = FakeDialog(monkeypatch, out)
    dialog = open_dialog(qtbot, make_ctx, cast.admin)
    dialog.count_spin.setValue(3)
    dialog.print_forms()
    dialog.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: dialog.printed is not None, timeout=20000)
    assert chooser.calls == 1
    folios = dialog.printed.folios
    assert len(folios) == 3 and blocks(db) == 1
    reader = PdfReader(str(out))
    assert [(round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in reader.pages] == [(612, 792)] * 3
    pngs = render_pages(out, tmp_path / "png", dpi=150)
    assert [qr_texts(png) for png in pngs] == [[f] for f in folios]
    assert messages.shown[-1][0] == "information" and "3 formatos en blanco" in messages.shown[-1][1]


def test_no_block_is_reserved_when_the_print_dialog_is_cancelled(qtbot, db, cast, make_ctx,
                                                                 monkeypatch, tmp_path):
    chooser = FakeDialog(monkeypatch, tmp_path / "x.pdf")
    chooser.answer = QDialog.DialogCode.Rejected
    dialog = open_dialog(qtbot, make_ctx, cast.admin)
    dialog.print_forms()
    assert chooser.calls == 1 and blocks(db) == 0


def test_a_failed_print_keeps_the_block_and_says_how_to_reprint(qtbot, db, cast, make_ctx, messages,
                                                                tmp_path):
    QSettings().setValue(printing.SETTING_FORMS_OUTPUT_FILE, str(tmp_path / "no-existe" / "x.pdf"))
    dialog = open_dialog(qtbot, make_ctx, cast.admin)
    dialog.count_spin.setValue(2)
    dialog.print_forms()
    dialog.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: len(messages.shown) == 1, timeout=10000)
    assert blocks(db) == 1
    text = messages.shown[0][1]
    assert "No se pudo escribir el archivo" in text and "siguen reservados" in text
    # The block is offered for a reprint, which is audited as such.
    QSettings().setValue(printing.SETTING_FORMS_OUTPUT_FILE, str(tmp_path / "ok.pdf"))
    again = open_dialog(qtbot, make_ctx, cast.admin)
    assert again.block_combo.count() == 1 and again.reprint_radio.isEnabled()
    again.reprint_radio.setChecked(True)
    again.print_forms()
    again.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: again.printed is not None, timeout=20000)
    assert len(PdfReader(str(tmp_path / "ok.pdf")).pages) == 2 and blocks(db) == 1
    with db.session() as s:
        assert s.scalar(select(func.count()).where(AuditEvent.action == "reprint_folios")) == 1


def test_only_administrators_see_the_blank_forms_button(qtbot, db, cast, make_ctx):
    for actor, visible in ((cast.admin, True), (cast.reception, False)):
        window = PaperCapture(make_ctx(actor))
        qtbot.addWidget(window)
        assert window.blank_button.isVisibleTo(window) is visible
