"""Faults injected from tests: a database that cannot be reached, a TCP proxy that can
freeze or drop a PostgreSQL connection, a private PostgreSQL server that a test may stop
and restart, and a SQLite write lock held by another process."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from st2desk.db import Database


@contextlib.contextmanager
def unreachable(db: Database) -> Iterator[None]:
    """The database cannot be reached (the server is down, the file gone) until the block ends:
    pooled connections are dropped and every new one fails as its driver would."""

    def refuse(_dialect, _record, _cargs, _cparams):  # type: ignore[no-untyped-def]
        if db.is_sqlite:
            raise sqlite3.OperationalError("unable to open database file")
        import psycopg

        raise psycopg.OperationalError("connection failed: Connection refused")

    db.engine.dispose()
    # Every engine, also one made meanwhile (signing in on PostgreSQL connects anew).
    event.listen(Engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(Engine, "do_connect", refuse)


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a server. `freeze()` keeps connections open but stops
    passing bytes (a hung server); `down()` drops them and refuses new ones; `up()` undoes."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._frozen = threading.Event()
        self._down = threading.Event()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def url_for(self, url: str) -> str:
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def freeze(self) -> None:
        self._frozen.set()

    def thaw(self) -> None:
        self._frozen.clear()

    def down(self) -> None:
        self._down.set()
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                    conn.close()
            self._conns.clear()

    def up(self) -> None:
        self._down.clear()
        self._frozen.clear()

    def close(self) -> None:
        self._stop.set()
        self.down()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._down.is_set():
                client.close()  # like a refused connection: closed before any reply
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, server]
            threading.Thread(target=self._pump, args=(client, server), daemon=True).start()

    def _pump(self, a: socket.socket, b: socket.socket) -> None:
        pair = {a: b, b: a}
        try:
            while not self._stop.is_set() and not self._down.is_set():
                if self._frozen.is_set():
                    time.sleep(0.05)
                    continue
                readable, _, _ = select.select([a, b], [], [], 0.05)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    pair[sock].sendall(data)
        except OSError:
            return
        finally:
            for sock in (a, b):
                with contextlib.suppress(OSError):
                    sock.close()


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["su", "postgres", "-s", "/bin/sh", "-c", " ".join(cmd)]
    return cmd


def postgres_bindir() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if candidates and (candidates[-1] / "initdb").exists():
        return candidates[-1]
    found = shutil.which("initdb")
    return Path(found).parent if found else None


class PrivateServer:
    """A throwaway PostgreSQL server of the test's own, which the test may stop and start."""

    def __init__(self, folder: Path) -> None:
        bindir = postgres_bindir()
        assert bindir is not None
        self.bindir = bindir
        self.datadir = folder / "pgdata"
        self.datadir.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
            shutil.chown(self.datadir, "postgres")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        subprocess.run(_as_postgres([str(bindir / "initdb"), "-D", str(self.datadir), "-U", "postgres",
                                     "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]),
                       check=True, capture_output=True)
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.start()

    def _ctl(self, *args: str) -> None:
        subprocess.run(_as_postgres([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), *args]),
                       check=True, capture_output=True)

    def start(self) -> None:
        self._ctl("-l", str(self.datadir / "server.log"), "-w", "-o",
                  f"'-p {self.port} -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off'", "start")

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()


def hold_sqlite_write_lock(path: str, seconds: float) -> subprocess.Popen:
    """Another process takes the database's write lock for `seconds`; returns when it holds it."""
    script = textwrap.dedent(f"""
        import sqlite3, sys, time
        conn = sqlite3.connect({path!r}, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep({seconds})
        conn.execute("ROLLBACK")
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc
