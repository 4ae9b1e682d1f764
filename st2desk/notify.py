"""Change notifications between workstations sharing a PostgreSQL database.

Every audited write sends ``NOTIFY st2desk_changes`` at commit (see `audit.record`);
`listen` waits for them on a dedicated connection so windows refresh at once instead of
polling. SQLite has no such channel: the GUI polls the audit log's last sequence there.

The listener outlives the server: when its connection drops (a restart, the network) it
reports the loss, reconnects with growing pauses (0.5 s doubling up to 30 s), and reports
the reconnection, after which the caller reloads what it shows (notifications sent while
it was away are lost by PostgreSQL's design).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.engine import make_url

from st2desk.audit import NOTIFY_CHANNEL

log = logging.getLogger(__name__)

# Pseudo-entities passed to the callback of `listen` for connection changes.
LOST = "__connection_lost__"
RECONNECTED = "__reconnected__"

FIRST_RETRY_S = 0.5
MAX_RETRY_S = 30.0


def supports_listen(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def listen(url: str | Callable[[], str], on_change: Callable[[str], None], should_stop: Callable[[], bool],
           poll_seconds: float = 1.0, on_state: Callable[[bool], None] | None = None,
           sleep: Callable[[float], None] | None = None) -> None:
    """Call `on_change(entity)` for each notification until `should_stop()` is true.

    `on_state(False)` when the connection is lost, `on_state(True)` when it is back.
    `url` may be a function: it is asked at every (re)connection, so a listener follows a
    person who changed their password (PostgreSQL refuses the old one)."""
    import time

    import psycopg

    from st2desk.db import PG_CONNECT_TIMEOUT_S, PG_TCP_USER_TIMEOUT_MS

    pause = sleep or time.sleep
    def conninfo() -> str:
        current = url() if callable(url) else url
        return make_url(current).set(drivername="postgresql").render_as_string(hide_password=False)

    retry = FIRST_RETRY_S
    connected_before = False
    while not should_stop():
        try:
            with psycopg.connect(conninfo(), autocommit=True, connect_timeout=PG_CONNECT_TIMEOUT_S,
                                 tcp_user_timeout=PG_TCP_USER_TIMEOUT_MS, keepalives=1,
                                 keepalives_idle=10, keepalives_interval=3,
                                 keepalives_count=3) as conn:
                conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                retry = FIRST_RETRY_S
                if connected_before and on_state is not None:
                    on_state(True)
                connected_before = True
                while not should_stop():
                    for notice in conn.notifies(timeout=poll_seconds):
                        on_change(notice.payload)
                        if should_stop():
                            break
                    # notifies() returns quietly on timeout; make sure the server is still there.
                    conn.execute("SELECT 1")
        except psycopg.Error as exc:
            log.info("notification listener disconnected (%s); retrying in %.1f s",
                     type(exc).__name__, retry)
            if connected_before and on_state is not None and retry == FIRST_RETRY_S:
                on_state(False)
            waited = 0.0
            while waited < retry and not should_stop():
                pause(0.1)
                waited += 0.1
            retry = min(retry * 2, MAX_RETRY_S)
