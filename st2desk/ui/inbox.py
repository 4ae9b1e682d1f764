"""The specialist's inbox (bandeja de dictamen): pending requests of the user's performing
unit and specialty in service-clock order, a detail pane, and the three decisions.

Keyboard: Ctrl+F search (folio, authorization number or NSS; Enter searches, Esc returns
to the inbox), F5 refresh, Ctrl+Shift+A approve, Ctrl+Shift+R reject, Ctrl+Shift+I ask for
information; arrows move through the requests, Tab goes search → filters → list → detail
→ actions. Every decision carries the version the user was shown, so a request changed
on another workstation is refused with the service's Spanish message and reloaded.

The table is a keyset-paged model (`inbox_model.InboxModel`): it reads one page of 100
and the next as the view scrolls, so it opens as fast on a million requests as on ten.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QModelIndex, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QFont, QFontMetrics, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from st2desk.errors import NotFound, St2Error, StorageUnavailable, ValidationError
from st2desk.models import Priority, RequestStatus
from st2desk.services import decisions
from st2desk.services import inbox as inbox_service
from st2desk.services.inbox import Choice, Cursor, InboxFilters, RequestDetail
from st2desk.ui import preferences
from st2desk.ui.context import UiContext
from st2desk.ui.decision_dialogs import (
    ApproveDialog,
    ApproveValues,
    AskInfoDialog,
    DecisionDialog,
    Outcome,
    QuestionValues,
    RejectDialog,
    RejectValues,
    Subject,
)
from st2desk.ui.inbox_model import InboxModel, PagedTableModel
from st2desk.ui.operations import show_error
from st2desk.ui.request_detail import RequestDetailPane, status_labels

_DATE = re.compile(r"^\s*(\d{1,2})[/.\-]?(\d{1,2})[/.\-]?(\d{4})\s*$")
_COMPACT_DATE = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")
CLOCK_TICK_MS = 60_000


class DateField(QLineEdit):
    """A day typed as dd/mm/yyyy (also ddmmyyyy); empty means "no limit"."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setPlaceholderText(QCoreApplication.translate("DateField", "dd/mm/yyyy"))
        self.setMaxLength(10)
        self.setClearButtonEnabled(True)
        self.setFixedWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 36)
        self.editingFinished.connect(self._normalize)

    def date(self) -> date | None:
        text = self.text().strip()
        match = _DATE.match(text) or _COMPACT_DATE.match(text)
        if not match:
            return None
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None

    def is_valid(self) -> bool:
        return not self.text().strip() or self.date() is not None

    @Slot()
    def _normalize(self) -> None:
        value = self.date()
        if value is not None:
            self.setText(f"{value:%d/%m/%Y}")
        self.setStyleSheet("" if self.is_valid() else "QLineEdit { border: 1px solid #b00020; }")
        self.setToolTip("" if self.is_valid() else QCoreApplication.translate(
            "DateField", "Not a valid date; write it as dd/mm/yyyy."))


class PagedQueue(QWidget):
    """Mechanics shared by the inbox and the appeals queue: the paged table, selection kept
    across reloads, the detail pane, refresh on other workstations' changes, and decisions
    that reload on failure. Subclasses build the filters and the actions."""

    def __init__(self, ctx: UiContext, model: PagedTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = model
        self._restoring = False
        self._writing = False
        self._reasons: list[Choice] | None = None
        self._stale = False
        self._own_changes: set[int] = set()
        self._dialog: DecisionDialog | None = None
        self._dialog_request: tuple[int, int] | None = None  # (id, version) being decided
        self._refresh_after_dialog = False
        self.feedback: QLabel | None = None  # outcome of the last decision (subclasses place it)
        self.why_label: QLabel | None = None  # why the current request cannot be decided
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (keyboard users)
        self.table.setSortingEnabled(False)  # the order is the service clock, from the database
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        # Samples of columns drawn bold at times (overdue times, urgent priorities) are
        # measured in bold, the others (folio, date) as drawn: at 1,280 px the columns up
        # to Service show without scrolling sideways (issue 13, item 8).
        bold = QFont(self.font())
        bold.setBold(True)
        for i, column in enumerate(model.columns):
            width = column.width
            if column.sample:
                metrics = QFontMetrics(bold if column.key in model.EMPHASISED else self.font())
                width = max(width, metrics.horizontalAdvance(column.sample) + 16)
            header.resizeSection(i, width)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.detail = RequestDetailPane()
        self.model.sig_fetch_failed.connect(self._on_fetch_failed)
        self.model.modelReset.connect(self._rows_changed)
        self.model.rowsInserted.connect(self._rows_changed)
        ctx.ops.sig_data_changed.connect(self._on_data_changed)
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_TICK_MS)
        self._clock.timeout.connect(self._tick)
        self._clock.start()

    # ------------------------------------------------------------------ to override

    def reload_rows(self) -> None:
        self.model.reload(self.rows_in_view())

    def rows_in_view(self) -> int:
        """Rows a reload must keep: down to the selection or the last visible row."""
        last_visible = self.table.rowAt(self.table.viewport().height() - 1)
        if last_visible < 0:
            last_visible = self.model.rowCount() - 1
        return max(self.table.currentIndex().row(), last_visible) + 1

    def decision_widgets(self) -> list[QAction | QPushButton]:
        """The actions and buttons enabled only when the current request can be decided."""
        return []

    def _decidable(self) -> tuple[bool, str]:
        """Whether the current request can be decided here, and why not (shown to the user)."""
        return False, ""

    def shown_is_selected(self) -> bool:
        """The detail on screen is the request selected in the table (a failed load, or one
        still on its way, never leaves another patient's detail under the actions)."""
        shown = self.detail.detail
        return shown is not None and shown.id == self.current_id()

    def update_actions(self) -> None:
        ok, why = self._decidable()
        if ok and not self.shown_is_selected():
            ok, why = False, ""
        for widget in self.decision_widgets():
            widget.setEnabled(ok)
        if self.why_label is not None:
            self.why_label.setText(why)

    def update_count(self) -> None:
        pass

    # ------------------------------------------------------------------ selection

    def current_id(self) -> int | None:
        row = self.model.row_at(self.table.currentIndex().row())
        return row.id if row is not None else None

    def select_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def select_request(self, request_id: int) -> bool:
        row = self.model.row_of(request_id)
        if row >= 0:
            self.select_row(row)
        return row >= 0

    @Slot(QModelIndex, QModelIndex)
    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._restoring:
            return
        row = self.model.row_at(current.row())
        if row is None:
            self.detail.clear()
        elif self.detail.detail is None or self.detail.detail.id != row.id:
            self.show_detail(row.id)
        self.update_actions()

    def show_detail(self, request_id: int) -> RequestDetail | None:
        before = self.detail.detail
        detail = self.detail.load(self.ctx, request_id)
        if (detail is not None and before is not None and before.id == detail.id
                and before.version != detail.version and detail.id not in self._own_changes):
            self.detail.set_notice(QCoreApplication.translate(
                "PagedQueue",
                "This request was changed on another workstation; its current state is shown."))
        elif detail is not None and (before is None or before.id != detail.id):
            self.detail.set_notice("")
        self._own_changes.discard(request_id)
        self.update_actions()
        return detail

    def _rows_changed(self, *args: Any) -> None:
        if not self._restoring and self.table.currentIndex().row() < 0 and self.model.rowCount():
            self.select_row(0)
        if not self.model.rowCount() and not self._restoring:
            self.detail.clear(self.blank_text())
            self.update_actions()

    def empty_text(self) -> str:
        return QCoreApplication.translate("PagedQueue", "Nothing to show.")

    def blank_text(self) -> str:
        """What the detail pane says when there is no row: why reading failed, or why empty."""
        return self.model.error or self.empty_text()

    def show_first(self) -> None:
        """Select the first row (after new filters or a search) and show its detail."""
        if not self.model.rowCount():
            self.detail.clear(self.blank_text())
            self.update_actions()
            return
        self._restoring = True
        try:
            self.select_row(0)
        finally:
            self._restoring = False
        self.show_detail(self.model.rows[0].id)

    # ------------------------------------------------------------------ refresh

    @Slot()
    def refresh(self) -> None:
        """Read again, keeping the selected request (or the row where it was)."""
        current_id = self.current_id()
        current_row = self.table.currentIndex().row()
        scroll = self.table.verticalScrollBar().value()
        self._restoring = True
        try:
            self.reload_rows()
            row = self.model.row_of(current_id) if current_id is not None else -1
            if row < 0 and self.model.rowCount():
                row = min(max(current_row, 0), self.model.rowCount() - 1)
            if row >= 0:
                self.select_row(row)
            self.table.verticalScrollBar().setValue(scroll)
            if row >= 0:
                self.table.scrollTo(self.model.index(row, 0))
        finally:
            self._restoring = False
        new_id = self.current_id()
        if new_id is None:
            self.detail.clear(self.blank_text())
        else:
            self.show_detail(new_id)
        self.update_count()
        self.update_actions()

    @Slot(str)
    def _on_data_changed(self, what: str) -> None:
        if self._writing:
            return  # run_decision refreshes itself
        if self._dialog is not None:
            # Someone is deciding: the list must not move under them. Tell the dialog at
            # once if its request changed; reload the list when the dialog closes.
            self._refresh_after_dialog = True
            self._check_dialog_request()
            return
        if not self.isVisible():
            self._stale = True  # another section changed data: refresh when shown
            return
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()
        elif self.table.currentIndex().row() < 0 and self.model.rowCount():
            self.select_row(0)

    @Slot()
    def _tick(self) -> None:
        self.model.tick()
        if self.detail.detail is not None:
            self.detail.set_detail(self.detail.detail)

    @Slot(str)
    def _on_fetch_failed(self, message: str) -> None:
        self.detail.clear(message)

    # ------------------------------------------------------------------ decisions

    def rejection_reasons(self) -> list[Choice]:
        """The catalog's rejection reasons, read once per window."""
        if self._reasons is None:
            self._reasons = self.ctx.ops.read(inbox_service.rejection_reason_choices)
        return self._reasons

    def subject(self, detail: RequestDetail) -> Subject:
        return Subject(detail.folio, f"{detail.patient_name} · {detail.nss} {detail.agregado}",
                       f"{detail.service_code} — {detail.service_name}")

    def run_decision(self, request_id: int, call: Callable[[Session], object],
                     done: Callable[[object], str], dialog: QWidget | None) -> Outcome:
        """Write through the operations helper; keep the dialog open only to fix input."""
        self._writing = True
        try:
            result = self.ctx.ops.write(call, parent=dialog or self, show_errors=False)
        except ValidationError as exc:
            show_error(dialog or self, exc.message)
            return Outcome.RETRY
        except StorageUnavailable as exc:
            # Nothing was written: keep the dialog and what was typed for another try.
            show_error(dialog or self, exc.message)
            return Outcome.RETRY
        except St2Error as exc:
            show_error(self, exc.message)
            self.refresh()  # the request changed elsewhere: show what it is now
            return Outcome.CLOSE
        finally:
            self._writing = False
        self._own_changes.add(request_id)
        self.announce(done(result))
        self.refresh()
        return Outcome.DONE

    def announce(self, text: str) -> None:
        if self.feedback is not None:
            self.feedback.setText(text)

    def _current_detail(self) -> RequestDetail | None:
        ok, _why = self._decidable()
        if not ok or self._dialog is not None or not self.shown_is_selected():
            return None
        return self.detail.detail

    def open_dialog(self, dialog: DecisionDialog) -> None:
        shown = self.detail.detail
        self._dialog = dialog
        self._dialog_request = (shown.id, shown.version) if shown is not None else None
        dialog.finished.connect(self._dialog_finished)
        dialog.open()

    def _check_dialog_request(self) -> None:
        """If the request in the open dialog was decided or changed elsewhere, say so in it."""
        if self._dialog is None or self._dialog_request is None:
            return
        request_id, version = self._dialog_request
        try:
            now = self.ctx.ops.read(
                lambda s: inbox_service.request_detail(s, self.ctx.actor, request_id))
        except StorageUnavailable:
            return  # the banner says the server is away; the decision will say it too
        except St2Error as exc:
            self._dialog.mark_stale(exc.message)
            return
        if now.version != version:
            self._dialog.mark_stale(QCoreApplication.translate(
                "PagedQueue", "This request was changed on another workstation (now: %1). "
                "Close this window to see its current state.").replace("%1", status_labels()[now.status]))

    @Slot(int)
    def _dialog_finished(self, _result: int) -> None:
        if self._dialog is not None:
            self._dialog.deleteLater()
            self._dialog = None
            self._dialog_request = None
        if self._refresh_after_dialog:
            self._refresh_after_dialog = False
            self.refresh()
        self.activateWindow()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def dialog(self) -> DecisionDialog | None:
        """The decision dialog open now, if any (tests drive it like a user)."""
        return self._dialog

    # ------------------------------------------------------------------ actions and buttons

    def _action(self, text: str, keys: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(keys))
        # Window-wide while the inbox is the visible section; hidden sections don't match.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _button(self, action: QAction, name: str) -> QPushButton:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        button = QPushButton(f"{action.text()}  {keys}")
        button.setObjectName(name)
        button.setToolTip(f"{action.text().replace('&', '')} ({keys})")
        button.clicked.connect(action.trigger)
        button.setAutoDefault(False)
        return button

    # ------------------------------------------------------------------ state

    def _build_body(self, name: str, sizes: list[int], buttons: list[QPushButton]) -> QHBoxLayout:
        """The table|detail splitter (`self.splitter`, sizes remembered) and the action row:
        decision buttons, why they are disabled (`self.why_label`), the last outcome
        (`self.feedback`)."""
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName(f"{name}Splitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self._restore_splitter(self.splitter, f"ui/{name}_splitter", sizes)
        self.why_label = QLabel()
        self.why_label.setObjectName("actionsNote")
        self.why_label.setStyleSheet("color: #8a5a00;")
        self.why_label.setWordWrap(True)
        self.feedback = QLabel()
        self.feedback.setObjectName(f"{name}Feedback")
        self.feedback.setWordWrap(True)
        self.feedback.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        actions = QHBoxLayout()
        for button in buttons:
            actions.addWidget(button)
        actions.addSpacing(12)
        actions.addWidget(self.why_label, 2)
        actions.addWidget(self.feedback, 2)
        return actions

    def _restore_splitter(self, splitter: QSplitter, key: str, sizes: list[int]) -> None:
        state = preferences.value(key)
        if state is None or not splitter.restoreState(state):
            splitter.setSizes(sizes)
        splitter.splitterMoved.connect(lambda *_: preferences.set_value(key, splitter.saveState()))


class Inbox(PagedQueue):
    """Bandeja de dictamen of a specialist."""

    model: InboxModel

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, InboxModel(), parent)
        self.setObjectName("inbox")
        self.model.setParent(self)
        self._search_text: str | None = None
        try:
            _unit_id, self._fixed_specialty = ctx.ops.read(
                lambda s: inbox_service.specialist_scope(s, ctx.actor))
        except St2Error:  # role withdrawn since login: the first page says why
            self._fixed_specialty = None
        self._units = ctx.ops.read(inbox_service.unit_choices)
        specialties = ctx.ops.read(inbox_service.specialty_choices)

        # ---- filters
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("inboxSearch")
        self.search_edit.setPlaceholderText(self.tr("Folio, authorization number or NSS — Enter"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(self.search_edit.fontMetrics().horizontalAdvance("0" * 14))
        self.status_combo = QComboBox()
        self.status_combo.setObjectName("statusFilter")
        self.status_combo.addItem(self.tr("Pending (all)"), inbox_service.INBOX_STATUSES)
        self.status_combo.addItem(self.tr("In review"), (RequestStatus.IN_REVIEW,))
        self.status_combo.addItem(self.tr("Information requested"), (RequestStatus.INFO_REQUESTED,))
        self.status_combo.setMinimumContentsLength(12)
        self.status_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.specialty_combo = QComboBox()
        self.specialty_combo.setObjectName("specialtyFilter")
        self.specialty_combo.setMinimumContentsLength(10)
        self.specialty_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        if self._fixed_specialty is not None:
            for choice in specialties:
                if choice.id == self._fixed_specialty:
                    self.specialty_combo.addItem(choice.name, choice.id)
            self.specialty_combo.setEnabled(False)
            self.specialty_combo.setToolTip(self.tr("Your inbox shows your specialty only."))
        else:
            self.specialty_combo.addItem(self.tr("All specialties"), None)
            for choice in specialties:
                self.specialty_combo.addItem(choice.name, choice.id)
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("unitFilter")
        self.unit_combo.addItem(self.tr("All requesting units"), None)
        for unit in self._units:
            self.unit_combo.addItem(f"{unit.code} — {unit.name}", unit.id)
        self.unit_combo.setMaxVisibleItems(20)
        self.unit_combo.setMinimumContentsLength(12)
        self.unit_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.unit_combo.setToolTip(self.tr("Type the unit code to jump to it."))
        self.priority_combo = QComboBox()
        self.priority_combo.setObjectName("priorityFilter")
        self.priority_combo.addItem(self.tr("Any"), None)
        self.priority_combo.addItem(self.tr("Urgent"), Priority.URGENT)
        self.priority_combo.addItem(self.tr("Ordinary"), Priority.ORDINARY)
        self.from_edit = DateField("submittedFrom")
        self.to_edit = DateField("submittedTo")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.setToolTip(self.tr("Read the inbox again (F5)"))
        self.count_label = QLabel()
        self.count_label.setObjectName("inboxCount")
        self.count_label.setStyleSheet("font-weight: bold;")

        def label(text: str, buddy: QWidget) -> QLabel:
            widget = QLabel(text)
            widget.setBuddy(buddy)
            return widget

        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(label(self.tr("Fo&lio or NSS:"), self.search_edit))
        top.addWidget(self.search_edit, 1)
        top.addSpacing(12)
        top.addWidget(label(self.tr("Submitted &from:"), self.from_edit))
        top.addWidget(self.from_edit)
        top.addWidget(label(self.tr("u&ntil:"), self.to_edit))
        top.addWidget(self.to_edit)
        top.addSpacing(12)
        top.addWidget(self.refresh_button)
        row2 = QHBoxLayout()
        row2.setSpacing(6)
        row2.addWidget(label(self.tr("S&tatus:"), self.status_combo))
        row2.addWidget(self.status_combo)
        specialty_label = label(self.tr("Spe&cialty:"), self.specialty_combo)
        row2.addSpacing(12)
        row2.addWidget(specialty_label)
        row2.addWidget(self.specialty_combo, 1)
        if self._fixed_specialty is not None:  # nothing to choose: say it in the caption
            specialty_label.hide()
            self.specialty_combo.hide()
        row2.addSpacing(12)
        row2.addWidget(label(self.tr("Requesting &unit:"), self.unit_combo))
        row2.addWidget(self.unit_combo, 2)
        row2.addSpacing(12)
        row2.addWidget(label(self.tr("Pri&ority:"), self.priority_combo))
        row2.addWidget(self.priority_combo)
        row2.addStretch(0)
        filters = QVBoxLayout()
        filters.setSpacing(4)
        filters.addLayout(top)
        filters.addLayout(row2)
        filters.addWidget(self.count_label)

        # ---- table and detail
        self.table.setObjectName("inboxTable")
        self.table.setAccessibleName(self.tr("Pending requests"))
        if self._fixed_specialty is not None:
            self.table.setColumnHidden(self.model.column_of("specialty"), True)

        # ---- actions
        self.approve_action = self._action(self.tr("&Approve…"), "Ctrl+Shift+A", self.approve)
        self.reject_action = self._action(self.tr("&Reject…"), "Ctrl+Shift+R", self.reject)
        self.ask_action = self._action(self.tr("Ask &information…"), "Ctrl+Shift+I", self.ask_info)
        self.refresh_action = self._action(self.tr("Refresh"), "F5", self.refresh)
        self.find_action = self._action(self.tr("Search"), "Ctrl+F", self.focus_search)
        self.approve_button = self._button(self.approve_action, "approveButton")
        self.reject_button = self._button(self.reject_action, "rejectButton")
        self.ask_button = self._button(self.ask_action, "askInfoButton")
        self.refresh_button.clicked.connect(self.refresh)
        actions = self._build_body("inbox", [700, 380],
                                   [self.approve_button, self.reject_button, self.ask_button])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(actions)

        escape = QAction(self.search_edit)
        escape.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        escape.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        escape.triggered.connect(self.clear_search)
        self.search_edit.addAction(escape)

        order: list[tuple[QWidget, QWidget]] = [(self.search_edit, self.refresh_button),
                              (self.refresh_button, self.status_combo),
                              (self.status_combo, self.specialty_combo),
                              (self.specialty_combo, self.unit_combo),
                              (self.unit_combo, self.priority_combo),
                              (self.priority_combo, self.from_edit),
                              (self.from_edit, self.to_edit),
                              (self.to_edit, self.table),
                              (self.table, self.detail.browser),
                              (self.detail.browser, self.approve_button),
                              (self.approve_button, self.reject_button),
                              (self.reject_button, self.ask_button)]
        for before, after in order:
            self.setTabOrder(before, after)

        self.search_edit.returnPressed.connect(self.search)
        for combo in (self.status_combo, self.specialty_combo, self.unit_combo, self.priority_combo):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.from_edit.editingFinished.connect(self._dates_edited)
        self.to_edit.editingFinished.connect(self._dates_edited)
        self._filters = self.filters()
        self.apply_filters()

    def first_field(self) -> QWidget:
        """Where the keyboard goes when the section is shown: the queue (arrows, Ctrl+Shift+A)."""
        return self.table

    # ------------------------------------------------------------------ filters and search

    def filters(self) -> InboxFilters:
        return InboxFilters(
            statuses=tuple(self.status_combo.currentData()),
            specialty_id=self.specialty_combo.currentData(),
            requesting_unit_id=self.unit_combo.currentData(),
            priority=self.priority_combo.currentData(),
            submitted_from=self.from_edit.date(),
            submitted_to=self.to_edit.date(),
        )

    def _fetch(self, filters: InboxFilters) -> Callable[[Cursor | None, int], list]:
        actor = self.ctx.actor

        def fetch(after: Cursor | None, limit: int) -> list:
            return self.ctx.ops.read(
                lambda s: inbox_service.inbox_page(s, actor, filters, after, limit))

        return fetch

    @Slot()
    def _dates_edited(self) -> None:
        if self.from_edit.is_valid() and self.to_edit.is_valid() and self.filters() != self._filters:
            self.apply_filters()

    @Slot()
    def apply_filters(self) -> None:
        """Show the first page for the current filters (leaves search mode)."""
        self._search_text = None
        self._filters = self.filters()
        self._restoring = True
        try:
            self.model.set_fetch(self._fetch(self._filters))
        finally:
            self._restoring = False
        self.show_first()
        self.update_count()

    @Slot()
    def search(self) -> None:
        text = self.search_edit.text().strip()
        if not text:
            self.clear_search()
            return
        try:
            rows = self.ctx.ops.read(lambda s: inbox_service.search_inbox(s, self.ctx.actor, text))
        except St2Error as exc:
            self._search_text = text
            self.model.set_rows([])
            self.count_label.setText(exc.message)
            self.detail.clear(exc.message)
            self.update_actions()
            return
        self._search_text = text
        self._restoring = True
        try:
            self.model.set_rows(rows)
        finally:
            self._restoring = False
        self.show_first()
        self.update_count()
        if rows:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def clear_search(self) -> None:
        """Esc in the search box: back to the filtered inbox."""
        had_search = self._search_text is not None
        self.search_edit.clear()
        if had_search:
            self.apply_filters()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    @property
    def searching(self) -> bool:
        return self._search_text is not None

    def reload_rows(self) -> None:
        if self._search_text is None:
            self.model.reload(self.rows_in_view())
            return
        text = self._search_text
        try:
            rows = self.ctx.ops.read(lambda s: inbox_service.search_inbox(s, self.ctx.actor, text))
        except NotFound:
            rows = []
        self.model.set_rows(rows)

    def empty_text(self) -> str:
        if self._search_text is not None:
            return self.tr("No request in your inbox matches “%1”.").replace("%1", self._search_text)
        return self.tr("No pending requests match these filters.")

    def update_count(self) -> None:
        if self._search_text is not None:
            text = self.tr("Search “%1” — results: %2 — Esc returns to the inbox").replace(
                "%1", self._search_text).replace("%2", str(self.model.rowCount()))
        else:
            try:
                count = self.ctx.ops.read(
                    lambda s: inbox_service.inbox_count(s, self.ctx.actor, self._filters))
            except St2Error as exc:
                self.count_label.setText(exc.message)
                return
            if count > inbox_service.COUNT_CAP:
                text = self.tr("More than %1 requests").replace(
                    "%1", f"{inbox_service.COUNT_CAP:,}")
            else:
                text = self.tr("Requests: %1").replace("%1", f"{count:,}")
            if self._fixed_specialty is not None:
                text = f"{self.specialty_combo.currentText()} · {text}"
        self.count_label.setText(text)

    # ------------------------------------------------------------------ actions

    def _decidable(self) -> tuple[bool, str]:
        detail = self.detail.detail
        if detail is None:
            return False, ""
        if detail.physician_id == self.ctx.actor.user_id:
            return False, self.tr("You filed this request; another specialist decides it.")
        if detail.status is RequestStatus.INFO_REQUESTED:
            return False, self.tr("Waiting for the physician's answer.")
        if detail.status is not RequestStatus.IN_REVIEW:
            return False, self.tr("Already decided.")
        return True, ""

    def decision_widgets(self) -> list[QAction | QPushButton]:
        return [self.approve_action, self.reject_action, self.ask_action,
                self.approve_button, self.reject_button, self.ask_button]

    @Slot()
    def approve(self) -> None:
        detail = self._current_detail()
        if detail is None:
            return
        request_id, version, folio = detail.id, detail.version, detail.folio

        def submit(values: ApproveValues) -> Outcome:
            return self.run_decision(
                request_id,
                lambda s: decisions.approve(
                    s, self.ctx.actor, request_id, valid_days=values.valid_days,
                    performing_unit_id=values.performing_unit_id,
                    scheduling_note=values.scheduling_note, expected_version=version),
                lambda auth: self.tr("%1 approved: authorization %2.").replace("%1", folio)
                .replace("%2", auth.number),  # type: ignore[attr-defined]
                self._dialog)

        self.open_dialog(ApproveDialog(
            self.subject(detail), valid_days=detail.validity_days, units=self._units,
            performing_unit_id=detail.performing_unit_id, parent=self, submit=submit))

    @Slot()
    def reject(self) -> None:
        detail = self._current_detail()
        if detail is None:
            return
        request_id, version, folio = detail.id, detail.version, detail.folio

        def submit(values: RejectValues) -> Outcome:
            return self.run_decision(
                request_id,
                lambda s: decisions.reject(s, self.ctx.actor, request_id, values.reason_code,
                                           values.text, expected_version=version),
                lambda _req: self.tr("%1 rejected (%2).").replace("%1", folio).replace(
                    "%2", values.reason_code),
                self._dialog)

        self.open_dialog(RejectDialog(self.subject(detail), reasons=self.rejection_reasons(),
                                      parent=self, submit=submit))

    @Slot()
    def ask_info(self) -> None:
        detail = self._current_detail()
        if detail is None:
            return
        request_id, version, folio = detail.id, detail.version, detail.folio

        def submit(values: QuestionValues) -> Outcome:
            return self.run_decision(
                request_id,
                lambda s: decisions.ask_information(s, self.ctx.actor, request_id,
                                                    values.question, expected_version=version),
                lambda _req: self.tr("Question sent for %1; its clock is paused.").replace(
                    "%1", folio),
                self._dialog)

        self.open_dialog(AskInfoDialog(self.subject(detail), parent=self, submit=submit))
