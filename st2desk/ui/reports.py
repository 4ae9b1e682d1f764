"""Reports section (role admin): planning and control figures of DESIGN §1.7.

The manager chooses a period (this month, this quarter, last quarter, this year, or any
dd/mm/yyyy range), narrows it to a delegation, a requesting unit, a specialty or a
service category, ticks the breakdowns (week, month, category, specialty, unit,
delegation) and generates (Ctrl+G or F5; Enter in the filters). `services.reports.generate`
runs in a worker thread through `ctx.ops.background` (progress dialog, Escape cancels:
the result is discarded). The result shows as tabs:

- Summary: what stands out (the specialty with the greatest deferral, the physicians far
  above their peers), the scope, the key figures and the times to decision;
- Charts: the report's matplotlib charts (imported only then, so start-up stays fast);
- one sortable table per figure (backlog, physicians, activity by each breakdown,
  overdue, duplicates, emergencies), with the service's notes;
- Definitions: how each figure is measured.

Export (Ctrl+E) writes the whole report as XLSX (with the charts), CSV or PDF (with the
charts) — in the background, to a temporary name renamed into place when complete. A
table's context menu copies it or saves it alone as CSV in the order shown.
"""

from __future__ import annotations

import contextvars
import html
import logging
import re
import threading
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, QSettings, QStandardPaths, Qt, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from st2desk import clock
from st2desk.errors import St2Error, ValidationError
from st2desk.reports.model import DEFINITIONS, Dimension, Report, ReportFilter, Table, format_value
from st2desk.services import inbox as inbox_service
from st2desk.services import reports as reports_service
from st2desk.services.reports import FilterOptions, Option
from st2desk.ui import accessibility
from st2desk.ui.context import UiContext
from st2desk.ui.operations import show_error
from st2desk.ui.report_models import ReportTableModel
from st2desk.ui.screen_fit import ReflowBoxLayout

log = logging.getLogger(__name__)

ACTION_GENERATE = "reports.generate"
ACTION_EXPORT = "reports.export"

SETTING_DELEGATION = "reports/delegation"
SETTING_BY = "reports/by"
SETTING_EXPORT_FORMAT = "reports/export_format"
SETTING_EXPORT_DIR = "reports/export_dir"

FORMATS = ("xlsx", "csv", "pdf")
DEFAULT_BY = (Dimension.MONTH, Dimension.SPECIALTY)
CHART_SIZE = (10.0, 3.6)  # inches, as in the PDF report
MAX_COLUMN_WIDTH = 300

# The figures a manager looks for first come first; the activity tables follow in the
# order of the breakdowns, then the lists.
LEADING_TABLES = ("backlog", "physicians")
TRAILING_TABLES = ("overdue", "duplicates", "emergencies")
COUNTED_TABLES = ("backlog", "physicians", "overdue")


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_range(kind: str, today: date) -> tuple[date, date]:
    """The quick periods: this month / this quarter / this year so far; the last whole quarter."""
    if kind == "month":
        return today.replace(day=1), today
    if kind == "quarter":
        return quarter_start(today), today
    if kind == "last_quarter":
        end = quarter_start(today) - timedelta(days=1)
        return quarter_start(end), end
    if kind == "year":
        return date(today.year, 1, 1), today
    raise ValueError(kind)


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")
_COMPACT_DATE = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")


def parse_day(text: str) -> date | None:
    """"31/03/2026", "31-3-2026" or "31032026" → the date; None if it is not one."""
    match = _DATE.match(text) or _COMPACT_DATE.match(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass
class _Outcome:
    """What a background job hands back: a value, an error to show, or nothing (cancelled).

    Failures come back as outcomes too (not raised to the operations helper), so the
    section can say what happened instead of keeping "Generating…" on screen."""

    value: Any = None
    error: str | None = None  # a Spanish domain message or an OS error text
    cancelled: bool = False
    failed: bool = False  # an unexpected error (logged)


_warming = threading.Lock()
_warmed = False


def _warm_up_matplotlib() -> None:
    """Import matplotlib in the background once a report is on screen (~0.4 s), so the
    Charts page opens promptly; start-up itself never imports it."""
    global _warmed
    with _warming:
        if _warmed:
            return
        _warmed = True

    def load() -> None:
        try:
            import matplotlib.backends.backend_agg  # noqa: F401
            import matplotlib.figure  # noqa: F401
            import matplotlib.ticker  # noqa: F401
        except Exception:  # noqa: BLE001 - the Charts page will say what is wrong
            log.debug("matplotlib warm-up failed", exc_info=True)

    threading.Thread(target=load, name="st2desk-matplotlib", daemon=True).start()


# --------------------------------------------------------------------------- widgets


class DayField(QWidget):
    """A day typed as dd/mm/yyyy (also ddmmyyyy), with a calendar: the arrow, Alt+Down or F4.

    Typed, not spun: a QDateEdit refuses "31" in the day while the month shown is
    February, so typing 31032026 over 10/02/2026 goes wrong; here the text is read whole.
    """

    sig_changed = Signal()
    """The text changed (typed, picked in the calendar or set)."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.setObjectName(name)
        self.edit.setPlaceholderText(self.tr("dd/mm/yyyy"))
        self.edit.setMaxLength(10)
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        self.edit.setToolTip(self.tr("dd/mm/yyyy — Alt+Down opens the calendar"))
        self.edit.editingFinished.connect(self._normalize)
        self.edit.textChanged.connect(lambda _text: self.sig_changed.emit())
        self.edit.installEventFilter(self)
        self.button = QToolButton()
        self.button.setObjectName(f"{name}Calendar")
        self.button.setArrowType(Qt.ArrowType.DownArrow)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.button.setToolTip(self.tr("Choose the day in a calendar (Alt+Down)"))
        self.button.clicked.connect(self.open_calendar)
        self.button.setFixedHeight(self.edit.sizeHint().height())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.edit)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)
        self._calendar: QCalendarWidget | None = None

    def text(self) -> str:
        return self.edit.text()

    def select(self) -> None:
        """Focus the field with its text selected, ready to be typed over."""
        self.edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.edit.selectAll()

    def day(self) -> date | None:
        return parse_day(self.edit.text())

    def set_day(self, day: date) -> None:
        self.edit.setText(f"{day:%d/%m/%Y}")
        self._mark_valid(True)

    @Slot()
    def _normalize(self) -> None:
        value = self.day()
        if value is not None:
            self.edit.setText(f"{value:%d/%m/%Y}")
        self._mark_valid(value is not None)

    def _mark_valid(self, valid: bool) -> None:
        self.edit.setStyleSheet("" if valid else "QLineEdit { border: 1px solid #b3261e; }")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            if key_event.key() == Qt.Key.Key_F4 or (
                    key_event.key() == Qt.Key.Key_Down
                    and key_event.modifiers() & Qt.KeyboardModifier.AltModifier):
                self.open_calendar()
                return True
        return super().eventFilter(watched, event)

    @Slot()
    def open_calendar(self) -> None:
        """The calendar under the field; Enter or a click picks the day, Esc closes it."""
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setObjectName("calendarPopup")
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.setGridVisible(True)
        calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        current = self.day() or clock.today()
        calendar.setSelectedDate(to_qdate(current))
        calendar.activated.connect(lambda day: self._picked(calendar, day))
        calendar.clicked.connect(lambda day: self._picked(calendar, day))
        calendar.move(self.mapToGlobal(QPoint(0, self.height())))
        self._calendar = calendar
        calendar.show()
        calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, calendar: QCalendarWidget, day: QDate) -> None:
        self.set_day(from_qdate(day))
        calendar.close()
        self._calendar = None
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)

    @property
    def calendar(self) -> QCalendarWidget | None:
        """The calendar popup while it is open."""
        return self._calendar if self._calendar is not None and self._calendar.isVisible() else None


class FilterPanel(QWidget):
    """The filters; Enter anywhere in them generates the report."""

    sig_submit = Signal()
    """Enter was pressed in a filter."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            event.accept()
            self.sig_submit.emit()
            return
        super().keyPressEvent(event)


class ReportTableView(QTableView):
    """A report table: sortable by clicking a header (third click: the report's order),
    Ctrl+C copies the selection as tab-separated text, the context menu saves it as CSV."""

    sig_export_requested = Signal()
    """The user asked to save this table alone as CSV."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Table")
        self.report_model = ReportTableModel(parent=self)
        self.setModel(self.report_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.copy_action = QAction(self.tr("&Copy"), self)
        self.copy_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.copy_selection)
        self.addAction(self.copy_action)
        self.export_action = QAction(self.tr("&Save this table as CSV…"), self)
        self.export_action.triggered.connect(self.sig_export_requested.emit)

    def set_table(self, table: Table) -> None:
        header = self.horizontalHeader()
        self.setSortingEnabled(False)
        self.report_model.set_table(table)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(not table.vertical)
        header.setStretchLastSection(table.vertical)
        self.resizeColumnsToContents()
        for column in range(self.report_model.columnCount()):
            if self.columnWidth(column) > MAX_COLUMN_WIDTH:
                self.setColumnWidth(column, MAX_COLUMN_WIDTH)

    @Slot()
    def copy_selection(self) -> None:
        model = self.report_model
        indexes = self.selectionModel().selectedIndexes()
        if not indexes:
            return
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        lines = ["\t".join(str(model.headerData(c, Qt.Orientation.Horizontal)).replace("\n", " ")
                           for c in columns)]
        for r in rows:
            lines.append("\t".join(str(model.index(r, c).data()) for c in columns))
        QGuiApplication.clipboard().setText("\n".join(lines))

    @Slot(QPoint)
    def _context_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.copy_action)
        menu.addAction(self.export_action)
        menu.exec(self.viewport().mapToGlobal(pos))


class TablePage(QWidget):
    """One report table with its title and note."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Page")
        self.title = QLabel()
        self.title.setObjectName("tableTitle")
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.title.setStyleSheet("QLabel { color: #1f3a5f; }")
        self.view = ReportTableView(name)
        self.empty = QLabel(self.tr("Nothing to show for these filters."))
        self.empty.setObjectName("emptyTable")
        self.empty.setStyleSheet("QLabel { color: #6b6b6b; font-style: italic; }")
        self.note = QLabel()
        self.note.setObjectName("tableNote")
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setStyleSheet("QLabel { color: #555555; }")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.empty)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note)
        self._stretch = QWidget()  # takes the room of an empty table
        layout.addWidget(self._stretch, 1)
        self.setFocusProxy(self.view)

    def set_table(self, table: Table) -> None:
        self.title.setText(table.title)
        self.view.set_table(table)
        empty = not table.rows
        self.empty.setVisible(empty)
        self.view.setVisible(not empty)
        self._stretch.setVisible(empty)
        self.note.setText(table.note)
        self.note.setVisible(bool(table.note))


# --------------------------------------------------------------------------- the section


class ReportsView(QWidget):
    """Reports section of the main window (role admin)."""

    sig_report_shown = Signal()
    """A freshly generated report is on screen."""

    sig_exported = Signal(str)
    """A report or table file was written; the argument is its path."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("reportsView")
        self._report: Report | None = None
        self._pngs: dict[str, bytes] | None = None  # charts rendered for the exports
        self._generation = 0  # only the newest generation is shown
        self._pages: dict[str, QWidget] = {}
        self._charts_built = False
        self._options: FilterOptions | None = None

        self._build_filters()
        self._build_results()
        self._build_actions()
        self._layout()
        self._show_placeholder()
        self._load_options()
        self.set_period("quarter")
        self._connect_staleness()
        self.setFocusProxy(self.from_edit)

    # ------------------------------------------------------------------ building

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setMaxVisibleItems(20)
        combo.setMinimumContentsLength(14)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        combo.setToolTip(self.tr("Type the first letters or the code to jump to an entry."))
        return combo

    def _build_filters(self) -> None:
        self.filters = FilterPanel()
        self.filters.setObjectName("reportFilters")
        self.filters.sig_submit.connect(self.generate)
        self.from_edit = DayField("fromDate")
        self.to_edit = DayField("toDate")
        self.from_label = QLabel(self.tr("&From:"))
        self.from_label.setBuddy(self.from_edit.edit)
        self.to_label = QLabel(self.tr("&To:"))
        self.to_label.setBuddy(self.to_edit.edit)
        for label, day in ((self.from_label, self.from_edit), (self.to_label, self.to_edit)):
            day.edit.setAccessibleName(accessibility.strip_label(label.text()))
            day.button.setAccessibleName(day.button.toolTip())

        self.period_buttons: dict[str, QPushButton] = {}
        for kind, text, tip, name in (
                ("month", self.tr("This month"), self.tr("From the 1st of this month to today"),
                 "thisMonthButton"),
                ("quarter", self.tr("This quarter"),
                 self.tr("From the first day of this quarter to today"), "thisQuarterButton"),
                ("last_quarter", self.tr("Last quarter"), self.tr("The whole previous quarter"),
                 "lastQuarterButton"),
                ("year", self.tr("This year"), self.tr("From 1 January to today"),
                 "thisYearButton")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.setAutoDefault(True)  # Enter on a focused button presses it
            button.clicked.connect(lambda _=False, k=kind: self.set_period(k))
            self.period_buttons[kind] = button

        self.delegation_combo = self._combo("delegationCombo")
        self.unit_combo = self._combo("unitCombo")
        self.specialty_combo = self._combo("specialtyCombo")
        self.category_combo = self._combo("categoryCombo")
        self.delegation_label = QLabel(self.tr("&Delegation:"))
        self.delegation_label.setBuddy(self.delegation_combo)
        self.unit_label = QLabel(self.tr("&Unit:"))
        self.unit_label.setBuddy(self.unit_combo)
        self.unit_label.setToolTip(self.tr("Requesting unit"))
        self.specialty_label = QLabel(self.tr("&Specialty:"))
        self.specialty_label.setBuddy(self.specialty_combo)
        self.category_label = QLabel(self.tr("&Category:"))
        self.category_label.setBuddy(self.category_combo)
        self.delegation_combo.currentIndexChanged.connect(self._delegation_changed)

        dimension_texts = {
            Dimension.WEEK: self.tr("Week"),
            Dimension.MONTH: self.tr("Month"),
            Dimension.CATEGORY: self.tr("Service category"),
            Dimension.SPECIALTY: self.tr("Specialty"),
            Dimension.UNIT: self.tr("Requesting unit"),
            Dimension.DELEGATION: self.tr("Delegation"),
        }
        self.by_checks: dict[Dimension, QCheckBox] = {}
        for dim in Dimension:
            check = QCheckBox(dimension_texts[dim])
            check.setObjectName(f"by_{dim.value}")
            check.setToolTip(self.tr("Add a table of requests and decisions by this breakdown"))
            self.by_checks[dim] = check
        # The label's mnemonic moves the focus to the first box without ticking it (a
        # checkbox as buddy would be clicked): the buddy is the row, which hands focus on.
        self.by_box = QWidget()
        self.by_box.setObjectName("breakdowns")
        self.by_box.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.by_box.setFocusProxy(self.by_checks[Dimension.WEEK])
        self.by_label = QLabel(self.tr("&Break down by:"))
        self.by_label.setBuddy(self.by_box)

        self.generate_button = QPushButton(self.tr("Gene&rate  Ctrl+G"))
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setToolTip(self.tr("Compute the report for these filters (Ctrl+G, F5 or Enter)"))
        self.generate_button.setAutoDefault(True)
        self.generate_button.clicked.connect(self.generate)
        self.generate_button.setStyleSheet("QPushButton { font-weight: bold; padding: 4px 14px; }")
        self.export_button = QPushButton(self.tr("E&xport…  Ctrl+E"))
        self.export_button.setObjectName("exportButton")
        self.export_button.setToolTip(self.tr("Save the report as an Excel workbook, CSV or PDF (Ctrl+E)"))
        self.export_button.setAutoDefault(True)
        self.export_button.clicked.connect(lambda: self.export())

    def _build_results(self) -> None:
        self.status_label = QLabel()
        self.status_label.setObjectName("reportStatus")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stale_label = QLabel(self.tr("The filters changed: press Ctrl+G to update the report."))
        self.stale_label.setObjectName("staleNotice")
        self.stale_label.setStyleSheet("QLabel { color: #8a5300; font-weight: bold; }")
        self.stale_label.setVisible(False)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reportTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.placeholder = QLabel(self.tr(
            "Choose the period and the filters, tick the breakdowns you want, and press "
            "Generate (Ctrl+G).") + "\n\n" + self.tr(
            "The report shows the backlog by specialty (the greatest deferral first), the "
            "physicians who request far more than their peers, approval rates and times to "
            "decision, duplicates and emergencies. Ctrl+E exports it as XLSX, CSV or PDF."))
        self.placeholder.setObjectName("reportsPlaceholder")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("QLabel { color: #6b6b6b; font-size: 12pt; padding: 40px; }")

    def _build_actions(self) -> None:
        def action(ident: str, text: str, keys: list[QKeySequence], slot) -> QAction:  # type: ignore[no-untyped-def]
            act = QAction(text, self)
            act.setObjectName(ident)
            act.setShortcuts(keys)
            # Window-wide while this section is shown; a hidden section's shortcuts don't match.
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda _=False: slot())
            self.addAction(act)
            return act

        self.generate_action = action(ACTION_GENERATE, self.tr("Generate report"),
                                      [QKeySequence("Ctrl+G"), QKeySequence("F5")], self.generate)
        self.export_action = action(ACTION_EXPORT, self.tr("Export report"),
                                    [QKeySequence("Ctrl+E")], self.export)

    def _layout(self) -> None:
        grid = QGridLayout(self.filters)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        # The period buttons go under the dates where both do not fit (150 %, 200 %).
        dates = ReflowBoxLayout()
        dates.setSpacing(6)
        days = QHBoxLayout()
        days.addWidget(self.from_edit)
        days.addWidget(self.to_label)
        days.addWidget(self.to_edit)
        days.addSpacing(10)
        days.addStretch(1)
        periods = QHBoxLayout()
        for button in self.period_buttons.values():
            periods.addWidget(button)
        periods.addStretch(1)
        dates.addLayout(days)
        dates.addLayout(periods, 1)
        grid.addWidget(self.from_label, 0, 0)
        grid.addLayout(dates, 0, 1, 1, 3)

        grid.addWidget(self.delegation_label, 1, 0)
        grid.addWidget(self.delegation_combo, 1, 1)
        grid.addWidget(self.unit_label, 1, 2)
        grid.addWidget(self.unit_combo, 1, 3)
        grid.addWidget(self.specialty_label, 2, 0)
        grid.addWidget(self.specialty_combo, 2, 1)
        grid.addWidget(self.category_label, 2, 2)
        grid.addWidget(self.category_combo, 2, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        # Periods, then groupings; the groupings go under the periods where both do not fit.
        boxes = ReflowBoxLayout(self.by_box)
        boxes.setContentsMargins(0, 0, 0, 0)
        boxes.setSpacing(14)
        by_period, by_group = QHBoxLayout(), QHBoxLayout()
        for row in (by_period, by_group):
            row.setSpacing(14)
        for dim, check in self.by_checks.items():
            (by_period if dim in (Dimension.WEEK, Dimension.MONTH) else by_group).addWidget(check)
        by_period.addStretch(1)
        by_group.addStretch(1)
        boxes.addLayout(by_period)
        boxes.addLayout(by_group, 1)
        checks = QHBoxLayout()
        checks.addWidget(self.by_box)
        checks.addStretch(1)
        grid.addWidget(self.by_label, 3, 0)
        grid.addLayout(checks, 3, 1, 1, 3)
        # On a row of their own so the breakdowns are never cut on a 1,024-px screen.
        run = QHBoxLayout()
        run.addStretch(1)
        run.addWidget(self.generate_button)
        run.addWidget(self.export_button)
        grid.addLayout(run, 4, 0, 1, 4)

        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addWidget(self.filters)
        layout.addWidget(rule)
        layout.addWidget(self.status_label)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.placeholder, 1)
        layout.addWidget(self.tabs, 1)

        chain: list[QWidget] = [self.from_edit.edit, self.to_edit.edit, *self.period_buttons.values(),
                                self.delegation_combo, self.unit_combo, self.specialty_combo,
                                self.category_combo, *self.by_checks.values(),
                                self.generate_button, self.export_button, self.tabs]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # ------------------------------------------------------------------ filters

    def _load_options(self) -> None:
        try:
            options = self.ctx.ops.read(
                lambda s: reports_service.filter_options(s, self.ctx.actor))
        except St2Error as exc:  # the admin role was withdrawn since login
            self._say(exc.message, error=True)
            for widget in (self.generate_button, self.export_button, self.filters):
                widget.setEnabled(False)
            self.generate_action.setEnabled(False)
            self.export_action.setEnabled(False)
            return
        self._options = options
        settings = QSettings()
        remembered = settings.value(SETTING_DELEGATION)
        delegation = remembered if isinstance(remembered, str) else self._own_delegation(options)
        self.delegation_combo.blockSignals(True)
        self._fill(self.delegation_combo, self.tr("All delegations"), options.delegations)
        self._select(self.delegation_combo, delegation or None)
        self.delegation_combo.blockSignals(False)
        self._fill(self.specialty_combo, self.tr("All specialties"), options.specialties)
        self._fill(self.category_combo, self.tr("All categories"), options.categories)
        self._fill_units()

        by_setting = settings.value(SETTING_BY)
        if isinstance(by_setting, str):
            chosen = {d.strip() for d in by_setting.split(",")}
        else:
            chosen = {d.value for d in DEFAULT_BY}
        offered = {o.code for o in options.dimensions}
        for dim, check in self.by_checks.items():
            check.setVisible(dim.value in offered)
            check.setChecked(dim.value in chosen and dim.value in offered)

    def _own_delegation(self, options: FilterOptions) -> str | None:
        """The delegation of the manager's unit: the usual first choice."""
        try:
            units = self.ctx.ops.read(inbox_service.unit_choices)
        except St2Error:
            return None
        code = next((u.code for u in units if u.id == self.ctx.actor.unit_id), None)
        return next((o.parent for o in options.units if o.code == code), None)

    @staticmethod
    def _fill(combo: QComboBox, everything: str, options: list[Option]) -> None:
        combo.clear()
        combo.addItem(everything, None)
        for option in options:
            combo.addItem(option.label, option.code)

    @staticmethod
    def _select(combo: QComboBox, code: str | None) -> None:
        index = combo.findData(code) if code is not None else 0
        combo.setCurrentIndex(max(0, index))

    def _fill_units(self) -> None:
        delegation = self.delegation_combo.currentData()
        keep = self.unit_combo.currentData()
        try:
            units = self.ctx.ops.read(lambda s: reports_service.filter_options(
                s, self.ctx.actor, delegation=delegation).units)
        except St2Error as exc:
            self._say(exc.message, error=True)
            return
        self.unit_combo.blockSignals(True)
        self._fill(self.unit_combo, self.tr("All requesting units"), units)
        self._select(self.unit_combo, keep)
        self.unit_combo.blockSignals(False)

    @Slot(int)
    def _delegation_changed(self, _index: int) -> None:
        self._fill_units()
        QSettings().setValue(SETTING_DELEGATION, self.delegation_combo.currentData() or "")

    def set_period(self, kind: str) -> None:
        """Put one of the quick periods in the date fields."""
        start, end = period_range(kind, clock.today())
        self.from_edit.set_day(start)
        self.to_edit.set_day(end)

    def current_filter(self) -> ReportFilter:
        """The filters as the service takes them (ValidationError when a date is not one or
        the dates are reversed)."""
        for field in (self.from_edit, self.to_edit):
            if field.day() is None:
                field.select()
                raise ValidationError(self.tr("Write the dates as dd/mm/yyyy, for example 31/03/2026."))
        start, end = self.from_edit.day(), self.to_edit.day()
        assert start is not None and end is not None
        return ReportFilter(
            start, end, delegation=self.delegation_combo.currentData(),
            unit=self.unit_combo.currentData(), specialty=self.specialty_combo.currentData(),
            category=self.category_combo.currentData())

    def breakdowns(self) -> tuple[Dimension, ...]:
        return tuple(dim for dim, check in self.by_checks.items() if check.isChecked())

    def _connect_staleness(self) -> None:
        for edit in (self.from_edit, self.to_edit):
            edit.sig_changed.connect(self._filters_changed)
        for combo in (self.delegation_combo, self.unit_combo, self.specialty_combo,
                      self.category_combo):
            combo.currentIndexChanged.connect(self._filters_changed)
        for check in self.by_checks.values():
            check.toggled.connect(self._filters_changed)

    @Slot()
    def _filters_changed(self, *_args: object) -> None:
        self.stale_label.setVisible(self._report is not None)

    # ------------------------------------------------------------------ generating

    @Slot()
    def generate(self) -> None:
        """Compute the report for the filters, off the GUI thread."""
        if self._options is None:
            return
        try:
            flt = self.current_filter()
        except St2Error as exc:
            show_error(self, exc.message)
            if exc.field == "date_to":
                self.to_edit.select()
            return
        by = self.breakdowns()
        QSettings().setValue(SETTING_BY, ",".join(d.value for d in by))
        self._generation += 1
        generation = self._generation
        db, actor = self.ctx.db, self.ctx.actor
        as_of = clock.now()
        # The worker sees the same clock as this thread (a demo or test may have moved it).
        context = contextvars.copy_context()

        def work(progress, cancelled) -> _Outcome:  # type: ignore[no-untyped-def]
            progress(0, 0)
            try:
                report = context.run(reports_service.generate, db, actor, flt, by, as_of=as_of)
            except St2Error as exc:
                return _Outcome(error=exc.message)
            except Exception:  # noqa: BLE001 - reported to the user, detailed in the log
                log.exception("report generation failed")
                return _Outcome(failed=True)
            return _Outcome(cancelled=True) if cancelled() else _Outcome(value=report)

        self._say(self.tr("Generating the report…"))
        self.ctx.ops.background(work, parent=self, label=self.tr("Generating the report…"),
                                on_done=lambda outcome: self._generated(generation, outcome))

    def _generated(self, generation: int, outcome: _Outcome) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        if outcome.cancelled:
            self._say(self.tr("Generation cancelled; the report shown (if any) is the previous one."))
            return
        if outcome.error is not None or outcome.failed:
            message = outcome.error or self.tr(
                "The report could not be generated because of an unexpected error; "
                "the details are in the log.")
            self._say(message, error=True)
            show_error(self, message)
            return
        self.show_report(outcome.value)

    @property
    def report(self) -> Report | None:
        """The report on screen, if any."""
        return self._report

    def show_report(self, report: Report) -> None:
        """Put `report` on screen: summary, charts, tables, definitions."""
        keep = self._current_key()
        self._report = report
        self._pngs = None
        self._charts_built = False
        self.tabs.blockSignals(True)
        while self.tabs.count():
            page = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if page is not None:
                page.deleteLater()
        self._pages = {}
        self._add_page("summary", self._summary_page(report), self.tr("Summary"))
        self._add_page("charts", self._charts_page(), self.tr("Charts"))
        if "public_metrics" in report.tables:
            self._add_page("public_metrics", self._public_page(report), self.tr("Public metrics"))
        titles = self._table_titles()
        for name in self._table_order(report):
            table = report.tables[name]
            page = TablePage(name)
            page.set_table(table)
            page.view.sig_export_requested.connect(lambda n=name: self.export_table(n))
            title = titles.get(name, table.title)
            if name in COUNTED_TABLES:
                title = f"{title} ({len(table):,})"
            self._add_page(name, page, title)
        self._add_page("definitions", self._definitions_page(), self.tr("Definitions"))
        self.tabs.blockSignals(False)
        index = self.tabs.indexOf(self._pages.get(keep or "summary", self._pages["summary"]))
        self.tabs.setCurrentIndex(max(0, index))
        self._tab_changed(self.tabs.currentIndex())
        self.placeholder.setVisible(False)
        self.tabs.setVisible(True)
        self.export_button.setEnabled(True)
        self.export_action.setEnabled(True)
        self.stale_label.setVisible(False)
        s = report.summary
        self._say(self.tr("%1 requests submitted, %2 first decisions, %3 pending at the cut-off "
                          "(%4). Generated at %5.")
                  .replace("%1", format_value("int", s.get("requests", 0)))
                  .replace("%2", format_value("int", s.get("decided", 0)))
                  .replace("%3", format_value("int", s.get("pending", 0)))
                  .replace("%4", report.scope[0][1] if report.scope else "")
                  .replace("%5", format_value("datetime", report.generated_at)))
        self.sig_report_shown.emit()
        _warm_up_matplotlib()

    def _table_titles(self) -> dict[str, str]:
        return {
            "backlog": self.tr("Backlog"), "physicians": self.tr("Physicians"),
            "overdue": self.tr("Overdue"), "duplicates": self.tr("Duplicates"),
            "emergencies": self.tr("Emergencies"), "by_week": self.tr("By week"),
            "by_month": self.tr("By month"), "by_category": self.tr("By category"),
            "by_specialty": self.tr("By specialty"), "by_unit": self.tr("By unit"),
            "by_delegation": self.tr("By delegation"),
        }

    @staticmethod
    def _table_order(report: Report) -> list[str]:
        names = [n for n in LEADING_TABLES if n in report.tables]
        names += [n for n in report.tables if n.startswith("by_")]
        names += [n for n in TRAILING_TABLES if n in report.tables]
        names += [n for n in report.tables if n not in names
                  and n not in ("summary", "decision_times", "public_metrics")]
        return names

    def _add_page(self, key: str, page: QWidget, title: str) -> None:
        page.setProperty("reportKey", key)
        self._pages[key] = page
        self.tabs.addTab(page, title.replace("&", "&&"))

    def _current_key(self) -> str | None:
        page = self.tabs.currentWidget()
        return page.property("reportKey") if page is not None else None

    def show_tab(self, key: str) -> QWidget | None:
        """Bring the page `key` ("summary", "charts", "backlog", …) to the front."""
        page = self._pages.get(key)
        if page is not None:
            self.tabs.setCurrentWidget(page)
        return page

    def page(self, key: str) -> QWidget | None:
        return self._pages.get(key)

    def table_view(self, key: str) -> ReportTableView:
        page = self._pages[key]
        if isinstance(page, TablePage):
            return page.view
        view = page.findChild(ReportTableView, f"{key}Table")
        if view is None:
            raise KeyError(key)
        return view

    @Slot(int)
    def _tab_changed(self, _index: int) -> None:
        if self._current_key() == "charts":
            self._build_charts()
        elif self._current_key() == "public_metrics":
            self._build_public_chart()

    def _public_page(self, report: Report) -> QWidget:
        """The CMS-style public metrics: the table (what a screen reader reads), its chart
        (drawn when first shown) and the PDF a delegation can publish."""
        page = QWidget()
        page.setObjectName("publicMetricsPage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        table_page = TablePage("public_metrics")
        table_page.set_table(report.tables["public_metrics"])
        table_page.view.sig_export_requested.connect(
            lambda: self.export_table("public_metrics"))
        table_page.view.setAccessibleName(self.tr("Public prior-authorization metrics"))
        layout.addWidget(table_page, 2)
        self.public_chart_box = QVBoxLayout()
        layout.addLayout(self.public_chart_box, 3)
        row = QHBoxLayout()
        self.public_pdf_button = QPushButton(self.tr("Export PDF to &publish…"))
        self.public_pdf_button.setObjectName("publicPdfButton")
        self.public_pdf_button.setToolTip(self.tr(
            "Only the public metrics, with their definitions, as a PDF a delegation can "
            "publish"))
        self.public_pdf_button.clicked.connect(self.export_public)
        row.addStretch(1)
        row.addWidget(self.public_pdf_button)
        layout.addLayout(row)
        self._public_chart_built = False
        return page

    def _build_public_chart(self) -> None:
        if self._public_chart_built or self._report is None:
            return
        self._public_chart_built = True
        from st2desk.reports.charts import charts_for

        charts = [c for c in charts_for(self._report) if c.name == "public"]
        if not charts:
            return
        from st2desk.ui.chart_widget import ChartPanel

        self.public_chart_box.addWidget(ChartPanel(charts[0]))

    def _show_placeholder(self) -> None:
        self.tabs.setVisible(False)
        self.placeholder.setVisible(True)
        self.export_button.setEnabled(False)
        self.export_action.setEnabled(False)
        self._say("")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet("QLabel { color: #b3261e; font-weight: bold; }" if error
                                        else "QLabel { color: palette(window-text); }")
        self.status_label.setVisible(bool(text))

    # ------------------------------------------------------------------ pages

    def _summary_page(self, report: Report) -> QWidget:
        page = QWidget()
        page.setObjectName("summaryPage")

        self.highlights = QLabel(self._highlights_html(report))
        self.highlights.setObjectName("reportHighlights")
        self.highlights.setWordWrap(True)
        self.highlights.setTextFormat(Qt.TextFormat.RichText)
        self.highlights.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.highlights.linkActivated.connect(self.show_tab)
        self.highlights.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.highlights.setStyleSheet(
            "QLabel#reportHighlights { background: #f3f7fc; border: 1px solid #c9d8ec;"
            " border-radius: 4px; padding: 8px; }")

        scope = QLabel(self._scope_html(report))
        scope.setObjectName("reportScope")
        scope.setWordWrap(True)
        scope.setTextFormat(Qt.TextFormat.RichText)
        scope.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        summary = ReportTableView("summary")
        summary.set_table(report.tables["summary"])
        summary.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        summary.horizontalHeader().setStretchLastSection(False)
        summary.setColumnWidth(1, max(110, summary.columnWidth(1)))
        summary.sig_export_requested.connect(lambda: self.export_table("summary"))

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(8)
        right_layout.addWidget(self.highlights)
        right_layout.addWidget(scope)
        times = report.tables.get("decision_times")
        if times is not None:
            times_page = TablePage("decision_times")
            times_page.set_table(times)
            times_layout = times_page.layout()
            if times_layout is not None:
                times_layout.setContentsMargins(0, 4, 0, 0)
            times_page.view.sig_export_requested.connect(lambda: self.export_table("decision_times"))
            view = times_page.view
            view.setSortingEnabled(False)  # two rows; no room to spare for sort arrows
            view.resizeColumnsToContents()
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            view.setFixedHeight(view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
                                + max(1, len(times)) * view.verticalHeader().defaultSectionSize())
            right_layout.addWidget(times_page)
        right_layout.addStretch(1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("summarySplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(summary)
        scroll = QScrollArea()
        scroll.setWidget(right)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 650])
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(splitter)
        page.setFocusProxy(summary)
        return page

    def _highlights_html(self, report: Report) -> str:
        """What a manager asks first, in sentences with links to the tables."""
        esc = html.escape
        parts: list[str] = []
        backlog = report.tables.get("backlog")
        if backlog is not None and backlog.rows:
            top = backlog.dicts()[0]
            parts.append(self.tr(
                "<b>Greatest deferral:</b> %1 — the oldest pending request has waited %2 days; "
                "%3 pending, %4 overdue. <a href=\"backlog\">See the backlog</a>")
                .replace("%1", esc(f"{top['specialty']} {top['specialty_name']}"))
                .replace("%2", format_value("days", top["oldest_age_days"]))
                .replace("%3", format_value("int", top["pending"]))
                .replace("%4", format_value("int", top["overdue"])))
        elif backlog is not None:
            parts.append(self.tr("<b>Backlog:</b> no request is waiting for a decision."))
        physicians = report.tables.get("physicians")
        if physicians is not None and physicians.rows:
            rows = physicians.dicts()
            names = [self.tr("%1 (%2, %3): %4 requests, %5 × the median of %6 peers")
                     .replace("%1", esc(str(r["physician_name"] or r["physician"])))
                     .replace("%2", esc(str(r["physician"])))
                     .replace("%3", esc(str(r["unit"])))
                     .replace("%4", format_value("int", r["requests"]))
                     .replace("%5", format_value("float", r["ratio"]))
                     .replace("%6", format_value("int", r["peers"]))
                     for r in rows[:3]]
            more = ""
            if len(rows) > 3:
                more = " " + self.tr("and %1 more.").replace("%1", format_value("int", len(rows) - 3))
            parts.append(self.tr("<b>Far above their peers:</b> %1%2 "
                                 "<a href=\"physicians\">See the physicians</a>")
                         .replace("%1", "; ".join(names)).replace("%2", more))
        elif physicians is not None:
            parts.append(self.tr("<b>Far above their peers:</b> no physician. "
                                 "<a href=\"definitions\">How it is measured</a>"))
        s = report.summary
        if s:
            parts.append(self.tr("<b>Decisions:</b> %1 approved of %2 first decisions; %3 decided "
                                 "late. <a href=\"charts\">See the charts</a>")
                         .replace("%1", format_value("rate", s.get("approval_rate")))
                         .replace("%2", format_value("int", s.get("decided")))
                         .replace("%3", format_value("int", s.get("decided_late"))))
        return "<br>".join(parts)

    @staticmethod
    def _scope_html(report: Report) -> str:
        lines = [f"<b>{html.escape(label)}:</b> {html.escape(value)}" for label, value in report.scope]
        lines.append(f"<b>Corte de pendientes:</b> {format_value('datetime', report.as_of)}")
        return "<br>".join(lines)

    def _charts_page(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setObjectName("chartsArea")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(QWidget())  # the charts are drawn when the page is first shown
        return scroll

    def _build_charts(self) -> None:
        """Draw the charts when first looked at (matplotlib is imported here, not at start-up)."""
        if self._charts_built or self._report is None:
            return
        self._charts_built = True
        from st2desk.reports.charts import charts_for

        scroll = self._pages["charts"]
        assert isinstance(scroll, QScrollArea)
        # The cards go into a new container set last, so the scroll area sizes it to them.
        container = QWidget()
        container.setObjectName("chartsContainer")
        layout = QVBoxLayout(container)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(10)
        charts = charts_for(self._report)
        if not charts:
            empty = QLabel(self.tr("No charts: nothing was submitted, decided or pending for "
                                   "these filters."))
            empty.setObjectName("noCharts")
            empty.setStyleSheet("QLabel { color: #6b6b6b; font-style: italic; }")
            layout.addWidget(empty)
        else:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                from st2desk.ui.chart_widget import ChartPanel

                for chart in charts:
                    layout.addWidget(ChartPanel(chart))
            finally:
                QGuiApplication.restoreOverrideCursor()
        layout.addStretch(1)
        scroll.setWidget(container)

    def chart_panels(self) -> list[QWidget]:
        """The chart cards on the Charts page (built when the page is first shown)."""
        page = self._pages.get("charts")
        if page is None:
            return []
        return [w for w in page.findChildren(QFrame) if w.objectName().startswith("chart_")]

    def _definitions_page(self) -> QWidget:
        browser = QTextBrowser()
        browser.setObjectName("definitionsText")
        browser.setOpenLinks(False)
        heading = self.tr("How each figure is measured")
        parts = [f"<h3>{html.escape(heading)}</h3>"]
        for term, text in DEFINITIONS:
            parts.append(f"<p><b>{html.escape(term)}.</b> {html.escape(text)}</p>")
        browser.setHtml("".join(parts))
        return browser

    # ------------------------------------------------------------------ exporting

    def _suggested_name(self, report: Report) -> str:
        flt = report.filter
        parts = ["reporte-st2", f"{flt.date_from:%Y%m%d}", f"{flt.date_to:%Y%m%d}"]
        for code in (flt.delegation, flt.unit, flt.specialty, flt.category):
            if code:
                parts.append(code.lower())
        return "-".join(parts)

    def _export_folder(self) -> Path:
        folder = QSettings().value(SETTING_EXPORT_DIR)
        if isinstance(folder, str) and folder and Path(folder).is_dir():
            return Path(folder)
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents or Path.home())

    def _filters_text(self) -> dict[str, str]:
        return {"xlsx": self.tr("Excel workbook (*.xlsx)"),
                "csv": self.tr("CSV text, comma-separated (*.csv)"),
                "pdf": self.tr("PDF report with charts (*.pdf)")}

    def _ask_path(self, title: str, name: str, formats: dict[str, str],
                  preferred: str) -> tuple[Path, str] | None:
        suggested = self._export_folder() / f"{name}.{preferred}"
        chosen, selected = QFileDialog.getSaveFileName(
            self, title, str(suggested), ";;".join(formats.values()), formats[preferred])
        if not chosen:
            return None
        path = Path(chosen)
        ext = path.suffix.lower().lstrip(".")
        if ext in formats:
            fmt = ext
        else:
            fmt = next((f for f, text in formats.items() if text == selected), preferred)
            path = path.with_name(f"{path.name}.{fmt}")
        QSettings().setValue(SETTING_EXPORT_DIR, str(path.parent))
        return path, fmt

    @Slot()
    def export_public(self) -> None:
        """Save the public metrics alone (with their definitions) as a PDF to publish."""
        self.export("pdf", public=True)

    @Slot()
    def export(self, fmt: str | None = None, *, public: bool = False) -> None:
        """Save the report on screen as XLSX, CSV or PDF (asks where)."""
        report = self._report
        if report is None:
            self._say(self.tr("Generate a report first (Ctrl+G)."), error=True)
            return
        if public:
            from st2desk.services.reports import public_only

            report = public_only(report)
            answer = self._ask_path(self.tr("Export public metrics"),
                                    f"{self._suggested_name(report)}-metricas-publicas",
                                    {"pdf": self._filters_text()["pdf"]}, "pdf")
        else:
            stored = QSettings().value(SETTING_EXPORT_FORMAT, "xlsx")
            preferred = fmt or (stored if stored in FORMATS else "xlsx")
            answer = self._ask_path(self.tr("Export report"), self._suggested_name(report),
                                    self._filters_text(), preferred)
        if answer is None:
            return
        path, fmt = answer
        if not public:
            QSettings().setValue(SETTING_EXPORT_FORMAT, fmt)
        cached = self._pngs if not public else None

        def work(progress, cancelled) -> _Outcome:  # type: ignore[no-untyped-def]
            pngs = dict(cached) if cached is not None else None
            if fmt in ("xlsx", "pdf") and pngs is None:
                from st2desk.reports.charts import charts_for, render_png

                charts = charts_for(report)
                pngs = {}
                for i, chart in enumerate(charts):
                    if cancelled():
                        return _Outcome(cancelled=True)
                    progress(i, len(charts) + 1)
                    pngs[chart.name] = render_png(chart, width=CHART_SIZE[0],
                                                  height=CHART_SIZE[1], dpi=150)
                progress(len(charts), len(charts) + 1)
            if cancelled():
                return _Outcome(cancelled=True)
            from st2desk.outputs import OutputError
            from st2desk.reports.export import export_report

            try:  # whole or nothing (st2desk.outputs); a CSV gets its definitions beside it
                export_report(report, path, fmt, charts=pngs)
            except OutputError as exc:
                return _Outcome(error=str(exc))
            except OSError as exc:
                return _Outcome(error=exc.strerror or str(exc))
            return _Outcome(value=(str(path), None if public else pngs))

        label = {"xlsx": self.tr("Writing the Excel workbook…"), "csv": self.tr("Writing the CSV file…"),
                 "pdf": self.tr("Writing the PDF report…")}[fmt]
        self.ctx.ops.background(work, parent=self, label=label,
                                on_done=lambda outcome: self._exported(report, outcome))

    def _exported(self, report: Report, outcome: _Outcome) -> None:
        if outcome.cancelled:
            self._say(self.tr("Export cancelled; no file was written."))
            return
        if outcome.error is not None:
            show_error(self, self.tr("The file could not be saved: %1").replace("%1", outcome.error))
            return
        path, pngs = outcome.value
        if pngs is not None and report is self._report:
            self._pngs = pngs  # the next export reuses the rendered charts
        self._say(self.tr("Report saved in %1.").replace("%1", path))
        self.sig_exported.emit(path)

    def export_table(self, key: str) -> None:
        """Save one table alone as CSV, in the order it is shown."""
        report = self._report
        if report is None or key not in report.tables:
            return
        table = report.tables[key]
        try:
            view = self.table_view(key)
            table = replace(table, rows=view.report_model.rows_in_view_order())
        except KeyError:
            pass
        csv_only = {"csv": self._filters_text()["csv"]}
        answer = self._ask_path(self.tr("Save table as CSV"),
                                f"{self._suggested_name(report)}-{key.replace('_', '-')}",
                                csv_only, "csv")
        if answer is None:
            return
        path, _fmt = answer
        from st2desk.outputs import OutputError
        from st2desk.reports.export import write_table_csv

        try:
            write_table_csv(table, path)
        except OutputError as exc:
            show_error(self, self.tr("The file could not be saved: %1").replace("%1", str(exc)))
            return
        except OSError as exc:
            show_error(self, self.tr("The file could not be saved: %1").replace(
                "%1", exc.strerror or str(exc)))
            return
        self._say(self.tr("Table saved in %1.").replace("%1", str(path)))
        self.sig_exported.emit(str(path))
