"""Append-only audit log with a SHA-256 hash chain (DESIGN §1.6).

Each event's hash covers its own fields and the previous event's hash, so changing,
deleting or reordering any row breaks every later link. Appends are serialized (an
advisory lock on PostgreSQL, the write lock of ``BEGIN IMMEDIATE`` on SQLite) so two
workstations can never fork the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from st2desk import clock
from st2desk.models import AuditEvent

GENESIS = "0" * 64
SYSTEM_USER = "sistema"
_PG_LOCK_KEY = 0x5732_4155  # arbitrary constant: "ST2AU"
NOTIFY_CHANNEL = "st2desk_changes"


def _canonical(event: AuditEvent) -> bytes:
    at = event.at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    body = {
        "seq": event.seq,
        "at": at,
        "user_id": event.user_id,
        "username": event.username,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def record(
    session: Session,
    *,
    user_id: int | None,
    username: str | None,
    action: str,
    entity: str,
    entity_id: object,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (it commits or rolls back with it)."""
    session.flush()  # the entity's id must exist before it is named here
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.at).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    # The log's times never go backwards, whatever a workstation's clock says (a station
    # set back, a clock corrected by NTP): an event is never older than the one before.
    moment = max(clock.now(), last.at) if last else clock.now()
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        at=moment,
        user_id=user_id,
        username=username or SYSTEM_USER,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        details=details or {},
        prev_hash=last.hash if last else GENESIS,
    )
    event.hash = compute_hash(event)
    session.add(event)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # Delivered at commit to every workstation listening (st2desk.notify); not on rollback.
        session.execute(text("SELECT pg_notify(:channel, :entity)"),
                        {"channel": NOTIFY_CHANNEL, "entity": entity})
    return event


def record_many(session: Session, events: list[dict]) -> int:
    """Append many events at once (each a dict of `record`'s keyword arguments), in order,
    in the caller's transaction: one lock and one read of the chain's head for all of them
    (a bundle of 10,000 requests writes an event per imported change)."""
    if not events:
        return 0
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash, AuditEvent.at).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    moment = max(clock.now(), last.at) if last else clock.now()
    seq = last.seq if last else 0
    prev = last.hash if last else GENESIS
    rows = []
    for e in events:
        seq += 1
        event = AuditEvent(seq=seq, at=moment, user_id=e.get("user_id"),
                           username=e.get("username") or SYSTEM_USER, action=e["action"],
                           entity=e["entity"], entity_id=str(e["entity_id"]),
                           details=e.get("details") or {}, prev_hash=prev)
        event.hash = compute_hash(event)
        prev = event.hash
        rows.append(event)
    session.add_all(rows)
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :entity)"),
                        {"channel": NOTIFY_CHANNEL, "entity": rows[-1].entity})
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    events: int
    first_broken_seq: int | None
    reason: str | None

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute the chain; name the first broken link."""
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return ChainReport(count, None, None)
        for event in rows:
            if event.seq != expected_seq:
                return ChainReport(count, expected_seq, f"falta el evento {expected_seq}")
            if event.prev_hash != prev_hash:
                return ChainReport(count, event.seq, "el enlace con el evento anterior no coincide")
            if compute_hash(event) != event.hash:
                return ChainReport(count, event.seq, "el contenido del evento fue modificado")
            prev_hash = event.hash
            expected_seq += 1
            count += 1
            last_seq = event.seq
        session.expunge_all()
