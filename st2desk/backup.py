"""Consistent backup and verified, audited restore of a SQLite database (DESIGN §7.4).

Backup
    ``VACUUM INTO`` a hidden temporary file beside the target, in one read transaction:
    writers on other connections go on (WAL), and unlike the online backup API it never
    restarts when they commit, so it finishes under load. The file is flushed to disk and
    only then given the target's name, which never replaces an existing file — a failure
    or a cancel leaves nothing under that name. `progress(done_bytes, total_bytes)` is
    called while it runs (for a progress bar); `cancel()` returning true stops it.

Restore
    The backup is copied beside the database and the copy is verified — integrity check,
    the same schema version as the database, an intact audit chain — before anything of
    the current database changes. Then one ``BEGIN IMMEDIATE`` transaction replaces every
    table's rows with the copy's, moves every number counter (folios, authorization
    numbers) to the highest of the two databases so no number already handed out can be
    handed out again, and writes a ``restore`` audit event naming the file and the
    counters moved. Any failure rolls all of it back: the current database stays as it was.
    Triggers are dropped and re-created inside that transaction so SQLite empties and
    copies each table page by page (its truncate and transfer optimizations).

PostgreSQL sites back up with the server's own tools; see ``docs/backup.md``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from st2desk.db import Database
from st2desk.errors import St2Error, ValidationError
from st2desk.inputs import RESTORE_LIMIT, check_input
from st2desk.outputs import FILE_MODE, OutputError, check_target, os_error_message

PG_GUIDANCE = (
    "En PostgreSQL use las herramientas del servidor: «pg_dump -Fc -f st2desk.dump BASE» para "
    "respaldar y «pg_restore» para restaurar en una base nueva (vea docs/backup.md)."
)

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]
_SQLITE_FULL = 13
_PROGRESS_OPS = 1_000  # SQLite VM steps between progress checks
_PROGRESS_SECONDS = 0.25


class BackupCancelled(St2Error):
    """The backup was cancelled; nothing was written under the target's name."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise ValidationError(PG_GUIDANCE)
    if not parsed.database or parsed.database == ":memory:":
        raise ValidationError("Solo se respaldan bases SQLite guardadas en un archivo.")
    return Path(parsed.database)


def _sqlite_error(exc: sqlite3.Error, path: Path) -> St2Error:
    if getattr(exc, "sqlite_errorcode", None) == _SQLITE_FULL or "full" in str(exc):
        return OutputError(os_error_message(OSError(errno.ENOSPC, "full"), path))
    if "interrupt" in str(exc):
        return BackupCancelled("Respaldo cancelado; no se escribió nada.")
    return OutputError(f"No se pudo escribir el respaldo {path} ({type(exc).__name__}: "
                       "error de la base de datos). Revise el disco y vuelva a intentarlo.")


# --------------------------------------------------------------------------- backup


def backup(url: str, target: Path, *, progress: ProgressFn | None = None,
           cancel: CancelFn | None = None) -> int:
    """Copy the live database to `target` consistently (writers may continue); return pages."""
    source_path = sqlite_path(url)
    if not source_path.is_file():
        raise ValidationError(f"No existe la base de datos {source_path}.")
    target = check_target(target)
    if target.exists():
        raise ValidationError(f"El archivo {target} ya existe; elija otro nombre.")
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name[:60]}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(os_error_message(exc, target)) from None
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()  # VACUUM INTO wants a new name; mkstemp only reserved a unique one
    source = sqlite3.connect(source_path, timeout=30, isolation_level=None)
    try:
        page_size = source.execute("PRAGMA page_size").fetchone()[0]
        used = (source.execute("PRAGMA page_count").fetchone()[0]
                - source.execute("PRAGMA freelist_count").fetchone()[0])
        total = max(used * page_size, 1)
        last = [0.0]

        def tick() -> int:
            if cancel is not None and cancel():
                return 1  # SQLite stops the statement: "interrupted"
            now = time.monotonic()
            if progress is not None and now - last[0] >= _PROGRESS_SECONDS:
                last[0] = now
                with contextlib.suppress(OSError):
                    progress(min(tmp.stat().st_size, total - 1), total)
            return 0

        if progress is not None or cancel is not None:
            source.set_progress_handler(tick, _PROGRESS_OPS)
        old_umask = os.umask(0o077)  # the copy is created 0600 from its first byte
        try:
            source.execute("VACUUM INTO ?", (str(tmp),))
        finally:
            os.umask(old_umask)
            source.set_progress_handler(None, 0)
        os.chmod(tmp, FILE_MODE)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        check = sqlite3.connect(f"file:{tmp}?mode=ro", uri=True)
        try:
            pages = check.execute("PRAGMA page_count").fetchone()[0]
        finally:
            check.close()
        _publish(tmp, target)
    except sqlite3.Error as exc:
        raise _sqlite_error(exc, target) from None
    except OSError as exc:
        raise OutputError(os_error_message(exc, target)) from None
    finally:
        source.close()
        with contextlib.suppress(OSError):
            tmp.unlink()
    if progress is not None:
        progress(total, total)
    return pages


def _publish(tmp: Path, target: Path) -> None:
    """Give the finished file the target's name, never replacing a file that appeared."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise ValidationError(f"El archivo {target} ya existe; elija otro nombre.") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise
        if target.exists():  # a file system without hard links (FAT memory sticks)
            raise ValidationError(f"El archivo {target} ya existe; elija otro nombre.") from None
        os.replace(tmp, target)


# --------------------------------------------------------------------------- restore


def check_backup_file(path: Path) -> None:
    """Refuse anything that is not an intact st2desk database."""
    check_input(path, RESTORE_LIMIT, "el respaldo")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise ValidationError(f"El respaldo {path} está dañado.")
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise ValidationError(f"{path} no es un respaldo de st2desk.") from None
    if not {"alembic_version", "requests", "audit_log", "number_sequences"} <= tables:
        raise ValidationError(f"{path} no es un respaldo de st2desk.")


@dataclass
class RestoreReport:
    pages: int
    events: int                      # audit events of the backup, all verified
    counters_moved: list[str] = field(default_factory=list)   # "UNIT year kind: a → b"
    counters_lost: list[str] = field(default_factory=list)    # units missing in the backup

    def lines(self) -> list[str]:
        out = [f"Bitácora del respaldo íntegra ({self.events} eventos)."]
        if self.counters_moved:
            out.append("Contadores adelantados para no repetir números ya entregados: "
                       + "; ".join(self.counters_moved) + ".")
        else:
            out.append("Ningún contador tuvo que adelantarse: el respaldo ya llevaba los "
                       "números más altos entregados.")
        if self.counters_lost:
            out.append("Atención: estas unidades no existen en el respaldo y sus números no se "
                       "pudieron conservar: " + "; ".join(self.counters_lost) + ".")
        return out


def _copy_of(source_file: Path, folder: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=".st2desk-restore.", suffix=".part", dir=folder)
    os.close(fd)
    tmp = Path(name)
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    dest = sqlite3.connect(tmp)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")
    finally:
        dest.close()
        source.close()
    return tmp


def _verify_copy(copy: Path, live: Path, source_file: Path) -> int:
    """Integrity, schema version and audit chain of the copy; returns its audit events."""
    from sqlalchemy.orm import Session

    from st2desk import audit
    from st2desk.db import make_engine

    conn = sqlite3.connect(copy)
    try:
        result = conn.execute("PRAGMA integrity_check(1)").fetchone()[0]
        if result != "ok":
            raise ValidationError(f"El respaldo {source_file} está dañado (revisión de "
                                  "integridad); no se restauró nada.")
        backup_version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        conn.close()
    if live.is_file():
        lconn = sqlite3.connect(f"file:{live}?mode=ro", uri=True, timeout=30)
        try:
            live_version = lconn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.OperationalError:
            live_version = None
        finally:
            lconn.close()
        if live_version is not None and backup_version != live_version:
            raise ValidationError(
                f"El respaldo {source_file} es de otra versión del esquema "
                f"({backup_version[0] if backup_version else '?'}; la base está en "
                f"{live_version[0]}); no se restauró nada.")
    engine = make_engine(f"sqlite:///{copy}")
    try:
        with Session(engine) as session:
            report = audit.verify(session)
    finally:
        engine.dispose()
    if not report.ok:
        raise ValidationError(
            f"La bitácora del respaldo {source_file} está alterada (evento "
            f"{report.first_broken_seq}: {report.reason}); no se restauró nada.")
    return report.events


def restore(url: str, source_file: Path, *, username: str | None = None) -> RestoreReport:
    """Replace the database's content with the verified backup's, in one transaction."""
    source_file = Path(source_file)
    live = sqlite_path(url)
    check_backup_file(source_file)
    if not live.parent.is_dir():
        raise ValidationError(f"La carpeta de la base de datos {live.parent} no existe.")
    try:
        copy = _copy_of(source_file, live.parent)
    except sqlite3.Error as exc:
        raise _sqlite_error(exc, live) from None
    except OSError as exc:
        raise OutputError(os_error_message(exc, live)) from None
    try:
        events = _verify_copy(copy, live, source_file)
        if not _has_schema(live):  # a new workstation: the verified copy becomes the database
            return _install_copy(copy, live, source_file, events, username)
        return _swap_in(url, copy, source_file, events, username)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(OSError):
                os.unlink(f"{copy}{suffix}")


def _has_schema(live: Path) -> bool:
    if not live.is_file() or live.stat().st_size == 0:
        return False
    conn = sqlite3.connect(f"file:{live}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE name='alembic_version'").fetchone() \
            is not None
    finally:
        conn.close()


def _install_copy(copy: Path, live: Path, source_file: Path, events: int,
                  username: str | None) -> RestoreReport:
    from sqlalchemy.orm import Session

    from st2desk import audit
    from st2desk.db import make_engine

    engine = make_engine(f"sqlite:///{copy}")
    try:
        with Session(engine) as session:
            audit.record(session, user_id=None, username=username, action="restore",
                         entity="database", entity_id=source_file.name,
                         details={"file": source_file.name, "backup_events": events,
                                  "counters_moved": [], "counters_lost": []})
            session.commit()
        with engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar() or 0
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    os.chmod(copy, FILE_MODE)
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.unlink(f"{live}{suffix}")
    os.replace(copy, live)
    return RestoreReport(pages=pages, events=events)


def _swap_in(url: str, copy: Path, source_file: Path, events: int,
             username: str | None) -> RestoreReport:
    from sqlalchemy import text
    from sqlalchemy.orm import Session

    from st2desk import audit
    from st2desk.db import Database
    from st2desk.models import Base

    db = Database(url)
    try:
        with db.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=OFF")  # rows go in by table; checked before commit
            raw.execute("ATTACH DATABASE ? AS bak", (str(copy),))
            try:
                conn.execution_options(st2desk_immediate=True)
                with Session(bind=conn) as session:
                    report = _replace_rows(session, text, Base, events)
                    problems = session.execute(text("PRAGMA main.foreign_key_check")).first()
                    if problems is not None:
                        raise ValidationError(
                            f"El respaldo {source_file} tiene referencias rotas (tabla "
                            f"{problems[0]}); no se restauró nada.")
                    audit.record(session, user_id=None, username=username, action="restore",
                                 entity="database", entity_id=source_file.name,
                                 details={"file": source_file.name, "backup_events": events,
                                          "counters_moved": report.counters_moved,
                                          "counters_lost": report.counters_lost})
                    session.commit()
            finally:
                if conn.in_transaction():
                    conn.rollback()
                raw.execute("DETACH DATABASE bak")
                raw.execute("PRAGMA foreign_keys=ON")
            report.pages = raw.execute("PRAGMA page_count").fetchone()[0]
    except sqlite3.Error as exc:
        raise _sqlite_error(exc, sqlite_path(url)) from None
    finally:
        db.dispose()
    return report


def _replace_rows(session, text, base, events: int) -> RestoreReport:  # type: ignore[no-untyped-def]
    """Every table's rows from the attached copy ``bak``, in the caller's transaction.

    The triggers (report facts) are dropped for the copy and created again from their own
    SQL before the commit, so SQLite can empty each table at once and copy the backup's
    b-trees page by page (its truncate and transfer optimizations) instead of row by row;
    a reference-scale database is restored in a fraction of the time."""
    report = RestoreReport(pages=0, events=events)
    # What this database has handed out, read under the write lock: nothing can be issued
    # between this read and the commit.
    issued = session.execute(text(
        "SELECT u.code, n.year, n.kind, n.last_value FROM main.number_sequences n "
        "JOIN main.units u ON u.id = n.unit_id")).all()
    names = [r[0] for r in session.execute(text(
        "SELECT name FROM main.sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"))]
    ordered = [t.name for t in base.metadata.sorted_tables if t.name in names]
    rest = [n for n in names if n not in ordered]  # alembic_version, trigger-kept tables
    triggers = session.execute(text(
        "SELECT name, sql FROM main.sqlite_master WHERE type='trigger'")).all()
    for name, _sql in triggers:
        session.execute(text(f'DROP TRIGGER main."{name}"'))
    for name in [*reversed(ordered), *reversed(rest)]:
        session.execute(text(f'DELETE FROM main."{name}"'))
    for name in [*ordered, *rest]:
        ours = [r[1:3] for r in session.execute(text(f'PRAGMA main.table_info("{name}")'))]
        theirs = [r[1:3] for r in session.execute(text(f'PRAGMA bak.table_info("{name}")'))]
        if ours == theirs:  # same columns in the same order: SQLite copies the pages
            session.execute(text(f'INSERT INTO main."{name}" SELECT * FROM bak."{name}"'))
        else:
            columns = ", ".join(f'"{c[0]}"' for c in ours)
            session.execute(text(f'INSERT INTO main."{name}" ({columns}) '
                                 f'SELECT {columns} FROM bak."{name}"'))
    for _name, sql in triggers:
        session.execute(text(sql))
    if session.execute(text("SELECT 1 FROM main.sqlite_master WHERE name='sqlite_sequence'")).first():
        session.execute(text("DELETE FROM main.sqlite_sequence"))
        if session.execute(text(
                "SELECT 1 FROM bak.sqlite_master WHERE name='sqlite_sequence'")).first():
            session.execute(text("INSERT INTO main.sqlite_sequence SELECT * FROM bak.sqlite_sequence"))
    for code, year, kind, value in issued:
        unit_id = session.execute(text("SELECT id FROM main.units WHERE code = :c"),
                                  {"c": code}).scalar()
        if unit_id is None:
            report.counters_lost.append(f"{code} {year} {kind}: {value}")
            continue
        restored = session.execute(text(
            "SELECT last_value FROM main.number_sequences WHERE unit_id = :u AND year = :y "
            "AND kind = :k"), {"u": unit_id, "y": year, "k": kind}).scalar()
        if restored is not None and restored >= value:
            continue
        session.execute(text(
            "INSERT INTO main.number_sequences (unit_id, year, kind, last_value) "
            "VALUES (:u, :y, :k, :v) ON CONFLICT (unit_id, year, kind) "
            "DO UPDATE SET last_value = excluded.last_value"),
            {"u": unit_id, "y": year, "k": kind, "v": value})
        report.counters_moved.append(f"{code} {year} {kind}: {restored or 0} → {value}")
    return report


def raise_counters(restored: Database, current: Database) -> list[str]:
    """After `pg_restore` into a new database: move each number counter of `restored` past
    the numbers `current` (the database in use since the dump) has handed out, so no folio
    or authorization number is issued twice. Audited in `restored`; the moves, as lines."""
    from sqlalchemy import select

    from st2desk import audit
    from st2desk.models import NumberSequence, Unit

    with current.session() as s:
        issued = {(code, year, kind): value for code, year, kind, value in s.execute(
            select(Unit.code, NumberSequence.year, NumberSequence.kind, NumberSequence.last_value)
            .join(Unit, Unit.id == NumberSequence.unit_id))}
    moved: list[str] = []
    with restored.transaction() as s:
        units = {code: ident for code, ident in s.execute(select(Unit.code, Unit.id))}
        for (code, year, kind), value in sorted(issued.items(), key=lambda i: (i[0][0], i[0][1],
                                                                               str(i[0][2]))):
            if code not in units:
                raise ValidationError(f"La base restaurada no tiene la unidad {code}; no se movió "
                                      "ningún contador.")
            row = s.get(NumberSequence, (units[code], year, kind), with_for_update=True)
            before = row.last_value if row else 0
            if value <= before:
                continue
            if row is None:
                s.add(NumberSequence(unit_id=units[code], year=year, kind=kind, last_value=value))
            else:
                row.last_value = value
            moved.append(f"{code} {year} {kind.value}: {before} → {value}")
        audit.record(s, user_id=None, username=None, action="restore_counters", entity="database",
                     entity_id="number_sequences", details={"counters_moved": moved})
    return moved
