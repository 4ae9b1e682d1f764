"""Engines and transactions for SQLite (default) and PostgreSQL (shared sites).

Write use cases run in `Database.transaction()`: on SQLite it starts with
``BEGIN IMMEDIATE`` so two workstations serialize at the start instead of one failing
at commit; on PostgreSQL the row locks and version checks do that work.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from st2desk import clock, config
from st2desk.errors import ConcurrencyConflict, StorageUnavailable

log = logging.getLogger(__name__)

_IMMEDIATE = "st2desk_immediate"
_BUSY_MS = "st2desk_busy_ms"

# How long a write waits for another one's lock on SQLite before it says so: a command
# (imports, demo data) waits long; the GUI waits briefly, and ui/operations.py keeps
# trying in short steps with the wait shown, so the window never freezes for long.
SQLITE_BUSY_MS = 30_000
SQLITE_INTERACTIVE_BUSY_MS = 3_000

# PostgreSQL: how long a workstation waits to connect, for a statement, and for a lock,
# and how long a connection may go without the server acknowledging what was sent (a
# powered-off host). A command or a window is never stuck longer than these.
PG_CONNECT_TIMEOUT_S = 5
PG_STATEMENT_TIMEOUT_MS = 10_000
PG_LOCK_TIMEOUT_MS = 8_000
PG_TCP_USER_TIMEOUT_MS = 10_000
# Connections a PostgreSQL engine keeps open between uses. A workstation then holds this
# one plus its notification listener (st2desk.notify): two server connections, so the
# server's max_connections is sized as two per workstation (docs/delegation.md). Work that
# runs at once (a report's second snapshot session, background jobs) opens more for as
# long as it runs; they close when returned.
PG_POOL_SIZE = 1

_OFFLINE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def storage_error(exc: BaseException) -> StorageUnavailable | None:
    """The Spanish, user-facing form of a database failure, or None if it is not one.

    Only failures of reaching or running the database are translated (a lost server, a
    lock held elsewhere, a timeout, a full disk); integrity and programming errors are
    bugs or domain conflicts and keep their own handling."""
    from sqlalchemy import exc as sa_exc

    if isinstance(exc, StorageUnavailable):
        return exc
    from st2desk.pglogins import refused_sign_in

    if refused_sign_in(exc) is not None:  # the server answered: no outage, a refused login
        return None
    if isinstance(exc, sa_exc.TimeoutError | sa_exc.DisconnectionError):
        return _offline()
    if not isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return None
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None) or ""
    text_ = str(orig or exc).lower()
    if sqlstate == "57014" or "statement timeout" in text_:
        return StorageUnavailable(
            "El servidor de la base de datos tardó demasiado en responder. No se cambió nada; "
            "vuelva a intentarlo en un momento. Si se repite, avise a sistemas.", kind="timeout")
    if sqlstate == "55P03" or "database is locked" in text_ or "database table is locked" in text_:
        return StorageUnavailable(
            "Otra estación está guardando cambios y la base de datos sigue ocupada. No se cambió "
            "nada; vuelva a intentarlo en unos segundos.", kind="busy")
    if sqlstate == "53100" or "database or disk is full" in text_:
        where = "del servidor" if sqlstate else "de este equipo"
        return StorageUnavailable(
            f"El disco {where} está lleno y no se pudo guardar. No se cambió nada; libere "
            "espacio (o avise a sistemas) y vuelva a intentarlo.", kind="disk_full")
    if "disk i/o error" in text_ or "unable to open database file" in text_ or "readonly" in text_:
        return StorageUnavailable(
            "No se pudo leer o escribir el archivo de la base de datos en este equipo (disco, "
            "permisos o memoria USB retirada). No se cambió nada; revise el disco y vuelva a "
            "intentarlo.", kind="io")
    from_server = type(orig).__module__.startswith(("psycopg", "psycopg2"))
    # PostgreSQL: a failure without an SQL state is the connection itself (refused, reset,
    # timed out); SQLite's other errors (a missing table) are not outages.
    if from_server and (sqlstate.startswith(_OFFLINE_SQLSTATES) or not sqlstate
                        or isinstance(exc, sa_exc.InterfaceError)):
        return _offline()
    return None


def _offline() -> StorageUnavailable:
    return StorageUnavailable(
        "Sin conexión con el servidor de la base de datos; no se cambió nada. Vuelva a "
        "intentarlo cuando regrese la conexión; si no vuelve en unos minutos, revise la red o "
        "avise a sistemas.", kind="offline")


@contextlib.contextmanager
def storage_errors() -> Iterator[None]:
    """Re-raise database failures as `StorageUnavailable` with a Spanish message."""
    try:
        yield
    except Exception as exc:
        translated = storage_error(exc)
        if translated is None or translated is exc:
            raise
        raise translated from exc


def protect_sqlite_file(database: str) -> list[Path]:
    """Narrow a SQLite database (and its WAL files) readable by other accounts to 0600;
    the files that were fixed, for a warning (DESIGN §7.1)."""
    fixed = []
    for path in (Path(database), Path(database + "-wal"), Path(database + "-shm")):
        try:
            if path.stat().st_mode & 0o077:
                path.chmod(0o600)
                fixed.append(path)
        except FileNotFoundError:
            continue
    if fixed:
        log.warning("database files readable by other accounts were narrowed to 0600")
    return fixed


def make_engine(url: str, *, interactive: bool = False) -> Engine:
    """An engine for `url`. `interactive` (the GUI) bounds every statement in time, so a
    hung or vanished server costs a workstation seconds, not minutes; commands that run
    long jobs (init, demo, reports, imports) only bound connecting."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        busy_ms = SQLITE_INTERACTIVE_BUSY_MS if interactive else SQLITE_BUSY_MS
        engine = create_engine(url, connect_args={"timeout": busy_ms / 1000})
        _configure_sqlite(engine, busy_ms)
        return engine
    options = {}
    if parsed.drivername in ("postgresql+psycopg", "postgresql+psycopg2"):
        # No column is HSTORE: skip the driver's hstore type look-up, a catalog query on
        # every process's first connection (about 1 ms of the cold start). SQLAlchemy's
        # HSTORE type would still work without it (it then converts the text itself).
        options["use_native_hstore"] = False
        connect_args: dict[str, object] = {
            "connect_timeout": PG_CONNECT_TIMEOUT_S,
            "tcp_user_timeout": PG_TCP_USER_TIMEOUT_MS,
            "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3,
        }
        if interactive:
            connect_args["options"] = (f"-c statement_timeout={PG_STATEMENT_TIMEOUT_MS} "
                                       f"-c lock_timeout={PG_LOCK_TIMEOUT_MS}")
        options["connect_args"] = connect_args
    if parsed.get_backend_name() == "postgresql":
        options["pool_size"] = PG_POOL_SIZE
    engine = create_engine(url, pool_pre_ping=True, **options)
    if interactive and parsed.get_backend_name() == "postgresql":
        from st2desk.watchdog import watch_statements

        watch_statements(engine, (PG_STATEMENT_TIMEOUT_MS + 3000) / 1000)
    return engine


def _configure_sqlite(engine: Engine, busy_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit BEGIN is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={busy_ms}")
        # Sorts (reports, inbox) in memory; it cannot change later inside a transaction.
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        options = conn.get_execution_options()
        immediate = options.get(_IMMEDIATE, False)
        busy = int(options.get(_BUSY_MS, busy_ms))
        info = conn.connection.info
        if info.get(_BUSY_MS, busy_ms) != busy:  # a pragma only when it changes
            conn.exec_driver_sql(f"PRAGMA busy_timeout={busy}")
            info[_BUSY_MS] = busy
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One database: its engine and the session factory the services use."""

    def __init__(self, url: str | None = None, engine: Engine | None = None, *,
                 interactive: bool = False) -> None:
        self.url = url or config.database_url()
        self.interactive = interactive
        self.engine = engine or make_engine(self.url, interactive=interactive)
        # SQLite files that other accounts could read, narrowed now (the caller warns).
        self.fixed_permissions: list[Path] = []
        database = self.engine.url.database
        if self.is_sqlite and database and database != ":memory:":
            self.fixed_permissions = protect_sqlite_file(database)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        """A session for reading (and for callers that manage commits themselves)."""
        return self._sessions()

    @contextlib.contextmanager
    def transaction(self, *, busy_ms: int | None = None) -> Iterator[Session]:
        """A write unit of work: commit on success, roll back everything on any error.

        Database failures (server away, lock held elsewhere, disk full) come out as
        `StorageUnavailable` with a Spanish message. On SQLite `busy_ms` bounds the wait
        for another workstation's write lock (the GUI waits in short steps, showing it).
        On PostgreSQL the server's time is read once and is the clock of record inside."""
        session = self._sessions()
        try:
            with storage_errors():
                if self.is_sqlite:
                    options: dict[str, object] = {_IMMEDIATE: True}
                    if busy_ms is not None:
                        options[_BUSY_MS] = busy_ms
                    session.connection(execution_options=options)
                    stamp: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
                else:
                    stamp = clock.server_time(session.scalar(text("SELECT now()")))
            with stamp, storage_errors():
                yield session
                session.commit()
        except StaleDataError:
            session.rollback()
            raise ConcurrencyConflict(
                "Otra estación modificó este registro al mismo tiempo. "
                "Recargue para ver su estado actual."
            ) from None
        except BaseException:
            with contextlib.suppress(Exception):  # a lost connection cannot roll back either
                session.rollback()
            raise
        finally:
            with contextlib.suppress(Exception):
                session.close()

    @property
    def connect_url(self) -> str:
        """The URL this database is reached with now, credentials included (PostgreSQL
        listeners open their own connection as the signed-in person); never print it."""
        return self.engine.url.render_as_string(hide_password=False)

    def as_person(self, username: str, password: str | None) -> Database:
        """PostgreSQL: this database reached as the person's own login role (DESIGN §7.1).

        The server checks the password; a refusal raises `AuthenticationFailed`, an
        unreachable server `StorageUnavailable`. `password` None leaves it to libpq."""
        from st2desk.pglogins import refused_sign_in, with_credentials

        engine = make_engine(with_credentials(self.engine.url, username, password),
                             interactive=self.interactive)
        try:
            with storage_errors(), engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception as exc:
            engine.dispose()
            refused = refused_sign_in(exc)
            if refused is not None:
                raise refused from None
            raise
        return Database(self.url, engine, interactive=self.interactive)

    def adopt(self, other: Database) -> None:
        """Work through `other`'s connection from now on (the person who signed in)."""
        previous, self.engine = self.engine, other.engine
        self._sessions = other._sessions
        if previous is not other.engine:
            previous.dispose()

    def sign_in(self, username: str, password: str | None) -> None:
        """Connect as the person's login role from now on (see `as_person`)."""
        self.adopt(self.as_person(username, password))

    def reachable(self) -> None:
        """Like `ping`, but a server that refuses these credentials is reachable: before
        anyone signs in, a workstation's URL carries no password (PostgreSQL)."""
        from st2desk.pglogins import refused_sign_in

        try:
            self.ping()
        except Exception as exc:
            if refused_sign_in(exc) is None:
                raise

    def server_clock_check(self) -> None:
        """Read the server's time once (PostgreSQL) so `clock.skew()` is known."""
        if self.is_sqlite:
            return
        with storage_errors(), self.engine.connect() as conn:
            clock.observe_server_time(conn.scalar(text("SELECT now()")))

    def ping(self) -> None:
        """Reach the database once; raises `StorageUnavailable` when it cannot."""
        with storage_errors(), self.engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    def upgrade(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        from st2desk.migrations_runner import upgrade_to_head

        upgrade_to_head(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
