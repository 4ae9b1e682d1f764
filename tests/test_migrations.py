"""The Alembic tree builds exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from st2desk.db import Database
from st2desk.models import Base
from st2desk.reports import sqlite_facts


def test_upgrade_from_empty_matches_the_models(empty_db_url):
    db = Database(empty_db_url)
    try:
        db.upgrade()
        db.upgrade()  # idempotent
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True, "render_as_batch": True,
                # SQLite's report facts and PostgreSQL's server-written trail (migration
                # 0005s) live outside the ORM's models.
                "include_name": lambda name, type_, parent: not sqlite_facts.is_own(name)
                and name != "server_audit"})
            diff = compare_metadata(context, Base.metadata)
        assert diff == [], diff
        assert "alembic_version" in inspect(db.engine).get_table_names()
    finally:
        db.dispose()


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()
