"""The patient registry: register with validated identifiers, look up by NSS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from st2desk import audit, clock
from st2desk.errors import PermissionDenied, ValidationError
from st2desk.identifiers import identity_problems, parse_agregado, validate_curp, validate_nss
from st2desk.models import Patient, Role, Sex, User
from st2desk.services.common import Actor, require_role
from st2desk.services.visibility import may_view_patient, patient_visible

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


def patient_exists(session: Session, patient_id: int) -> bool:
    """Whether the id names a patient, even one this person may not read: a physician may
    file for a patient registered elsewhere once they gave that patient's identity
    (`register_patient`). On PostgreSQL row security hides such a row, so the server
    answers through a function that tells nothing but existence."""
    if session.get_bind().dialect.name == "postgresql":
        return bool(session.scalar(text("SELECT st2desk_patient_exists(:id)"), {"id": patient_id}))
    return session.get(Patient, patient_id) is not None


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
    elsewhere = registered_elsewhere(session, user, nss, agregado, data, curp)
    if elsewhere is not None:
        # Registered by another unit: this unit neither reads nor corrects that record. It
        # may refer to the patient only by giving the same identity, which reveals nothing.
        patient_id, same = elsewhere
        if not same:
            raise registered_with_other_data()
        return session.get(Patient, patient_id) or Patient(id=patient_id, nss=nss, agregado=agregado)
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


def registered_with_other_data() -> ValidationError:
    return ValidationError(
        "Este NSS y agregado médico ya están registrados en otra unidad con otros datos "
        "(nombre, fecha de nacimiento, sexo o CURP). Verifique el NSS y el agregado; si "
        "son correctos, pida a la administración que revise el registro.", field="nss")


def _norm(value: str | None) -> str:
    return " ".join((value or "").upper().split())


def registered_elsewhere(session: Session, user: User | None, nss: str, agregado: str,
                         data: PatientData, curp: str | None) -> tuple[int, bool] | None:
    """(id, same identity) of the patient registered under `nss` and `agregado` when
    `user` may not read that record; None when there is no such patient or they may.

    The only thing told is whether the identity given is the same, so a workstation can
    refer to another unit's patient without reading the record (DESIGN §7.1). On
    PostgreSQL row security hides the row and the server compares (migration 0006s)."""
    if user is None:  # the command line's bootstrap reads everything
        return None
    patient = session.scalar(select(Patient).where(Patient.nss == nss, Patient.agregado == agregado))
    if session.get_bind().dialect.name == "postgresql":
        if patient is not None:  # row security let this person read it
            return None
        row = session.execute(text(
            "SELECT id, same FROM st2desk_patient_registered(:nss, :agregado, :first, :last, "
            ":second, :birth, :sex, :curp)"), {
                "nss": nss, "agregado": agregado, "first": _norm(data.first_name),
                "last": _norm(data.last_name), "second": _norm(data.second_last_name),
                "birth": data.birth_date, "sex": Sex(data.sex).value, "curp": curp}).first()
        return None if row is None else (row.id, row.same)
    if patient is None or may_view_patient(session, user, patient.id):
        return None
    return patient.id, _same_identity(patient, data, curp)


def _same_identity(patient: Patient, data: PatientData, curp: str | None) -> bool:
    return (_norm(patient.first_name) == _norm(data.first_name)
            and _norm(patient.last_name) == _norm(data.last_name)
            and _norm(patient.second_last_name) == _norm(data.second_last_name)
            and patient.birth_date == data.birth_date and patient.sex == Sex(data.sex)
            and (patient.curp or None) == curp)


def find_by_nss(session: Session, nss: str, visible_to: User | None = None) -> list[Patient]:
    value = validate_nss(nss)
    query = select(Patient).where(Patient.nss == value).order_by(Patient.agregado)
    if visible_to is not None:
        query = query.where(patient_visible(visible_to))
    return list(session.scalars(query))
