"""Row security at the speed of the owner's queries (PostgreSQL only; DESIGN §6, §7.1)

Signed in as a specialist at the reference scale, an inbox page after 5,000 rows took
192 ms where the owner's took 10 (bench/run_all.py, EXPLAIN ANALYZE). The causes:

- The identity functions compared ``users.username`` with ``session_user``, whose type
  (name) has the "C" collation: neither through text = name nor after ``::text`` can the
  unique index (default collation) serve it, so every call read the whole users table
  (2,000 rows: 0.3 ms; 10,000 at a delegation), and a policy called them eight times per
  table in the query. ``session_user::text COLLATE "default"`` reads the index (3 µs).
- Each call also switched ``search_path`` (a SET clause on the function), which costs a
  catalog look-up per call. The functions now name every table with its schema and set
  nothing; persons cannot create objects anywhere (no CREATE on the schema, no
  TEMPORARY on the database), so nothing they do can shadow a table or an operator.
- The request policy asked for the identity in seven sub-selects (one InitPlan each,
  per reference to the table) and called a PL/pgSQL function for every row, also the
  25,000 of a busy inbox's count; the specialist's and appeals head's arms are now
  plain column comparisons, and ``st2desk_me()`` gives the function the rest in one.
- A patient row outside the person's unit asked whether the unit worked with them
  through a SECURITY DEFINER function with a SET clause, per row: the same treatment.
- An inbox lane's rows were read from the table to check the policy's columns, so
  PostgreSQL sorted the whole lane instead of reading the index in order: the inbox
  index now carries the two columns the policy reads that it lacked.

It also corrects what running the whole test suite signed in as each person found the
wall refusing although the services allow it (and the reverse):

- a physician records an emergency from a draft saved first (``draft>performed_emergency``);
- a physician takes a file off their own request while it may still take files, and
  reception attaches the scanned paper form it captures (grants, plus a guard: files of
  submitted requests are evidence and stay);
- whether an authorization is still valid, or has expired, is judged on the calendar of
  its performing unit, as the services do, not on the server's zone (a Tijuana
  receptionist at 23:30 on the last valid day was refused);
- whether a patient exists is answered for any id (``st2desk_patient_exists``), and a
  patient registered elsewhere is compared with the identity a person typed
  (``st2desk_patient_registered``), so a physician can refer to that patient without
  reading the record, as on SQLite.

Revision ID: 0006s
Revises: 0006f
"""
import re
from pathlib import Path

from alembic import op

revision = '0006s'
down_revision = '0006f'
branch_labels = None
depends_on = None

_IDENTITY = r"""
REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC;

CREATE OR REPLACE FUNCTION st2desk_uid() RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN (SELECT u.id FROM {schema}.users u WHERE u.username = session_user::text COLLATE "default" AND u.active);
END $$;

CREATE OR REPLACE FUNCTION st2desk_unit() RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
BEGIN
  RETURN (SELECT u.unit_id FROM {schema}.users u
          WHERE u.username = session_user::text COLLATE "default" AND u.active);
END $$;

CREATE OR REPLACE FUNCTION st2desk_specialty() RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
  RETURN (SELECT u.specialty_id FROM {schema}.users u
          WHERE u.username = session_user::text COLLATE "default" AND u.active);
END $$;

CREATE OR REPLACE FUNCTION st2desk_is(p_role text) RETURNS boolean LANGUAGE plpgsql STABLE
PARALLEL SAFE AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM {schema}.users u JOIN {schema}.user_roles r ON r.user_id = u.id
                 WHERE u.username = session_user::text COLLATE "default" AND u.active AND r.role = p_role);
END $$;

CREATE TYPE st2desk_identity AS (uid integer, unit integer, specialty integer,
  specialist boolean, appeals boolean, physician boolean, reception boolean);

-- The signed-in person in one look-up (NULL fields for anyone who is not an active user).
CREATE FUNCTION st2desk_me() RETURNS st2desk_identity LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE me {schema}.st2desk_identity;
BEGIN
  SELECT u.id, u.unit_id, u.specialty_id,
         coalesce(bool_or(r.role = 'specialist'), false), coalesce(bool_or(r.role = 'appeals'), false),
         coalesce(bool_or(r.role = 'physician'), false), coalesce(bool_or(r.role = 'reception'), false)
    INTO me
    FROM {schema}.users u LEFT JOIN {schema}.user_roles r ON r.user_id = u.id
   WHERE u.username = session_user::text COLLATE "default" AND u.active
   GROUP BY u.id;
  RETURN me;
END $$;

-- services/visibility.may_view, for everyone but an administrator (whose rows skip it).
CREATE FUNCTION st2desk_reads_request(me st2desk_identity, r_status text, r_performing integer,
    r_specialty integer, r_physician integer, r_requesting integer)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE COST 1 AS $$
BEGIN
  RETURN (r_status NOT IN ('draft', 'performed_emergency')
          AND ((me.specialist AND r_performing = me.unit AND r_specialty = me.specialty)
               OR (me.appeals AND r_performing = me.unit)))
      OR (me.physician AND (r_physician = me.uid OR r_requesting = me.unit))
      OR (me.reception AND me.unit IN (r_performing, r_requesting));
END $$;

-- Patients whose requests a unit filed or performs, read as the owner. A SECURITY DEFINER
-- function needs every name and operator schema-qualified to do without a search_path.
CREATE OR REPLACE FUNCTION st2desk_patient_worked_here(p_patient integer, p_unit integer)
RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM {schema}.requests r
                 WHERE r.patient_id OPERATOR(pg_catalog.=) p_patient
                   AND (r.requesting_unit_id OPERATOR(pg_catalog.=) p_unit
                        OR r.performing_unit_id OPERATOR(pg_catalog.=) p_unit));
END $$;

GRANT EXECUTE ON FUNCTION st2desk_me(),
  st2desk_reads_request(st2desk_identity, text, integer, integer, integer, integer) TO st2desk_user;
"""

# The specialist's and the appeals head's lanes are written out, so the rows of an inbox
# (thousands counted at every refresh) pass without a function call per row; the other
# arms go through the function, whose opacity keeps the planner's estimates sane.
_NEW_VISIBLE = """(SELECT st2desk_is('admin'))
   OR ((SELECT st2desk_is('specialist')) AND status NOT IN ('draft', 'performed_emergency')
       AND performing_unit_id = (SELECT st2desk_unit())
       AND specialty_id = (SELECT st2desk_specialty()))
   OR ((SELECT st2desk_is('appeals')) AND status NOT IN ('draft', 'performed_emergency')
       AND performing_unit_id = (SELECT st2desk_unit()))
   OR st2desk_reads_request((SELECT st2desk_me()), status, performing_unit_id, specialty_id,
                            physician_id, requesting_unit_id)"""

# 0005s's, frozen here for the downgrade.
_OLD_VISIBLE = """(SELECT st2desk_is('admin'))
   OR st2desk_reads_request((SELECT st2desk_is('specialist')), (SELECT st2desk_is('appeals')),
                            (SELECT st2desk_is('physician')), (SELECT st2desk_is('reception')),
                            (SELECT st2desk_uid()), (SELECT st2desk_unit()),
                            (SELECT st2desk_specialty()), status, performing_unit_id,
                            specialty_id, physician_id, requesting_unit_id)"""

_OLD_IDENTITY = r"""
CREATE OR REPLACE FUNCTION st2desk_uid() RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = public, pg_temp AS $$
BEGIN RETURN (SELECT id FROM users WHERE username = session_user AND active); END $$;

CREATE OR REPLACE FUNCTION st2desk_unit() RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = public, pg_temp AS $$
BEGIN RETURN (SELECT unit_id FROM users WHERE username = session_user AND active); END $$;

CREATE OR REPLACE FUNCTION st2desk_specialty() RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = public, pg_temp AS $$
BEGIN RETURN (SELECT specialty_id FROM users WHERE username = session_user AND active); END $$;

CREATE OR REPLACE FUNCTION st2desk_is(p_role text) RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = public, pg_temp AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
                 WHERE u.username = session_user AND u.active AND r.role = p_role);
END $$;
"""

_OLD_WORKED_HERE = r"""
CREATE OR REPLACE FUNCTION st2desk_patient_worked_here(p_patient integer, p_unit integer) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM requests r WHERE r.patient_id = p_patient
                 AND p_unit IN (r.requesting_unit_id, r.performing_unit_id));
END $$;
"""

_GUARDS = r"""
CREATE OR REPLACE FUNCTION st2desk_unit_today(p_unit integer) RETURNS date LANGUAGE sql STABLE
SET search_path = public, pg_temp AS $$
  SELECT (now() AT TIME ZONE coalesce((SELECT time_zone FROM units WHERE id = p_unit),
                                      'America/Mexico_City'))::date $$;

CREATE FUNCTION st2desk_patient_exists(p_patient integer) RETURNS boolean LANGUAGE plpgsql
STABLE SECURITY DEFINER AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM {schema}.patients p WHERE p.id OPERATOR(pg_catalog.=) p_patient);
END $$;
REVOKE ALL ON FUNCTION st2desk_patient_exists(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION st2desk_patient_exists(integer) TO st2desk_user;

-- register_patient: a patient registered by another unit, compared with the identity a
-- person typed (already upper-cased and trimmed by the service); only the answer returns.
CREATE FUNCTION st2desk_patient_registered(p_nss text, p_agregado text, p_first text,
    p_last text, p_second text, p_birth date, p_sex text, p_curp text)
RETURNS TABLE (id integer, same boolean) LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp AS $$
  SELECT p.id,
         upper(regexp_replace(btrim(p.first_name), '\s+', ' ', 'g')) = p_first
     AND upper(regexp_replace(btrim(p.last_name), '\s+', ' ', 'g')) = p_last
     AND upper(regexp_replace(btrim(coalesce(p.second_last_name, '')), '\s+', ' ', 'g')) = p_second
     AND p.birth_date = p_birth AND p.sex::text = p_sex
     AND p.curp IS NOT DISTINCT FROM p_curp
    FROM patients p WHERE p.nss = p_nss AND p.agregado = p_agregado $$;
REVOKE ALL ON FUNCTION st2desk_patient_registered(text, text, text, text, text, date, text, text)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION st2desk_patient_registered(text, text, text, text, text, date, text,
  text) TO st2desk_user;

GRANT DELETE ON attachments TO st2desk_physician;
GRANT INSERT ON attachments TO st2desk_reception;
CREATE FUNCTION st2desk_attachment_guard() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE r requests;
BEGIN
  IF st2desk_system() THEN RETURN OLD; END IF;
  SELECT * INTO r FROM requests WHERE id = OLD.request_id;
  IF r.physician_id IS DISTINCT FROM st2desk_require_person()
     OR r.status NOT IN ('draft', 'performed_emergency', 'info_requested') THEN
    PERFORM st2desk_refuse(format('quitar archivos de la solicitud %s', r.folio));
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER attachment_guard BEFORE DELETE ON attachments
  FOR EACH ROW EXECUTE FUNCTION st2desk_attachment_guard();
"""

# The two guards as 0005s wrote them, with the corrections above applied to that text.
_PREVIOUS = Path(__file__).with_name("0005_postgresql_second_wall.py")
_GUARD_FIXES = {
    "st2desk_request_guard": [
        ("'info_requested>in_review',", "'info_requested>in_review', 'draft>performed_emergency',"),
        ("AND a.valid_until < current_date)",
         "AND a.valid_until < st2desk_unit_today(a.performing_unit_id))"),
    ],
    "st2desk_authorization_guard": [
        ("AND current_date BETWEEN OLD.valid_from AND OLD.valid_until)",
         "AND st2desk_unit_today(OLD.performing_unit_id) BETWEEN OLD.valid_from AND OLD.valid_until)"),
        ("AND OLD.valid_until < current_date",
         "AND OLD.valid_until < st2desk_unit_today(OLD.performing_unit_id)"),
    ],
}


def _previous_function(name: str) -> str:
    text = _PREVIOUS.read_text("utf-8")
    match = re.search(rf"CREATE FUNCTION {name}\(\).*?END \$\$;", text, re.S)
    assert match, name
    return "CREATE OR REPLACE" + match.group(0)[len("CREATE"):]


def _corrected_function(name: str) -> str:
    sql = _previous_function(name)
    for old, new in _GUARD_FIXES[name]:
        assert old in sql, (name, old)
        sql = sql.replace(old, new)
    return sql


_INBOX_COLUMNS = "performing_unit_id, specialty_id, status, due_at, id"


def _policies(visible: str) -> None:
    op.execute("DROP POLICY requests_read ON requests")
    op.execute("DROP POLICY requests_update ON requests")
    op.execute(f"CREATE POLICY requests_read ON requests FOR SELECT USING ({visible})")
    op.execute(f"CREATE POLICY requests_update ON requests FOR UPDATE USING ({visible})")


def _inbox_index(include: str) -> None:
    op.execute("DROP INDEX ix_requests_inbox")
    op.execute(f"CREATE INDEX ix_requests_inbox ON requests ({_INBOX_COLUMNS}){include}")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(_IDENTITY.format(schema=bind.dialect.identifier_preparer.quote(schema)))
    _policies(_NEW_VISIBLE)
    _inbox_index(" INCLUDE (physician_id, requesting_unit_id)")
    op.execute(_GUARDS.format(schema=bind.dialect.identifier_preparer.quote(schema)))
    for name in _GUARD_FIXES:
        op.execute(_corrected_function(name))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for name in _GUARD_FIXES:
        op.execute(_previous_function(name))
    op.execute("DROP TRIGGER attachment_guard ON attachments")
    op.execute("DROP FUNCTION st2desk_attachment_guard(), st2desk_patient_exists(integer), "
               "st2desk_unit_today(integer), st2desk_patient_registered(text, text, text, "
               "text, text, date, text, text)")
    op.execute("REVOKE DELETE ON attachments FROM st2desk_physician")
    op.execute("REVOKE INSERT ON attachments FROM st2desk_reception")
    _inbox_index("")
    _policies(_OLD_VISIBLE)
    op.execute("DROP FUNCTION st2desk_reads_request(st2desk_identity, text, integer, integer, "
               "integer, integer), st2desk_me()")
    op.execute("DROP TYPE st2desk_identity")
    op.execute(_OLD_IDENTITY)
    op.execute(_OLD_WORKED_HERE)
