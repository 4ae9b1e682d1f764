"""Load the shipped reference data (DESIGN §2.4) into the database, idempotently.

Rows are matched by code: new codes are added, existing ones updated, none deleted
(requests may point at a code that a later catalog drops; those are deactivated).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from st2desk import timezones
from st2desk.models import (
    Delegation,
    Diagnosis,
    RejectionReason,
    Service,
    ServiceCategory,
    Sex,
    Specialty,
    Unit,
    UnitKind,
)
from st2desk.resources import reference_file
from st2desk.services.review import normalize_cie10


def _rows(name: str) -> Iterator[dict[str, str]]:
    with reference_file(name).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            yield {k: (v or "").strip() for k, v in row.items()}


def _int(value: str) -> int | None:
    return int(value) if value else None


def _sex(value: str) -> Sex | None:
    return Sex(value) if value else None


@dataclass
class LoadReport:
    added: int = 0
    updated: int = 0

    def __add__(self, other: LoadReport) -> LoadReport:
        return LoadReport(self.added + other.added, self.updated + other.updated)


def _load(session: Session, model: type, file: str, convert) -> LoadReport:  # type: ignore[no-untyped-def]
    report = LoadReport()
    existing = {obj.code: obj for obj in session.scalars(select(model))}
    seen: set[str] = set()
    for row in _rows(file):
        code, values = convert(session, row)
        seen.add(code)
        obj = existing.get(code)
        if obj is None:
            obj = existing[code] = model(code=code)
            session.add(obj)
            report.added += 1
        else:
            report.updated += 1
        for key, value in values.items():
            setattr(obj, key, value)
    if hasattr(model, "active"):
        for code, obj in existing.items():
            if code not in seen:
                obj.active = False
    session.flush()
    return report


def _by_code(session: Session, model: type) -> dict[str, int]:
    return {code: ident for ident, code in session.execute(select(model.id, model.code))}  # type: ignore[attr-defined]


def load_reference_data(session: Session) -> LoadReport:
    report = _load(session, Delegation, "delegations.csv",
                   lambda s, r: (r["code"], {"name": r["name"]}))
    delegations = _by_code(session, Delegation)
    report += _load(session, Unit, "units.csv", lambda s, r: (r["code"], {
        "name": r["name"], "kind": UnitKind(r["kind"]), "level": int(r["level"]),
        "delegation_id": delegations[r["delegation_code"]],
        "time_zone": timezones.zone(r.get("time_zone")).key, "active": True,
        "address": (r.get("address") or "").strip() or None,
        "phone": (r.get("phone") or "").strip() or None}))
    report += _load(session, Specialty, "specialties.csv",
                    lambda s, r: (r["code"], {"name": r["name"]}))
    specialties = _by_code(session, Specialty)
    report += _load(session, Service, "services.csv", lambda s, r: (r["code"], {
        "name": r["name"], "category": ServiceCategory(r["category"]),
        "specialty_id": specialties[r["specialty_code"]],
        "in_basic_catalog": r["basic_catalog"] == "1",
        "validity_days": int(r["validity_days"] or 90),
        "repeat_window_days": _int(r["repeat_window_days"]), "sex": _sex(r["sex"]),
        "min_age": _int(r["min_age"]), "max_age": _int(r["max_age"]), "active": True}))
    report += _load(session, RejectionReason, "rejection_reasons.csv",
                    lambda s, r: (r["code"], {"description": r["description"], "active": True}))
    report += _load(session, Diagnosis, "cie10.csv", lambda s, r: (normalize_cie10(r["code"]), {
        "description": r["description"], "sex": _sex(r["sex"]),
        "min_age": _int(r["min_age"]), "max_age": _int(r["max_age"])}))
    return report
