"""SQLite report facts (see st2desk.reports.sqlite_facts)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:50:00
"""
from alembic import op

from st2desk.reports import sqlite_facts

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# The service levels of this revision (workflow.SERVICE_LEVEL), frozen here: urgent 72 h,
# ordinary 7 days. A revision that changes them calls sqlite_facts.create again.
SLA_URGENT_SECONDS = 72 * 3600
SLA_ORDINARY_SECONDS = 7 * 86400


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # PostgreSQL aggregates the requests directly
        sqlite_facts.create(bind, SLA_URGENT_SECONDS, SLA_ORDINARY_SECONDS)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        sqlite_facts.drop(bind)
