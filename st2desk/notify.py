"""Change notifications between workstations sharing a PostgreSQL database.

Every audited write sends ``NOTIFY st2desk_changes`` at commit (see `audit.record`);
`listen` waits for them on a dedicated connection so windows refresh at once instead of
polling. SQLite has no such channel: the GUI polls the audit log's last sequence there.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import make_url

from st2desk.audit import NOTIFY_CHANNEL


def supports_listen(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def listen(url: str, on_change: Callable[[str], None], should_stop: Callable[[], bool],
           poll_seconds: float = 1.0) -> None:
    """Call `on_change(entity)` for each notification until `should_stop()` is true."""
    import psycopg

    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
        while not should_stop():
            for notice in conn.notifies(timeout=poll_seconds):
                on_change(notice.payload)
                if should_stop():
                    break
