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


def _in_digits(text: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)


@pytest.mark.parametrize("zero", [0xFF10, 0x0660, 0x06F0, 0x0966])  # full-width, Arabic-Indic…
def test_nss_in_other_unicode_digits_is_normalized(zero: int) -> None:
    from st2desk.identifiers import make_nss, validate_nss

    nss = make_nss(12, 10, 1980, 1234)
    assert validate_nss(_in_digits(nss, zero)) == nss
    assert validate_nss(_in_digits(f"{nss[:4]}-{nss[4:]}", zero)) == nss


def test_nss_with_letters_or_signs_names_the_real_reason() -> None:
    from st2desk.errors import ValidationError
    from st2desk.identifiers import make_nss, validate_nss

    nss = make_nss(12, 10, 1980, 1234)
    for typed in (nss[:-1] + "x", nss[:5] + "½" + nss[6:], nss[:5] + "Ⅷ" + nss[6:]):
        with pytest.raises(ValidationError) as err:
            validate_nss(typed)
        assert "verificador" not in err.value.message, typed


def test_curp_accepts_dashes_spaces_and_full_width_like_the_nss() -> None:
    from st2desk.identifiers import make_curp, validate_curp

    curp = make_curp("RAGL", date(1975, 7, 1), Sex.FEMALE, "JC", "MRS")
    dashed = f"{curp[:4]}-{curp[4:10]}-{curp[10:16]} {curp[16:]}".lower()
    assert validate_curp(dashed) == curp
    full_width = "".join(chr(ord(c) - 0x21 + 0xFF01) for c in curp)
    assert validate_curp(full_width) == curp
    assert validate_curp(_in_digits(curp, 0x0660)) == curp
