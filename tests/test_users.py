"""Accounts: argon2 hashes, upgrade of old parameters at login, disabled accounts."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from st2desk import passwords
from st2desk.errors import AuthenticationFailed, PermissionDenied
from st2desk.models import User
from st2desk.services import requests
from st2desk.services.users import login
from tests import flows
from tests.cast import PASSWORD


def test_hash_is_argon2id_and_never_the_password(db, cast):
    with db.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "medico1"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_weak_old_hash_is_upgraded_at_login(db, cast):
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with db.transaction() as s:
        s.scalar(select(User).where(User.username == "medico1")).password_hash = weak
    assert passwords.needs_rehash(weak)
    login(db, "medico1", PASSWORD)
    with db.session() as s:
        upgraded = s.scalar(select(User.password_hash).where(User.username == "medico1"))
    assert upgraded != weak and not passwords.needs_rehash(upgraded)
    assert passwords.verify_password(upgraded, PASSWORD)


def test_disabled_account_cannot_log_in_nor_act(db, cast):
    with db.transaction() as s:
        s.scalar(select(User).where(User.username == "medico1")).active = False
    with pytest.raises(AuthenticationFailed):
        login(db, "medico1", PASSWORD)
    with pytest.raises(PermissionDenied, match="no está activa"), db.transaction() as s:
        requests.create_draft(s, cast.physician, flows.request_data(cast))


def test_unknown_user_and_wrong_password_give_the_same_message(db, cast):
    with pytest.raises(AuthenticationFailed) as unknown:
        login(db, "nadie", PASSWORD)
    with pytest.raises(AuthenticationFailed) as wrong:
        login(db, "medico1", "otra-clave-9")
    assert unknown.value.message == wrong.value.message
