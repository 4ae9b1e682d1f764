"""Append-only audit log with a SHA-256 hash chain (DESIGN §1.6), anchored by signed
checkpoints (DESIGN §7.3).

Each event's hash covers its own fields and the previous event's hash, so changing,
deleting or reordering any row breaks every later link. Appends are serialized (an
advisory lock on PostgreSQL, the write lock of ``BEGIN IMMEDIATE`` on SQLite) so two
workstations can never fork the chain.

A chain alone cannot show that its last rows were deleted, or that someone rewrote rows
and recomputed every later hash. So the site signs a checkpoint — sequence, hash and time
of the chain's head — with its installation key at each export and backup and at least
daily (the first event of a day without one makes it); checkpoints travel in bundles to
the other site. `verify` checks every checkpoint's signature and that the chain still
reaches it with the same hash: truncation, deletion, reordering and rewriting up to the
last checkpoint are found and named.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from sqlalchemy import Integer, String, column, func, select, text
from sqlalchemy.orm import Session

from st2desk import clock
from st2desk.models import AuditCheckpoint, AuditEvent

GENESIS = "0" * 64
_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
SYSTEM_USER = "sistema"
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
    return _ENCODER.encode(body).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def _head(session: Session):  # type: ignore[no-untyped-def]
    """(seq, hash, at) of the chain's last event, or None; on PostgreSQL the server's
    function takes the append lock and reads it (row security hides it from most people)."""
    if session.get_bind().dialect.name == "postgresql":
        head = func.st2desk_audit_head().table_valued(
            column("seq", Integer), column("hash", String), column("at", AuditEvent.at.type))
        last = session.execute(select(head.c.seq, head.c.hash, head.c.at)).first()
        return None if last is None or last.seq is None else last
    return session.execute(select(AuditEvent.seq, AuditEvent.hash, AuditEvent.at)
                           .order_by(AuditEvent.seq.desc()).limit(1)).first()


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
    last = _head(session)
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
    _daily_checkpoint(session, event)
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
    last = _head(session)
    moment = max(clock.now(), last.at) if last else clock.now()
    seq = last.seq if last else 0
    prev = last.hash if last else GENESIS
    rows = []
    from types import SimpleNamespace

    event = SimpleNamespace()  # what `compute_hash` reads, without ORM instrumentation
    for e in events:
        seq += 1
        row = dict(seq=seq, at=moment, user_id=e.get("user_id"),
                   username=e.get("username") or SYSTEM_USER, action=e["action"],
                   entity=e["entity"], entity_id=str(e["entity_id"]),
                   details=e.get("details") or {}, prev_hash=prev)
        for key, value in row.items():
            setattr(event, key, value)
        row["hash"] = prev = compute_hash(event)  # type: ignore[arg-type]
        rows.append(row)
    from sqlalchemy import insert

    session.execute(insert(AuditEvent), rows)  # Core: an executemany, not 10,000 ORM objects
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :entity)"),
                        {"channel": NOTIFY_CHANNEL, "entity": rows[-1]["entity"]})
    return len(rows)


# --------------------------------------------------------------------------- checkpoints

CHECKPOINT_DOMAIN = b"st2desk-audit-checkpoint-v1\x00"
DAILY = 24 * 3600
_daily_checked: dict[str, float] = {}  # database URL -> monotonic time of the last look


def checkpoint_message(site: str, seq: int, hash_: str, at: str) -> bytes:
    return CHECKPOINT_DOMAIN + f"{site}|{seq}|{hash_}|{at}".encode()


def _at_text(at: object) -> str:
    from datetime import datetime

    assert isinstance(at, datetime)
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def checkpoint(session: Session, reason: str) -> AuditCheckpoint | None:
    """Sign the chain's current head with this installation's key (None: empty log)."""
    from st2desk import signing

    session.flush()
    head = _head(session)
    if head is None:
        return None
    key = signing.ensure_local_key_registered(session)
    site = signing.site_label(session).code
    at = clock.now()
    signature = signing.b64url(key.sign(checkpoint_message(site, head.seq, head.hash, _at_text(at))))
    cp = AuditCheckpoint(site=site, key_id=key.kid, seq=head.seq, hash=head.hash, at=at,
                         reason=reason, signature=signature)
    session.add(cp)
    session.flush()
    return cp


def checkpoint_data(cp: AuditCheckpoint) -> dict:
    """A checkpoint as it travels in a bundle."""
    return {"site": cp.site, "key_id": cp.key_id, "seq": cp.seq, "hash": cp.hash,
            "at": _at_text(cp.at), "signature": cp.signature}


def checkpoint_signature_ok(session: Session, cp: AuditCheckpoint | dict,
                            keys: dict | None = None) -> bool:
    from st2desk import signing

    data = cp if isinstance(cp, dict) else checkpoint_data(cp)
    keys = keys if keys is not None else signing.registered_keys(session)
    reg = keys.get(data["key_id"])
    if reg is None:
        return False
    message = checkpoint_message(data["site"], int(data["seq"]), data["hash"], data["at"])
    from st2desk.signing import _verify, unb64url

    try:
        return _verify(reg.entry.key, unb64url(data["signature"]), message)
    except ValueError:
        return False


def _daily_checkpoint(session: Session, event: AuditEvent) -> None:
    """At least one checkpoint a day: the first event of a day without one makes it, once
    this installation signs for this database (its key registered here by its first slip,
    key export, site label, bundle or checkpoint): an event never creates a key."""
    import time

    from st2desk import signing
    from st2desk.models import Setting

    url = str(session.get_bind().engine.url)
    now = time.monotonic()
    last_look = _daily_checked.get(url)
    if last_look is not None and now - last_look < 3600:
        return
    _daily_checked[url] = now
    from datetime import timedelta

    latest = session.scalar(select(func.max(AuditCheckpoint.at)).where(
        AuditCheckpoint.bundle_id.is_(None)))
    if latest is None or clock.now() - latest >= timedelta(seconds=DAILY):
        import logging

        if not signing.key_path().exists():
            return
        try:
            kid = signing.local_key(create=False).kid
        except Exception:  # noqa: BLE001 - a damaged key: the next slip says so
            return
        if session.get(Setting, signing.SETTING_PREFIX + kid) is None:
            return

        try:  # never let the anchor stop the event it follows (a key folder not writable…)
            with session.begin_nested():
                checkpoint(session, "diario")
        except Exception as exc:  # noqa: BLE001
            logging.getLogger(__name__).warning("no daily audit checkpoint: %s", type(exc).__name__)


@dataclass(frozen=True)
class ChainReport:
    events: int
    first_broken_seq: int | None
    reason: str | None
    checkpoints: int = 0
    anchored_seq: int = 0  # the chain is vouched for up to this event by a signed checkpoint

    @property
    def ok(self) -> bool:
        return self.first_broken_seq is None


def export_checkpoints(session: Session, site: str) -> str:
    """The checkpoints another site's bundles brought here, one JSON object a line: that site
    checks its own log against them (`verify(extra=…)`), even if its copies were deleted."""
    rows = session.scalars(select(AuditCheckpoint).where(
        AuditCheckpoint.site == site, AuditCheckpoint.bundle_id.is_not(None))
        .order_by(AuditCheckpoint.seq)).all()
    return "".join(_ENCODER.encode(checkpoint_data(cp)) + "\n" for cp in rows)


def parse_checkpoints(text: str) -> list[dict]:
    from st2desk.errors import ValidationError

    out = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or not {"site", "key_id", "seq", "hash", "at",
                                                  "signature"} <= set(data):
                raise ValueError
            int(data["seq"])
        except (ValueError, TypeError, RecursionError):
            raise ValidationError(f"La línea {number} del archivo de puntos de control no es "
                                  "válida.") from None
        out.append(data)
    return out


def verify(session: Session, batch: int = 5000, extra: list[dict] | None = None) -> ChainReport:
    """Recompute the chain and check it against this site's signed checkpoints (and `extra`
    ones, kept by another site); name the first broken link, or what a checkpoint shows was
    removed or rewritten."""
    from datetime import datetime

    from st2desk import signing

    checkpoints = list(session.scalars(select(AuditCheckpoint).where(
        AuditCheckpoint.bundle_id.is_(None)).order_by(AuditCheckpoint.seq, AuditCheckpoint.id)))
    for data in extra or []:
        at = datetime.fromisoformat(str(data["at"])).replace(tzinfo=UTC)
        checkpoints.append(AuditCheckpoint(site=data["site"], key_id=data["key_id"],
                                           seq=int(data["seq"]), hash=data["hash"], at=at,
                                           reason="externo", signature=data["signature"]))
    checkpoints.sort(key=lambda cp: cp.seq)
    keys = signing.registered_keys(session)
    for cp in checkpoints:
        if not checkpoint_signature_ok(session, cp, keys):
            return ChainReport(0, cp.seq, f"el punto de control del {_when(cp)} (evento {cp.seq}) "
                                          "no tiene una firma válida de este sitio: fue alterado",
                               len(checkpoints))
    wanted = {cp.seq: cp for cp in checkpoints}
    seen_hash: dict[int, str] = {}
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    last_seq = 0
    broken: tuple[int, str] | None = None
    while broken is None:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq:
                broken = (expected_seq, f"falta el evento {expected_seq}")
                break
            if event.prev_hash != prev_hash:
                broken = (event.seq, "el enlace con el evento anterior no coincide")
                break
            if compute_hash(event) != event.hash:
                broken = (event.seq, "el contenido del evento fue modificado")
                break
            if event.seq in wanted:
                seen_hash[event.seq] = event.hash
            prev_hash = event.hash
            expected_seq += 1
            count += 1
            last_seq = event.seq
        session.expunge_all()
    # The checkpoints: every one the intact chain reaches must carry the same hash.
    latest = checkpoints[-1] if checkpoints else None
    if broken is None and latest is not None and latest.seq > last_seq:
        return ChainReport(count, last_seq + 1, (
            f"la bitácora termina en el evento {last_seq}, pero el punto de control firmado el "
            f"{_when(latest)} certifica {latest.seq} eventos: se borraron los últimos "
            f"{latest.seq - last_seq}"), len(checkpoints))
    for cp in checkpoints:
        if broken is not None and cp.seq >= broken[0]:
            continue
        if seen_hash.get(cp.seq) != cp.hash:
            return ChainReport(count, cp.seq, (
                f"el evento {cp.seq} no es el que certificó el punto de control firmado el "
                f"{_when(cp)}: la bitácora fue reescrita, reordenada o se borraron eventos hasta "
                "ese punto"), len(checkpoints))
    if broken is not None:
        return ChainReport(count, broken[0], broken[1], len(checkpoints))
    anchored = max((cp.seq for cp in checkpoints), default=0)
    return ChainReport(count, None, None, len(checkpoints), anchored)


def _when(cp: AuditCheckpoint) -> str:
    """The checkpoint's time on the wall clock of the person's unit (issue 13, item 1)."""
    at = cp.at if cp.at.tzinfo is not None else cp.at.replace(tzinfo=UTC)
    return f"{clock.local(at):%d/%m/%Y %H:%M}"
