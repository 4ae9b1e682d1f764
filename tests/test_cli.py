"""The command line as an operator uses it: exit codes and one-line Spanish messages."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import update

from st2desk.db import Database
from st2desk.models import AuditEvent
from tests.tamper import as_dba


def st2(*args: str, stdin: str = "", env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "st2desk", *args], input=stdin, text=True,
                          capture_output=True, timeout=300, env={**os.environ, **(env or {})})


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("st2desk: ")
    return lines[0]


ADMIN_PASSWORD = "clave-del-admin-1"


@pytest.fixture
def initialized(empty_db_url: str) -> str:
    """A new database and its first administrator, named by the owning account."""
    result = st2("--database", empty_db_url, "init")
    assert result.returncode == 0, result.stderr
    result = st2("--database", empty_db_url, "user", "add", "admin.x", "--name", "Admin",
                 "--unit", "09UMF20", "--role", "admin", stdin=f"{ADMIN_PASSWORD}\n")
    assert result.returncode == 0, result.stderr
    return empty_db_url


def as_admin(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """A command run by admin.x, who types their password first."""
    return st2(*args, "--user", "admin.x", stdin=f"{ADMIN_PASSWORD}\n{stdin}")


def test_only_the_owner_names_the_first_administrator_and_nobody_acts_unnamed(empty_db_url):
    assert st2("--database", empty_db_url, "init").returncode == 0
    not_admin = st2("--database", empty_db_url, "user", "add", "medico.x", "--name", "Médico",
                    "--unit", "09UMF20", "--role", "physician", stdin="una-clave-segura\n")
    assert not_admin.returncode == 2 and "administrador" in one_line(not_admin.stderr)
    first = st2("--database", empty_db_url, "user", "add", "admin.x", "--name", "Admin",
                "--unit", "09UMF20", "--role", "admin", stdin=f"{ADMIN_PASSWORD}\n")
    assert first.returncode == 0, first.stderr
    second = st2("--database", empty_db_url, "user", "add", "admin.y", "--name", "Otro",
                 "--unit", "09UMF20", "--role", "admin", stdin="una-clave-segura\n")
    assert second.returncode == 2 and "--user" in one_line(second.stderr)
    for command in (["audit", "verify"], ["folios", "list"],
                    ["sync", "export", "-o", "x.st2b", "--to", "CENTRAL"],
                    ["report", "--from", "2026-01-01", "--to", "2026-01-31", "-o", "-"]):
        unnamed = st2("--database", empty_db_url, *command)
        assert unnamed.returncode == 2 and "--user" in one_line(unnamed.stderr), command
    wrong = st2("--database", empty_db_url, "audit", "verify", "--user", "admin.x",
                stdin="equivocada\n")
    assert wrong.returncode == 2 and "incorrectos" in one_line(wrong.stderr)


def test_init_is_idempotent(initialized):
    again = st2("--database", initialized, "init")
    assert again.returncode == 0, again.stderr
    assert "0 registros de catálogo nuevos" in again.stdout


def test_init_uses_environment_url(empty_db_url):
    result = st2("init", env={"ST2DESK_DATABASE_URL": empty_db_url})
    assert result.returncode == 0, result.stderr
    assert "registros de catálogo nuevos" in result.stdout


def test_default_database_is_in_the_data_folder(tmp_path):
    result = st2("init", env={"ST2DESK_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "st2desk.sqlite3").exists()


def test_user_add_reads_password_from_stdin_and_can_log_in(initialized):
    result = as_admin("--database", initialized, "user", "add", "dra.ruiz", "--name", "Ana Ruiz",
                      "--unit", "09umf20", "--role", "physician", stdin="una-clave-segura\n")
    assert result.returncode == 0, result.stderr
    assert "dra.ruiz" in result.stdout
    from st2desk.services.users import login

    db = Database(initialized)
    try:
        actor = login(db, "DRA.RUIZ", "una-clave-segura")
        assert actor.username == "dra.ruiz"
    finally:
        db.dispose()


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--unit", "09UMF20", "--role", "cirujano"], "una-clave-segura\n", "Rol desconocido"),
        (["--unit", "NOEXISTE", "--role", "physician"], "una-clave-segura\n", "No existe la unidad"),
        (["--unit", "09UMF20", "--role", "physician"], "\n", "contraseña"),
        (["--unit", "09UMF20", "--role", "physician"], "corta\n", "al menos 8"),
        (["--role", "physician"], "una-clave-segura\n", "--unit"),
    ],
)
def test_user_add_bad_input_is_one_line_and_changes_nothing(initialized, args, stdin, message):
    result = as_admin("--database", initialized, "user", "add", "nuevo", "--name", "Nuevo", *args,
                      stdin=stdin)
    assert result.returncode == 2
    assert message in one_line(result.stderr)
    again = as_admin("--database", initialized, "user", "add", "nuevo", "--name", "Nuevo",
                     "--unit", "09UMF20", "--role", "physician", stdin="una-clave-segura\n")
    assert again.returncode == 0, again.stderr  # the failed attempt left no user behind


def test_commands_on_an_uninitialized_database_explain(empty_db_url):
    result = st2("--database", empty_db_url, "audit", "verify")
    assert result.returncode == 2
    assert "st2desk init" in one_line(result.stderr)


def test_audit_verify_reports_ok_and_names_the_broken_link(initialized):
    as_admin("--database", initialized, "user", "add", "admin.y", "--name", "Admin", "--unit",
             "09UMF20", "--role", "admin", stdin="una-clave-segura\n")
    ok = as_admin("--database", initialized, "audit", "verify")
    assert ok.returncode == 0 and "eventos verificados" in ok.stdout, ok.stderr
    db = Database(initialized)
    with db.transaction() as s:
        as_dba(s).execute(update(AuditEvent).where(AuditEvent.seq == 1).values(action="borrado"))
    db.dispose()
    broken = as_admin("--database", initialized, "audit", "verify")
    assert broken.returncode == 1
    assert "evento 1" in one_line(broken.stderr)


def test_unknown_command_and_missing_subcommand(initialized):
    assert st2("--database", initialized, "volar").returncode == 2
    result = st2("--database", initialized, "user")
    assert result.returncode == 2 and "subcomando" in one_line(result.stderr)


def test_unreachable_database_is_one_line():
    result = st2("--database", "postgresql+psycopg://nadie@127.0.0.1:9/nada", "init")
    assert result.returncode == 1
    assert "Sin conexión con el servidor de la base de datos" in one_line(result.stderr)


def test_demo_rejects_a_negative_count(initialized):
    result = st2("--database", initialized, "demo", "--requests", "-5")
    assert result.returncode == 2 and "--requests" in one_line(result.stderr)


@pytest.mark.slow
def test_database_and_data_folder_are_private_and_a_readable_one_is_fixed(tmp_path):
    """Another account of the computer must not read NSS, CURP or names (DESIGN §7.1)."""
    import os
    import stat

    data = tmp_path / "datos"
    url = f"sqlite:///{data / 'st2desk.sqlite3'}"
    assert st2("--database", url, "init").returncode == 0
    mode = lambda p: stat.S_IMODE(os.stat(p).st_mode)  # noqa: E731
    assert mode(data) == 0o700
    assert mode(data / "st2desk.sqlite3") == 0o600
    os.chmod(data / "st2desk.sqlite3", 0o644)  # as an older version left it
    result = st2("--database", url, "init")
    assert result.returncode == 0
    assert "era legible por otras cuentas" in result.stderr
    assert mode(data / "st2desk.sqlite3") == 0o600
