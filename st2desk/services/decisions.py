"""The dictamen (specialist) and the recurso de revisión (appeals head)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from st2desk import audit, clock, numbering, timezones
from st2desk.errors import InvalidTransition, PermissionDenied, ValidationError
from st2desk.forms import st2_fields as F
from st2desk.models import (
    Appeal,
    Authorization,
    AuthorizationStatus,
    Decision,
    DecisionKind,
    InformationRequest,
    RejectionReason,
    Request,
    RequestStatus,
    Role,
    SequenceKind,
    Unit,
    User,
)
from st2desk.services.common import Actor, check_version, clean_text, get_or_404, require_role
from st2desk.services.visibility import NO_SPECIALTY, readable_request
from st2desk.services.workflow import APPEAL_WINDOW, ensure_allowed

MAX_VALIDITY_DAYS = 365


def _audit(session: Session, actor: Actor, action: str, req: Request, **details: object) -> None:
    audit.record(session, user_id=actor.user_id, username=actor.username, action=action,
                 entity="request", entity_id=req.uuid,
                 details={"folio": req.folio, "status": req.status.value, **details})


def _reviewable(session: Session, actor: Actor, request_id: int, doing: str,
                expected_version: int | None) -> tuple[User, Request]:
    """The specialist may decide only requests of their unit and specialty, never their own."""
    user = require_role(session, actor, Role.SPECIALIST, doing)
    if user.specialty_id is None:
        raise PermissionDenied(NO_SPECIALTY)
    req = readable_request(session, user.id, request_id)
    check_version(req, expected_version)
    if req.physician_id == user.id:
        raise PermissionDenied(f"No puede dictaminar la solicitud {req.folio}: usted la elaboró.")
    if req.performing_unit_id != user.unit_id:
        raise PermissionDenied(
            f"La solicitud {req.folio} corresponde a otra unidad de destino; "
            "solo la dictaminan los especialistas de esa unidad.")
    if req.specialty_id != user.specialty_id:
        raise PermissionDenied(f"La solicitud {req.folio} es de otra especialidad.")
    return user, req


def ask_information(session: Session, actor: Actor, request_id: int, question: str, *,
                    expected_version: int | None = None) -> Request:
    """Ask the physician for more information; the service-level clock pauses."""
    _user, req = _reviewable(session, actor, request_id, "pedir información", expected_version)
    ensure_allowed(req, "ask_info")
    text = clean_text(F.QUESTION, question)
    now = clock.now()
    session.add(InformationRequest(request_id=req.id, asked_by_id=actor.user_id, asked_at=now,
                                   question=text))
    req.status = RequestStatus.INFO_REQUESTED
    req.clock_paused_at = now
    _audit(session, actor, "ask_info", req)
    return req


def _issue_authorization(session: Session, actor: Actor, req: Request, *, valid_days: int | None,
                         performing_unit_id: int | None, scheduling_note: str | None) -> Authorization:
    days = valid_days if valid_days is not None else (req.service.validity_days if req.service else 90)
    if not 1 <= days <= MAX_VALIDITY_DAYS:
        raise ValidationError(f"La vigencia debe estar entre 1 y {MAX_VALIDITY_DAYS} días.",
                              field="valid_days")
    unit_id = performing_unit_id or req.performing_unit_id
    if unit_id is None:
        raise ValidationError("Indique la unidad de destino.", field="performing_unit")
    performing = get_or_404(session, Unit, unit_id, "una unidad")
    note = clean_text(F.SCHEDULING_NOTE, scheduling_note) or None
    issuing_unit = session.get(Unit, actor.unit_id)
    # The number counts in the issuing unit's year; the validity in the performing unit's
    # days (where it is used; the PostgreSQL wall judges a use on that calendar).
    year = clock.today_in(issuing_unit.time_zone if issuing_unit else None).year
    today = clock.today_in(performing.time_zone)
    seq = numbering.allocate(session, actor.unit_id, year, SequenceKind.AUTHORIZATION)
    # An emergency is authorized retroactively: validity starts the day it was performed.
    start = req.performed_on if req.is_emergency and req.performed_on else today
    auth = Authorization(
        uuid=uuid.uuid4(),
        number=numbering.format_authorization(issuing_unit.code, year, seq),  # type: ignore[union-attr]
        request_id=req.id,
        status=AuthorizationStatus.VALID,
        valid_from=start,
        valid_until=max(start, today) + timedelta(days=days),
        performing_unit_id=unit_id,
        scheduling_note=note,
        retroactive=req.is_emergency,
        issued_by_id=actor.user_id,
        issued_at=clock.now(),
    )
    session.add(auth)
    req.status = RequestStatus.AUTHORIZED
    req.decided_at = clock.now()
    return auth


def approve(session: Session, actor: Actor, request_id: int, *, valid_days: int | None = None,
            performing_unit_id: int | None = None, scheduling_note: str | None = None,
            text: str = "", expected_version: int | None = None) -> Authorization:
    _user, req = _reviewable(session, actor, request_id, "aprobar", expected_version)
    ensure_allowed(req, "approve")
    auth = _issue_authorization(session, actor, req, valid_days=valid_days,
                                performing_unit_id=performing_unit_id, scheduling_note=scheduling_note)
    session.add(Decision(request_id=req.id, kind=DecisionKind.APPROVE, decided_by_id=actor.user_id,
                         decided_at=clock.now(), text=(text or "").strip()[:2000]))
    _audit(session, actor, "approve", req, number=auth.number)
    return auth


def _reason(session: Session, reason_code: str) -> RejectionReason:
    reason = session.scalar(select(RejectionReason).where(
        RejectionReason.code == (reason_code or "").strip().upper()))
    if reason is None or not reason.active:
        raise ValidationError("Elija un motivo de rechazo del catálogo.", field="reason")
    return reason


def reject(session: Session, actor: Actor, request_id: int, reason_code: str, text: str, *,
           expected_version: int | None = None) -> Request:
    """Reject with a coded reason and a specific explanation (never a bare "no")."""
    _user, req = _reviewable(session, actor, request_id, "rechazar", expected_version)
    ensure_allowed(req, "reject")
    reason = _reason(session, reason_code)
    explanation = clean_text(F.REJECTION_TEXT, text)
    now = clock.now()
    session.add(Decision(request_id=req.id, kind=DecisionKind.REJECT, decided_by_id=actor.user_id,
                         decided_at=now, reason_code=reason.code, text=explanation))
    req.status = RequestStatus.REJECTED
    req.decided_at = now
    req.rejected_at = now
    _audit(session, actor, "reject", req, reason=reason.code)
    return req


def file_appeal(session: Session, actor: Actor, request_id: int, grounds: str, *,
                expected_version: int | None = None) -> Appeal:
    """Recurso de revisión by the requesting physician within 15 days of the rejection."""
    require_role(session, actor, Role.PHYSICIAN, "interponer un recurso de revisión")
    req = readable_request(session, actor.user_id, request_id)
    if req.physician_id != actor.user_id:
        raise PermissionDenied(
            f"Solo el médico que elaboró la solicitud {req.folio} puede interponer el recurso.")
    check_version(req, expected_version)
    ensure_allowed(req, "appeal")
    if req.rejected_at is not None and clock.now() - req.rejected_at > APPEAL_WINDOW:
        raise InvalidTransition(
            f"El plazo de 15 días para interponer el recurso venció el "
            f"{clock.stamp(req.rejected_at + APPEAL_WINDOW, timezones.request_zone(req))}.")
    text = clean_text(F.APPEAL_GROUNDS, grounds)
    appeal = Appeal(request_id=req.id, filed_by_id=actor.user_id, filed_at=clock.now(), grounds=text)
    session.add(appeal)
    req.status = RequestStatus.IN_APPEAL
    _audit(session, actor, "appeal", req)
    return appeal


def decide_appeal(session: Session, actor: Actor, request_id: int, *, grant: bool, text: str,
                  reason_code: str | None = None, valid_days: int | None = None,
                  expected_version: int | None = None) -> Request:
    """Grant (authorize) or deny (final rejection) an appeal; never by the first decider."""
    user = require_role(session, actor, Role.APPEALS, "resolver recursos de revisión")
    req = readable_request(session, user.id, request_id)
    check_version(req, expected_version)
    ensure_allowed(req, "decide_appeal")
    first_deciders = set(session.scalars(select(Decision.decided_by_id).where(
        Decision.request_id == req.id, Decision.on_appeal.is_(False))))
    if user.id in first_deciders:
        raise PermissionDenied(
            "No puede resolver este recurso: usted emitió el primer dictamen de la solicitud.")
    if user.id == req.physician_id:
        raise PermissionDenied("No puede resolver un recurso sobre una solicitud que usted elaboró.")
    if req.performing_unit_id != user.unit_id:
        raise PermissionDenied(
            f"El recurso de la solicitud {req.folio} lo resuelve el jefe de servicio de la unidad "
            "de destino.")
    appeal = session.scalar(select(Appeal).where(Appeal.request_id == req.id,
                                                 Appeal.decided_at.is_(None)))
    if appeal is None:
        raise InvalidTransition(f"La solicitud {req.folio} no tiene un recurso pendiente.")
    explanation = clean_text(F.APPEAL_RESOLUTION, text)
    now = clock.now()
    if grant:
        auth = _issue_authorization(session, actor, req, valid_days=valid_days,
                                    performing_unit_id=None, scheduling_note=None)
        decision = Decision(request_id=req.id, kind=DecisionKind.APPROVE, on_appeal=True,
                            decided_by_id=user.id, decided_at=now, text=explanation)
        details = {"number": auth.number}
    else:
        reason = _reason(session, reason_code or "")
        decision = Decision(request_id=req.id, kind=DecisionKind.REJECT, on_appeal=True,
                            decided_by_id=user.id, decided_at=now, reason_code=reason.code,
                            text=explanation)
        req.status = RequestStatus.REJECTED_FINAL
        req.decided_at = now
        details = {"reason": reason.code}
    session.add(decision)
    appeal.decided_by_id = user.id
    appeal.decided_at = now
    appeal.upheld = grant
    _audit(session, actor, "decide_appeal", req, granted=grant, **details)
    return req
