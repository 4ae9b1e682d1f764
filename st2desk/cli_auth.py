"""Who acts at the command line (DESIGN §7.1): a person who authenticated, never an
implicit administrator.

- SQLite: ``--user USUARIO``; the password is asked on the terminal or read as the first
  line of standard input, checked like the window's sign-in (failures count and lock).
- PostgreSQL: the login is the person, following libpq's conventions: the user of the
  URL, ``--user`` or ``PGUSER``; the password from ``PGPASSWORD``, ``~/.pgpass`` or a
  prompt. The server checks it, and every statement then runs as that person.

The one exception is bootstrap: while a database has no active administrator, the
account that owns it (SQLite: the OS owner of the file; PostgreSQL: the owner role) may
create one. ``init`` and ``demo`` are the owner's too.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from sqlalchemy import select, text

from st2desk.db import Database
from st2desk.errors import AuthenticationFailed
from st2desk.models import Role, User, UserRole
from st2desk.services.common import Actor


class NotSignedIn(Exception):
    """No person could be established; the message says what to do."""


def read_secret(prompt: str, what: str) -> str:
    """A password from the terminal (not echoed), or the next line of standard input."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    value = line.rstrip("\r\n")
    if not value:
        raise NotSignedIn(f"falta {what}: escríbala en la terminal o como una línea de la "
                          "entrada estándar")
    return value


def sign_in(db: Database, username: str | None) -> Actor:
    """The person acting, authenticated (PostgreSQL: `db` is already `connect`ed)."""
    from st2desk.services import users

    if db.is_sqlite:
        if not username:
            raise NotSignedIn("indique quién actúa con --user USUARIO (la contraseña se pide en "
                              "la terminal o se lee de la entrada estándar)")
        password = read_secret(f"Contraseña de {username}: ", f"la contraseña de «{username}»")
        return users.login(db, username, password)
    try:
        return users.signed_in_on_server(db)
    except AuthenticationFailed:
        raise NotSignedIn(f"«{login_name(db, username)}» no es un usuario activo de st2desk: "
                          "indique el suyo con --user (o en la URL, o PGUSER); la cuenta dueña "
                          "de la base solo sirve para «st2desk init» y el primer administrador"
                          ) from None


def login_name(db: Database, username: str | None = None) -> str:
    return (username or db.engine.url.username or os.environ.get("PGUSER")
            or getpass.getuser()).strip().lower()


def connect(db: Database, username: str | None) -> None:
    """PostgreSQL: connect as `username` (or the URL's user, PGUSER, the OS account),
    asking for the password only when libpq found none."""
    name = login_name(db, username)
    try:
        db.sign_in(name, None)
    except AuthenticationFailed:
        if os.environ.get("PGPASSWORD") or (db.engine.url.password
                                            and db.engine.url.username == name):
            raise
        db.sign_in(name, read_secret(f"Contraseña de {name}: ", f"la contraseña de «{name}»"))


def is_owner(db: Database) -> bool:
    """The account that owns the database: SQLite, the OS owner of the file; PostgreSQL,
    the owner of the database (or a superuser)."""
    if db.is_sqlite:
        database = db.engine.url.database
        try:
            return not database or Path(database).stat().st_uid == os.getuid()
        except FileNotFoundError:
            return True  # st2desk init creates it for this account
    with db.session() as session:
        return bool(session.scalar(text(
            "SELECT pg_get_userbyid(d.datdba) = session_user OR r.rolsuper FROM pg_database d, "
            "pg_roles r WHERE d.datname = current_database() AND r.rolname = session_user")))


def has_administrator(db: Database) -> bool:
    with db.session() as session:
        return session.scalar(select(User.id).join(UserRole).where(
            UserRole.role == Role.ADMIN, User.active.is_(True)).limit(1)) is not None
