"""PostgreSQL away, hung or restarted, and a workstation whose clock is wrong.

These need a server of their own (`tests/faults.PrivateServer`, restarted by the test) or
a proxy in front of the suite's server that can freeze or drop connections."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from st2desk import clock, notify
from st2desk.db import Database, storage_error
from st2desk.errors import StorageUnavailable
from st2desk.models import Request
from st2desk.services import requests
from tests import flows
from tests.conftest import PG_URL
from tests.faults import PrivateServer, TcpProxy, postgres_bindir

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL (ST2DESK_TEST_DATABASE_URL)")


@pytest.fixture
def proxied(db_url: str):  # type: ignore[no-untyped-def]
    url = make_url = __import__("sqlalchemy.engine", fromlist=["make_url"]).make_url(db_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    yield proxy, proxy.url_for(db_url)
    proxy.close()
    del make_url


def test_hung_server_costs_seconds_not_minutes(proxied, monkeypatch):
    """A server that stops answering mid-session: the statement is cut by the client-side
    deadline and reported as the server being away."""
    proxy, url = proxied
    import st2desk.db as db_module

    monkeypatch.setattr(db_module, "PG_STATEMENT_TIMEOUT_MS", 1000)
    db = Database(url, interactive=True)
    try:
        with db.session() as s:
            assert s.scalar(text("SELECT 1")) == 1
        proxy.freeze()
        started = time.monotonic()
        with pytest.raises(StorageUnavailable) as caught:
            with db.transaction() as s:
                s.execute(text("SELECT 1"))
        waited = time.monotonic() - started
        assert waited < 12, waited
        assert caught.value.kind == "offline"
        assert caught.value.message.startswith("Sin conexión con el servidor")
        proxy.thaw()
        with db.session() as s:  # a fresh connection works again
            assert s.scalar(text("SELECT 1")) == 1
    finally:
        proxy.up()
        db.dispose()


def test_slow_statement_is_bounded_by_the_server(db_url, monkeypatch):
    import st2desk.db as db_module

    monkeypatch.setattr(db_module, "PG_STATEMENT_TIMEOUT_MS", 300)
    db = Database(db_url, interactive=True)
    try:
        with pytest.raises(StorageUnavailable) as caught, db.transaction() as s:
            s.execute(text("SELECT pg_sleep(5)"))
        assert caught.value.kind == "timeout"
        assert "tardó demasiado" in caught.value.message
    finally:
        db.dispose()


def test_server_down_is_offline_in_spanish(proxied):
    proxy, url = proxied
    proxy.down()
    db = Database(url, interactive=True)
    try:
        started = time.monotonic()
        with pytest.raises(StorageUnavailable) as caught:
            db.ping()
        assert time.monotonic() - started < 7
        assert caught.value.kind == "offline"
    finally:
        db.dispose()


def test_station_clock_behind_records_the_server_time(db, cast, monkeypatch):
    """A workstation two hours behind: what it stores carries the server's time."""
    real = datetime

    class Behind(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return real.now(tz) - timedelta(hours=2)

    request_id = flows.draft(db, cast)
    monkeypatch.setattr(clock, "datetime", Behind)
    with db.transaction() as s:
        requests.submit(s, cast.physician, request_id)
    with db.session() as s:
        server_now = s.scalar(text("SELECT now()"))
        submitted = s.scalar(select(Request.submitted_at).where(Request.id == request_id))
    assert abs((server_now - submitted).total_seconds()) < 60
    assert clock.skew() > timedelta(minutes=110)  # the warning's figure
    monkeypatch.undo()
    db.server_clock_check()
    assert abs(clock.skew()) < timedelta(seconds=30)


@pytest.fixture
def private_server():  # type: ignore[no-untyped-def]
    if postgres_bindir() is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    # Outside pytest's folder: the server runs as the postgres account, which cannot
    # enter root's 0700 pytest-of-root.
    folder = Path(tempfile.mkdtemp(prefix="st2desk-pg-"))
    server = PrivateServer(folder)
    yield server
    try:
        server.stop("immediate")
    except Exception:  # noqa: BLE001 - already stopped by the test
        pass
    shutil.rmtree(folder, ignore_errors=True)


def test_listener_reconnects_after_a_server_restart(private_server):
    got: list[str] = []
    states: list[bool] = []
    stop = threading.Event()
    thread = threading.Thread(target=notify.listen, args=(private_server.url, got.append, stop.is_set),
                              kwargs={"poll_seconds": 0.2, "on_state": states.append}, daemon=True)
    thread.start()
    db = Database(private_server.url)
    try:
        def send(payload: str) -> None:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT pg_notify(:c, :p)"), {"c": "st2desk_changes", "p": payload})
                conn.commit()

        deadline = time.monotonic() + 10
        while "before" not in got and time.monotonic() < deadline:
            send("before")
            time.sleep(0.2)
        assert "before" in got
        private_server.restart()
        db.engine.dispose()
        deadline = time.monotonic() + 15
        while "after" not in got and time.monotonic() < deadline:
            try:
                send("after")
            except Exception:  # noqa: BLE001 - the server is still starting
                pass
            time.sleep(0.3)
        assert "after" in got, "no notification arrived after the restart"
        assert states[:2] == [False, True]
    finally:
        stop.set()
        thread.join(5)
        db.dispose()


def test_storage_error_translation_covers_driver_failures():
    import psycopg
    from sqlalchemy.exc import OperationalError

    refused = OperationalError("SELECT 1", {}, psycopg.OperationalError("connection refused"))
    assert storage_error(refused).kind == "offline"
    assert storage_error(ValueError("bug")) is None
    with Database(PG_URL).session() as s:
        assert s.scalar(select(func.count()).select_from(text("pg_class"))) > 0
