"""Pieces the Administration tabs share: read-only tables and dialogs that keep what was
typed and show the service's refusal under the fields."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from st2desk.errors import St2Error
from st2desk.ui.context import UiContext


def make_table(name: str, headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return table


def set_rows(table: QTableWidget, rows: Sequence[tuple[Any, Sequence[str]]], *,
             append: bool = False) -> None:
    """Fill `table` with (key, cells) rows; the key is kept in the first cell's UserRole."""
    start = table.rowCount() if append else 0
    table.setRowCount(start + len(rows))
    for offset, (key, cells) in enumerate(rows):
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if len(text) > 40:
                item.setToolTip(text)  # the cell may be elided
            if column == 0:
                item.setData(Qt.ItemDataRole.UserRole, key)
            table.setItem(start + offset, column, item)
    if not append:
        table.resizeColumnsToContents()
        for column in range(table.columnCount()):
            table.setColumnWidth(column, min(table.columnWidth(column), 300))
        # The last column takes what is left (stretch) instead of pushing the table wider.
        table.setColumnWidth(table.columnCount() - 1, 60)


def selected_key(table: QTableWidget) -> Any:
    row = table.currentRow()
    if row < 0 or table.item(row, 0) is None or not table.item(row, 0).isSelected():
        return None
    return table.item(row, 0).data(Qt.ItemDataRole.UserRole)


class FormDialog(QDialog):
    """A form whose OK runs one service call in a transaction; a refusal is shown under the
    fields and the dialog stays open with what was typed. `result_value` holds the
    service's answer after `accept()`."""

    def __init__(self, ctx: UiContext, parent: QWidget | None, name: str, title: str) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.result_value: Any = None
        self.form = QFormLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("adminFormError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("adminFormOk")
        self.ok_button.setText(self.tr("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def call(self) -> Callable[[Any], Any]:
        """The service call to run (a function of the session)."""
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setAccessibleDescription(message)
        self.error_label.show()
        self.adjustSize()

    def submit(self) -> None:
        try:
            fn = self.call()
            result = self.ctx.ops.write(fn, parent=self, changed="admin", show_errors=False)
        except St2Error as exc:
            self.show_error(exc.message)
            return
        self.result_value = result
        self.accept()
