"""Audit tab: verify the log's hash chain (off the GUI thread, with progress and cancel) and
say the result in plain words; browse the events newest first, filtered by user, action,
dates and folio, a page at a time (keyset on the sequence: as fast at a million events)."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from st2desk import audit, timezones
from st2desk.models import Unit
from st2desk.services import audit_admin
from st2desk.services.audit_admin import EventFilter, EventRow
from st2desk.ui.admin import audit_details
from st2desk.ui.admin.common import make_table, selected_key, set_rows
from st2desk.ui.context import UiContext

PAGE = audit_admin.PAGE_SIZE
NO_DATE = QDate(2000, 1, 1)


def _date_edit(name: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("—")  # the minimum date means "no limit"
    edit.setDate(NO_DATE)
    return edit


class AuditTab(QWidget):
    """The audit log: verification and filtered browsing."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.events: list[EventRow] = []
        self.last_report: audit.ChainReport | None = None
        unit = ctx.ops.read(lambda s: s.get(Unit, ctx.actor.unit_id))
        self._zone = timezones.unit_zone(unit)

        self.verify_button = QPushButton(self.tr("&Verify the audit log"))
        self.verify_button.setObjectName("adminAuditVerify")
        self.verify_button.clicked.connect(self.verify)
        self.result_label = QLabel(self.tr("Verification recomputes every event's seal: it tells "
                                           "whether any event was altered, deleted or reordered."))
        self.result_label.setObjectName("adminAuditResult")
        self.result_label.setWordWrap(True)

        self.user_edit = QLineEdit()
        self.user_edit.setObjectName("adminAuditUser")
        self.user_edit.setPlaceholderText(self.tr("user"))
        self.action_combo = QComboBox()
        self.action_combo.setObjectName("adminAuditAction")
        self.action_combo.addItem(self.tr("(every action)"), "")
        self.action_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.action_combo.setMinimumContentsLength(18)
        for action in ctx.ops.read(lambda s: audit_admin.list_actions(s, ctx.actor)):
            self.action_combo.addItem(audit_details.action_label(action), action)
        self.since_edit = _date_edit("adminAuditSince")
        self.until_edit = _date_edit("adminAuditUntil")
        self.folio_edit = QLineEdit()
        self.folio_edit.setObjectName("adminAuditFolio")
        self.folio_edit.setPlaceholderText(self.tr("folio or authorization"))
        self.filter_button = QPushButton(self.tr("&Filter"))
        self.filter_button.setObjectName("adminAuditFilter")
        self.filter_button.clicked.connect(self.reload)
        for edit in (self.user_edit, self.folio_edit):
            edit.returnPressed.connect(self.reload)
        self.table = make_table("adminAuditTable", [
            self.tr("No."), self.tr("Date and time"), self.tr("User"), self.tr("Action"),
            self.tr("Record"), self.tr("Details")])
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self.show_detail)
        # The chosen event, field by field in words (not the raw JSON of its details).
        self.detail_box = QGroupBox(self.tr("Event"))
        self.detail_box.setObjectName("adminAuditDetail")
        self.detail_form = QFormLayout(self.detail_box)
        self.detail_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        detail_scroll = QScrollArea()
        detail_scroll.setWidgetResizable(True)
        detail_scroll.setWidget(self.detail_box)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail_scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        detail_scroll.setMinimumHeight(120)
        self.more_button = QPushButton(self.tr("&Older events"))
        self.more_button.setObjectName("adminAuditMore")
        self.more_button.clicked.connect(self.load_more)
        self.count_label = QLabel()

        top = QHBoxLayout()
        top.addWidget(self.verify_button)
        top.addWidget(self.result_label, 1)
        filters = QHBoxLayout()
        for label, widget in ((self.tr("User:"), self.user_edit), (self.tr("Action:"), self.action_combo),
                              (self.tr("From:"), self.since_edit), (self.tr("To:"), self.until_edit),
                              (self.tr("Folio:"), self.folio_edit)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget, 1 if isinstance(widget, QLineEdit) else 0)
        filters.addWidget(self.filter_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)
        self.reload()

    def first_field(self) -> QWidget:
        return self.user_edit

    # ------------------------------------------------------------------ browsing

    def current_filter(self) -> EventFilter:
        def day(edit: QDateEdit):  # type: ignore[no-untyped-def]
            return None if edit.date() == NO_DATE else edit.date().toPython()

        return EventFilter(username=self.user_edit.text(), action=self.action_combo.currentData() or "",
                           since=day(self.since_edit), until=day(self.until_edit),
                           folio=self.folio_edit.text())

    def _cells(self, e: EventRow) -> tuple[int, list[str]]:
        at = e.at.astimezone(self._zone).strftime("%d/%m/%Y %H:%M:%S")
        record = e.entity_id if len(e.entity_id) <= 20 else e.entity_id[:8] + "…"
        return e.seq, [str(e.seq), at, e.username, audit_details.action_label(e.action),
                       f"{e.entity} {record}", audit_details.summary(e.details)]

    def _page(self, before: int | None) -> list[EventRow]:
        actor, flt = self.ctx.actor, self.current_filter()
        return self.ctx.ops.read(lambda s: audit_admin.list_events(
            s, actor, flt, before_seq=before, limit=PAGE + 1))

    @Slot()
    def reload(self) -> None:
        rows = self._page(None)
        self.events = rows[:PAGE]
        set_rows(self.table, [self._cells(e) for e in self.events])
        self._finish(len(rows) > PAGE)

    @Slot()
    def load_more(self) -> None:
        if not self.events:
            return
        rows = self._page(self.events[-1].seq)
        self.events += rows[:PAGE]
        set_rows(self.table, [self._cells(e) for e in rows[:PAGE]], append=True)
        self._finish(len(rows) > PAGE)

    def _finish(self, more: bool) -> None:
        self.more_button.setEnabled(more)
        self.count_label.setText(self.tr("%1 events shown").replace("%1", str(len(self.events))))
        self.show_detail()

    def current(self) -> EventRow | None:
        seq = selected_key(self.table)
        return next((e for e in self.events if e.seq == seq), None)

    @Slot()
    def show_detail(self) -> None:
        """The selected event's fields, each labelled in the person's language."""
        while self.detail_form.rowCount():
            self.detail_form.removeRow(0)
        event = self.current()
        if event is None:
            self.detail_form.addRow(QLabel(self.tr("Choose an event to see its details.")))
            return
        at = event.at.astimezone(self._zone).strftime("%d/%m/%Y %H:%M:%S")
        rows = [(self.tr("No."), str(event.seq)), (self.tr("Date and time"), at),
                (self.tr("User"), event.username or "—"),
                (self.tr("Action"), f"{audit_details.action_label(event.action)} ({event.action})"),
                (self.tr("Record"), f"{event.entity} {event.entity_id}")]
        rows += audit_details.fields(event.details)
        for label, text in rows:
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.detail_form.addRow(label + ":", value)

    # ------------------------------------------------------------------ verification

    @Slot()
    def verify(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor

        def job(progress, cancelled) -> audit.ChainReport:  # type: ignore[no-untyped-def]
            with db.session() as session:  # a long read: no write lock held meanwhile
                report = audit_admin.verify_chain(session, actor, progress=progress,
                                                  cancelled=cancelled)
            with db.transaction() as session:
                audit_admin.record_verification(session, actor, report)
            return report

        def done(report: audit.ChainReport) -> None:
            self.last_report = report
            self.result_label.setText(audit_admin.plain_result(report))
            self.result_label.setStyleSheet("color: #1b5e20; font-weight: bold;" if report.ok
                                            else "color: #b00020; font-weight: bold;")
            self.reload()

        # The progress dialog is window-modal: nothing else starts meanwhile. A failure or
        # a cancel is shown by the helper and leaves the previous result on screen.
        self.ctx.ops.background(job, parent=self, label=self.tr("Verifying the audit log…"),
                                on_done=done, changed="audit")
