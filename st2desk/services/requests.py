"""The physician's use cases: drafts, submission, emergencies, answers, revise, cancel."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from st2desk import audit, clock, numbering
from st2desk.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from st2desk.forms import st2_fields as F
from st2desk.models import (
    DuplicateHit,
    InformationRequest,
    Origin,
    Priority,
    Request,
    RequestStatus,
    ReviewFinding,
    Role,
    SequenceKind,
    Service,
    Unit,
)
from st2desk.services.common import Actor, check_version, clean_text, get_or_404, require_role
from st2desk.services.patients import patient_exists
from st2desk.services.review import Finding, justification_fingerprint, normalize_cie10, run_review
from st2desk.services.visibility import readable_request
from st2desk.services.workflow import SERVICE_LEVEL, ensure_allowed


@dataclass
class RequestData:
    """The editable content of an ST2 request. Unset (None) fields stay as they are."""

    patient_id: int | None = None
    service_id: int | None = None
    diagnosis_code: str | None = None
    justification: str | None = None
    performing_unit_id: int | None = None
    priority: Priority | None = None
    requested_on: date | None = None
    performed_on: date | None = None
    performed_time: time | None = None  # the emergency's hour, local to the unit


@dataclass
class SubmitResult:
    request: Request
    findings: list[Finding] = field(default_factory=list)

    @property
    def submitted(self) -> bool:
        return self.request.status is RequestStatus.IN_REVIEW

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocks]


def _audit(session: Session, actor: Actor | None, action: str, req: Request, **details: object) -> None:
    audit.record(
        session,
        user_id=actor.user_id if actor else None,
        username=actor.username if actor else None,
        action=action,
        entity="request",
        entity_id=req.uuid,
        details={"folio": req.folio, "status": req.status.value, **details},
    )


def _apply(session: Session, req: Request, data: RequestData) -> None:
    if data.patient_id is not None:
        if not patient_exists(session, data.patient_id):
            raise NotFound(f"No existe un paciente con identificador {data.patient_id}.")
        req.patient_id = data.patient_id
    if data.service_id is not None:
        service = get_or_404(session, Service, data.service_id, "un servicio")
        req.service_id = service.id
        req.specialty_id = service.specialty_id
    if data.diagnosis_code is not None:
        code = normalize_cie10(data.diagnosis_code)
        if len(code) > (F.DIAGNOSIS.max_length or 8) or (code and not code.isalnum()):
            raise ValidationError("El código CIE-10 tiene una forma no válida (p. ej. K80.2).",
                                  field="diagnosis")
        req.diagnosis_code = code or None
    if data.justification is not None:
        text = data.justification
        # A draft may hold a short text; the bound is enforced at submission (review).
        spec = F.FieldSpec(F.JUSTIFICATION.name, F.JUSTIFICATION.label, required=False,
                           max_length=F.JUSTIFICATION.max_length)
        req.justification = clean_text(spec, text)
        req.justification_hash = justification_fingerprint(req.justification) if req.justification else None
    if data.performing_unit_id is not None:
        get_or_404(session, Unit, data.performing_unit_id, "una unidad")
        req.performing_unit_id = data.performing_unit_id
    if data.priority is not None:
        req.priority = Priority(data.priority)
    if data.requested_on is not None:
        if data.requested_on > _unit_today(session, req):
            raise ValidationError("La fecha de la solicitud no puede estar en el futuro.",
                                  field="requested_on")
        req.requested_on = data.requested_on
    if data.performed_on is not None:
        req.performed_on = data.performed_on
        req.performed_time = data.performed_time
        zone = _unit_zone(session, req)
        if (data.performed_time is not None and data.performed_on == clock.today_in(zone)
                and data.performed_time > clock.local_in(clock.now(), zone).time()):
            raise ValidationError("La hora de realización no puede estar en el futuro.",
                                  field="performed_time")


def _unit_zone(session: Session, req: Request) -> str | None:
    """The zone of the unit that owns `req` (its requesting unit), also before a flush."""
    unit = req.requesting_unit or session.get(Unit, req.requesting_unit_id)
    return unit.time_zone if unit is not None else None


def _unit_today(session: Session, req: Request) -> date:
    """Today in the zone of the unit that owns `req` (issue 13, item 1)."""
    return clock.today_in(_unit_zone(session, req))


def _new_request(session: Session, user_unit_id: int, physician_id: int, origin: Origin,
                 folio: str | None) -> Request:
    unit = session.get(Unit, user_unit_id)
    today = clock.today_in(unit.time_zone if unit is not None else None)  # the unit's own day
    if folio is None:
        year = today.year
        seq = numbering.allocate(session, user_unit_id, year, SequenceKind.FOLIO)
        folio = numbering.format_folio(unit.code, year, seq)  # type: ignore[union-attr]
    return Request(
        uuid=uuid.uuid4(),
        folio=folio,
        status=RequestStatus.DRAFT,
        origin=origin,
        physician_id=physician_id,
        requesting_unit_id=user_unit_id,
        requested_on=today,
        justification="",
    )


def create_draft(session: Session, actor: Actor, data: RequestData, *,
                 origin: Origin = Origin.APP, folio: str | None = None) -> Request:
    """A new draft of the actor's unit with a freshly allocated folio."""
    require_role(session, actor, Role.PHYSICIAN, "elaborar una solicitud ST2")
    req = _new_request(session, actor.unit_id, actor.user_id, origin, folio)
    _apply(session, req, data)
    session.add(req)
    _audit(session, actor, "create", req, origin=origin.value)
    return req


def file_emergency(session: Session, actor: Actor, data: RequestData) -> Request:
    """Record a service performed as an emergency before authorization (DESIGN §1.2)."""
    require_role(session, actor, Role.PHYSICIAN, "registrar una urgencia")
    if data.performed_on is None:
        raise ValidationError("Indique la fecha en que se realizó la urgencia.", field="performed_on")
    req = _new_request(session, actor.unit_id, actor.user_id, Origin.APP, None)
    if data.performed_on > req.requested_on:  # the unit's today
        raise ValidationError("La fecha de realización no puede estar en el futuro.",
                              field="performed_on")
    req.status = RequestStatus.PERFORMED_EMERGENCY
    req.is_emergency = True
    req.priority = Priority.URGENT
    _apply(session, req, data)
    req.priority = Priority.URGENT
    session.add(req)
    _audit(session, actor, "file_emergency", req, performed_on=data.performed_on.isoformat(),
           performed_time=data.performed_time.isoformat("minutes") if data.performed_time else None)
    return req


def draft_to_emergency(session: Session, actor: Actor, request_id: int, data: RequestData, *,
                       expected_version: int | None = None) -> Request:
    """An own draft, never sent, recorded as an emergency already performed (issue 13, 6):
    attaching the ER note first saves a draft, and that must not block the emergency."""
    req = _own_request(session, actor, request_id, "registrarla como urgencia")
    check_version(req, expected_version)
    if req.status is not RequestStatus.DRAFT or req.submitted_at is not None:
        raise ValidationError(f"La solicitud {req.folio} ya fue enviada: no puede registrarse "
                              f"ahora como urgencia realizada.")
    if data.performed_on is None:
        raise ValidationError("Indique la fecha en que se realizó la urgencia.", field="performed_on")
    if data.performed_on > _unit_today(session, req):
        raise ValidationError("La fecha de realización no puede estar en el futuro.",
                              field="performed_on")
    _apply(session, req, data)
    req.status = RequestStatus.PERFORMED_EMERGENCY
    req.is_emergency = True
    req.priority = Priority.URGENT
    _audit(session, actor, "file_emergency", req, performed_on=data.performed_on.isoformat(),
           from_draft=True)
    return req


def _own_request(session: Session, actor: Actor, request_id: int, doing: str) -> Request:
    require_role(session, actor, Role.PHYSICIAN, doing)
    req = readable_request(session, actor.user_id, request_id)
    if req.physician_id != actor.user_id:
        raise PermissionDenied(f"Solo el médico que elaboró la solicitud {req.folio} puede {doing}.")
    return req


def update_draft(session: Session, actor: Actor, request_id: int, data: RequestData, *,
                 expected_version: int | None = None) -> Request:
    req = _own_request(session, actor, request_id, "modificarla")
    check_version(req, expected_version)
    ensure_allowed(req, "edit")
    _apply(session, req, data)
    _audit(session, actor, "edit", req)
    return req


def submit(session: Session, actor: Actor, request_id: int, *,
           expected_version: int | None = None) -> SubmitResult:
    """Run the automated review; without blocking findings the request goes to review.

    Blocking findings are stored with the draft (the physician sees what to fix) and
    the request stays a draft; warnings travel with it to the specialist.
    """
    req = _own_request(session, actor, request_id, "enviarla")
    check_version(req, expected_version)
    ensure_allowed(req, "submit")
    return run_submission(session, actor, req)


def run_submission(session: Session, actor: Actor | None, req: Request,
                   **details: object) -> SubmitResult:
    """The automated review and, without blocking findings, the move to review.

    Shared by `submit` (the physician) and the paper/PDF intake (`services.paper`), which
    check who may act before calling it. `actor` None is the local administrator (CLI).
    """
    ensure_allowed(req, "submit")
    session.flush()
    _serialize_duplicate_check(session, req)
    findings = run_review(session, req)
    req.findings = [
        ReviewFinding(severity=f.severity, code=f.code, message=f.message[:400], field=f.field,
                      related_folio=f.related_folio)
        for f in findings
    ]
    result = SubmitResult(req, findings)
    # The findings above replace the last attempt's; duplicates are also kept for good
    # (the reports count every duplicate found, even one fixed and resubmitted).
    found_at = clock.now()
    for f in findings:
        if f.code.startswith("duplicate."):
            session.add(DuplicateHit(request_id=req.id, code=f.code, severity=f.severity,
                                     found_at=found_at))
    if result.blocking:
        req.updated_at = clock.now()  # bump the version: the draft's findings changed
        _audit(session, actor, "submit_blocked", req, findings=[f.code for f in result.blocking],
               **details)
        return result
    now = clock.now()
    req.status = RequestStatus.IN_REVIEW
    req.submitted_at = now
    req.due_at = now + SERVICE_LEVEL[req.priority]
    _audit(session, actor, "submit", req, warnings=[f.code for f in findings], **details)
    return result


def _serialize_duplicate_check(session: Session, req: Request) -> None:
    """Two submissions of the same patient and service must not both pass the duplicate
    check. SQLite already runs one write transaction at a time; on PostgreSQL a
    transaction-scoped advisory lock on (patient, service) makes the second wait until the
    first commits, and its check then sees the first request."""
    if req.patient_id is None or req.service_id is None:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:patient, :service)"),
                        {"patient": req.patient_id, "service": req.service_id})


def answer_information(session: Session, actor: Actor, request_id: int, answer: str, *,
                       expected_version: int | None = None) -> Request:
    """The physician answers; the service-level clock resumes where it paused."""
    req = _own_request(session, actor, request_id, "responder la solicitud de información")
    check_version(req, expected_version)
    ensure_allowed(req, "answer_info")
    text = clean_text(F.ANSWER, answer)
    pending = session.scalar(
        select(InformationRequest)
        .where(InformationRequest.request_id == req.id, InformationRequest.answered_at.is_(None))
        .order_by(InformationRequest.id.desc())
    )
    if pending is None:
        raise NotFound(f"La solicitud {req.folio} no tiene preguntas pendientes.")
    now = clock.now()
    pending.answer = text
    pending.answered_at = now
    pending.answered_by_id = actor.user_id
    if req.clock_paused_at is not None and req.due_at is not None:
        req.due_at = req.due_at + (now - req.clock_paused_at)
    req.clock_paused_at = None
    req.status = RequestStatus.IN_REVIEW
    _audit(session, actor, "answer_info", req)
    return req


def cancel(session: Session, actor: Actor, request_id: int, reason: str, *,
           expected_version: int | None = None) -> Request:
    req = _own_request(session, actor, request_id, "cancelarla")
    check_version(req, expected_version)
    ensure_allowed(req, "cancel")
    text = clean_text(F.CANCEL_REASON, reason)
    req.status = RequestStatus.CANCELLED
    req.cancelled_at = clock.now()
    req.clock_paused_at = None
    _audit(session, actor, "cancel", req, reason=text)
    return req


def revise(session: Session, actor: Actor, request_id: int) -> Request:
    """Copy a rejected request into a new draft linked to it (the old one stays rejected)."""
    old = _own_request(session, actor, request_id, "revisarla")
    ensure_allowed(old, "revise")
    existing = session.scalar(select(Request.folio).where(
        Request.revision_of_id == old.id, Request.status != RequestStatus.CANCELLED))
    if existing:
        raise InvalidTransition(
            f"La solicitud {old.folio} ya tiene una revisión en curso (folio {existing}).")
    draft = _new_request(session, actor.unit_id, actor.user_id, Origin.APP, None)
    draft.revision_of_id = old.id
    _apply(session, draft, RequestData(
        patient_id=old.patient_id, service_id=old.service_id, diagnosis_code=old.diagnosis_code,
        justification=old.justification, performing_unit_id=old.performing_unit_id,
        priority=old.priority,
    ))
    session.add(draft)
    _audit(session, actor, "revise", draft, revision_of=old.folio)
    return draft


def find_by_folio(session: Session, folio: str) -> Request:
    value = numbering.normalize(folio)
    numbering.parse_number(value)
    req = session.scalar(select(Request).where(Request.folio == value))
    if req is None:
        raise NotFound(f"No existe una solicitud con folio {value}.")
    return req
