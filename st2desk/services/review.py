"""Automated review at submission (DESIGN §1.3).

Each check looks at one aspect of the request and returns findings with a severity:
``block`` keeps the request a draft, ``warn`` travels with it to the specialist.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from st2desk import clock, timezones
from st2desk.forms import st2_fields as F
from st2desk.identifiers import identity_problems
from st2desk.models import (
    PAPER_ORIGINS,
    Authorization,
    AuthorizationStatus,
    Diagnosis,
    Patient,
    Request,
    Severity,
    Unit,
)
from st2desk.services.visibility import patient_of_unit
from st2desk.services.workflow import EMERGENCY_FILING_WINDOW, PENDING_STATES

# Reusing one justification for this many other patients is flagged (copy-paste requests).
JUSTIFICATION_REUSE_THRESHOLD = 3


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    message: str
    field: str | None = None
    related_folio: str | None = None

    @property
    def blocks(self) -> bool:
        return self.severity is Severity.BLOCK


def block(code: str, message: str, field: str | None = None, related: str | None = None) -> Finding:
    return Finding(Severity.BLOCK, code, message, field, related)


def warn(code: str, message: str, field: str | None = None, related: str | None = None) -> Finding:
    return Finding(Severity.WARN, code, message, field, related)


def justification_fingerprint(text: str) -> str:
    """Hash of the justification ignoring case, spacing and punctuation."""
    words = re.sub(r"[^\w]+", " ", (text or "").casefold()).split()
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def normalize_cie10(code: str | None) -> str:
    return re.sub(r"[\s.]", "", (code or "").upper())


# --------------------------------------------------------------------------- the checks


def check_required(session: Session, req: Request) -> list[Finding]:
    found = []
    if req.patient is None:
        found.append(block("required.patient", "Falta el paciente.", "nss"))
    if req.service_id is None:
        found.append(block("required.service", "Falta el estudio o procedimiento.", "service"))
    if not req.diagnosis_code:
        found.append(block("required.diagnosis", "Falta el diagnóstico CIE-10.", "diagnosis"))
    if req.performing_unit_id is None:
        found.append(block("required.unit", "Falta la unidad de destino.", "performing_unit"))
    elif not session.get(Unit, req.performing_unit_id).active:  # type: ignore[union-attr]
        found.append(block("unit.inactive", "La unidad de destino no está activa.", "performing_unit"))
    problem = F.length_problem(F.JUSTIFICATION, req.justification)
    if problem:
        found.append(block("text.justification", problem, "justification"))
    return found


def check_identity(session: Session, req: Request) -> list[Finding]:
    p = req.patient
    if p is None:
        return []
    found = [
        block(f"identity.{exc.field}", exc.message, exc.field)
        for exc in identity_problems(p.nss, p.agregado, p.curp, p.birth_date, p.sex)
    ]
    if p.curp:
        # A CURP names one person; the same CURP under another NSS is either a person
        # insured twice or a transcription error: the specialist decides, never silently.
        # The other NSS is named only when the requesting unit may read that patient
        # (DESIGN §7.1); one registered elsewhere is told without a word of its record.
        other = session.execute(
            select(Patient.id, Patient.nss, Patient.agregado)
            .where(Patient.curp == p.curp, Patient.nss != p.nss,
                   patient_of_unit(req.requesting_unit_id))
            .order_by(Patient.id).limit(1)).first()
        if other is not None:
            related = session.scalar(
                select(Request.folio).where(Request.patient_id == other.id)
                .order_by(Request.id.desc()).limit(1))
            found.append(warn(
                "identity.curp_other_nss",
                f"La CURP {p.curp} ya está registrada con otro NSS ({other.nss}, agregado "
                f"{other.agregado}); confirme la identidad del paciente antes de dictaminar.",
                "curp", related))
        elif _curp_registered_elsewhere(session, p.curp, p.nss):
            found.append(warn(
                "identity.curp_other_nss",
                f"La CURP {p.curp} ya está registrada con otro NSS en otra unidad; confirme "
                "la identidad del paciente antes de dictaminar.", "curp"))
    return found


def _curp_registered_elsewhere(session: Session, curp: str, nss: str) -> bool:
    """Whether any patient, also one row security hides, has this CURP under another NSS:
    on PostgreSQL the server answers yes or no (migration 0007c)."""
    if session.get_bind().dialect.name == "postgresql":
        return bool(session.scalar(text("SELECT st2desk_curp_elsewhere(:curp, :nss)"),
                                   {"curp": curp, "nss": nss}))
    return session.scalar(select(Patient.id).where(Patient.curp == curp, Patient.nss != nss)
                          .limit(1)) is not None


def check_service(session: Session, req: Request) -> list[Finding]:
    service = req.service
    if service is None:
        return []
    if not service.active:
        return [block("service.inactive", f"El servicio {service.code} ya no está activo.", "service")]
    if service.in_basic_catalog:
        return [block(
            "service.basic_catalog",
            f"«{service.name}» está en el catálogo básico: no requiere ST2; "
            "solicítelo por la vía ordinaria de su unidad.",
            "service",
        )]
    found = []
    patient = req.patient
    if patient is not None:
        if service.sex is not None and patient.sex != service.sex:
            sex = "mujeres" if service.sex.value == "F" else "hombres"
            found.append(block("service.sex", f"«{service.name}» solo se autoriza para {sex}.", "service"))
        age = age_on(patient.birth_date, req.requested_on)
        if service.min_age is not None and age < service.min_age:
            found.append(block(
                "service.age",
                f"«{service.name}» requiere al menos {service.min_age} años; el paciente tiene {age}.",
                "service"))
        if service.max_age is not None and age > service.max_age:
            found.append(block(
                "service.age",
                f"«{service.name}» se autoriza hasta los {service.max_age} años; el paciente tiene {age}.",
                "service"))
    return found


def check_diagnosis(session: Session, req: Request) -> list[Finding]:
    if not req.diagnosis_code:
        return []
    code = normalize_cie10(req.diagnosis_code)
    dx = session.scalar(select(Diagnosis).where(Diagnosis.code == code))
    if dx is None:
        return [block("diagnosis.unknown",
                      f"«{req.diagnosis_code}» no es un código CIE-10 del catálogo.", "diagnosis")]
    found = []
    patient = req.patient
    if patient is not None:
        if dx.sex is not None and dx.sex != patient.sex:
            found.append(warn("diagnosis.sex",
                              f"El diagnóstico {dx.code} no suele aplicar al sexo del paciente.",
                              "diagnosis"))
        age = age_on(patient.birth_date, req.requested_on)
        if (dx.min_age is not None and age < dx.min_age) or (dx.max_age is not None and age > dx.max_age):
            found.append(warn("diagnosis.age",
                              f"El diagnóstico {dx.code} no suele aplicar a la edad del paciente ({age}).",
                              "diagnosis"))
    return found


def check_duplicates(session: Session, req: Request) -> list[Finding]:
    if req.patient_id is None or req.service_id is None:
        return []
    same = (
        Request.patient_id == req.patient_id,
        Request.service_id == req.service_id,
        Request.id != req.id,
    )
    pending = session.scalar(
        select(Request.folio).where(*same, Request.status.in_(PENDING_STATES)).limit(1)
    )
    if pending:
        return [block("duplicate.pending",
                      f"El paciente ya tiene una solicitud en trámite para este servicio (folio {pending}).",
                      "service", pending)]
    today = clock.today()
    valid = session.execute(
        select(Authorization.number, Request.folio)
        .join(Request, Authorization.request_id == Request.id)
        .where(*same, Authorization.status == AuthorizationStatus.VALID,
               Authorization.valid_until >= today)
        .limit(1)
    ).first()
    if valid:
        return [block("duplicate.valid",
                      f"El paciente ya tiene una autorización vigente para este servicio "
                      f"(número {valid.number}, folio {valid.folio}).",
                      "service", valid.folio)]
    window = req.service.repeat_window_days if req.service else None
    if window:
        since = today - timedelta(days=window)
        earlier = session.execute(
            select(Request.folio, Authorization.issued_at)
            .join(Authorization, Authorization.request_id == Request.id)
            .where(*same, Authorization.valid_from >= since,
                   Authorization.status.in_([AuthorizationStatus.USED, AuthorizationStatus.VALID,
                                             AuthorizationStatus.EXPIRED]))
            .order_by(Authorization.valid_from.desc())
            .limit(1)
        ).first()
        if earlier:
            return [warn("duplicate.repeat_window",
                         f"El paciente recibió este servicio hace menos de {window} días "
                         f"(folio {earlier.folio}).", "service", earlier.folio)]
    return []


def check_eligibility(session: Session, req: Request) -> list[Finding]:
    p = req.patient
    if p is None or p.eligible_until is None or p.eligible_until >= req.requested_on:
        return []
    return [warn("eligibility.expired",
                 f"La vigencia de derechos del paciente terminó el {p.eligible_until:%d/%m/%Y}.",
                 "nss")]


def check_emergency(session: Session, req: Request) -> list[Finding]:
    if not req.is_emergency:
        return []
    if req.performed_on is None:
        return [block("emergency.date", "Indique la fecha en que se realizó la urgencia.",
                      "performed_on")]
    today = clock.today()
    if req.performed_on > today:
        return [block("emergency.future", "La fecha de realización de la urgencia está en el futuro.",
                      "performed_on")]
    # Paper gives only the day it was performed, so the 72 hours count in whole days, up
    # to the day it was filed: for a paper or PDF form the date written on it (it may be
    # captured days later), otherwise today.
    filed_on = req.requested_on if req.origin in PAPER_ORIGINS and req.requested_on else today
    if filed_on - req.performed_on > EMERGENCY_FILING_WINDOW:
        return [warn("emergency.late",
                     "La urgencia se presenta después de 72 horas de realizada.", "performed_on")]
    return []


def check_justification_reuse(session: Session, req: Request) -> list[Finding]:
    if not req.justification_hash or req.patient_id is None:
        return []
    others = session.scalar(
        select(func.count(func.distinct(Request.patient_id))).where(
            Request.physician_id == req.physician_id,
            Request.justification_hash == req.justification_hash,
            Request.patient_id != req.patient_id,
            Request.submitted_at.is_not(None),
        )
    )
    if others and others >= JUSTIFICATION_REUSE_THRESHOLD:
        return [warn("justification.reused",
                     f"La misma justificación ya se usó para otros {others} pacientes; "
                     "describa el caso de este paciente.", "justification")]
    return []


CHECKS: tuple[Callable[[Session, Request], list[Finding]], ...] = (
    check_required,
    check_identity,
    check_service,
    check_diagnosis,
    check_duplicates,
    check_eligibility,
    check_emergency,
    check_justification_reuse,
)


def run_review(session: Session, req: Request) -> list[Finding]:
    """All findings for `req`, blocking ones first. "Today" is the requesting unit's day,
    whoever submits (a paper form captured elsewhere, a bundle imported at central)."""
    with clock.in_zone(timezones.request_zone(req)):
        findings = [f for check in CHECKS for f in check(session, req)]
    return sorted(findings, key=lambda f: not f.blocks)
