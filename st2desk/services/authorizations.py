"""Reception's use cases: find an authorization, record its use; expiry and cancellation."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from st2desk import audit, clock, numbering, timezones
from st2desk.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from st2desk.forms import st2_fields as F
from st2desk.identifiers import compact_nss, validate_nss
from st2desk.models import (
    Authorization,
    AuthorizationStatus,
    Patient,
    Request,
    RequestStatus,
    Role,
    Unit,
)
from st2desk.services.common import Actor, check_version, clean_text, require_role
from st2desk.services.visibility import readable_authorization
from st2desk.services.workflow import ensure_allowed

SEARCH_LIMIT = 50


def _audit(session: Session, actor: Actor | None, action: str, auth: Authorization,
           **details: object) -> None:
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action=action,
                 entity="authorization", entity_id=auth.uuid,
                 details={"number": auth.number, "status": auth.status.value, **details})


def get_by_number(session: Session, number: str) -> Authorization:
    value = numbering.normalize(number)
    parsed = numbering.parse_number(value)
    if not parsed.is_authorization:
        raise ValidationError(f"«{value}» es un folio de solicitud, no un número de autorización.")
    auth = session.scalar(select(Authorization).where(Authorization.number == value))
    if auth is None:
        raise NotFound(f"No existe la autorización {value}.")
    return auth


def search(session: Session, text: str, unit_id: int | None = None) -> list[int]:
    """Ids of the authorizations found by number, request folio or the patient's NSS.

    A barcode scanner types the number followed by Enter, so the same entry point
    serves typed and scanned input. With `unit_id`, only authorizations whose requesting
    or performing unit is that unit (reception sees its own unit's patients only). Only
    the ids are read: the caller builds what it shows in one query of its own.
    """
    value = numbering.normalize(text)
    if not value:
        raise ValidationError("Escriba un número de autorización, un folio o un NSS.")
    query = select(Authorization.id).join(Request, Authorization.request_id == Request.id)
    if unit_id is not None:
        query = query.where(or_(Authorization.performing_unit_id == unit_id,
                                Request.requesting_unit_id == unit_id))
    digits = compact_nss(value)
    if digits.isdigit():
        nss = validate_nss(digits)
        query = (query.join(Patient, Request.patient_id == Patient.id)
                 .where(Patient.nss == nss)
                 .order_by(Authorization.issued_at.desc()).limit(SEARCH_LIMIT))
    elif numbering.parse_number(value).is_authorization:
        query = query.where(Authorization.number == value)
    else:
        query = query.where(Request.folio == value)
    return list(session.scalars(query))


def record_use(session: Session, actor: Actor, authorization_id: int, *,
               expected_version: int | None = None) -> Authorization:
    """The patient presented and the service was performed at the performing unit."""
    user = require_role(session, actor, Role.RECEPTION, "registrar que se realizó el servicio")
    auth = readable_authorization(session, user.id, authorization_id)
    check_version(auth, expected_version)
    if auth.performing_unit_id != user.unit_id:
        raise PermissionDenied(
            f"La autorización {auth.number} es para otra unidad de destino; "
            "el uso se registra en la unidad que realiza el servicio.")
    # Refused by what the authorization is, and naming it (issue 13, item 7), before the
    # request's state is looked at (it follows the authorization's).
    zone = timezones.authorization_zone(auth)  # the performing unit's calendar
    if auth.status is AuthorizationStatus.USED:
        when = f" el {clock.stamp(auth.used_at, zone)}" if auth.used_at else ""
        raise InvalidTransition(f"La autorización {auth.number} ya se utilizó{when}; "
                                "no se registra otra vez.")
    if auth.status is AuthorizationStatus.CANCELLED:
        raise InvalidTransition(f"La autorización {auth.number} fue cancelada; no puede usarse.")
    if auth.status is AuthorizationStatus.EXPIRED:
        raise InvalidTransition(
            f"La autorización {auth.number} venció el {auth.valid_until:%d/%m/%Y}; "
            "el médico debe elaborar una nueva solicitud.")
    ensure_allowed(auth.request, "record_use")
    today = clock.today_in(zone)  # the performing unit's day, as the PostgreSQL wall judges
    if today > auth.valid_until:
        raise InvalidTransition(
            f"La autorización {auth.number} venció el {auth.valid_until:%d/%m/%Y}; "
            "el médico debe elaborar una nueva solicitud.")
    if today < auth.valid_from:
        raise InvalidTransition(
            f"La autorización {auth.number} es válida a partir del {auth.valid_from:%d/%m/%Y}.")
    auth.status = AuthorizationStatus.USED
    auth.used_at = clock.now()
    auth.used_recorded_by_id = user.id
    auth.request.status = RequestStatus.USED
    _audit(session, actor, "record_use", auth)
    return auth


def cancel_authorization(session: Session, actor: Actor, authorization_id: int, reason: str, *,
                         expected_version: int | None = None) -> Authorization:
    require_role(session, actor, Role.ADMIN, "cancelar una autorización")
    auth = readable_authorization(session, actor.user_id, authorization_id)
    check_version(auth, expected_version)
    ensure_allowed(auth.request, "cancel_authorization")
    text = clean_text(F.CANCEL_REASON, reason)
    auth.status = AuthorizationStatus.CANCELLED
    auth.request.status = RequestStatus.CANCELLED
    _audit(session, actor, "cancel_authorization", auth, reason=text)
    return auth


def expire_due(session: Session, actor: Actor | None = None) -> int:
    """Mark valid authorizations past their last day as expired; returns how many.

    Runs as the system (actor None) from a scheduled job or at start-up, or by an admin.
    """
    if actor is not None:
        require_role(session, actor, Role.ADMIN, "vencer autorizaciones")
    # Each authorization expires when its performing unit's day is past its last day (the
    # PostgreSQL wall allows no earlier): candidates by the latest day any unit's zone has
    # reached, then each by its own.
    zones = set(session.scalars(select(Unit.time_zone).distinct())) | {clock.zone_name()}
    latest = max(clock.today_in(z) for z in zones)
    candidates = session.scalars(
        select(Authorization).where(Authorization.status == AuthorizationStatus.VALID,
                                    Authorization.valid_until < latest)
        .options(joinedload(Authorization.request), joinedload(Authorization.performing_unit))
    ).all()
    due = [a for a in candidates
           if a.valid_until < clock.today_in(timezones.authorization_zone(a))]
    for auth in due:
        auth.status = AuthorizationStatus.EXPIRED
        auth.request.status = RequestStatus.EXPIRED
    if due:
        session.flush()
        audit.record(session, user_id=actor.user_id if actor else None,
                     username=actor.username if actor else None, action="expire",
                     entity="authorization", entity_id="*",
                     details={"numbers": [a.number for a in due]})
    return len(due)

