"""The hour an emergency was performed (issue 11: the paper ST2, the detail and the slip)

Revision ID: 0005e
Revises: 0005a
Create Date: 2026-12-03 05:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005e'
down_revision = '0005a'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('performed_time', sa.Time(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('requests', schema=None) as batch_op:
        batch_op.drop_column('performed_time')
