"""Fresh database per test, seeded with reference data and a cast of users.

SQLite by default; set ST2DESK_TEST_DATABASE_URL to a PostgreSQL server URL (any
database on it, e.g. ``postgresql+psycopg://postgres:st2desk-ci@127.0.0.1:54329/postgres``) to run
the same tests on PostgreSQL. The seeded database is built once per run as a template
and copied per test (file copy on SQLite, CREATE DATABASE … TEMPLATE on PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

# Offscreen Qt with a desktop-sized virtual screen (its default is 800×800, smaller than
# the main window's minimum, so restoreGeometry would shrink every saved window).
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = (
        f"offscreen:configfile={Path(__file__).with_name('offscreen_screen.json')}")

PG_URL = os.environ.get("ST2DESK_TEST_DATABASE_URL")
if PG_URL:  # before anything imports a service by name (see tests/persons.py)
    from tests import persons

    persons.install(PG_URL)

from st2desk.db import Database  # noqa: E402
from tests.cast import Cast, build_cast  # noqa: E402

pytest_plugins = ["tests.cli_support"]


def pytest_report_header(config: pytest.Config) -> str:
    if PG_URL:
        return "st2desk database: PostgreSQL, services acting as each person's login role"
    return "st2desk database: SQLite"


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    if PG_URL:
        figures = ", ".join(f"{count} {how}" for how, count in persons.calls.items())
        terminalreporter.write_line(f"st2desk service calls on PostgreSQL: {figures}")


def _pg_admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(PG_URL, isolation_level="AUTOCOMMIT")


# On PostgreSQL every st2desk user is a login role, and roles belong to the whole server,
# not to one test's database: a test that changes a password, deactivates or re-roles
# someone would change them for every later test. The cast's logins as the template left
# them are put back after each test.
_LOGINS_SQL = text(r"""
    SELECT r.rolname, a.rolpassword, r.rolcanlogin,
           ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                 WHERE m.member = r.oid ORDER BY 1)
    FROM pg_roles r JOIN pg_authid a ON a.oid = r.oid
    WHERE r.rolname NOT LIKE 'st2desk\_%' AND pg_has_role(r.oid, 'st2desk_user', 'MEMBER')
      AND NOT r.rolsuper""")
_cast_logins: dict[str, tuple] = {}


def _restore_logins(conn) -> None:  # type: ignore[no-untyped-def]
    for name, password, can_login, groups in conn.execute(_LOGINS_SQL):
        saved = _cast_logins.get(name)
        if saved is None or saved == (password, can_login, list(groups)):
            continue
        quoted = conn.dialect.identifier_preparer.quote(name)
        conn.exec_driver_sql(f"ALTER ROLE {quoted} {'LOGIN' if saved[1] else 'NOLOGIN'} "
                             f"PASSWORD '{saved[0]}'")
        for group in set(groups) - set(saved[2]):
            conn.exec_driver_sql(f"REVOKE {group} FROM {quoted}")
        for group in set(saved[2]) - set(groups):
            conn.exec_driver_sql(f"GRANT {group} TO {quoted}")


def _pg_url(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ST2DESK_DATA_DIR", str(tmp_path_factory.mktemp("data")))
    monkeypatch.delenv("ST2DESK_DATABASE_URL", raising=False)
    # Each test starts in the default zone.
    monkeypatch.setattr("st2desk.clock._process_zone", None, raising=False)


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Cast]]:
    """(URL of the seeded template, the cast's ids)."""
    if PG_URL:
        name = f"st2_template_{os.getpid()}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = _pg_url(name)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('template') / 'template.sqlite3'}"
    db = Database(url)
    cast = build_cast(db)
    db.dispose()
    if PG_URL:
        with admin.connect() as conn:
            _cast_logins.update({name: (password, can_login, list(groups))
                                 for name, password, can_login, groups in conn.execute(_LOGINS_SQL)})
    yield url, cast
    if PG_URL:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def db_url(template: tuple[str, Cast], tmp_path: Path) -> Iterator[str]:
    """URL of a fresh copy of the seeded template."""
    template_url, _ = template
    if PG_URL:
        name = f"st2_test_{uuid.uuid4().hex[:12]}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template_url).database}"'))
        yield _pg_url(name)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            _restore_logins(conn)
        admin.dispose()
    else:
        source = Path(make_url(template_url).database)
        target = tmp_path / "st2desk.sqlite3"
        shutil.copyfile(source, target)
        yield f"sqlite:///{target}"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def empty_db_url(tmp_path: Path) -> Iterator[str]:
    """URL of an empty database (no schema) on the backend under test."""
    if PG_URL:
        name = f"st2_empty_{uuid.uuid4().hex[:12]}"
        admin = _pg_admin_engine()
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield _pg_url(name)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"


@pytest.fixture
def cast(template: tuple[str, Cast]) -> Cast:
    return template[1]
