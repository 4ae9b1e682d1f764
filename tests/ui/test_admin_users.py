"""Administration ▸ Users as an administrator uses it: find, create, edit roles, deactivate,
unlock, reset a password — and the person choosing a new one at the next sign-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from sqlalchemy import select

from st2desk import clock
from st2desk.errors import PermissionDenied
from st2desk.models import AuditEvent, Role, User
from st2desk.services import users as users_service
from st2desk.ui.admin import AdminSection
from st2desk.ui.admin.users import UsersTab
from st2desk.ui.login import LoginDialog
from tests.cast import PASSWORD


def user(db, username: str) -> User:  # type: ignore[no-untyped-def]
    with db.session() as s:
        found = s.scalar(select(User).where(User.username == username))
        s.expunge_all()
        return found


def actions(db, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def tab(qtbot, make_ctx, cast):  # type: ignore[no-untyped-def]
    section = AdminSection(make_ctx(cast.admin))
    qtbot.addWidget(section)
    section.show()
    yield section.tab("users")  # the section stays alive while the test runs


def click(qtbot, widget) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def tick(qtbot, box) -> None:  # type: ignore[no-untyped-def]
    """Click a check box on its indicator, as a person does."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def usernames(tab: UsersTab) -> list[str]:
    return [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]


def test_the_list_shows_every_account_and_search_narrows_it(qtbot, tab, db):
    assert tab.table.objectName() == "adminUsersTable"
    assert "admin1" in usernames(tab) and "medico1" in usernames(tab)
    qtbot.keyClicks(tab.search_edit, "medico")
    qtbot.keyClick(tab.search_edit, Qt.Key.Key_Return)
    assert usernames(tab) and all("medico" in name for name in usernames(tab))
    assert "admin1" not in usernames(tab)


def test_paging_is_bounded_and_show_more_continues_after_the_last_name(qtbot, tab, db, monkeypatch):
    import st2desk.ui.admin.users as module

    monkeypatch.setattr(module, "PAGE", 3)
    tab.reload()
    first = usernames(tab)
    assert len(first) == 3 and tab.more_button.isEnabled()
    click(qtbot, tab.more_button)
    both = usernames(tab)
    assert both[:3] == first and len(both) == 6 and both == sorted(both)
    with db.session() as s:
        everyone = sorted(s.scalars(select(User.username)))
    while tab.more_button.isEnabled():
        click(qtbot, tab.more_button)
    assert usernames(tab) == everyone


def test_creating_a_specialist_needs_the_specialty_and_keeps_what_was_typed(qtbot, tab, db, messages):
    click(qtbot, tab.new_button)
    dialog = tab.dialog
    qtbot.keyClicks(dialog.username_edit, "dra.ruiz")
    qtbot.keyClicks(dialog.name_edit, "Ana Ruiz Lopez")
    dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData("09HGZ24"))
    assert not dialog.specialty_combo.isEnabled()
    tick(qtbot, dialog.role_boxes[Role.SPECIALIST])
    assert dialog.specialty_combo.isEnabled()
    qtbot.keyClicks(dialog.matricula_edit, "99123456")
    qtbot.keyClicks(dialog.license_edit, "12345678")
    qtbot.keyClicks(dialog.password_edit, "temporal-2026")
    qtbot.keyClicks(dialog.confirm_edit, "temporal-2026")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "especialidad" in dialog.error_label.text()
    assert user(db, "dra.ruiz") is None and dialog.name_edit.text() == "Ana Ruiz Lopez"
    dialog.specialty_combo.setCurrentIndex(dialog.specialty_combo.findData("RADIO"))
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    made = user(db, "dra.ruiz")
    assert made.matricula == "99123456" and made.professional_license == "12345678"
    assert made.must_change_password and made.roles == {Role.SPECIALIST}
    assert tab.current().username == "dra.ruiz"
    assert actions(db, "user_add")[-1].details["username"] == "dra.ruiz"
    assert messages.shown == []


def test_editing_roles_is_audited_with_what_changed(qtbot, tab, db):
    tab.select_user("medico1")
    click(qtbot, tab.edit_button)
    dialog = tab.dialog
    assert dialog.username_edit.isReadOnly()
    tick(qtbot, dialog.role_boxes[Role.RECEPTION])
    dialog.matricula_edit.setText("77001122")
    click(qtbot, dialog.ok_button)
    changed = user(db, "medico1")
    assert changed.roles == {Role.PHYSICIAN, Role.RECEPTION} and changed.matricula == "77001122"
    event = actions(db, "user_update")[-1]
    assert event.details["changes"]["roles"] == [["physician"], ["physician", "reception"]]
    assert "recepción" in tab.table.item(tab.table.currentRow(), 3).text()


def test_an_administrator_cannot_drop_their_own_admin_role_or_deactivate_themselves(qtbot, tab, db,
                                                                                     messages):
    tab.select_user("admin1")
    click(qtbot, tab.edit_button)
    dialog = tab.dialog
    tick(qtbot, dialog.role_boxes[Role.ADMIN])
    tick(qtbot, dialog.role_boxes[Role.RECEPTION])
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "administrador" in dialog.error_label.text()
    dialog.reject()
    click(qtbot, tab.active_button)
    assert "propia cuenta" in messages.texts()[-1]
    assert user(db, "admin1").active and user(db, "admin1").roles == {Role.ADMIN}


def test_deactivate_then_activate_after_a_confirmation(qtbot, tab, db, messages):
    tab.select_user("medico2")
    assert tab.active_button.text().replace("&", "") == "Desactivar"
    click(qtbot, tab.active_button)
    assert messages.shown[-1][0] == "question"
    assert not user(db, "medico2").active
    assert tab.table.item(tab.table.currentRow(), 7).text() == "Inactivo"
    click(qtbot, tab.active_button)
    assert user(db, "medico2").active
    assert [e.details["username"] for e in actions(db, "user_deactivate")] == ["medico2"]
    assert len(actions(db, "user_activate")) == 1


def test_a_locked_account_is_unlocked(qtbot, tab, db):
    with db.transaction() as s:
        s.scalar(select(User).where(User.username == "medico1")).locked_until = \
            clock.now() + timedelta(minutes=10)
    tab.reload()
    tab.select_user("medico1")
    assert tab.table.item(tab.table.currentRow(), 7).text() == "Bloqueado"
    assert tab.unlock_button.isEnabled()
    click(qtbot, tab.unlock_button)
    assert user(db, "medico1").locked_until is None
    assert not tab.unlock_button.isEnabled() and len(actions(db, "user_unlock")) == 1


def test_a_reset_password_must_be_replaced_at_the_next_sign_in(qtbot, tab, db):
    tab.select_user("medico1")
    click(qtbot, tab.reset_button)
    dialog = tab.dialog
    qtbot.keyClicks(dialog.password_edit, "temporal-2026")
    qtbot.keyClicks(dialog.confirm_edit, "temporal-2027")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "no son iguales" in dialog.error_label.text()
    dialog.confirm_edit.setText("temporal-2026")
    click(qtbot, dialog.ok_button)
    assert user(db, "medico1").must_change_password
    assert len(actions(db, "user_password_reset")) == 1

    login = LoginDialog(db, username="medico1")
    qtbot.addWidget(login)
    login.show()
    qtbot.keyClicks(login.password_edit, "temporal-2026")
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
    assert login.actor is None and login.new_password_edit.isVisible()
    assert not login.password_edit.isVisible()
    qtbot.keyClicks(login.new_password_edit, "temporal-2026")
    qtbot.keyClicks(login.confirm_password_edit, "temporal-2026")
    qtbot.keyClick(login.confirm_password_edit, Qt.Key.Key_Return)
    assert login.actor is None and "distinta" in login.error_label.text()
    login.new_password_edit.setText("mi-clave-propia-1")
    login.confirm_password_edit.setText("mi-clave-propia-1")
    qtbot.keyClick(login.confirm_password_edit, Qt.Key.Key_Return)
    assert login.result() == LoginDialog.DialogCode.Accepted and login.actor.username == "medico1"
    assert not user(db, "medico1").must_change_password
    assert users_service.login(db, "medico1", "mi-clave-propia-1").username == "medico1"
    assert len(actions(db, "password_changed")) == 1


def test_an_unchanged_account_signs_in_without_being_asked(qtbot, db, cast):
    login = LoginDialog(db, username="medico1")
    qtbot.addWidget(login)
    login.show()
    qtbot.keyClicks(login.password_edit, PASSWORD)
    qtbot.keyClick(login.password_edit, Qt.Key.Key_Return)
    assert login.actor is not None and not login.new_password_edit.isVisible()


def test_the_services_refuse_someone_without_the_admin_role(db, cast):
    with db.transaction() as s, pytest.raises(PermissionDenied):
        users_service.list_users(s, cast.physician)
    with db.transaction() as s, pytest.raises(PermissionDenied):
        users_service.reset_password(s, cast.reception, cast.physician.user_id, "otra-clave-123")
    with db.transaction() as s, pytest.raises(PermissionDenied):
        users_service.set_active(s, cast.physician, cast.physician2.user_id, False)


def test_a_tab_that_cannot_load_says_why_and_opens_later(qtbot, make_ctx, cast, messages, monkeypatch):
    from st2desk.errors import StorageUnavailable
    from st2desk.services import folios

    section = AdminSection(make_ctx(cast.admin))
    qtbot.addWidget(section)
    real = folios.list_blocks

    def away(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise StorageUnavailable("Sin conexión con el servidor.", kind="busy")

    monkeypatch.setattr(folios, "list_blocks", away)
    section.tabs.setCurrentIndex(2)
    assert messages.texts() == ["Sin conexión con el servidor."]
    monkeypatch.setattr(folios, "list_blocks", real)
    section.tabs.setCurrentIndex(0)
    assert section.tab("folios").table.objectName() == "adminFolioBlocksTable"


def test_an_administrator_sees_every_units_accounts_and_can_narrow_to_one(qtbot, tab, cast):
    """DESIGN §1.1/§7.1: the administrator answers for the whole installation; the list says
    so and the unit filter narrows it."""
    assert tab.unit_filter.currentText() == "Todas las unidades de esta instalación"
    units = {tab.table.item(r, 2).text() for r in range(tab.table.rowCount())}
    assert {"09UMF20", "09HGZ24"} <= units  # not only the administrator's own unit (09UMF20)
    tab.unit_filter.setCurrentIndex(tab.unit_filter.findData("09HGZ24"))
    units = {tab.table.item(r, 2).text() for r in range(tab.table.rowCount())}
    assert units == {"09HGZ24"} and "dictaminador1" in usernames(tab)
