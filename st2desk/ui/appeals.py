"""Appeals inbox (recursos de revisión) for the head of service (`appeals` role).

Scope: open appeals of requests whose performing unit is the user's unit. The head of
service of a hospital reviews the first decisions of that hospital's specialists (DESIGN
§1.1: "jefe de servicio"), so each unit's heads see their own unit's appeals, as the
specialists see their own unit's inbox. A head who made the first decision sees the
appeal but cannot resolve it (the service refuses; here the actions are disabled and
the reason is shown).

Each row shows the rejection it is against (reason, text, who) and the appeal grounds;
the detail pane shows the whole request. Keyboard: Ctrl+Shift+A grant (authorize),
Ctrl+Shift+R deny, F5 refresh; arrows move through the appeals.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from st2desk.errors import St2Error
from st2desk.models import RequestStatus
from st2desk.services import decisions
from st2desk.services import inbox as inbox_service
from st2desk.services.inbox import Cursor
from st2desk.ui.context import UiContext
from st2desk.ui.decision_dialogs import (
    DenyAppealDialog,
    GrantAppealDialog,
    GrantValues,
    Outcome,
    RejectValues,
)
from st2desk.ui.inbox import PagedQueue
from st2desk.ui.inbox_model import AppealsModel


class AppealsInbox(PagedQueue):
    """Open appeals against first decisions of the user's unit, oldest first."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, AppealsModel(), parent)
        self.setObjectName("appealsInbox")
        self.model.setParent(self)

        self.scope_label = QLabel(self.tr(
            "Appeals (recursos de revisión) against first decisions of your unit, oldest first."))
        self.scope_label.setObjectName("appealsScope")
        self.scope_label.setWordWrap(True)
        self.count_label = QLabel()
        self.count_label.setObjectName("appealsCount")
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setObjectName("refreshButton")
        self.refresh_button.setToolTip(self.tr("Read the appeals again (F5)"))
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.scope_label, 1)
        top.addWidget(self.count_label)
        top.addSpacing(12)
        top.addWidget(self.refresh_button)

        self.table.setObjectName("appealsTable")
        self.table.setAccessibleName(self.tr("Open appeals"))

        self.grant_action = self._action(self.tr("Grant (&authorize)…"), "Ctrl+Shift+A", self.grant)
        self.deny_action = self._action(self.tr("&Deny…"), "Ctrl+Shift+R", self.deny)
        self.refresh_action = self._action(self.tr("Refresh"), "F5", self.refresh)
        self.grant_button = self._button(self.grant_action, "grantAppealButton")
        self.deny_button = self._button(self.deny_action, "denyAppealButton")
        actions = self._build_body("appeals", [640, 420], [self.grant_button, self.deny_button])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(actions)

        for first, second in ((self.refresh_button, self.table), (self.table, self.detail.browser),
                              (self.detail.browser, self.grant_button),
                              (self.grant_button, self.deny_button)):
            self.setTabOrder(first, second)

        actor = ctx.actor

        def fetch(after: Cursor | None, limit: int) -> list:
            return ctx.ops.read(lambda s: inbox_service.appeals_page(s, actor, after, limit))

        self._restoring = True
        try:
            self.model.set_fetch(fetch)
        finally:
            self._restoring = False
        self.show_first()
        self.update_count()

    # ------------------------------------------------------------------ state

    def empty_text(self) -> str:
        return self.tr("No open appeals for your unit.")

    def update_count(self) -> None:
        try:
            count = self.ctx.ops.read(lambda s: inbox_service.appeals_count(s, self.ctx.actor))
        except St2Error as exc:
            self.count_label.setText(exc.message)
            return
        self.count_label.setText(self.tr("Open appeals: %1").replace("%1", f"{count:,}"))

    def _decidable(self) -> tuple[bool, str]:
        detail = self.detail.detail
        if detail is None:
            return False, ""
        me = self.ctx.actor.user_id
        if any(d.decided_by_id == me and not d.on_appeal for d in detail.decisions):
            return False, self.tr(
                "You made the first decision on this request; another head of service "
                "must resolve the appeal.")
        if detail.physician_id == me:
            return False, self.tr("You filed this request; you cannot resolve its appeal.")
        if detail.status is not RequestStatus.IN_APPEAL:
            return False, self.tr("This appeal is already resolved.")
        return True, ""

    def decision_widgets(self) -> list[QAction | QPushButton]:
        return [self.grant_action, self.deny_action, self.grant_button, self.deny_button]

    # ------------------------------------------------------------------ decisions

    @Slot()
    def grant(self) -> None:
        detail = self._current_detail()
        if detail is None:
            return
        request_id, version, folio = detail.id, detail.version, detail.folio

        def submit(values: GrantValues) -> Outcome:
            return self.run_decision(
                request_id,
                lambda s: decisions.decide_appeal(
                    s, self.ctx.actor, request_id, grant=True, text=values.text,
                    valid_days=values.valid_days, expected_version=version),
                lambda _req: self.tr("Appeal on %1 granted: the request is authorized.").replace(
                    "%1", folio),
                self._dialog)

        self.open_dialog(GrantAppealDialog(self.subject(detail), valid_days=detail.validity_days,
                                           parent=self, submit=submit))

    @Slot()
    def deny(self) -> None:
        detail = self._current_detail()
        if detail is None:
            return
        request_id, version, folio = detail.id, detail.version, detail.folio

        def submit(values: RejectValues) -> Outcome:
            return self.run_decision(
                request_id,
                lambda s: decisions.decide_appeal(
                    s, self.ctx.actor, request_id, grant=False, text=values.text,
                    reason_code=values.reason_code, expected_version=version),
                lambda _req: self.tr("Appeal on %1 denied: the rejection is final.").replace(
                    "%1", folio),
                self._dialog)

        self.open_dialog(DenyAppealDialog(self.subject(detail), reasons=self.rejection_reasons(),
                                          parent=self, submit=submit))
