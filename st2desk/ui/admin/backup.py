"""Backup tab: on SQLite, back up (a consistent copy while others work) and restore (verified
first, audited, counters never moved back), both off the GUI thread with progress; on
PostgreSQL, what to run instead (docs/backup.md). Session ▸ Back up… uses `back_up` too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from st2desk import clock
from st2desk.models import Role
from st2desk.services.common import require_role
from st2desk.ui.context import UiContext


def back_up(ctx: UiContext, parent: QWidget, on_done: Callable[[str], None] | None = None) -> None:
    """Ask where, then copy the SQLite database with progress and cancel (st2desk.backup);
    on PostgreSQL say which server tools to use."""
    from st2desk.backup import PG_GUIDANCE, backup

    if not ctx.db.is_sqlite:
        QMessageBox.information(parent, QCoreApplication.translate("BackupTab", "Back up the database"),
                                PG_GUIDANCE)
        return
    from st2desk.ui.file_dialogs import remember_folder, start_folder

    suggested = f"{start_folder('backups')}/st2desk-{clock.today():%Y-%m-%d}.sqlite3"
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("BackupTab", "Back up the database"), suggested,
        QCoreApplication.translate("BackupTab", "st2desk backups (*.sqlite3);;All files (*)"))
    if not chosen:
        return
    remember_folder("backups", chosen)
    url, target = ctx.db.url, Path(chosen)

    def done(pages: int) -> None:
        message = QCoreApplication.translate("BackupTab", "Backup written to %1.").replace(
            "%1", chosen)
        if on_done is not None:
            on_done(message)
        QMessageBox.information(parent, QCoreApplication.translate("BackupTab", "Back up the database"),
                                message)

    ctx.ops.background(
        lambda progress, cancelled: backup(url, target, progress=progress, cancel=cancelled),
        parent=parent, label=QCoreApplication.translate("BackupTab", "Backing up the database…"),
        on_done=done)


class BackupTab(QWidget):
    """Back up and restore the database (SQLite), or the PostgreSQL procedure."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_label = QLabel()
        self.result_label.setObjectName("adminBackupResult")
        self.result_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        if ctx.db.is_sqlite:
            self.backup_button = QPushButton(self.tr("&Back up the database…"))
            self.backup_button.setObjectName("adminBackupButton")
            self.backup_button.clicked.connect(self.back_up)
            self.restore_button = QPushButton(self.tr("&Restore from a backup…"))
            self.restore_button.setObjectName("adminRestoreButton")
            self.restore_button.clicked.connect(self.restore)
            backup_box = QGroupBox(self.tr("Back up"))
            inner = QVBoxLayout(backup_box)
            about = QLabel(self.tr(
                "A consistent copy of the whole database, made while others keep working. Keep "
                "it away from this computer (a USB drive, another building)."))
            about.setWordWrap(True)
            inner.addWidget(about)
            inner.addWidget(self.backup_button)
            restore_box = QGroupBox(self.tr("Restore"))
            inner = QVBoxLayout(restore_box)
            warning = QLabel(self.tr(
                "Replaces everything in this database with the backup's content. The backup is "
                "verified first (integrity, version, audit log); folio and authorization counters "
                "are never moved back, so no number already handed out is given again. Work done "
                "after the backup is lost. You sign in again afterwards."))
            warning.setWordWrap(True)
            inner.addWidget(warning)
            inner.addWidget(self.restore_button)
            layout.addWidget(backup_box)
            layout.addWidget(restore_box)
        else:
            from st2desk.backup import PG_GUIDANCE

            guidance = QLabel(self.tr(
                "This site's database is on a PostgreSQL server: back it up and restore it with "
                "the server's tools, run by whoever administers the server.") + "\n\n" + PG_GUIDANCE
                + "\n\n" + self.tr("After a pg_restore, “st2desk restore --counters-from URL” moves "
                                   "the counters past every number issued since the dump."))
            guidance.setObjectName("adminBackupPostgres")
            guidance.setWordWrap(True)
            layout.addWidget(guidance)
        layout.addWidget(self.result_label)
        layout.addStretch(1)

    @Slot()
    def back_up(self) -> None:
        back_up(self.ctx, self, self.result_label.setText)

    @Slot()
    def restore(self) -> None:
        from st2desk import backup
        from st2desk.ui.file_dialogs import remember_folder, start_folder

        chosen, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Restore from a backup"), start_folder("backups"),
            self.tr("st2desk backups (*.sqlite3);;All files (*)"))
        if not chosen:
            return
        remember_folder("backups", chosen)
        answer = QMessageBox.question(self, self.tr("Restore from a backup"), self.tr(
            "Replace the whole database with %1? Work done after that backup is lost (its numbers "
            "are not reused).").replace("%1", chosen))
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def job(progress, cancelled):  # type: ignore[no-untyped-def]
            with db.session() as session:
                require_role(session, actor, Role.ADMIN, "restaurar la base de datos")
            return backup.restore(db.url, Path(chosen), username=actor.username)

        def done(report) -> None:  # type: ignore[no-untyped-def]
            text = self.tr("Database restored from %1.").replace("%1", chosen) + "\n" + \
                "\n".join(report.lines())
            self.result_label.setText(text)
            QMessageBox.information(self, self.tr("Restore from a backup"), text + "\n\n" + self.tr(
                "Sign in again to go on with the restored data."))
            window = self.window()
            if hasattr(window, "sign_out"):
                window.sign_out()

        self.ctx.ops.background(job, parent=self, label=self.tr("Verifying and restoring the backup…"),
                                on_done=done, changed="external")
