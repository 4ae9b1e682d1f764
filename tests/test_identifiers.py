"""NSS, agregado médico and CURP validation (python-stdnum underneath)."""

from __future__ import annotations

from datetime import date

import pytest

from st2desk.errors import ValidationError
from st2desk.identifiers import (
    identity_problems,
    make_curp,
    make_nss,
    parse_agregado,
    validate_curp,
    validate_nss,
)
from st2desk.models import Sex

NSS = make_nss(1, 5, 1980, 1234)
CURP = make_curp("PEGJ", date(1980, 5, 17), Sex.MALE, "DF", "RRN")


def test_valid_nss_with_spaces_and_dashes_is_compacted():
    assert validate_nss(f"{NSS[:4]} {NSS[4:6]}-{NSS[6:]}") == NSS


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Escriba el NSS"),
        ("1234567890A", "solo lleva dígitos"),
        ("123456789", "11 dígitos; tiene 9"),
        (NSS[:-1] + str((int(NSS[-1]) + 1) % 10), "dígito verificador"),
    ],
)
def test_bad_nss_says_why(value, message):
    with pytest.raises(ValidationError, match=message) as info:
        validate_nss(value)
    assert info.value.field == "nss"


def test_every_single_digit_typo_in_nss_is_caught():
    for position in range(11):
        for digit in "0123456789":
            if digit == NSS[position]:
                continue
            typo = NSS[:position] + digit + NSS[position + 1:]
            with pytest.raises(ValidationError):
                validate_nss(typo)


def test_curp_validation_and_what_it_encodes():
    assert validate_curp(CURP.lower()) == CURP
    with pytest.raises(ValidationError, match="18 caracteres"):
        validate_curp(CURP[:-2])
    with pytest.raises(ValidationError, match="no es válida"):
        validate_curp(CURP[:-1] + str((int(CURP[-1]) + 1) % 10))


def test_agregado_parsing():
    agregado = parse_agregado(" 2f1983or ")
    parts = (agregado.number, agregado.sex, agregado.birth_year, agregado.regime)
    assert parts == (2, Sex.FEMALE, 1983, "OR")
    assert not agregado.is_titular and str(agregado) == "2F1983OR"
    with pytest.raises(ValidationError, match="1M1980OR"):
        parse_agregado("M1980")


def test_consistent_identity_has_no_problems():
    assert identity_problems(NSS, "1M1980OR", CURP, date(1980, 5, 17), Sex.MALE) == []


def test_every_inconsistency_is_reported_at_once():
    problems = identity_problems(NSS, "1F1981OR", CURP, date(1981, 5, 17), Sex.FEMALE)
    fields = sorted(p.field for p in problems)
    # NSS year (titular), CURP date, CURP sex; the agregado itself matches the stated data.
    assert fields == ["curp", "curp", "nss"]
