"""My requests (physician): follow each request and do what its state asks.

The table lists the physician's own requests, newest first, a page at a time from the
database (keyset on the id; more rows load while scrolling). The filter groups them by
what the physician has to do. The detail shows the automated review's findings, the
decisions with their reasons, the information requests with a box to answer the pending
one, appeals and the authorization. Actions follow the state (workflow.ALLOWED, which the
services enforce anyway): open a draft in the form, answer, appeal within 15 days, revise
a rejection into a new draft, cancel before a decision, attach a file.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from st2desk import clock
from st2desk.errors import St2Error
from st2desk.forms import st2_fields as F
from st2desk.forms.st2_fields import FieldSpec
from st2desk.inputs import read_bounded
from st2desk.models import DecisionKind, Priority, RequestStatus, Severity
from st2desk.services import attachments as attachment_service
from st2desk.services import decisions, lookup, requests
from st2desk.services.lookup import (
    PAGE_SIZE,
    ClockKind,
    ClockState,
    MyRequestRow,
    RequestDetail,
    RequestGroup,
)
from st2desk.ui.attachment_opener import attachment_id_of, attachment_url, open_attachment
from st2desk.ui.context import UiContext
from st2desk.ui.file_dialogs import remember_folder, start_folder
from st2desk.ui.operations import show_error

S = RequestStatus
ERROR_COLOR = "#b00020"
OK_COLOR = "#1b6e20"
WARN_COLOR = "#8a5a00"
HINT_COLOR = "#666666"
_ID_ROLE = Qt.ItemDataRole.UserRole + 1

STATUS_COLORS = {
    S.DRAFT: HINT_COLOR, S.PERFORMED_EMERGENCY: WARN_COLOR, S.INFO_REQUESTED: WARN_COLOR,
    S.REJECTED: ERROR_COLOR, S.REJECTED_FINAL: ERROR_COLOR, S.AUTHORIZED: OK_COLOR,
    S.USED: OK_COLOR,
}




def span(delta: timedelta) -> str:
    """A duration as a physician reads it: «3 d 4 h», «5 h 20 min», «12 min»."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        text = QCoreApplication.translate("MyRequests", "%1 d %2 h")
        return text.replace("%1", str(days)).replace("%2", str(hours))
    if hours:
        text = QCoreApplication.translate("MyRequests", "%1 h %2 min")
        return text.replace("%1", str(hours)).replace("%2", str(mins))
    return QCoreApplication.translate("MyRequests", "%1 min").replace("%1", str(mins))


def local(moment: datetime | None, with_time: bool = True) -> str:
    if moment is None:
        return ""
    # The unit's zone, as every other window (never the computer's own zone).
    return clock.local(moment).strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def clock_text(state: ClockState, short: bool = False) -> str:
    """The service-level clock in words: due in…, overdue by…, paused."""
    left = span(state.remaining) if state.remaining is not None else ""
    if state.kind is ClockKind.PAUSED:
        if short:
            return QCoreApplication.translate("MyRequests", "paused (%1 left)").replace("%1", left)
        text = QCoreApplication.translate("MyRequests", "paused, waiting for your answer (%1 left)")
        return text.replace("%1", left)
    if state.kind is ClockKind.OVERDUE:
        return QCoreApplication.translate("MyRequests", "overdue by %1").replace("%1", left)
    if state.kind is ClockKind.ON_TIME:
        return QCoreApplication.translate("MyRequests", "due in %1").replace("%1", left)
    return ""


# --------------------------------------------------------------------------- the table model


class MyRequestsModel(QAbstractTableModel):
    """Pages of MyRequestRow from the database; Qt asks for more while the view scrolls."""

    FOLIO, PATIENT, SERVICE, STATUS, SUBMITTED, DUE = range(6)

    def __init__(self, fetch: Callable[[int | None, int], list[MyRequestRow]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self.rows: list[MyRequestRow] = []
        self._more = False
        self._headers = [self.tr("Folio"), self.tr("Patient"), self.tr("Service"), self.tr("Status"),
                         self.tr("Submitted"), self.tr("Decision due")]

    def reload(self, at_least: int = 0) -> None:
        """Read again from the top, keeping as many rows as were loaded."""
        limit = max(PAGE_SIZE, at_least)
        self.beginResetModel()
        self.rows = self._fetch(None, limit)
        self._more = len(self.rows) >= limit
        self.endResetModel()

    def row_of(self, request_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == request_id), -1)

    # Qt API ------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._headers)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and self._more

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if parent.isValid() or not self._more or not self.rows:
            return
        page = self._fetch(self.rows[-1].id, PAGE_SIZE)
        self._more = len(page) >= PAGE_SIZE
        if page:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section] if 0 <= section < len(self._headers) else ""
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            color = self._color(row, column)
            return QBrush(QColor(color)) if color else None
        if role == Qt.ItemDataRole.FontRole and column == self.STATUS and row.status in (
                S.INFO_REQUESTED, S.REJECTED, S.PERFORMED_EMERGENCY):
            font = QFont()
            font.setBold(True)
            return font
        if role == _ID_ROLE:
            return row.id
        return None

    def _display(self, row: MyRequestRow, column: int) -> str:
        if column == self.FOLIO:
            return row.folio
        if column == self.PATIENT:
            return row.patient_name or "—"
        if column == self.SERVICE:
            return f"{row.service_code} {row.service_name}".strip() or "—"
        if column == self.STATUS:
            label = row.status_label
            if row.is_emergency and row.status is not S.PERFORMED_EMERGENCY:
                label += " · " + self.tr("emergency")
            elif row.priority is Priority.URGENT:
                label += " · " + self.tr("urgent")
            return label
        if column == self.SUBMITTED:
            if row.submitted_at is None:
                return self.tr("not submitted")
            return self.tr("%1 ago").replace("%1", span(clock.now() - row.submitted_at))
        if column == self.DUE:
            return clock_text(row.clock(), short=True) or "—"
        return ""

    def _tooltip(self, row: MyRequestRow, column: int) -> str:
        if column == self.PATIENT and row.nss:
            return f"{row.patient_name} · NSS {row.nss} {row.agregado}"
        if column == self.SERVICE:
            return f"{row.service_code} — {row.service_name}"
        if column == self.SUBMITTED and row.submitted_at:
            return local(row.submitted_at)
        if column == self.DUE and row.due_at:
            return self.tr("Due %1").replace("%1", local(row.due_at))
        return self._display(row, column)

    def _color(self, row: MyRequestRow, column: int) -> str | None:
        if column == self.STATUS:
            return STATUS_COLORS.get(row.status)
        if column == self.DUE and row.clock().kind is ClockKind.OVERDUE:
            return ERROR_COLOR
        return None

    def refresh_times(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, self.SUBMITTED),
                                  self.index(len(self.rows) - 1, self.DUE),
                                  [Qt.ItemDataRole.DisplayRole])


# --------------------------------------------------------------------------- text dialog


class TextPromptDialog(QDialog):
    """Asks for one text within a field's bounds (appeal grounds, cancellation reason)."""

    def __init__(self, parent: QWidget, *, name: str, title: str, intro: str, label: str,
                 spec: FieldSpec, accept_text: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setMinimumSize(520, 320)
        self.spec = spec
        intro_label = QLabel(intro)
        intro_label.setWordWrap(True)
        intro_label.setObjectName("promptIntro")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("promptText")
        self.text_edit.setTabChangesFocus(True)
        text_label = QLabel(label)
        text_label.setBuddy(self.text_edit)
        self.counter = QLabel()
        self.counter.setObjectName("promptCounter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(accept_text)
        self.ok_button.setObjectName("promptOkButton")
        self.ok_button.setToolTip(self.tr("Ctrl+Enter"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro_label)
        layout.addWidget(text_label)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.counter)
        layout.addWidget(self.buttons)
        self.text_edit.textChanged.connect(self._update)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(sequence), self, activated=self._accept_if_ok)
        self._update()
        self.text_edit.setFocus()

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    @Slot()
    def _update(self) -> None:
        length = len(self.text())
        high = self.spec.max_length or 4000
        ok = self.spec.min_length <= length <= high
        self.counter.setText(self.tr("%1 / %2 characters (at least %3)").replace(
            "%1", str(length)).replace("%2", str(high)).replace("%3", str(self.spec.min_length)))
        self.counter.setStyleSheet(f"color: {OK_COLOR if ok else HINT_COLOR};")
        self.ok_button.setEnabled(ok)

    @Slot()
    def _accept_if_ok(self) -> None:
        if self.ok_button.isEnabled():
            self.accept()


# --------------------------------------------------------------------------- the section


class MyRequests(QWidget):
    """The physician's own requests (section "my_requests")."""

    sig_open_draft = Signal(int)
    """A draft should open in the request form (when not inside the main window)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("myRequests")
        self.detail: RequestDetail | None = None
        # Everything, newest first: the request just sent is at the top whatever its state;
        # the "need my attention" count stays in sight in the filter's label.
        self._group = RequestGroup.ALL
        self._dialog: TextPromptDialog | None = None
        self._stale = False

        # Filter bar.
        self.group_combo = QComboBox()
        self.group_combo.setObjectName("groupCombo")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setPlaceholderText(self.tr("Folio, NSS, patient or service (Ctrl+F)"))
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.setToolTip(self.tr("Read again from the database (F5)"))
        self.count_label = QLabel()
        self.count_label.setObjectName("countLabel")
        bar = QHBoxLayout()
        show_label = QLabel(self.tr("&Show:"))
        show_label.setBuddy(self.group_combo)
        find_label = QLabel(self.tr("&Find:"))
        find_label.setBuddy(self.search_edit)
        bar.addWidget(show_label)
        bar.addWidget(self.group_combo)
        bar.addSpacing(12)
        bar.addWidget(find_label)
        bar.addWidget(self.search_edit, 1)
        bar.addWidget(self.refresh_button)

        # Table.
        self.model = MyRequestsModel(self._fetch, self)
        self.table = QTableView()
        self.table.setObjectName("myRequestsTable")
        self.table.setAccessibleName(self.tr("My requests"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MyRequestsModel.SERVICE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(60)
        bold = QFont(self.font())
        bold.setBold(True)
        for column, sample, font in (
                (MyRequestsModel.FOLIO, "09UMF20-2025-000000-X", self.font()),
                (MyRequestsModel.PATIENT, "MARÍA LÓPEZ MUÑOZ", self.font()),
                (MyRequestsModel.STATUS, "Información solicitada", bold),
                (MyRequestsModel.SUBMITTED, "hace 10 d 23 h", self.font()),
                (MyRequestsModel.DUE, "en pausa (quedan 6 d 23 h)", self.font())):
            header.resizeSection(column, QFontMetrics(font).horizontalAdvance(sample) + 14)

        # Detail.
        self.detail_title = QLabel()
        self.detail_title.setObjectName("detailTitle")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.detail_title.setFont(font)
        self.detail_status = QLabel()
        self.detail_status.setObjectName("detailStatus")
        self.detail_status.setWordWrap(True)
        self.detail_browser = QTextBrowser()
        self.detail_browser.setObjectName("detailBrowser")
        self.detail_browser.setOpenLinks(False)
        self.detail_browser.setAccessibleName(self.tr("Request details"))
        self.detail_browser.anchorClicked.connect(self._link_clicked)

        self.answer_frame = QFrame()
        self.answer_frame.setObjectName("answerFrame")
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setObjectName("answerEdit")
        self.answer_edit.setTabChangesFocus(True)
        self.answer_edit.setPlaceholderText(self.tr("Your answer to the specialist (Ctrl+Enter sends it)"))
        self.answer_edit.setMaximumHeight(110)
        self.answer_label = QLabel(self.tr("Your &answer:"))
        self.answer_label.setBuddy(self.answer_edit)
        self.answer_label.setWordWrap(True)
        self.answer_counter = QLabel()
        self.answer_counter.setObjectName("answerCounter")
        self.answer_button = QPushButton(self.tr("Send a&nswer"))
        self.answer_button.setObjectName("answerButton")
        answer_layout = QVBoxLayout(self.answer_frame)
        answer_layout.setContentsMargins(0, 0, 0, 0)
        answer_layout.addWidget(self.answer_label)
        answer_layout.addWidget(self.answer_edit)
        answer_row = QHBoxLayout()
        answer_row.addWidget(self.answer_counter, 1)
        answer_row.addWidget(self.answer_button)
        answer_layout.addLayout(answer_row)

        self.open_button = QPushButton(self.tr("&Open in the form"))
        self.open_button.setObjectName("openDraftButton")
        self.appeal_button = QPushButton(self.tr("A&ppeal…"))
        self.appeal_button.setObjectName("appealButton")
        self.revise_button = QPushButton(self.tr("&Revise and resubmit"))
        self.revise_button.setObjectName("reviseButton")
        self.cancel_button = QPushButton(self.tr("&Cancel request…"))
        self.cancel_button.setObjectName("cancelRequestButton")
        self.attach_button = QPushButton(self.tr("A&ttach file…"))
        self.attach_button.setObjectName("attachButton")
        actions = QVBoxLayout()
        for button in (self.open_button, self.appeal_button, self.revise_button,
                       self.attach_button, self.cancel_button):
            actions.addWidget(button)
        actions.addStretch(1)

        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.answer_frame, 1)
        side.addLayout(actions)
        self.answer_edit.setMaximumHeight(16777215)
        body = QHBoxLayout()
        body.addWidget(self.detail_browser, 3)
        body.addLayout(side, 2)
        detail = QWidget()
        detail.setObjectName("detailPane")
        dlay = QVBoxLayout(detail)
        dlay.setContentsMargins(0, 6, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(self.detail_title)
        heading.addWidget(self.detail_status, 1)
        dlay.addLayout(heading)
        dlay.addLayout(body, 1)

        top = QWidget()
        tlay = QVBoxLayout(top)
        tlay.setContentsMargins(0, 0, 0, 0)
        tlay.addWidget(self.table, 1)
        tlay.addWidget(self.count_label)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("myRequestsSplitter")
        self.splitter.addWidget(top)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([300, 420])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        QWidget.setTabOrder(self.group_combo, self.search_edit)
        QWidget.setTabOrder(self.search_edit, self.refresh_button)
        QWidget.setTabOrder(self.refresh_button, self.table)
        QWidget.setTabOrder(self.table, self.detail_browser)
        QWidget.setTabOrder(self.detail_browser, self.answer_edit)
        QWidget.setTabOrder(self.answer_edit, self.answer_button)
        chain = [self.answer_button, self.open_button, self.appeal_button, self.revise_button,
                 self.attach_button, self.cancel_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

        # Behaviour.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self._group_chosen_reset)
        self._minute = QTimer(self)
        self._minute.setInterval(60_000)
        self._minute.timeout.connect(self.model.refresh_times)
        self._minute.start()
        self.group_combo.activated.connect(self._group_chosen)
        self.search_edit.textEdited.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._group_chosen_reset)
        self.refresh_button.clicked.connect(self.reload)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(self._row_activated)
        self.answer_edit.textChanged.connect(self._update_answer)
        self.answer_button.clicked.connect(self.answer)
        self.open_button.clicked.connect(self.open_in_form)
        self.appeal_button.clicked.connect(self.appeal)
        self.revise_button.clicked.connect(self.revise)
        self.cancel_button.clicked.connect(self.cancel_request)
        self.attach_button.clicked.connect(self.attach_file)
        ctx.ops.sig_data_changed.connect(self._data_changed)
        for sequence, slot in ((QKeySequence.StandardKey.Find, self._focus_search),
                               (QKeySequence.StandardKey.Refresh, self.reload),
                               (QKeySequence("F5"), self.reload)):
            shortcut = QShortcut(sequence, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        for sequence in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(sequence), self.answer_edit)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.answer)

        self._fill_groups(self._counts())
        self.reload()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def first_field(self) -> QWidget:
        """Where the keyboard goes when the section is shown: the list of requests."""
        return self.table

    # ------------------------------------------------------------------ reading

    def _fetch(self, before_id: int | None, limit: int) -> list[MyRequestRow]:
        group, search = self._group, self.search_edit.text()
        return self.ctx.ops.read(lambda s: lookup.list_my_requests(
            s, self.ctx.actor, group=group, search=search, before_id=before_id, limit=limit))

    def _counts(self) -> dict[RequestGroup, int]:
        return self.ctx.ops.read(lambda s: lookup.count_my_requests(s, self.ctx.actor))

    def _group_titles(self) -> dict[RequestGroup, str]:
        return {
            RequestGroup.ATTENTION: self.tr("Need my attention"),
            RequestGroup.IN_PROGRESS: self.tr("Waiting for a decision"),
            RequestGroup.AUTHORIZED: self.tr("Authorized"),
            RequestGroup.CLOSED: self.tr("Closed (used, expired, cancelled, final rejection)"),
            RequestGroup.ALL: self.tr("All"),
        }

    def _fill_groups(self, counts: dict[RequestGroup, int]) -> None:
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        for group, title in self._group_titles().items():
            self.group_combo.addItem(f"{title} ({counts.get(group, 0)})", group.value)
        self.group_combo.setCurrentIndex(self.group_combo.findData(self._group.value))
        self.group_combo.blockSignals(False)

    @Slot()
    def reload(self) -> None:
        """Read the list (and the shown request) again, keeping the selection."""
        self._search_timer.stop()
        selected = self.detail.id if self.detail else None
        self._fill_groups(self._counts())
        self.model.reload(self.model.rowCount())
        self._update_count()
        row = self.model.row_of(selected) if selected is not None else -1
        if row >= 0:
            self._select_row(row)
        elif selected is not None:
            # The request left the filtered list (e.g. answered): keep showing how it stands.
            self.table.selectionModel().clearCurrentIndex()
            self.table.clearSelection()
            self._load_detail(selected)
        elif self.model.rowCount():
            self._select_row(0)
        else:
            self.show_detail(None)

    def _update_count(self) -> None:
        shown = self.model.rowCount()
        more = self.model.canFetchMore(QModelIndex())
        text = (self.tr("%1 requests shown; more load as you scroll") if more
                else self.tr("%1 requests")).replace("%1", str(shown))
        if shown == 0:
            text = self.tr("No requests match.")
        self.count_label.setText(text)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)
        self._load_detail(self.model.rows[row].id)

    def select_request(self, request_id: int) -> None:
        """Show one request, widening the filter if it is not in the list."""
        if self.model.row_of(request_id) < 0:
            self._group = RequestGroup.ALL
            self.search_edit.clear()
            self.reload()
        row = self.model.row_of(request_id)
        if row >= 0:
            self._select_row(row)
        else:
            self._load_detail(request_id)

    @Slot(int)
    def _group_chosen(self, index: int) -> None:
        if index < 0:
            return
        self._group = RequestGroup(self.group_combo.itemData(index))
        self._group_chosen_reset()

    @Slot()
    def _focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    @Slot(str)
    def _data_changed(self, _what: str) -> None:
        if self.isVisible():
            self.reload()
        else:
            self._stale = True  # read again when shown

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    @Slot(QModelIndex, QModelIndex)
    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() < len(self.model.rows):
            row = self.model.rows[current.row()]
            if self.detail is None or self.detail.id != row.id:
                self._load_detail(row.id)
        self._update_count()

    @Slot(QModelIndex)
    def _row_activated(self, index: QModelIndex) -> None:
        """Enter or double-click: a draft opens in the form; otherwise go to what to do."""
        if self.detail is None:
            return
        if "edit" in self.detail.actions:
            self.open_in_form()
        elif self.answer_frame.isVisible():
            self.answer_edit.setFocus()
        else:
            for button in (self.appeal_button, self.revise_button, self.cancel_button):
                if button.isVisible() and button.isEnabled():
                    button.setFocus()
                    return
            self.detail_browser.setFocus()

    def _load_detail(self, request_id: int) -> None:
        try:
            detail = self.ctx.ops.read(lambda s: lookup.get_my_request(s, self.ctx.actor, request_id))
        except St2Error as exc:
            show_error(self, exc.message)
            detail = None
        self.show_detail(detail)

    def _group_chosen_reset(self) -> None:
        """A new filter starts from its first row (the old selection may not be in it)."""
        self.show_detail(None)
        self.reload()

    # ------------------------------------------------------------------ the detail

    def show_detail(self, detail: RequestDetail | None) -> None:
        previous = self.detail
        self.detail = detail
        if previous is None or detail is None or previous.id != detail.id:
            self.answer_edit.clear()
        if detail is None:
            self.detail_title.setText(self.tr("No request selected"))
            self.detail_status.setText("")
            self.detail_browser.setHtml(
                f"<p style='color:{HINT_COLOR}'>"
                + html.escape(self.tr("Choose a request in the list to see its progress.")) + "</p>")
        else:
            self.detail_title.setText(detail.folio)
            self.detail_status.setText(self._status_line(detail))
            self.detail_status.setStyleSheet(f"color: {STATUS_COLORS.get(detail.status, '#000')};")
            self.detail_browser.setHtml(self._detail_html(detail))
        self._update_actions()

    def _status_line(self, d: RequestDetail) -> str:
        parts = [d.status_label]
        if d.priority is Priority.URGENT:
            parts.append(self.tr("urgent"))
        if d.is_emergency:
            day = d.performed_on.strftime("%d/%m/%Y") if d.performed_on else "?"
            if d.performed_time is not None:
                parts.append(self.tr("emergency performed on %1 at %2").replace(
                    "%1", day).replace("%2", f"{d.performed_time:%H:%M}"))
            else:
                parts.append(self.tr("emergency performed on %1").replace("%1", day))
        clock_line = clock_text(d.clock())
        if clock_line:
            parts.append(clock_line)
        if d.appeal_deadline is not None:
            if "appeal" in d.actions:
                parts.append(self.tr("appeal possible until %1").replace("%1", local(d.appeal_deadline)))
            else:
                parts.append(self.tr("the appeal period ended on %1").replace(
                    "%1", local(d.appeal_deadline)))
        return " · ".join(parts)

    def _detail_html(self, d: RequestDetail) -> str:
        e = html.escape
        out: list[str] = []

        def row(label: str, value: str) -> str:
            return (f"<tr><td style='color:{HINT_COLOR}; padding-right:10px'>{e(label)}</td>"
                    f"<td>{value}</td></tr>")

        patient = "—"
        if d.patient is not None:
            patient = (f"<b>{e(d.patient.full_name)}</b><br>NSS {e(d.patient.nss)} "
                       f"{e(d.patient.agregado)}")
        service = "—"
        if d.service is not None:
            service = f"{e(d.service.code)} — {e(d.service.name)}"
        diagnosis = "—"
        if d.diagnosis is not None:
            diagnosis = f"{e(d.diagnosis.dotted)} — {e(d.diagnosis.description)}"
        elif d.diagnosis_code:  # a code outside the catalog, still written with its dot
            diagnosis = e(lookup.dotted_cie10(d.diagnosis_code))
        unit = "—"
        if d.performing_unit is not None:
            unit = f"{e(d.performing_unit.code)} — {e(d.performing_unit.name)}"
        out.append("<table cellspacing='2'>")
        out.append(row(self.tr("Patient"), patient))
        out.append(row(self.tr("Service"), service))
        out.append(row(self.tr("Diagnosis"), diagnosis))
        out.append(row(self.tr("Performing unit"), unit))
        out.append(row(self.tr("Created"), e(local(d.created_at))))
        if d.submitted_at:
            out.append(row(self.tr("Submitted"), e(local(d.submitted_at))))
        if d.due_at and d.status in (S.IN_REVIEW, S.INFO_REQUESTED, S.IN_APPEAL):
            out.append(row(self.tr("Decision due"), e(local(d.due_at))))
        if d.authorization_number:
            valid = (self.tr("valid until %1").replace(
                "%1", d.authorization_valid_until.strftime("%d/%m/%Y"))
                if d.authorization_valid_until else "")
            out.append(row(self.tr("Authorization"), f"<b>{e(d.authorization_number)}</b> {e(valid)}"))
        if d.revision_of:
            out.append(row(self.tr("Revises"), e(d.revision_of)))
        if d.revisions:
            out.append(row(self.tr("Revised as"), e(", ".join(f for _i, f in d.revisions))))
        out.append("</table>")

        def section(title: str) -> None:
            out.append(f"<h4 style='margin-top:10px; margin-bottom:2px'>{e(title)}</h4>")

        pending = d.pending_question
        if d.questions:
            section(self.tr("Information requested by the specialist"))
            for q in d.questions:
                color = WARN_COLOR if q is pending else "#000"
                out.append(f"<p style='margin:2px 0; color:{color}'><b>{e(q.asked_by)}</b>, "
                           f"{e(local(q.asked_at))}:<br>{e(q.question)}</p>")
                if q.answer is not None:
                    answered = self.tr("Your answer, %1:").replace("%1", local(q.answered_at))
                    out.append(f"<p style='margin:2px 0 6px 16px'><i>{e(answered)}</i><br>"
                               f"{e(q.answer)}</p>")
                else:
                    waiting = self.tr("Waiting for your answer.")
                    out.append(f"<p style='margin:2px 0 6px 16px; color:{WARN_COLOR}'>"
                               f"<i>{e(waiting)}</i></p>")
        if d.decisions:
            section(self.tr("Decisions"))
            for dec in d.decisions:
                if dec.kind is DecisionKind.APPROVE:
                    what = (self.tr("Authorized on appeal") if dec.on_appeal else self.tr("Authorized"))
                    color = OK_COLOR
                else:
                    what = (self.tr("Appeal denied (final rejection)") if dec.on_appeal
                            else self.tr("Rejected"))
                    color = ERROR_COLOR
                reason = ""
                if dec.reason_code:
                    reason = f"<br><b>{e(dec.reason_code)}</b> {e(dec.reason or '')}"
                text = f"<br>{e(dec.text)}" if dec.text else ""
                out.append(f"<p style='margin:2px 0 6px 0'><span style='color:{color}'><b>{e(what)}"
                           f"</b></span> — {e(dec.decided_by)}, {e(local(dec.decided_at))}"
                           f"{reason}{text}</p>")
        if d.appeals:
            section(self.tr("Appeals (recurso de revisión)"))
            for ap in d.appeals:
                outcome = (self.tr("pending") if ap.decided_at is None else
                           self.tr("granted") if ap.upheld else self.tr("denied"))
                out.append(f"<p style='margin:2px 0 6px 0'>{e(local(ap.filed_at))} · "
                           f"<b>{e(outcome)}</b><br>{e(ap.grounds)}</p>")
        if d.findings:
            section(self.tr("Automated review"))
            for f in d.findings:
                blocks = f.severity is Severity.BLOCK
                label = self.tr("Must be fixed") if blocks else self.tr("Warning")
                color = ERROR_COLOR if blocks else WARN_COLOR
                out.append(f"<p style='margin:1px 0'><span style='color:{color}'><b>{e(label)}:"
                           f"</b></span> {e(f.message)}</p>")
        if d.attachments:
            section(self.tr("Attached files"))
            out.append("<p style='margin:1px 0'>" + "<br>".join(
                f"<a href='{attachment_url(a.id)}'>{e(a.filename)}</a> "
                f"({e(attachment_service.human_size(a.size))})" for a in d.attachments) + "</p>")
        section(self.tr("Clinical justification"))
        out.append(f"<p style='white-space:pre-wrap; margin-top:2px'>{e(d.justification) or '—'}</p>")
        return "".join(out)

    @Slot(QUrl)
    def _link_clicked(self, url: QUrl) -> None:
        attachment_id = attachment_id_of(url)
        if attachment_id is not None:
            open_attachment(self, self.ctx, attachment_id)

    def _update_actions(self) -> None:
        d = self.detail
        actions = d.actions if d is not None else frozenset()
        pending = d.pending_question if d is not None else None
        self.answer_frame.setVisible("answer_info" in actions and pending is not None)
        if pending is not None:
            self.answer_label.setText(self.tr("Your &answer to: «%1»").replace(
                "%1", pending.question if len(pending.question) < 160
                else pending.question[:157] + "…"))
        self.open_button.setVisible("edit" in actions)
        self.appeal_button.setVisible("appeal" in actions)
        self.revise_button.setVisible("revise" in actions)
        self.cancel_button.setVisible("cancel" in actions)
        self.attach_button.setVisible("attach" in actions and "edit" not in actions)
        if d is not None and d.status is S.REJECTED and "appeal" not in actions:
            self.appeal_button.setVisible(False)
        self._update_answer()

    @Slot()
    def _update_answer(self) -> None:
        length = len(self.answer_edit.toPlainText().strip())
        high = F.ANSWER.max_length or 4000
        ok = F.ANSWER.min_length <= length <= high
        self.answer_counter.setText(self.tr("%1 / %2 characters (at least %3)").replace(
            "%1", str(length)).replace("%2", str(high)).replace("%3", str(F.ANSWER.min_length)))
        self.answer_counter.setStyleSheet(f"color: {OK_COLOR if ok else HINT_COLOR};")
        self.answer_button.setEnabled(ok)

    # ------------------------------------------------------------------ actions

    def _write(self, fn: Callable[[Any], Any]) -> Any:
        return self.ctx.ops.write(fn, parent=self)

    @Slot()
    def answer(self) -> None:
        d = self.detail
        if d is None or not self.answer_button.isEnabled():
            return
        text = self.answer_edit.toPlainText()
        done = self._write(lambda s: requests.answer_information(
            s, self.ctx.actor, d.id, text, expected_version=d.version))
        if done is not None:
            self.answer_edit.clear()
            QMessageBox.information(self, self.tr("Answer sent"), self.tr(
                "The answer was sent; request %1 is back under review and its clock runs again.")
                .replace("%1", d.folio))
            self.detail_browser.setFocus()

    @Slot()
    def open_in_form(self) -> None:
        d = self.detail
        if d is None or "edit" not in d.actions:
            return
        self._open_draft(d.id)

    def _open_draft(self, request_id: int) -> None:
        window = self.window()
        show = getattr(window, "show_section", None)
        if show is None:
            self.sig_open_draft.emit(request_id)
            return
        form = show("new_request")
        form.load_request(request_id)

    def _prompt(self, name: str, title: str, intro: str, label: str, spec: FieldSpec,
                accept_text: str, on_text: Callable[[str], None]) -> TextPromptDialog:
        dialog = TextPromptDialog(self, name=name, title=title, intro=intro, label=label,
                                  spec=spec, accept_text=accept_text)
        dialog.accepted.connect(lambda: on_text(dialog.text()))
        dialog.finished.connect(dialog.deleteLater)
        self._dialog = dialog
        dialog.open()
        dialog.activateWindow()
        return dialog

    @Slot()
    def appeal(self) -> TextPromptDialog | None:
        d = self.detail
        if d is None or "appeal" not in d.actions:
            return None
        deadline = local(d.appeal_deadline) if d.appeal_deadline else ""
        intro = self.tr(
            "Recurso de revisión against the rejection of request %1. A head of service who did "
            "not make the first decision will decide it. It can be filed until %2. (Against "
            "the Institute, the recurso de inconformidad of LSS art. 294 remains available.)"
        ).replace("%1", d.folio).replace("%2", deadline)

        def send(text: str) -> None:
            done = self._write(lambda s: decisions.file_appeal(
                s, self.ctx.actor, d.id, text, expected_version=d.version))
            if done is not None:
                QMessageBox.information(self, self.tr("Appeal filed"), self.tr(
                    "The appeal against the rejection of %1 was filed.").replace("%1", d.folio))

        return self._prompt("appealDialog", self.tr("File an appeal"), intro,
                            self.tr("&Grounds of the appeal:"), F.APPEAL_GROUNDS,
                            self.tr("File appeal"), send)

    @Slot()
    def cancel_request(self) -> TextPromptDialog | None:
        d = self.detail
        if d is None or "cancel" not in d.actions:
            return None
        intro = self.tr("Request %1 will be cancelled and will not be decided. This cannot be "
                        "undone.").replace("%1", d.folio)

        def send(text: str) -> None:
            self._write(lambda s: requests.cancel(s, self.ctx.actor, d.id, text,
                                                  expected_version=d.version))

        return self._prompt("cancelDialog", self.tr("Cancel request"), intro,
                            self.tr("&Reason for cancelling:"), F.CANCEL_REASON,
                            self.tr("Cancel the request"), send)

    @Slot()
    def revise(self) -> None:
        d = self.detail
        if d is None or "revise" not in d.actions:
            return
        question = self.tr("Create a new draft from the rejected request %1 to correct and "
                           "submit again? The rejected request stays as it is.").replace("%1", d.folio)
        if d.revisions:
            question += "\n\n" + self.tr("It was already revised as %1.").replace(
                "%1", ", ".join(f for _i, f in d.revisions))
        answer = QMessageBox.question(
            self, self.tr("Revise and resubmit"), question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            return
        new_id = self._write(lambda s: requests.revise(s, self.ctx.actor, d.id).id)
        if new_id is not None:
            self._open_draft(new_id)

    @Slot()
    def attach_file(self) -> None:
        d = self.detail
        if d is None or "attach" not in d.actions:
            return
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Attach a file"), start_folder("attachments"),
            self.tr("PDF and images (*.pdf *.png *.jpg *.jpeg);;All files (*)"))
        if not path:
            return
        remember_folder("attachments", path)
        try:  # bounded, regular files only (a FIFO or a device would hang the window)
            content = read_bounded(path, attachment_service.MAX_BYTES, "el archivo")
        except St2Error as exc:
            show_error(self, exc.message)
            return
        name = os.path.basename(path)
        self._write(lambda s: attachment_service.add_attachment(s, self.ctx.actor, d.id, name, content))
