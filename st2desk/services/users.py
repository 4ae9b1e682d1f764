"""Accounts: creation (admin or the local CLI), login with lockout, password rehash."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from st2desk import audit, clock, passwords, pglogins
from st2desk.db import Database
from st2desk.errors import (
    AuthenticationFailed,
    NotFound,
    PermissionDenied,
    St2Error,
    ValidationError,
)
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


# --------------------------------------------------------------------------- administration
#
# Each function below is one use case of the Administration section, checks the admin
# role in the database (require_role) and writes one audit event. On PostgreSQL each is
# also where the person's database role is to be created, altered or disabled.

PAGE_SIZE = 100
_MATRICULA = re.compile(r"^[0-9A-Z]{4,20}$")
_LICENSE = re.compile(r"^[0-9A-Z]{4,20}$")


@dataclass(frozen=True)
class UserRow:
    """One account as the administrator's list shows it."""

    id: int
    username: str
    full_name: str
    unit_code: str
    roles: frozenset[Role]
    specialty_code: str | None
    matricula: str | None
    professional_license: str | None
    active: bool
    locked: bool
    must_change_password: bool


def _row(user: User, now: datetime) -> UserRow:
    return UserRow(user.id, user.username, user.full_name, user.unit.code, user.roles,
                   user.specialty.code if user.specialty else None, user.matricula,
                   user.professional_license, user.active,
                   user.locked_until is not None and user.locked_until > now,
                   user.must_change_password)


def _audit(session: Session, actor: Actor, action: str, user: User, details: dict | None = None) -> None:
    audit.record(session, user_id=actor.user_id, username=actor.username, action=action,
                 entity="user", entity_id=user.uuid, details={"username": user.username,
                                                              **(details or {})})


def _target(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No existe el usuario con identificador {user_id}.")
    return user


def _code(value: str | None, pattern: re.Pattern[str], label: str, field: str) -> str | None:
    text = (value or "").strip().upper().replace(" ", "")
    if not text:
        return None
    if not pattern.match(text):
        raise ValidationError(f"La {label} debe tener de 4 a 20 dígitos o letras, sin espacios.",
                              field=field)
    return text


def _check_new_password(password: str) -> None:
    if len(password or "") < passwords.MIN_LENGTH:
        raise ValidationError(
            f"La contraseña debe tener al menos {passwords.MIN_LENGTH} caracteres.", field="password")


def _check_matricula(session: Session, matricula: str | None, user_id: int | None) -> str | None:
    """The normalized matrícula (None when blank), refused when malformed or someone else's."""
    number = _code(matricula, _MATRICULA, "matrícula", "matricula")
    if number and session.scalar(select(User.id).where(User.matricula == number,
                                                       User.id != (user_id or 0))) is not None:
        raise ValidationError(f"Ya hay un usuario con la matrícula {number}.", field="matricula")
    return number


def assign_matricula(session: Session, user: User, matricula: str | None) -> None:
    """Record the IMSS staff number of an account being created (the CLI's `--matricula`,
    `create_user`); checked like every matrícula."""
    user.matricula = _check_matricula(session, matricula, user.id)
    session.flush()


def list_users(session: Session, actor: Actor, *, search: str = "", unit_code: str | None = None,
               after: str | None = None, limit: int = PAGE_SIZE) -> list[UserRow]:
    """Accounts ordered by user name, `limit` at a time after the user name `after` (keyset).

    `search` matches part of the user name, the full name, the matrícula or the cédula."""
    require_role(session, actor, Role.ADMIN, "consultar los usuarios")
    query = select(User).join(Unit, User.unit_id == Unit.id)
    text = (search or "").strip()
    if text:
        like = f"%{text.lower().replace('%', '').replace('_', '')}%"
        query = query.where(or_(func.lower(User.username).like(like),
                                func.lower(User.full_name).like(like),
                                func.lower(func.coalesce(User.matricula, "")).like(like),
                                func.lower(func.coalesce(User.professional_license, "")).like(like)))
    if unit_code:
        query = query.where(Unit.code == unit_code.strip().upper())
    if after:
        query = query.where(User.username > after)
    users = session.scalars(query.order_by(User.username).limit(max(1, min(limit, 500)))).all()
    now = clock.now()
    return [_row(u, now) for u in users]


def get_user(session: Session, actor: Actor, user_id: int) -> UserRow:
    require_role(session, actor, Role.ADMIN, "consultar los usuarios")
    return _row(_target(session, user_id), clock.now())


def create_user(session: Session, actor: Actor, *, username: str, full_name: str, password: str,
                unit_code: str, roles: Iterable[Role | str], specialty_code: str | None = None,
                professional_license: str | None = None, matricula: str | None = None) -> UserRow:
    """An account made by an administrator: the person chooses their own password at the
    first sign-in (`must_change_password`)."""
    require_role(session, actor, Role.ADMIN, "crear usuarios")
    license_ = _code(professional_license, _LICENSE, "cédula profesional", "professional_license")
    _check_matricula(session, matricula, None)
    user = add_user(session, actor, username=username, full_name=full_name, password=password,
                    unit_code=unit_code, roles=roles, specialty_code=specialty_code,
                    professional_license=license_)
    assign_matricula(session, user, matricula)
    user.must_change_password = True
    session.flush()
    return _row(user, clock.now())


def update_user(session: Session, actor: Actor, user_id: int, *, full_name: str, unit_code: str,
                roles: Iterable[Role | str], specialty_code: str | None = None,
                professional_license: str | None = None, matricula: str | None = None) -> UserRow:
    """Change a person's name, unit, roles, specialty, cédula or matrícula (audited with what
    changed). An administrator cannot take the admin role from their own account."""
    require_role(session, actor, Role.ADMIN, "modificar usuarios")
    user = _target(session, user_id)
    name = " ".join((full_name or "").split())
    if not name:
        raise ValidationError("Escriba el nombre completo del usuario.", field="full_name")
    if len(name) > 160:
        raise ValidationError("El nombre completo admite hasta 160 caracteres.", field="full_name")
    try:
        role_set = {Role(r) for r in roles}
    except ValueError:
        raise ValidationError("Rol desconocido.", field="roles") from None
    if not role_set:
        raise ValidationError("Asigne al menos un rol.", field="roles")
    if user.id == actor.user_id and Role.ADMIN not in role_set:
        raise ValidationError("No puede quitarse a sí mismo el rol de administrador; pídalo a otro "
                              "administrador.", field="roles")
    unit = session.scalar(select(Unit).where(Unit.code == (unit_code or "").strip().upper()))
    if unit is None:
        raise NotFound(f"No existe la unidad «{unit_code}».")
    specialty = None
    if (specialty_code or "").strip():
        specialty = session.scalar(select(Specialty).where(
            Specialty.code == specialty_code.strip().upper()))  # type: ignore[union-attr]
        if specialty is None:
            raise NotFound(f"No existe la especialidad «{specialty_code}».")
    if Role.SPECIALIST in role_set and specialty is None:
        raise ValidationError("Un médico dictaminador decide una sola especialidad: indique cuál.",
                              field="specialty")
    license_ = _code(professional_license, _LICENSE, "cédula profesional", "professional_license")
    number = _check_matricula(session, matricula, user.id)
    before = {"full_name": user.full_name, "unit": user.unit.code,
              "roles": sorted(r.value for r in user.roles),
              "specialty": user.specialty.code if user.specialty else None,
              "professional_license": user.professional_license, "matricula": user.matricula}
    after = {"full_name": name, "unit": unit.code, "roles": sorted(r.value for r in role_set),
             "specialty": specialty.code if specialty else None,
             "professional_license": license_, "matricula": number}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return _row(user, clock.now())
    user.full_name = name
    user.unit_id = unit.id
    user.specialty_id = specialty.id if specialty else None
    user.professional_license = license_
    user.matricula = number
    if "roles" in changes:
        kept = [row for row in user.role_rows if row.role in role_set]
        held = {row.role for row in kept}
        user.role_rows = kept + [UserRole(role=r) for r in sorted(role_set - held)]
        if pglogins.is_postgresql(session):  # the grants follow the roles (DESIGN §7.1)
            pglogins.set_roles(session, user.username, (r.value for r in role_set))
    _audit(session, actor, "user_update", user, {"changes": changes})
    session.flush()
    session.refresh(user)
    return _row(user, clock.now())


def set_active(session: Session, actor: Actor, user_id: int, active: bool) -> UserRow:
    """Activate or deactivate an account (a deactivated person cannot sign in; their records
    stay). An administrator cannot deactivate their own account."""
    require_role(session, actor, Role.ADMIN, "activar o desactivar usuarios")
    user = _target(session, user_id)
    if not active and user.id == actor.user_id:
        raise ValidationError("No puede desactivar su propia cuenta.", field="active")
    if user.active != active:
        user.active = active
        if pglogins.is_postgresql(session):  # a deactivated person's role loses LOGIN
            pglogins.set_active(session, user.username, active)
        _audit(session, actor, "user_activate" if active else "user_deactivate", user)
    return _row(user, clock.now())


def unlock(session: Session, actor: Actor, user_id: int) -> UserRow:
    """Lift a lock left by repeated failed sign-ins."""
    require_role(session, actor, Role.ADMIN, "desbloquear usuarios")
    user = _target(session, user_id)
    user.locked_until = None
    user.failed_logins = 0
    _audit(session, actor, "user_unlock", user)
    return _row(user, clock.now())


def reset_password(session: Session, actor: Actor, user_id: int, new_password: str) -> UserRow:
    """Give the person a temporary password; they must choose their own at the next sign-in.
    Also lifts a lock."""
    require_role(session, actor, Role.ADMIN, "restablecer contraseñas")
    user = _target(session, user_id)
    _check_new_password(new_password)
    if pglogins.is_postgresql(session):  # the server keeps the password (a SCRAM verifier)
        pglogins.set_password(session, user.username, new_password)
    else:
        user.password_hash = passwords.hash_password(new_password)
    user.must_change_password = True
    user.locked_until = None
    user.failed_logins = 0
    _audit(session, actor, "user_password_reset", user)
    return _row(user, clock.now())


def must_change_password(session: Session, actor: Actor) -> bool:
    """Whether the signed-in person has to choose a new password before going on."""
    user = session.get(User, actor.user_id)
    return bool(user is not None and user.must_change_password)


def keep_signed_in(db: Database, actor: Actor, new_password: str) -> None:
    """After `change_own_password` commits: on PostgreSQL the old password no longer opens
    a connection, so the workstation's later connections (its pool, a reconnect, the
    notification listener) sign in with the new one."""
    if not db.is_sqlite:
        db.sign_in(actor.username, new_password)


def change_own_password(session: Session, actor: Actor, current_password: str,
                        new_password: str) -> None:
    """The signed-in person replaces their password (any role); clears `must_change_password`."""
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise PermissionDenied("Su cuenta no está activa; inicie sesión de nuevo.")
    on_server = pglogins.is_postgresql(session)
    holds = (pglogins.password_holds(session, user.username, current_password or "") if on_server
             else passwords.verify_password(user.password_hash, current_password or ""))
    if not holds:
        raise ValidationError("La contraseña actual no es correcta.", field="current_password")
    _check_new_password(new_password)
    if new_password == current_password:
        raise ValidationError("La contraseña nueva debe ser distinta de la actual.",
                              field="password")
    if on_server:  # the person's own role; no person may write the users table
        pglogins.change_own_password(session, user.username, new_password)
        session.execute(text("SELECT st2desk_password_changed()"))
        session.expire(user, ["must_change_password"])
    else:
        user.password_hash = passwords.hash_password(new_password)
        user.must_change_password = False
    audit.record(session, user_id=user.id, username=user.username, action="password_changed",
                 entity="user", entity_id=user.uuid)
