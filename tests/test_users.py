"""Accounts: argon2 hashes, upgrade of old parameters at login, disabled accounts."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select, text

from st2desk import passwords
from st2desk.errors import AuthenticationFailed, PermissionDenied
from st2desk.models import User
from st2desk.pglogins import SERVER_CHECKED
from st2desk.services import requests
from st2desk.services.users import login
from tests import flows
from tests.cast import PASSWORD
from tests.conftest import PG_URL

ON_SERVER = bool(PG_URL)
sqlite_checks_passwords = pytest.mark.skipif(
    ON_SERVER, reason="PostgreSQL checks passwords itself (SCRAM); see test_pg_wall.py")


def test_hash_is_argon2id_and_never_the_password(db, cast):
    with db.session() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "medico1"))
        if ON_SERVER:  # the server keeps a SCRAM verifier of its own; the table keeps none
            verifier = s.scalar(text("SELECT rolpassword FROM pg_authid WHERE rolname = 'medico1'"))
            assert stored == SERVER_CHECKED
            assert verifier.startswith("SCRAM-SHA-256$") and PASSWORD not in verifier
            return
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


@sqlite_checks_passwords
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


@sqlite_checks_passwords
def test_every_sign_in_attempt_is_audited(db, cast):
    from st2desk.models import AuditEvent

    login(db, "medico1", PASSWORD)
    for name, password in (("medico1", "equivocada"), ("nadie.aqui", "x")):
        with pytest.raises(AuthenticationFailed):
            login(db, name, password)
    with db.session() as s:
        events = s.execute(select(AuditEvent.action, AuditEvent.username, AuditEvent.details)
                           .where(AuditEvent.action.like("login%")).order_by(AuditEvent.seq)).all()
    assert [(a, u, d["reason"]) for a, u, d in events] == [
        ("login", "medico1", "ok"),
        ("login_failed", "medico1", "wrong_password"),
        ("login_failed", "nadie.aqui", "unknown_user"),
    ]


@sqlite_checks_passwords
@pytest.mark.parametrize("name", ["nadie.aqui", "medico1-bloqueado", "medico1-inactivo"])
def test_no_user_name_answers_faster_than_a_wrong_password(db, cast, monkeypatch, name):
    """Unknown, locked and inactive accounts cost one password check, like a wrong
    password, so the answer's time does not tell which user names exist."""
    with db.transaction() as s:
        user = s.scalar(select(User).where(User.username == "medico2"))
        if name.endswith("bloqueado"):
            from datetime import UTC, datetime, timedelta
            user.locked_until = datetime.now(UTC) + timedelta(minutes=10)
        if name.endswith("inactivo"):
            user.active = False
    target = "nadie.aqui" if name == "nadie.aqui" else "medico2"
    checks: list[str] = []
    real = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify",
                        lambda self, hash_, pw: checks.append(pw) or real(self, hash_, pw))
    with pytest.raises(AuthenticationFailed):
        login(db, "medico1", "equivocada")
    with pytest.raises(AuthenticationFailed):
        login(db, target, "equivocada")
    assert checks == ["equivocada", "equivocada"]
