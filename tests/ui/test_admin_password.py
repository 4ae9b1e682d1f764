"""Session ▸ Change my password…: every signed-in person (not only administrators) changes
their own password; refusals are in Spanish and keep what was typed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from st2desk import pglogins
from st2desk.db import Database
from st2desk.services import users as users_service
from st2desk.ui.context import UiContext
from st2desk.ui.main_window import MainWindow
from st2desk.ui.operations import Operations
from tests.cast import PASSWORD
from tests.ui.admin_support import click, events

NEW = "otra-clave-segura-2"


@pytest.fixture
def signed_in(db, db_url):  # type: ignore[no-untyped-def]
    """A context as the application builds it after sign-in: on PostgreSQL connected as the
    person's own login role (never as the server's superuser, whose password this would
    change)."""
    made: list[tuple[Database, Operations]] = []

    def make(actor):  # type: ignore[no-untyped-def]
        database = db
        if not db.is_sqlite:
            database = Database(db_url)
            users_service.login(database, actor.username, PASSWORD)
        ops = Operations(database, poll_ms=0)
        made.append((database, ops))
        return UiContext(db=database, actor=actor, ops=ops)

    yield make
    for database, ops in made:
        ops.wait_for_jobs()
        ops.close()
        if database is not db:
            database.dispose()


def password_works(db, username: str, password: str) -> bool:  # type: ignore[no-untyped-def]
    if db.is_sqlite:
        with db.session() as s:
            from sqlalchemy import select

            from st2desk import passwords
            from st2desk.models import User

            user = s.scalar(select(User).where(User.username == username))
            return passwords.verify_password(user.password_hash, password)
    with db.session() as s:
        return pglogins.password_holds(s, username, password)


def _open(qtbot, make_ctx, actor):  # type: ignore[no-untyped-def]
    window = MainWindow(make_ctx(actor))
    qtbot.addWidget(window)
    window.show()
    session_menu = window.menuBar().actions()[0].menu()
    action = next(a for a in session_menu.actions() if a.objectName() == "changePasswordAction")
    assert action.text() == "Cambiar mi &contraseña…"
    action.trigger()
    dialog = window._password_dialog
    assert dialog.isVisible()
    return window, dialog


def _type(qtbot, dialog, current: str, new: str, repeat: str) -> None:  # type: ignore[no-untyped-def]
    for edit, text in ((dialog.current_edit, current), (dialog.new_edit, new),
                       (dialog.repeat_edit, repeat)):
        edit.clear()
        qtbot.keyClicks(edit, text)


def test_a_physician_changes_their_own_password_from_the_session_menu(qtbot, db, cast, signed_in):
    window, dialog = _open(qtbot, signed_in, cast.physician)
    assert all(a.objectName() != "backupAction" for a in window.findChildren(QAction))
    _type(qtbot, dialog, PASSWORD, NEW, NEW)
    qtbot.keyClick(dialog.repeat_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert "contraseña" in window.statusBar().currentMessage()
    assert password_works(db, "medico1", NEW) and not password_works(db, "medico1", PASSWORD)
    assert events(db, "password_changed")[-1].username == "medico1"


def test_two_different_new_passwords_are_refused_and_nothing_typed_is_lost(qtbot, db, cast,
                                                                           signed_in):
    window, dialog = _open(qtbot, signed_in, cast.reception)
    _type(qtbot, dialog, PASSWORD, NEW, NEW + "x")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and dialog.error_label.text() == \
        "La contraseña nueva y su repetición no son iguales."
    assert (dialog.current_edit.text(), dialog.new_edit.text(), dialog.repeat_edit.text()) == \
        (PASSWORD, NEW, NEW + "x")
    assert dialog.focusWidget() is dialog.repeat_edit
    assert not events(db, "password_changed")
    assert password_works(db, "recepcion1", PASSWORD)


def test_a_wrong_current_password_or_a_short_new_one_changes_nothing(qtbot, db, cast, signed_in):
    window, dialog = _open(qtbot, signed_in, cast.specialist)
    _type(qtbot, dialog, "no-es-la-clave", NEW, NEW)
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "contraseña actual no es correcta" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.current_edit and dialog.new_edit.text() == NEW
    _type(qtbot, dialog, PASSWORD, "corta", "corta")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "al menos" in dialog.error_label.text()
    assert not events(db, "password_changed")
    assert password_works(db, "dictaminador1", PASSWORD)
