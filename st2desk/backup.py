"""Consistent backup and restore of a SQLite database (the online backup API).

PostgreSQL sites back up with the server's own tools (pg_dump/pg_restore); the CLI says so.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from st2desk.errors import ValidationError

PG_GUIDANCE = (
    "En PostgreSQL use las herramientas del servidor: «pg_dump -Fc -f st2desk.dump BASE» para "
    "respaldar y «pg_restore --clean -d BASE st2desk.dump» para restaurar."
)


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise ValidationError(PG_GUIDANCE)
    if not parsed.database or parsed.database == ":memory:":
        raise ValidationError("Solo se respaldan bases SQLite guardadas en un archivo.")
    return Path(parsed.database)


def backup(url: str, target: Path) -> int:
    """Copy the live database to `target` consistently (writers may continue); return pages."""
    source_path = sqlite_path(url)
    if not source_path.exists():
        raise ValidationError(f"No existe la base de datos {source_path}.")
    if target.exists():
        raise ValidationError(f"El archivo {target} ya existe; elija otro nombre.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    dest = sqlite3.connect(target)
    try:
        source.backup(dest, pages=1024)
        pages = dest.execute("PRAGMA page_count").fetchone()[0]
    finally:
        dest.close()
        source.close()
    return pages


def check_backup_file(path: Path) -> None:
    """Refuse anything that is not an intact st2desk database."""
    if not path.is_file():
        raise ValidationError(f"No existe el respaldo {path}.")
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
    if not {"alembic_version", "requests", "audit_log"} <= tables:
        raise ValidationError(f"{path} no es un respaldo de st2desk.")


def restore(url: str, source_file: Path) -> int:
    """Replace the database's content with the backup's, in one step; return pages."""
    check_backup_file(source_file)
    target_path = sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    dest = sqlite3.connect(target_path, timeout=30)
    try:
        source.backup(dest)
        pages = dest.execute("PRAGMA page_count").fetchone()[0]
    finally:
        dest.close()
        source.close()
    return pages
