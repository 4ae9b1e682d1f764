"""Offline bundles (DESIGN §1.4): a signed file of what a database created or changed.

Export
    Everything the audit log names since the previous export (of the same unit filter)
    goes in the bundle: each request with its findings, information requests,
    decisions, appeals, authorization and attachments; the patients and folio blocks;
    and the users those records mention (name, unit, roles — never a password hash).
    References travel as UUIDs (records) or codes (units, services, specialties), so the
    bundle means the same in any database. The body is gzip'd canonical JSON, signed
    with this installation's Ed25519 key (`st2desk.signing`).

Import
    Refused unless the signing key is registered in this database (its own workstations'
    keys, or keys an administrator trusted) and the signature holds over every byte: a
    tampered or unknown bundle changes nothing. A bundle already imported changes nothing.
    Each record is matched by UUID and compared by a hash of its portable content:

    * new → inserted (natural keys are checked first: a folio, authorization number or
      overlapping folio block that exists under another UUID is a conflict; a patient
      with the same NSS and agregado is the same patient; a user with the same user name
      in the same unit is the same user; an unknown user is created *inactive*, without
      password, so the records that name them keep their author);
    * same content → unchanged;
    * different content made on top of exactly the state this side has (each exported
      record carries the hash of the state it was built on, its *parent*: the last state
      the two sides exchanged) → updated: the other side moved on, this side did not;
    * different content otherwise — both sides changed it since they last exchanged it
      → **conflict**: the local record is kept, the conflict is reported, and the
      records that depend on it in the bundle are skipped (each side keeps its own
      version and reports the conflict when the other's bundle arrives);
    * a bundle older than the one that last touched a record from the same source →
      skipped as stale.

    A request made in the other installation's application arrives with origin ``sync``
    (paper and PDF keep theirs). Users are never updated by a bundle (accounts are
    managed where they live). The number counters advance past every imported folio,
    authorization number and folio block, so this database will not hand them out again.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from st2desk import audit, clock, numbering, signing
from st2desk.errors import St2Error, ValidationError
from st2desk.models import (
    Appeal,
    Attachment,
    AuditEvent,
    Authorization,
    AuthorizationStatus,
    Decision,
    DecisionKind,
    FolioBlock,
    InformationRequest,
    Origin,
    Patient,
    Priority,
    Request,
    RequestStatus,
    ReviewFinding,
    Role,
    SequenceKind,
    Service,
    Severity,
    Sex,
    Specialty,
    SyncBundle,
    SyncRecord,
    Unit,
    User,
    UserRole,
)
from st2desk.services.common import Actor
from st2desk.services.folios import acting_user

MAGIC = b"ST2DESK-BUNDLE 2\n"
_HEADER_KEYS = {"key_id", "public_key", "signature", "size"}
_OUTER_KEYS = {"to", "size"}
FORMAT = "st2desk-bundle"
VERSION = 2
MAX_BODY = 256 * 1024 * 1024  # decompressed JSON: ~10 KB a request, attachments aside
MAX_DEPTH = 12  # the bundle's own structure is 6 levels deep
MAX_HEADER = 4096
UNUSABLE_PASSWORD = "!sync-import: sin contraseña"  # never a valid Argon2 hash

ENTITY_ORDER = ("user", "patient", "folio_block", "request", "information_request", "decision",
                "appeal", "authorization", "attachment")
ENTITY_LABELS = {
    "user": "usuario", "patient": "paciente", "folio_block": "bloque de folios",
    "request": "solicitud", "information_request": "solicitud de información",
    "decision": "dictamen", "appeal": "recurso de revisión", "authorization": "autorización",
    "attachment": "archivo adjunto",
}
ENTITY_PLURALS = {
    "user": "usuarios", "patient": "pacientes", "folio_block": "bloques de folios",
    "request": "solicitudes", "information_request": "solicitudes de información",
    "decision": "dictámenes", "appeal": "recursos de revisión", "authorization": "autorizaciones",
    "attachment": "archivos adjuntos",
}


def counted(counts: dict[str, int]) -> str:
    """«2 solicitudes, 1 paciente» — or «ninguno»."""
    return ", ".join(f"{n} {ENTITY_LABELS[e] if n == 1 else ENTITY_PLURALS[e]}"
                     for e, n in counts.items() if n) or "ninguno"


class BundleRefused(St2Error):
    """The bundle is damaged, tampered with, signed by an untrusted key, or not a bundle."""


# --------------------------------------------------------------------------- portable records
#
# (key in the bundle, attribute on the model, kind). Kinds: str/int/bool (as is), date,
# dt (aware UTC), enum classes, refs by UUID (user/patient/request), refs by code
# (unit/service/specialty), b64 (bytes).

_REF_MODELS: dict[str, type] = {"user": User, "patient": Patient, "request": Request}
_CODE_MODELS: dict[str, type] = {"unit": Unit, "service": Service, "specialty": Specialty}

SPECS: dict[str, tuple[type, list[tuple[str, str, Any]]]] = {
    "user": (User, [
        ("username", "username", "str"), ("full_name", "full_name", "str"),
        ("unit", "unit_id", "unit"), ("specialty", "specialty_id", "specialty"),
        ("professional_license", "professional_license", "str"),
    ]),
    "patient": (Patient, [
        ("nss", "nss", "str"), ("agregado", "agregado", "str"), ("curp", "curp", "str"),
        ("first_name", "first_name", "str"), ("last_name", "last_name", "str"),
        ("second_last_name", "second_last_name", "str"), ("birth_date", "birth_date", "date"),
        ("sex", "sex", Sex), ("unit", "unit_id", "unit"),
        ("eligible_until", "eligible_until", "date"), ("created_at", "created_at", "dt"),
    ]),
    "folio_block": (FolioBlock, [
        ("unit", "unit_id", "unit"), ("year", "year", "int"),
        ("first_sequence", "first_sequence", "int"), ("last_sequence", "last_sequence", "int"),
        ("reserved_by", "reserved_by_id", "user"), ("reserved_at", "reserved_at", "dt"),
    ]),
    "request": (Request, [
        ("folio", "folio", "str"), ("status", "status", RequestStatus),
        ("origin", "origin", Origin), ("priority", "priority", Priority),
        ("patient", "patient_id", "patient"), ("physician", "physician_id", "user"),
        ("requesting_unit", "requesting_unit_id", "unit"),
        ("performing_unit", "performing_unit_id", "unit"), ("service", "service_id", "service"),
        ("specialty", "specialty_id", "specialty"), ("diagnosis_code", "diagnosis_code", "str"),
        ("justification", "justification", "str"),
        ("justification_hash", "justification_hash", "str"),
        ("is_emergency", "is_emergency", "bool"), ("performed_on", "performed_on", "date"),
        ("performed_time", "performed_time", "time"),
        ("requested_on", "requested_on", "date"), ("created_at", "created_at", "dt"),
        ("updated_at", "updated_at", "dt"), ("submitted_at", "submitted_at", "dt"),
        ("due_at", "due_at", "dt"), ("decided_at", "decided_at", "dt"),
        ("clock_paused_at", "clock_paused_at", "dt"), ("rejected_at", "rejected_at", "dt"),
        ("revision_of", "revision_of_id", "request"),
    ]),
    "information_request": (InformationRequest, [
        ("request", "request_id", "request"), ("asked_by", "asked_by_id", "user"),
        ("asked_at", "asked_at", "dt"), ("question", "question", "str"),
        ("answered_by", "answered_by_id", "user"), ("answered_at", "answered_at", "dt"),
        ("answer", "answer", "str"),
    ]),
    "decision": (Decision, [
        ("request", "request_id", "request"), ("kind", "kind", DecisionKind),
        ("on_appeal", "on_appeal", "bool"), ("decided_by", "decided_by_id", "user"),
        ("decided_at", "decided_at", "dt"), ("reason_code", "reason_code", "str"),
        ("text", "text", "str"),
    ]),
    "appeal": (Appeal, [
        ("request", "request_id", "request"), ("filed_by", "filed_by_id", "user"),
        ("filed_at", "filed_at", "dt"), ("grounds", "grounds", "str"),
        ("decided_by", "decided_by_id", "user"), ("decided_at", "decided_at", "dt"),
        ("upheld", "upheld", "bool"),
    ]),
    "authorization": (Authorization, [
        ("number", "number", "str"), ("request", "request_id", "request"),
        ("status", "status", AuthorizationStatus), ("valid_from", "valid_from", "date"),
        ("valid_until", "valid_until", "date"), ("performing_unit", "performing_unit_id", "unit"),
        ("scheduling_note", "scheduling_note", "str"), ("retroactive", "retroactive", "bool"),
        ("issued_by", "issued_by_id", "user"), ("issued_at", "issued_at", "dt"),
        ("used_at", "used_at", "dt"), ("used_recorded_by", "used_recorded_by_id", "user"),
    ]),
    "attachment": (Attachment, [
        ("request", "request_id", "request"), ("filename", "filename", "str"),
        ("media_type", "media_type", "str"), ("size", "size", "int"),
        ("sha256", "sha256", "str"), ("content", "content", "b64"),
        ("added_by", "added_by_id", "user"), ("added_at", "added_at", "dt"),
    ]),
}


def _dt_out(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _dt_in(value: str | None) -> datetime | None:
    if value is None:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("naive datetime in bundle")
    return parsed.astimezone(UTC)


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical(data: object) -> bytes:
    return _ENCODER.encode(data).encode()


PARENT = "_parent"
# Carried but not compared, and never overwritten on an update: the authorization's stored
# slip signature (derived data each side may fill in when it prints) and the request's
# origin (a request made in another installation's application is `sync` here).
LOCAL_ONLY = frozenset({"signature", "origin"})


def content_hash(record: dict) -> str:
    """Hash of a portable record's content (without the parent pointer and LOCAL_ONLY)."""
    body = {k: v for k, v in record.items() if k not in LOCAL_ONLY and not k.startswith("_")}
    return hashlib.sha256(canonical(body)).hexdigest()


class _Refs:
    """id ↔ UUID/code lookups with a per-operation cache, and UUID remapping on import."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._out: dict[tuple[str, int], str] = {}
        self._in: dict[tuple[str, str], int | None] = {}
        self.mapped: dict[tuple[str, str], int] = {}  # incoming UUID -> local id (natural match)
        self.pending: dict[tuple[str, str], Any] = {}  # inserted, not yet flushed (import)
        self.flush_hook: Any = session.flush

    def out(self, kind: str, ident: int | None) -> str | None:
        if ident is None:
            return None
        key = (kind, ident)
        if key not in self._out:
            if kind in _REF_MODELS:
                value = self.session.scalar(select(_REF_MODELS[kind].uuid).where(  # type: ignore[attr-defined]
                    _REF_MODELS[kind].id == ident))  # type: ignore[attr-defined]
                self._out[key] = str(value)
            else:
                model = _CODE_MODELS[kind]
                code = self.session.scalar(select(model.code).where(model.id == ident))  # type: ignore[attr-defined]
                self._out[key] = str(code)
        return self._out[key]

    def warm(self, kind: str, idents: Iterable[int | None]) -> None:
        """Learn the UUIDs of many records in a few queries (export)."""
        model = _REF_MODELS[kind]
        todo = sorted({i for i in idents if i is not None and (kind, i) not in self._out})
        for i in range(0, len(todo), 500):
            for ident, value in self.session.execute(select(model.id, model.uuid).where(  # type: ignore[attr-defined]
                    model.id.in_(todo[i:i + 500]))):  # type: ignore[attr-defined]
                self._out[(kind, ident)] = str(value)

    def into(self, kind: str, value: str | None) -> int | None:
        """Local id for an incoming reference; KeyError when it cannot be resolved."""
        if value is None:
            return None
        key = (kind, value)
        if key in self.mapped:
            return self.mapped[key]
        if key in self.pending:
            obj = self.pending[key]
            if obj.id is None:
                self.flush_hook()
            return int(obj.id)
        if key not in self._in:
            if kind in _REF_MODELS:
                model = _REF_MODELS[kind]
                self._in[key] = self.session.scalar(select(model.id).where(  # type: ignore[attr-defined]
                    model.uuid == uuid.UUID(value)))  # type: ignore[attr-defined]
            else:
                model = _CODE_MODELS[kind]
                self._in[key] = self.session.scalar(select(model.id).where(model.code == value))  # type: ignore[attr-defined]
        found = self._in[key]
        if found is None:
            raise KeyError(f"{ENTITY_LABELS.get(kind, kind)} {value}")
        return found

    def remember(self, kind: str, value: str, ident: int) -> None:
        self._in[(kind, value)] = ident


def serialize(entity: str, obj: Any, refs: _Refs) -> dict:
    _model, fields = SPECS[entity]
    data: dict[str, Any] = {"uuid": str(obj.uuid)}
    for key, attr, kind in fields:
        value = getattr(obj, attr)
        if kind in ("str", "int", "bool"):
            data[key] = value
        elif kind == "date":
            data[key] = value.isoformat() if value else None
        elif kind == "time":
            data[key] = value.isoformat(timespec="minutes") if value else None
        elif kind == "dt":
            data[key] = _dt_out(value)
        elif kind == "b64":
            data[key] = base64.b64encode(value).decode("ascii") if value is not None else None
        elif isinstance(kind, type):
            data[key] = value.value if value is not None else None
        else:
            data[key] = refs.out(kind, value)
    if entity == "user":
        data["roles"] = sorted(r.value for r in obj.roles)
        data["active"] = bool(obj.active)
    elif entity == "request":
        data["findings"] = [
            {"severity": f.severity.value, "code": f.code, "message": f.message, "field": f.field,
             "related_folio": f.related_folio, "created_at": _dt_out(f.created_at)}
            for f in sorted(obj.findings, key=lambda f: (f.created_at, f.id or 0))]
    elif entity == "authorization":
        data["signature"] = obj.signature
    return data


def _apply_fields(entity: str, obj: Any, data: dict, refs: _Refs, *, update: bool = False) -> None:
    _model, fields = SPECS[entity]
    for key, attr, kind in fields:
        if update and key in LOCAL_ONLY:
            continue
        raw = data.get(key)
        if kind in ("str", "int", "bool"):
            value = raw
        elif kind == "date":
            value = date.fromisoformat(raw) if raw else None
        elif kind == "time":
            value = time.fromisoformat(raw) if raw else None
        elif kind == "dt":
            value = _dt_in(raw)
        elif kind == "b64":
            value = base64.b64decode(raw) if raw is not None else None
        elif isinstance(kind, type):
            value = kind(raw) if raw is not None else None
        else:
            value = refs.into(kind, raw)
        setattr(obj, attr, value)
        if attr == "updated_at" and hasattr(obj, "_sa_instance_state"):
            flag_modified(obj, attr)  # an explicit value, even when equal, beats `onupdate`
    if entity == "request":
        obj.findings = [
            ReviewFinding(severity=Severity(f["severity"]), code=f["code"], message=f["message"],
                          field=f.get("field"), related_folio=f.get("related_folio"),
                          created_at=_dt_in(f["created_at"]))
            for f in data.get("findings", [])]


# --------------------------------------------------------------------------- export


@dataclass
class ExportSummary:
    bundle_id: uuid.UUID
    key_id: str
    sequence: int
    since_seq: int
    until_seq: int
    counts: dict[str, int]
    unit_code: str | None

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        return (f"Paquete {self.bundle_id} (n.º {self.sequence}, llave {self.key_id}): "
                f"{self.records} registros ({counted(self.counts)}).")


def _touched(session: Session, since: int, until: int) -> dict[str, set[str]]:
    touched: dict[str, set[str]] = defaultdict(set)
    numbers: set[str] = set()
    rows = session.execute(select(AuditEvent.entity, AuditEvent.entity_id, AuditEvent.action,
                                  AuditEvent.details)
                           .where(AuditEvent.seq > since, AuditEvent.seq <= until)).all()
    for entity, entity_id, action, details in rows:
        if action == "sync_import":
            continue  # what arrived by bundle goes back only if it changes here afterwards
        if entity == "authorization" and entity_id == "*":
            numbers.update((details or {}).get("numbers", []))
        elif entity in ("request", "authorization", "patient", "user", "folio_block"):
            touched[entity].add(entity_id)
    if numbers:
        for auth_uuid in session.scalars(select(Authorization.uuid).where(
                Authorization.number.in_(sorted(numbers)))):
            touched["authorization"].add(str(auth_uuid))
    return touched


def _by_uuids(session: Session, model: type, values: Iterable[str]) -> list[Any]:
    ids = []
    for v in values:
        try:
            ids.append(uuid.UUID(v))
        except ValueError:
            continue
    out: list[Any] = []
    for i in range(0, len(ids), 500):
        out.extend(session.scalars(select(model).where(model.uuid.in_(ids[i:i + 500]))))  # type: ignore[attr-defined]
    return out


def collect(session: Session, since: int, until: int, unit_code: str | None) -> dict[str, list[dict]]:
    """The portable records of what the audit log names in (since, until]."""
    touched = _touched(session, since, until)
    refs = _Refs(session)
    requests: dict[int, Request] = {}
    for req in _by_uuids(session, Request, touched["request"]):
        requests[req.id] = req
    for auth in _by_uuids(session, Authorization, touched["authorization"]):
        requests[auth.request_id] = auth.request
    from sqlalchemy.orm import selectinload

    ids = sorted(requests)
    for i in range(0, len(ids), 500):  # findings in one query per 500, not one per request
        session.scalars(select(Request).where(Request.id.in_(ids[i:i + 500]))
                        .options(selectinload(Request.findings))).all()
    unit_id = None
    if unit_code:
        unit_id = session.scalar(select(Unit.id).where(Unit.code == unit_code))
        requests = {i: r for i, r in requests.items()
                    if unit_id in (r.requesting_unit_id, r.performing_unit_id)}
    refs.warm("patient", (r.patient_id for r in requests.values()))
    refs.warm("user", (r.physician_id for r in requests.values()))
    refs.warm("request", (r.revision_of_id for r in requests.values()))
    out: dict[str, dict[str, dict]] = {e: {} for e in ENTITY_ORDER}
    user_ids: set[int] = set()
    patient_ids: set[int] = set()

    def add(entity: str, obj: Any) -> None:
        from st2desk.services.slips import ensure_signed, usable_today

        if entity == "authorization" and usable_today(obj):  # by its own unit's day
            # Signed by the site that issued it, so the other site prints this signature
            # and never one of its own for a number it may not sign (DESIGN §7.2).
            ensure_signed(session, obj)
        out[entity][str(obj.uuid)] = serialize(entity, obj, refs)
        for _key, attr, kind in SPECS[entity][1]:
            if kind == "user" and getattr(obj, attr) is not None:
                user_ids.add(getattr(obj, attr))
            if kind == "patient" and getattr(obj, attr) is not None:
                patient_ids.add(getattr(obj, attr))

    request_ids = sorted(requests)
    for req in sorted(requests.values(), key=lambda r: (r.created_at, r.id)):
        add("request", req)
    for model, entity in ((InformationRequest, "information_request"), (Decision, "decision"),
                          (Appeal, "appeal"), (Authorization, "authorization"),
                          (Attachment, "attachment")):
        for i in range(0, len(request_ids), 500):
            chunk = request_ids[i:i + 500]
            for obj in session.scalars(select(model).where(model.request_id.in_(chunk))  # type: ignore[attr-defined]
                                       .order_by(model.id)):  # type: ignore[attr-defined]
                add(entity, obj)
    for patient in _by_uuids(session, Patient, touched["patient"]):
        if unit_id is None or patient.unit_id == unit_id:
            patient_ids.add(patient.id)
    for block in _by_uuids(session, FolioBlock, touched["folio_block"]):
        if unit_id is None or block.unit_id == unit_id:
            add("folio_block", block)
    for user in _by_uuids(session, User, touched["user"]):
        if unit_id is None or user.unit_id == unit_id:
            user_ids.add(user.id)
    for pid in sorted(patient_ids):
        add("patient", session.get(Patient, pid))
    for uid in sorted(user_ids):
        add("user", session.get(User, uid))
    return {e: list(out[e].values()) for e in ENTITY_ORDER}


def _set_base(session: Session, entity: str, ident: uuid.UUID, base_hash: str,
              key_id: str | None = None, sequence: int | None = None) -> None:
    """Record `base_hash` as the state both sides share; with a source when it was received."""
    rec = session.get(SyncRecord, (entity, ident))
    if rec is None:
        rec = SyncRecord(entity=entity, uuid=ident, base_hash=base_hash)
        session.add(rec)
    rec.base_hash = base_hash
    rec.synced_at = clock.now()
    if key_id is not None:
        rec.source_key_id = key_id
        rec.source_sequence = sequence


MAX_RECIPIENTS = 32


def recipient_keys(session: Session, to: str) -> list[signing.RegisteredKey]:
    """The trusted keys a bundle is encrypted to: one key id, or every key of a site code
    (a central server's workstations each have their own)."""
    keys = signing.registered_keys(session)
    value = (to or "").strip()
    found = [k for kid, k in keys.items() if kid == value.lower() and k.origin == "trusted"] or [
        k for k in keys.values() if k.origin == "trusted" and k.entry.site.code == value.upper()]
    if not found:
        raise ValidationError(
            f"No hay una llave de confianza «{value}» (ni un sitio con esa clave): confíe antes "
            "en el archivo de llaves del sitio destino («st2desk keys trust ARCHIVO»).")
    usable = [k for k in found if k.entry.site.encryption]
    if not usable:
        raise ValidationError(f"La llave {found[0].entry.kid} no trae llave de cifrado (archivo de "
                              "una versión anterior): pida al sitio destino un «st2desk keys "
                              "export» nuevo.")
    return sorted(usable, key=lambda k: k.entry.kid)[:MAX_RECIPIENTS]


def recipient_key(session: Session, to: str) -> signing.RegisteredKey:
    return recipient_keys(session, to)[0]


def seal_bundle(key: signing.LocalKey, recipients: signing.RegisteredKey | list[signing.RegisteredKey],
                body: bytes) -> bytes:
    """Sign `body` (gzip'd canonical JSON) and encrypt it to the recipients (HPKE)."""
    from st2desk import sealing

    if not isinstance(recipients, list):
        recipients = [recipients]
    inner_header = {"key_id": key.kid, "public_key": signing.b64url(key.public_raw),
                    "signature": signing.sign_bundle(key, body), "size": len(body)}
    inner = canonical(inner_header) + b"\n" + body
    to = [r.entry.kid for r in recipients]
    size = sealing.sealed_size(len(inner), len(to))
    outer = canonical({"size": size, "to": to})  # bound into the encryption as associated data
    sealed = sealing.seal_for(inner, [signing.unb64url(r.entry.site.encryption) for r in recipients],
                              MAGIC + outer)
    assert len(sealed) == size
    return MAGIC + outer + b"\n" + sealed


def export_bundle(session: Session, actor: Actor | None, *, to: str, unit_code: str | None = None,
                  full: bool = False) -> tuple[bytes, ExportSummary]:
    """The bundle of what changed since the last export (administrators), signed by this
    installation and encrypted to the site `to` (a trusted key id or site code).

    The caller writes the bytes to a file inside the same transaction, so a failed write
    leaves the "last export" mark where it was.
    """
    acting_user(session, actor, [Role.ADMIN], "exportar paquetes de sincronización")
    recipients = recipient_keys(session, to)
    unit = None
    if unit_code:
        from st2desk.services.folios import unit_by_code

        unit = unit_by_code(session, unit_code).code
    key = signing.ensure_local_key_registered(session)
    since = 0
    if not full:
        since = session.scalar(select(func.max(SyncBundle.until_seq)).where(
            SyncBundle.direction == "export",
            SyncBundle.unit_code.is_(None) if unit is None else SyncBundle.unit_code == unit)) or 0
    head = audit.checkpoint(session, "exportación")  # carried in the bundle (DESIGN §7.3)
    until = session.scalar(select(func.max(AuditEvent.seq))) or 0
    sequence = (session.scalar(select(func.max(SyncBundle.sequence)).where(
        SyncBundle.direction == "export", SyncBundle.key_id == key.kid)) or 0) + 1
    records = collect(session, since, until, unit)
    bases: dict[tuple[str, uuid.UUID], SyncRecord] = {}
    for entity in ENTITY_ORDER:
        ids = [uuid.UUID(r["uuid"]) for r in records[entity]]
        for i in range(0, len(ids), 500):
            for rec in session.scalars(select(SyncRecord).where(SyncRecord.entity == entity,
                                                                SyncRecord.uuid.in_(ids[i:i + 500]))):
                bases[(entity, rec.uuid)] = rec
        for record in records[entity]:
            # The state this one was built on (None: never exchanged), so the other side can
            # tell a change made on top of what it has from a concurrent one.
            rec = bases.get((entity, uuid.UUID(record["uuid"])))
            record[PARENT] = rec.base_hash if rec is not None else None
    bundle_id = uuid.uuid4()
    meta = {
        "format": FORMAT, "version": VERSION, "bundle_id": str(bundle_id),
        "created_at": _dt_out(clock.now()), "source": {"key_id": key.kid, "unit": unit},
        "sequence": sequence, "since_seq": since, "until_seq": until, "records": records,
        "to": [r.entry.kid for r in recipients], "site": signing.site_label(session).code,
        "checkpoint": audit.checkpoint_data(head) if head is not None else None,
    }
    body = gzip.compress(canonical(meta), mtime=0)
    data = seal_bundle(key, recipients, body)
    counts = {e: len(records[e]) for e in ENTITY_ORDER}
    new_bases = []
    for entity in ENTITY_ORDER:
        if entity == "user":
            continue
        for record in records[entity]:
            ident = uuid.UUID(record["uuid"])
            rec = bases.get((entity, ident))
            if rec is None:
                new_bases.append(dict(entity=entity, uuid=ident, base_hash=content_hash(record),
                                      synced_at=clock.now()))
            else:
                rec.base_hash = content_hash(record)
                rec.synced_at = clock.now()
    if new_bases:
        from sqlalchemy import insert

        session.execute(insert(SyncRecord), new_bases)
    session.add(SyncBundle(bundle_id=bundle_id, direction="export", key_id=key.kid, unit_code=unit,
                           sequence=sequence, since_seq=since, until_seq=until,
                           records=sum(counts.values()), at=clock.now(), summary=counts))
    summary = ExportSummary(bundle_id, key.kid, sequence, since, until, counts, unit)
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="sync_export",
                 entity="bundle", entity_id=bundle_id,
                 details={"sequence": sequence, "since": since, "until": until, "unit": unit,
                          "counts": counts})
    return data, summary


# --------------------------------------------------------------------------- import


@dataclass
class ImportReport:
    bundle_id: uuid.UUID | None = None
    key_id: str = ""
    sequence: int = 0
    already_imported: bool = False
    inserted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    site: str = ""

    @property
    def refused(self) -> bool:
        """All or nothing (DESIGN §7.2): any conflict or refused record, and nothing was written."""
        return bool(self.conflicts or self.skipped)

    @property
    def changed(self) -> int:
        return sum(self.inserted.values()) + sum(self.updated.values())

    def lines(self) -> list[str]:
        if self.already_imported:
            return [f"El paquete {self.bundle_id} ya se había importado: no cambió nada."]
        if self.refused:
            out = [f"Paquete {self.bundle_id} (sitio {self.site or '?'}, llave {self.key_id}, "
                   f"n.º {self.sequence}) RECHAZADO: no se importó nada "
                   f"({len(self.conflicts)} conflictos, {len(self.skipped)} registros no "
                   "aceptados). Resuélvalos y vuelva a importarlo:"]
            out += [f"  CONFLICTO: {c}" for c in self.conflicts]
            out += [f"  NO ACEPTADO: {c}" for c in self.skipped]
            return out

        out = [f"Paquete {self.bundle_id} (llave {self.key_id}, n.º {self.sequence}):",
               f"  nuevos: {counted(self.inserted)}",
               f"  actualizados: {counted(self.updated)}",
               f"  sin cambios: {counted(self.unchanged)}",
               f"  conflictos: {len(self.conflicts)}; omitidos: {len(self.skipped)}"]
        out += [f"  CONFLICTO: {c}" for c in self.conflicts]
        out += [f"  OMITIDO (más antiguo): {s}" for s in self.stale]
        out += [f"  nota: {n}" for n in self.notes]
        return out


@dataclass(frozen=True)
class OpenedBundle:
    key_id: str
    meta: dict


def _outer(data: bytes) -> tuple[dict, int]:
    """The outer header of a bundle and where its ciphertext starts; BundleRefused if the
    first bytes are not a bundle of this version."""
    if not data.startswith(MAGIC):
        if data.startswith(b"ST2DESK-BUNDLE "):
            raise BundleRefused("El paquete es de otra versión de st2desk (sin cifrar o "
                                "desconocida): pida que lo exporten de nuevo. No se importó nada.")
        raise BundleRefused("El archivo no es un paquete de sincronización de st2desk.")
    newline = data.find(b"\n", len(MAGIC), len(MAGIC) + MAX_HEADER)
    if newline < 0:
        raise BundleRefused(f"El encabezado del paquete está dañado (más de {MAX_HEADER} bytes).")
    line = data[len(MAGIC):newline]
    try:
        header = json.loads(line)
    except (ValueError, RecursionError):
        raise BundleRefused("El encabezado del paquete está dañado.") from None
    if not isinstance(header, dict) or set(header) != _OUTER_KEYS or canonical(header) != line \
            or not isinstance(header.get("size"), int) or not isinstance(header.get("to"), list) \
            or not 1 <= len(header["to"]) <= MAX_RECIPIENTS:
        raise BundleRefused("El encabezado del paquete fue alterado. No se importó nada.")
    return header, newline + 1


def read_bundle_file(path: str) -> bytes:
    """A bundle file read with bounded memory: a regular file within `BUNDLE_LIMIT`, whose
    first bytes are a bundle header that announces exactly the rest of the file. Anything
    else (a device, a 500 MB file of spaces) is refused before it is read whole."""
    import os

    from st2desk.inputs import BUNDLE_LIMIT, InputError, _check_stat, read_error_message, size_text

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(os.path.expanduser(path), flags)
    except OSError as exc:
        raise InputError(read_error_message(exc, path, "el paquete")) from None
    try:
        size = _check_stat(os.fstat(fd), path, BUNDLE_LIMIT, "el paquete")
        head = os.read(fd, min(size, len(MAGIC) + MAX_HEADER))
        header, start = _outer(head)
        if start + header["size"] != size:
            raise BundleRefused(f"El paquete está incompleto o le sobran datos (el encabezado "
                                f"anuncia {size_text(start + header['size'])}, el archivo pesa "
                                f"{size_text(size)}). No se importó nada.")
        buffer = bytearray(size)
        buffer[:len(head)] = head
        view = memoryview(buffer)
        done = len(head)
        while done < size:
            n = os.readv(fd, [view[done:]])
            if n <= 0:
                raise BundleRefused("El paquete cambió mientras se leía. No se importó nada.")
            done += n
        return bytes(buffer)
    except OSError as exc:
        raise InputError(read_error_message(exc, path, "el paquete")) from None
    finally:
        os.close(fd)


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def check_depth(raw: bytes, limit: int = MAX_DEPTH) -> None:
    """Refuse JSON nested deeper than `limit` before parsing it (DESIGN §7.4): strings are
    blanked, then each pass of C-speed substitutions peels one level of brackets."""
    import re

    # Outside strings only: drop escapes, split on quotes, keep the even pieces.
    skeleton = b"".join(raw.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')[::2])
    skeleton = skeleton.translate(None, _NOT_BRACKETS)
    pair = re.compile(rb"\[\]|\{\}")
    for _ in range(limit):
        if not skeleton:
            return
        skeleton = pair.sub(b"", skeleton)
    if skeleton:
        raise BundleRefused(f"El contenido del paquete está anidado a más de {limit} niveles (el "
                            "máximo): no es un paquete de st2desk. No se importó nada.")


def open_bundle(session: Session, data: bytes) -> OpenedBundle:
    """Bounded header, decryption (this site's key), trusted signer and signature, bounded
    decompression and nesting, then parsing; BundleRefused at the first that fails."""
    from st2desk import sealing

    header, start = _outer(data[:len(MAGIC) + MAX_HEADER])
    if start + header["size"] != len(data):
        raise BundleRefused("El paquete está incompleto o le sobran datos. No se importó nada.")
    own = signing.local_key().kid
    if own not in header["to"]:
        raise BundleRefused(f"El paquete está cifrado para {', '.join(map(str, header['to']))}, no "
                            f"para la llave de esta instalación ({own}): pida que lo exporten con "
                            "«--to» el sitio de esta base. No se importó nada.")
    try:
        inner = sealing.open_for(data[start:], header["to"].index(own), len(header["to"]),
                                 data[:start - 1])
    except sealing.SealError as exc:
        raise BundleRefused(exc.message) from None
    newline = inner.find(b"\n", 0, MAX_HEADER)
    if newline < 0:
        raise BundleRefused("El encabezado del paquete está dañado.")
    try:
        inner_header = json.loads(inner[:newline])
        kid, signature = str(inner_header["key_id"]), str(inner_header["signature"])
    except (ValueError, KeyError, TypeError, RecursionError):
        raise BundleRefused("El encabezado del paquete está dañado.") from None
    body = inner[newline + 1:]
    if (set(inner_header) != _HEADER_KEYS or inner_header.get("size") != len(body)
            or canonical(inner_header) != inner[:newline]):
        raise BundleRefused("El encabezado del paquete fue alterado o el archivo está incompleto. "
                            "No se importó nada.")
    registered = signing.registered_keys(session)
    if kid not in registered or not registered[kid].units:
        raise BundleRefused(
            f"El paquete está firmado con la llave {kid}, en la que esta base de datos no confía. "
            "Un administrador debe importar antes la llave pública de esa instalación "
            "(st2desk keys trust ARCHIVO).")
    if inner_header["public_key"] != signing.b64url(registered[kid].entry.public_raw):
        raise BundleRefused("La llave pública del encabezado no es la de la llave que firmó el "
                            "paquete. No se importó nada.")
    if not signing.verify_bundle(registered[kid].entry, body, signature):
        raise BundleRefused("La firma del paquete no corresponde a su contenido: el archivo fue "
                            "alterado o está incompleto. No se importó nada.")
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
            raw = fh.read(MAX_BODY + 1)
    except (OSError, EOFError) as exc:
        raise BundleRefused(f"El contenido del paquete está dañado ({type(exc).__name__}).") from None
    if len(raw) > MAX_BODY:
        raise BundleRefused(f"El contenido del paquete pasa de {MAX_BODY // (1024 * 1024)} MB "
                            "descomprimido, el máximo. No se importó nada.")
    check_depth(raw)
    try:
        meta = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise BundleRefused(f"El contenido del paquete está dañado ({type(exc).__name__}).") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise BundleRefused("El paquete es de un formato o versión que esta instalación no conoce.")
    if (meta.get("source") or {}).get("key_id") != kid:
        raise BundleRefused("El paquete dice venir de otra llave que la que lo firmó.")
    return OpenedBundle(kid, meta)


def _advance_counter(session: Session, unit_id: int, year: int, kind: SequenceKind, value: int) -> None:
    numbering.raise_counter(session, unit_id, year, kind, value)


def _advance_for_number(session: Session, text: str, kind: SequenceKind) -> None:
    try:
        parsed = numbering.parse_number(text)
    except ValidationError:
        return
    unit_id = session.scalar(select(Unit.id).where(Unit.code == parsed.unit_code))
    if unit_id is not None:
        _advance_counter(session, unit_id, parsed.year, kind, parsed.sequence)


class _Skip(Exception):
    """This record is not applied (the message says why)."""

    def __init__(self, message: str, conflict: bool = False, kept: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.conflict = conflict
        self.kept = kept  # depends on a record an administrator decided to keep as it is here


def _closure(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    out = {}
    for start in edges:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in edges.get(todo.pop(), set()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        out[start] = seen
    return out


# The workflow of DESIGN §1.2; a bundle may carry several steps at once.
_REACHABLE = _closure({
    "draft": {"in_review", "cancelled"},
    "performed_emergency": {"in_review", "cancelled"},
    "in_review": {"authorized", "rejected", "info_requested", "cancelled"},
    "info_requested": {"in_review", "cancelled"},
    "rejected": {"in_appeal", "rejected_final"},
    "in_appeal": {"authorized", "rejected_final"},
    "authorized": {"used", "expired", "cancelled"},
    "rejected_final": set(), "used": set(), "expired": set(), "cancelled": set(),
})


_BULK = ("patient", "request")


class _Importer:
    def __init__(self, session: Session, actor: Actor | None, opened: OpenedBundle,
                 report: ImportReport) -> None:
        self.session = session
        self.actor = actor
        self.kid = opened.key_id
        self.sequence = int(opened.meta.get("sequence") or 0)
        self.meta = opened.meta
        self.report = report
        self.refs = _Refs(session)
        self.blocked: set[tuple[str, str]] = set()  # (kind, uuid) not applied
        self.alias: dict[tuple[str, str], str] = {}  # incoming UUID -> local UUID (same person)
        self.touched_requests: dict[uuid.UUID, str] = {}
        registered = signing.registered_keys(session)[opened.key_id]
        self.scope = set(registered.units)
        self.site = registered.entry.site.code or opened.key_id
        report.site = self.site
        records = opened.meta.get("records") if isinstance(opened.meta.get("records"), dict) else {}
        self.bundle_records: dict[tuple[str, str], dict] = {
            (entity, str(d.get("uuid"))): d for entity in ENTITY_ORDER
            for d in (records.get(entity) or []) if isinstance(d, dict)}
        self.changes: list[dict] = []  # audit events, written only when the bundle is accepted
        self.today = clock.today()
        self._diagnoses: set[str] | None = None
        self._patient_folios: dict[str, list[str]] | None = None
        self.locals: dict[str, dict[str, Any]] = {e: {} for e in ENTITY_ORDER}
        self.bases: dict[tuple[str, uuid.UUID], SyncRecord] = {}
        self.new_bases: dict[tuple[str, uuid.UUID], dict] = {}
        self.numbers: list[tuple[str, SequenceKind]] = []
        self.blocks: list[tuple[int, int, int]] = []
        self.patients_by_identity: dict[tuple[str, str], Patient] = {}
        self.existing_folios: set[str] = set()
        self.queued: dict[str, list[SimpleNamespace]] = {e: [] for e in _BULK}
        self.kept_blocked: set[tuple[str, str]] = set()
        from st2desk.models import SyncConflict

        self.kept_folios: set[str] = {f for f in session.scalars(select(SyncConflict.folio).where(
            SyncConflict.bundle_id == uuid.UUID(str(opened.meta.get("bundle_id"))),
            SyncConflict.status == "kept")) if f}
        self.refs.flush_hook = self._flush_bulk

    # -- natural keys on insert -------------------------------------------------------

    def _describe(self, entity: str, data: dict) -> str:
        label = ENTITY_LABELS[entity]
        for key in ("folio", "number", "username"):
            if data.get(key):
                return f"{label} {data[key]}"
        if entity == "folio_block":
            return f"{label} {data.get('unit')}-{data.get('year')} ({data.get('first_sequence')}–" \
                   f"{data.get('last_sequence')})"
        if entity == "patient":
            return f"{label} {data.get('uuid')}"
        return f"{label} {data.get('uuid')}"

    def _natural_match(self, entity: str, data: dict) -> int | None:
        s = self.session
        if entity == "user":
            user = s.scalar(select(User).where(User.username == data["username"]))
            if user is None:
                return None
            unit = self.refs.into("unit", data["unit"])
            if user.unit_id != unit:
                raise _Skip(f"el usuario «{data['username']}» ya existe aquí en otra unidad; sus "
                            "registros no se importan", conflict=True)
            self.report.notes.append(f"El usuario «{data['username']}» del paquete se identificó "
                                     "con el usuario local del mismo nombre y unidad.")
            return user.id
        if entity == "patient":
            patient = self.patients_by_identity.get((data["nss"], data["agregado"]))
            if patient is None:
                return None
            if (patient.first_name, patient.last_name, patient.second_last_name,
                    patient.birth_date.isoformat(), patient.sex.value) != (
                    data["first_name"], data["last_name"], data.get("second_last_name"),
                    data["birth_date"], data["sex"]):
                folios = self._folios_of_patient(data["uuid"])
                raise _Skip(
                    f"conflicto de identidad: el NSS {data['nss']} con agregado {data['agregado']} "
                    f"ya es aquí otra persona (otro nombre o fecha de nacimiento)"
                    + (f"; solicitudes del paquete: {', '.join(folios)}" if folios else ""),
                    conflict=True)
            return patient.id
        if entity == "request":
            if data["folio"] in self.existing_folios:
                raise _Skip(f"el folio {data['folio']} ya existe aquí con otra solicitud",
                            conflict=True)
        if entity == "authorization":
            if s.scalar(select(Authorization.id).where(Authorization.number == data["number"])):
                raise _Skip(f"el número {data['number']} ya existe aquí con otra autorización",
                            conflict=True)
            request_id = self.refs.into("request", data["request"])
            if s.scalar(select(Authorization.id).where(Authorization.request_id == request_id)):
                raise _Skip(f"la solicitud ya tiene aquí otra autorización (número {data['number']})",
                            conflict=True)
        if entity == "folio_block":
            unit = self.refs.into("unit", data["unit"])
            overlap = s.scalar(select(FolioBlock.id).where(
                FolioBlock.unit_id == unit, FolioBlock.year == data["year"],
                FolioBlock.first_sequence <= data["last_sequence"],
                FolioBlock.last_sequence >= data["first_sequence"]))
            if overlap is not None:
                raise _Skip("se traslapa con un bloque de folios reservado aquí", conflict=True)
        return None

    def _folios_of_patient(self, patient_uuid: str) -> list[str]:
        if self._patient_folios is None:
            index: dict[str, list[str]] = defaultdict(list)
            for (e, _u), d in self.bundle_records.items():
                if e == "request":
                    index[str(d.get("patient"))].append(str(d.get("folio")))
            self._patient_folios = index
        return sorted(self._patient_folios.get(patient_uuid, []))

    # -- ownership, validation and transitions (DESIGN §7.2) ---------------------------

    def _request_units(self, request_uuid: str | None) -> set[str]:
        if request_uuid is None:
            return set()
        d = self.bundle_records.get(("request", request_uuid))
        if d is not None:
            return {str(d.get("requesting_unit")), str(d.get("performing_unit"))}
        row = self.session.execute(
            select(Request.requesting_unit_id, Request.performing_unit_id)
            .where(Request.uuid == uuid.UUID(request_uuid))).first()
        if row is None:
            return set()
        return {str(self.refs.out("unit", row[0])), str(self.refs.out("unit", row[1]))}

    def _user_unit(self, user_uuid: str | None) -> str | None:
        if user_uuid is None:
            return None
        d = self.bundle_records.get(("user", user_uuid))
        if d is not None:
            return str(d.get("unit"))
        unit_id = self.session.scalar(select(User.unit_id).where(User.uuid == uuid.UUID(user_uuid)))
        return str(self.refs.out("unit", unit_id)) if unit_id is not None else None

    def _owned(self, entity: str, data: dict, local: Any, local_data: dict | None) -> None:
        """A bundle may create or change only what its site owns."""
        if signing.ALL_UNITS in self.scope:
            return
        units: set[str | None]
        if entity in ("user", "patient", "folio_block"):
            units = {data.get("unit")}
        elif entity == "request":
            units = {data.get("requesting_unit")}
        elif entity == "decision":
            units = {self._user_unit(data.get("decided_by"))}
        elif entity == "authorization":
            changed = {k for k in data if not k.startswith("_") and k not in LOCAL_ONLY
                       and (local_data is None or local_data.get(k) != data.get(k))}
            if local_data is not None and changed <= {"status", "used_at", "used_recorded_by"} \
                    and data.get("status") == AuthorizationStatus.USED.value:
                units = {data.get("performing_unit")}  # a use recorded at its reception
            else:
                try:
                    units = {numbering.parse_number(str(data.get("number"))).unit_code}
                except ValidationError:
                    units = {None}
        else:  # information requests, appeals, attachments: the request's units
            units = self._request_units(data.get("request"))
            if entity == "information_request" and local_data is None:
                units = {self._user_unit(data.get("asked_by"))}
        if not units or not units <= self.scope:
            outside = ", ".join(sorted(str(u) for u in units - self.scope)) or "desconocida"
            raise _Skip(f"el sitio {self.site} no puede {'crear' if local is None else 'cambiar'} "
                        f"este registro (es de la unidad {outside}, fuera de las unidades de su "
                        "llave)", conflict=True)

    def _validate(self, entity: str, data: dict, local: Any) -> None:
        """The same rules as typed input."""
        from st2desk.identifiers import identity_problems

        def bad(message: str) -> _Skip:
            return _Skip(f"dato no válido: {message}")

        if entity == "patient":
            from st2desk.services.patients import _name

            birth = date.fromisoformat(data["birth_date"])
            if birth > self.today:
                raise bad("la fecha de nacimiento está en el futuro")
            problems = identity_problems(str(data.get("nss")), str(data.get("agregado")),
                                         data.get("curp"), birth, Sex(data["sex"]))
            if problems:
                raise bad(" ".join(p.message for p in problems))
            for key, label, required in (("first_name", "el nombre", True),
                                         ("last_name", "el primer apellido", True),
                                         ("second_last_name", "el segundo apellido", False)):
                try:
                    if _name(data.get(key), label, required) != (data.get(key) or None):
                        raise bad(f"{label} no está escrito como lo guarda st2desk")
                except ValidationError as exc:
                    raise bad(exc.message) from None
        elif entity == "request":
            from st2desk.models import Diagnosis
            from st2desk.services.review import normalize_cie10

            if self._diagnoses is None:
                self._diagnoses = set(self.session.scalars(select(Diagnosis.code)))
            try:
                parsed = numbering.parse_number(str(data.get("folio")))
            except ValidationError as exc:
                raise bad(exc.message) from None
            if parsed.is_authorization or parsed.unit_code != data.get("requesting_unit"):
                raise bad(f"el folio {data.get('folio')} no es de la unidad solicitante")
            if data.get("diagnosis_code") and \
                    normalize_cie10(str(data["diagnosis_code"])) not in self._diagnoses:
                raise bad(f"el diagnóstico {data.get('diagnosis_code')} no está en el catálogo CIE-10")
            text = data.get("justification") or ""
            if not isinstance(text, str) or len(text) > 4000:
                raise bad("la justificación no es un texto de hasta 4000 caracteres")
            performed = data.get("performed_on")
            if performed and date.fromisoformat(performed) > self.today:
                raise bad("la fecha de realización de la urgencia está en el futuro")
            hour = data.get("performed_time")
            if hour is not None:
                try:
                    time.fromisoformat(hour if isinstance(hour, str) and len(hour) <= 8 else "x")
                except ValueError:
                    raise bad("la hora de la urgencia no es una hora (hh:mm)") from None
        elif entity == "authorization":
            from st2desk.services.decisions import MAX_VALIDITY_DAYS

            start, until = date.fromisoformat(data["valid_from"]), date.fromisoformat(data["valid_until"])
            days = (until - start).days + 1
            if not 1 <= days <= MAX_VALIDITY_DAYS:
                raise bad(f"la vigencia de la autorización {data.get('number')} es de {days} días; "
                          f"debe estar entre 1 y {MAX_VALIDITY_DAYS}")
            try:
                if not numbering.parse_number(str(data.get("number"))).is_authorization:
                    raise ValidationError("no es un número de autorización")
            except ValidationError as exc:
                raise bad(exc.message) from None

    def _transition(self, entity: str, local: Any, data: dict) -> None:
        """An update moves a record only along the workflow (DESIGN §1.2)."""
        if entity == "request":
            old, new = local.status.value, data.get("status")
            if old != new and new not in _REACHABLE.get(old, set()):
                raise _Skip(f"cambio de estado no permitido: de «{old}» a «{new}»", conflict=True)
        elif entity == "authorization":
            old, new = local.status.value, data.get("status")
            if old != new and (old != AuthorizationStatus.VALID.value):
                raise _Skip(f"la autorización {local.number} ya está «{old}»; no puede pasar a "
                            f"«{new}»", conflict=True)

    # -- one record ---------------------------------------------------------------------

    def _dependencies(self, entity: str, data: dict) -> None:
        for key, _attr, kind in SPECS[entity][1]:
            if kind in _REF_MODELS and data.get(key) and (kind, data[key]) in self.blocked:
                raise _Skip(f"depende de un registro ({ENTITY_LABELS[kind]}) que no se importó",
                            kept=(kind, data[key]) in self.kept_blocked)

    def _insert(self, entity: str, data: dict) -> Any:
        model = SPECS[entity][0]
        if entity in _BULK:  # thousands of them: Core executemany, not the ORM row by row
            ns = SimpleNamespace(id=None, uuid=uuid.UUID(data["uuid"]))
            _apply_fields(entity, ns, data, self.refs)
            if entity == "request" and ns.origin is Origin.APP:
                ns.origin = Origin.SYNC
            self.queued[entity].append(ns)
            return ns
        obj = model(uuid=uuid.UUID(data["uuid"]))
        if entity == "user":
            obj.password_hash = UNUSABLE_PASSWORD
            obj.active = False
            obj.role_rows = [UserRole(role=Role(r)) for r in data.get("roles", [])]
            self.report.notes.append(f"Se creó el usuario «{data['username']}» INACTIVO y sin "
                                     "contraseña, para conservar la autoría de sus registros.")
        _apply_fields(entity, obj, data, self.refs)
        if entity == "authorization":
            obj.signature = data.get("signature")
        if entity == "request" and obj.origin is Origin.APP:
            obj.origin = Origin.SYNC  # made in the other installation's application
        self.session.add(obj)  # flushed once per kind of record (`run`)
        return obj

    def _update(self, entity: str, obj: Any, data: dict) -> None:
        _apply_fields(entity, obj, data, self.refs, update=True)
        if entity == "authorization" and not obj.signature:
            obj.signature = data.get("signature")

    def _localized(self, entity: str, data: dict) -> dict:
        """The record with references to matched users/patients rewritten to local UUIDs,
        so its hash compares with the local record's."""
        out = dict(data)
        for key, _attr, kind in SPECS[entity][1]:
            value = data.get(key)
            if kind in _REF_MODELS and value is not None and (kind, value) in self.alias:
                out[key] = self.alias[(kind, value)]
        return out

    def _foreign(self, entity: str, local_data: dict) -> dict:
        """A local record with matched users/patients named by the other side's UUIDs."""
        reverse = {(kind, local): foreign for (kind, foreign), local in self.alias.items()}
        out = dict(local_data)
        for key, _attr, kind in SPECS[entity][1]:
            value = local_data.get(key)
            if kind in _REF_MODELS and value is not None and (kind, value) in reverse:
                out[key] = reverse[(kind, value)]
        return out

    def apply(self, entity: str, data: dict) -> None:
        s = self.session
        ident = uuid.UUID(data["uuid"])
        model = SPECS[entity][0]
        local = self.locals[entity].get(str(ident))
        self._dependencies(entity, data)
        data = self._localized(entity, data)
        incoming = content_hash(data)
        if local is None:
            self._validate(entity, data, None)
            matched = self._natural_match(entity, data)
            if matched is None:
                self._owned(entity, data, None, None)
            if matched is not None:
                self.refs.mapped[(entity, data["uuid"])] = matched
                local_uuid = s.scalar(select(model.uuid).where(model.id == matched))  # type: ignore[attr-defined]
                self.refs.remember(entity, str(local_uuid), matched)
                self.alias[(entity, data["uuid"])] = str(local_uuid)
                self.report.unchanged[entity] += 1
                return
            obj = self._insert(entity, data)
            self.refs.pending[(entity, data["uuid"])] = obj
            if entity != "user":
                self._base(entity, ident, incoming)
            self.report.inserted[entity] += 1
            self._after_write(entity, obj, "insert")
            return
        self.refs.remember(entity, data["uuid"], local.id)
        if entity == "user":
            self.report.unchanged[entity] += 1
            return
        rec = self.bases.get((entity, ident))
        if rec is not None and rec.source_key_id == self.kid and rec.source_sequence is not None \
                and self.sequence < rec.source_sequence:
            self.report.stale.append(f"{self._describe(entity, data)}: el paquete es más antiguo "
                                     "que el último recibido de esa instalación")
            return
        local_data = serialize(entity, local, self.refs)
        local_hash = content_hash(local_data)
        if local_hash == incoming:
            self._base(entity, ident, incoming)
            if entity == "authorization" and not local.signature and data.get("signature"):
                s.execute(update(Authorization).where(Authorization.id == local.id)
                          .values(signature=data["signature"])
                          .execution_options(synchronize_session=False))
            self.report.unchanged[entity] += 1
            return
        self._owned(entity, data, local, local_data)  # may its site change this record at all?
        self._validate(entity, data, local)
        parent = data.get(PARENT)
        if parent is not None and parent == content_hash(self._foreign(entity, local_data)):
            # The other side changed exactly the state this side still has: move forward,
            # along the workflow.
            self._transition(entity, local, data)
            self._update(entity, local, data)
            self._base(entity, ident, incoming)
            self.report.updated[entity] += 1
            self._after_write(entity, local, "update")
            return
        raise _Skip("cambió aquí y en la otra instalación desde el último intercambio; se conserva "
                    "la versión de esta base de datos", conflict=True)

    def _after_write(self, entity: str, obj: Any, how: str) -> None:
        details: dict[str, object] = {"bundle": str(self.meta.get("bundle_id")), "site": self.site,
                                      "key": self.kid, "change": how}
        for key in ("folio", "number"):
            if getattr(obj, key, None):
                details[key] = getattr(obj, key)
        self.changes.append({"user_id": self.actor.user_id if self.actor else None,
                             "username": self.actor.username if self.actor else None,
                             "action": "sync_import", "entity": entity, "entity_id": obj.uuid,
                             "details": details})
        if entity == "request":
            self.numbers.append((obj.folio, SequenceKind.FOLIO))
            self.touched_requests[obj.uuid] = obj.folio
        elif entity == "authorization":
            self.numbers.append((obj.number, SequenceKind.AUTHORIZATION))
        elif entity == "folio_block":
            self.blocks.append((obj.unit_id, obj.year, obj.last_sequence))

    def _flush_bulk(self) -> None:
        """Insert the queued patients and requests (and their findings), then learn their ids."""
        from sqlalchemy import insert

        self.session.flush()
        for entity in _BULK:
            queued = self.queued[entity]
            if not queued:
                continue
            self.queued[entity] = []
            model = SPECS[entity][0]
            keys = ["uuid", *(attr for _k, attr, _kind in SPECS[entity][1])]
            rows = [{k: getattr(ns, k) for k in keys} for ns in queued]
            if entity == "request":
                for row in rows:
                    row["version"] = 1
                    row["origin"] = row["origin"] or Origin.SYNC
            self.session.execute(insert(model.__table__), rows)  # type: ignore[attr-defined]
            by_uuid = {ns.uuid: ns for ns in queued}
            ids = list(by_uuid)
            for i in range(0, len(ids), 500):
                for ident, row_uuid in self.session.execute(
                        select(model.id, model.uuid).where(model.uuid.in_(ids[i:i + 500]))):  # type: ignore[attr-defined]
                    by_uuid[row_uuid].id = ident
            if entity == "request":
                findings = [dict(request_id=ns.id, severity=f.severity, code=f.code,
                                 message=f.message, field=f.field, related_folio=f.related_folio,
                                 created_at=f.created_at)
                            for ns in queued for f in getattr(ns, "findings", [])]
                if findings:
                    self.session.execute(insert(ReviewFinding.__table__), findings)

    def _base(self, entity: str, ident: uuid.UUID, base_hash: str) -> None:
        """Record `base_hash` as the state both sides share, received from this bundle."""
        rec = self.bases.get((entity, ident))
        if rec is None:
            self.new_bases[(entity, ident)] = dict(
                entity=entity, uuid=ident, base_hash=base_hash, source_key_id=self.kid,
                source_sequence=self.sequence, synced_at=clock.now())
            return
        rec.base_hash = base_hash
        rec.synced_at = clock.now()
        rec.source_key_id = self.kid
        rec.source_sequence = self.sequence

    def _prefetch(self, records: dict) -> None:
        """What the bundle's records already are here, in a few queries per kind."""
        s = self.session
        for entity in ENTITY_ORDER:
            model = SPECS[entity][0]
            ids = []
            for d in records.get(entity) or []:
                try:
                    ids.append(uuid.UUID(str(d["uuid"])))
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                for obj in s.scalars(select(model).where(model.uuid.in_(chunk))):  # type: ignore[attr-defined]
                    self.locals[entity][str(obj.uuid)] = obj
                for rec in s.scalars(select(SyncRecord).where(SyncRecord.entity == entity,
                                                              SyncRecord.uuid.in_(chunk))):
                    self.bases[(entity, rec.uuid)] = rec
        nss = sorted({str(d.get("nss")) for d in records.get("patient") or [] if isinstance(d, dict)})
        for i in range(0, len(nss), 500):
            for patient in s.scalars(select(Patient).where(Patient.nss.in_(nss[i:i + 500]))):
                self.patients_by_identity[(patient.nss, patient.agregado)] = patient
        folios = sorted({str(d.get("folio")) for d in records.get("request") or []
                         if isinstance(d, dict)})
        for i in range(0, len(folios), 500):
            self.existing_folios.update(s.scalars(select(Request.folio).where(
                Request.folio.in_(folios[i:i + 500]))))

    def finish(self) -> None:
        """Counters past every imported number; the shared states in one insert."""
        from sqlalchemy import insert

        top: dict[tuple[str, int, SequenceKind], int] = {}
        for text_, kind in self.numbers:
            try:
                parsed = numbering.parse_number(text_)
            except ValidationError:
                continue
            key = (parsed.unit_code, parsed.year, kind)
            top[key] = max(top.get(key, 0), parsed.sequence)
        units = dict(self.session.execute(select(Unit.code, Unit.id).where(
            Unit.code.in_(sorted({k[0] for k in top})))).all()) if top else {}
        for (code, year, kind), value in top.items():
            if code in units:
                _advance_counter(self.session, units[code], year, kind, value)
        for unit_id, year, last in self.blocks:
            _advance_counter(self.session, unit_id, year, SequenceKind.FOLIO, last)
        if self.new_bases:
            self.session.execute(insert(SyncRecord), list(self.new_bases.values()))

    def run(self) -> None:
        records = self.meta.get("records") or {}
        if not isinstance(records, dict) or not all(
                isinstance(records.get(e) or [], list) for e in ENTITY_ORDER):
            raise BundleRefused("El contenido del paquete está dañado (registros).")
        with self.session.no_autoflush:
            self._prefetch(records)
            for entity in ENTITY_ORDER:
                items = records.get(entity) or []
                if entity == "request":  # a revision refers to the request it revises
                    items = sorted(items, key=lambda d: (d.get("revision_of") is not None,
                                                         d.get("created_at") or "")
                                   if isinstance(d, dict) else (True, ""))
                for data in items:
                    self._one(entity, data)
                try:
                    self._flush_bulk()  # once per kind: the next kinds refer to these
                except IntegrityError:
                    self.report.conflicts.append(
                        f"{ENTITY_PLURALS[entity]}: chocan con registros de esta base de datos")
                    raise
                for (kind, value), obj in self.refs.pending.items():
                    self.refs.remember(kind, value, obj.id)
                self.refs.pending.clear()
        if not self.report.refused:
            self.finish()

    def _one(self, entity: str, data: dict) -> None:
        what = self._describe(entity, data) if isinstance(data, dict) else ENTITY_LABELS[entity]
        if entity == "patient" and isinstance(data, dict):  # name the patient by its requests
            folios = self._folios_of_patient(str(data.get("uuid")))
            if folios:
                what = f"paciente de {', '.join(folios[:3])}" + ("…" if len(folios) > 3 else "")
        try:
            self.apply(entity, data)
        except _Skip as skip:
            self._block(entity, data)
            if skip.kept or (FOLIO_IN_TEXT.findall(what) and set(FOLIO_IN_TEXT.findall(what))
                             <= self.kept_folios):
                # An administrator decided to keep this site's version (`resolve_conflict`).
                if isinstance(data, dict) and data.get("uuid"):
                    self.kept_blocked.add((entity, str(data["uuid"])))
                self.report.notes.append(f"{what}: se conserva la versión de esta base de datos "
                                         "(decisión del administrador).")
                return
            (self.report.conflicts if skip.conflict else self.report.skipped).append(
                f"{what}: {skip.message}")
        except KeyError as exc:
            self._block(entity, data)
            self.report.skipped.append(f"{what}: falta {exc.args[0] if exc.args else 'un dato'}")
        except IntegrityError:
            self._block(entity, data)
            self.report.conflicts.append(f"{what}: choca con un registro de esta base de datos")
            raise
        except (ValueError, TypeError, AttributeError) as exc:
            self._block(entity, data)
            self.report.skipped.append(f"{what}: registro mal formado ({type(exc).__name__})")

    def _block(self, entity: str, data: object) -> None:
        if isinstance(data, dict) and data.get("uuid"):
            self.blocked.add((entity, str(data["uuid"])))


def import_bundle(session: Session, actor: Actor | None, data: bytes) -> ImportReport:
    """Import a bundle (administrators). Idempotent; conflicts are reported, never overwritten."""
    acting_user(session, actor, [Role.ADMIN], "importar paquetes de sincronización")
    opened = open_bundle(session, data)
    meta = opened.meta
    try:
        bundle_id = uuid.UUID(str(meta.get("bundle_id")))
    except ValueError:
        raise BundleRefused("El paquete no tiene un identificador válido.") from None
    report = ImportReport(bundle_id, opened.key_id, int(meta.get("sequence") or 0))
    done = session.scalar(select(SyncBundle.direction).where(SyncBundle.bundle_id == bundle_id))
    if done == "export":
        raise BundleRefused("Este paquete lo generó esta misma base de datos; impórtelo en la otra.")
    if done == "import":
        report.already_imported = True
        return report
    importer = _Importer(session, actor, opened, report)
    nested = session.begin_nested()
    try:
        importer.run()
    except IntegrityError:
        pass  # reported as a conflict by `_one`; the whole bundle is refused below
    if report.refused:
        nested.rollback()  # all or nothing: not a record of it stays
        _record_conflicts(session, report, importer)
        audit.record(session, user_id=actor.user_id if actor else None,
                     username=actor.username if actor else None, action="sync_refused",
                     entity="bundle", entity_id=bundle_id,
                     details={"key": opened.key_id, "site": importer.site,
                              "conflicts": report.conflicts[:200],
                              "refused": report.skipped[:200]})
        return report
    nested.commit()
    audit.record_many(session, importer.changes)
    _keep_checkpoint(session, opened, bundle_id, report)
    counts = {"inserted": dict(report.inserted), "updated": dict(report.updated),
              "unchanged": dict(report.unchanged), "conflicts": len(report.conflicts),
              "skipped": len(report.skipped)}
    session.add(SyncBundle(bundle_id=bundle_id, direction="import", key_id=opened.key_id,
                           unit_code=(meta.get("source") or {}).get("unit"),
                           sequence=report.sequence, since_seq=int(meta.get("since_seq") or 0),
                           until_seq=int(meta.get("until_seq") or 0), records=report.changed,
                           at=clock.now(), summary=counts))
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="sync_import",
                 entity="bundle", entity_id=bundle_id, details={"key": opened.key_id, **counts})
    return report


FOLIO_IN_TEXT = re.compile(r"\bA?[0-9A-Z]{3,12}-\d{4}-\d{6}-[0-9A-Z]\b")


def _record_conflicts(session: Session, report: ImportReport, importer: _Importer) -> None:
    """Keep what a refused bundle said, for an administrator to decide (`resolve_conflict`);
    the same message of the same bundle is kept once."""
    from st2desk.models import SyncConflict

    assert report.bundle_id is not None
    known = set(session.scalars(select(SyncConflict.message).where(
        SyncConflict.bundle_id == report.bundle_id)))
    for kind, messages in (("conflict", report.conflicts), ("refused", report.skipped)):
        for message in messages[:1000]:
            if message in known:
                continue
            folios = FOLIO_IN_TEXT.findall(message)
            session.add(SyncConflict(bundle_id=report.bundle_id, site=importer.site[:20],
                                     key_id=importer.kid, kind=kind,
                                     folio=folios[0] if folios else None, message=message,
                                     status="open", created_at=clock.now()))
    session.flush()


def _keep_checkpoint(session: Session, opened: OpenedBundle, bundle_id: uuid.UUID,
                     report: ImportReport) -> None:
    """Keep the sender's signed audit checkpoint, so its log can be checked later against
    what it said here (DESIGN §7.3)."""
    from st2desk.models import AuditCheckpoint

    data = opened.meta.get("checkpoint")
    if not isinstance(data, dict):
        return
    try:
        genuine = data.get("key_id") == opened.key_id and audit.checkpoint_signature_ok(session, data)
        at = _dt_in(str(data["at"]) + "Z") if not str(data["at"]).endswith("Z") else _dt_in(data["at"])
    except (KeyError, ValueError, TypeError):
        genuine = False
    if not genuine:
        report.notes.append("El punto de control de la bitácora que trae el paquete no tiene una "
                            "firma válida de su sitio: no se guardó.")
        return
    session.add(AuditCheckpoint(site=str(data["site"])[:20], key_id=opened.key_id,
                                seq=int(data["seq"]), hash=str(data["hash"])[:64], at=at,
                                reason="recibido", signature=str(data["signature"])[:128],
                                bundle_id=bundle_id))
    report.notes.append(f"Punto de control de la bitácora del sitio {data['site']}: evento "
                        f"{data['seq']}.")


def bundle_recipients(data: bytes) -> list[str]:
    """The key ids a bundle is encrypted to (from its outer header)."""
    header, _start = _outer(data[:len(MAGIC) + MAX_HEADER])
    return [str(k) for k in header["to"]]
