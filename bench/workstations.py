"""Simulated workstations on a PostgreSQL server: people with their own login roles, signed
in the way the GUI signs in (`services.users.login` on an interactive `Database`), each with
the GUI's notification listener (`st2desk.notify.listen`) on a thread of its own; and what
the server says about them (`pg_stat_activity`, each backend's memory and CPU in /proc).

Shared by `bench/connections.py` and `bench/load_test.py`. The /proc figures need the
server on this machine and an account that may read its processes (root or postgres).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import make_url, text

from st2desk import notify
from st2desk.db import Database
from st2desk.services import users
from st2desk.services.common import Actor

PASSWORD = "bench-st2-2026"


def base_url(url: str) -> str:
    """The workstation's URL: the server and database, no user and no password (§7.1)."""
    return make_url(url).set(username=None, password=None).render_as_string(hide_password=False)


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def recreate_database(url: str, name: str) -> str:
    """Drop (if there) and create `name` on the server of `url` (a superuser's); its URL."""
    admin = Database(with_database(url, "postgres"))
    try:
        with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    return with_database(url, name)


@dataclass
class PersonSpec:
    username: str
    role: str
    unit_code: str
    specialty_code: str | None = None


def create_people(db: Database, people: Iterable[PersonSpec], batch: int = 50) -> None:
    """Each person through `services.users.add_user` (the owner's bootstrap path, actor None),
    which on PostgreSQL also creates their login role with a SCRAM verifier."""
    people = list(people)
    for i in range(0, len(people), batch):
        with db.transaction() as s:
            for p in people[i:i + batch]:
                users.add_user(s, None, username=p.username, full_name=f"Persona {p.username}",
                               password=PASSWORD, unit_code=p.unit_code, roles=[p.role],
                               specialty_code=p.specialty_code)


@dataclass
class Workstation:
    """One workstation signed in as one person, with (optionally) its listener thread."""

    url: str  # the workstation's URL: no credentials
    username: str
    db: Database = field(init=False)
    actor: Actor = field(init=False)
    notifications: int = 0
    listener: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def sign_in(self, listen: bool = True) -> Workstation:
        self.db = Database(self.url, interactive=True)
        self.actor = users.login(self.db, self.username, PASSWORD)
        if listen:
            self.listener = threading.Thread(target=self._listen, daemon=True,
                                             name=f"listen-{self.username}")
            self.listener.start()
        return self

    def _listen(self) -> None:
        def seen(_entity: str) -> None:
            self.notifications += 1

        notify.listen(self.db.connect_url, seen, self._stop.is_set)

    def close(self) -> None:
        self._stop.set()
        if self.listener is not None:
            self.listener.join(timeout=5)
        self.db.dispose()


def connections_by_user(db: Database, usernames: Iterable[str] | None = None) -> dict[str, int]:
    """Client backends per login role on the server (all databases), from pg_stat_activity."""
    with db.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT usename, count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "GROUP BY usename")).all()
    counts = {u: n for u, n in rows if u is not None}
    if usernames is not None:
        return {u: counts.get(u, 0) for u in usernames}
    return counts


def client_backends(db: Database) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity "
                                 "WHERE backend_type = 'client backend'")).scalar_one()


def backend_pids(db: Database, usernames: Iterable[str]) -> list[int]:
    with db.engine.connect() as conn:
        return list(conn.execute(text("SELECT pid FROM pg_stat_activity WHERE usename = ANY(:u)"),
                                 {"u": list(usernames)}).scalars())


def rss_anon_kb(pid: int) -> int | None:
    """A backend's private (anonymous) memory; shared_buffers are not in it."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def server_pids(db: Database) -> list[int]:
    """Every process of the server: the postmaster and its children."""
    with db.engine.connect() as conn:
        datadir = conn.exec_driver_sql("SHOW data_directory").scalar_one()
    try:
        postmaster = int(Path(datadir, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return []
    pids = [postmaster]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == postmaster:
            pids.append(int(stat.parent.name))
    return pids


_TICK = 100.0  # USER_HZ on Linux


def cpu_seconds(pids: Iterable[int]) -> float:
    """User + system CPU of these processes so far (those that ended are not counted)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK
    return total


class ServerCpu:
    """CPU the server's processes spend between `start()` and `stop()`: the postmaster and
    its children at both ends (a backend that exits in between is not counted)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.before: dict[int, float] = {}

    def start(self) -> None:
        self.before = {pid: cpu_seconds([pid]) for pid in server_pids(self.db)}
        self.t = time.perf_counter()

    def stop(self) -> tuple[float, float]:
        """(server CPU seconds, wall seconds)."""
        wall = time.perf_counter() - self.t
        used = 0.0
        for pid in server_pids(self.db):
            used += cpu_seconds([pid]) - self.before.get(pid, 0.0)
        return used, wall
