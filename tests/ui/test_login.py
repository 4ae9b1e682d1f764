"""Login dialog as a user meets it: typing, Enter, Spanish errors, lockout."""

from __future__ import annotations

from PySide6.QtCore import Qt

from st2desk.ui.login import LoginDialog
from tests.cast import PASSWORD
from tests.conftest import PG_URL


def test_correct_password_logs_in_with_the_keyboard(qtbot, db, cast):
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username_edit, "medico1")
    qtbot.keyClick(dialog.username_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.actor.username == "medico1"


def test_wrong_password_shows_spanish_message_and_locks_after_five(qtbot, db, cast):
    dialog = LoginDialog(db, username="medico1")
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(5):
        qtbot.keyClicks(dialog.password_edit, "equivocada")
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.actor is None
    if PG_URL:  # the server refused each one; locking is the server's (README: auth_delay)
        assert dialog.error_label.text() == "Usuario o contraseña incorrectos."
        assert dialog.password_edit.text() == ""
        return
    assert "bloqueada" in dialog.error_label.text()
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.actor is None  # locked even with the right password
    assert dialog.password_edit.text() == ""


def test_spanish_is_the_default_language(qtbot, db, cast):
    dialog = LoginDialog(db)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Iniciar sesión"


def test_unlock_while_the_database_is_away_says_so_and_keeps_the_password(qtbot, db, cast):
    """The idle-lock dialog ("Desbloquear") with the server away: a Spanish reason, the
    typed password kept for another try, and the window stays locked."""
    from tests.faults import unreachable

    dialog = LoginDialog(db, locked_user="medico1")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password_edit, PASSWORD)
    with unreachable(db):
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.actor is None and dialog.isVisible()
    assert dialog.error_label.text().startswith(("Sin conexión con el servidor",
                                                 "No se pudo leer o escribir el archivo"))
    assert dialog.password_edit.text() == PASSWORD
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)  # back: it unlocks
    assert dialog.actor is not None and dialog.actor.username == "medico1"


def test_the_dialog_grows_with_the_error_instead_of_squashing_the_inputs(qtbot, db, cast):
    dialog = LoginDialog(db, username="medico1")
    qtbot.addWidget(dialog)
    dialog.show()
    before = dialog.height()
    for _ in range(5):  # the fifth wrong password gives the longest message
        qtbot.keyClicks(dialog.password_edit, "equivocada")
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert dialog.height() > before
    for field in (dialog.username_edit, dialog.password_edit):
        assert field.height() >= field.sizeHint().height()
    label = dialog.error_label
    assert label.height() >= label.heightForWidth(label.width())  # the whole message shows


def test_the_lock_dialog_grows_with_the_error_too(qtbot, db, cast):
    """Issue 13 (9): the session-locked dialog, like sign-in, makes room for the message."""
    dialog = LoginDialog(db, locked_user="medico1")
    qtbot.addWidget(dialog)
    dialog.show()
    before = dialog.height()
    for _ in range(5):
        qtbot.keyClicks(dialog.password_edit, "equivocada")
        qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.wait(50)
    assert dialog.error_label.text()
    assert dialog.height() > before
    assert dialog.password_edit.height() >= dialog.password_edit.sizeHint().height()
    label = dialog.error_label
    assert label.height() >= label.heightForWidth(label.width())
