"""Who may read a request: one rule for every read (DESIGN §7.1).

The inbox, the detail, the history, attachments, printing and reception's search all ask
here, so a person reads exactly what their role and unit allow, by whatever path:

- admin: every request (the unit administrator answers for the whole installation);
- specialist: submitted requests whose performing unit is theirs, in their specialty;
- appeals head: submitted requests whose performing unit is theirs;
- physician: requests of their unit, and the ones they filed;
- reception: requests whose requesting or performing unit is theirs.

Drafts (and emergencies not yet filed) belong to the requesting unit until submitted.
A request outside the rule is reported as not found, without its folio, so identifiers
cannot be enumerated.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select, true
from sqlalchemy.orm import Session

from st2desk.errors import NotFound, PermissionDenied
from st2desk.models import Authorization, Patient, Request, RequestStatus, Role, User

NO_SPECIALTY = ("Su cuenta de médico dictaminador no tiene especialidad asignada; pida al "
                "administrador que le asigne una. Hasta entonces no puede dictaminar.")
NOT_SUBMITTED = frozenset({RequestStatus.DRAFT, RequestStatus.PERFORMED_EMERGENCY})


def may_view(user: User, req: Request) -> bool:
    roles = user.roles
    if Role.ADMIN in roles:
        return True
    submitted = req.status not in NOT_SUBMITTED
    if (Role.SPECIALIST in roles and submitted and req.performing_unit_id == user.unit_id
            and user.specialty_id is not None and req.specialty_id == user.specialty_id):
        return True
    if Role.APPEALS in roles and submitted and req.performing_unit_id == user.unit_id:
        return True
    if Role.PHYSICIAN in roles and (req.physician_id == user.id
                                    or req.requesting_unit_id == user.unit_id):
        return True
    return Role.RECEPTION in roles and user.unit_id in (req.performing_unit_id,
                                                        req.requesting_unit_id)


def active_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise PermissionDenied("Su cuenta no está activa; inicie sesión de nuevo.")
    return user


def readable_request(session: Session, user_id: int, request_id: int) -> Request:
    """The request, if the acting user may read it; NotFound otherwise (no folio named)."""
    user = active_user(session, user_id)
    req = session.get(Request, request_id)
    if req is None or not may_view(user, req):
        raise NotFound("No existe esa solicitud entre las que su rol y su unidad pueden ver.")
    return req


def readable_authorization(session: Session, user_id: int, authorization_id: int) -> Authorization:
    """The authorization, if the acting user may read its request; NotFound otherwise."""
    user = active_user(session, user_id)
    auth = session.get(Authorization, authorization_id)
    if auth is None or not may_view(user, auth.request):
        raise NotFound("No existe esa autorización entre las que su rol y su unidad pueden ver.")
    return auth


def patient_visible(user: User) -> ColumnElement[bool]:
    """Patients a user may read: those of their unit, and those with a request that their
    unit filed or performs (an admin reads all)."""
    if Role.ADMIN in user.roles:
        return true()
    return patient_of_unit(user.unit_id)


def patient_of_unit(unit_id: int) -> ColumnElement[bool]:
    """Patients registered at the unit or with a request it filed or performs."""
    worked_here = exists(select(Request.id).where(
        Request.patient_id == Patient.id,
        or_(Request.requesting_unit_id == unit_id, Request.performing_unit_id == unit_id)))
    return or_(Patient.unit_id == unit_id, worked_here)


def may_view_patient(session: Session, user: User, patient_id: int) -> bool:
    return session.scalar(select(Patient.id).where(Patient.id == patient_id,
                                                   patient_visible(user))) is not None
