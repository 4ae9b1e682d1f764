"""Backup and restore: consistent under load, verified before use, audited, numbers never reused."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from st2desk import audit, backup
from st2desk.models import AuditEvent, Authorization, Request
from st2desk.outputs import OutputError
from tests import flows
from tests.cast import PASSWORD


def st2(*args: str) -> subprocess.CompletedProcess:
    """The command as an administrator who types their password (standard input)."""
    return subprocess.run([sys.executable, "-m", "st2desk", *args, "--user", "admin1"],
                          input=f"{PASSWORD}\n", capture_output=True, text=True, timeout=120)


def snapshot(db) -> tuple[int, int, str]:  # type: ignore[no-untyped-def]
    """The data and the audit log, apart from sign-ins (the command's own, audited)."""
    changes = AuditEvent.action.not_like("login%")
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Request)),
                s.scalar(select(func.max(AuditEvent.seq)).where(changes)),
                s.scalar(select(AuditEvent.hash).where(changes)
                         .order_by(AuditEvent.seq.desc()).limit(1)))


def last_event(db) -> AuditEvent:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()


@pytest.fixture
def sqlite_only(db):  # type: ignore[no-untyped-def]
    if not db.is_sqlite:
        pytest.skip("SQLite backup/restore; PostgreSQL is covered by test_pg_dump_restore")
    return db


def test_backup_then_restore_round_trip_is_audited(db, db_url, cast, tmp_path):
    if not db.is_sqlite:
        result = st2("--database", db_url, "backup", str(tmp_path / "x.db"))
        assert result.returncode == 2 and "pg_dump" in result.stderr
        assert not (tmp_path / "x.db").exists()
        return
    flows.authorized(db, cast)
    before = snapshot(db)
    conn = sqlite3.connect(db_url[len("sqlite:///"):])
    triggers = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='trigger'").fetchone()[0]
    conn.close()
    assert triggers >= 4
    target = tmp_path / "respaldo.sqlite3"
    result = st2("--database", db_url, "backup", str(target))
    assert result.returncode == 0, result.stderr
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    flows.draft(db, cast)  # work after the backup…
    assert snapshot(db) != before
    restored = st2("--database", db_url, "restore", str(target))
    assert restored.returncode == 0, restored.stderr
    after = snapshot(db)
    assert after[0] == before[0]  # …is gone, everything before it is back…
    # …plus the administrator's sign-in to take the backup (in it) and the restore itself,
    # chained to the backup's head.
    assert after[1] == before[1] + 2
    event = last_event(db)
    assert event.action == "restore" and event.details["file"] == target.name
    with db.session() as s:
        signed_in = s.scalar(select(AuditEvent).where(AuditEvent.seq == event.seq - 1))
    assert (signed_in.action, signed_in.username) == ("login", "admin1")
    assert signed_in.prev_hash == before[2] and event.prev_hash == signed_in.hash
    with db.session() as s:
        assert audit.verify(s).ok
    assert not [p for p in Path(db_url[len("sqlite:///"):]).parent.iterdir()
                if p.name.startswith(".st2desk-restore")]
    # The report facts and their triggers are back too: a new submission reaches them.
    flows.in_review(db, cast, patient_id=cast.patient_child_id)
    conn = sqlite3.connect(db_url[len("sqlite:///"):])
    try:
        kept = conn.execute("SELECT count(*) FROM sqlite_master WHERE type='trigger'").fetchone()[0]
        assert kept == triggers
        for a, b in (("report_facts", "report_facts_source"), ("report_facts_source", "report_facts")):
            assert conn.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT SELECT * FROM {b})"
                                ).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM report_facts").fetchone()[0] >= 2
    finally:
        conn.close()


def test_restore_never_hands_out_a_number_twice(sqlite_only, db_url, cast, tmp_path):
    db = sqlite_only
    flows.draft(db, cast)
    target = tmp_path / "respaldo.sqlite3"
    backup.backup(db_url, target)
    later = [flows.draft(db, cast) for _ in range(2)]  # folios handed out after the backup
    with db.session() as s:
        given = set(s.scalars(select(Request.folio).where(Request.id.in_(later))))
    db.dispose()
    report = backup.restore(db_url, target)
    assert report.counters_moved and "folio" in "; ".join(report.counters_moved)
    event = last_event(db)
    assert event.action == "restore" and event.details["counters_moved"] == report.counters_moved
    new_id = flows.draft(db, cast)
    with db.session() as s:
        folio = s.scalar(select(Request.folio).where(Request.id == new_id))
    assert folio not in given


def test_restore_refuses_a_backup_with_an_altered_audit_chain(sqlite_only, db_url, cast, tmp_path):
    db = sqlite_only
    flows.draft(db, cast)
    target = tmp_path / "respaldo.sqlite3"
    backup.backup(db_url, target)
    conn = sqlite3.connect(target)
    conn.execute("UPDATE audit_log SET username = 'otro' WHERE seq = 2")
    conn.commit()
    conn.close()
    flows.draft(db, cast)
    before = snapshot(db)
    result = st2("--database", db_url, "restore", str(target))
    assert result.returncode == 2
    assert "bitácora del respaldo" in result.stderr.lower() and "evento 2" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert snapshot(db) == before


def test_backup_refuses_to_overwrite_and_restore_refuses_junk_and_devices(db, db_url, tmp_path):
    if not db.is_sqlite:
        result = st2("--database", db_url, "restore", str(tmp_path / "x.db"))
        assert result.returncode == 2 and "pg_restore" in result.stderr
        return
    existing = tmp_path / "ya.sqlite3"
    existing.write_text("x")
    assert "ya existe" in st2("--database", db_url, "backup", str(existing)).stderr
    assert existing.read_text() == "x"
    junk = tmp_path / "basura.sqlite3"
    junk.write_bytes(b"no soy una base de datos" * 100)
    before = snapshot(db)
    result = st2("--database", db_url, "restore", str(junk))
    assert result.returncode == 2 and "no es un respaldo" in result.stderr
    result = st2("--database", db_url, "restore", "/dev/zero")
    assert result.returncode == 2 and "no es un archivo común" in result.stderr
    result = st2("--database", db_url, "backup", "/dev/null")
    assert result.returncode == 2 and "no es un archivo común" in result.stderr
    assert Path("/dev/null").is_char_device()
    assert snapshot(db) == before


def test_backup_finishes_while_another_process_writes(sqlite_only, db_url, tmp_path):
    """A writer committing continuously must not stop the backup (the old API restarted)."""
    path = db_url[len("sqlite:///"):]
    conn = sqlite3.connect(path, timeout=30)
    conn.execute("CREATE TABLE IF NOT EXISTS bench_noise (id INTEGER PRIMARY KEY, pad BLOB)")
    conn.executemany("INSERT INTO bench_noise (pad) VALUES (randomblob(4000))", [()] * 3000)
    conn.commit()
    stop = threading.Event()
    commits = [0]

    def writer() -> None:
        w = sqlite3.connect(path, timeout=30)
        while not stop.is_set():
            w.execute("INSERT INTO bench_noise (pad) VALUES (randomblob(100))")
            w.commit()
            commits[0] += 1
        w.close()

    thread = threading.Thread(target=writer)
    thread.start()
    seen: list[tuple[int, int]] = []
    try:
        target = tmp_path / "respaldo.sqlite3"
        pages = backup.backup(db_url, target, progress=lambda d, t: seen.append((d, t)))
    finally:
        stop.set()
        thread.join()
    assert commits[0] > 0 and pages > 3000
    assert seen and seen[-1][0] == seen[-1][1]
    check = sqlite3.connect(target)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()


def test_cancelled_backup_leaves_nothing(sqlite_only, db_url, tmp_path):
    folder = tmp_path / "respaldos"
    folder.mkdir()
    asked = [0]

    def cancel() -> bool:  # the person presses Cancel while the copy runs
        asked[0] += 1
        return asked[0] > 3

    with pytest.raises(backup.BackupCancelled):
        backup.backup(db_url, folder / "respaldo.sqlite3", cancel=cancel)
    assert asked[0] > 3
    assert list(folder.iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path):  # type: ignore[no-untyped-def]
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill the disk needs root")
    mount = tmp_path / "disco"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_backup_onto_a_full_disk_leaves_nothing(sqlite_only, db_url, tiny_disk):
    target = tiny_disk / "respaldo.sqlite3"
    with pytest.raises(OutputError, match="No hay espacio libre"):
        backup.backup(db_url, target)
    assert list(tiny_disk.iterdir()) == []


def test_pg_dump_restore(db, db_url, cast, tmp_path):
    """PostgreSQL: the documented pg_dump / pg_restore round trip keeps data and audit chain."""
    if db.is_sqlite:
        pytest.skip("PostgreSQL only; SQLite is covered by the tests above")
    import shutil
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from st2desk.db import Database

    bindir = "/usr/lib/postgresql/15/bin"
    pg_dump = shutil.which("pg_dump") or f"{bindir}/pg_dump"
    pg_restore = shutil.which("pg_restore") or f"{bindir}/pg_restore"
    if not Path(pg_dump).exists():
        pytest.skip("pg_dump is not installed here")
    flows.authorized(db, cast)
    before = snapshot(db)
    url = make_url(db_url)
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    dump = tmp_path / "st2desk.dump"
    subprocess.run([pg_dump, "-Fc", "-f", str(dump), libpq], check=True, timeout=120)
    name = f"st2_restored_{uuid.uuid4().hex[:8]}"
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        new_url = url.set(database=name)
        subprocess.run([pg_restore, "--no-owner", "-d",
                        new_url.set(drivername="postgresql").render_as_string(hide_password=False),
                        str(dump)], check=True, timeout=120)
        restored = Database(new_url.render_as_string(hide_password=False))
        try:
            assert snapshot(restored) == before
            with restored.session() as s:
                assert audit.verify(s).ok
            # The site kept working after the dump: numbers were handed out that the dump
            # does not know. Before switching, the restored counters move past them.
            later_request, later_auth = flows.authorized(
                db, cast, patient_id=cast.patient_female_id, service_id=cast.female_service_id)
            with db.session() as s:
                issued_folio = s.get(Request, later_request).folio
                issued_number = s.get(Authorization, later_auth).number
            moved = backup.raise_counters(restored, db)
            assert moved and all("→" in line for line in moved)
            again_request, again_auth = flows.authorized(
                restored, cast, patient_id=cast.patient_female_id, service_id=cast.female_service_id)
            with restored.session() as s:
                assert s.get(Request, again_request).folio != issued_folio
                assert s.get(Authorization, again_auth).number != issued_number
                assert audit.verify(s).ok
                assert s.scalar(select(AuditEvent.action).where(
                    AuditEvent.action == "restore_counters")) == "restore_counters"
        finally:
            restored.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
