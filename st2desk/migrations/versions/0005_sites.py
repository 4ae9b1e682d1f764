"""Sites: signed audit checkpoints and the sync conflicts an administrator decides

Revision ID: 0005k
Revises: 0005s
Create Date: 2026-12-03 05:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005k'
down_revision = '0005s'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site', sa.String(length=20), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.Column('bundle_id', sa.Uuid(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints'))
    )
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.create_index('ix_audit_checkpoints_site_seq', ['site', 'seq'], unique=False)

    op.create_table('sync_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bundle_id', sa.Uuid(), nullable=False),
    sa.Column('site', sa.String(length=20), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('folio', sa.String(length=40), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'],
                            name=op.f('fk_sync_conflicts_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflicts'))
    )
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_sync_conflicts_status', ['status', 'id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        # The second wall's roles (0005s): anyone's first event of the day signs a
        # checkpoint; an administrator's imports record and decide sync conflicts.
        op.execute("""
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'st2desk_user') THEN
    GRANT SELECT, INSERT ON audit_checkpoints TO st2desk_user;
    GRANT SELECT, INSERT, UPDATE ON sync_conflicts TO st2desk_admin;
    GRANT USAGE ON SEQUENCE audit_checkpoints_id_seq, sync_conflicts_id_seq TO st2desk_user;
  END IF;
END $$;
""")


def downgrade() -> None:
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_conflicts_status')
    op.drop_table('sync_conflicts')
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_checkpoints_site_seq')
    op.drop_table('audit_checkpoints')
