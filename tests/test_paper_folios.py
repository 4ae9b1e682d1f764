"""Folio blocks for paper: reservation, the counter, and what counts as a reserved folio."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from st2desk import clock, numbering
from st2desk.errors import NotFound, PermissionDenied, ValidationError
from st2desk.models import AuditEvent, FolioBlock, SequenceKind
from st2desk.services import folios
from tests.cast import REQUESTING_UNIT
from tests.flows import draft


def test_reserve_allocates_the_sequences_so_the_app_never_reuses_them(db, cast):
    with db.transaction() as s:
        before = numbering.last_allocated(s, cast.requesting_unit_id, clock.today().year,
                                          SequenceKind.FOLIO)
        info = folios.reserve_block(s, cast.admin, "09umf20", 25)
    assert info.count == 25 and info.unit_code == REQUESTING_UNIT
    assert info.first_sequence == before + 1
    assert len(info.folios()) == 25 and info.folios()[0] == info.first_folio
    with db.session() as s:
        block = s.get(FolioBlock, info.id)
        assert (block.first_sequence, block.last_sequence) == (before + 1, before + 25)
        assert block.reserved_by_id == cast.admin.user_id
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.action, event.entity, event.username) == ("reserve_folios", "folio_block", "admin1")
        assert event.details["count"] == 25 and event.details["first"] == info.first_folio
    request_id = draft(db, cast)  # the next folio the application hands out is after the block
    with db.session() as s:
        from st2desk.models import Request

        folio = s.get(Request, request_id).folio
    assert numbering.parse_number(folio).sequence == before + 26


@pytest.mark.parametrize(("who", "unit", "count", "error"), [
    ("physician", REQUESTING_UNIT, 10, PermissionDenied),
    ("reception", REQUESTING_UNIT, 10, PermissionDenied),
    ("admin", "NOEXISTE", 10, NotFound),
    ("admin", REQUESTING_UNIT, 0, ValidationError),
    ("admin", REQUESTING_UNIT, 10_001, ValidationError),
])
def test_reserve_refuses(db, cast, who, unit, count, error):
    with db.transaction() as s, pytest.raises(error):
        folios.reserve_block(s, getattr(cast, who), unit, count)
    with db.session() as s:
        assert s.scalar(select(FolioBlock.id)) is None


def test_command_line_acts_as_local_administrator(db, cast):
    with db.transaction() as s:
        info = folios.reserve_block(s, None, REQUESTING_UNIT, 3)
    with db.session() as s:
        assert s.get(FolioBlock, info.id).reserved_by_id is None
        assert [b.id for b in folios.list_blocks(s, REQUESTING_UNIT)] == [info.id]


def test_check_reserved_folio(db, cast):
    with db.transaction() as s:
        info = folios.reserve_block(s, cast.admin, REQUESTING_UNIT, 2)
    request_id = draft(db, cast)
    with db.session() as s:
        from st2desk.models import Request

        app_folio = s.get(Request, request_id).folio
        ok = folios.check_reserved_folio(s, info.first_folio.lower())
        assert ok.folio == info.first_folio and ok.unit.code == REQUESTING_UNIT
        with pytest.raises(ValidationError, match="ya está usado"):
            folios.check_reserved_folio(s, app_folio)
        never_reserved = numbering.format_folio(REQUESTING_UNIT, info.year, 999_999)
        with pytest.raises(ValidationError, match="no pertenece a ningún bloque"):
            folios.check_reserved_folio(s, never_reserved)
        mistyped = info.first_folio[:-1] + ("0" if info.first_folio[-1] != "0" else "1")
        with pytest.raises(ValidationError, match="verificador"):
            folios.check_reserved_folio(s, mistyped)
        with pytest.raises(ValidationError, match="autorización"):
            folios.check_reserved_folio(s, numbering.format_authorization(
                REQUESTING_UNIT, info.year, info.first_sequence))
        with pytest.raises(ValidationError, match="Falta el folio"):
            folios.check_reserved_folio(s, "  ")
    # Once a request uses it, the folio is no longer available.
    with db.transaction() as s:
        from st2desk.services.requests import create_draft
        from tests.flows import request_data

        create_draft(s, cast.physician, request_data(cast), folio=info.first_folio)
    with db.session() as s:
        with pytest.raises(ValidationError, match="ya está usado"):
            folios.check_reserved_folio(s, info.first_folio)
        assert folios.list_blocks(s)[0].used == 1


def test_command_line_reserve_list_and_print(db_url, db, cast, tmp_path, capsys, cli_password):
    from pypdf import PdfReader

    from st2desk.cli import main

    assert main(["--database", db_url, "folios", "reserve", "--unit", "09UMF20", "--count", "3",
                 "--user", "admin1"]) == 0
    out = capsys.readouterr().out
    assert "3 folios" in out
    assert main(["--database", db_url, "folios", "list", "--user", "admin1"]) == 0
    assert "3 folios, 0 usados" in capsys.readouterr().out
    target = tmp_path / "bloque.pdf"
    with db.session() as s:
        block_id = folios.list_blocks(s)[0].id
    assert main(["--database", db_url, "print", "blank", "--block", str(block_id), "-o",
                 str(target), "--quiet", "--user", "admin1"]) == 0
    assert len(PdfReader(target).pages) == 3
    request_id = draft(db, cast)
    with db.session() as s:
        from st2desk.models import Request

        folio = s.get(Request, request_id).folio
    assert main(["--database", db_url, "print", "request", folio.lower(), "-o",
                 str(tmp_path / "solicitud.pdf"), "--user", "medico1"]) == 0
    assert folio in PdfReader(tmp_path / "solicitud.pdf").pages[0].extract_text()


@pytest.mark.parametrize("args", [
    ["folios", "reserve", "--unit", "09UMF20", "--count", "muchos"],
    ["folios", "reserve", "--unit", "09UMF20", "--count", "5", "--user", "medico1"],
    ["folios", "reserve", "--unit", "09UMF20", "--count", "5", "--user", "fantasma"],
    ["print", "blank", "--count", "5", "-o", "x.pdf"],
    ["print", "blank", "--unit", "09UMF20", "--count", "5", "-o", "/no/existe/x.pdf"],
    ["print", "request", "09UMF20-2026-000001-0", "-o", "x.pdf"],
    ["print", "slip", "09UMF20-2026-000001-7", "-o", "x.pdf"],
    ["print"],
])
def test_command_line_bad_input_is_one_line(db_url, args, capsys, tmp_path, monkeypatch,
                                           cli_password):
    from st2desk.cli import main

    monkeypatch.chdir(tmp_path)
    acting = [] if "--user" in args or args == ["print"] else ["--user", "admin1"]
    assert main(["--database", db_url, *args, *acting]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("st2desk: "), lines
