"""Folios and authorization numbers (DESIGN §2.3).

`{unit}-{year}-{sequence:06d}-{check}`; authorizations prefix an ``A``. The check
character is ISO 7064 Mod 37,36 (python-stdnum) over the unit, year and sequence, so a
mistyped digit or letter in a transcription is caught. Sequences are handed out by one
atomic ``UPDATE … RETURNING`` on a counter row, inside the caller's transaction, so two
workstations never receive the same number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session
from stdnum.iso7064 import mod_37_36

from st2desk.errors import ValidationError
from st2desk.models import NumberSequence, SequenceKind

_PATTERN = re.compile(r"^(A?)([0-9A-Z]{2,12})-(\d{4})-(\d{6})-([0-9A-Z])$")


@dataclass(frozen=True)
class ParsedNumber:
    is_authorization: bool
    unit_code: str
    year: int
    sequence: int


def check_character(unit_code: str, year: int, sequence: int) -> str:
    return mod_37_36.calc_check_digit(f"{unit_code}{year:04d}{sequence:06d}")


def format_folio(unit_code: str, year: int, sequence: int) -> str:
    return f"{unit_code}-{year:04d}-{sequence:06d}-{check_character(unit_code, year, sequence)}"


def format_authorization(unit_code: str, year: int, sequence: int) -> str:
    return "A" + format_folio(unit_code, year, sequence)


def normalize(text: str) -> str:
    """Upper case without spaces or invisible format characters (a number copied from a
    message may carry word joiners that keep it on one line)."""
    value = (text or "").strip().upper().replace(" ", "")
    if value.isascii():
        return value
    return "".join(ch for ch in value if unicodedata.category(ch) != "Cf")


def parse_number(text: str) -> ParsedNumber:
    """Parse a folio or authorization number, checking its check character."""
    value = normalize(text)
    match = _PATTERN.match(value)
    if not match:
        raise ValidationError(
            f"«{text.strip()}» no tiene la forma de un folio (UNIDAD-AÑO-000000-X) ni de un "
            "número de autorización (AUNIDAD-AÑO-000000-X).",
            field="number",
        )
    prefix, unit, year, seq, check = match.groups()
    # A unit code may itself start with "A"; prefer the reading whose check holds.
    readings = [(bool(prefix), unit)]
    if prefix:
        readings.append((False, prefix + unit))
    for is_auth, unit_code in readings:
        if check_character(unit_code, int(year), int(seq)) == check:
            return ParsedNumber(is_auth, unit_code, int(year), int(seq))
    raise ValidationError(
        f"El carácter verificador de «{value}» no corresponde: hay un error de captura.",
        field="number",
    )


def _ensure_counter(session: Session, unit_id: int, year: int, kind: SequenceKind) -> None:
    # Dialect modules load on first use: importing the PostgreSQL one costs start-up time.
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    values = {"unit_id": unit_id, "year": year, "kind": kind.value, "last_value": 0}
    session.execute(insert(NumberSequence).values(values).on_conflict_do_nothing())


def allocate(session: Session, unit_id: int, year: int, kind: SequenceKind, count: int = 1) -> int:
    """Reserve `count` consecutive sequence numbers; return the first one."""
    if count < 1:
        raise ValidationError("La cantidad de números a reservar debe ser al menos 1.")
    if session.get_bind().dialect.name == "postgresql":
        # The counters are not writable by any person: the server's function checks who
        # may take numbers of which unit (DESIGN §7.1) and hands them out.
        last = session.scalar(text("SELECT st2desk_allocate(:u, :y, :k, :n)"),
                              {"u": unit_id, "y": year, "k": kind.value, "n": count})
        if last > 999_999:
            raise ValidationError("Se agotaron los números del año para esta unidad.")
        return last - count + 1
    _ensure_counter(session, unit_id, year, kind)
    stmt = (
        update(NumberSequence)
        .where(
            NumberSequence.unit_id == unit_id,
            NumberSequence.year == year,
            NumberSequence.kind == kind,
        )
        .values(last_value=NumberSequence.last_value + count)
        .returning(NumberSequence.last_value)
        .execution_options(synchronize_session=False)
    )
    last = session.execute(stmt).scalar_one()
    if last > 999_999:
        raise ValidationError("Se agotaron los números del año para esta unidad.")
    return last - count + 1


def raise_counter(session: Session, unit_id: int, year: int, kind: SequenceKind,
                  value: int) -> None:
    """Move a counter up to `value` (never down): numbers that arrived from elsewhere (an
    offline bundle) are never handed out again here."""
    if session.get_bind().dialect.name == "postgresql":  # the counters are the server's
        session.execute(text("SELECT st2desk_raise_counter(:u, :y, :k, :v)"),
                        {"u": unit_id, "y": year, "k": kind.value, "v": value})
        return
    _ensure_counter(session, unit_id, year, kind)
    session.execute(update(NumberSequence).where(
        NumberSequence.unit_id == unit_id, NumberSequence.year == year, NumberSequence.kind == kind,
        NumberSequence.last_value < value).values(last_value=value)
        .execution_options(synchronize_session=False))


def last_allocated(session: Session, unit_id: int, year: int, kind: SequenceKind) -> int:
    value = session.scalar(
        select(NumberSequence.last_value).where(
            NumberSequence.unit_id == unit_id,
            NumberSequence.year == year,
            NumberSequence.kind == kind,
        )
    )
    return value or 0
