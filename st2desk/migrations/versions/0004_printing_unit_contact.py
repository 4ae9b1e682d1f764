"""Units' address and telephone, printed on the authorization slip

Revision ID: 0003p
Revises: 0002
Create Date: 2026-12-03 02:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003p'
down_revision = '0003r'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.drop_column('address')
