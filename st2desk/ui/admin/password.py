"""Session ▸ Change my password…: any signed-in person (not only administrators) replaces
their own password — the current one, then the new one twice (services/users.py
`change_own_password`; on PostgreSQL the server keeps it, pglogins.change_own_password).
A refusal is said under the fields and nothing typed is lost."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from st2desk.errors import St2Error
from st2desk.services import users as users_service
from st2desk.ui.admin.common import FormDialog
from st2desk.ui.context import UiContext


class ChangePasswordDialog(FormDialog):
    """The signed-in person's own password."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, "changePasswordDialog", self.tr("Change my password"))
        self.ok_button.setText(self.tr("&Change password"))
        self.ok_button.setDefault(True)
        intro = QLabel(self.tr("Password of %1.").replace("%1", ctx.actor.username))
        intro.setWordWrap(True)
        self.current_edit = self._password("ownPasswordCurrent")
        self.new_edit = self._password("ownPasswordNew")
        self.repeat_edit = self._password("ownPasswordRepeat")
        self.form.addRow(intro)
        self.form.addRow(self.tr("&Current password:"), self.current_edit)
        self.form.addRow(self.tr("&New password:"), self.new_edit)
        self.form.addRow(self.tr("&Repeat the new one:"), self.repeat_edit)
        self.current_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _password(name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        return edit

    def call(self):  # type: ignore[no-untyped-def]
        from st2desk.errors import ValidationError

        if self.new_edit.text() != self.repeat_edit.text():
            raise ValidationError(self.tr("The new password and its repetition are not the same."),
                                  field="repeat")
        actor, current, new = self.ctx.actor, self.current_edit.text(), self.new_edit.text()
        return lambda s: users_service.change_own_password(s, actor, current, new)

    def show_error(self, message: str) -> None:
        super().show_error(message)
        self.error_field().setFocus(Qt.FocusReason.OtherFocusReason)

    def error_field(self) -> QLineEdit:
        field = getattr(self, "_field", None)
        return {"current_password": self.current_edit, "repeat": self.repeat_edit}.get(
            field or "", self.new_edit)

    def submit(self) -> None:
        self._field = None
        try:
            fn = self.call()
            self.ctx.ops.write(fn, parent=self, changed="admin", show_errors=False)
        except St2Error as exc:
            self._field = getattr(exc, "field", None)
            self.show_error(exc.message)
            return
        try:
            users_service.keep_signed_in(self.ctx.db, self.ctx.actor, self.new_edit.text())
        except St2Error as exc:
            self.show_error(exc.message)
            return
        self.accept()
