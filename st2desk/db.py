"""Engines and transactions for SQLite (default) and PostgreSQL (shared sites).

Write use cases run in `Database.transaction()`: on SQLite it starts with
``BEGIN IMMEDIATE`` so two workstations serialize at the start instead of one failing
at commit; on PostgreSQL the row locks and version checks do that work.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from st2desk import config
from st2desk.errors import ConcurrencyConflict

_IMMEDIATE = "st2desk_immediate"


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    options = {}
    if parsed.drivername in ("postgresql+psycopg", "postgresql+psycopg2"):
        # No column is HSTORE: skip the driver's hstore type look-up, a catalog query on
        # every process's first connection (about 1 ms of the cold start). SQLAlchemy's
        # HSTORE type would still work without it (it then converts the text itself).
        options["use_native_hstore"] = False
    return create_engine(url, pool_pre_ping=True, **options)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit BEGIN is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        # Sorts (reports, inbox) in memory; it cannot change later inside a transaction.
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One database: its engine and the session factory the services use."""

    def __init__(self, url: str | None = None, engine: Engine | None = None) -> None:
        self.url = url or config.database_url()
        self.engine = engine or make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        """A session for reading (and for callers that manage commits themselves)."""
        return self._sessions()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write unit of work: commit on success, roll back everything on any error."""
        session = self._sessions()
        try:
            if self.is_sqlite:
                session.connection(execution_options={_IMMEDIATE: True})
            yield session
            session.commit()
        except StaleDataError:
            session.rollback()
            raise ConcurrencyConflict(
                "Otra estación modificó este registro al mismo tiempo. "
                "Recargue para ver su estado actual."
            ) from None
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def upgrade(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        from st2desk.migrations_runner import upgrade_to_head

        upgrade_to_head(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
