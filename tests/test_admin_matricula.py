"""The physician's matrícula: set with `st2desk user add --matricula`, printed on the paper ST2."""

from __future__ import annotations

from io import BytesIO

from sqlalchemy import select

from st2desk.db import Database
from st2desk.models import Request, User
from st2desk.services.paper import print_request
from tests import flows
from tests.paper_support import page_texts
from tests.test_cli import initialized, one_line, st2  # noqa: F401 - the fixture is used


def test_user_add_takes_the_matricula_and_refuses_a_malformed_or_taken_one(initialized):  # noqa: F811
    ok = st2("--database", initialized, "user", "add", "dra.ruiz", "--name", "Ana Ruiz",
             "--unit", "09UMF20", "--role", "physician", "--matricula", "99 123 456",
             stdin="una-clave-segura\n")
    assert ok.returncode == 0, ok.stderr
    taken = st2("--database", initialized, "user", "add", "dr.paz", "--name", "Luis Paz",
                "--unit", "09UMF20", "--role", "physician", "--matricula", "99123456",
                stdin="una-clave-segura\n")
    assert taken.returncode != 0 and "matrícula 99123456" in one_line(taken.stderr)
    bad = st2("--database", initialized, "user", "add", "dr.paz", "--name", "Luis Paz",
              "--unit", "09UMF20", "--role", "physician", "--matricula", "x!",
              stdin="una-clave-segura\n")
    assert bad.returncode != 0 and "matrícula" in one_line(bad.stderr)
    db = Database(initialized)
    try:
        with db.session() as s:
            assert s.scalar(select(User.matricula).where(User.username == "dra.ruiz")) == "99123456"
            assert s.scalar(select(User.id).where(User.username == "dr.paz")) is None
    finally:
        db.dispose()


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
