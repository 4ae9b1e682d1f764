"""Connections on a delegation's server (issue 17, docs/delegation.md): a workstation holds
two server connections — one for work, one listening for other workstations' changes — and
the server is sized for two per workstation, so 200 workstations, each signed in as its
own person, all get in and all hear a change.

The second test needs the server started as docs/delegation.md says (max_connections of at
least 2 × 200 plus the reserve; `.ci/start-postgres.sh` does): PostgreSQL's default of 100
refuses the 49th workstation.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from st2desk import notify
from st2desk.db import Database
from st2desk.models import Unit
from st2desk.services.users import add_user, login
from tests.cast import PASSWORD
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="server connections and LISTEN are PostgreSQL's; a SQLite workstation "
                       "opens its own file and polls")

WORKSTATIONS = 200
PER_WORKSTATION = 2  # its work connection and its listener


def _workstation_url(db_url: str) -> str:
    """What a workstation holds: server and database, no user, no password (DESIGN §7.1)."""
    return make_url(db_url).set(username=None, password=None).render_as_string(hide_password=False)


@contextlib.contextmanager
def _server(db_url: str) -> Iterator[Callable[[list[str]], int]]:
    """A superuser's view of this test database's client connections, by login role."""
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = make_url(db_url).database

    def held(usernames: list[str]) -> int:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND usename = ANY(:u) "
                "AND backend_type = 'client backend'"), {"d": name, "u": usernames}).scalar_one()
    try:
        yield held
    finally:
        engine.dispose()


def _settled(held: Callable[[list[str]], int], usernames: list[str], expected: int,
             seconds: float = 5.0) -> int:
    """The count once it reaches `expected` (backends come and go asynchronously), else the last."""
    deadline = time.monotonic() + seconds
    while True:
        count = held(usernames)
        if count == expected or time.monotonic() > deadline:
            return count
        time.sleep(0.05)


class _Station:
    """A workstation as the GUI runs it: signed in as the person, listening on a thread."""

    def __init__(self, url: str, username: str) -> None:
        self.db = Database(url, interactive=True)
        self.actor = login(self.db, username, PASSWORD)
        self.heard: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=notify.listen, daemon=True, args=(
            self.db.connect_url, self.heard.append, self._stop.is_set), kwargs={"poll_seconds": 0.2})
        self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.db.dispose()


def test_a_workstation_holds_its_listener_and_one_work_connection(db_url, cast):
    station = _Station(_workstation_url(db_url), "medico1")
    try:
        with _server(db_url) as held:
            assert _settled(held, ["medico1"], PER_WORKSTATION) == PER_WORKSTATION

            barrier = threading.Barrier(3)

            def read() -> None:  # the window and two background jobs, at the same moment
                with station.db.session() as s:
                    s.execute(text("SELECT count(*) FROM requests")).scalar()
                    barrier.wait(timeout=10)

            threads = [threading.Thread(target=read) for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            # The extra connections of that moment are gone; one stays for the next read.
            assert _settled(held, ["medico1"], PER_WORKSTATION) == PER_WORKSTATION
    finally:
        station.close()


def test_two_hundred_workstations_sign_in_and_each_hears_a_change(db, db_url, cast):
    usernames = [f"puesto{i:03d}" for i in range(WORKSTATIONS)]
    with db.session() as s:
        unit = s.scalar(select(Unit.code).where(Unit.id == cast.requesting_unit_id))
    with db.transaction() as s:
        for name in usernames:
            add_user(s, None, username=name, full_name=f"Puesto {name}", password=PASSWORD,
                     unit_code=unit, roles=["physician"])
    url = _workstation_url(db_url)
    stations: list[_Station] = []
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            stations = list(pool.map(lambda name: _Station(url, name), usernames))
        with _server(db_url) as held:
            backends = _settled(held, usernames, WORKSTATIONS * PER_WORKSTATION, seconds=30)
            assert backends == WORKSTATIONS * PER_WORKSTATION
        with db.engine.connect() as conn:  # any committed change notifies everyone
            conn.exec_driver_sql(f"NOTIFY {notify.NOTIFY_CHANNEL}, 'request'")
            conn.commit()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all("request" in s.heard for s in stations):
            time.sleep(0.1)
        assert sum("request" in s.heard for s in stations) == WORKSTATIONS
    finally:
        for station in stations:
            station._stop.set()
        for station in stations:
            station.close()
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            db.dispose()
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE usename = ANY(:u)"), {"u": usernames})
            for name in usernames:  # roles belong to the whole server, not to this database
                with contextlib.suppress(Exception):
                    conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{name}"')
        admin.dispose()
