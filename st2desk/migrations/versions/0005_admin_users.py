"""Users' matrícula (IMSS staff number) and the flag that asks for a new password at sign-in;
indexes for filtering the audit log

Revision ID: 0005a
Revises: 0003p
Create Date: 2026-12-03 05:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005a'
down_revision = '0003p'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('matricula', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # The audit log's filters in the Administration section (keyset pages on seq).
    op.create_index('ix_audit_log_username_seq', 'audit_log', ['username', 'seq'])
    op.create_index('ix_audit_log_action_seq', 'audit_log', ['action', 'seq'])
    op.create_index('ix_audit_log_at', 'audit_log', ['at'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_index('ix_audit_log_action_seq', table_name='audit_log')
    op.drop_index('ix_audit_log_username_seq', table_name='audit_log')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('matricula')
