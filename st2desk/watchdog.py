"""A client-side deadline for every statement on PostgreSQL (interactive engines).

`statement_timeout` only helps while the server is alive enough to enforce it. A server
that stops answering (its process frozen, a host whose kernel still acknowledges
packets) leaves libpq waiting for a reply forever. One watchdog thread keeps the deadline
of each statement in flight; when one passes, it shuts the connection's socket down, so
the waiting call fails at once with "server closed the connection" and SQLAlchemy
discards that connection. Arming and disarming cost a dict operation per statement.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

_CHECK_S = 0.25


class StatementWatchdog:
    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self._deadlines: dict[int, tuple[float, int]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.expired = 0  # statements cut (tests, diagnostics)

    def arm(self, dbapi_conn: Any) -> None:
        try:
            fd = dbapi_conn.fileno()
        except Exception:  # noqa: BLE001 - a closed connection has nothing to watch
            return
        with self._lock:
            self._deadlines[id(dbapi_conn)] = (time.monotonic() + self.limit_s, fd)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="st2desk-watchdog",
                                                daemon=True)
                self._thread.start()

    def disarm(self, dbapi_conn: Any) -> None:
        with self._lock:
            self._deadlines.pop(id(dbapi_conn), None)

    def _run(self) -> None:
        while True:
            time.sleep(_CHECK_S)
            now = time.monotonic()
            with self._lock:
                late = [(key, fd) for key, (deadline, fd) in self._deadlines.items() if deadline <= now]
                for key, _fd in late:
                    del self._deadlines[key]
            for _key, fd in late:
                self.expired += 1
                log.warning("database statement exceeded %.0f s; connection cut", self.limit_s)
                with contextlib.suppress(OSError):
                    dup = os.dup(fd)
                    sock = socket.socket(fileno=dup)
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    finally:
                        sock.close()


def watch_statements(engine: Engine, limit_s: float) -> StatementWatchdog:
    """Arm a deadline around every statement and every pool ping of `engine`."""
    dog = StatementWatchdog(limit_s)

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, _cursor, _statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        dog.arm(conn.connection.dbapi_connection)

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, _cursor, _statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        dog.disarm(conn.connection.dbapi_connection)

    @event.listens_for(engine, "handle_error")
    def _error(context):  # type: ignore[no-untyped-def]
        if context.connection is not None and context.connection.connection is not None:
            with contextlib.suppress(Exception):
                dog.disarm(context.connection.connection.dbapi_connection)

    # The pool's liveness ping (pool_pre_ping) is the first thing a hung server stops.
    ping = engine.dialect.do_ping

    def guarded_ping(dbapi_conn: Any) -> bool:
        dog.arm(dbapi_conn)
        try:
            return ping(dbapi_conn)
        finally:
            dog.disarm(dbapi_conn)

    engine.dialect.do_ping = guarded_ping  # type: ignore[method-assign]
    engine.st2desk_watchdog = dog  # type: ignore[attr-defined]
    return dog
