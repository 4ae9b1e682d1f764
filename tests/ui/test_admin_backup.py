"""Administration ▸ Backup: back up and restore SQLite with progress; on PostgreSQL, what to
run instead. Session ▸ Back up… runs the same code (tests/ui/test_main_window.py)."""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from st2desk.models import User
from st2desk.services.users import add_user
from tests.ui.admin_support import click, events, open_tab


def test_back_up_then_restore_from_the_tab(qtbot, db, cast, make_ctx, messages, monkeypatch,
                                           tmp_path):
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "backup")
    if not db.is_sqlite:
        assert tab.findChild(QFileDialog) is None
        assert "pg_dump" in tab.findChild(type(tab.result_label), "adminBackupPostgres").text()
        assert not hasattr(tab, "backup_button")
        return
    target = tmp_path / "respaldo.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    click(qtbot, tab.backup_button)
    tab.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: bool(messages.texts()), timeout=20000)
    assert messages.texts()[-1] == f"Respaldo escrito en {target}."
    assert tab.result_label.text() == messages.texts()[-1]
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    with db.transaction() as s:  # work done after the backup
        add_user(s, None, username="despues", full_name="Después", password="clave-larga-1",
                 unit_code="09UMF20", roles=["reception"])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(target), "")))
    messages.shown.clear()
    click(qtbot, tab.restore_button)
    assert messages.shown[0][0] == "question" and "se pierde" in messages.shown[0][1]
    tab.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: len(messages.shown) == 2, timeout=30000)
    assert "restaurada" in messages.texts()[-1] and "Inicie sesión de nuevo" in messages.texts()[-1]
    with db.session() as s:
        assert s.scalar(select(User.id).where(User.username == "despues")) is None
    assert events(db, "restore")


def test_a_refused_restore_changes_nothing(qtbot, db, cast, make_ctx, messages, monkeypatch, tmp_path):
    if not db.is_sqlite:
        return  # the PostgreSQL tab offers no restore (test above)
    bogus = tmp_path / "no-es-respaldo.sqlite3"
    bogus.write_bytes(b"esto no es una base de datos" * 100)
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "backup")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bogus), "")))
    click(qtbot, tab.restore_button)
    tab.ctx.ops.wait_for_jobs()
    qtbot.waitUntil(lambda: len(messages.shown) == 2, timeout=20000)
    assert messages.shown[-1][0] == "warning" and "respaldo" in messages.texts()[-1]
    assert events(db, "restore") == []
