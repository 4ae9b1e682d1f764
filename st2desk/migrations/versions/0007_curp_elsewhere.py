"""A CURP registered under another NSS at another unit, told without naming it (PostgreSQL)

The automated review warns the specialist when a patient's CURP is registered under
another NSS: one person insured twice, or a transcription error. The warning names the
other NSS only when the requesting unit may read that patient (DESIGN §7.1); otherwise it
says that the CURP is registered elsewhere and nothing more. Row security hides other
units' patients from the person submitting, so on PostgreSQL the server answers that one
question (``st2desk_curp_elsewhere``): a yes or no, never the record.

Revision ID: 0007c
Revises: 0006s
"""
from alembic import op

revision = '0007c'
down_revision = '0006s'
branch_labels = None
depends_on = None

_FUNCTION = """
CREATE FUNCTION st2desk_curp_elsewhere(p_curp text, p_nss text) RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM {schema}.patients p
                 WHERE p.curp OPERATOR(pg_catalog.=) p_curp
                   AND p.nss OPERATOR(pg_catalog.<>) p_nss);
END $$;
REVOKE ALL ON FUNCTION st2desk_curp_elsewhere(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION st2desk_curp_elsewhere(text, text) TO st2desk_user;
"""


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(_FUNCTION.format(schema=bind.dialect.identifier_preparer.quote(schema)))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION st2desk_curp_elsewhere(text, text)")
