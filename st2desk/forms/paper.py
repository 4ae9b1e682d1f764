"""The paper ST2 form's fields: the request fields of `st2_fields` plus what paper adds.

A unit without the application writes the patient's identity, the physician and the
dates by hand (or types them into the fillable PDF), so the paper form carries a few
fields the Qt form takes from the patient registry and the login instead. The fillable
PDF names its AcroForm fields with `FieldSpec.name`, the importer reads them back by the
same names, and the paper-capture screen labels its inputs with the same labels; this
module is the one list all three share.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from st2desk.forms import st2_fields as F
from st2desk.forms.st2_fields import FieldSpec

# Marker stored in the PDF's metadata (Subject) and in a read-only field, so the importer
# can tell its own form from any other PDF.
FORM_ID = "st2desk:ST2/1"
DATE_FORMAT_LABEL = "DD/MM/AAAA"


class Kind(StrEnum):
    TEXT = "text"
    MULTILINE = "multiline"
    DATE = "date"
    CHOICE = "choice"  # one of `choices` (radio buttons on paper and in the PDF)
    CHECK = "check"


@dataclass(frozen=True)
class PaperField:
    spec: FieldSpec
    kind: Kind = Kind.TEXT
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    comb: int | None = None  # one box per character on paper (NSS, CURP…)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def label(self) -> str:
        return self.spec.label


FOLIO = FieldSpec("folio", "Folio")
LAST_NAME = FieldSpec("last_name", "Primer apellido", max_length=80)
SECOND_LAST_NAME = FieldSpec("second_last_name", "Segundo apellido", required=False, max_length=80)
FIRST_NAME = FieldSpec("first_name", "Nombre(s)", max_length=80)
BIRTH_DATE = FieldSpec("birth_date", "Fecha de nacimiento", max_length=10)
SEX = FieldSpec("sex", "Sexo")
REQUESTED_ON = FieldSpec("requested_on", "Fecha de la solicitud", max_length=10)
EMERGENCY = FieldSpec("emergency", "Urgencia ya realizada", required=False)
PHYSICIAN_NAME = FieldSpec("physician_name", "Nombre del médico solicitante", required=False,
                           max_length=160)
PHYSICIAN = FieldSpec("physician", "Cédula profesional (o usuario)", max_length=64)

SEX_CHOICES = (("M", "Hombre"), ("F", "Mujer"))
PRIORITY_CHOICES = (("ordinary", "Ordinaria"), ("urgent", "Urgente (72 h)"))

# In the order a person fills them on paper.
PAPER_FIELDS: tuple[PaperField, ...] = (
    PaperField(LAST_NAME),
    PaperField(SECOND_LAST_NAME),
    PaperField(FIRST_NAME),
    PaperField(F.NSS, comb=11),
    PaperField(F.AGREGADO, comb=8),
    PaperField(F.CURP, comb=18),
    PaperField(BIRTH_DATE, Kind.DATE),
    PaperField(SEX, Kind.CHOICE, SEX_CHOICES),
    PaperField(F.SERVICE),
    PaperField(F.DIAGNOSIS),
    PaperField(F.PERFORMING_UNIT),
    PaperField(F.PRIORITY, Kind.CHOICE, PRIORITY_CHOICES),
    PaperField(REQUESTED_ON, Kind.DATE),
    PaperField(EMERGENCY, Kind.CHECK),
    PaperField(F.PERFORMED_ON, Kind.DATE),
    PaperField(F.PERFORMED_TIME),
    PaperField(F.JUSTIFICATION, Kind.MULTILINE),
    PaperField(PHYSICIAN_NAME),
    PaperField(PHYSICIAN),
)

BY_NAME: dict[str, PaperField] = {f.name: f for f in PAPER_FIELDS}

# Written on the form for the person reading it, not read back: the CIE-10 code decides.
DIAGNOSIS_DESCRIPTION = FieldSpec("diagnosis_description", "Descripción del diagnóstico",
                                  required=False, max_length=200)
READER_ONLY_FIELDS: tuple[PaperField, ...] = (PaperField(DIAGNOSIS_DESCRIPTION),)


@dataclass
class PaperForm:
    """What a paper (or fillable PDF) ST2 says, as written: every value is text.

    Capture and import turn it into domain values (`st2desk.services.paper`) and report
    every problem at once, so the person transcribing fixes them in one pass.
    """

    folio: str = ""
    last_name: str = ""
    second_last_name: str = ""
    first_name: str = ""
    nss: str = ""
    agregado: str = ""
    curp: str = ""
    birth_date: str = ""
    sex: str = ""
    service: str = ""
    diagnosis: str = ""
    performing_unit: str = ""
    priority: str = ""
    requested_on: str = ""
    emergency: bool = False
    performed_on: str = ""
    performed_time: str = ""
    justification: str = ""
    physician_name: str = ""
    physician: str = ""
