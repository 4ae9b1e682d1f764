"""Sites and keys tab: this site's key and label (name the site, export its key), the keys
this database trusts, trusting another site's key only after its label, fingerprint and
units were shown and confirmed, and revoking one (services/site_keys.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from st2desk.errors import St2Error
from st2desk.services import site_keys
from st2desk.services.site_keys import KeyPreview, KeyRow, OwnSite
from st2desk.ui.admin.common import FormDialog, make_table, selected_key, set_rows
from st2desk.ui.context import UiContext
from st2desk.ui.operations import show_error


class SiteDialog(FormDialog):
    """Name this site and the units it signs for (its key's label)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None, site: OwnSite) -> None:
        super().__init__(ctx, parent, "adminSiteDialog", self.tr("This site"))
        self.code_edit = QLineEdit(site.code)
        self.code_edit.setObjectName("adminSiteCode")
        self.name_edit = QLineEdit(site.name)
        self.name_edit.setObjectName("adminSiteName")
        self.units_edit = QLineEdit(",".join(site.units))
        self.units_edit.setObjectName("adminSiteUnits")
        self.units_edit.setPlaceholderText(self.tr("09UMF20,09HGZ24 — or * for every unit"))
        self.form.addRow(self.tr("Site &code:"), self.code_edit)
        self.form.addRow(self.tr("Site &name:"), self.name_edit)
        self.form.addRow(self.tr("&Units it signs for:"), self.units_edit)
        note = QLabel(self.tr("Other sites trust this site's key for these units only: a unit "
                              "working offline names its own unit; the central office, every "
                              "unit (*)."))
        note.setWordWrap(True)
        self.form.addRow(note)

    def call(self):  # type: ignore[no-untyped-def]
        actor = self.ctx.actor
        code, name = self.code_edit.text(), self.name_edit.text()
        units = tuple(self.units_edit.text().split(","))
        return lambda s: site_keys.set_site(s, actor, code, name, units)


class TrustKeyDialog(FormDialog):
    """Shows what a key file would be trusted for; nothing is trusted until OK."""

    def __init__(self, ctx: UiContext, parent: QWidget | None, path: str, text: str,
                 preview: list[KeyPreview]) -> None:
        super().__init__(ctx, parent, "adminTrustKeyDialog", self.tr("Trust another site's key"))
        self.text = text
        self.preview = preview
        self.ok_button.setText(self.tr("&Trust"))
        intro = QLabel(self.tr("File %1. Before trusting it, compare each fingerprint with the one "
                               "the other site's administrator reads to you (by telephone, not "
                               "from the same e-mail or USB drive).").replace("%1", path))
        intro.setWordWrap(True)
        self.form.addRow(intro)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for index, key in enumerate(preview):
            label = QLabel(key.description)
            label.setObjectName(f"adminTrustLabel{index}")
            label.setWordWrap(True)
            finger = QLabel(key.fingerprint)
            finger.setObjectName(f"adminTrustFingerprint{index}")
            finger.setFont(mono)
            units = QLabel(key.units_text + ("" if not key.known else
                                             " " + self.tr("(already trusted for these units)")))
            units.setObjectName(f"adminTrustUnits{index}")
            units.setWordWrap(True)
            self.form.addRow(self.tr("Key %1:").replace("%1", key.kid), label)
            self.form.addRow(self.tr("Fingerprint:"), finger)
            self.form.addRow(self.tr("May sign for:"), units)
        self.central_box = QCheckBox(self.tr("Yes, this is the central office: it may sign for "
                                             "every unit"))
        self.central_box.setObjectName("adminTrustCentral")
        if any(key.all_units for key in preview):
            self.form.addRow(self.central_box)
        else:
            self.central_box.hide()
        what = QLabel(self.tr("A trusted key may sign sync bundles and authorization slips for "
                              "those units, nothing else. Trusting is recorded in the audit log."))
        what.setWordWrap(True)
        self.form.addRow(what)

    def call(self):  # type: ignore[no-untyped-def]
        actor, text, central = self.ctx.actor, self.text, self.central_box.isChecked()
        return lambda s: site_keys.trust(s, actor, text, central_confirmed=central)


class KeysTab(QWidget):
    """This site's key and label, and every key this database trusts."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: FormDialog | None = None
        self.rows: list[KeyRow] = []
        self.site: OwnSite | None = None
        self.own_label = QLabel()
        self.own_label.setObjectName("adminOwnKey")
        self.own_label.setWordWrap(True)
        self.own_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.site_button = QPushButton(self.tr("&Name this site…"))
        self.site_button.setObjectName("adminSiteEdit")
        self.site_button.clicked.connect(self.edit_site)
        self.export_button = QPushButton(self.tr("&Export this site's key…"))
        self.export_button.setObjectName("adminKeyExport")
        self.export_button.clicked.connect(self.export_key)
        own_box = QGroupBox(self.tr("This site"))
        own_layout = QVBoxLayout(own_box)
        own_layout.addWidget(self.own_label)
        own_buttons = QHBoxLayout()
        own_buttons.addWidget(self.site_button)
        own_buttons.addWidget(self.export_button)
        own_buttons.addStretch(1)
        own_layout.addLayout(own_buttons)

        self.table = make_table("adminKeysTable", [
            self.tr("Site"), self.tr("Name"), self.tr("May sign for"), self.tr("Fingerprint"),
            self.tr("Origin"), self.tr("Added"), self.tr("Key")])
        self.table.setAccessibleName(self.tr("Keys of this database"))
        self.table.itemSelectionChanged.connect(self._sync)
        self.trust_button = QPushButton(self.tr("&Trust another site's key…"))
        self.trust_button.setObjectName("adminKeyTrust")
        self.trust_button.clicked.connect(self.trust_key)
        self.revoke_button = QPushButton(self.tr("&Revoke…"))
        self.revoke_button.setObjectName("adminKeyRevoke")
        self.revoke_button.clicked.connect(self.revoke_key)
        actions = QHBoxLayout()
        actions.addWidget(self.trust_button)
        actions.addWidget(self.revoke_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(own_box)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.reload()

    # ------------------------------------------------------------------ list

    @Slot()
    def reload(self) -> None:
        actor = self.ctx.actor
        self.site, self.rows = self.ctx.ops.read(
            lambda s: (site_keys.own_site(s, actor), site_keys.list_keys(s, actor)))
        site = self.site
        text = self.tr("Site %1 “%2”, signs for: %3.").replace("%1", site.code).replace(
            "%2", site.name).replace("%3", site.units_text)
        if site.kid is None:
            text += " " + self.tr("This computer has no signing key yet; it is made the first time "
                                  "a slip or a bundle is signed, or the key is exported.")
        else:
            text += " " + self.tr("Key %1, fingerprint %2.").replace("%1", site.kid).replace(
                "%2", site.fingerprint)
        self.own_label.setText(text)
        origins = {"local": self.tr("this database"), "trusted": self.tr("trusted")}
        set_rows(self.table, [(r.kid, [
            r.site_code or "?", r.site_name + (" ★" if r.own else ""), r.units_text, r.fingerprint,
            origins.get(r.origin, r.origin), r.added_at, r.kid]) for r in self.rows])
        self._sync()

    def current(self) -> KeyRow | None:
        kid = selected_key(self.table)
        return next((r for r in self.rows if r.kid == kid), None)

    def select_key(self, kid: str) -> None:
        for index, row in enumerate(self.rows):
            if row.kid == kid:
                self.table.selectRow(index)

    @Slot()
    def _sync(self) -> None:
        row = self.current()
        self.revoke_button.setEnabled(row is not None and row.origin == "trusted")

    # ------------------------------------------------------------------ this site

    def _open(self, dialog: FormDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(self.reload)
        dialog.open()

    @Slot()
    def edit_site(self) -> None:
        if self.site is not None:
            self._open(SiteDialog(self.ctx, self, self.site))

    @Slot()
    def export_key(self) -> None:
        from st2desk.outputs import check_target, write_atomic
        from st2desk.ui.file_dialogs import remember_folder, start_folder

        code = (self.site.code if self.site else "") or "sitio"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export this site's key"), f"{start_folder('keys')}/llave-{code}.txt",
            self.tr("Key files (*.txt);;All files (*)"))
        if not chosen:
            return
        remember_folder("keys", chosen)
        actor = self.ctx.actor
        try:
            target = check_target(chosen)  # before anything is recorded
        except St2Error as exc:
            show_error(self, exc.message)
            return

        def export(session):  # type: ignore[no-untyped-def]
            text = site_keys.export_own_keys(session, actor)
            write_atomic(target, text.encode("utf-8"))  # a failed write rolls the audit back
            return True

        if not self.ctx.ops.write(export, parent=self, changed="admin"):
            return
        self.reload()
        QMessageBox.information(self, self.tr("Export this site's key"), self.tr(
            "This site's key was written to %1. Give it to the other site's administrator and read "
            "them its fingerprint by telephone: %2").replace("%1", str(target)).replace(
            "%2", self.site.fingerprint if self.site else ""))

    # ------------------------------------------------------------------ other sites

    @Slot()
    def trust_key(self) -> None:
        from st2desk.inputs import KEY_FILE_LIMIT, read_bounded
        from st2desk.ui.file_dialogs import remember_folder, start_folder

        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Trust another site's key"), start_folder("keys"),
            self.tr("Key files (*.txt);;All files (*)"))
        if not chosen:
            return
        remember_folder("keys", chosen)
        actor = self.ctx.actor
        try:
            text = read_bounded(chosen, KEY_FILE_LIMIT, "el archivo de llaves").decode(
                "utf-8", errors="replace")
            preview = self.ctx.ops.read(lambda s: site_keys.preview_key_file(s, actor, text))
        except St2Error as exc:
            show_error(self, exc.message)  # nothing was trusted
            return
        self._open(TrustKeyDialog(self.ctx, self, str(Path(chosen)), text, preview))

    @Slot()
    def revoke_key(self) -> None:
        row = self.current()
        if row is None or row.origin != "trusted":
            return
        answer = QMessageBox.question(self, self.tr("Revoke a key"), self.tr(
            "Stop trusting the key of site %1 “%2” (fingerprint %3)? Its bundles and slips will no "
            "longer be accepted here; what it already brought stays.").replace(
            "%1", row.site_code or "?").replace("%2", row.site_name).replace("%3", row.fingerprint))
        if answer != QMessageBox.StandardButton.Yes:
            return
        actor, kid = self.ctx.actor, row.kid
        if self.ctx.ops.write(lambda s: site_keys.revoke(s, actor, kid), parent=self,
                              changed="admin") is not None:
            self.reload()
