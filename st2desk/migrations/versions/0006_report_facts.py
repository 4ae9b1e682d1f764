"""PostgreSQL report facts (see st2desk.reports.pg_facts)

One narrow row per submitted request, kept by triggers, that a year's report aggregates
instead of computing each request's local days and times again; readable by
administrators only (grant and row security). SQLite has had its own since revision 0002
(st2desk.reports.sqlite_facts): nothing to do there.

Revision ID: 0006f
Revises: 0005r
Create Date: 2026-12-03 08:40:00
"""
from alembic import op

from st2desk.reports import pg_facts

revision = '0006f'
down_revision = '0005r'
branch_labels = None
depends_on = None

# The service levels of this revision (workflow.SERVICE_LEVEL), frozen here: urgent 72 h,
# ordinary 7 days. A revision that changes them creates the view and facts again.
SLA_URGENT_SECONDS = 72 * 3600
SLA_ORDINARY_SECONDS = 7 * 86400


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        pg_facts.create(bind, SLA_URGENT_SECONDS, SLA_ORDINARY_SECONDS)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        pg_facts.drop(bind)
