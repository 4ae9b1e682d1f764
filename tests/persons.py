"""PostgreSQL runs of the suite act as the people they name, not as the superuser.

At a site every st2desk user is a login role and the database checks what that login may
read and change (DESIGN §7.1: grants, row security, triggers on ``session_user``). The
tests call services with an `Actor`; on PostgreSQL each such call runs with the session
switched to that person's login role (``SET LOCAL SESSION AUTHORIZATION``), so row
security, grants and the triggers see the same person the services do, and a refusal by
the server fails the test. What the test itself does around those calls (building its
data, checking the result) stays the superuser's, like a site administrator's psql.

The switch is what a real sign-in gives, minus the password check, which
tests/test_pg_wall.py and the sign-in tests exercise with real logins. A connection that
already signed in as a person (`Database.sign_in`) is left as it is.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

import st2desk.services
from st2desk import demo
from st2desk.services.common import Actor

# The person the current service call acts as (for services that open their own
# transactions from a `Database`); None outside any service call.
_acting: contextvars.ContextVar[str | None] = contextvars.ContextVar("st2_acting", default=None)
_SWITCHED = "st2_test_person"  # session.info: the login the session's transaction acts as now
_superuser: str | None = None  # the account of ST2DESK_TEST_DATABASE_URL

# How the suite's service calls ran on PostgreSQL (printed at the end of a run).
calls = {"as the person": 0, "already signed in as a person": 0}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _can_become(connection: Connection) -> bool:
    # Only the suite's own (superuser) account may SET SESSION AUTHORIZATION; a person's
    # connection made by signing in is already that person.
    return connection.engine.url.username == _superuser


def _become(session: Session, person: str | None) -> None:
    """Act as `person` (None: the connection's own login) from the next statement on.

    What the previous identity changed is flushed first, so the server checks each change
    against whoever made it; deferred checks fire before the identity goes back."""
    if session.info.get(_SWITCHED) == person:
        return
    session.flush()
    connection = session.connection()
    if session.info.get(_SWITCHED) is not None:
        connection.exec_driver_sql("SET CONSTRAINTS ALL IMMEDIATE")
        connection.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")
    target = "DEFAULT" if person is None else _quote(person)
    connection.exec_driver_sql(f"SET LOCAL SESSION AUTHORIZATION {target}")
    session.info[_SWITCHED] = person


_PENDING = "st2_test_pending_person"  # DBAPI connection info: switch before the next statement
_OWNER = "\x00owner"  # _acting while the owner itself runs st2desk (demo data)


def _sessions_follow_the_acting_person() -> None:
    # A session that begins inside a service call that was given a Database (reports,
    # paper imports) starts as that call's person — from its first statement after a
    # `SET TRANSACTION SNAPSHOT`, which must come first in a transaction.
    @event.listens_for(Session, "after_begin")
    def _after_begin(session, _transaction, connection):  # type: ignore[no-untyped-def]
        session.info.pop(_SWITCHED, None)
        person = _acting.get()
        if person in (None, _OWNER) or connection.dialect.name != "postgresql":
            return
        if _can_become(connection):
            connection.connection.info[_PENDING] = person
            session.info[_SWITCHED] = person
            calls["as the person"] += 1

    @event.listens_for(Engine, "before_cursor_execute")
    def _before(conn, cursor, statement, _parameters, _context, _executemany):  # type: ignore[no-untyped-def]
        person = conn.connection.info.get(_PENDING) if conn.dialect.name == "postgresql" else None
        if person is None or statement.lstrip().upper().startswith("SET TRANSACTION SNAPSHOT"):
            return
        del conn.connection.info[_PENDING]
        cursor.execute(f"SET LOCAL SESSION AUTHORIZATION {_quote(person)}")

    @event.listens_for(Engine, "rollback")
    @event.listens_for(Engine, "commit")
    def _ended(conn):  # type: ignore[no-untyped-def]
        conn.connection.info.pop(_PENDING, None)


@contextlib.contextmanager
def as_owner() -> Iterator[None]:
    """Service calls inside run as the connection's own login: what the owner does at a
    site (``st2desk demo`` builds months of history with the clock set back)."""
    token = _acting.set(_OWNER)
    try:
        yield
    finally:
        _acting.reset(token)


def _as_person(fn: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind_partial(*args, **kwargs).arguments
        actor, session = bound.get("actor"), bound.get("session")
        if not isinstance(actor, Actor) or _acting.get() in (actor.username, _OWNER):
            return fn(*args, **kwargs)
        token = _acting.set(actor.username)
        try:
            if not isinstance(session, Session) or session.get_bind().dialect.name != "postgresql":
                return fn(*args, **kwargs)  # a Database: its sessions begin as the person
            if not _can_become(session.connection()):
                calls["already signed in as a person"] += 1
                return fn(*args, **kwargs)
            previous = session.info.get(_SWITCHED)
            _become(session, actor.username)
            calls["as the person"] += 1
            try:
                result = fn(*args, **kwargs)
            except Exception:
                # A refusal leaves the transaction usable when it came from the service;
                # the test may go on in it as itself.
                with contextlib.suppress(Exception):
                    _become(session, previous)
                raise
            _become(session, previous)
            return result
        finally:
            _acting.reset(token)

    call.__wrapped_for_persons__ = True  # type: ignore[attr-defined]
    return call


def install(url: str) -> None:
    """Wrap every service that takes an `actor` (before tests import them by name)."""
    global _superuser
    _superuser = make_url(url).username
    _sessions_follow_the_acting_person()
    for module_info in pkgutil.iter_modules(st2desk.services.__path__):
        module = importlib.import_module(f"st2desk.services.{module_info.name}")
        for name, value in list(vars(module).items()):
            if (name.startswith("_") or not inspect.isfunction(value)
                    or value.__module__ != module.__name__
                    or getattr(value, "__wrapped_for_persons__", False)
                    or "actor" not in inspect.signature(value).parameters):
                continue
            setattr(module, name, _as_person(value))
    generate = demo.generate

    @functools.wraps(generate)
    def generate_as_owner(*args: Any, **kwargs: Any) -> Any:
        with as_owner():
            return generate(*args, **kwargs)

    demo.generate = generate_as_owner
