"""Report speed: SQLite's day index of the report facts also covers the public metrics

The public (CMS-style) metrics' sums are read in the same scan of ``ix_report_facts_dec``
as the first decisions' (see st2desk.reports.sqlite_facts); the index gains the columns
they need. PostgreSQL has no report facts: nothing to do there.

Revision ID: 0005r
Revises: 0005k
Create Date: 2026-12-03 06:00:00
"""
from alembic import op

revision = '0005r'
down_revision = '0005k'
branch_labels = None
depends_on = None

_FILTERS = "specialty_id, unit_id, delegation_id, category"
# Frozen here (sqlite_facts.INDEXES["dec"] of this revision and of the previous one).
_NEW = f"dec_day, pr, emergency, approved, late, secs, granted_ts, ext, el, {_FILTERS}"
_OLD = f"dec_day, pr, approved, late, secs, granted_ts, {_FILTERS}"


def _recreate(columns: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    exists = bind.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'report_facts'").first()
    if exists is None:
        return
    bind.exec_driver_sql("DROP INDEX IF EXISTS ix_report_facts_dec")
    bind.exec_driver_sql(f"CREATE INDEX ix_report_facts_dec ON report_facts ({columns}) "
                         "WHERE dec_day IS NOT NULL")


def upgrade() -> None:
    _recreate(_NEW)


def downgrade() -> None:
    _recreate(_OLD)
