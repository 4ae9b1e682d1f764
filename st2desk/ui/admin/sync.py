"""Sync tab: export a bundle for another site (encrypted to the destination's trusted key, as
`st2desk sync export --to`) and import one, both off the GUI thread with progress; the
import's report record by record (accepted, already here, conflict, refused — with why).
What sync reported is decided in the Sync conflicts tab (ui/admin/sync_conflicts.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from st2desk import clock
from st2desk.errors import St2Error
from st2desk.models import Role
from st2desk.services import catalogs_admin, site_keys
from st2desk.services.common import require_role
from st2desk.services.sync import ENTITY_LABELS, ENTITY_PLURALS, ImportReport
from st2desk.ui.admin.common import make_table, set_rows
from st2desk.ui.context import UiContext
from st2desk.ui.operations import show_error

OUTCOME_COLORS = {"accepted": "#1b5e20", "duplicate": "#37474f", "conflict": "#b00020",
                  "refused": "#b00020", "stale": "#7a4a00", "note": "#37474f"}


def _counted(entity: str, n: int) -> str:
    return f"{n} {ENTITY_LABELS[entity] if n == 1 else ENTITY_PLURALS[entity]}"


class SyncTab(QWidget):
    """Export and import sync bundles; the last import's report."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.last_report: ImportReport | None = None
        self.last_export: str | None = None

        self.destination_combo = QComboBox()
        self.destination_combo.setObjectName("adminSyncDestination")
        self.destination_combo.setAccessibleName(self.tr("Destination site"))
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("adminSyncUnit")
        for combo in (self.destination_combo, self.unit_combo):  # long names do not widen the tab
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(16)
        # What the chosen site signs for, under the box: in the item's text it was cut off
        # on a 1,024-pixel screen.
        self.destination_scope = QLabel()
        self.destination_scope.setObjectName("adminSyncDestinationScope")
        self.destination_scope.setWordWrap(True)
        self.destination_combo.currentIndexChanged.connect(self._show_destination_scope)
        self.full_box = QCheckBox(self.tr("Everything, not only what changed since the last export"))
        self.full_box.setObjectName("adminSyncFull")
        self.export_button = QPushButton(self.tr("&Export a bundle…"))
        self.export_button.setObjectName("adminSyncExport")
        self.export_button.clicked.connect(self.export_bundle)
        export_box = QGroupBox(self.tr("Send to another site"))
        form = QFormLayout(export_box)
        form.addRow(self.tr("&Destination:"), self.destination_combo)
        form.addRow("", self.destination_scope)
        form.addRow(self.tr("&Only this unit:"), self.unit_combo)
        form.addRow(self.full_box)
        form.addRow(self.export_button)

        self.import_button = QPushButton(self.tr("&Import a bundle…"))
        self.import_button.setObjectName("adminSyncImport")
        self.import_button.clicked.connect(self.import_bundle)
        import_note = QLabel(self.tr(
            "A bundle is accepted whole or not at all: if any record conflicts with this "
            "database or is refused, nothing of it is written and each reason is listed below."))
        import_note.setWordWrap(True)
        import_box = QGroupBox(self.tr("Receive from another site"))
        inner = QVBoxLayout(import_box)
        inner.addWidget(import_note)
        inner.addWidget(self.import_button)
        inner.addStretch(1)

        self.summary_label = QLabel(self.tr("No bundle imported in this session yet."))
        self.summary_label.setObjectName("adminSyncSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.conflicts_button = QPushButton(self.tr("&Decide the conflicts…"))
        self.conflicts_button.setObjectName("adminSyncShowConflicts")
        self.conflicts_button.clicked.connect(self.show_conflicts)
        self.conflicts_button.hide()
        self.report = make_table("adminSyncReport", [
            self.tr("Result"), self.tr("Records"), self.tr("Reason")])
        self.report.setAccessibleName(self.tr("Report of the last import"))
        self.report.setWordWrap(True)

        boxes = QHBoxLayout()
        boxes.addWidget(export_box, 1)
        boxes.addWidget(import_box, 1)
        summary = QHBoxLayout()
        summary.addWidget(self.summary_label, 1)
        summary.addWidget(self.conflicts_button)
        layout = QVBoxLayout(self)
        layout.addLayout(boxes)
        layout.addLayout(summary)
        layout.addWidget(self.report, 1)
        self.reload()
        ctx.ops.sig_data_changed.connect(self._data_changed)

    @Slot(str)
    def _data_changed(self, _what: str) -> None:
        """A key trusted or revoked in Sites and keys changes the destinations offered."""
        try:
            self.reload()
        except St2Error:
            pass  # the server is away: the banner says so; the list stays as it was

    def first_field(self) -> QWidget:
        return self.destination_combo

    @Slot()
    def reload(self) -> None:
        actor = self.ctx.actor
        keys, units = self.ctx.ops.read(lambda s: (site_keys.list_keys(s, actor),
                                                   catalogs_admin.list_units(s, actor)))
        chosen = self.destination_combo.currentData()
        self.destination_combo.clear()
        sites: dict[str, list] = {}
        for key in keys:
            if key.origin == "trusted":
                sites.setdefault(key.site_code or key.kid, []).append(key)
        for code, members in sorted(sites.items()):
            name = members[0].site_name or code
            self.destination_combo.addItem(f"{code} · {name}", code)
            scope = self.tr("Signs for: %1").replace("%1", members[0].units_text)
            self.destination_combo.setItemData(self.destination_combo.count() - 1, scope,
                                               Qt.ItemDataRole.ToolTipRole)
        if not sites:
            self.destination_combo.addItem(self.tr("(no trusted site yet: trust its key in "
                                                   "Sites and keys)"), None)
        index = self.destination_combo.findData(chosen)
        self.destination_combo.setCurrentIndex(max(0, index))
        self._show_destination_scope()
        self.export_button.setEnabled(bool(sites))
        unit_chosen = self.unit_combo.currentData()
        self.unit_combo.clear()
        self.unit_combo.addItem(self.tr("(every unit)"), "")
        for unit in units:
            self.unit_combo.addItem(f"{unit.code} · {unit.name}", unit.code)
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(unit_chosen)))

    # ------------------------------------------------------------------ export

    @Slot()
    def _show_destination_scope(self) -> None:
        index = self.destination_combo.currentIndex()
        scope = self.destination_combo.itemData(index, Qt.ItemDataRole.ToolTipRole) if index >= 0 else None
        self.destination_scope.setText(scope or "")
        self.destination_scope.setVisible(bool(scope))
        self.destination_combo.setToolTip(scope or "")

    def export_bundle(self) -> None:
        from st2desk.outputs import check_target, write_atomic
        from st2desk.services.sync import export_bundle
        from st2desk.ui.file_dialogs import remember_folder, start_folder

        to = self.destination_combo.currentData()
        if not to:
            return
        unit = self.unit_combo.currentData() or None
        full = self.full_box.isChecked()
        suggested = f"{start_folder('bundles')}/paquete-{to}-{clock.today():%Y-%m-%d}.st2sync"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export a bundle"), suggested,
            self.tr("st2desk bundles (*.st2sync);;All files (*)"))
        if not chosen:
            return
        remember_folder("bundles", chosen)
        try:
            target = check_target(chosen)  # before the export is marked as done
        except St2Error as exc:
            show_error(self, exc.message)
            return
        db, actor = self.ctx.db, self.ctx.actor

        def job(progress, cancelled):  # type: ignore[no-untyped-def]
            progress(0, 2)
            if cancelled():
                raise St2Error("Exportación cancelada: no se escribió ningún paquete.")
            with db.transaction() as session:
                data, summary = export_bundle(session, actor, to=to, unit_code=unit, full=full)
                progress(1, 2)
                write_atomic(target, data)  # a failed write rolls the export mark back with it
            progress(2, 2)
            return summary.line()

        def done(line: str) -> None:
            self.last_export = line
            text = line + " " + self.tr("File: %1.").replace("%1", str(target))
            self.summary_label.setText(text)
            self.summary_label.setStyleSheet("")

        self.ctx.ops.background(job, parent=self, label=self.tr("Exporting the bundle…"),
                                on_done=done, changed="admin")

    # ------------------------------------------------------------------ import

    @Slot()
    def import_bundle(self) -> None:
        from st2desk.services.sync import import_bundle, read_bundle_file
        from st2desk.ui.file_dialogs import remember_folder, start_folder

        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Import a bundle"), start_folder("bundles"),
            self.tr("st2desk bundles (*.st2sync);;All files (*)"))
        if not chosen:
            return
        remember_folder("bundles", chosen)
        db, actor = self.ctx.db, self.ctx.actor

        def job(progress, cancelled):  # type: ignore[no-untyped-def]
            progress(0, 3)
            with db.session() as session:  # refused early, before reading a large file
                require_role(session, actor, Role.ADMIN, "importar paquetes de sincronización")
            data = read_bundle_file(chosen)  # bounded before anything is parsed
            progress(1, 3)
            if cancelled():
                raise St2Error("Importación cancelada: no se importó nada.")
            with db.transaction() as session:
                report = import_bundle(session, actor, data)
            progress(3, 3)
            return report

        self.ctx.ops.background(job, parent=self, label=self.tr("Verifying and importing the "
                                                                "bundle…"),
                                on_done=lambda report: self.show_report(report, chosen),
                                changed="external")

    def report_rows(self, report: ImportReport) -> list[tuple[str, str, str, str]]:
        """(outcome key, result, records, reason) of each line of the report."""
        rows: list[tuple[str, str, str, str]] = []
        if report.already_imported:
            return [("duplicate", self.tr("Already here"), self.tr("the whole bundle"),
                     self.tr("This bundle was imported before: nothing changed."))]
        for kind, counts, result, reason in (
                ("accepted", report.inserted, self.tr("Accepted"), self.tr("new in this database")),
                ("accepted", report.updated, self.tr("Accepted"),
                 self.tr("updated: the other site changed it, this one had not")),
                ("duplicate", report.unchanged, self.tr("Already here"),
                 self.tr("the same as in this database"))):
            if report.refused and kind == "accepted":  # valid, but nothing of the bundle went in
                result = self.tr("Valid, not written")
            for entity, n in counts.items():
                if n:
                    rows.append((kind, result, _counted(entity, n), reason))
        for message in report.conflicts:
            rows.append(("conflict", self.tr("Conflict"), self._folio(message), message))
        for message in report.skipped:
            rows.append(("refused", self.tr("Refused"), self._folio(message), message))
        for message in report.stale:
            rows.append(("stale", self.tr("Skipped (older)"), self._folio(message), message))
        for message in report.notes:
            rows.append(("note", self.tr("Note"), "", message))
        return rows

    @staticmethod
    def _folio(message: str) -> str:
        from st2desk.services.sync import FOLIO_IN_TEXT

        found = FOLIO_IN_TEXT.findall(message)
        return found[0] if found else message.split(":", 1)[0][:60]

    def show_report(self, report: ImportReport, path: str) -> None:
        self.last_report = report
        rows = self.report_rows(report)
        set_rows(self.report, [(kind, [result, records, reason])
                               for kind, result, records, reason in rows])
        for row, (kind, *_rest) in enumerate(rows):
            self.report.item(row, 0).setForeground(QColor(OUTCOME_COLORS[kind]))
        self.report.resizeRowsToContents()
        name = Path(path).name
        if report.already_imported:
            text = self.tr("%1 was already imported: nothing changed.").replace("%1", name)
        elif report.refused:
            text = self.tr("%1 REFUSED: nothing of it was written (conflicts: %2; records refused: "
                           "%3). Decide the conflicts, or ask the other site for a corrected "
                           "bundle, then import it again.").replace("%1", name).replace(
                "%2", str(len(report.conflicts))).replace("%3", str(len(report.skipped)))
        else:
            text = self.tr("%1 imported: %2 records written (site %3, bundle no. %4).").replace(
                "%1", name).replace("%2", str(report.changed)).replace(
                "%3", report.site or "?").replace("%4", str(report.sequence))
        self.summary_label.setText(text)
        self.summary_label.setStyleSheet("color: #b00020; font-weight: bold;" if report.refused
                                         else "color: #1b5e20; font-weight: bold;")
        self.conflicts_button.setVisible(report.refused)

    @Slot()
    def show_conflicts(self) -> None:
        section = self.parent()
        while section is not None and not hasattr(section, "tab"):
            section = section.parent()
        if section is not None:
            section.tab("conflicts").reload()  # type: ignore[attr-defined]
