"""Users tab: find accounts (paged by user name), create, edit roles and data, activate or
deactivate, unlock, reset a password (the person chooses a new one at the next sign-in)."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from st2desk.models import Role
from st2desk.services import catalogs_admin
from st2desk.services import users as users_service
from st2desk.services.common import ROLE_LABELS
from st2desk.services.users import UserRow
from st2desk.ui.admin.common import FormDialog, make_table, selected_key, set_rows
from st2desk.ui.context import UiContext

PAGE = 100


class UserDialog(FormDialog):
    """Create an account (with a temporary password) or edit one."""

    def __init__(self, ctx: UiContext, parent: QWidget | None, user: UserRow | None = None) -> None:
        super().__init__(ctx, parent, "adminUserDialog",
                         self.tr("New user") if user is None else self.tr("Edit user"))
        self.user = user
        units = ctx.ops.read(lambda s: catalogs_admin.list_units(s, ctx.actor))
        specialties = ctx.ops.read(catalogs_admin.list_specialties)
        self.username_edit = QLineEdit(user.username if user else "")
        self.username_edit.setObjectName("adminUserUsername")
        self.username_edit.setReadOnly(user is not None)
        self.name_edit = QLineEdit(user.full_name if user else "")
        self.name_edit.setObjectName("adminUserFullName")
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("adminUserUnit")
        for unit in units:
            if unit.active or (user and unit.code == user.unit_code):
                self.unit_combo.addItem(f"{unit.code} · {unit.name}", unit.code)
        own = user.unit_code if user else next((u.code for u in units if u.id == ctx.actor.unit_id), "")
        self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(own)))
        self.role_boxes: dict[Role, QCheckBox] = {}
        roles_row = QWidget()
        roles_layout = QVBoxLayout(roles_row)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        for role in Role:
            box = QCheckBox(ROLE_LABELS[role])
            box.setObjectName(f"adminUserRole_{role.value}")
            box.setChecked(bool(user and role in user.roles))
            box.toggled.connect(self._sync)
            roles_layout.addWidget(box)
            self.role_boxes[role] = box
        self.specialty_combo = QComboBox()
        self.specialty_combo.setObjectName("adminUserSpecialty")
        self.specialty_combo.addItem(self.tr("(none)"), "")
        for code, name in specialties:
            self.specialty_combo.addItem(f"{name} ({code})", code)
        if user and user.specialty_code:
            self.specialty_combo.setCurrentIndex(self.specialty_combo.findData(user.specialty_code))
        self.matricula_edit = QLineEdit(user.matricula or "" if user else "")
        self.matricula_edit.setObjectName("adminUserMatricula")
        self.license_edit = QLineEdit(user.professional_license or "" if user else "")
        self.license_edit.setObjectName("adminUserLicense")
        self.form.addRow(self.tr("&User name:"), self.username_edit)
        self.form.addRow(self.tr("Full &name:"), self.name_edit)
        self.form.addRow(self.tr("&Unit:"), self.unit_combo)
        self.form.addRow(self.tr("Roles:"), roles_row)
        self.form.addRow(self.tr("&Specialty (specialist):"), self.specialty_combo)
        self.form.addRow(self.tr("&Matrícula:"), self.matricula_edit)
        self.form.addRow(self.tr("&Cédula profesional:"), self.license_edit)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("adminUserPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setObjectName("adminUserPasswordConfirm")
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        if user is None:
            self.form.addRow(self.tr("Temporary &password:"), self.password_edit)
            self.form.addRow(self.tr("&Repeat it:"), self.confirm_edit)
            note = QLabel(self.tr("The person chooses their own password the first time they "
                                  "sign in."))
            note.setWordWrap(True)
            self.form.addRow(note)
        self._sync()

    @Slot()
    def _sync(self) -> None:
        self.specialty_combo.setEnabled(self.role_boxes[Role.SPECIALIST].isChecked())

    def call(self):  # type: ignore[no-untyped-def]
        from st2desk.errors import ValidationError

        roles = [r for r, box in self.role_boxes.items() if box.isChecked()]
        specialty = self.specialty_combo.currentData() if Role.SPECIALIST in roles else None
        values = dict(full_name=self.name_edit.text(), unit_code=self.unit_combo.currentData() or "",
                      roles=roles, specialty_code=specialty or None,
                      professional_license=self.license_edit.text(),
                      matricula=self.matricula_edit.text())
        actor = self.ctx.actor
        if self.user is None:
            if self.password_edit.text() != self.confirm_edit.text():
                raise ValidationError(self.tr("The two passwords are not the same."))
            username, password = self.username_edit.text(), self.password_edit.text()
            return lambda s: users_service.create_user(s, actor, username=username,
                                                       password=password, **values)
        user_id = self.user.id
        return lambda s: users_service.update_user(s, actor, user_id, **values)


class ResetPasswordDialog(FormDialog):
    """A temporary password; the person must replace it at the next sign-in."""

    def __init__(self, ctx: UiContext, parent: QWidget | None, user: UserRow) -> None:
        super().__init__(ctx, parent, "adminResetPasswordDialog", self.tr("Reset password"))
        self.user = user
        self.ok_button.setText(self.tr("Reset"))
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("adminResetPassword")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setObjectName("adminResetPasswordConfirm")
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        text = QLabel(self.tr("Temporary password for %1 (%2). They must choose a new one when they "
                              "next sign in; a lock is lifted too.")
                      .replace("%1", user.full_name).replace("%2", user.username))
        text.setWordWrap(True)
        self.form.addRow(text)
        self.form.addRow(self.tr("Temporary &password:"), self.password_edit)
        self.form.addRow(self.tr("&Repeat it:"), self.confirm_edit)

    def call(self):  # type: ignore[no-untyped-def]
        from st2desk.errors import ValidationError

        if self.password_edit.text() != self.confirm_edit.text():
            raise ValidationError(self.tr("The two passwords are not the same."))
        actor, user_id, password = self.ctx.actor, self.user.id, self.password_edit.text()
        return lambda s: users_service.reset_password(s, actor, user_id, password)


class UsersTab(QWidget):
    """The accounts of the installation, searched and paged by user name."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: FormDialog | None = None
        self.rows: list[UserRow] = []
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("adminUserSearch")
        self.search_edit.setPlaceholderText(self.tr("Search by user, name, matrícula or cédula"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName(self.tr("Search users"))
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(300)
        self._search_timer.timeout.connect(self.reload)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self.reload)
        # An administrator answers for the whole installation (DESIGN §1.1, §7.1: the
        # database shows them every unit's accounts); the list says so and narrows by unit.
        self.unit_filter = QComboBox()
        self.unit_filter.setObjectName("adminUserUnitFilter")
        self.unit_filter.setAccessibleName(self.tr("Unit"))
        self.unit_filter.addItem(self.tr("Every unit of this installation"), "")
        actor = ctx.actor
        for unit in ctx.ops.read(lambda s: catalogs_admin.list_units(s, actor)):
            self.unit_filter.addItem(f"{unit.code} · {unit.name}", unit.code)
        self.unit_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.unit_filter.setMinimumContentsLength(40)
        self.unit_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.new_button = QPushButton(self.tr("&New user…"))
        self.new_button.setObjectName("adminUserNew")
        self.new_button.clicked.connect(self.new_user)
        self.table = make_table("adminUsersTable", [
            self.tr("User"), self.tr("Name"), self.tr("Unit"), self.tr("Roles"),
            self.tr("Specialty"), self.tr("Matrícula"), self.tr("Cédula"), self.tr("State")])
        self.table.setAccessibleName(self.tr("Users"))
        self.table.itemSelectionChanged.connect(self._sync)
        self.table.doubleClicked.connect(lambda _i: self.edit_user())
        self.more_button = QPushButton(self.tr("Show &more"))
        self.more_button.setObjectName("adminUsersMore")
        self.more_button.clicked.connect(self.load_more)
        self.count_label = QLabel()
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.edit_button.setObjectName("adminUserEdit")
        self.edit_button.clicked.connect(self.edit_user)
        self.active_button = QPushButton(self.tr("&Deactivate"))
        self.active_button.setObjectName("adminUserToggleActive")
        self.active_button.clicked.connect(self.toggle_active)
        self.unlock_button = QPushButton(self.tr("&Unlock"))
        self.unlock_button.setObjectName("adminUserUnlock")
        self.unlock_button.clicked.connect(self.unlock)
        self.reset_button = QPushButton(self.tr("&Reset password…"))
        self.reset_button.setObjectName("adminUserResetPassword")
        self.reset_button.clicked.connect(self.reset_password)

        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1)
        top.addWidget(self.new_button)
        units_row = QHBoxLayout()  # its own row: the tab stays narrow at 125 % text
        unit_caption = QLabel(self.tr("Uni&t:"))
        unit_caption.setBuddy(self.unit_filter)
        units_row.addWidget(unit_caption)
        units_row.addWidget(self.unit_filter)
        units_row.addStretch(1)
        actions = QHBoxLayout()
        for button in (self.edit_button, self.active_button, self.unlock_button, self.reset_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.count_label)
        actions.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(units_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        self.reload()

    def first_field(self) -> QWidget:
        return self.search_edit

    # ------------------------------------------------------------------ list

    def _cells(self, row: UserRow) -> tuple[int, list[str]]:
        if not row.active:
            state = self.tr("Inactive")
        elif row.locked:
            state = self.tr("Locked")
        elif row.must_change_password:
            state = self.tr("Must choose a password")
        else:
            state = self.tr("Active")
        roles = ", ".join(ROLE_LABELS[r] for r in sorted(row.roles))
        return row.id, [row.username, row.full_name, row.unit_code, roles, row.specialty_code or "",
                        row.matricula or "", row.professional_license or "", state]

    def _page(self, after: str | None) -> list[UserRow]:
        actor, text = self.ctx.actor, self.search_edit.text()
        unit = self.unit_filter.currentData() or None
        return self.ctx.ops.read(lambda s: users_service.list_users(
            s, actor, search=text, unit_code=unit, after=after, limit=PAGE + 1))

    @Slot()
    def reload(self) -> None:
        self._search_timer.stop()
        rows = self._page(None)
        self.rows = rows[:PAGE]
        set_rows(self.table, [self._cells(r) for r in self.rows])
        self._finish_page(len(rows) > PAGE)

    @Slot()
    def load_more(self) -> None:
        if not self.rows:
            return
        rows = self._page(self.rows[-1].username)
        self.rows += rows[:PAGE]
        set_rows(self.table, [self._cells(r) for r in rows[:PAGE]], append=True)
        self._finish_page(len(rows) > PAGE)

    def _finish_page(self, more: bool) -> None:
        self.more_button.setEnabled(more)
        self.count_label.setText(self.tr("%1 shown").replace("%1", str(len(self.rows))))
        self._sync()

    def current(self) -> UserRow | None:
        key = selected_key(self.table)
        return next((r for r in self.rows if r.id == key), None)

    def select_user(self, username: str) -> None:
        for index, row in enumerate(self.rows):
            if row.username == username:
                self.table.selectRow(index)
                return

    @Slot()
    def _sync(self) -> None:
        row = self.current()
        for button in (self.edit_button, self.active_button, self.unlock_button, self.reset_button):
            button.setEnabled(row is not None)
        if row is not None:
            self.active_button.setText(self.tr("&Deactivate") if row.active else self.tr("&Activate"))
            self.unlock_button.setEnabled(row.locked)

    def _after_change(self, row: UserRow | None) -> None:
        if row is None:
            return
        self.reload()
        self.select_user(row.username)

    # ------------------------------------------------------------------ actions

    def _open(self, dialog: FormDialog) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: self._after_change(dialog.result_value))
        dialog.open()

    @Slot()
    def new_user(self) -> None:
        self._open(UserDialog(self.ctx, self))

    @Slot()
    def edit_user(self) -> None:
        row = self.current()
        if row is not None:
            self._open(UserDialog(self.ctx, self, row))

    @Slot()
    def reset_password(self) -> None:
        row = self.current()
        if row is not None:
            self._open(ResetPasswordDialog(self.ctx, self, row))

    @Slot()
    def toggle_active(self) -> None:
        row = self.current()
        if row is None:
            return
        if row.active:
            answer = QMessageBox.question(self, self.tr("Deactivate user"), self.tr(
                "Deactivate %1? They will not be able to sign in; their records are kept.")
                .replace("%1", f"{row.full_name} ({row.username})"))
            if answer != QMessageBox.StandardButton.Yes:
                return
        actor, active = self.ctx.actor, not row.active
        self._after_change(self.ctx.ops.write(
            lambda s: users_service.set_active(s, actor, row.id, active), parent=self, changed="admin"))

    @Slot()
    def unlock(self) -> None:
        row = self.current()
        if row is None:
            return
        actor = self.ctx.actor
        self._after_change(self.ctx.ops.write(
            lambda s: users_service.unlock(s, actor, row.id), parent=self, changed="admin"))


