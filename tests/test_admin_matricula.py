"""The physician's matrícula: set with `st2desk user add --matricula`, printed on the paper ST2."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import select

from st2desk.db import Database
from st2desk.errors import ValidationError
from st2desk.models import Request, User
from st2desk.services import users
from st2desk.services.paper import print_request
from tests import flows
from tests.paper_support import page_texts
from tests.test_cli import st2


def test_user_add_takes_the_matricula(empty_db_url):
    assert st2("--database", empty_db_url, "init").returncode == 0
    # The first administrator, named by the account that owns the database.
    ok = st2("--database", empty_db_url, "user", "add", "dra.ruiz", "--name", "Ana Ruiz",
             "--unit", "09UMF20", "--role", "admin", "--matricula", "99 123 456",
             stdin="una-clave-segura\n")
    assert ok.returncode == 0, ok.stderr
    db = Database(empty_db_url)
    try:
        with db.session() as s:
            assert s.scalar(select(User.matricula).where(User.username == "dra.ruiz")) == "99123456"
    finally:
        db.dispose()


@pytest.mark.parametrize(("matricula", "message"), [
    ("x!", "La matrícula debe tener de 4 a 20 dígitos o letras"),
    ("1" * 21, "La matrícula debe tener de 4 a 20 dígitos o letras"),
    ("55 000 111", "Ya hay un usuario con la matrícula 55000111"),
])
def test_a_malformed_or_taken_matricula_is_refused(db, cast, matricula, message):
    with db.transaction() as s:
        s.get(User, cast.physician.user_id).matricula = "55000111"
    with db.transaction() as s, pytest.raises(ValidationError, match=message):
        users.create_user(s, cast.admin, username="dr.paz", full_name="Luis Paz",
                          password="una-clave-segura", unit_code="09UMF20", roles=["physician"],
                          matricula=matricula)
    with db.session() as s:
        assert s.scalar(select(User.id).where(User.username == "dr.paz")) is None


def test_the_paper_st2_shows_the_physicians_matricula(db, cast):
    request_id = flows.in_review(db, cast)
    with db.transaction() as s:
        req = s.get(Request, request_id)
        s.get(User, req.physician_id).matricula = "98765432"
        folio = req.folio
    for fillable in (False, True):
        out = BytesIO()
        with db.transaction() as s:
            print_request(s, cast.admin, folio, out, fillable=fillable)
        assert "98765432" in page_texts(out.getvalue())[0], fillable
