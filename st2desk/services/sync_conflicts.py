"""What sync reported, decided by an administrator (DESIGN §7.2).

A refused bundle leaves each conflict and each refused record here (`sync_conflicts`),
named by folio. An administrator lists them and decides each one:

* ``keep`` — keep this site's version of that folio: the next import of the same bundle
  leaves that record (and what depends on it) out and imports the rest;
* ``dismiss`` — nothing to keep here (the other site will send a corrected bundle):
  the conflict is closed and the bundle stays refused until it no longer has it.

Every decision is an audit event. The same functions serve the command line
(``st2desk sync conflicts`` / ``sync resolve``) and the Administration window.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from st2desk import audit, clock
from st2desk.errors import NotFound, ValidationError
from st2desk.models import Role, SyncConflict
from st2desk.services.common import Actor
from st2desk.services.folios import acting_user

DECISIONS = {"keep": "kept", "dismiss": "dismissed"}
STATUS_LABELS = {"open": "pendiente", "kept": "se conserva la versión local",
                 "dismissed": "descartado"}


@dataclass(frozen=True)
class ConflictRow:
    id: int
    bundle_id: uuid.UUID
    site: str
    kind: str  # "conflict" or "refused"
    folio: str | None
    message: str
    status: str
    resolution: str | None
    created_at: datetime

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def line(self) -> str:
        what = "CONFLICTO" if self.kind == "conflict" else "NO ACEPTADO"
        return (f"{self.id:>5}  {self.status_label:<28} sitio {self.site}  "
                f"{self.folio or '—':<22} {what}: {self.message}")


def _row(c: SyncConflict) -> ConflictRow:
    return ConflictRow(c.id, c.bundle_id, c.site, c.kind, c.folio, c.message, c.status,
                       c.resolution, c.created_at)


def list_conflicts(session: Session, actor: Actor | None, *, include_closed: bool = False,
                   limit: int = 500) -> list[ConflictRow]:
    """Conflicts reported by sync imports, open ones first (administrators)."""
    acting_user(session, actor, [Role.ADMIN], "revisar los conflictos de sincronización")
    query = select(SyncConflict).order_by(SyncConflict.id).limit(limit)
    if not include_closed:
        query = query.where(SyncConflict.status == "open")
    return [_row(c) for c in session.scalars(query)]


def resolve_conflict(session: Session, actor: Actor | None, conflict_id: int, decision: str,
                     note: str) -> ConflictRow:
    """Decide one conflict: ``keep`` this site's version, or ``dismiss`` it (audited)."""
    user = acting_user(session, actor, [Role.ADMIN], "resolver conflictos de sincronización")
    if decision not in DECISIONS:
        raise ValidationError("La decisión debe ser «keep» (conservar la versión de esta base) o "
                              "«dismiss» (descartar el conflicto).")
    note = " ".join((note or "").split())
    if len(note) < 10 or len(note) > 500:
        raise ValidationError("Escriba en la nota por qué se decide así (de 10 a 500 caracteres).")
    conflict = session.get(SyncConflict, conflict_id)
    if conflict is None:
        raise NotFound(f"No existe el conflicto {conflict_id}.")
    if conflict.status != "open":
        raise ValidationError(f"El conflicto {conflict_id} ya se decidió "
                              f"({STATUS_LABELS.get(conflict.status, conflict.status)}).")
    if decision == "keep" and not conflict.folio:
        raise ValidationError(f"El conflicto {conflict_id} no nombra un folio que conservar; "
                              "descártelo y pida a la otra instalación un paquete corregido.")
    conflict.status = DECISIONS[decision]
    conflict.resolution = note
    conflict.resolved_by_id = user.id if user is not None else None
    conflict.resolved_at = clock.now()
    session.flush()
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="sync_resolve",
                 entity="sync_conflict", entity_id=conflict.id,
                 details={"bundle": str(conflict.bundle_id), "folio": conflict.folio,
                          "decision": conflict.status, "site": conflict.site})
    return _row(conflict)
