"""Accounts: creation (admin or the local CLI), login with lockout, password rehash."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from st2desk import audit, clock, passwords, pglogins
from st2desk.db import Database
from st2desk.errors import AuthenticationFailed, NotFound, St2Error, ValidationError
from st2desk.models import Role, Specialty, Unit, User, UserRole
from st2desk.services.common import Actor, require_role

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")


def add_user(session: Session, actor: Actor | None, *, username: str, full_name: str,
             password: str, unit_code: str, roles: Iterable[Role | str],
             specialty_code: str | None = None, professional_license: str | None = None) -> User:
    """Create an account. `actor` None means the local administrator at the command line."""
    if actor is not None:
        require_role(session, actor, Role.ADMIN, "crear usuarios")
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise ValidationError(
            "El nombre de usuario debe tener de 3 a 64 caracteres: minúsculas, dígitos, punto, "
            "guion o guion bajo.", field="username")
    if session.scalar(select(User.id).where(User.username == name)) is not None:
        raise ValidationError(f"Ya existe el usuario «{name}».", field="username")
    if not (full_name or "").strip():
        raise ValidationError("Escriba el nombre completo del usuario.", field="full_name")
    if len(password or "") < passwords.MIN_LENGTH:
        raise ValidationError(
            f"La contraseña debe tener al menos {passwords.MIN_LENGTH} caracteres.", field="password")
    try:
        role_set = {Role(r) for r in roles}
    except ValueError:
        valid = ", ".join(r.value for r in Role)
        raise ValidationError(f"Rol desconocido; los roles son: {valid}.", field="roles") from None
    if not role_set:
        raise ValidationError("Asigne al menos un rol.", field="roles")
    unit = session.scalar(select(Unit).where(Unit.code == (unit_code or "").strip().upper()))
    if unit is None:
        raise NotFound(f"No existe la unidad «{unit_code}».")
    specialty = None
    if Role.SPECIALIST in role_set and not (specialty_code or "").strip():
        raise ValidationError("Un médico dictaminador decide una sola especialidad: indique cuál "
                              "(--specialty).", field="specialty")
    if specialty_code:
        specialty = session.scalar(select(Specialty).where(
            Specialty.code == specialty_code.strip().upper()))
        if specialty is None:
            raise NotFound(f"No existe la especialidad «{specialty_code}».")
    on_server = pglogins.is_postgresql(session)
    user = User(uuid=uuid.uuid4(), username=name, full_name=full_name.strip(),
                password_hash=(pglogins.SERVER_CHECKED if on_server
                               else passwords.hash_password(password)),
                unit_id=unit.id, specialty_id=specialty.id if specialty else None,
                professional_license=professional_license,
                role_rows=[UserRole(role=r) for r in sorted(role_set)])
    session.add(user)
    if on_server:  # the person signs in as a login role of the same name (DESIGN §7.1)
        pglogins.create_login(session, name, password, (r.value for r in role_set))
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="user_add", entity="user",
                 entity_id=user.uuid,
                 details={"username": name, "roles": sorted(r.value for r in role_set),
                          "unit": unit.code})
    return user


def login(db: Database, username: str, password: str) -> Actor:
    """Check the password; lock the account for a while after repeated failures.

    Runs its own transaction so a failed attempt is counted even though it raises.
    On PostgreSQL the server checks the password: signing in is connecting as the
    person's login role, and every later statement runs as that person.
    """
    if not db.is_sqlite:
        return _sign_in_on_server(db, username, password)
    failure: AuthenticationFailed | None = None
    with db.transaction() as session:
        try:
            return _authenticate(session, username, password)
        except AuthenticationFailed as exc:
            failure = exc
    raise failure


def _sign_in_on_server(db: Database, username: str, password: str) -> Actor:
    name = (username or "").strip().lower()[:64]
    if not _USERNAME.match(name) or not password:
        raise AuthenticationFailed("Usuario o contraseña incorrectos.")
    person = db.as_person(name, password)
    try:
        actor = signed_in_on_server(person)
    except BaseException:
        person.dispose()
        raise
    db.adopt(person)  # only a person who is an active st2desk user replaces the connection
    return actor


def signed_in_on_server(db: Database) -> Actor:
    """The st2desk user whose login `db` is connected as (PostgreSQL), its sign-in audited."""
    with db.transaction() as session:
        name = session.scalar(text("SELECT session_user"))
        try:
            user = session.scalar(select(User).where(User.username == name))
        except ProgrammingError:  # no st2desk tables in this database
            raise St2Error("La base de datos no está inicializada: pida a sistemas que ejecute "
                           "«st2desk init» con la cuenta dueña de la base.") from None
        if user is None or not user.active:
            raise AuthenticationFailed("Usuario o contraseña incorrectos.")
        audit.record(session, user_id=user.id, username=user.username, action="login",
                     entity="user", entity_id=user.uuid, details={"reason": "ok"})
        return Actor.from_user(user)


def _authenticate(session: Session, username: str, password: str) -> Actor:
    """Every attempt is an audit event (success, failure, lock); an unknown or inactive user
    name costs the same time as a wrong password and gets the same answer."""
    name = (username or "").strip().lower()[:64]
    user = session.scalar(select(User).where(User.username == name))
    now = clock.now()

    def attempt(action: str, reason: str) -> None:
        audit.record(session, user_id=user.id if user else None, username=name or "(vacío)",
                     action=action, entity="user", entity_id=user.uuid if user else "-",
                     details={"reason": reason})

    if user is None or not user.active:
        passwords.verify_against_nothing(password or "")
        attempt("login_failed", "unknown_user" if user is None else "inactive")
        raise AuthenticationFailed("Usuario o contraseña incorrectos.")
    if user.locked_until is not None and user.locked_until > now:
        passwords.verify_against_nothing(password or "")
        attempt("login_failed", "locked")
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise AuthenticationFailed(
            f"La cuenta está bloqueada por intentos fallidos; intente de nuevo en {minutes} min.")
    if not passwords.verify_password(user.password_hash, password or ""):
        user.failed_logins += 1
        attempt("login_failed", "wrong_password")
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            audit.record(session, user_id=user.id, username=user.username, action="login_locked",
                         entity="user", entity_id=user.uuid)
            minutes = int(LOCKOUT.total_seconds() // 60)
            raise AuthenticationFailed(
                f"Demasiados intentos fallidos: la cuenta queda bloqueada {minutes} minutos.")
        raise AuthenticationFailed("Usuario o contraseña incorrectos.")
    user.failed_logins = 0
    user.locked_until = None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    attempt("login", "ok")
    return Actor.from_user(user)
