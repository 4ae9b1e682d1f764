"""Sync conflicts tab: what refused bundles reported, named by folio, and the administrator's
decision on each — keep this site's version (the next import of the bundle leaves that
record out and brings the rest) or dismiss it (the other site sends a corrected bundle).
Each decision needs a note and is audited (services/sync_conflicts.py)."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from st2desk import timezones
from st2desk.models import Unit
from st2desk.services import sync_conflicts
from st2desk.services.sync_conflicts import ConflictRow
from st2desk.ui.admin.common import FormDialog, make_table, selected_key, set_rows
from st2desk.ui.context import UiContext


class ResolveDialog(FormDialog):
    """One decision on one conflict, with the note that says why."""

    def __init__(self, ctx: UiContext, parent: QWidget | None, row: ConflictRow, decision: str) -> None:
        keep = decision == "keep"
        super().__init__(ctx, parent, "adminResolveDialog",
                         self.tr("Keep this site's version") if keep else self.tr("Dismiss the conflict"))
        self.row = row
        self.decision = decision
        self.ok_button.setText(self.tr("&Keep this site's version") if keep else self.tr("&Dismiss"))
        what = QLabel(row.message)
        what.setWordWrap(True)
        explain = QLabel(self.tr(
            "This database keeps its own version of %1; the next import of the same bundle leaves "
            "that record (and what depends on it) out and brings the rest.").replace(
            "%1", row.folio or "") if keep else self.tr(
            "Nothing is kept here: the conflict is closed and the bundle stays refused until the "
            "other site sends one without it."))
        explain.setWordWrap(True)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setObjectName("adminResolveNote")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(80)
        self.form.addRow(self.tr("Conflict:"), what)
        self.form.addRow(explain)
        self.form.addRow(self.tr("&Why (10 to 500 characters):"), self.note_edit)

    def call(self):  # type: ignore[no-untyped-def]
        actor, conflict_id, decision = self.ctx.actor, self.row.id, self.decision
        note = self.note_edit.toPlainText()
        return lambda s: sync_conflicts.resolve_conflict(s, actor, conflict_id, decision, note)


class SyncConflictsTab(QWidget):
    """Conflicts and refused records of sync imports, open ones first."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[ConflictRow] = []
        self.dialog: FormDialog | None = None
        unit = ctx.ops.read(lambda s: s.get(Unit, ctx.actor.unit_id))
        self._zone = timezones.unit_zone(unit)
        intro = QLabel(self.tr(
            "A bundle with a conflict or a refused record is not imported at all. Decide each "
            "one, then import the bundle again in the Sync tab."))
        intro.setWordWrap(True)
        self.closed_box = QCheckBox(self.tr("Show decided ones too"))
        self.closed_box.setObjectName("adminConflictsAll")
        self.closed_box.toggled.connect(self.reload)
        self.table = make_table("adminSyncConflicts", [
            self.tr("No."), self.tr("State"), self.tr("Site"), self.tr("Folio"), self.tr("Kind"),
            self.tr("Reported"), self.tr("What sync said")])
        self.table.setAccessibleName(self.tr("Sync conflicts"))
        self.table.itemSelectionChanged.connect(self._sync)
        self.keep_button = QPushButton(self.tr("&Keep this site's version…"))
        self.keep_button.setObjectName("adminConflictKeep")
        self.keep_button.clicked.connect(lambda: self.resolve("keep"))
        self.dismiss_button = QPushButton(self.tr("&Dismiss…"))
        self.dismiss_button.setObjectName("adminConflictDismiss")
        self.dismiss_button.clicked.connect(lambda: self.resolve("dismiss"))
        self.count_label = QLabel()
        self.count_label.setObjectName("adminConflictsCount")
        top = QHBoxLayout()
        top.addWidget(intro, 1)
        top.addWidget(self.closed_box)
        actions = QHBoxLayout()
        actions.addWidget(self.keep_button)
        actions.addWidget(self.dismiss_button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.reload()

    @Slot()
    def reload(self) -> None:
        actor, everything = self.ctx.actor, self.closed_box.isChecked()
        self.rows = self.ctx.ops.read(lambda s: sync_conflicts.list_conflicts(
            s, actor, include_closed=everything))
        kinds = {"conflict": self.tr("conflict"), "refused": self.tr("refused record")}
        set_rows(self.table, [(r.id, [
            str(r.id), r.status_label, r.site, r.folio or "—", kinds.get(r.kind, r.kind),
            r.created_at.astimezone(self._zone).strftime("%d/%m/%Y %H:%M"), r.message])
            for r in self.rows])
        open_rows = sum(1 for r in self.rows if r.status == "open")
        self.count_label.setText(self.tr("%1 to decide").replace("%1", str(open_rows)))
        self._sync()

    def current(self) -> ConflictRow | None:
        key = selected_key(self.table)
        return next((r for r in self.rows if r.id == key), None)

    def select_conflict(self, conflict_id: int) -> None:
        for index, row in enumerate(self.rows):
            if row.id == conflict_id:
                self.table.selectRow(index)

    @Slot()
    def _sync(self) -> None:
        row = self.current()
        is_open = row is not None and row.status == "open"
        self.keep_button.setEnabled(is_open and bool(row and row.folio))
        self.dismiss_button.setEnabled(is_open)

    def resolve(self, decision: str) -> None:
        row = self.current()
        if row is None or row.status != "open":
            return
        self.dialog = ResolveDialog(self.ctx, self, row, decision)
        self.dialog.accepted.connect(self.reload)
        self.dialog.open()
