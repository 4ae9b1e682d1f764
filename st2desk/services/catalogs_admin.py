"""Catalogs kept by administrators: units, services and rejection reasons (DESIGN §2.4).

Every change checks the admin role in the database and writes one audit event naming
the fields that changed (old and new value). Reloading the shipped reference data is
shown first (`preview_reference_reload`: what it would add, change or deactivate, with
nothing written) and applied only on request (`reload_reference_data`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from st2desk import audit, timezones
from st2desk.catalogs import load_reference_data
from st2desk.errors import NotFound, ValidationError
from st2desk.models import (
    Delegation,
    Diagnosis,
    RejectionReason,
    Role,
    Service,
    ServiceCategory,
    Sex,
    Specialty,
    Unit,
    UnitKind,
)
from st2desk.services.common import Actor, require_role

UNIT_LEVEL = {UnitKind.UMF: 1, UnitKind.HGZ: 2, UnitKind.HGR: 2, UnitKind.UMAE: 3}
_UNIT_CODE = re.compile(r"^[0-9]{2}[A-Z0-9]{2,10}$")
_SERVICE_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,23}$")
_REASON_CODE = re.compile(r"^[A-Z0-9]{1,8}$")
_PHONE = re.compile(r"^[0-9 +()\-]{7,40}$")


@dataclass(frozen=True)
class UnitRow:
    id: int
    code: str
    name: str
    kind: UnitKind
    delegation_code: str
    address: str | None
    phone: str | None
    time_zone: str
    active: bool


@dataclass(frozen=True)
class ServiceRow:
    id: int
    code: str
    name: str
    category: ServiceCategory
    specialty_code: str
    in_basic_catalog: bool
    validity_days: int
    repeat_window_days: int | None
    sex: Sex | None
    min_age: int | None
    max_age: int | None
    active: bool


@dataclass(frozen=True)
class ReasonRow:
    id: int
    code: str
    description: str
    active: bool


def _admin(session: Session, actor: Actor, doing: str) -> None:
    require_role(session, actor, Role.ADMIN, doing)


def _text(value: str | None, label: str, field: str, limit: int, *, required: bool = True) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise ValidationError(f"Escriba {label}.", field=field)
        return None
    if len(text) > limit:
        raise ValidationError(f"{label[0].upper()}{label[1:]} admite hasta {limit} caracteres.",
                              field=field)
    return text


def _record(session: Session, actor: Actor, entity: str, obj: Any, before: dict[str, Any] | None,
            after: dict[str, Any]) -> bool:
    """Audit a creation (before None) or the fields that changed; False when nothing did."""
    def plain(value: Any) -> Any:
        return value.value if hasattr(value, "value") else value

    if before is None:
        audit.record(session, user_id=actor.user_id, username=actor.username,
                     action="catalog_add", entity=entity, entity_id=obj.code,
                     details={k: plain(v) for k, v in after.items()})
        return True
    changes = {k: [plain(before[k]), plain(after[k])] for k in after if before.get(k) != after[k]}
    if not changes:
        return False
    audit.record(session, user_id=actor.user_id, username=actor.username,
                 action="catalog_update", entity=entity, entity_id=obj.code,
                 details={"changes": changes})
    return True


def _apply(obj: Any, values: dict[str, Any]) -> None:
    for key, value in values.items():
        setattr(obj, key, value)


# --------------------------------------------------------------------------- units


def list_units(session: Session, actor: Actor) -> list[UnitRow]:
    _admin(session, actor, "consultar los catálogos")
    rows = session.execute(select(Unit, Delegation.code).join(
        Delegation, Unit.delegation_id == Delegation.id).order_by(Unit.code)).all()
    return [UnitRow(u.id, u.code, u.name, u.kind, code, u.address, u.phone, u.time_zone, u.active)
            for u, code in rows]


def save_unit(session: Session, actor: Actor, *, code: str, name: str, kind: UnitKind | str,
              delegation_code: str, address: str | None = None, phone: str | None = None,
              time_zone: str | None = None, active: bool = True) -> UnitRow:
    """Create the unit `code` or change it (the code itself never changes)."""
    _admin(session, actor, "modificar el catálogo de unidades")
    code = (code or "").strip().upper()
    if not _UNIT_CODE.match(code):
        raise ValidationError("La clave de la unidad son los dos dígitos de la delegación y de 2 a "
                              "10 letras o dígitos, por ejemplo 09UMF20.", field="code")
    try:
        unit_kind = UnitKind(kind)
    except ValueError:
        raise ValidationError("Tipo de unidad desconocido.", field="kind") from None
    delegation = session.scalar(select(Delegation).where(
        Delegation.code == (delegation_code or "").strip()))
    if delegation is None:
        raise NotFound(f"No existe la delegación «{delegation_code}».")
    phone_text = _text(phone, "el teléfono", "phone", 40, required=False)
    if phone_text and not _PHONE.match(phone_text):
        raise ValidationError("El teléfono lleva dígitos, espacios, guiones, paréntesis o +.",
                              field="phone")
    values: dict[str, Any] = {
        "name": _text(name, "el nombre de la unidad", "name", 160), "kind": unit_kind,
        "level": UNIT_LEVEL[unit_kind], "delegation_id": delegation.id,
        "address": _text(address, "la dirección", "address", 200, required=False),
        "phone": phone_text, "time_zone": timezones.zone(time_zone).key, "active": bool(active)}
    unit = session.scalar(select(Unit).where(Unit.code == code))
    before = None if unit is None else {k: getattr(unit, k) for k in values}
    if unit is None:
        unit = Unit(code=code)
        session.add(unit)
    _apply(unit, values)
    session.flush()
    _record(session, actor, "unit", unit, before, values)
    return UnitRow(unit.id, unit.code, unit.name, unit.kind, delegation.code, unit.address,
                   unit.phone, unit.time_zone, unit.active)


def list_delegations(session: Session) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in session.scalars(select(Delegation).order_by(Delegation.code))]


def list_specialties(session: Session) -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in session.scalars(select(Specialty).order_by(Specialty.name))]


# --------------------------------------------------------------------------- services


def _service_row(service: Service, specialty_code: str) -> ServiceRow:
    return ServiceRow(service.id, service.code, service.name, service.category, specialty_code,
                      service.in_basic_catalog, service.validity_days, service.repeat_window_days,
                      service.sex, service.min_age, service.max_age, service.active)


def list_services(session: Session, actor: Actor) -> list[ServiceRow]:
    _admin(session, actor, "consultar los catálogos")
    rows = session.execute(select(Service, Specialty.code).join(
        Specialty, Service.specialty_id == Specialty.id).order_by(Service.code)).all()
    return [_service_row(s, code) for s, code in rows]


def save_service(session: Session, actor: Actor, *, code: str, name: str,
                 category: ServiceCategory | str, specialty_code: str, in_basic_catalog: bool,
                 validity_days: int, repeat_window_days: int | None = None,
                 sex: Sex | str | None = None, min_age: int | None = None,
                 max_age: int | None = None, active: bool = True) -> ServiceRow:
    """Create the service `code` or change it. Ages are in whole years; no limit is None."""
    _admin(session, actor, "modificar el catálogo de servicios")
    code = (code or "").strip().upper()
    if not _SERVICE_CODE.match(code):
        raise ValidationError("La clave del servicio lleva de 2 a 24 letras, dígitos o guiones.",
                              field="code")
    try:
        service_category = ServiceCategory(category)
    except ValueError:
        raise ValidationError("Categoría de servicio desconocida.", field="category") from None
    specialty = session.scalar(select(Specialty).where(
        Specialty.code == (specialty_code or "").strip().upper()))
    if specialty is None:
        raise NotFound(f"No existe la especialidad «{specialty_code}».")
    if not isinstance(validity_days, int) or not 1 <= validity_days <= 365:
        raise ValidationError("La vigencia de la autorización va de 1 a 365 días.",
                              field="validity_days")
    if repeat_window_days is not None and not 1 <= repeat_window_days <= 3650:
        raise ValidationError("El periodo para repetir el servicio va de 1 a 3650 días (o sin "
                              "periodo).", field="repeat_window_days")
    for value, field in ((min_age, "min_age"), (max_age, "max_age")):
        if value is not None and not 0 <= value <= 120:
            raise ValidationError("Las edades límite van de 0 a 120 años.", field=field)
    if min_age is not None and max_age is not None and min_age > max_age:
        raise ValidationError("La edad mínima es mayor que la máxima.", field="min_age")
    try:
        service_sex = Sex(sex) if sex else None
    except ValueError:
        raise ValidationError("El sexo es M, F o ninguno.", field="sex") from None
    values: dict[str, Any] = {
        "name": _text(name, "el nombre del servicio", "name", 200), "category": service_category,
        "specialty_id": specialty.id, "in_basic_catalog": bool(in_basic_catalog),
        "validity_days": validity_days, "repeat_window_days": repeat_window_days,
        "sex": service_sex, "min_age": min_age, "max_age": max_age, "active": bool(active)}
    service = session.scalar(select(Service).where(Service.code == code))
    before = None if service is None else {k: getattr(service, k) for k in values}
    if service is None:
        service = Service(code=code)
        session.add(service)
    _apply(service, values)
    session.flush()
    _record(session, actor, "service", service, before, values)
    return _service_row(service, specialty.code)


# --------------------------------------------------------------------------- rejection reasons


def list_reasons(session: Session, actor: Actor) -> list[ReasonRow]:
    _admin(session, actor, "consultar los catálogos")
    return [ReasonRow(r.id, r.code, r.description, r.active)
            for r in session.scalars(select(RejectionReason).order_by(RejectionReason.code))]


def save_reason(session: Session, actor: Actor, *, code: str, description: str,
                active: bool = True) -> ReasonRow:
    """Create the rejection reason `code` or change it. A reason is deactivated, never
    deleted: earlier decisions keep naming it."""
    _admin(session, actor, "modificar el catálogo de motivos de rechazo")
    code = (code or "").strip().upper()
    if not _REASON_CODE.match(code):
        raise ValidationError("La clave del motivo lleva de 1 a 8 letras o dígitos.", field="code")
    values: dict[str, Any] = {
        "description": _text(description, "la descripción del motivo", "description", 200),
        "active": bool(active)}
    reason = session.scalar(select(RejectionReason).where(RejectionReason.code == code))
    before = None if reason is None else {k: getattr(reason, k) for k in values}
    if reason is None:
        reason = RejectionReason(code=code)
        session.add(reason)
    _apply(reason, values)
    session.flush()
    _record(session, actor, "rejection_reason", reason, before, values)
    return ReasonRow(reason.id, reason.code, reason.description, reason.active)


# --------------------------------------------------------------------------- shipped reference data

_CATALOGS: tuple[tuple[str, type], ...] = (
    ("delegación", Delegation), ("unidad", Unit), ("especialidad", Specialty),
    ("servicio", Service), ("motivo de rechazo", RejectionReason), ("diagnóstico", Diagnosis))


@dataclass(frozen=True)
class CatalogChange:
    """One row the reload would touch: kind "add", "update" or "deactivate"."""

    catalog: str
    code: str
    kind: str
    fields: tuple[tuple[str, str, str], ...] = ()  # (field, now, after)

    def describe(self) -> str:
        if self.kind == "add":
            return f"Nuevo {self.catalog} {self.code}"
        if self.kind == "deactivate":
            return f"Se desactiva {self.catalog} {self.code}"
        changed = "; ".join(f"{f}: «{old}» → «{new}»" for f, old, new in self.fields)
        return f"Cambia {self.catalog} {self.code}: {changed}"


def _snapshot(session: Session, model: type) -> dict[str, dict[str, str]]:
    table = model.__table__  # type: ignore[attr-defined]
    columns = [c.key for c in table.columns if c.key not in ("id", "code")]
    out = {}
    for obj in session.scalars(select(model)):
        out[obj.code] = {c: "" if getattr(obj, c) is None else str(
            getattr(getattr(obj, c), "value", getattr(obj, c))) for c in columns}
    return out


def _diff(before: dict[str, dict[str, dict[str, str]]],
          after: dict[str, dict[str, dict[str, str]]]) -> list[CatalogChange]:
    changes: list[CatalogChange] = []
    for catalog, _model in _CATALOGS:
        old_rows, new_rows = before[catalog], after[catalog]
        for code, new in new_rows.items():
            old = old_rows.get(code)
            if old is None:
                changes.append(CatalogChange(catalog, code, "add"))
                continue
            changed = tuple((f, old[f], new[f]) for f in new if old.get(f) != new[f])
            if changed == (("active", "True", "False"),):
                changes.append(CatalogChange(catalog, code, "deactivate"))
            elif changed:
                changes.append(CatalogChange(catalog, code, "update", changed))
    return changes


def preview_reference_reload(session: Session, actor: Actor) -> list[CatalogChange]:
    """What reloading the shipped reference data would change; nothing is kept (the load
    runs and the session is rolled back). Call it in a session of its own."""
    _admin(session, actor, "recargar los catálogos de referencia")
    before = {name: _snapshot(session, model) for name, model in _CATALOGS}
    try:
        load_reference_data(session)
        session.flush()
        after = {name: _snapshot(session, model) for name, model in _CATALOGS}
    finally:
        session.rollback()
    return _diff(before, after)


def reload_reference_data(session: Session, actor: Actor) -> list[CatalogChange]:
    """Load the shipped reference data (audited with the number of rows changed)."""
    _admin(session, actor, "recargar los catálogos de referencia")
    before = {name: _snapshot(session, model) for name, model in _CATALOGS}
    load_reference_data(session)
    session.flush()
    after = {name: _snapshot(session, model) for name, model in _CATALOGS}
    changes = _diff(before, after)
    audit.record(session, user_id=actor.user_id, username=actor.username,
                 action="catalog_reload", entity="catalogs", entity_id="reference",
                 details={"added": sum(c.kind == "add" for c in changes),
                          "updated": sum(c.kind == "update" for c in changes),
                          "deactivated": sum(c.kind == "deactivate" for c in changes),
                          "codes": [f"{c.catalog}:{c.code}" for c in changes][:200]})
    return changes

