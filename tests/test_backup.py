"""Backup and restore: restoring gives back exactly what was backed up."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

from st2desk import audit
from st2desk.models import AuditEvent, Request
from tests import flows


def st2(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "st2desk", *args], capture_output=True, text=True,
                          timeout=120)


def snapshot(db) -> tuple[int, int, str]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Request)),
                s.scalar(select(func.max(AuditEvent.seq))),
                s.scalar(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)))


def test_backup_then_restore_round_trip(db, db_url, cast, tmp_path):
    if not db.is_sqlite:
        result = st2("--database", db_url, "backup", str(tmp_path / "x.db"))
        assert result.returncode == 2 and "pg_dump" in result.stderr
        return
    flows.authorized(db, cast)
    before = snapshot(db)
    target = tmp_path / "respaldo.sqlite3"
    result = st2("--database", db_url, "backup", str(target))
    assert result.returncode == 0, result.stderr
    flows.draft(db, cast)  # work after the backup…
    assert snapshot(db) != before
    db.dispose()
    restored = st2("--database", db_url, "restore", str(target))
    assert restored.returncode == 0, restored.stderr
    assert snapshot(db) == before  # …is gone, and everything before it is back
    with db.session() as s:
        assert audit.verify(s).ok


def test_backup_refuses_to_overwrite_and_restore_refuses_junk(db, db_url, tmp_path):
    if not db.is_sqlite:
        result = st2("--database", db_url, "restore", str(tmp_path / "x.db"))
        assert result.returncode == 2 and "pg_restore" in result.stderr
        return
    existing = tmp_path / "ya.sqlite3"
    existing.write_text("x")
    assert "ya existe" in st2("--database", db_url, "backup", str(existing)).stderr
    junk = tmp_path / "basura.sqlite3"
    junk.write_bytes(b"no soy una base de datos" * 100)
    before = snapshot(db)
    result = st2("--database", db_url, "restore", str(junk))
    assert result.returncode == 2 and "no es un respaldo" in result.stderr
    assert snapshot(db) == before
