"""Administration ▸ Folio blocks: reserve for a unit, see each block's use, print and reprint."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import QSettings
from sqlalchemy import func, select

from st2desk.models import FolioBlock
from st2desk.ui import printing
from tests.ui.admin_support import click, column, events, open_tab


def test_reserving_a_block_lists_it_with_its_use(qtbot, db, cast, make_ctx, messages):
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "folios")
    assert tab.table.objectName() == "adminFolioBlocksTable" and tab.table.rowCount() == 0
    tab.unit_combo.setCurrentIndex(tab.unit_combo.findData("09HGZ24"))
    tab.count_spin.setValue(25)
    click(qtbot, tab.reserve_button)
    assert tab.table.rowCount() == 1
    assert column(tab.table, 1) == ["09HGZ24"] and column(tab.table, 5) == ["25"]
    assert column(tab.table, 6) == ["0"] and column(tab.table, 7) == ["25"]
    assert "reservado" in messages.texts()[-1]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(FolioBlock)) == 1
    assert events(db, "reserve_folios")[-1].details["count"] == 25


def test_a_block_prints_and_reprints_through_the_batch_printing(qtbot, db, cast, make_ctx, messages,
                                                               tmp_path):
    QSettings().setValue(printing.SETTING_FORMS_OUTPUT_FILE, str(tmp_path / "primero.pdf"))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "folios")
    tab.count_spin.setValue(2)
    click(qtbot, tab.print_new_button)
    dialog = tab.dialog
    assert dialog.isVisible() and dialog.count_spin.value() == 2
    assert dialog.unit_edit.text() == "09UMF20"
    dialog.print_forms()
    dialog.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: dialog.printed is not None, timeout=20000)
    assert len(PdfReader(str(tmp_path / "primero.pdf")).pages) == 2
    qtbot.waitUntil(lambda: tab.table.rowCount() == 1)
    QSettings().setValue(printing.SETTING_FORMS_OUTPUT_FILE, str(tmp_path / "otra.pdf"))
    assert not tab.reprint_button.isEnabled()
    tab.table.selectRow(0)
    click(qtbot, tab.reprint_button)
    again = tab.dialog
    assert again.reprint_radio.isChecked()
    assert again.block_combo.currentData() == int(tab.table.item(0, 0).text())
    again.print_forms()
    again.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: again.printed is not None, timeout=20000)
    assert len(PdfReader(str(tmp_path / "otra.pdf")).pages) == 2
    assert len(events(db, "reprint_folios")) == 1 and len(events(db, "reserve_folios")) == 1


def test_a_refused_reservation_says_why_and_reserves_nothing(qtbot, db, cast, make_ctx, messages):
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "folios")
    with db.transaction() as s:  # another administrator deactivated the unit meanwhile
        from st2desk.models import Unit

        s.scalar(select(Unit).where(Unit.code == "09UMF20")).active = False
    click(qtbot, tab.reserve_button)
    assert "no está activa" in messages.texts()[-1] and tab.table.rowCount() == 0
