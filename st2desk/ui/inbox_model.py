"""Database-paged table models for the inbox and the appeals queue.

The model never holds more than the rows the view has asked for: it starts with one
keyset page and `fetchMore` appends the next one when the view scrolls to the end
(`canFetchMore` is false once a page comes back short). It does not query by itself:
the window hands it a `fetch(after, limit)` function that goes through the operations
helper to a service (`services.inbox.inbox_page`, `appeals_page`), so sorting is the
database's ``ORDER BY due_at, id`` on an index — never a QSortFilterProxyModel over
every row (DESIGN §5).

`data()` answers the roles it handles with a value of the role's type (an empty string,
a brush with no style, the default font) and None only for roles it does not handle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from st2desk import clock
from st2desk.models import Priority
from st2desk.services.inbox import (
    INBOX_STATUSES,
    MAX_PAGE,
    PAGE_SIZE,
    AppealRow,
    Cursor,
    InboxRow,
)
from st2desk.ui.request_detail import (
    clock_text,
    fmt_datetime,
    fmt_owner_date,
    priority_labels,
    status_labels,
)

R = TypeVar("R", InboxRow, AppealRow)
Fetch = Callable[[Cursor | None, int], Sequence[Any]]

ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_NO_BRUSH = QBrush()
_OVERDUE = QBrush(QColor("#fde2e1"))
_PAUSED = QBrush(QColor("#eef3fb"))
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
_SAMPLE_LATE = timedelta(days=10, hours=23)


@dataclass(frozen=True)
class Column(Generic[R]):
    key: str
    header: str
    text: Callable[[R], str]
    align: int = _LEFT
    tooltip: Callable[[R], str] | None = None
    width: int = 100
    sample: str = ""  # typical widest text: the view sizes the column to fit it


class PagedTableModel(QAbstractTableModel, Generic[R]):
    """Rows of a keyset-paged query, fetched a page at a time as the view scrolls."""

    EMPHASISED: frozenset[str] = frozenset({"clock", "priority"})  # keys drawn bold at times

    sig_fetch_failed = Signal(str)
    """A page could not be read; the argument is the Spanish message."""

    def __init__(self, columns: Sequence[Column[R]], fetch: Fetch | None = None, *,
                 page_size: int = PAGE_SIZE, now: Callable[[], datetime] = clock.now,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns: list[Column[R]] = list(columns)
        self.page_size = page_size
        self._fetch = fetch
        self._rows: list[R] = []
        self._exhausted = True
        self.error: str | None = None  # why the last read failed (shown instead of rows)
        self._now_fn = now
        self.now = now()
        self._bold = QFont()
        self._bold.setBold(True)
        self._plain = QFont()

    # ------------------------------------------------------------------ loading

    def set_fetch(self, fetch: Fetch | None) -> None:
        """Show a new query (other filters): its first page only."""
        self._fetch = fetch
        self.error = None
        self.beginResetModel()
        self._rows = []
        self._exhausted = fetch is None
        self.endResetModel()
        if fetch is not None:
            self._append(self._read(None, self.page_size))

    def set_rows(self, rows: Sequence[R]) -> None:
        """Show a fixed list (search results): nothing more to fetch."""
        self._fetch = None
        self.error = None
        self.beginResetModel()
        self._rows = list(rows)
        self._exhausted = True
        self.endResetModel()

    def reload(self, rows_needed: int | None = None) -> None:
        """Read the first rows again (another workstation changed data).

        `rows_needed`: how many the view must keep (down to the selection or the last
        visible row), rounded up to whole pages; by default as many as are loaded now.
        """
        self.now = self._now_fn()
        if self._fetch is None:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1,
                                                               self.columnCount() - 1))
            return
        needed = len(self._rows) if rows_needed is None else min(rows_needed, len(self._rows))
        wanted = max(1, -(-needed // self.page_size)) * self.page_size
        rows: list[R] = []
        after: Cursor | None = None
        while len(rows) < wanted:
            size = min(MAX_PAGE, wanted - len(rows))
            chunk = self._read(after, size)
            rows.extend(chunk)
            if len(chunk) < size:
                break
            after = chunk[-1].cursor
        self.beginResetModel()
        self._rows = rows
        self._exhausted = len(rows) < wanted
        self.endResetModel()

    def replace_rows(self, rows: Sequence[R]) -> None:
        """Update rows in place by id (a search result after a decision)."""
        fresh = {r.id: r for r in rows}
        for i, row in enumerate(self._rows):
            if row.id in fresh:
                self._rows[i] = fresh[row.id]
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.columnCount() - 1))

    def tick(self) -> None:
        """Move the service-level clock on (time left is relative to now)."""
        self.now = self._now_fn()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._rows) - 1, self.columnCount() - 1))

    def _read(self, after: Cursor | None, limit: int) -> list[R]:
        if self._fetch is None:
            return []
        try:
            return list(self._fetch(after, limit))
        except Exception as exc:  # noqa: BLE001 - reported, the view stays usable
            message = getattr(exc, "message", None)
            if message is None:
                raise
            self._fetch = None
            self._exhausted = True
            self.error = message
            self.sig_fetch_failed.emit(message)
            return []

    def _append(self, rows: list[R]) -> None:
        if len(rows) < self.page_size:
            self._exhausted = True
        else:
            self._exhausted = False
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008,N802
        return not parent.isValid() and not self._exhausted and self._fetch is not None

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008,N802
        if parent.isValid() or self._exhausted or not self._rows:
            return
        self._append(self._read(self._rows[-1].cursor, self.page_size))

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    # ------------------------------------------------------------------ access

    @property
    def rows(self) -> list[R]:
        return self._rows

    def row_at(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, request_id: int) -> int:
        for i, row in enumerate(self._rows):
            if row.id == request_id:
                return i
        return -1

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008,N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _LEFT
        elif orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(row)
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if self.emphasised(row, column.key) else self._plain
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{column.header}: {column.text(row)}"
        if role == ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        return None

    def background(self, row: R) -> QBrush:
        return _NO_BRUSH

    def emphasised(self, row: R, key: str) -> bool:
        return False


# --------------------------------------------------------------------------- the inbox


class InboxModel(PagedTableModel[InboxRow]):
    """Pending requests in service-clock order; overdue rows highlighted, paused ones tinted."""

    def __init__(self, fetch: Fetch | None = None, *, now: Callable[[], datetime] = clock.now,
                 page_size: int = PAGE_SIZE, parent: QObject | None = None) -> None:
        self._statuses = status_labels()
        priorities = priority_labels()
        columns: list[Column[InboxRow]] = [
            Column("folio", self.tr("Folio"), lambda r: r.folio, width=150,
                   sample="09UMF20-2026-000000-W"),
            Column("clock", self.tr("Time left"), self._clock, width=140,
                   # the widest of "overdue by 10 d 23 h" and "paused (6 d 23 h left)"
                   sample=max((clock_text(INBOX_STATUSES[0], _EPOCH, None, _EPOCH + _SAMPLE_LATE),
                               clock_text(INBOX_STATUSES[1], _EPOCH + _SAMPLE_LATE, _EPOCH,
                                          _EPOCH)), key=len),
                   tooltip=lambda r: self.tr("Due %1").replace(
                       "%1", fmt_datetime(r.due_at, r.time_zone))),
            Column("priority", self.tr("Priority"), lambda r: priorities[r.priority], width=80),
            Column("patient", self.tr("Patient"), lambda r: r.patient_name, width=160,
                   tooltip=lambda r: f"{r.patient_name}\n{r.nss} {r.agregado}"),
            Column("service", self.tr("Service"), lambda r: r.service_name, width=190,
                   tooltip=lambda r: f"{r.service_code} — {r.service_name}"),
            Column("warnings", self.tr("Warnings"), lambda r: str(r.warnings) if r.warnings else "",
                   align=_CENTER, width=70,
                   tooltip=lambda r: self.tr("Warnings from the automated review: %1").replace(
                       "%1", str(r.warnings))),
            # The requesting unit's day; the tooltip names its zone when it is not ours.
            Column("submitted", self.tr("Submitted"),
                   lambda r: fmt_owner_date(r.submitted_at, r.time_zone), width=85,
                   sample="00/00/0000",
                   tooltip=lambda r: fmt_datetime(r.submitted_at, r.time_zone)),
            Column("unit", self.tr("Requesting unit"), lambda r: r.requesting_unit_code, width=120,
                   tooltip=lambda r: f"{r.requesting_unit_code} — {r.requesting_unit_name}"),
            Column("specialty", self.tr("Specialty"), lambda r: r.specialty_name, width=160),
            Column("nss", self.tr("NSS"), lambda r: f"{r.nss} {r.agregado}", width=170),
        ]
        super().__init__(columns, fetch, page_size=page_size, now=now, parent=parent)

    def _clock(self, row: InboxRow) -> str:
        """Time left while pending; the status once decided (search results)."""
        if row.status not in INBOX_STATUSES:
            return self._statuses[row.status]
        return clock_text(row.status, row.due_at, row.clock_paused_at, self.now)

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def background(self, row: InboxRow) -> QBrush:
        if row.overdue(self.now):
            return _OVERDUE
        if row.paused:
            return _PAUSED
        return _NO_BRUSH

    def emphasised(self, row: InboxRow, key: str) -> bool:
        if key == "clock":
            return row.overdue(self.now)
        if key == "priority":
            return row.priority is Priority.URGENT
        return False


# --------------------------------------------------------------------------- appeals


class AppealsModel(PagedTableModel[AppealRow]):
    """Open appeals, oldest first, with the rejection they are against."""

    def __init__(self, fetch: Fetch | None = None, *, now: Callable[[], datetime] = clock.now,
                 page_size: int = PAGE_SIZE, parent: QObject | None = None) -> None:
        priorities = priority_labels()
        columns: list[Column[AppealRow]] = [
            Column("folio", self.tr("Folio"), lambda r: r.folio, width=150,
                   sample="09UMF20-2026-000000-W"),
            Column("waiting", self.tr("Waiting"), self._waiting, width=80,
                   tooltip=lambda r: self.tr("Appeal filed %1").replace(
                       "%1", fmt_datetime(r.filed_at, r.time_zone))),
            Column("patient", self.tr("Patient"), lambda r: r.patient_name, width=180),
            Column("reason", self.tr("Rejection reason"),
                   lambda r: f"{r.rejection_reason_code} {r.rejection_reason}".strip(), width=220,
                   tooltip=lambda r: f"{r.rejection_reason_code} — {r.rejection_reason}\n\n"
                                     f"{r.rejection_text}"),
            Column("rejected_by", self.tr("Rejected by"), lambda r: r.rejected_by_name, width=130),
            Column("grounds", self.tr("Appeal grounds"), lambda r: " ".join(r.grounds.split()),
                   width=260, tooltip=lambda r: r.grounds),
            Column("service", self.tr("Service"), lambda r: r.service_name, width=200,
                   tooltip=lambda r: f"{r.service_code} — {r.service_name}"),
            Column("filed", self.tr("Appeal filed"),
                   lambda r: fmt_datetime(r.filed_at, r.time_zone), width=125),
            Column("priority", self.tr("Priority"), lambda r: priorities[r.priority], width=80),
            Column("unit", self.tr("Requesting unit"), lambda r: r.requesting_unit_code, width=110),
        ]
        super().__init__(columns, fetch, page_size=page_size, now=now, parent=parent)

    def _waiting(self, row: AppealRow) -> str:
        days = max(0, (self.now - row.filed_at).days)
        return self.tr("%1 d").replace("%1", str(days))

    def emphasised(self, row: AppealRow, key: str) -> bool:
        return key == "priority" and row.priority is Priority.URGENT
