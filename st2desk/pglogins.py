"""PostgreSQL logins: each st2desk user is a login role of the same name (DESIGN §7.1).

Passwords never travel or rest in clear: the client turns them into a SCRAM-SHA-256
verifier with libpq (``PQencryptPasswordConn``) and the server's SECURITY DEFINER
functions (migration 0005s) store it; those functions grant nothing but st2desk's group
roles. Signing in is connecting as that role: the server checks the password.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from st2desk.errors import AuthenticationFailed

# SQLSTATEs of a refused sign-in: invalid_password, invalid_authorization_specification.
_AUTH_SQLSTATES = ("28P01", "28000")
# The placeholder kept in users.password_hash on PostgreSQL (never a valid Argon2 hash).
SERVER_CHECKED = "!postgresql"


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _verifier(session: Session, username: str, password: str) -> str:
    pgconn = session.connection().connection.dbapi_connection.pgconn  # type: ignore[union-attr]
    return pgconn.encrypt_password(password.encode(), username.encode(),
                                   b"scram-sha-256").decode()


def create_login(session: Session, username: str, password: str, roles: Iterable[str]) -> None:
    session.execute(text("SELECT st2desk_create_login(:u, :v, :r)"),
                    {"u": username, "v": _verifier(session, username, password),
                     "r": sorted(str(r) for r in roles)})


def set_password(session: Session, username: str, password: str) -> None:
    session.execute(text("SELECT st2desk_set_login_password(:u, :v)"),
                    {"u": username, "v": _verifier(session, username, password)})


def set_active(session: Session, username: str, active: bool) -> None:
    session.execute(text("SELECT st2desk_set_login_active(:u, :a)"),
                    {"u": username, "a": active})


def set_roles(session: Session, username: str, roles: Iterable[str]) -> None:
    session.execute(text("SELECT st2desk_set_login_roles(:u, :r)"),
                    {"u": username, "r": sorted(str(r) for r in roles)})


def with_credentials(url: str | URL, username: str | None, password: str | None) -> str:
    """`url` signed in as `username` with `password`; None leaves the password to libpq
    (the URL's own for the same user, else PGPASSWORD or ~/.pgpass)."""
    parsed = make_url(url)
    if username and username != parsed.username:
        parsed = parsed.set(username=username, password=None)  # not someone else's password
    if password is not None:
        parsed = parsed.set(password=password)
    return parsed.render_as_string(hide_password=False)


def refused_sign_in(exc: BaseException) -> AuthenticationFailed | None:
    """The server refused the user name or the password (not: the server is away)."""
    orig = getattr(exc, "orig", exc)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    message = str(orig).lower()
    if sqlstate in _AUTH_SQLSTATES or "password authentication failed" in message \
            or "no password supplied" in message or ("role" in message and "does not exist" in message):
        return AuthenticationFailed("Usuario o contraseña incorrectos.")
    if "permission denied for database" in message or "not permitted to log in" in message:
        return AuthenticationFailed("Usuario o contraseña incorrectos.")
    return None


_VERIFIER = re.compile(r"^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$")


def change_own_password(session: Session, username: str, password: str) -> None:
    """The signed-in person changes their own password (PostgreSQL lets a role do that
    without any privilege); only the verifier reaches the server."""
    verifier = _verifier(session, username, password)
    if not _VERIFIER.match(verifier):  # it is spliced into the statement below
        raise ValueError("unexpected SCRAM verifier")
    session.connection().exec_driver_sql(f"ALTER ROLE CURRENT_USER PASSWORD '{verifier}'")


def password_holds(session: Session, username: str, password: str) -> bool:
    """Whether the server accepts `password` for `username` (a second, short connection)."""
    import psycopg

    url = session.get_bind().url
    try:
        psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=username,
                        password=password, connect_timeout=5, **dict(url.query)).close()
    except psycopg.OperationalError as exc:
        if refused_sign_in(exc) is not None:
            return False
        raise
    return True
