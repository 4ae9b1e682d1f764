"""PostgreSQL as the second wall (DESIGN §7.1): group roles, grants, row security,
authority triggers, a server-written trail, number allocation and login management.

Each st2desk user signs in as a PostgreSQL login role of the same name. Whatever a
workstation holds, the server itself decides what that person reads and changes:

- NOLOGIN group roles hold the grants: ``st2desk_user`` (every person) and one per
  st2desk role (``st2desk_physician`` … ``st2desk_admin``).
- Row-level security (FORCEd, so not even the owner's connections bypass it by accident)
  limits patient, request, decision, authorization, attachment and audit rows to what
  the services show that person (services/visibility.py is the same rule in Python).
- Triggers refuse the changes that carry authority unless the signed-in person may make
  them: status changes, decisions, authorization numbers and validity, appeal decisions,
  uses recorded, audit rows in another's name.
- Numbers come from ``st2desk_allocate`` (the counters are not writable otherwise).
- ``server_audit`` is appended by triggers running as the owner; no person can change it.
- Logins are created, re-passworded, (de)activated and given roles only through
  SECURITY DEFINER functions that grant nothing but st2desk's group roles.

Identity is ``session_user`` (the login, which no SET ROLE changes). A connection that is
not a person — the owner running ``st2desk init``, a superuser — is "the system"; any
other role has no grants at all. SQLite: nothing to do (the OS account is the boundary).

Revision ID: 0005s
Revises: 0005e
"""
from alembic import op

revision = '0005s'
down_revision = '0005e'
branch_labels = None
depends_on = None

GROUPS = ("st2desk_user", "st2desk_physician", "st2desk_specialist", "st2desk_appeals",
          "st2desk_reception", "st2desk_admin")

REFERENCE = ("delegations", "units", "specialties", "services", "diagnoses",
             "rejection_reasons", "settings", "alembic_version")

# Tables whose rows row security limits (the rest are reference data or admin-only).
ROW_SECURED = ("patients", "requests", "review_findings", "duplicate_hits", "decisions",
               "information_requests", "appeals", "authorizations", "attachments",
               "audit_log", "folio_blocks")

_SQL = r"""
-- ------------------------------------------------------------------ who is signed in
-- PL/pgSQL, not SQL: a PL/pgSQL function keeps its plan for the session, where an SQL
-- function with a SET clause is planned again at every call (~1 ms each, dozens a query).
CREATE FUNCTION st2desk_uid() RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = public, pg_temp AS $$
BEGIN RETURN (SELECT id FROM users WHERE username = session_user AND active); END $$;

CREATE FUNCTION st2desk_unit() RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = public, pg_temp AS $$
BEGIN RETURN (SELECT unit_id FROM users WHERE username = session_user AND active); END $$;

CREATE FUNCTION st2desk_specialty() RETURNS integer LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = public, pg_temp AS $$
BEGIN RETURN (SELECT specialty_id FROM users WHERE username = session_user AND active); END $$;

CREATE FUNCTION st2desk_is(p_role text) RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = public, pg_temp AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
                 WHERE u.username = session_user AND u.active AND r.role = p_role);
END $$;

-- The owner (who ran this migration) or a superuser: st2desk init, demo, restore.
CREATE FUNCTION st2desk_system() RETURNS boolean LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = public, pg_temp AS $$
BEGIN
  RETURN session_user = '{owner}'
      OR COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false);
END $$;

-- A person may act only while active; anyone else who is not the system may do nothing.
CREATE FUNCTION st2desk_require_person() RETURNS integer LANGUAGE plpgsql STABLE
SET search_path = public, pg_temp AS $$
DECLARE me integer := st2desk_uid();
BEGIN
  IF me IS NULL THEN
    RAISE EXCEPTION 'st2desk: % no es un usuario activo de st2desk', session_user
      USING ERRCODE = '42501';
  END IF;
  RETURN me;
END $$;

CREATE FUNCTION st2desk_refuse(p_what text) RETURNS void LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
BEGIN
  RAISE EXCEPTION 'st2desk: % no puede %', session_user, p_what USING ERRCODE = '42501';
END $$;

-- ------------------------------------------------------------------ grants
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO st2desk_user;
GRANT SELECT ON {reference} TO st2desk_user;
-- Every column but the password hash (SQLite's; on PostgreSQL the server checks passwords).
GRANT SELECT ({user_columns}) ON users TO st2desk_user;
GRANT SELECT ON user_roles, number_sequences TO st2desk_user;
GRANT SELECT ON {secured} TO st2desk_user;
GRANT INSERT ON audit_log TO st2desk_user;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO st2desk_user;

GRANT INSERT, UPDATE ON patients, requests TO st2desk_physician, st2desk_reception;
GRANT INSERT, DELETE ON review_findings TO st2desk_physician, st2desk_reception;
GRANT INSERT ON duplicate_hits TO st2desk_physician, st2desk_reception;
GRANT INSERT ON attachments, appeals TO st2desk_physician;
GRANT UPDATE (answered_by_id, answered_at, answer) ON information_requests TO st2desk_physician;
GRANT UPDATE ON requests TO st2desk_specialist, st2desk_appeals;
GRANT INSERT ON decisions, authorizations TO st2desk_specialist, st2desk_appeals;
GRANT INSERT ON information_requests TO st2desk_specialist;
GRANT UPDATE (decided_by_id, decided_at, upheld) ON appeals TO st2desk_appeals;
GRANT UPDATE ON authorizations TO st2desk_reception, st2desk_specialist, st2desk_appeals,
                                  st2desk_physician;
GRANT INSERT ON folio_blocks TO st2desk_reception;

GRANT INSERT, UPDATE, DELETE ON {reference_writable} TO st2desk_admin;
GRANT UPDATE ({user_columns}) ON users TO st2desk_admin;
GRANT INSERT ({user_columns}, password_hash) ON users TO st2desk_admin;
GRANT INSERT, DELETE ON user_roles TO st2desk_admin;
GRANT INSERT, UPDATE ON patients, requests, authorizations, appeals, information_requests,
                        folio_blocks TO st2desk_admin;
GRANT INSERT, DELETE ON review_findings TO st2desk_admin;
GRANT INSERT ON decisions, duplicate_hits, attachments TO st2desk_admin;
GRANT SELECT, INSERT, UPDATE ON sync_bundles, sync_records TO st2desk_admin;
-- A workstation registers its own signing key when it first prints a slip (st2desk.signing);
-- any other setting, and trusting another site's key, is the administrator's.
GRANT INSERT ON settings TO st2desk_user;
ALTER TABLE settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY settings_read ON settings FOR SELECT USING (true);
CREATE POLICY settings_admin ON settings USING ((SELECT st2desk_is('admin')))
  WITH CHECK ((SELECT st2desk_is('admin')));
CREATE POLICY settings_own_key ON settings FOR INSERT WITH CHECK (
  key LIKE 'signing.key.%' AND (value::jsonb)->>'origin' = 'local');

-- ------------------------------------------------------------------ row security
{reads_request}
-- Sub-selects run once per query (an InitPlan), not once per row.
CREATE POLICY requests_read ON requests FOR SELECT USING ({request_visible});
CREATE POLICY requests_update ON requests FOR UPDATE USING ({request_visible});
CREATE POLICY requests_insert ON requests FOR INSERT WITH CHECK (
      (SELECT st2desk_is('admin'))
   OR ((SELECT st2desk_is('physician')) AND physician_id = (SELECT st2desk_uid())
       AND requesting_unit_id = (SELECT st2desk_unit()))
   OR ((SELECT st2desk_is('reception')) AND origin <> 'app'
       AND requesting_unit_id = (SELECT st2desk_unit())));

-- Rows that hang off a request are visible with it (an administrator's at once: the
-- reports read half a million decisions, and a sub-select per row would cost seconds).
{request_children}

-- services/visibility.patient_visible: of their unit, or with a request that their unit
-- filed or performs (read as the owner: whichever status that request is in).
CREATE FUNCTION st2desk_patient_worked_here(p_patient integer, p_unit integer) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM requests r WHERE r.patient_id = p_patient
                 AND p_unit IN (r.requesting_unit_id, r.performing_unit_id));
END $$;
CREATE POLICY patients_read ON patients FOR SELECT USING (
      (SELECT st2desk_is('admin')) OR unit_id = (SELECT st2desk_unit())
   OR st2desk_patient_worked_here(id, (SELECT st2desk_unit())));
CREATE POLICY patients_insert ON patients FOR INSERT WITH CHECK (
      (SELECT st2desk_is('admin')) OR unit_id = (SELECT st2desk_unit()));
CREATE POLICY patients_update ON patients FOR UPDATE USING (
      (SELECT st2desk_is('admin')) OR unit_id = (SELECT st2desk_unit()));

CREATE POLICY folio_blocks_read ON folio_blocks FOR SELECT USING (
      (SELECT st2desk_is('admin')) OR unit_id = (SELECT st2desk_unit()));
CREATE POLICY folio_blocks_insert ON folio_blocks FOR INSERT WITH CHECK (
      (SELECT st2desk_is('admin')) OR unit_id = (SELECT st2desk_unit()));

-- The audit log: an admin reads it all; others their own events and those of requests
-- they see. Appending is checked by the trigger below; nobody updates or deletes.
CREATE POLICY audit_read ON audit_log FOR SELECT USING (
      (SELECT st2desk_is('admin')) OR user_id = (SELECT st2desk_uid())
   OR (entity = 'request' AND EXISTS (SELECT 1 FROM requests r
                                      WHERE r.uuid::text = audit_log.entity_id)));
CREATE POLICY audit_insert ON audit_log FOR INSERT WITH CHECK (true);

-- An inbox lane (a unit's specialty, one status) can hold thousands of the million rows:
-- with per-column statistics alone PostgreSQL expected ~130 and sorted them all instead
-- of reading the index in order (the policy's filter then ran on every one of them).
CREATE STATISTICS IF NOT EXISTS st_requests_inbox (mcv, dependencies)
  ON performing_unit_id, specialty_id, status FROM requests;
ANALYZE requests;

-- ------------------------------------------------------------------ the chain's head
-- Appending needs the last event, which row security may hide from the appender.
CREATE FUNCTION st2desk_audit_head(OUT seq integer, OUT hash text, OUT at timestamp)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM pg_advisory_xact_lock({audit_lock});
  SELECT a.seq, a.hash, a.at INTO seq, hash, at FROM audit_log a ORDER BY a.seq DESC LIMIT 1;
END $$;

CREATE FUNCTION st2desk_audit_append_check() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE last record;
BEGIN
  IF st2desk_system() THEN RETURN NEW; END IF;
  IF NEW.user_id IS DISTINCT FROM st2desk_require_person() OR NEW.username <> session_user THEN
    PERFORM st2desk_refuse('anotar en la bitácora a nombre de otra persona');
  END IF;
  PERFORM pg_advisory_xact_lock({audit_lock});
  SELECT a.seq, a.hash, a.at INTO last FROM audit_log a ORDER BY a.seq DESC LIMIT 1;
  IF NEW.seq <> COALESCE(last.seq, 0) + 1 OR NEW.prev_hash <> COALESCE(last.hash, repeat('0', 64))
     OR NEW.at < COALESCE(last.at, NEW.at) THEN
    PERFORM st2desk_refuse('anotar un evento fuera del final de la cadena de la bitácora');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER audit_append_check BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION st2desk_audit_append_check();
CREATE FUNCTION st2desk_audit_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'st2desk: la bitácora no se modifica ni se borra' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER audit_immutable BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION st2desk_audit_immutable();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION st2desk_audit_immutable();

-- ------------------------------------------------------------------ server-written trail
CREATE TABLE server_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  login text NOT NULL DEFAULT session_user,
  tbl text NOT NULL,
  op text NOT NULL,
  row_id bigint,
  detail jsonb NOT NULL DEFAULT '{{}}'
);
REVOKE ALL ON server_audit FROM PUBLIC;
GRANT SELECT ON server_audit TO st2desk_admin;

CREATE FUNCTION st2desk_trail() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE row_json jsonb := to_jsonb(COALESCE(NEW, OLD)); detail jsonb := '{{}}';
BEGIN
  IF TG_TABLE_NAME IN ('requests', 'authorizations') THEN
    detail := jsonb_build_object('status', row_json->'status');
    IF TG_OP = 'UPDATE' THEN
      IF to_jsonb(OLD)->'status' = row_json->'status' THEN RETURN NULL; END IF;
      detail := detail || jsonb_build_object('from', to_jsonb(OLD)->'status');
    END IF;
    IF TG_TABLE_NAME = 'authorizations' THEN
      detail := detail || jsonb_build_object('number', row_json->'number',
                                             'valid_until', row_json->'valid_until');
    END IF;
  ELSIF TG_TABLE_NAME = 'decisions' THEN
    detail := jsonb_build_object('request_id', row_json->'request_id', 'kind', row_json->'kind',
                                 'on_appeal', row_json->'on_appeal');
  ELSIF TG_TABLE_NAME = 'appeals' THEN
    detail := jsonb_build_object('request_id', row_json->'request_id',
                                 'upheld', row_json->'upheld');
  ELSIF TG_TABLE_NAME = 'users' THEN
    detail := jsonb_build_object('username', row_json->'username', 'active', row_json->'active');
  ELSIF TG_TABLE_NAME = 'user_roles' THEN
    detail := jsonb_build_object('user_id', row_json->'user_id', 'role', row_json->'role');
  END IF;
  INSERT INTO server_audit (tbl, op, row_id, detail)
  VALUES (TG_TABLE_NAME, TG_OP, NULLIF(row_json->>'id', '')::bigint, detail);
  RETURN NULL;
END $$;
{trail_triggers}

-- ------------------------------------------------------------------ authority
CREATE FUNCTION st2desk_request_guard() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer; unit integer; moves text := OLD.status || '>' || NEW.status; ok boolean;
BEGIN
  IF st2desk_system() THEN RETURN NEW; END IF;
  me := st2desk_require_person();
  unit := st2desk_unit();
  IF NEW.folio <> OLD.folio OR NEW.physician_id <> OLD.physician_id
     OR NEW.requesting_unit_id <> OLD.requesting_unit_id OR NEW.uuid <> OLD.uuid THEN
    PERFORM st2desk_refuse('cambiar el folio, el médico o la unidad de una solicitud');
  END IF;
  -- Requests that came in offline bundles carry decisions made elsewhere; importing them
  -- is the administrator's job (and the server-written trail names who did).
  IF st2desk_is('admin') AND OLD.origin = 'sync' THEN RETURN NEW; END IF;
  IF NEW.status IS NOT DISTINCT FROM OLD.status THEN
    IF NEW.performing_unit_id IS DISTINCT FROM OLD.performing_unit_id
       AND NOT (OLD.status IN ('draft', 'performed_emergency') AND st2desk_is('physician')) THEN
      PERFORM st2desk_refuse('cambiar la unidad que realiza el servicio');
    END IF;
    IF NEW.decided_at IS DISTINCT FROM OLD.decided_at THEN
      PERFORM st2desk_refuse('cambiar la fecha del dictamen');
    END IF;
    RETURN NEW;
  END IF;
  ok := CASE
    WHEN moves IN ('draft>in_review', 'performed_emergency>in_review', 'info_requested>in_review',
                   'rejected>in_appeal', 'draft>cancelled', 'performed_emergency>cancelled',
                   'in_review>cancelled', 'info_requested>cancelled')
      THEN (st2desk_is('physician') AND (OLD.physician_id = me OR OLD.requesting_unit_id = unit))
        OR (st2desk_is('reception') AND OLD.origin <> 'app' AND OLD.requesting_unit_id = unit
            AND moves IN ('draft>in_review', 'performed_emergency>in_review'))
    WHEN moves IN ('in_review>authorized', 'in_review>rejected', 'in_review>info_requested')
      THEN st2desk_is('specialist') AND OLD.performing_unit_id = unit
           AND OLD.specialty_id = st2desk_specialty() AND OLD.physician_id <> me
    WHEN moves IN ('in_appeal>authorized', 'in_appeal>rejected_final')
      THEN st2desk_is('appeals') AND OLD.performing_unit_id = unit
    WHEN moves = 'authorized>used'
      THEN st2desk_is('reception')
           AND EXISTS (SELECT 1 FROM authorizations a WHERE a.request_id = OLD.id
                       AND a.performing_unit_id = unit)
    WHEN moves = 'authorized>cancelled' THEN st2desk_is('admin')
    WHEN moves = 'authorized>expired'
      THEN EXISTS (SELECT 1 FROM authorizations a WHERE a.request_id = OLD.id
                   AND a.valid_until < current_date)
    ELSE false END;
  IF NOT ok THEN
    PERFORM st2desk_refuse(format('pasar la solicitud %s de «%s» a «%s»', OLD.folio,
                                  OLD.status, NEW.status));
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER request_guard BEFORE UPDATE ON requests
  FOR EACH ROW EXECUTE FUNCTION st2desk_request_guard();

-- At commit: an approval has its authorization, a rejection its decision and a pause its
-- question, so a status
-- typed alone (UPDATE … SET status = 'authorized') never stands.
CREATE FUNCTION st2desk_request_outcome_check() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF st2desk_system() OR NEW.status IS NOT DISTINCT FROM OLD.status THEN RETURN NULL; END IF;
  IF (NEW.status = 'authorized'
      AND NOT EXISTS (SELECT 1 FROM authorizations a WHERE a.request_id = NEW.id))
     OR (NEW.status IN ('rejected', 'rejected_final')
      AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.request_id = NEW.id AND d.kind = 'reject'
                      AND d.on_appeal = (NEW.status = 'rejected_final')))
     OR (NEW.status = 'info_requested'
      AND NOT EXISTS (SELECT 1 FROM information_requests i WHERE i.request_id = NEW.id
                      AND i.answered_at IS NULL)) THEN
    PERFORM st2desk_refuse(format('dejar la solicitud %s en «%s» sin su dictamen', NEW.folio,
                                  NEW.status));
  END IF;
  RETURN NULL;
END $$;
-- (WHEN is evaluated at once: nothing is queued for the system's own bulk work, which
-- would otherwise keep the table from being indexed in the same transaction.)
CREATE CONSTRAINT TRIGGER request_outcome_check AFTER UPDATE ON requests
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.status IS DISTINCT FROM OLD.status AND NOT st2desk_system())
  EXECUTE FUNCTION st2desk_request_outcome_check();

CREATE FUNCTION st2desk_request_insert_guard() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF st2desk_system() OR st2desk_is('admin') THEN RETURN NEW; END IF;
  PERFORM st2desk_require_person();
  IF NEW.status NOT IN ('draft', 'performed_emergency') THEN
    PERFORM st2desk_refuse('crear una solicitud que no sea un borrador');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER request_insert_guard BEFORE INSERT ON requests
  FOR EACH ROW EXECUTE FUNCTION st2desk_request_insert_guard();

CREATE FUNCTION st2desk_decision_guard() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE r requests;
BEGIN
  IF st2desk_system() THEN RETURN NEW; END IF;
  SELECT * INTO r FROM requests WHERE id = NEW.request_id;
  IF st2desk_is('admin') AND r.origin = 'sync' THEN RETURN NEW; END IF;
  IF NEW.decided_by_id IS DISTINCT FROM st2desk_require_person() THEN
    PERFORM st2desk_refuse('registrar un dictamen a nombre de otra persona');
  END IF;
  -- The request's own row may already carry the outcome (the same flush), so its status
  -- is checked loosely here and strictly by request_guard; one decision per stage.
  IF EXISTS (SELECT 1 FROM decisions d WHERE d.request_id = NEW.request_id
             AND d.on_appeal = NEW.on_appeal)
     OR r.physician_id = NEW.decided_by_id
     OR NOT (CASE WHEN NEW.on_appeal
               THEN st2desk_is('appeals') AND r.status IN ('in_appeal', 'authorized', 'rejected_final')
                    AND r.performing_unit_id = st2desk_unit()
               ELSE st2desk_is('specialist') AND r.status IN ('in_review', 'authorized', 'rejected')
                    AND r.performing_unit_id = st2desk_unit()
                    AND r.specialty_id = st2desk_specialty() END) THEN
    PERFORM st2desk_refuse('dictaminar esta solicitud');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER decision_guard BEFORE INSERT ON decisions
  FOR EACH ROW EXECUTE FUNCTION st2desk_decision_guard();

CREATE FUNCTION st2desk_appeal_guard() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE r requests;
BEGIN
  IF st2desk_system() THEN RETURN NEW; END IF;
  SELECT * INTO r FROM requests WHERE id = NEW.request_id;
  IF st2desk_is('admin') AND r.origin = 'sync' THEN RETURN NEW; END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.filed_by_id IS DISTINCT FROM st2desk_require_person() OR NEW.decided_by_id IS NOT NULL
       OR NEW.upheld IS NOT NULL THEN
      PERFORM st2desk_refuse('interponer un recurso a nombre de otra persona o ya resuelto');
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.decided_by_id IS NOT NULL
     OR NEW.decided_by_id IS DISTINCT FROM st2desk_require_person()
     OR NOT st2desk_is('appeals') OR r.performing_unit_id <> st2desk_unit()
     OR EXISTS (SELECT 1 FROM decisions d WHERE d.request_id = NEW.request_id
                AND NOT d.on_appeal AND d.decided_by_id = NEW.decided_by_id) THEN
    PERFORM st2desk_refuse('resolver este recurso de revisión');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER appeal_guard BEFORE INSERT OR UPDATE ON appeals
  FOR EACH ROW EXECUTE FUNCTION st2desk_appeal_guard();

CREATE FUNCTION st2desk_authorization_guard() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer; unit integer; r requests; unit_code text; allocated integer;
BEGIN
  IF st2desk_system() THEN RETURN NEW; END IF;
  SELECT * INTO r FROM requests WHERE id = NEW.request_id;
  IF st2desk_is('admin') AND r.origin = 'sync' THEN RETURN NEW; END IF;
  me := st2desk_require_person();
  unit := st2desk_unit();
  IF TG_OP = 'INSERT' THEN
    SELECT code INTO unit_code FROM units WHERE id = unit;
    SELECT last_value INTO allocated FROM number_sequences
     WHERE unit_id = unit AND kind = 'authorization'
       AND year = split_part(NEW.number, '-', 2)::integer;
    IF NEW.issued_by_id <> me OR NEW.status <> 'valid' OR NEW.used_at IS NOT NULL
       OR NOT ((st2desk_is('specialist') AND r.status IN ('in_review', 'authorized')
                AND r.specialty_id = st2desk_specialty())
            OR (st2desk_is('appeals') AND r.status IN ('in_appeal', 'authorized')))
       OR r.performing_unit_id <> unit OR r.physician_id = me
       OR split_part(NEW.number, '-', 1) <> 'A' || unit_code
       OR split_part(NEW.number, '-', 3)::integer > COALESCE(allocated, 0)
       OR NEW.valid_until < NEW.valid_from OR NEW.valid_until > NEW.valid_from + 365 THEN
      PERFORM st2desk_refuse('emitir esta autorización');
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.number <> OLD.number OR NEW.request_id <> OLD.request_id
     OR NEW.issued_by_id <> OLD.issued_by_id OR NEW.issued_at <> OLD.issued_at
     OR NEW.valid_from <> OLD.valid_from OR NEW.valid_until <> OLD.valid_until
     OR NEW.performing_unit_id <> OLD.performing_unit_id OR NEW.retroactive <> OLD.retroactive THEN
    PERFORM st2desk_refuse('cambiar el número, la vigencia o la unidad de una autorización');
  END IF;
  IF NEW.status IS DISTINCT FROM OLD.status OR NEW.used_at IS DISTINCT FROM OLD.used_at
     OR NEW.used_recorded_by_id IS DISTINCT FROM OLD.used_recorded_by_id THEN
    IF NOT (
         (OLD.status = 'valid' AND NEW.status = 'used' AND st2desk_is('reception')
          AND OLD.performing_unit_id = unit AND NEW.used_recorded_by_id = me
          AND current_date BETWEEN OLD.valid_from AND OLD.valid_until)
      OR (OLD.status = 'valid' AND NEW.status = 'expired' AND OLD.valid_until < current_date
          AND NEW.used_at IS NOT DISTINCT FROM OLD.used_at)
      OR (OLD.status = 'valid' AND NEW.status = 'cancelled' AND st2desk_is('admin')
          AND NEW.used_at IS NOT DISTINCT FROM OLD.used_at)) THEN
      PERFORM st2desk_refuse(format('cambiar el estado de la autorización %s', OLD.number));
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER authorization_guard BEFORE INSERT OR UPDATE ON authorizations
  FOR EACH ROW EXECUTE FUNCTION st2desk_authorization_guard();

CREATE FUNCTION st2desk_information_guard() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF st2desk_system() OR st2desk_is('admin') THEN RETURN NEW; END IF;
  IF TG_OP = 'INSERT' AND NEW.asked_by_id IS DISTINCT FROM st2desk_require_person() THEN
    PERFORM st2desk_refuse('pedir información a nombre de otra persona');
  END IF;
  IF TG_OP = 'UPDATE' AND (OLD.answered_at IS NOT NULL
                           OR NEW.answered_by_id IS DISTINCT FROM st2desk_require_person()) THEN
    PERFORM st2desk_refuse('responder a nombre de otra persona o cambiar una respuesta');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER information_guard BEFORE INSERT OR UPDATE ON information_requests
  FOR EACH ROW EXECUTE FUNCTION st2desk_information_guard();

-- ------------------------------------------------------------------ numbers
CREATE FUNCTION st2desk_allocate(p_unit integer, p_year integer, p_kind text, p_count integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE last integer;
BEGIN
  IF p_count < 1 OR p_count > 10000 OR p_kind NOT IN ('folio', 'authorization') THEN
    PERFORM st2desk_refuse('reservar esa cantidad de números');
  END IF;
  IF NOT st2desk_system() THEN
    PERFORM st2desk_require_person();
    IF NOT (st2desk_is('admin') OR (p_unit = st2desk_unit() AND CASE p_kind
              WHEN 'authorization' THEN st2desk_is('specialist') OR st2desk_is('appeals')
              ELSE st2desk_is('physician') OR st2desk_is('reception') END)) THEN
      PERFORM st2desk_refuse('tomar números de esa unidad');
    END IF;
  END IF;
  INSERT INTO number_sequences (unit_id, year, kind, last_value)
  VALUES (p_unit, p_year, p_kind, 0) ON CONFLICT DO NOTHING;
  UPDATE number_sequences SET last_value = last_value + p_count
   WHERE unit_id = p_unit AND year = p_year AND kind = p_kind RETURNING last_value INTO last;
  RETURN last;
END $$;

-- Imports move a counter past the numbers a bundle brings: up only, administrators only.
CREATE FUNCTION st2desk_raise_counter(p_unit integer, p_year integer, p_kind text,
                                      p_value integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT (st2desk_system() OR st2desk_is('admin')) OR p_kind NOT IN ('folio', 'authorization')
     OR p_value > 999999 THEN
    PERFORM st2desk_refuse('mover los contadores de números');
  END IF;
  INSERT INTO number_sequences (unit_id, year, kind, last_value)
  VALUES (p_unit, p_year, p_kind, 0) ON CONFLICT DO NOTHING;
  UPDATE number_sequences SET last_value = p_value
   WHERE unit_id = p_unit AND year = p_year AND kind = p_kind AND last_value < p_value;
END $$;

-- ------------------------------------------------------------------ logins
CREATE FUNCTION st2desk_may_manage_logins() RETURNS boolean LANGUAGE sql STABLE
SET search_path = public, pg_temp AS $$ SELECT st2desk_system() OR st2desk_is('admin') $$;

-- A role st2desk may act on: its own person roles, never anything that carries power.
CREATE FUNCTION st2desk_check_login_name(p_username text, p_must_exist boolean)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE r pg_roles;
BEGIN
  IF NOT st2desk_may_manage_logins() THEN
    PERFORM st2desk_refuse('administrar cuentas');
  END IF;
  IF p_username !~ '^[a-z0-9][a-z0-9._-]{{2,63}}$' OR p_username LIKE 'st2desk\_%'
     OR p_username LIKE 'pg\_%' THEN
    PERFORM st2desk_refuse(format('usar «%s» como nombre de cuenta', p_username));
  END IF;
  SELECT * INTO r FROM pg_roles WHERE rolname = p_username;
  IF NOT FOUND THEN
    IF p_must_exist THEN PERFORM st2desk_refuse(format('encontrar la cuenta «%s»', p_username)); END IF;
    RETURN false;
  END IF;
  IF r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolbypassrls OR r.rolreplication
     OR p_username = '{owner}'
     OR NOT pg_has_role(p_username, 'st2desk_user', 'MEMBER') THEN
    PERFORM st2desk_refuse(format('tomar la cuenta «%s», que no es de st2desk', p_username));
  END IF;
  RETURN true;
END $$;

CREATE FUNCTION st2desk_set_login_roles(p_username text, p_roles text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE g text;
BEGIN
  PERFORM st2desk_check_login_name(p_username, true);
  IF NOT p_roles <@ ARRAY['physician', 'specialist', 'appeals', 'reception', 'admin'] THEN
    PERFORM st2desk_refuse('otorgar roles que no son de st2desk');
  END IF;
  FOREACH g IN ARRAY ARRAY['physician', 'specialist', 'appeals', 'reception', 'admin'] LOOP
    IF g = ANY(p_roles) THEN
      EXECUTE format('GRANT %I TO %I', 'st2desk_' || g, p_username);
    ELSE
      EXECUTE format('REVOKE %I FROM %I', 'st2desk_' || g, p_username);
    END IF;
  END LOOP;
END $$;

CREATE FUNCTION st2desk_create_login(p_username text, p_verifier text, p_roles text[])
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
    PERFORM st2desk_refuse('guardar una contraseña sin cifrar con SCRAM');
  END IF;
  IF st2desk_check_login_name(p_username, false) THEN
    EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', p_username, p_verifier);
  ELSE
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS '
                   'NOREPLICATION PASSWORD %L IN ROLE st2desk_user', p_username, p_verifier);
  END IF;
  PERFORM st2desk_set_login_roles(p_username, p_roles);
END $$;

CREATE FUNCTION st2desk_set_login_password(p_username text, p_verifier text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
    PERFORM st2desk_refuse('guardar una contraseña sin cifrar con SCRAM');
  END IF;
  PERFORM st2desk_check_login_name(p_username, true);
  EXECUTE format('ALTER ROLE %I PASSWORD %L', p_username, p_verifier);
END $$;

CREATE FUNCTION st2desk_set_login_active(p_username text, p_active boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  PERFORM st2desk_check_login_name(p_username, true);
  EXECUTE format('ALTER ROLE %I %s', p_username, CASE WHEN p_active THEN 'LOGIN' ELSE 'NOLOGIN' END);
END $$;

-- A person who chose their own password is no longer asked to (services.users).
CREATE FUNCTION st2desk_password_changed() RETURNS void LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
  UPDATE users SET must_change_password = false WHERE username = session_user AND active $$;

REVOKE ALL ON FUNCTION st2desk_password_changed(),
  st2desk_raise_counter(integer, integer, text, integer),
  st2desk_audit_head(), st2desk_allocate(integer, integer, text, integer),
  st2desk_check_login_name(text, boolean), st2desk_set_login_roles(text, text[]),
  st2desk_create_login(text, text, text[]), st2desk_set_login_password(text, text),
  st2desk_set_login_active(text, boolean), st2desk_patient_worked_here(integer, integer)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION st2desk_password_changed(), st2desk_audit_head(),
  st2desk_allocate(integer, integer, text, integer),
  st2desk_patient_worked_here(integer, integer) TO st2desk_user;
GRANT EXECUTE ON FUNCTION st2desk_set_login_roles(text, text[]),
  st2desk_create_login(text, text, text[]), st2desk_set_login_password(text, text),
  st2desk_set_login_active(text, boolean),
  st2desk_raise_counter(integer, integer, text, integer) TO st2desk_admin;
"""

_CHILD_POLICY = """
CREATE POLICY {table}_read ON {table} FOR SELECT USING (
  (SELECT st2desk_is('admin')) OR EXISTS (SELECT 1 FROM requests r WHERE r.id = {table}.request_id));
CREATE POLICY {table}_write ON {table} FOR INSERT WITH CHECK (
  EXISTS (SELECT 1 FROM requests r WHERE r.id = {table}.request_id));
CREATE POLICY {table}_update ON {table} FOR UPDATE USING (
  EXISTS (SELECT 1 FROM requests r WHERE r.id = {table}.request_id));
CREATE POLICY {table}_delete ON {table} FOR DELETE USING (
  EXISTS (SELECT 1 FROM requests r WHERE r.id = {table}.request_id));
"""

REQUEST_CHILDREN = ("review_findings", "duplicate_hits", "decisions", "information_requests",
                    "appeals", "authorizations", "attachments")
TRAILED = ("requests", "authorizations", "decisions", "appeals", "users", "user_roles")
AUDIT_LOCK = 0x5732_4155  # st2desk.audit's advisory lock: the same serialization


# Who reads a request: services/visibility.py says the same in Python. The person's
# identity is read once per query (sub-selects become InitPlans); the comparison with
# each row is a PL/pgSQL function, which the planner estimates as an ordinary filter —
# written out inline, its "column = parameter" terms made PostgreSQL expect a few dozen
# rows where an inbox lane has thousands, and pick a sort of all of them over the index's
# order (50 ms instead of 1). An administrator's rows skip the call.
REQUEST_VISIBLE = """
      (SELECT st2desk_is('admin'))
   OR st2desk_reads_request((SELECT st2desk_is('specialist')), (SELECT st2desk_is('appeals')),
                            (SELECT st2desk_is('physician')), (SELECT st2desk_is('reception')),
                            (SELECT st2desk_uid()), (SELECT st2desk_unit()),
                            (SELECT st2desk_specialty()), status, performing_unit_id,
                            specialty_id, physician_id, requesting_unit_id)"""

_READS_REQUEST = r"""
CREATE FUNCTION st2desk_reads_request(
    p_specialist boolean, p_appeals boolean, p_physician boolean, p_reception boolean,
    p_uid integer, p_unit integer, p_specialty integer, r_status text, r_performing integer,
    r_specialty integer, r_physician integer, r_requesting integer)
RETURNS boolean LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN (r_status NOT IN ('draft', 'performed_emergency')
          AND ((p_specialist AND r_performing = p_unit AND r_specialty = p_specialty)
               OR (p_appeals AND r_performing = p_unit)))
      OR (p_physician AND (r_physician = p_uid OR r_requesting = p_unit))
      OR (p_reception AND p_unit IN (r_performing, r_requesting));
END $$;
"""


def _columns(bind, table: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [r[0] for r in bind.exec_driver_sql(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %(t)s "
        "AND table_schema = current_schema() ORDER BY ordinal_position", {"t": table})]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    owner = bind.exec_driver_sql("SELECT current_user").scalar()
    for group in GROUPS:
        exists = bind.exec_driver_sql(
            "SELECT 1 FROM pg_roles WHERE rolname = %(g)s", {"g": group}).scalar()
        if not exists:
            op.execute(f"CREATE ROLE {group} NOLOGIN")
    for group in GROUPS[1:]:
        op.execute(f"GRANT st2desk_user TO {group}")
    database = bind.exec_driver_sql("SELECT current_database()").scalar()
    op.execute(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
    op.execute(f'GRANT CONNECT ON DATABASE "{database}" TO st2desk_user')
    sql = _SQL.format(
        owner=owner.replace("'", "''"),
        reference=", ".join(REFERENCE),
        reference_writable=", ".join(t for t in REFERENCE if t != "alembic_version"),
        secured=", ".join(ROW_SECURED),
        request_children="".join(_CHILD_POLICY.format(table=t) for t in REQUEST_CHILDREN),
        trail_triggers="".join(
            f"CREATE TRIGGER {t}_trail AFTER INSERT OR UPDATE OR DELETE ON {t} "
            f"FOR EACH ROW EXECUTE FUNCTION st2desk_trail();\n" for t in TRAILED),
        audit_lock=AUDIT_LOCK,
        request_visible=REQUEST_VISIBLE,
        reads_request=_READS_REQUEST,
        user_columns=", ".join(c for c in _columns(bind, "users") if c != "password_hash"),
    )
    op.execute(sql)
    # Not FORCEd: the owner (init, demo, restore, and the SECURITY DEFINER functions above,
    # which must see the whole chain and every counter) works on every row. No person is
    # ever the owner, so every person is limited by the policies.
    for table in ROW_SECURED:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table in (*ROW_SECURED, "settings"):
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for table, policy in bind.exec_driver_sql(
            "SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema()"):
        op.execute(f'DROP POLICY "{policy}" ON "{table}"')
    op.execute("DROP TABLE server_audit")
    op.execute("DROP STATISTICS IF EXISTS st_requests_inbox")
    # Policies, triggers and functions go with a CASCADE on the helper functions.
    op.execute("DROP FUNCTION IF EXISTS st2desk_uid(), st2desk_unit(), st2desk_specialty(), "
               "st2desk_is(text), st2desk_system(), st2desk_require_person(), "
               "st2desk_refuse(text), st2desk_reads_request(boolean, boolean, boolean, boolean, integer, "
               "integer, integer, text, integer, integer, integer, integer) CASCADE")
    op.execute("DROP FUNCTION IF EXISTS st2desk_audit_append_check(), st2desk_audit_immutable(), "
               "st2desk_trail(), st2desk_request_guard(), st2desk_request_insert_guard(), "
               "st2desk_decision_guard(), st2desk_appeal_guard(), st2desk_authorization_guard(), "
               "st2desk_information_guard(), st2desk_request_outcome_check(), "
               "st2desk_patient_worked_here(integer, integer) CASCADE")
    op.execute("DROP FUNCTION IF EXISTS st2desk_audit_head(), st2desk_allocate(integer, integer, text, "
               "integer), st2desk_may_manage_logins(), st2desk_check_login_name(text, boolean), "
               "st2desk_set_login_roles(text, text[]), st2desk_create_login(text, text, text[]), "
               "st2desk_set_login_password(text, text), st2desk_set_login_active(text, boolean), "
               "st2desk_password_changed(), st2desk_raise_counter(integer, integer, text, "
               "integer)")
