"""PostgreSQL as the second wall (DESIGN §7.1): with only what a workstation holds — a
person's own login — nobody reads or changes what their role and unit do not allow,
whether through the services or by SQL typed into psql.

Every connection here signs in as a cast member's own login role (never the owner, never
a superuser), with plain psycopg where the test plays someone at psql.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from st2desk import clock
from st2desk.db import Database
from st2desk.errors import AuthenticationFailed
from st2desk.models import (
    Attachment,
    Authorization,
    Patient,
    Request,
    RequestStatus,
    Service,
    Unit,
    User,
)
from st2desk.services import attachments, authorizations, decisions, reception
from st2desk.services.users import add_user, login
from st2desk.services.visibility import may_view, may_view_patient
from tests import flows
from tests.cast import PASSWORD
from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="the second wall is PostgreSQL's; on SQLite the OS account is the "
                       "boundary (tests/test_tempfiles.py, test_backup.py check the files)")

PEOPLE = ("medico1", "dictaminador1", "dictaminador.otro", "jefe.servicio", "recepcion1",
          "recepcion.umf", "admin1")
NOT_ADMIN = tuple(p for p in PEOPLE if p != "admin1")


def psql(db_url: str, username: str, password: str = PASSWORD) -> psycopg.Connection:
    """What someone at a workstation can do with psql and their own password."""
    url = make_url(db_url)
    return psycopg.connect(host=url.host, port=url.port, dbname=url.database, user=username,
                           password=password, autocommit=True)


def refused(conn: psycopg.Connection, sql: str, params: dict | None = None) -> str:
    """The server's refusal of `sql` (an error, or no row touched), as text."""
    try:
        cur = conn.execute(sql, params or {})
    except psycopg.Error as exc:
        return f"error: {exc.diag.message_primary}"
    assert cur.rowcount == 0, f"{sql!r} changed {cur.rowcount} rows"
    return "no row"


@pytest.fixture
def scene(db, cast) -> dict[str, int]:
    """A request in each interesting state, made through the services by the owner."""
    draft = flows.draft(db, cast)
    in_review = flows.in_review(db, cast, patient_id=cast.patient_child_id)
    with db.session() as s:
        elsewhere = s.scalar(select(Service.id).where(
            Service.specialty_id != s.get(Service, cast.service_id).specialty_id,
            Service.in_basic_catalog.is_(False), Service.sex.is_(None),
            Service.min_age.is_(None)).order_by(Service.id).limit(1))
    other_specialty = flows.in_review(db, cast, service_id=elsewhere)
    authorized, auth_id = flows.authorized(db, cast)
    with db.transaction() as s:
        attachments.add_attachment(s, cast.physician, draft, "nota.pdf", b"%PDF-1.4\n%%EOF\n")
    with db.transaction() as s:  # one filed and performed by a unit nobody here works at
        here = s.get(Request, in_review)
        columns = [c.name for c in Request.__table__.columns if c.name not in ("id",)]
        row = {c: getattr(here, Request.__mapper__.get_property_by_column(
            Request.__table__.c[c]).key) for c in columns}
        row.update(uuid=uuid.uuid4(), folio="09HGZ27-2026-000001-Q",
                   requesting_unit_id=cast.other_unit_id, performing_unit_id=cast.other_unit_id,
                   physician_id=cast.admin.user_id)
        elsewhere_id = s.execute(Request.__table__.insert().values(row)
                                 .returning(Request.__table__.c.id)).scalar_one()
    return {"elsewhere": elsewhere_id, "draft": draft, "in_review": in_review,
            "other_specialty": other_specialty, "authorized": authorized, "authorization": auth_id}


@pytest.fixture
def person_db(db_url) -> Iterator[dict[str, Database]]:
    """Databases signed in through the application as each person (GUI and CLI path)."""
    opened: dict[str, Database] = {}

    def open_as(username: str) -> Database:
        if username not in opened:
            database = Database(db_url)
            login(database, username, PASSWORD)
            opened[username] = database
        return opened[username]

    yield open_as  # type: ignore[misc]
    for database in opened.values():
        database.dispose()


@pytest.mark.parametrize("username", PEOPLE)
def test_each_person_reads_exactly_what_the_services_show(db, db_url, scene, username):
    with db.session() as s:
        user = s.scalar(select(User).where(User.username == username))
        all_requests = s.scalars(select(Request)).all()
        expected = {r.id for r in all_requests if may_view(user, r)}
        expected_patients = {p for p in s.scalars(select(Patient.id)).all()
                             if may_view_patient(s, user, p)}
        expected_files = set(s.scalars(select(Attachment.id).where(
            Attachment.request_id.in_(expected))).all())
    with psql(db_url, username) as conn:
        seen = {row[0] for row in conn.execute("SELECT id FROM requests")}
        patients = {row[0] for row in conn.execute("SELECT id FROM patients")}
        files = {row[0] for row in conn.execute("SELECT id FROM attachments")}
        authorizations_seen = {row[0] for row in conn.execute("SELECT request_id FROM authorizations")}
    assert seen == expected
    assert patients == expected_patients
    assert files == expected_files
    assert authorizations_seen <= expected
    if username != "admin1":
        assert seen != {r.id for r in all_requests}, "a person of one unit saw every request"


@pytest.mark.parametrize("username", PEOPLE)
def test_nobody_types_an_approval_or_a_status(db, db_url, scene, username):
    with psql(db_url, username) as conn:
        # (a physician may cancel their own request in review: that is no authority)
        for status in ("authorized", "rejected", "used", "info_requested", "expired"):
            assert refused(conn, "UPDATE requests SET status = %(s)s WHERE id = %(id)s",
                           {"s": status, "id": scene["in_review"]})
        assert refused(conn, "UPDATE requests SET status = 'in_review' WHERE id = %(id)s",
                       {"id": scene["authorized"]})
    assert flows.status(db, scene["in_review"]) is RequestStatus.IN_REVIEW
    assert flows.status(db, scene["authorized"]) is RequestStatus.AUTHORIZED


@pytest.mark.parametrize("username", PEOPLE)
def test_nobody_mints_or_stretches_an_authorization(db, db_url, cast, scene, username):
    with db.session() as s:
        auth = s.get(Authorization, scene["authorization"])
        unit_code = auth.number.split("-")[0]
        me = s.scalar(select(User.id).where(User.username == username))
    forged = {"uuid": str(uuid.uuid4()), "number": f"{unit_code}-{date.today().year}-999999-X",
              "request": scene["in_review"], "unit": cast.performing_unit_id, "me": me,
              "from": date.today(), "until": date.today() + timedelta(days=30)}
    with psql(db_url, username) as conn:
        assert refused(conn, """
            INSERT INTO authorizations (uuid, number, request_id, status, valid_from, valid_until,
                performing_unit_id, retroactive, issued_by_id, issued_at, version)
            VALUES (%(uuid)s, %(number)s, %(request)s, 'valid', %(from)s, %(until)s, %(unit)s,
                    false, %(me)s, now(), 1)""", forged)
        assert refused(conn, "UPDATE authorizations SET valid_until = valid_until + 400 "
                             "WHERE id = %(id)s", {"id": scene["authorization"]})
        assert refused(conn, "UPDATE authorizations SET number = 'A09HGZ24-2026-000001-Z' "
                             "WHERE id = %(id)s", {"id": scene["authorization"]})
        assert refused(conn, "UPDATE number_sequences SET last_value = last_value + 1")
        assert refused(conn, "INSERT INTO decisions (uuid, request_id, kind, on_appeal, "
                             "decided_by_id, decided_at, text) VALUES (%(u)s, %(r)s, 'approve', "
                             "false, %(me)s, now(), '')",
                       {"u": str(uuid.uuid4()), "r": scene["other_specialty"], "me": me})
    with db.session() as s:
        auth = s.get(Authorization, scene["authorization"])
        assert (auth.valid_until - auth.valid_from).days <= 365
        assert s.scalar(select(Authorization.id).where(
            Authorization.request_id == scene["in_review"])) is None


@pytest.mark.parametrize("username", PEOPLE)
def test_nobody_edits_or_erases_the_audit_log(db, db_url, scene, username):
    with psql(db_url, username) as conn:
        assert refused(conn, "UPDATE audit_log SET username = 'otro'")
        assert refused(conn, "DELETE FROM audit_log")
        assert refused(conn, "TRUNCATE audit_log")
        assert refused(conn, "INSERT INTO audit_log (seq, at, user_id, username, action, entity, "
                             "entity_id, details, prev_hash, hash) VALUES (999999, now(), 1, "
                             "'admin1', 'approve', 'request', 'x', '{}', 'x', 'x')")
        assert refused(conn, "DELETE FROM server_audit")
    with db.session() as s:
        from st2desk import audit

        assert audit.verify(s).ok


@pytest.mark.parametrize("username", PEOPLE)
def test_nobody_makes_roles_or_takes_the_owners(db, db_url, username):
    with db.session() as s:
        owner = s.connection().exec_driver_sql(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'requests'").scalar()
    with psql(db_url, username) as conn:
        assert refused(conn, "CREATE ROLE intruso LOGIN PASSWORD 'x'")
        assert refused(conn, f'GRANT "{owner}" TO "{username}"')
        assert refused(conn, f'GRANT st2desk_admin TO "{username}"')
        assert refused(conn, "SELECT password_hash FROM users")
        if username != "admin1":
            assert refused(conn, "SELECT st2desk_set_login_roles(%(u)s, ARRAY['admin'])",
                           {"u": username})
    with psql(db_url, "admin1") as conn:  # an administrator manages st2desk accounts only
        for target in (owner, "postgres", "st2desk_admin"):
            assert refused(conn, "SELECT st2desk_set_login_password(%(u)s, 'SCRAM-SHA-256$x')",
                           {"u": target})
            assert refused(conn, "SELECT st2desk_set_login_roles(%(u)s, ARRAY['admin'])",
                           {"u": target})
        assert refused(conn, "SELECT st2desk_create_login('nuevo.x', 'texto-plano', ARRAY['admin'])")
        assert refused(conn, "SELECT st2desk_set_login_roles('medico1', ARRAY['superuser'])")


@pytest.mark.parametrize("username", PEOPLE)
def test_nobody_shadows_what_the_policies_read(db_url, scene, username):
    # The identity functions the policies call name their tables by schema and set no
    # search_path (migration 0006s). No person can create a table, function or operator
    # in the schema; a temporary table (a database copied from a template, or restored,
    # may allow them) put first in the search path changes nothing they read.
    with psql(db_url, username) as conn:
        seen = conn.execute("SELECT count(*) FROM requests").fetchone()[0]
        for sql in ("CREATE TABLE public.users (username text, id int)",
                    "CREATE FUNCTION public.st2desk_me() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                    "CREATE SCHEMA intruso",
                    "CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, "
                    "FUNCTION = pg_catalog.textne)"):
            assert refused(conn, sql).startswith("error:"), sql
        with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
            conn.execute("CREATE TEMP TABLE users AS SELECT id, username, unit_id, specialty_id, "
                         "active FROM public.users")
            conn.execute("CREATE TEMP TABLE user_roles AS SELECT u.id AS user_id, 'admin' AS role "
                         "FROM public.users u")
            conn.execute("SET search_path = pg_temp, public")
        assert conn.execute("SELECT count(*) FROM requests").fetchone()[0] == seen


def test_the_workflow_runs_signed_in_as_each_person(db, cast, person_db):
    """Physician → specialist → reception, each on their own login, with row security on."""
    physician, specialist = person_db("medico1"), person_db("dictaminador1")
    request_id = flows.in_review(physician, cast)
    with specialist.transaction() as s:
        auth = decisions.approve(s, cast.specialist, request_id)
        number = auth.number
    desk = person_db("recepcion1")
    with desk.transaction() as s:
        assert [c.number for c in reception.find(s, cast.reception, number).cards] == [number]
    with desk.transaction() as s:
        authorizations.record_use(s, cast.reception, auth.id)
    assert flows.status(db, request_id) is RequestStatus.USED
    with db.session() as s:
        from st2desk import audit

        assert audit.verify(s).ok
        trail = s.connection().exec_driver_sql(
            "SELECT login, tbl, detail->>'status' FROM server_audit WHERE tbl = 'requests' "
            "AND op = 'UPDATE' ORDER BY id").all()
    assert [tuple(r) for r in trail][-3:] == [("medico1", "requests", "in_review"),
                                             ("dictaminador1", "requests", "authorized"),
                                             ("recepcion1", "requests", "used")]


def test_the_server_checks_the_password(db_url, cast):
    database = Database(db_url)
    try:
        with pytest.raises(AuthenticationFailed, match="Usuario o contraseña incorrectos"):
            login(database, "medico1", "otra-clave-9")
        with pytest.raises(AuthenticationFailed, match="Usuario o contraseña incorrectos"):
            login(database, "nadie.aqui", PASSWORD)
        actor = login(database, "medico1", PASSWORD)
        with database.session() as s:
            assert s.connection().exec_driver_sql("SELECT session_user").scalar() == "medico1"
        assert actor.username == "medico1"
    finally:
        database.dispose()


def test_a_new_user_signs_in_with_their_own_password_and_group(db, db_url, cast):
    with db.transaction() as s:
        add_user(s, cast.admin, username="recepcion.nueva", full_name="Recepción Nueva",
                 password="su-propia-clave-1", unit_code="09HGZ24", roles=["reception"])
    with db.session() as s:
        groups = set(s.connection().exec_driver_sql(
            "SELECT b.rolname FROM pg_auth_members m JOIN pg_roles a ON a.oid = m.member "
            "JOIN pg_roles b ON b.oid = m.roleid WHERE a.rolname = 'recepcion.nueva'").scalars())
    assert groups == {"st2desk_user", "st2desk_reception"}
    with psql(db_url, "recepcion.nueva", "su-propia-clave-1") as conn:
        assert conn.execute("SELECT session_user").fetchone()[0] == "recepcion.nueva"


def test_a_person_changes_their_own_password_and_nobody_elses(db_url, cast, person_db):
    from st2desk import pglogins

    physician = person_db("medico2")
    with physician.transaction() as s:
        pglogins.change_own_password(s, "medico2", "otra-clave-nueva-1")
    with pytest.raises(Exception, match="(?i)st2desk|permission"), physician.transaction() as s:
        pglogins.set_password(s, "medico1", "clave-robada-1")
    with psql(db_url, "medico2", "otra-clave-nueva-1") as conn:
        assert conn.execute("SELECT session_user").fetchone()[0] == "medico2"
    with pytest.raises(psycopg.OperationalError):
        psql(db_url, "medico1", "clave-robada-1")


def test_after_changing_their_password_a_workstation_keeps_working(db_url, cast):
    # The forced change at first sign-in and Sesión ▸ Cambiar mi contraseña: the server
    # refuses the old password from then on, so every later connection of the workstation
    # (its pool after a drop, the notification listener's reconnections) must use the new.
    from st2desk.services.users import change_own_password, keep_signed_in

    workstation = Database(db_url)
    actor = login(workstation, "medico2", PASSWORD)
    with workstation.transaction() as s:
        change_own_password(s, actor, PASSWORD, "otra-clave-nueva-2")
    keep_signed_in(workstation, actor, "otra-clave-nueva-2")
    workstation.engine.dispose()  # the server restarted, the network dropped: new connections
    with workstation.session() as s:
        assert s.scalar(text("SELECT session_user")) == "medico2"
    listener_url = make_url(workstation.connect_url)  # what ui.operations gives notify.listen
    assert (listener_url.username, listener_url.password) == ("medico2", "otra-clave-nueva-2")
    workstation.dispose()


def test_a_use_on_the_last_valid_day_is_judged_on_the_units_calendar(db, cast, person_db):
    # The wall judged validity on the server's calendar, the services on the performing
    # unit's: late in a Tijuana evening the server (UTC) is already on the next day and a
    # receptionist was refused on the last valid day. A zone whose date differs from the
    # server's at this moment makes the case whatever the hour the test runs.
    with db.session() as s:
        server_day, zones = s.execute(text(
            "SELECT current_date, ARRAY(SELECT z FROM unnest(ARRAY['Pacific/Kiritimati', "
            "'Etc/GMT+12']) z WHERE (now() AT TIME ZONE z)::date <> current_date)")).one()
    zone = zones[0]
    request_id, auth_id = flows.authorized(db, cast)
    with db.transaction() as s:  # the owner moves the unit and the validity (tamper.as_dba)
        local_day = s.scalar(text("SELECT (now() AT TIME ZONE :z)::date"), {"z": zone})
        assert local_day != server_day
        s.get(Unit, cast.performing_unit_id).time_zone = zone
        auth = s.get(Authorization, auth_id)
        auth.valid_from = auth.valid_until = local_day
    person = person_db("recepcion1")  # signed in as the receptionist, at the unit's clock
    with clock.in_zone(zone), person.transaction() as s:
        authorizations.record_use(s, cast.reception, auth_id)
    with db.session() as s:
        assert s.get(Request, request_id).status is RequestStatus.USED
