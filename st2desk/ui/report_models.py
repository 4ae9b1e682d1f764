"""Qt table model over one report `Table` (`st2desk.reports.model`).

A report table is a handful of aggregated rows (at most one per unit, ~1,500 at the
reference scale), already in memory: the model sorts them itself on the raw values —
numbers as numbers, dates as dates, text without regard to case or accents, empty
figures (None) always last — so no QSortFilterProxyModel is involved (DESIGN §5).
Sorting by column −1 (the header's cleared indicator) restores the service's order,
which is meaningful (the backlog comes oldest first).

Display follows the column kinds: numbers right-aligned with Mexican separators
(`format_value`), rates as percentages, hours and days with one decimal (the tooltip
spells long durations out in days and hours), date-times in Mexico time. Headers are the
Spanish labels of the `Column` definitions (long ones on two lines), their `help` as
tooltip.

A `vertical` table (the summary: one record) is shown as label/value rows, unsortable.

`data()` answers the roles it handles with a value of that role's type (an empty string,
a brush with no style) and None only for roles it does not handle (DESIGN §5).
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from st2desk.reports.model import Column, Table, format_value

Index = QModelIndex | QPersistentModelIndex

RAW_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value of a cell (int, float, date, …, None)
COLUMN_ROLE = Qt.ItemDataRole.UserRole + 2  # the cell's column name (Column.name)

_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_NO_BRUSH = QBrush()
_EMPTY_BRUSH = QBrush(QColor("#8a8a8a"))
_EMPTY = "—"

_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole


def display_text(col: Column, value: Any) -> str:
    """What a cell shows (the same conventions as the exports)."""
    return format_value(col.kind, value, empty=_EMPTY)


def duration_text(hours: float) -> str:
    """1,234.5 h → "51 d 10 h" (rounded to the hour); "" under a day."""
    if hours is None or abs(hours) < 24:
        return ""
    total = round(abs(hours))
    days, rest = divmod(total, 24)
    sign = "−" if hours < 0 else ""
    return f"{sign}{days:,} d {rest} h"


def header_text(label: str, limit: int = 12) -> str:
    """A long header label on two lines, broken at the space nearest its middle, so that
    wide tables keep narrow numeric columns ("Aprobadas tras recurso" → 2 lines)."""
    if len(label) <= limit or " " not in label:
        return label
    middle = len(label) / 2
    cut = min((i for i, c in enumerate(label) if c == " "), key=lambda i: abs(i - middle))
    return f"{label[:cut]}\n{label[cut + 1:]}"


def sort_key(kind: str, value: Any) -> Any:
    """A key that orders raw values of one column kind (None is handled by the caller)."""
    if kind == "text":
        text = unicodedata.normalize("NFKD", str(value))
        return "".join(c for c in text if not unicodedata.combining(c)).casefold()
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, date):
        return value.toordinal()
    if isinstance(value, (int, float)):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


class ReportTableModel(QAbstractTableModel):
    """One `Table` of a report, sortable on its raw values."""

    def __init__(self, table: Table | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._table: Table | None = None
        self._order: list[int] = []
        self._sorted_by: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._bold = QFont()
        self._bold.setBold(True)
        self._plain = QFont()
        if table is not None:
            self.set_table(table)

    # ------------------------------------------------------------------ content

    def set_table(self, table: Table | None) -> None:
        self.beginResetModel()
        self._table = table
        self._order = list(range(len(table.rows))) if table is not None else []
        self._sorted_by = (-1, Qt.SortOrder.AscendingOrder)
        self.endResetModel()

    def table(self) -> Table | None:
        return self._table

    @property
    def vertical(self) -> bool:
        return self._table is not None and self._table.vertical

    def column_of(self, name: str) -> int:
        """The view column that shows the table column `name` (horizontal tables)."""
        if self._table is None:
            raise KeyError(name)
        return self._table.index(name)

    def row_values(self, row: int) -> tuple[Any, ...]:
        """The raw values of the row shown at `row` (in the current sort order)."""
        assert self._table is not None
        return self._table.rows[self._order[row]]

    def row_dict(self, row: int) -> dict[str, Any]:
        assert self._table is not None
        return dict(zip((c.name for c in self._table.columns), self.row_values(row), strict=True))

    def rows_in_view_order(self) -> list[tuple[Any, ...]]:
        assert self._table is not None
        return [self._table.rows[i] for i in self._order]

    def _cell(self, row: int, column: int) -> tuple[Column, Any] | None:
        table = self._table
        if table is None:
            return None
        if table.vertical:
            if not 0 <= row < len(table.columns):
                return None
            col = table.columns[row]
            value = table.rows[0][row] if table.rows else None
            return col, value
        if not (0 <= row < len(self._order) and 0 <= column < len(table.columns)):
            return None
        return table.columns[column], table.rows[self._order[row]][column]

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        if parent.isValid() or self._table is None:
            return 0
        if self._table.vertical:
            return len(self._table.columns)
        return len(self._order)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        if parent.isValid() or self._table is None:
            return 0
        return 2 if self._table.vertical else len(self._table.columns)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        cell = self._cell(index.row(), index.column())
        if cell is None:
            return None
        col, value = cell
        label_cell = self.vertical and index.column() == 0
        if role == _DISPLAY:
            return col.label if label_cell else display_text(col, value)
        if role == _ALIGN:
            return _RIGHT if col.numeric and not label_cell else _LEFT
        if role == _TOOLTIP:
            if label_cell:
                return col.help or col.label
            return self._tooltip(col, value)
        if role == _FOREGROUND:
            return _EMPTY_BRUSH if value is None and not label_cell else _NO_BRUSH
        if role == _FONT:
            if self.vertical and not label_cell:
                return self._bold
            return self._plain
        if role == RAW_ROLE:
            return col.label if label_cell else value
        if role == COLUMN_ROLE:
            return col.name
        return None

    def _tooltip(self, col: Column, value: Any) -> str:
        text = display_text(col, value)
        if col.kind == "hours" and value is not None:
            spelled = duration_text(value)
            return f"{text} h ({spelled})" if spelled else f"{text} h"
        if col.kind == "days" and value is not None:
            return duration_text(value * 24) or f"{text} d"
        if col.kind == "text":
            return text  # long names are elided in the cell
        return col.help

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = _DISPLAY) -> Any:
        table = self._table
        if table is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            if role == _DISPLAY:
                return str(section + 1)
            return None
        if table.vertical:
            if role == _DISPLAY:
                return (self.tr("Indicator"), self.tr("Value"))[section] if section in (0, 1) else ""
            if role == _ALIGN:
                return _RIGHT if section == 1 else _LEFT
            return None
        if not 0 <= section < len(table.columns):
            return None
        col = table.columns[section]
        if role == _DISPLAY:
            return header_text(col.label)
        if role == _TOOLTIP:
            return f"{col.label}: {col.help}" if col.help else col.label
        if role == _ALIGN:
            return _RIGHT if col.numeric else _LEFT
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            # A first click on a figure puts the largest first; on a name, A to Z.
            return Qt.SortOrder.DescendingOrder if col.numeric else Qt.SortOrder.AscendingOrder
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort on the raw values; column −1 restores the report's own order."""
        table = self._table
        if table is None or table.vertical:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        before = [(self._order[p.row()], p.column()) for p in persistent]
        if not 0 <= column < len(table.columns):
            self._order = list(range(len(table.rows)))
        else:
            kind = table.columns[column].kind
            present = [i for i in range(len(table.rows)) if table.rows[i][column] is not None]
            empty = [i for i in range(len(table.rows)) if table.rows[i][column] is None]
            present.sort(key=lambda i: sort_key(kind, table.rows[i][column]),
                         reverse=order == Qt.SortOrder.DescendingOrder)
            self._order = present + empty  # no figure: last either way
        self._sorted_by = (column, order)
        position = {source: row for row, source in enumerate(self._order)}
        self.changePersistentIndexList(
            persistent, [self.index(position[src], col) for src, col in before])
        self.layoutChanged.emit()

    @property
    def sorted_by(self) -> tuple[int, Qt.SortOrder]:
        return self._sorted_by
