"""Folio blocks tab: reserve a block of paper folios for a unit, see each block's use, print
its blank forms or print it again (the batch printing of `ui.printing_blank`)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from st2desk.services import catalogs_admin, folios
from st2desk.services.folios import BlockInfo
from st2desk.ui.admin.common import make_table, selected_key, set_rows
from st2desk.ui.context import UiContext


class FolioBlocksTab(QWidget):
    """Every reserved block with how many of its folios a request already uses."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.blocks: list[BlockInfo] = []
        self.dialog = None
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("adminFolioUnit")
        units = ctx.ops.read(lambda s: catalogs_admin.list_units(s, ctx.actor))
        for unit in units:
            if unit.active:
                self.unit_combo.addItem(f"{unit.code} · {unit.name}", unit.code)
        own = next((u.code for u in units if u.id == ctx.actor.unit_id), "")
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(own)))
        # A long unit name does not make the section wider than a 1,024-pixel screen.
        self.unit_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.unit_combo.setMinimumContentsLength(20)
        self.count_spin = QSpinBox()
        self.count_spin.setObjectName("adminFolioCount")
        self.count_spin.setRange(1, folios.MAX_BLOCK)
        self.count_spin.setValue(50)
        self.reserve_button = QPushButton(self.tr("&Reserve"))
        self.reserve_button.setObjectName("adminFolioReserve")
        self.reserve_button.setToolTip(self.tr("Reserve the folios without printing (e.g. for "
                                               "fillable PDFs)."))
        self.reserve_button.clicked.connect(self.reserve)
        self.print_new_button = QPushButton(self.tr("Reserve and &print…"))
        self.print_new_button.setObjectName("adminFolioPrintNew")
        self.print_new_button.clicked.connect(self.print_new)
        self.table = make_table("adminFolioBlocksTable", [
            self.tr("Block"), self.tr("Unit"), self.tr("Year"), self.tr("First folio"),
            self.tr("Last folio"), self.tr("Forms"), self.tr("Used"), self.tr("Free")])
        self.table.itemSelectionChanged.connect(self._sync)
        self.reprint_button = QPushButton(self.tr("Print the block &again…"))
        self.reprint_button.setObjectName("adminFolioReprint")
        self.reprint_button.clicked.connect(self.reprint)

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("&Unit:")))
        top.itemAt(0).widget().setBuddy(self.unit_combo)  # type: ignore[union-attr]
        top.addWidget(self.unit_combo, 1)
        top.addWidget(QLabel(self.tr("Folios:")))
        top.addWidget(self.count_spin)
        top.addWidget(self.reserve_button)
        top.addWidget(self.print_new_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.reprint_button)
        bottom.addStretch(1)
        note = QLabel(self.tr("A paper form can be captured only with a folio of a block reserved "
                              "for its unit. Folios are never handed out twice."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(note)
        ctx.ops.sig_data_changed.connect(self._data_changed)
        self.reload()

    @Slot(str)
    def _data_changed(self, what: str) -> None:
        if what in ("folios", "external", "request") and self.isVisible():
            self.reload()

    @Slot()
    def reload(self) -> None:
        selected = selected_key(self.table)
        self.blocks = self.ctx.ops.read(lambda s: folios.list_blocks(s))
        self.blocks.sort(key=lambda b: b.id, reverse=True)  # newest first
        set_rows(self.table, [(b.id, [str(b.id), b.unit_code, str(b.year), b.first_folio,
                                      b.last_folio, str(b.count), str(b.used),
                                      str(b.count - b.used)]) for b in self.blocks])
        if selected is not None:
            self.select_block(selected)
        self._sync()

    def select_block(self, block_id: int) -> None:
        for index, block in enumerate(self.blocks):
            if block.id == block_id:
                self.table.selectRow(index)

    @Slot()
    def _sync(self) -> None:
        self.reprint_button.setEnabled(selected_key(self.table) is not None)

    @Slot()
    def reserve(self) -> None:
        actor, unit, count = self.ctx.actor, self.unit_combo.currentData(), self.count_spin.value()
        block = self.ctx.ops.write(lambda s: folios.reserve_block(s, actor, unit, count),
                                   parent=self, changed="folios")
        if block is None:
            return
        self.reload()
        self.select_block(block.id)
        QMessageBox.information(self, self.tr("Folio blocks"), self.tr(
            "Block %1 reserved: %2 to %3.").replace("%1", str(block.id))
            .replace("%2", block.first_folio).replace("%3", block.last_folio))

    def _print_dialog(self):  # type: ignore[no-untyped-def]
        from st2desk.ui.printing_blank import BlankFormsDialog

        dialog = BlankFormsDialog(self.ctx, self)
        dialog.finished.connect(lambda _r: self.reload())
        self.dialog = dialog
        return dialog

    @Slot()
    def print_new(self) -> None:
        dialog = self._print_dialog()
        dialog.unit_edit.setText(self.unit_combo.currentData() or "")
        dialog.count_spin.setValue(self.count_spin.value())
        dialog.open()

    @Slot()
    def reprint(self) -> None:
        block_id = selected_key(self.table)
        if block_id is None:
            return
        dialog = self._print_dialog()
        dialog.reprint_radio.setChecked(True)
        dialog.block_combo.setCurrentIndex(dialog.block_combo.findData(block_id))
        dialog.open()
