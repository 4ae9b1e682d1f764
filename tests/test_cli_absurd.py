"""Every command of DESIGN §4.1 on absurd arguments: one Spanish line, non-zero, nothing written.

Nothing written means: no file under the output's name or beside it, no device replaced,
and the database unchanged (no folio block reserved, no print or restore recorded)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from st2desk import cli
from st2desk.models import AuditEvent, FolioBlock, NumberSequence, Request, Setting
from tests import flows


def state(db) -> tuple:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(Request)),
                s.scalar(select(func.count()).select_from(FolioBlock)),
                s.scalar(select(func.coalesce(func.sum(NumberSequence.last_value), 0))),
                s.scalar(select(func.count()).select_from(Setting)),
                s.scalar(select(func.max(AuditEvent.seq))))


@pytest.fixture
def fixture_data(db, cast, tmp_path):  # type: ignore[no-untyped-def]
    """A request with a folio, an authorization with a number, and a folder to write into."""
    request_id = flows.draft(db, cast)
    auth_request_id, _ = flows.authorized(db, cast)
    with db.session() as s:
        folio = s.get(Request, request_id).folio
        number = s.get(Request, auth_request_id).authorization.number
    out = tmp_path / "salida"
    out.mkdir()
    return {"folio": folio, "number": number, "out": out}


def _cases(folio: str, number: str, out: Path) -> list[list[str]]:
    big = str(10 ** 30)
    file_ = str(out / "existente.txt")
    return [
        ["gui", "--no-such-option"],
        ["init", "sobrante"],
        ["demo", "--requests", big],
        ["demo", "--requests", "-5"],
        ["user", "add", "x" * 5000, "--name", "Nombre", "--unit", "NOEXISTE", "--role", "admin"],
        ["user", "add", "ana", "--name", "Ana", "--unit", "09UMF20", "--role", "emperador"],
        ["folios", "reserve", "--unit", "09UMF20", "--count", big],
        ["folios", "reserve", "--unit", "09UMF20", "--count", "-3"],
        ["folios", "reserve", "--unit", "09UMF20", "--count", "2", "--year", big],
        ["print", "blank", "--unit", "09UMF20", "--count", "2", "-o", str(out)],
        ["print", "blank", "--unit", "09UMF20", "--count", "2", "-o", "/dev/full"],
        ["print", "blank", "--unit", "09UMF20", "--count", "2", "--fillable", "-o", "/proc/self/x"],
        ["print", "blank", "--unit", "09UMF20", "--count", "2", "--fillable", "-o", file_],
        ["print", "blank", "--unit", "09UMF20", "--count", big, "-o", str(out / "b.pdf")],
        ["print", "blank", "--block", big, "-o", str(out / "b.pdf")],
        ["print", "request", folio, "-o", "/dev/full"],
        ["print", "request", folio, "--fillable", "-o", "/proc/self/x"],
        ["print", "request", folio, "-o", str(out / "no" / "existe.pdf")],
        ["print", "request", "\x00" * 50, "-o", str(out / "r.pdf")],
        ["print", "slip", number, "-o", "/dev/full"],
        ["print", "slip", number, "-o", str(out)],
        ["print", "slip", "A" * 10000, "-o", str(out / "s.pdf")],
        ["import", "pdf", "/dev/zero"],
        ["import", "pdf", str(out)],
        ["sync", "export", "-o", "/dev/full"],
        ["sync", "export", "-o", str(out)],
        ["sync", "import", "/dev/urandom"],
        ["sync", "import", str(out / "no-existe.st2")],
        ["keys", "trust", "/dev/urandom"],
        ["keys", "export", "-o", "/dev/full"],
        ["verify", "--payload", "ST2|1|x", "--public-key", "/dev/zero"],
        ["verify", "\x7f" * 3000],
        ["report", "--from", "0001-01-01", "--to", "9999-12-31", "-o", str(out / "r.csv")],
        ["report", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "csv", "-o", "/dev/full"],
        ["report", "--from", "2026-02-31", "--to", "2026-01-31", "-o", str(out / "r.csv")],
        ["audit", "verify", "sobrante"],
        ["backup", "/dev/full"],
        ["backup", str(out)],
        ["restore", "/dev/zero"],
        ["restore", str(out)],
    ]


def test_every_command_on_absurd_arguments(db, db_url, fixture_data, capsys, monkeypatch):
    folio, number, out = fixture_data["folio"], fixture_data["number"], fixture_data["out"]
    password = out.parent / "clave.txt"
    password.write_text("una-clave-segura-123\n")
    (out / "existente.txt").write_text("no tocar")
    before = state(db)
    devices = {p: os.stat(p).st_rdev for p in ("/dev/full", "/dev/null")}
    for args in _cases(folio, number, out):
        stdin = password.open()  # user add reads a password
        monkeypatch.setattr("sys.stdin", stdin)
        code = cli.main(["--database", db_url, *args])
        stdin.close()
        captured = capsys.readouterr()
        lines = [line for line in captured.err.splitlines() if line.strip()]
        shown = " ".join(a[:40] for a in args)
        assert code != 0, shown
        assert len(lines) == 1 and lines[0].startswith("st2desk: "), (shown, captured.err)
        assert "error interno" not in lines[0], (shown, lines[0])
        assert lines[0].isprintable() and len(lines[0]) < 500, shown  # no terminal escapes
        assert "Errno" not in lines[0] and "No such file" not in lines[0], (shown, lines[0])
        assert sorted(p.name for p in out.iterdir()) == ["existente.txt"], shown
        assert (out / "existente.txt").read_text() == "no tocar", shown
        assert state(db) == before, shown
    for path, rdev in devices.items():
        st = os.stat(path)
        assert stat.S_ISCHR(st.st_mode) and st.st_rdev == rdev, path
    assert not Path("/proc/self/x").exists()
