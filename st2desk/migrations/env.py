"""Alembic environment: batch mode so SQLite can alter tables."""

from alembic import context
from sqlalchemy import create_engine

from st2desk.models import Base
from st2desk.reports import sqlite_facts

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        # The report facts (SQLite, PostgreSQL) are built by hand, not from the models.
        include_name=lambda name, type_, parent: not sqlite_facts.is_own(name),
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("st2desk migrations run online only")
run_migrations_online()
