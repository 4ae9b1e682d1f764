"""The audit log as the administrator sees it: browse and filter, verify with progress.

Browsing pages by `seq` (keyset, newest first), so a page costs the same at the first
event and at the millionth. Filters use indexes: user name and action (with seq), the
record a folio names (entity, entity_id), and dates — turned into a `seq` range, since
the log's times never go backwards (`audit.record`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, event, func, or_, select
from sqlalchemy.orm import Session

from st2desk import audit, numbering, timezones
from st2desk.errors import St2Error
from st2desk.models import AuditEvent, Authorization, Request, Role, Unit
from st2desk.services.common import Actor, require_role

PAGE_SIZE = 200
VERIFY_BATCH = 5000


class VerifyCancelled(St2Error):
    """The administrator stopped the verification."""


@dataclass(frozen=True)
class EventRow:
    seq: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: str
    details: dict[str, Any]


@dataclass(frozen=True)
class EventFilter:
    username: str = ""
    action: str = ""
    since: date | None = None
    until: date | None = None  # inclusive
    folio: str = ""


def _start_of(day: date, tz: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def list_actions(session: Session, actor: Actor) -> list[str]:
    """The distinct actions in the log (for the filter's list)."""
    require_role(session, actor, Role.ADMIN, "consultar la bitácora de auditoría")
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def list_events(session: Session, actor: Actor, flt: EventFilter | None = None, *,
                before_seq: int | None = None, limit: int = PAGE_SIZE) -> list[EventRow]:
    """Events matching `flt`, newest first, `limit` of them with seq below `before_seq`."""
    require_role(session, actor, Role.ADMIN, "consultar la bitácora de auditoría")
    flt = flt or EventFilter()
    query = select(AuditEvent)
    if before_seq is not None:
        query = query.where(AuditEvent.seq < before_seq)
    if flt.username.strip():
        query = query.where(AuditEvent.username == flt.username.strip().lower())
    if flt.action.strip():
        query = query.where(AuditEvent.action == flt.action.strip())
    if flt.since or flt.until:
        unit = session.get(Unit, actor.unit_id)
        tz = timezones.unit_zone(unit)
        if flt.since:
            first = session.scalar(select(AuditEvent.seq).where(
                AuditEvent.at >= _start_of(flt.since, tz)).order_by(AuditEvent.at).limit(1))
            if first is None:
                return []
            query = query.where(AuditEvent.seq >= first)
        if flt.until:
            last = session.scalar(select(AuditEvent.seq).where(
                AuditEvent.at < _start_of(flt.until + timedelta(days=1), tz))
                .order_by(AuditEvent.at.desc()).limit(1))
            if last is None:
                return []
            query = query.where(AuditEvent.seq <= last)
    if flt.folio.strip():
        folio = numbering.normalize(flt.folio)
        found = session.execute(select(Request.uuid, Authorization.uuid).outerjoin(
            Authorization, Authorization.request_id == Request.id).where(
            or_(Request.folio == folio, Authorization.number == folio))).first()
        targets = [and_(AuditEvent.entity == "folio", AuditEvent.entity_id == folio)]
        if found is not None:
            targets.append(and_(AuditEvent.entity == "request", AuditEvent.entity_id == str(found[0])))
            if found[1] is not None:
                targets.append(and_(AuditEvent.entity == "authorization",
                                    AuditEvent.entity_id == str(found[1])))
        query = query.where(or_(*targets))
    rows = session.scalars(query.order_by(AuditEvent.seq.desc()).limit(max(1, min(limit, 1000))))
    return [EventRow(e.seq, e.at, e.username, e.action, e.entity, e.entity_id, e.details or {})
            for e in rows]


def verify_chain(session: Session, actor: Actor, *,
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> audit.ChainReport:
    """`audit.verify` with progress (events read so far, of the total) and cancel."""
    require_role(session, actor, Role.ADMIN, "verificar la bitácora de auditoría")
    total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    batches = {"n": 0}

    def each_batch(state: Any) -> None:  # one SELECT per batch of events
        if not state.is_select:
            return
        if cancelled is not None and cancelled():
            raise VerifyCancelled("Verificación cancelada; no se concluyó nada sobre la bitácora.")
        if progress is not None:
            progress(min(batches["n"] * VERIFY_BATCH, total), total)
        batches["n"] += 1

    event.listen(session, "do_orm_execute", each_batch)
    try:
        report = audit.verify(session, batch=VERIFY_BATCH)
    finally:
        event.remove(session, "do_orm_execute", each_batch)
    if progress is not None:
        progress(total, total)
    return report


def record_verification(session: Session, actor: Actor, report: audit.ChainReport) -> None:
    """Audit that the administrator verified the chain (a short write after the long read,
    so the verification never holds the database's write lock)."""
    require_role(session, actor, Role.ADMIN, "verificar la bitácora de auditoría")
    audit.record(session, user_id=actor.user_id, username=actor.username, action="audit_verify",
                 entity="audit_log", entity_id="chain",
                 details={"events": report.events, "ok": report.ok,
                          "first_broken_seq": report.first_broken_seq})


def plain_result(report: audit.ChainReport) -> str:
    """The verification's result in words an administrator can act on."""
    if report.ok:
        return (f"La bitácora está íntegra: se revisaron {report.events} eventos y ninguno fue "
                "alterado, borrado ni reordenado.")
    return (f"La bitácora fue alterada: el evento {report.first_broken_seq} no es el que se "
            f"registró ({report.reason}). Los {report.events} eventos anteriores están íntegros. "
            "No siga trabajando con esta base de datos: avise al responsable de sistemas y "
            "conserve un respaldo tal como está.")
