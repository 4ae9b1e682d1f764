"""Start the desktop application: translations, database check, login, main window."""

from __future__ import annotations

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox
from sqlalchemy import func, inspect, select

from st2desk.db import Database
from st2desk.models import User
from st2desk.resources import resources_dir
from st2desk.ui import i18n
from st2desk.ui.context import UiContext
from st2desk.ui.login import LoginDialog
from st2desk.ui.main_window import MainWindow
from st2desk.ui.operations import Operations


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName("st2desk")
    app.setApplicationName("st2desk")
    app.setApplicationDisplayName("st2desk")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "st2desk.svg")))
    i18n.install(app)
    return app


def _startup_problem(db: Database) -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        return QApplication.translate(
            "App", "The database is not initialised. Run “st2desk init” (and “st2desk demo” "
                   "for demonstration data), then start st2desk again.")
    with db.session() as session:
        if not session.scalar(select(func.count()).select_from(User)):
            return QApplication.translate(
                "App", "There are no users yet. Create one with “st2desk user add” or load "
                       "demonstration data with “st2desk demo”.")
    return None


def run(database_url: str | None = None) -> int:
    app = make_application()
    db = Database(database_url)
    problem = _startup_problem(db)
    if problem:
        QMessageBox.critical(None, "st2desk", problem)
        return 1
    login = LoginDialog(db)
    if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
        return 0
    actor = login.actor
    ctx = UiContext(db=db, actor=actor, ops=Operations(db))
    window: MainWindow

    def relock() -> bool:
        dialog = LoginDialog(db, window, locked_user=actor.username)
        return dialog.exec() == QDialog.DialogCode.Accepted

    window = MainWindow(ctx, on_lock=relock)
    window.show()
    return app.exec()
