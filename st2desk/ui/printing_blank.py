"""Printing a block of blank paper ST2 forms from the application (administrators).

The printer is chosen (or the remembered one taken) before the folios are reserved, so a
print that cannot start reserves nothing (DESIGN §7.4). The forms are drawn and printed
off the GUI thread, with progress and cancel; if the job fails or is cancelled the block
stays reserved and can be printed again from "Reprint a block".
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from st2desk.models import Unit
from st2desk.services import folios, paper
from st2desk.ui import printing
from st2desk.ui.context import UiContext


class BlankFormsDialog(QDialog):
    """Reserve a folio block (or take an existing one) and print its blank forms."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("blankFormsDialog")
        self.setWindowTitle(self.tr("Print blank ST2 forms"))
        self.printed: paper.BlankBlock | None = None

        self.new_radio = QRadioButton(self.tr("Reserve a &new block"))
        self.new_radio.setChecked(True)
        self.reprint_radio = QRadioButton(self.tr("&Reprint a block"))
        group = QButtonGroup(self)
        group.addButton(self.new_radio)
        group.addButton(self.reprint_radio)
        self.unit_edit = QLineEdit(self._own_unit_code())
        self.unit_edit.setObjectName("blankUnitEdit")
        self.unit_edit.setPlaceholderText(self.tr("Unit code, e.g. 09UMF20"))
        self.count_spin = QSpinBox()
        self.count_spin.setObjectName("blankCountSpin")
        self.count_spin.setRange(1, folios.MAX_BLOCK)
        self.count_spin.setValue(50)
        self.block_combo = QComboBox()
        self.block_combo.setObjectName("blankBlockCombo")
        for block in self.ctx.ops.read(lambda s: folios.list_blocks(s)):
            self.block_combo.addItem(
                self.tr("Block %1 · %2 … %3 (%4 forms, %5 used)")
                .replace("%1", str(block.id)).replace("%2", block.first_folio)
                .replace("%3", block.last_folio).replace("%4", str(block.count))
                .replace("%5", str(block.used)), block.id)
        self.reprint_radio.setEnabled(self.block_combo.count() > 0)
        note = QLabel(self.tr("Letter paper, one form per sheet, each with its folio and QR code. "
                              "If printing stops, the folios stay reserved: reprint the block."))
        note.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.new_radio)
        form.addRow(self.tr("&Unit:"), self.unit_edit)
        form.addRow(self.tr("&Forms:"), self.count_spin)
        form.addRow(self.reprint_radio)
        form.addRow(self.tr("&Block:"), self.block_combo)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.print_button = QPushButton(self.tr("&Print"))
        self.print_button.setObjectName("blankPrintButton")
        self.print_button.setDefault(True)
        self.choose_button = QPushButton(self.tr("Choose &printer and print…"))
        self.choose_button.setObjectName("blankChoosePrinterButton")
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.choose_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(lambda: self.print_forms(ask=False))
        self.choose_button.clicked.connect(lambda: self.print_forms(ask=True))
        self.new_radio.toggled.connect(self._sync)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self._sync()

    def _own_unit_code(self) -> str:
        unit_id = self.ctx.actor.unit_id
        return self.ctx.ops.read(lambda s: s.scalar(select(Unit.code).where(Unit.id == unit_id))) or ""

    @Slot()
    def _sync(self) -> None:
        new = self.new_radio.isChecked()
        self.unit_edit.setEnabled(new)
        self.count_spin.setEnabled(new)
        self.block_combo.setEnabled(not new)

    def print_forms(self, *, ask: bool = False) -> None:
        purpose = printing.forms_purpose()
        printer = printing.printer_for(self, purpose, ask=ask)
        if printer is None:
            return  # nothing reserved
        block_id = None if self.new_radio.isChecked() else self.block_combo.currentData()
        unit_code = self.unit_edit.text().strip() if block_id is None else ""
        count = self.count_spin.value()
        block = self.ctx.ops.write(
            lambda s: paper.blank_block(s, self.ctx.actor, unit_code, count, block_id=block_id),
            parent=self, changed="folios")
        if block is None:
            return
        where = printing.printer_label(printer)
        stopped = self.tr("The folios of block %1 stay reserved: print it again with "
                          "“Reprint a block”.").replace("%1", str(block.block_id))

        def job(progress, cancelled) -> int:  # type: ignore[no-untyped-def]
            from st2desk.pdf.st2_form import render_form_bytes

            documents = (render_form_bytes(content) for content in block.contents())  # type: ignore[arg-type]
            try:
                return printing.print_documents(printer, documents, total=len(block.folios),
                                                progress=progress, cancelled=cancelled)
            except printing.PrintCancelled as exc:
                raise printing.PrintCancelled(f"{exc.message} {stopped}") from None
            except printing.PrintFailed as exc:
                raise printing.PrintFailed(f"{exc.message} {stopped}") from None

        def done(count: int) -> None:
            self.printed = block
            QMessageBox.information(self, self.windowTitle(), self.tr(
                "%1 blank forms (%2 to %3, block %4) sent to %5.")
                .replace("%1", str(count)).replace("%2", block.folios[0])
                .replace("%3", block.folios[-1]).replace("%4", str(block.block_id))
                .replace("%5", where))
            self.accept()

        self.ctx.ops.background(job, parent=self, label=self.tr("Printing blank forms…"),
                                on_done=done)

