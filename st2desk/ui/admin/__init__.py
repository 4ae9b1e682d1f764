"""Administration section (role admin): one tab per concern, one module per tab.

Users, catalogs, folio blocks, sites and keys, sync and its conflicts, audit, backup.
Every tab calls the same services and permission checks as the command line through
`ctx.ops` (long work off the GUI thread) and builds its content when first shown.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from st2desk.errors import St2Error
from st2desk.ui.context import UiContext
from st2desk.ui.operations import show_error

TABS = (
    ("users", "st2desk.ui.admin.users:UsersTab"),
    ("catalogs", "st2desk.ui.admin.catalogs:CatalogsTab"),
    ("folios", "st2desk.ui.admin.folios:FolioBlocksTab"),
    ("keys", "st2desk.ui.admin.keys:KeysTab"),
    ("sync", "st2desk.ui.admin.sync:SyncTab"),
    ("conflicts", "st2desk.ui.admin.sync_conflicts:SyncConflictsTab"),
    ("audit", "st2desk.ui.admin.audit:AuditTab"),
    ("backup", "st2desk.ui.admin.backup:BackupTab"),
)


class AdminSection(QWidget):
    """The Administration section: a tab per concern, each built when first shown."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("adminSection")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("adminTabs")
        self._built: dict[str, QWidget] = {}
        titles = {"users": self.tr("Users"), "catalogs": self.tr("Catalogs"),
                  "folios": self.tr("Folio blocks"), "keys": self.tr("Sites and keys"),
                  "sync": self.tr("Sync"), "conflicts": self.tr("Sync conflicts"),
                  "audit": self.tr("Audit"), "backup": self.tr("Backup")}
        for key, _factory in TABS:
            self.tabs.addTab(QWidget(), titles[key])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(self._build)
        self._build(0)

    def tab(self, key: str) -> QWidget:
        """The tab `key`, built if needed and shown."""
        index = [k for k, _f in TABS].index(key)
        self.tabs.setCurrentIndex(index)
        return self._build(index)

    @Slot(int)
    def _build(self, index: int) -> QWidget:
        key, factory = TABS[index]
        if key not in self._built:
            module_name, class_name = factory.split(":")
            try:
                widget = getattr(importlib.import_module(module_name), class_name)(self.ctx, self)
            except St2Error as exc:
                if not self._built:
                    raise  # the section itself cannot open: the main window says why
                show_error(self, exc.message)  # e.g. the server is away: try the tab again later
                return self.tabs.widget(index)
            title = self.tabs.tabText(index)
            placeholder = self.tabs.widget(index)
            self.tabs.blockSignals(True)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, widget, title)
            self.tabs.setCurrentIndex(index)
            self.tabs.blockSignals(False)
            placeholder.deleteLater()
            self._built[key] = widget
        return self._built[key]
