"""Reports: unit time zones, cancellation time, every duplicate found, SQLite offsets

Revision ID: 0003r
Revises: 0002
Create Date: 2026-12-03 02:40:00

- ``units.time_zone`` (IANA name, default America/Mexico_City), filled per delegation;
- ``requests.cancelled_at``, filled from the audit log's ``cancel`` events (else the
  request's last update);
- ``duplicate_hits``: every duplicate.* finding of every submission attempt, filled from
  the current findings and the audit log's ``submit_blocked`` events;
- SQLite: ``report_facts_tz`` (UTC offsets per zone) and the report facts recomputed
  with each unit's own calendar day.
"""
import json
from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

from st2desk import timezones
from st2desk.reports import sqlite_facts

revision = '0003r'
down_revision = '0002'
branch_labels = None
depends_on = None

SLA_URGENT_SECONDS = 72 * 3600
SLA_ORDINARY_SECONDS = 7 * 86400


def _as_datetime(value):
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # recreated below, after the tables change
        sqlite_facts.drop(bind)
    with op.batch_alter_table('units') as batch:
        batch.add_column(sa.Column('time_zone', sa.String(length=40), nullable=False,
                                   server_default='America/Mexico_City'))
    with op.batch_alter_table('requests') as batch:
        batch.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))
    op.create_table(
        'duplicate_hits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('severity', sa.Enum('block', 'warn', name='severity', native_enum=False,
                                      create_constraint=False, length=24), nullable=False),
        sa.Column('found_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['requests.id'], ondelete='CASCADE',
                                name=op.f('fk_duplicate_hits_request_id_requests')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_duplicate_hits')),
    )
    # Covering report indexes: also what the cancelled count, appeal grants and the public
    # metrics read (status, decisions, cancellation, emergency).
    with op.batch_alter_table('requests') as batch:
        batch.drop_index('ix_requests_report_submitted')
        batch.drop_index('ix_requests_report_decided')
        batch.drop_index('ix_requests_report_rejected')
        batch.create_index('ix_requests_report_submitted', [
            'submitted_at', 'specialty_id', 'requesting_unit_id', 'service_id', 'physician_id',
            'priority', 'is_emergency', 'performed_on', 'origin', 'requested_on', 'status',
            'decided_at', 'cancelled_at'], unique=False)
        batch.create_index('ix_requests_report_decided', [
            'decided_at', 'rejected_at', 'specialty_id', 'requesting_unit_id', 'service_id',
            'priority', 'due_at', 'submitted_at', 'is_emergency'], unique=False)
        batch.create_index('ix_requests_report_rejected', [
            'rejected_at', 'specialty_id', 'requesting_unit_id', 'service_id', 'priority',
            'due_at', 'submitted_at', 'decided_at', 'status', 'is_emergency'], unique=False,
            sqlite_where=sa.text('rejected_at IS NOT NULL'),
            postgresql_where=sa.text('rejected_at IS NOT NULL'))
    op.create_index('ix_duplicate_hits_report', 'duplicate_hits',
                    ['found_at', 'code', 'request_id'])
    op.create_index(op.f('ix_duplicate_hits_request_id'), 'duplicate_hits', ['request_id'])

    # Zones by delegation.
    for code, name in timezones.DELEGATION_ZONES.items():
        bind.execute(sa.text(
            "UPDATE units SET time_zone = :z WHERE delegation_id IN "
            "(SELECT id FROM delegations WHERE code = :c)"), {"z": name, "c": code})

    # Cancellation times: the audit event of the cancel, else the last update.
    uuids = dict(bind.execute(sa.text(
        "SELECT uuid, id FROM requests WHERE status = 'cancelled' AND decided_at IS NULL")).all())
    if uuids:
        keyed = {str(k).replace('-', ''): v for k, v in uuids.items()}
        for entity_id, at in bind.execute(sa.text(
                "SELECT entity_id, at FROM audit_log WHERE entity = 'request' "
                "AND action = 'cancel' ORDER BY seq")):
            rid = keyed.get(str(entity_id).replace('-', ''))
            if rid is not None:
                bind.execute(sa.text("UPDATE requests SET cancelled_at = :at WHERE id = :id"),
                             {"at": _as_datetime(at), "id": rid})
        bind.execute(sa.text("UPDATE requests SET cancelled_at = updated_at "
                             "WHERE status = 'cancelled' AND decided_at IS NULL "
                             "AND cancelled_at IS NULL"))

    # Duplicates: the current findings, and those of blocked attempts in the audit log.
    current = bind.execute(sa.text(
        "SELECT request_id, code, severity, created_at FROM review_findings "
        "WHERE code LIKE 'duplicate.%'")).all()
    rows = [{"r": r, "c": c, "s": str(sv).lower() if not hasattr(sv, 'value') else sv.value,
             "f": _as_datetime(t)} for r, c, sv, t in current]
    seen = {(x["r"], x["c"]) for x in rows}
    known = {(x["r"], x["c"], x["f"]) for x in rows}
    ids = {str(k).replace('-', ''): v for k, v in bind.execute(sa.text(
        "SELECT uuid, id FROM requests")).all()} if bind.execute(sa.text(
            "SELECT count(*) FROM audit_log WHERE action = 'submit_blocked'")).scalar() else {}
    for entity_id, at, details in bind.execute(sa.text(
            "SELECT entity_id, at, details FROM audit_log WHERE entity = 'request' "
            "AND action = 'submit_blocked' ORDER BY seq")):
        rid = ids.get(str(entity_id).replace('-', ''))
        if rid is None:
            continue
        if isinstance(details, str):
            details = json.loads(details)
        at = _as_datetime(at)
        for code in (details or {}).get("findings", []):
            if not str(code).startswith("duplicate."):
                continue
            # The last blocked attempt is also the request's current findings.
            if (rid, code) in seen and any(
                    k[0] == rid and k[1] == code and abs(k[2] - at) < timedelta(seconds=2)
                    for k in known):
                continue
            rows.append({"r": rid, "c": code, "s": "block", "f": at})
    if rows:
        bind.execute(sa.text("INSERT INTO duplicate_hits (request_id, code, severity, found_at) "
                             "VALUES (:r, :c, :s, :f)"), rows)

    if bind.dialect.name == "sqlite":
        sqlite_facts.create(bind, SLA_URGENT_SECONDS, SLA_ORDINARY_SECONDS, zones=True)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        sqlite_facts.drop(bind)
    op.drop_index(op.f('ix_duplicate_hits_request_id'), table_name='duplicate_hits')
    op.drop_index('ix_duplicate_hits_report', table_name='duplicate_hits')
    op.drop_table('duplicate_hits')
    with op.batch_alter_table('requests') as batch:
        batch.drop_index('ix_requests_report_submitted')
        batch.drop_index('ix_requests_report_decided')
        batch.drop_index('ix_requests_report_rejected')
        batch.create_index('ix_requests_report_submitted', [
            'submitted_at', 'specialty_id', 'requesting_unit_id', 'service_id', 'physician_id',
            'priority', 'is_emergency', 'performed_on', 'origin', 'requested_on'], unique=False)
        batch.create_index('ix_requests_report_decided', [
            'decided_at', 'rejected_at', 'specialty_id', 'requesting_unit_id', 'service_id',
            'priority', 'due_at', 'submitted_at'], unique=False)
        batch.create_index('ix_requests_report_rejected', [
            'rejected_at', 'specialty_id', 'requesting_unit_id', 'service_id', 'priority',
            'due_at', 'submitted_at'], unique=False,
            sqlite_where=sa.text('rejected_at IS NOT NULL'),
            postgresql_where=sa.text('rejected_at IS NOT NULL'))
    with op.batch_alter_table('requests') as batch:
        batch.drop_column('cancelled_at')
    with op.batch_alter_table('units') as batch:
        batch.drop_column('time_zone')
    if bind.dialect.name == "sqlite":  # revision 0002's facts: every unit at UTC−6
        sqlite_facts.create(bind, SLA_URGENT_SECONDS, SLA_ORDINARY_SECONDS, zones=False)
