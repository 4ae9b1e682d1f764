"""The patient registry: register with validated identifiers, look up by NSS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from st2desk import audit, clock
from st2desk.errors import PermissionDenied, ValidationError
from st2desk.identifiers import identity_problems, parse_agregado, validate_curp, validate_nss
from st2desk.models import Patient, Role, Sex
from st2desk.services.common import Actor, require_role

_REGISTRARS = (Role.PHYSICIAN, Role.RECEPTION, Role.ADMIN)


@dataclass
class PatientData:
    nss: str
    agregado: str
    first_name: str
    last_name: str
    birth_date: date
    sex: Sex
    curp: str | None = None
    second_last_name: str | None = None
    unit_id: int | None = None
    eligible_until: date | None = None


def _name(value: str | None, label: str, required: bool = True) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise ValidationError(f"Falta {label} del paciente.", field=label)
        return None
    if len(text) > 80 or any(not (ch.isalpha() or ch in " .'-") for ch in text):
        raise ValidationError(f"{label.capitalize()} del paciente contiene caracteres no válidos.")
    return text.upper()


def register_patient(session: Session, actor: Actor, data: PatientData) -> Patient:
    """Register or update a patient; identifiers must be valid and consistent."""
    user = None
    for role in _REGISTRARS:
        if role in actor.roles:
            user = require_role(session, actor, role, "registrar pacientes")
            break
    if user is None:
        raise PermissionDenied("Su rol no permite registrar pacientes.")
    if data.birth_date > clock.today():
        raise ValidationError("La fecha de nacimiento no puede estar en el futuro.", field="birth_date")
    problems = identity_problems(data.nss, data.agregado, data.curp, data.birth_date, Sex(data.sex))
    if problems:
        raise ValidationError(" ".join(p.message for p in problems), field=problems[0].field)
    nss = validate_nss(data.nss)
    agregado = str(parse_agregado(data.agregado))
    curp = validate_curp(data.curp) if data.curp else None
    patient = session.scalar(select(Patient).where(Patient.nss == nss, Patient.agregado == agregado))
    action = "patient_update" if patient else "patient_add"
    if patient is None:
        patient = Patient(nss=nss, agregado=agregado)
        session.add(patient)
    patient.curp = curp
    patient.first_name = _name(data.first_name, "el nombre")  # type: ignore[assignment]
    patient.last_name = _name(data.last_name, "el primer apellido")  # type: ignore[assignment]
    patient.second_last_name = _name(data.second_last_name, "el segundo apellido", required=False)
    patient.birth_date = data.birth_date
    patient.sex = Sex(data.sex)
    patient.unit_id = data.unit_id or patient.unit_id or user.unit_id
    patient.eligible_until = data.eligible_until
    session.flush()
    # The audit log names the record, never the patient's identifiers (no patient data in logs).
    audit.record(session, user_id=actor.user_id, username=actor.username, action=action,
                 entity="patient", entity_id=patient.uuid)
    return patient


def find_by_nss(session: Session, nss: str) -> list[Patient]:
    value = validate_nss(nss)
    return list(session.scalars(select(Patient).where(Patient.nss == value).order_by(Patient.agregado)))
