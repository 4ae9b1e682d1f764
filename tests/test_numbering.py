"""Folios and authorization numbers: format, check character, unique allocation."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from sqlalchemy import select

from st2desk import numbering
from st2desk.errors import ValidationError
from st2desk.models import SequenceKind, Unit


def test_format_and_parse_round_trip():
    folio = numbering.format_folio("09UMF20", 2026, 42)
    assert folio.startswith("09UMF20-2026-000042-")
    parsed = numbering.parse_number(folio.lower())
    assert (parsed.unit_code, parsed.year, parsed.sequence, parsed.is_authorization) == (
        "09UMF20", 2026, 42, False)
    number = numbering.format_authorization("09HGZ24", 2026, 7)
    assert number.startswith("A09HGZ24-2026-000007-")
    assert numbering.parse_number(number).is_authorization


def test_every_single_character_typo_is_caught():
    folio = numbering.format_folio("09UMF20", 2026, 123456)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for position, original in enumerate(folio):
        if original == "-":
            continue
        for replacement in alphabet:
            if replacement == original:
                continue
            typo = folio[:position] + replacement + folio[position + 1:]
            try:
                parsed = numbering.parse_number(typo)
            except ValidationError:
                continue
            pytest.fail(f"{typo} accepted as {parsed}")


def test_malformed_number_message():
    with pytest.raises(ValidationError, match="no tiene la forma"):
        numbering.parse_number("hola")


def _unit_id(db) -> int:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return s.scalar(select(Unit.id).where(Unit.code == "09UMF20"))


def test_allocation_is_sequential_per_unit_year_and_kind(db):
    unit_id = _unit_id(db)
    with db.transaction() as s:
        a = numbering.allocate(s, unit_id, 2026, SequenceKind.FOLIO)
        b = numbering.allocate(s, unit_id, 2026, SequenceKind.FOLIO, count=10)
        c = numbering.allocate(s, unit_id, 2026, SequenceKind.FOLIO)
        other_year = numbering.allocate(s, unit_id, 2027, SequenceKind.FOLIO)
        other_kind = numbering.allocate(s, unit_id, 2026, SequenceKind.AUTHORIZATION)
    assert (a, b, c, other_year, other_kind) == (1, 2, 12, 1, 1)


def test_rolled_back_allocation_is_not_consumed(db):
    unit_id = _unit_id(db)
    with pytest.raises(RuntimeError), db.transaction() as s:
        numbering.allocate(s, unit_id, 2026, SequenceKind.FOLIO)
        raise RuntimeError("crash before commit")
    with db.transaction() as s:
        assert numbering.allocate(s, unit_id, 2026, SequenceKind.FOLIO) == 1


def test_concurrent_threads_never_share_a_number(db):
    unit_id = _unit_id(db)
    got: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            with db.transaction() as s:
                value = numbering.allocate(s, unit_id, 2026, SequenceKind.FOLIO)
            with lock:
                got.append(value)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(got) == list(range(1, 101))


WORKER = """
import sys
from st2desk.db import Database
from st2desk import numbering
from st2desk.models import SequenceKind
db = Database(sys.argv[1])
out = []
for _ in range(int(sys.argv[3])):
    with db.transaction() as s:
        out.append(numbering.allocate(s, int(sys.argv[2]), 2026, SequenceKind.AUTHORIZATION))
print(" ".join(map(str, out)))
"""


def test_concurrent_processes_never_share_a_number(db, db_url):
    """Several workstations (processes) allocating at once on the same database."""
    unit_id = _unit_id(db)
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, db_url, str(unit_id), "30"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    values: list[int] = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        values += [int(v) for v in out.split()]
    assert sorted(values) == list(range(1, 121))
