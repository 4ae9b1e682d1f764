"""Login dialog: user name and password, checked by the users service (argon2, lockout)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from st2desk.db import Database, storage_errors
from st2desk.errors import AuthenticationFailed, St2Error
from st2desk.services.common import Actor
from st2desk.services.users import (
    change_own_password,
    keep_signed_in,
    login,
    must_change_password,
)


class LoginDialog(QDialog):
    """Asks for credentials; `actor` holds the logged-in user after `accept()`."""

    def __init__(self, db: Database, parent: QWidget | None = None, *, username: str = "",
                 locked_user: str | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self._locked_user = locked_user
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("Sign in") if not locked_user  # Qt adds "— st2desk"
                            else self.tr("Session locked"))
        self.setMinimumWidth(380)

        heading = QLabel(self.tr("ST2 medical-service authorization") if not locked_user
                         else self.tr("The session was locked after a period of inactivity. "
                                      "Enter your password to continue; your open work is kept."))
        heading.setWordWrap(True)
        self.username_edit = QLineEdit(locked_user or username)
        self.username_edit.setObjectName("usernameEdit")
        self.username_edit.setReadOnly(bool(locked_user))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = QLabel()
        self.error_label.setObjectName("loginError")
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        # Shown after a correct password when an administrator reset it: the person
        # chooses a new one before going on (users.must_change_password).
        self.new_password_edit = QLineEdit()
        self.new_password_edit.setObjectName("newPasswordEdit")
        self.new_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_password_edit = QLineEdit()
        self.confirm_password_edit.setObjectName("confirmPasswordEdit")
        self.confirm_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self._pending: tuple[Actor, str] | None = None
        self.heading = heading

        form = QFormLayout()
        self.form = form
        form.addRow(self.tr("&User:"), self.username_edit)
        form.addRow(self.tr("&Password:"), self.password_edit)
        form.addRow(self.tr("&New password:"), self.new_password_edit)
        form.addRow(self.tr("&Repeat it:"), self.confirm_password_edit)
        form.setRowVisible(self.new_password_edit, False)
        form.setRowVisible(self.confirm_password_edit, False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Sign in") if not locked_user else self.tr("Unlock"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("loginButton")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(
            self.tr("Cancel") if not locked_user else self.tr("Quit"))
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self._accepted)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        # The dialog grows with an error message instead of squashing the inputs.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        (self.password_edit if (locked_user or username) else self.username_edit).setFocus(
            Qt.FocusReason.OtherFocusReason)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setAccessibleDescription(message)
        self.error_label.show()
        self.adjustSize()

    def _accepted(self) -> None:
        if self._pending is not None:
            self._change_password()
        else:
            self._try_login()

    def _try_login(self) -> None:
        try:
            actor = login(self.db, self.username_edit.text(), self.password_edit.text())
        except AuthenticationFailed as exc:
            self._show_error(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        except St2Error as exc:  # the database failed: say so, keep what was typed
            self._show_error(exc.message)
            return
        if self._locked_user and actor.username != self._locked_user:
            return
        try:
            with storage_errors(), self.db.session() as session:
                must_change = must_change_password(session, actor)
        except St2Error as exc:
            self._show_error(exc.message)
            return
        if must_change:
            self._ask_new_password(actor, self.password_edit.text())
            return
        self.actor = actor
        self.accept()

    def _ask_new_password(self, actor: Actor, current: str) -> None:
        """An administrator reset this password: the person chooses their own now."""
        self._pending = (actor, current)
        self.heading.setText(self.tr("Your password was reset by an administrator. Choose a new "
                                     "password to continue."))
        self.username_edit.setReadOnly(True)
        self.form.setRowVisible(self.password_edit, False)
        self.form.setRowVisible(self.new_password_edit, True)
        self.form.setRowVisible(self.confirm_password_edit, True)
        self.ok_button.setText(self.tr("Change password"))
        self.error_label.hide()
        self.new_password_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.adjustSize()

    def _change_password(self) -> None:
        actor, current = self._pending  # type: ignore[misc]
        new = self.new_password_edit.text()
        if new != self.confirm_password_edit.text():
            self._show_error(self.tr("The two passwords are not the same."))
            self.confirm_password_edit.clear()
            self.confirm_password_edit.setFocus()
            return
        try:
            with self.db.transaction() as session:
                change_own_password(session, actor, current, new)
            keep_signed_in(self.db, actor, new)
        except St2Error as exc:
            self._show_error(exc.message)
            return
        self.actor = actor
        self.accept()
