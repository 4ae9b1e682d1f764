"""Shared checks for the services: the acting user, texts, loading with version checks."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session

from st2desk.errors import ConcurrencyConflict, NotFound, PermissionDenied, ValidationError
from st2desk.forms.st2_fields import FieldSpec, length_problem
from st2desk.models import Role, User

ROLE_LABELS = {
    Role.PHYSICIAN: "médico solicitante",
    Role.SPECIALIST: "médico dictaminador",
    Role.APPEALS: "jefe de servicio (recursos de revisión)",
    Role.RECEPTION: "recepción",
    Role.ADMIN: "administrador",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")


@dataclass(frozen=True)
class Actor:
    """Who is acting, as established at login (re-checked against the database)."""

    user_id: int
    username: str
    unit_id: int
    roles: frozenset[Role]
    specialty_id: int | None = None
    # IANA zone of the user's unit: its calendar day is the "today" of what they do.
    time_zone: str | None = None

    @classmethod
    def from_user(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.unit_id, user.roles, user.specialty_id,
                   user.unit.time_zone if user.unit is not None else None)


def require_role(session: Session, actor: Actor, role: Role, doing: str) -> User:
    """The acting user, still active and still holding `role`, or PermissionDenied."""
    user = session.get(User, actor.user_id)
    if user is None or not user.active:
        raise PermissionDenied("Su cuenta no está activa; inicie sesión de nuevo.")
    if role not in user.roles:
        raise PermissionDenied(
            f"Para {doing} se necesita el rol de {ROLE_LABELS[role]}, que su cuenta no tiene."
        )
    return user


def clean_text(spec: FieldSpec, value: str | None) -> str:
    """Normalized text within the field's bounds, or ValidationError naming the field."""
    if value is not None and not isinstance(value, str):
        raise ValidationError(f"«{spec.label}» debe ser texto.", field=spec.name)
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").strip()
    if _CONTROL.search(text):
        raise ValidationError(
            f"«{spec.label}» contiene caracteres de control no imprimibles; vuelva a escribirlo.",
            field=spec.name,
        )
    problem = length_problem(spec, text)
    if problem:
        raise ValidationError(problem, field=spec.name)
    return text


def get_or_404(session: Session, model: type, ident: int, what: str):  # type: ignore[no-untyped-def]
    obj = session.get(model, ident)
    if obj is None:
        raise NotFound(f"No existe {what} con identificador {ident}.")
    return obj


def check_version(obj: object, expected_version: int | None) -> None:
    """Refuse to act on a record another workstation changed since the user loaded it."""
    if expected_version is not None and obj.version != expected_version:  # type: ignore[attr-defined]
        raise ConcurrencyConflict(
            "Otra estación modificó este registro mientras usted lo veía. "
            "Recargue para ver su estado actual."
        )
