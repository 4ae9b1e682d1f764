"""Paper and fillable-PDF intake, and the paper ST2 for printing (DESIGN §1.4).

A form that comes back on paper (reception transcribes it: origin ``paper``) or as a
filled fillable PDF (origin ``pdf``) becomes a normal request:

1. Everything on the form is checked at once and every problem is reported together;
   with any problem nothing is written (the form can be corrected and tried again).
   The folio must lie in a block reserved for its unit and be unused.
2. The patient is found by NSS and agregado médico; an unknown patient is registered
   from the form (identifiers validated and cross-checked as in the registry). A known
   patient's record is kept as it is; differences on paper are reported as notes.
3. The physician is the one named on the form (user name or professional licence),
   who must be a physician of the folio's unit. Only that physician can later answer
   questions, revise or appeal, exactly as for a request made in the application. When
   the form names nobody and the person capturing is a physician of that unit, it is
   them. The person who captured or imported is recorded in the audit log.
4. The request keeps the reserved folio and the dates written on paper (request date,
   emergency date); the service-level clock starts when it enters the system.
5. The same automated review as `requests.submit` runs; without blocking findings the
   request goes to review, otherwise it stays a draft with its findings for the
   physician to fix.

Reception and administrators capture and import; `actor` None is the local
administrator at the command line.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from st2desk import audit, clock, numbering, timezones
from st2desk.db import Database
from st2desk.errors import NotFound, St2Error, ValidationError
from st2desk.forms import paper as P
from st2desk.forms import st2_fields as F
from st2desk.identifiers import identity_problems, parse_agregado, validate_curp, validate_nss
from st2desk.models import (
    Attachment,
    AuditEvent,
    Diagnosis,
    FolioBlock,
    Origin,
    Patient,
    Priority,
    RejectionReason,
    Request,
    RequestStatus,
    Role,
    Service,
    Sex,
    Unit,
    User,
)
from st2desk.services import requests as R
from st2desk.services.common import Actor
from st2desk.services.folios import acting_user, check_reserved_folio
from st2desk.services.patients import PatientData, registered_elsewhere, registered_with_other_data
from st2desk.services.review import Finding, normalize_cie10
from st2desk.services.visibility import may_view_patient, readable_request
from st2desk.services.workflow import STATUS_LABELS

CAPTURERS = (Role.RECEPTION, Role.ADMIN)
MAX_SCAN_BYTES = 20 * 1024 * 1024
_NAME_OK = re.compile(r"^[^\W\d_]+(?:[ .'\-][^\W\d_]*)*$")


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class PaperProblem:
    field: str | None
    message: str

    def __str__(self) -> str:
        label = P.BY_NAME[self.field].label if self.field in P.BY_NAME else None
        # Always say which field: «31/02/2026» alone does not tell which date is wrong.
        return f"{label}: {self.message}" if label and not self.message.startswith(label) \
            else self.message


class PaperRejected(St2Error):
    """The form has problems; nothing was recorded. `problems` lists every one."""

    def __init__(self, problems: list[PaperProblem], folio: str = "") -> None:
        first = problems[0].message if problems else "El formato tiene problemas."
        more = f" (y {len(problems) - 1} problema(s) más)" if len(problems) > 1 else ""
        super().__init__(first + more, field=problems[0].field if problems else None)
        self.problems = problems
        self.folio = folio


@dataclass
class PaperOutcome:
    """What happened to one form."""

    source: str
    folio: str = ""
    request_id: int | None = None
    status: RequestStatus | None = None
    problems: list[PaperProblem] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.request_id is not None

    @property
    def submitted(self) -> bool:
        return self.status is RequestStatus.IN_REVIEW

    def summary(self) -> str:
        if not self.accepted:
            # One problem a line: a message ends with its own full stop.
            if len(self.problems) == 1:
                return f"{self.source}: RECHAZADO — {self.problems[0]}"
            return (f"{self.source}: RECHAZADO — {len(self.problems)} problemas:"
                    + "".join(f"\n    · {p}" for p in self.problems))
        if self.submitted:
            warn = f" ({len(self.findings)} advertencia(s))" if self.findings else ""
            return f"{self.source}: folio {self.folio} registrado y enviado a dictamen{warn}"
        blocking = [f.message for f in self.findings if f.blocks]
        if len(blocking) == 1:
            return (f"{self.source}: folio {self.folio} registrado como BORRADOR; el médico debe "
                    f"corregir: {blocking[0]}")
        return (f"{self.source}: folio {self.folio} registrado como BORRADOR; el médico debe "
                "corregir:" + "".join(f"\n    · {b}" for b in blocking))


@dataclass(frozen=True)
class Scan:
    """An optional scan of the paper form kept with the request."""

    filename: str
    content: bytes


# --------------------------------------------------------------------------- parsing what was written


_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d%m%Y")


def parse_paper_date(text: str) -> date:
    value = re.sub(r"\s+", "", text or "")
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValidationError(f"«{text.strip()}» no es una fecha válida (use DD/MM/AAAA).")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def _clean_name(value: str, spec_name: str, problems: list[PaperProblem], required: bool) -> str | None:
    text = " ".join(unicodedata.normalize("NFC", value or "").split())
    spec = P.BY_NAME[spec_name].spec
    if not text:
        if required:
            problems.append(PaperProblem(spec_name, f"Falta «{spec.label}» del paciente."))
        return None
    if len(text) > (spec.max_length or 80) or not _NAME_OK.match(text):
        problems.append(PaperProblem(spec_name, f"«{spec.label}» contiene caracteres no válidos."))
        return None
    return text.upper()


def _first_token(text: str) -> str:
    return re.split(r"[\s—–]+", (text or "").strip(), maxsplit=1)[0].upper() if text.strip() else ""


@dataclass
class _Parsed:
    folio: str
    unit: Unit
    block: FolioBlock
    physician: User
    patient: Patient | None
    patient_new: dict
    service: Service
    diagnosis: str
    performing_unit: Unit
    priority: Priority
    requested_on: date
    emergency: bool
    performed_on: date | None
    justification: str
    notes: list[str]
    draft_id: int | None = None
    performed_time: time | None = None


def _resolve_physician(session: Session, actor: Actor | None, form: P.PaperForm, unit: Unit | None,
                       problems: list[PaperProblem]) -> User | None:
    ref = (form.physician or "").strip()
    name = P.PHYSICIAN.name
    if not ref:
        if actor is not None and Role.PHYSICIAN in actor.roles and unit is not None \
                and actor.unit_id == unit.id:
            return session.get(User, actor.user_id)
        problems.append(PaperProblem(name, "Falta el usuario o la cédula profesional del médico "
                                           "solicitante."))
        return None
    candidates = session.scalars(select(User).where(or_(
        User.username == ref.lower(), User.professional_license == ref))).all()
    if not candidates:
        problems.append(PaperProblem(name, f"No hay ningún usuario con nombre de usuario o cédula "
                                           f"«{ref}»; el médico debe tener cuenta en el sistema."))
        return None
    doctors = [u for u in candidates if Role.PHYSICIAN in u.roles and u.active]
    if not doctors:
        problems.append(PaperProblem(name, f"«{ref}» no es un médico solicitante activo."))
        return None
    if unit is not None:
        doctors = [u for u in doctors if u.unit_id == unit.id] or doctors
        if doctors[0].unit_id != unit.id:
            problems.append(PaperProblem(name, f"El médico «{ref}» no pertenece a la unidad "
                                               f"{unit.code} del folio."))
            return None
    return doctors[0]


def _resolve_patient(session: Session, user: User | None, form: P.PaperForm,
                     problems: list[PaperProblem], notes: list[str]) -> tuple[Patient | None, dict]:
    count_before = len(problems)
    try:
        nss = validate_nss(form.nss)
    except ValidationError as exc:
        problems.append(PaperProblem(F.NSS.name, exc.message))
        nss = ""
    try:
        agregado = str(parse_agregado(form.agregado))
    except ValidationError as exc:
        problems.append(PaperProblem(F.AGREGADO.name, exc.message))
        agregado = ""
    existing = None
    if nss and agregado:
        existing = session.scalar(select(Patient).where(Patient.nss == nss, Patient.agregado == agregado))
        if existing is not None and user is not None and not may_view_patient(session, user, existing.id):
            existing = None  # another unit's patient: compared below, never shown (DESIGN §7.1)
    last = _clean_name(form.last_name, P.LAST_NAME.name, problems, existing is None)
    second = _clean_name(form.second_last_name, P.SECOND_LAST_NAME.name, problems, False)
    first = _clean_name(form.first_name, P.FIRST_NAME.name, problems, existing is None)
    birth = None
    if (form.birth_date or "").strip():
        try:
            birth = parse_paper_date(form.birth_date)
            if birth > clock.today():
                raise ValidationError("La fecha de nacimiento está en el futuro.")
        except ValidationError as exc:
            problems.append(PaperProblem(P.BIRTH_DATE.name, exc.message))
            birth = None
    elif existing is None:
        problems.append(PaperProblem(P.BIRTH_DATE.name, "Falta la fecha de nacimiento del paciente."))
    sex = (form.sex or "").strip().upper()[:1]
    sex = {"H": "M"}.get(sex, sex)
    if sex not in ("M", "F"):
        if existing is None:
            problems.append(PaperProblem(P.SEX.name, "Marque el sexo del paciente."))
        sex = ""
    curp = (form.curp or "").strip().upper() or None
    if curp:
        try:
            curp = validate_curp(curp)
        except ValidationError as exc:
            problems.append(PaperProblem(F.CURP.name, exc.message))
            curp = None
    elif existing is None and F.CURP.required:
        problems.append(PaperProblem(F.CURP.name, "Falta la CURP del paciente."))
    if existing is not None:
        # Same NSS and agregado but another person on paper is an identity conflict (DESIGN
        # §7.2): most often a mistyped NSS, which would attach the request to someone else.
        conflicts = []
        if last and _fold(last) != _fold(existing.last_name):
            conflicts.append(f"primer apellido «{existing.last_name}»")
        if first and _fold(first) != _fold(existing.first_name):
            conflicts.append(f"nombre «{existing.first_name}»")
        if birth and birth != existing.birth_date:
            conflicts.append(f"fecha de nacimiento {existing.birth_date:%d/%m/%Y}")
        if conflicts:
            problems.append(PaperProblem(F.NSS.name, (
                f"El NSS {nss} con agregado {agregado} es de un paciente registrado con "
                + ", ".join(conflicts) + ", distinto del formato. Revise el NSS y el agregado "
                "escritos; si el padrón está mal, corríjalo antes de capturar. No se registró "
                "nada.")))
            return None, {}
        differs = []
        if second and existing.second_last_name and _fold(second) != _fold(existing.second_last_name):
            differs.append("segundo apellido")
        if sex and sex != existing.sex.value:
            differs.append("sexo")
        if curp and existing.curp and curp != existing.curp:
            differs.append("CURP")
        if differs:
            notes.append("El formato difiere del padrón en " + ", ".join(differs)
                         + "; se conservan los datos registrados del paciente.")
        return existing, {}
    if len(problems) == count_before and birth and sex and nss and agregado:
        for issue in identity_problems(nss, agregado, curp, birth, Sex(sex)):
            problems.append(PaperProblem(issue.field, issue.message))
    if len(problems) == count_before and birth and sex and nss and agregado:
        given = PatientData(nss=nss, agregado=agregado, first_name=first, last_name=last,
                            second_last_name=second, birth_date=birth, sex=Sex(sex), curp=curp)
        elsewhere = registered_elsewhere(session, user, nss, agregado, given, curp)
        if elsewhere is not None:
            patient_id, same = elsewhere
            if not same:
                problems.append(PaperProblem(F.NSS.name, registered_with_other_data().message
                                             + " No se registró nada."))
                return None, {}
            # The request refers to the patient by id; their record stays unread here.
            return (session.get(Patient, patient_id)
                    or Patient(id=patient_id, nss=nss, agregado=agregado)), {}
    return None, dict(nss=nss, agregado=agregado, curp=curp, first_name=first, last_name=last,
                      second_last_name=second, birth_date=birth, sex=sex)


def _resolve_service(session: Session, text: str, problems: list[PaperProblem]) -> Service | None:
    value = (text or "").strip()
    if not value:
        problems.append(PaperProblem(F.SERVICE.name, "Falta el estudio o procedimiento."))
        return None
    service = session.scalar(select(Service).where(Service.code == _first_token(value)))
    if service is None:  # written by name instead of code
        wanted = _fold(re.sub(r"^\S+\s+[—–-]\s+", "", value))
        matches = [s for s in session.scalars(select(Service)) if _fold(s.name) == wanted]
        service = matches[0] if len(matches) == 1 else None
    if service is None:
        problems.append(PaperProblem(F.SERVICE.name,
                                     f"«{value}» no es una clave del catálogo de servicios."))
    return service


def _resolve_unit(session: Session, text: str, problems: list[PaperProblem]) -> Unit | None:
    code = _first_token(text)
    if not code:
        problems.append(PaperProblem(F.PERFORMING_UNIT.name, "Falta la unidad de destino."))
        return None
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        problems.append(PaperProblem(F.PERFORMING_UNIT.name, f"No existe la unidad «{code}»."))
    return unit


def _parse(session: Session, actor: Actor | None, capturer: User | None, form: P.PaperForm,
           replace_drafts_of: tuple[Origin, ...] = ()) -> _Parsed:
    problems: list[PaperProblem] = []
    notes: list[str] = []
    reserved = None
    try:
        reserved = check_reserved_folio(session, form.folio, replace_drafts_of=replace_drafts_of)
    except ValidationError as exc:
        problems.append(PaperProblem(P.FOLIO.name, exc.message))
    unit = reserved.unit if reserved else None
    physician = _resolve_physician(session, actor, form, unit, problems)
    patient, patient_new = _resolve_patient(session, capturer, form, problems, notes)
    service = _resolve_service(session, form.service, problems)
    diagnosis = normalize_cie10(form.diagnosis)
    if not diagnosis:
        problems.append(PaperProblem(F.DIAGNOSIS.name, "Falta el diagnóstico CIE-10."))
    elif len(diagnosis) > (F.DIAGNOSIS.max_length or 8) or not diagnosis.isalnum():
        problems.append(PaperProblem(F.DIAGNOSIS.name,
                                     f"«{form.diagnosis.strip()}» no tiene la forma de un código "
                                     "CIE-10 (p. ej. K80.2)."))
    performing = _resolve_unit(session, form.performing_unit, problems)
    raw_priority = _fold(form.priority)
    priority = {"ordinary": Priority.ORDINARY, "ordinaria": Priority.ORDINARY,
                "urgent": Priority.URGENT, "urgente": Priority.URGENT}.get(raw_priority)
    if priority is None:
        if raw_priority:
            problems.append(PaperProblem(F.PRIORITY.name, f"Prioridad «{form.priority}» desconocida."))
        else:
            notes.append("No se marcó la prioridad; se registró como ordinaria.")
        priority = Priority.ORDINARY
    requested_on = None
    if not (form.requested_on or "").strip():
        problems.append(PaperProblem(P.REQUESTED_ON.name, "Falta la fecha de la solicitud."))
    else:
        try:
            requested_on = parse_paper_date(form.requested_on)
            # The form's unit's day (issue 13, item 1), wherever it is captured.
            if requested_on > clock.today_in(unit.time_zone if unit else None):
                raise ValidationError("La fecha de la solicitud está en el futuro.")
        except ValidationError as exc:
            problems.append(PaperProblem(P.REQUESTED_ON.name, exc.message))
    performed_on = None
    if (form.performed_on or "").strip():
        try:
            performed_on = parse_paper_date(form.performed_on)
        except ValidationError as exc:
            problems.append(PaperProblem(F.PERFORMED_ON.name, exc.message))
    performed_time = None
    try:
        performed_time = F.parse_hour(form.performed_time)
    except ValueError as exc:
        problems.append(PaperProblem(F.PERFORMED_TIME.name, str(exc)))
    emergency = bool(form.emergency) or performed_on is not None
    if form.emergency and performed_on is None and not (form.performed_on or "").strip():
        problems.append(PaperProblem(F.PERFORMED_ON.name,
                                     "Se marcó urgencia ya realizada pero falta la fecha en que se realizó."))
    justification = unicodedata.normalize("NFC", form.justification or "").replace("\r\n", "\n").strip()
    justification = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", justification)
    # Checked here, with everything else: a form without its justification is returned to
    # the unit, it does not become a draft that takes the folio.
    if not justification:
        problems.append(PaperProblem(F.JUSTIFICATION.name, "Falta la justificación clínica."))
    elif len(justification) < (F.JUSTIFICATION.min_length or 0):
        problems.append(PaperProblem(F.JUSTIFICATION.name, (
            f"La justificación clínica es demasiado breve ({len(justification)} caracteres; "
            f"mínimo {F.JUSTIFICATION.min_length}): describa el caso de este paciente.")))
    if len(justification) > (F.JUSTIFICATION.max_length or 4000):
        problems.append(PaperProblem(F.JUSTIFICATION.name,
                                     f"La justificación excede {F.JUSTIFICATION.max_length} caracteres."))
    if problems:
        raise PaperRejected(problems, reserved.folio if reserved else (form.folio or "").strip())
    if reserved and requested_on and requested_on < clock.date_in(reserved.block.reserved_at,
                                                                  reserved.unit.time_zone):
        notes.append(f"La fecha de la solicitud ({requested_on:%d/%m/%Y}) es anterior a la reserva "
                     "del folio: verifique que esté bien escrita.")
    assert reserved and physician and service and performing and requested_on
    return _Parsed(reserved.folio, reserved.unit, reserved.block, physician, patient, patient_new,
                   service, diagnosis, performing, priority, requested_on, emergency, performed_on,
                   justification, notes, reserved.draft_id, performed_time)


# --------------------------------------------------------------------------- intake


def _register_patient(session: Session, actor: Actor | None, data: dict, unit: Unit) -> Patient:
    patient = Patient(uuid=uuid.uuid4(), nss=data["nss"], agregado=data["agregado"], curp=data["curp"],
                      first_name=data["first_name"], last_name=data["last_name"],
                      second_last_name=data["second_last_name"], birth_date=data["birth_date"],
                      sex=Sex(data["sex"]), unit_id=unit.id)
    session.add(patient)
    session.flush()
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="patient_add",
                 entity="patient", entity_id=patient.uuid, details={"source": "paper"})
    return patient


def _check_scan(scan: Scan) -> tuple[str, str, bytes]:
    from st2desk.services.attachments import clean_filename, sniff_media_type

    content = bytes(scan.content or b"")
    if not content:
        raise PaperRejected([PaperProblem("scan", "El archivo escaneado está vacío.")])
    if len(content) > MAX_SCAN_BYTES:
        raise PaperRejected([PaperProblem("scan", f"El escaneo pesa más de "
                                                  f"{MAX_SCAN_BYTES // 1024 // 1024} MB.")])
    media_type = sniff_media_type(content[:16])
    if media_type is None:
        raise PaperRejected([PaperProblem("scan", "El escaneo debe ser PDF, PNG o JPEG.")])
    return clean_filename(scan.filename, media_type), media_type, content


def _form_digest(form: P.PaperForm) -> str:
    """A fingerprint of what a form says (not of the file's bytes, which readers rewrite)."""
    import dataclasses
    import json

    values = {k: (" ".join(v.split()) if isinstance(v, str) else v)
              for k, v in dataclasses.asdict(form).items()}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


def _already_imported(session: Session, form: P.PaperForm, digest: str) -> None:
    """Refuse, saying so plainly, a form that was already imported with the same content."""
    folio = (form.folio or "").strip().upper()
    req = session.scalar(select(Request).where(Request.folio == folio)) if folio else None
    if req is None:
        return
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "request", AuditEvent.entity_id == str(req.uuid),
        AuditEvent.action == "import_pdf")).all()
    if any((e.details or {}).get("form_sha256") == digest for e in events):
        raise PaperRejected([PaperProblem("folio", (
            f"Este formato ya se importó: el folio {req.folio} está registrado con el mismo "
            "contenido. No se registró nada de nuevo; no hace falta volver a importarlo."))],
            req.folio)


def _intake(session: Session, actor: Actor | None, form: P.PaperForm, origin: Origin, source: str,
            scan: Scan | None = None) -> PaperOutcome:
    capturer = acting_user(session, actor, CAPTURERS, "capturar formatos en papel"
                           if origin is Origin.PAPER else "importar formatos PDF")
    scan_parts = _check_scan(scan) if scan is not None else None
    if scan_parts is not None and actor is None:
        raise PaperRejected([PaperProblem("scan", "Un escaneo se adjunta con un usuario identificado.")])
    digest = _form_digest(form)
    if origin is Origin.PDF:
        _already_imported(session, form, digest)
    # The fillable copy of a paper draft, corrected at the unit, replaces that draft.
    parsed = _parse(session, actor, capturer, form,
                    (Origin.PDF, Origin.PAPER) if origin is Origin.PDF else ())
    patient = parsed.patient or _register_patient(session, actor, parsed.patient_new, parsed.unit)
    if parsed.draft_id is not None:
        req = session.get(Request, parsed.draft_id)
        assert req is not None
        req.physician_id = parsed.physician.id
        req.is_emergency = False
        req.performed_on = None
        parsed.notes.append(f"El formato reemplazó el borrador del folio {req.folio}.")
    else:
        req = R._new_request(session, parsed.unit.id, parsed.physician.id, origin, parsed.folio)
    R._apply(session, req, R.RequestData(
        patient_id=patient.id, service_id=parsed.service.id, diagnosis_code=parsed.diagnosis,
        justification=parsed.justification, performing_unit_id=parsed.performing_unit.id,
        priority=parsed.priority, requested_on=parsed.requested_on,
        performed_on=parsed.performed_on, performed_time=parsed.performed_time))
    if parsed.emergency:
        req.is_emergency = True
        req.priority = Priority.URGENT
        req.status = RequestStatus.PERFORMED_EMERGENCY
    session.add(req)
    session.flush()
    if scan_parts is not None and actor is not None:
        name, media_type, content = scan_parts
        session.add(Attachment(uuid=uuid.uuid4(), request_id=req.id, filename=name,
                               media_type=media_type, size=len(content),
                               sha256=hashlib.sha256(content).hexdigest(), content=content,
                               added_by_id=actor.user_id, added_at=clock.now()))
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None,
                 action="capture_paper" if origin is Origin.PAPER else "import_pdf",
                 entity="request", entity_id=req.uuid,
                 details={"folio": req.folio, "status": req.status.value, "origin": origin.value,
                          "physician": parsed.physician.username, "scan": scan_parts is not None,
                          "form_sha256": digest, "replaced_draft": parsed.draft_id is not None})
    result = R.run_submission(session, actor, req, origin=origin.value)
    return PaperOutcome(source, req.folio, req.id, req.status, [], list(result.findings),
                        parsed.notes)


def capture_paper(session: Session, actor: Actor | None, form: P.PaperForm, *,
                  scan: Scan | None = None) -> PaperOutcome:
    """Reception transcribes a handwritten ST2 (origin ``paper``); raises PaperRejected."""
    return _intake(session, actor, form, Origin.PAPER, "captura", scan)


def import_fillable(session: Session, actor: Actor | None, data: bytes,
                    source: str = "PDF") -> PaperOutcome:
    """Import one filled fillable ST2 (origin ``pdf``); raises PaperRejected or NotAForm."""
    from st2desk.pdf.fillable_reader import read_fillable

    acting_user(session, actor, CAPTURERS, "importar formatos PDF")
    form = read_fillable(data)
    return _intake(session, actor, form, Origin.PDF, source)


def import_pdf_files(db: Database, actor: Actor | None, paths: Sequence[str | Path], *,
                     progress: Callable[[int, int], None] | None = None,
                     cancel: Callable[[], bool] | None = None) -> list[PaperOutcome]:
    """Import a batch of fillable PDFs, one transaction per file.

    A file with problems is reported and skipped; the batch goes on. Two files with the
    same folio: the first is imported, the second is rejected as already used. `cancel()`
    returning true stops before the next file (those already imported stay imported).
    """
    outcomes: list[PaperOutcome] = []
    for done, path in enumerate(paths, 1):
        if cancel is not None and cancel():
            break
        outcomes.append(_import_one(db, actor, Path(path)))
        if progress is not None:
            progress(done, len(paths))
    return outcomes


def _import_one(db: Database, actor: Actor | None, path: Path) -> PaperOutcome:
    """One file of a batch, in its own transaction; every failure becomes its outcome."""
    from st2desk.inputs import PDF_FORM_LIMIT, InputError, read_bounded

    source = path.name
    try:
        data = read_bounded(path, PDF_FORM_LIMIT, "el PDF")
    except InputError as exc:
        return PaperOutcome(source, problems=[PaperProblem(None, exc.message)])
    try:
        with db.transaction() as session:
            return import_fillable(session, actor, data, source)
    except PaperRejected as exc:
        return PaperOutcome(source, exc.folio, problems=exc.problems)
    except St2Error as exc:
        return PaperOutcome(source, problems=[PaperProblem(exc.field, exc.message)])
    except IntegrityError:
        # Checked just before, so another workstation registered the same folio meanwhile.
        return PaperOutcome(source, problems=[PaperProblem(
            "folio", "Otra estación registró este folio al mismo tiempo; no se registró nada "
                     "de este archivo. Impórtelo de nuevo para ver su estado.")])
    except SQLAlchemyError as exc:
        cause = getattr(exc, "orig", None) or exc  # the driver's error, when there is one
        return PaperOutcome(source, problems=[PaperProblem(
            None, "Error de la base de datos al importar este archivo; no se registró nada de "
                  f"él ({type(cause).__name__}).")])


# --------------------------------------------------------------------------- printing


def _physician_ref(user: User | None) -> str:
    """What the paper shows to identify the physician: the cédula, or the user name without one."""
    if user is None:
        return ""
    return user.professional_license or user.username


def request_form_content(session: Session, req: Request) -> object:
    """The paper ST2 content (`st2desk.pdf.st2_form.FormContent`) of a request."""
    from st2desk.pdf.st2_form import DecisionContent, FormContent

    patient = req.patient
    service = req.service
    dx = session.scalar(select(Diagnosis).where(Diagnosis.code == (req.diagnosis_code or "")))
    decision = None
    zone = timezones.request_zone(req)  # the paper's dates are the requesting unit's days
    last = req.decisions[-1] if req.decisions else None
    if last is not None:
        auth = req.authorization
        decision = DecisionContent(
            outcome=last.kind.value, decided_on=clock.date_in(last.decided_at, zone),
            authorization_number=auth.number if auth and last.kind.value == "approve" else "",
            valid_until=auth.valid_until if auth and last.kind.value == "approve" else None,
            reason=_reason(session, last.reason_code), text=last.text or "",
            specialist_name=last.decided_by.full_name,
            specialist_license=last.decided_by.professional_license or "")
    elif req.status is RequestStatus.INFO_REQUESTED:
        # The question, who asked it and when: the physician answers it in st2desk.
        asked = req.info_requests[-1] if req.info_requests else None
        asker = session.get(User, asked.asked_by_id) if asked else None
        decision = DecisionContent(
            outcome="info", decided_on=clock.date_in(asked.asked_at, zone) if asked else None,
            text=f"Pregunta: {asked.question}" if asked else "",
            specialist_name=asker.full_name if asker else "",
            specialist_license=(asker.professional_license or "") if asker else "")
    unit = req.requesting_unit
    perf = req.performing_unit
    return FormContent(
        folio=req.folio, unit_code=unit.code, unit_name=unit.name,
        last_name=patient.last_name if patient else "",
        second_last_name=(patient.second_last_name or "") if patient else "",
        first_name=patient.first_name if patient else "",
        nss=patient.nss if patient else "", agregado=patient.agregado if patient else "",
        curp=(patient.curp or "") if patient else "",
        birth_date=patient.birth_date if patient else None,
        sex=patient.sex.value if patient else "",
        service_code=service.code if service else "", service_name=service.name if service else "",
        diagnosis_code=_dotted(req.diagnosis_code), diagnosis_description=dx.description if dx else "",
        performing_unit_code=perf.code if perf else "", performing_unit_name=perf.name if perf else "",
        priority=req.priority.value, requested_on=req.requested_on, is_emergency=req.is_emergency,
        performed_on=req.performed_on, performed_time=req.performed_time,
        justification=req.justification,
        physician_name=req.physician.full_name, physician_ref=_physician_ref(req.physician),
        physician_matricula=req.physician.matricula or "",
        delegation_name=unit.delegation.name if unit.delegation else "",
        status_label=STATUS_LABELS[req.status], decision=decision)




def _reason(session: Session, code: str | None) -> str:
    """A rejection reason as the patient and the physician read it: code and description."""
    if not code:
        return ""
    description = session.scalar(select(RejectionReason.description)
                                 .where(RejectionReason.code == code))
    return f"{code} {description}" if description else code


def _dotted(code: str | None) -> str:
    code = code or ""
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


def print_request(session: Session, actor: Actor | None, folio: str, target: str | Path, *,
                  fillable: bool = False) -> int:
    """Write the paper ST2 of a request (pre-filled, or fillable); returns the page count.

    Staff print the requests their role and unit may read; the print is audited.
    """
    from st2desk.outputs import check_target
    from st2desk.pdf.st2_form import render_fillable, render_forms

    if isinstance(target, (str, Path)):
        target = check_target(target)  # before recording the print (DESIGN §7.4)
    acting_user(session, actor, list(Role), "imprimir solicitudes")
    # The same rule as reading it on screen (`visibility.may_view`), and the same answer
    # whether the folio was never issued or is another unit's (no enumeration).
    try:
        req = R.find_by_folio(session, folio)
        if actor is not None:
            readable_request(session, actor.user_id, req.id)
    except NotFound:
        if actor is None:
            raise
        raise NotFound(f"No existe la solicitud {numbering.normalize(folio)} en su unidad.") from None
    content = request_form_content(session, req)
    if fillable:
        render_fillable(content, target)  # type: ignore[arg-type]
        pages = 1
    else:
        pages = render_forms([content], target, title=f"Formato ST2 {req.folio}")  # type: ignore[list-item]
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="print_request",
                 entity="request", entity_id=req.uuid,
                 details={"folio": req.folio, "fillable": fillable})
    return pages


@dataclass(frozen=True)
class BlankPrint:
    block_id: int
    unit_code: str
    folios: list[str]
    pages: int
    files: list[Path]


@dataclass(frozen=True)
class BlankBlock:
    """A folio block ready to print as blank forms."""

    block_id: int
    unit_code: str
    unit_name: str
    folios: list[str]
    delegation_name: str = ""

    def contents(self) -> Iterator[object]:
        """`FormContent` of each blank form, in folio order."""
        from st2desk.pdf.st2_form import iter_blank

        return iter_blank(self.folios, self.unit_code, self.unit_name, self.delegation_name)


def blank_block(session: Session, actor: Actor | None, unit_code: str, count: int, *,
                block_id: int | None = None) -> BlankBlock:
    """Reserve a folio block (or take `block_id` to reprint it) for blank forms (administrators).

    Runs in the caller's transaction; draw the forms after it commits, so a long print
    never holds the database's write lock. A reprint is audited as such.
    """
    from st2desk.services.folios import get_block, reserve_block

    if block_id is not None:
        user = acting_user(session, actor, [Role.ADMIN, Role.RECEPTION],
                           "reimprimir un bloque de folios")
        # Reception reprints its own unit's blocks only; another unit's is "not found",
        # as PostgreSQL's row security answers too.
        not_here = NotFound(f"No existe el bloque de folios {block_id} en su unidad.")
        try:
            info = get_block(session, block_id)
        except NotFound:
            raise not_here from None
        if user is not None and Role.ADMIN not in actor.roles:  # type: ignore[union-attr]
            own = session.scalar(select(Unit.code).where(Unit.id == user.unit_id))
            if own != info.unit_code:
                raise not_here
        if unit_code and info.unit_code != unit_code.strip().upper():
            raise ValidationError(f"El bloque {info.first_folio} … {info.last_folio} es de la "
                                  f"unidad {info.unit_code}.")
    else:
        info = reserve_block(session, actor, unit_code, count)
    unit = session.scalar(select(Unit).where(Unit.code == info.unit_code))
    delegation = unit.delegation.name if unit is not None and unit.delegation else ""
    if block_id is not None:
        audit.record(session, user_id=actor.user_id if actor else None,
                     username=actor.username if actor else None, action="reprint_folios",
                     entity="folio_block", entity_id=info.uuid,
                     details={"unit": info.unit_code, "first": info.first_folio,
                              "last": info.last_folio})
    return BlankBlock(info.id, info.unit_code, unit.name if unit else "", info.folios(), delegation)


def print_blank(db: Database, actor: Actor | None, unit_code: str, count: int,
                target: str | Path, *, fillable: bool = False, block_id: int | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None) -> BlankPrint:
    """Reserve a folio block (or reuse `block_id`) and print its blank forms.

    The block is reserved and committed first, then the forms are drawn outside the
    transaction (a long batch never holds the database's write lock). Printable forms go
    into one PDF; fillable forms are one file per folio (`<folio>.pdf`) in the directory
    `target`, because a fillable PDF holds one form. If printing fails or is cancelled
    the block stays reserved and can be printed again with `block_id`.
    """
    from st2desk.outputs import OutputError, check_folder_target, check_target
    from st2desk.pdf.st2_form import FormContent, render_fillable, render_forms

    # The output must be writable before a folio is reserved (DESIGN §7.4).
    target = check_folder_target(target) if fillable else check_target(target)
    with db.transaction() as session:
        block = blank_block(session, actor, unit_code, count, block_id=block_id)
    folios = block.folios
    try:
        if not fillable:
            pages = render_forms(block.contents(), target,  # type: ignore[arg-type]
                                 total=len(folios), title=f"Formatos ST2 {folios[0]} a {folios[-1]}",
                                 progress=progress, cancel=cancel)
            return BlankPrint(block.block_id, block.unit_code, folios, pages, [target])
        files = []
        from st2desk.pdf.st2_form import PrintCancelled

        for done, folio in enumerate(folios, 1):
            if cancel is not None and cancel():
                raise PrintCancelled("Impresión cancelada; los folios siguen reservados.")
            path = target / f"{folio}.pdf"
            render_fillable(FormContent(folio=folio, unit_code=block.unit_code,
                                        unit_name=block.unit_name,
                                        delegation_name=block.delegation_name), path)
            files.append(path)
            if progress is not None:
                progress(done, len(folios))
        return BlankPrint(block.block_id, block.unit_code, folios, len(files), files)
    except OutputError as exc:  # e.g. the disk filled up: say how to print the block again
        raise OutputError(f"{exc.message} Los folios {folios[0]} a {folios[-1]} siguen "
                          f"reservados: imprímalos de nuevo con «--block {folios[0]}».") from None
