"""Start the desktop application: translations, database check, login, main window."""

from __future__ import annotations

import gc
import signal
import sys

# Cold start (DESIGN §6: interactive main window under 0.8 s). Importing the application
# makes ~80,000 objects that live as long as the process, and the cyclic collector kept
# walking them: ~35 ms of collections during these imports, then a ~40 ms full collection
# while the first window was built (PostgreSQL, reference scale). So the collector pauses
# while this module imports, and what the imports made is then moved to the permanent
# generation (gc.freeze), which later collections skip. The cost: the few hundred cyclic
# leftovers of the imports are never freed.
gc.disable()
try:
    # The non-Qt half of the GUI is imported before PySide6: once PySide6 is loaded, its
    # `__feature__` import hook reads the source file of every module imported after it
    # (inspect.getsource), ~50 ms more at start. Keep non-Qt imports of the first window
    # (services every section uses, the login's) above the split.
    from sqlalchemy import func, inspect, select

    import st2desk.audit  # noqa: F401
    import st2desk.failures  # noqa: F401
    import st2desk.notify  # noqa: F401
    import st2desk.services.common  # noqa: F401
    import st2desk.services.users  # noqa: F401
    import st2desk.services.workflow  # noqa: F401
    from st2desk.db import Database, storage_errors
    from st2desk.errors import StorageUnavailable
    from st2desk.models import User
    from st2desk.resources import resources_dir

    # isort: split
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

    from st2desk.ui import accessibility, failures, i18n, preferences
    from st2desk.ui.context import UiContext
    from st2desk.ui.login import LoginDialog
    from st2desk.ui.main_window import MainWindow
    from st2desk.ui.operations import Operations
finally:
    gc.freeze()
    gc.enable()


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setOrganizationName("st2desk")
    app.setApplicationName("st2desk")
    app.setApplicationDisplayName("st2desk")
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "st2desk.svg")))
    i18n.install(app)
    accessibility.readable_palette(app)  # placeholders readable (WCAG AA)
    return app


def _startup_problem(db: Database) -> str | None:
    """What stops the application from starting, or None. The database being
    unreachable is not a problem but a wait: `StorageUnavailable` is raised for it."""
    with storage_errors():
        if not db.is_sqlite:
            # Before anyone signs in, a workstation's URL carries no password (DESIGN §7.1):
            # only whether the server answers is known; the schema is checked at sign-in.
            db.reachable()
            return None
        return _schema_problem(db)


def _schema_problem(db: Database) -> str | None:
    if not inspect(db.engine).has_table("alembic_version"):
        return QApplication.translate(
            "App", "The database is not initialised. Run “st2desk init” (and “st2desk demo” "
                   "for demonstration data), then start st2desk again.")
    with db.session() as session:
        if not session.scalar(select(func.count()).select_from(User)):
            return QApplication.translate(
                "App", "There are no users yet. Create the first administrator with “st2desk "
                       "user add USUARIO --name … --unit … --role admin” or load "
                       "demonstration data with “st2desk demo”.")
    return None


def _close_on_sigterm(app: QApplication) -> None:
    """A session ending (logout, shutdown) sends SIGTERM: close the windows as the Quit
    action would (forms keep what was typed on this computer), then exit; temporary
    folders are removed at exit (st2desk.tempfiles). Python runs signal handlers only
    between bytecodes, so a light timer gives it the chance while Qt waits for events."""
    signal.signal(signal.SIGTERM, lambda *_: (app.closeAllWindows(), app.quit()))
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(500)


def run(database_url: str | None = None) -> int:
    app = make_application()
    failures.install_excepthook()
    _close_on_sigterm(app)
    db = Database(database_url, interactive=True)
    while True:
        try:
            problem = _startup_problem(db)
            break
        except StorageUnavailable as exc:
            from st2desk.ui.startup import WaitForDatabaseDialog

            if WaitForDatabaseDialog(db, exc.message).exec() != QDialog.DialogCode.Accepted:
                return 0
    if problem:
        QMessageBox.critical(None, "st2desk", problem)
        return 1
    warn_permissions = bool(db.fixed_permissions)
    while True:  # "Sign out / switch user" brings the sign-in back on a shared computer
        window = _session(db, warn_permissions)
        if window is None:
            return 0
        code = app.exec()
        window.ctx.ops.close()
        signed_out = window.signed_out
        preferences.set_person(None)  # the next sign-in speaks the workstation's language
        i18n.install(app)
        window.deleteLater()  # the next person gets a window of their own
        if not signed_out:
            return code
        warn_permissions = False


def _session(db: Database, warn_permissions: bool) -> MainWindow | None:
    """Sign a person in and show their main window; None when they cancel."""
    login = LoginDialog(db)
    if login.exec() != QDialog.DialogCode.Accepted or login.actor is None:
        return None
    actor = login.actor
    ops = Operations(db)
    ops.probe()  # reads the server's clock off the GUI thread (the skew warning)
    ctx = UiContext(db=db, actor=actor, ops=ops)  # makes the person's preferences current
    i18n.install(QApplication.instance(), i18n.current_language())  # their language
    window: MainWindow

    def relock() -> bool:
        dialog = LoginDialog(db, window, locked_user=actor.username)
        return dialog.exec() == QDialog.DialogCode.Accepted

    window = MainWindow(ctx, on_lock=relock)
    window.show()
    if warn_permissions:
        window.statusBar().showMessage(QApplication.translate(
            "App", "The database files could be read by other accounts of this computer; now "
                   "only yours can."), 20000)
    return window
