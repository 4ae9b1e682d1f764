"""Mexican identifiers: NSS, agregado médico and CURP (DESIGN §2.1, §2.2).

Validation is delegated to python-stdnum (Luhn for the NSS check digit, stdnum.mx.curp
for the CURP) so the rules are the well-tested ones, not ours.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from stdnum import luhn
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.mx import curp as stdnum_curp

from st2desk.errors import ValidationError
from st2desk.models import Sex

_AGREGADO = re.compile(r"^(\d)([MF])(\d{4})([A-Z]{2})$")
# Agregado number 1 is the insured worker (titular); other numbers are beneficiaries
# (spouse, children, parents) whose own birth year is not the one in the NSS.
TITULAR = 1


# Spaces and every kind of dash (hyphen, non-breaking hyphen, en/em dash, minus sign) that
# people or word processors put between groups of digits and letters.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u00ad\ufe63\uff0d_.]")


def normalize_text_id(value: str) -> str:
    """An identifier as typed, made plain: compatibility forms folded (full-width letters
    and digits become ASCII), any Unicode decimal digit (Arabic-Indic, Devanagari…) becomes
    its ASCII digit, separators removed, letters upper-case."""
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)
    return _SEPARATORS.sub("", text).upper()


def compact_nss(value: str) -> str:
    return normalize_text_id(value)


def validate_nss(value: str) -> str:
    """Return the compact NSS or raise with the reason in Spanish."""
    nss = compact_nss(value)
    if not nss:
        raise ValidationError("Escriba el NSS del paciente.", field="nss")
    if not (nss.isascii() and nss.isdigit()):
        raise ValidationError("El NSS solo lleva dígitos (0 a 9); quite letras y otros signos.",
                              field="nss")
    if len(nss) != 11:
        raise ValidationError(
            f"El NSS debe tener 11 dígitos; tiene {len(nss)}.", field="nss"
        )
    if not luhn.is_valid(nss):
        raise ValidationError(
            "El dígito verificador del NSS no corresponde; revise que esté bien escrito.",
            field="nss",
        )
    return nss


def nss_birth_year_digits(nss: str) -> str:
    """Positions 5–6 of the NSS: the last two digits of the insured's birth year."""
    return nss[4:6]


def make_nss(subdelegation: int, affiliation_year: int, birth_year: int, sequence: int) -> str:
    """Build a valid NSS (demo data and tests)."""
    body = f"{subdelegation:02d}{affiliation_year % 100:02d}{birth_year % 100:02d}{sequence:04d}"
    return body + luhn.calc_check_digit(body)


@dataclass(frozen=True)
class Agregado:
    number: int
    sex: Sex
    birth_year: int
    regime: str

    @property
    def is_titular(self) -> bool:
        return self.number == TITULAR

    def __str__(self) -> str:
        return f"{self.number}{self.sex.value}{self.birth_year}{self.regime}"


def parse_agregado(value: str) -> Agregado:
    text = (value or "").strip().upper().replace(" ", "")
    match = _AGREGADO.match(text)
    if not match:
        raise ValidationError(
            "El agregado médico debe tener la forma número, sexo, año de nacimiento y "
            "régimen, por ejemplo 1M1980OR.",
            field="agregado",
        )
    number, sex, year, regime = match.groups()
    return Agregado(int(number), Sex(sex), int(year), regime)


def validate_curp(value: str) -> str:
    """Return the compact CURP (spaces and dashes removed, as for the NSS) or raise."""
    text = normalize_text_id(value)
    if not text:
        raise ValidationError("Escriba la CURP del paciente.", field="curp")
    if not (text.isascii() and text.isalnum()):
        raise ValidationError("La CURP solo lleva letras sin acento y dígitos.", field="curp")
    if len(text) != 18:
        raise ValidationError(f"La CURP debe tener 18 caracteres; tiene {len(text)}.", field="curp")
    try:
        return stdnum_curp.validate(text)
    except StdnumError:
        raise ValidationError(
            "La CURP no es válida: revise la fecha, el sexo, la entidad y el dígito verificador.",
            field="curp",
        ) from None


def curp_birth_date(curp: str) -> date:
    return stdnum_curp.get_birth_date(curp)


def curp_sex(curp: str) -> Sex:
    return Sex(stdnum_curp.get_gender(curp))


def identity_problems(
    nss: str, agregado: str, curp: str | None, birth_date: date, sex: Sex
) -> list[ValidationError]:
    """Every inconsistency among the identifiers and the stated birth date and sex."""
    problems: list[ValidationError] = []
    try:
        nss = validate_nss(nss)
    except ValidationError as exc:
        problems.append(exc)
        nss = ""
    try:
        parsed = parse_agregado(agregado)
    except ValidationError as exc:
        problems.append(exc)
        parsed = None
    if parsed is not None:
        if parsed.sex != sex:
            problems.append(ValidationError(
                "El sexo del agregado médico no coincide con el del paciente.", field="agregado"))
        if parsed.birth_year != birth_date.year:
            problems.append(ValidationError(
                "El año del agregado médico no coincide con el año de nacimiento del paciente.",
                field="agregado"))
        if nss and parsed.is_titular and nss_birth_year_digits(nss) != f"{birth_date.year % 100:02d}":
            problems.append(ValidationError(
                "El año de nacimiento que contiene el NSS no coincide con el del paciente "
                "titular.", field="nss"))
    if curp:
        try:
            curp = validate_curp(curp)
        except ValidationError as exc:
            problems.append(exc)
        else:
            if curp_birth_date(curp) != birth_date:
                problems.append(ValidationError(
                    "La fecha de nacimiento de la CURP no coincide con la del paciente.",
                    field="curp"))
            if curp_sex(curp) != sex:
                problems.append(ValidationError(
                    "El sexo de la CURP no coincide con el del paciente.", field="curp"))
    return problems


def make_curp(prefix4: str, birth_date: date, sex: Sex, state: str, consonants3: str,
              homoclave: str | None = None) -> str:
    """Build a valid CURP from its parts (demo data and tests)."""
    if homoclave is None:
        # RENAPO uses a digit for people born before 2000 and a letter from 2000 on.
        homoclave = "0" if birth_date.year < 2000 else "A"
    gender = "H" if sex is Sex.MALE else "M"
    body = f"{prefix4}{birth_date:%y%m%d}{gender}{state}{consonants3}{homoclave}".upper()
    return validate_curp(body + stdnum_curp.calc_check_digit(body))
