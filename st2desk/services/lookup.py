"""Read-only queries behind the physician's windows (request form and My requests).

Catalog searches (services, CIE-10 diagnoses, performing units) are reference data any
signed-in user may read. Patients and requests are read only by a physician, and a
physician reads only their own requests.

Searches are accent- and case-insensitive on both SQLite and PostgreSQL: SQL narrows the
rows with LIKE patterns in which letters that may carry an accent are wildcards, and each
candidate is then confirmed in Python on accent-folded text. Rows come ordered by an
indexed key and are streamed, so confirming never breaks the order nor a keyset page.

Every function returns plain frozen dataclasses, never ORM objects, so the caller can use
them after the session is closed.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from st2desk import clock
from st2desk.errors import PermissionDenied
from st2desk.models import (
    Appeal,
    Attachment,
    Authorization,
    Decision,
    DecisionKind,
    Diagnosis,
    InformationRequest,
    Patient,
    Priority,
    RejectionReason,
    Request,
    RequestStatus,
    Role,
    Service,
    ServiceCategory,
    Severity,
    Sex,
    Specialty,
    Unit,
    UnitKind,
    User,
)
from st2desk.services.common import Actor, get_or_404, require_role
from st2desk.services.patients import find_by_nss
from st2desk.services.review import normalize_cie10
from st2desk.services.visibility import readable_request
from st2desk.services.workflow import ALLOWED, APPEAL_WINDOW, PENDING_STATES, STATUS_LABELS

S = RequestStatus
SEARCH_LIMIT = 30
PAGE_SIZE = 50
_STREAM_BATCH = 200
# Letters that Spanish writes with or without an accent (or a tilde): wildcards in SQL.
_ACCENTABLE = set("aeiounAEIOUN")


# --------------------------------------------------------------------------- text matching


def fold(text: str | None) -> str:
    """Lower case without accents: «Tomografía» → «tomografia», «Ñuñez» → «nunez»."""
    decomposed = unicodedata.normalize("NFD", (text or "").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,;]+", fold(text)) if w]


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _loose_pattern(word: str) -> str:
    """`%w_rd%` where every letter that might carry an accent matches any character."""
    body = "".join("_" if ch in _ACCENTABLE else _like_escape(ch) for ch in word)
    return f"%{body}%"


def _contains_all(columns: Iterable[ColumnElement[str]], words: list[str]) -> ColumnElement[bool]:
    """SQL narrowing: every word appears (loosely) in at least one of the columns."""
    cols = list(columns)
    return and_(*(or_(*(c.ilike(_loose_pattern(w), escape="\\") for c in cols)) for w in words))


def _matches(haystack: str, words: list[str]) -> bool:
    folded = fold(haystack)
    return all(w in folded for w in words)


def _stream(session: Session, stmt) -> Iterator:  # type: ignore[no-untyped-def]
    return iter(session.execute(stmt.execution_options(yield_per=_STREAM_BATCH)))


# --------------------------------------------------------------------------- services


@dataclass(frozen=True)
class ServiceOption:
    id: int
    code: str
    name: str
    category: ServiceCategory
    specialty: str
    needs_st2: bool  # False: in the basic catalog, requested the ordinary way
    validity_days: int
    sex: Sex | None
    min_age: int | None
    max_age: int | None


def _service_option(svc: Service, specialty: str) -> ServiceOption:
    return ServiceOption(svc.id, svc.code, svc.name, svc.category, specialty,
                         not svc.in_basic_catalog, svc.validity_days, svc.sex, svc.min_age,
                         svc.max_age)


def search_services(session: Session, text: str, limit: int = SEARCH_LIMIT) -> list[ServiceOption]:
    """Active services whose code starts with `text` or whose name holds all its words.

    Code matches come first; then name matches, those needing an ST2 before the basic
    catalog ones (shown so the physician learns they need no ST2). Empty text lists the
    first `limit` services needing an ST2, by name.
    """
    base = (select(Service, Specialty.name).join(Specialty, Service.specialty_id == Specialty.id)
            .where(Service.active.is_(True)))
    found: dict[int, ServiceOption] = {}
    code = re.sub(r"\s+", "", text or "").upper()
    if code:
        rows = session.execute(base.where(Service.code.like(_like_escape(code) + "%", escape="\\"))
                               .order_by(Service.code).limit(limit))
        for svc, specialty in rows:
            found[svc.id] = _service_option(svc, specialty)
    words = _words(text or "")
    stmt = base.order_by(Service.in_basic_catalog, Service.name, Service.id)
    if words:
        stmt = stmt.where(_contains_all([Service.name], words))
    else:
        stmt = stmt.where(Service.in_basic_catalog.is_(False))
    for svc, specialty in _stream(session, stmt):
        if len(found) >= limit:
            break
        if svc.id not in found and (not words or _matches(svc.name, words)):
            found[svc.id] = _service_option(svc, specialty)
    return list(found.values())


def get_service(session: Session, service_id: int) -> ServiceOption:
    svc = get_or_404(session, Service, service_id, "un servicio")
    return _service_option(svc, svc.specialty.name)


def service_by_code(session: Session, code: str) -> ServiceOption | None:
    """The active service with exactly this code (case and spaces ignored)."""
    value = re.sub(r"\s+", "", code or "").upper()
    row = session.execute(
        select(Service, Specialty.name).join(Specialty, Service.specialty_id == Specialty.id)
        .where(Service.code == value, Service.active.is_(True))).first()
    return _service_option(row[0], row[1]) if row else None


# --------------------------------------------------------------------------- diagnoses


def dotted_cie10(code: str) -> str:
    """Compact CIE-10 code as written: «K802» → «K80.2», «A09» → «A09»."""
    code = normalize_cie10(code)
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 else code


@dataclass(frozen=True)
class DiagnosisOption:
    code: str  # compact, as stored: K802
    description: str
    sex: Sex | None
    min_age: int | None
    max_age: int | None

    @property
    def dotted(self) -> str:
        return dotted_cie10(self.code)


def _dx_option(dx: Diagnosis) -> DiagnosisOption:
    return DiagnosisOption(dx.code, dx.description, dx.sex, dx.min_age, dx.max_age)


_CIE10_CODE = re.compile(r"^[A-Z]\d[0-9A-Z]{0,5}$")


def search_diagnoses(session: Session, text: str, limit: int = SEARCH_LIMIT) -> list[DiagnosisOption]:
    """CIE-10 codes starting with `text` (dot optional), then descriptions holding its words."""
    found: dict[str, DiagnosisOption] = {}
    code = normalize_cie10(text)
    if code and _CIE10_CODE.match(code):
        for dx in session.scalars(select(Diagnosis).where(
                Diagnosis.code.like(_like_escape(code) + "%", escape="\\"))
                .order_by(Diagnosis.code).limit(limit)):
            found[dx.code] = _dx_option(dx)
    words = _words(text or "")
    if words and len(found) < limit:
        stmt = (select(Diagnosis).where(_contains_all([Diagnosis.description], words))
                .order_by(Diagnosis.code))
        for (dx,) in _stream(session, stmt):
            if len(found) >= limit:
                break
            if dx.code not in found and _matches(dx.description, words):
                found[dx.code] = _dx_option(dx)
    return list(found.values())


def get_diagnosis(session: Session, code: str) -> DiagnosisOption | None:
    """The catalog entry for a code written with or without the dot, or None."""
    value = normalize_cie10(code)
    if not value:
        return None
    dx = session.scalar(select(Diagnosis).where(Diagnosis.code == value))
    return _dx_option(dx) if dx else None


# --------------------------------------------------------------------------- units


@dataclass(frozen=True)
class UnitOption:
    id: int
    code: str
    name: str
    kind: UnitKind
    level: int
    in_my_delegation: bool


def list_performing_units(session: Session, actor: Actor,
                          include_id: int | None = None) -> list[UnitOption]:
    """Active hospitals (level II and III), those of the actor's delegation first.

    `include_id` adds that unit even when it is a level I unit or inactive (a request
    loaded from paper may name one), so a loaded request always shows its unit.
    """
    mine = session.scalar(select(Unit.delegation_id).where(Unit.id == actor.unit_id))
    rows = session.scalars(
        select(Unit).where(or_(and_(Unit.active.is_(True), Unit.level >= 2),
                               Unit.id == (include_id or -1)))
    ).all()
    options = [UnitOption(u.id, u.code, u.name, u.kind, u.level, u.delegation_id == mine)
               for u in rows]
    return sorted(options, key=lambda u: (not u.in_my_delegation, u.code))


def last_performing_unit(session: Session, actor: Actor) -> int | None:
    """The performing unit of the actor's latest request that named one (a good default)."""
    return session.scalar(
        select(Request.performing_unit_id)
        .where(Request.physician_id == actor.user_id, Request.performing_unit_id.is_not(None))
        .order_by(Request.id.desc()).limit(1))


# --------------------------------------------------------------------------- patients


@dataclass(frozen=True)
class PatientInfo:
    id: int
    nss: str
    agregado: str
    curp: str | None
    first_name: str
    last_name: str
    second_last_name: str | None
    birth_date: date
    sex: Sex
    eligible_until: date | None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name, self.second_last_name) if p)


def _patient_info(p: Patient) -> PatientInfo:
    return PatientInfo(p.id, p.nss, p.agregado, p.curp, p.first_name, p.last_name,
                       p.second_last_name, p.birth_date, p.sex, p.eligible_until)


def patients_by_nss(session: Session, actor: Actor, nss: str) -> list[PatientInfo]:
    """Everyone registered under an NSS (the titular and beneficiaries) that the physician's
    unit may see (`visibility.patient_visible`), by agregado.

    Raises ValidationError (Spanish reason) when the NSS itself is not valid.
    """
    user = require_role(session, actor, Role.PHYSICIAN, "consultar pacientes")
    return [_patient_info(p) for p in find_by_nss(session, nss, visible_to=user)]


# --------------------------------------------------------------------------- my requests


class RequestGroup(enum.StrEnum):
    """Filters of My requests, by what the physician has to do."""

    ALL = "all"
    ATTENTION = "attention"  # the physician must act
    IN_PROGRESS = "in_progress"  # waiting for a decision
    AUTHORIZED = "authorized"
    CLOSED = "closed"


GROUP_STATUSES: dict[RequestGroup, frozenset[RequestStatus]] = {
    RequestGroup.ATTENTION: frozenset({S.DRAFT, S.PERFORMED_EMERGENCY, S.INFO_REQUESTED, S.REJECTED}),
    RequestGroup.IN_PROGRESS: frozenset({S.IN_REVIEW, S.IN_APPEAL}),
    RequestGroup.AUTHORIZED: frozenset({S.AUTHORIZED}),
    RequestGroup.CLOSED: frozenset({S.USED, S.EXPIRED, S.CANCELLED, S.REJECTED_FINAL}),
}


class ClockKind(enum.StrEnum):
    NONE = "none"  # not running: draft, decided, closed
    PAUSED = "paused"  # information requested: waiting for the physician
    ON_TIME = "on_time"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class ClockState:
    kind: ClockKind
    remaining: timedelta | None = None  # negative when overdue


def clock_state(status: RequestStatus, due_at: datetime | None, paused_at: datetime | None,
                now: datetime | None = None) -> ClockState:
    """Where the service-level clock stands (DESIGN §1.2; information requests pause it)."""
    if due_at is None:
        return ClockState(ClockKind.NONE)
    if status is S.INFO_REQUESTED:
        return ClockState(ClockKind.PAUSED, due_at - (paused_at or due_at))
    if status not in PENDING_STATES:
        return ClockState(ClockKind.NONE)
    remaining = due_at - (now or clock.now())
    return ClockState(ClockKind.OVERDUE if remaining < timedelta(0) else ClockKind.ON_TIME, remaining)


@dataclass(frozen=True)
class MyRequestRow:
    id: int
    folio: str
    status: RequestStatus
    priority: Priority
    is_emergency: bool
    patient_name: str
    nss: str
    agregado: str
    service_code: str
    service_name: str
    created_at: datetime
    submitted_at: datetime | None
    due_at: datetime | None
    clock_paused_at: datetime | None
    pending_question: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def clock(self, now: datetime | None = None) -> ClockState:
        return clock_state(self.status, self.due_at, self.clock_paused_at, now)


def _search_filter(text: str) -> tuple[ColumnElement[bool] | None, list[str]]:
    """SQL narrowing and the folded words to confirm for a My-requests search."""
    words = _words(text)
    if not words:
        return None, []
    cols = [Request.folio, Patient.nss, Patient.first_name, Patient.last_name,
            Patient.second_last_name, Service.code, Service.name]
    return _contains_all(cols, words), words


def list_my_requests(session: Session, actor: Actor, *,
                     group: RequestGroup = RequestGroup.ALL, search: str = "",
                     before_id: int | None = None, limit: int = PAGE_SIZE) -> list[MyRequestRow]:
    """One page of the actor's own requests, newest first (keyset on the id).

    `before_id` is the id of the last row of the previous page. `search` matches words in
    the folio, the NSS, the patient's names and the service's code or name.
    """
    require_role(session, actor, Role.PHYSICIAN, "consultar sus solicitudes")
    pending = exists().where(InformationRequest.request_id == Request.id,
                             InformationRequest.answered_at.is_(None))
    stmt = (
        select(Request.id, Request.folio, Request.status, Request.priority, Request.is_emergency,
               Patient.first_name, Patient.last_name, Patient.second_last_name, Patient.nss,
               Patient.agregado, Service.code, Service.name, Request.created_at,
               Request.submitted_at, Request.due_at, Request.clock_paused_at,
               pending.label("pending"))
        .outerjoin(Patient, Request.patient_id == Patient.id)
        .outerjoin(Service, Request.service_id == Service.id)
        .where(Request.physician_id == actor.user_id)
        .order_by(Request.id.desc())
    )
    statuses = GROUP_STATUSES.get(group)
    if statuses:
        stmt = stmt.where(Request.status.in_(sorted(statuses)))
    if before_id is not None:
        stmt = stmt.where(Request.id < before_id)
    narrowing, words = _search_filter(search)
    if narrowing is not None:
        stmt = stmt.where(narrowing)
    else:
        stmt = stmt.limit(limit)
    rows: list[MyRequestRow] = []
    for r in _stream(session, stmt):
        name = " ".join(p for p in (r.first_name, r.last_name, r.second_last_name) if p)
        if words and not _matches(" ".join(
                filter(None, (r.folio, r.nss, name, r.code, r.name))), words):
            continue
        rows.append(MyRequestRow(
            r.id, r.folio, r.status, r.priority, r.is_emergency, name, r.nss or "",
            r.agregado or "", r.code or "", r.name or "", r.created_at, r.submitted_at, r.due_at,
            r.clock_paused_at, bool(r.pending)))
        if len(rows) >= limit:
            break
    return rows


def count_my_requests(session: Session, actor: Actor) -> dict[RequestGroup, int]:
    """How many of the actor's requests fall in each group (one GROUP BY on their index)."""
    require_role(session, actor, Role.PHYSICIAN, "consultar sus solicitudes")
    by_status: dict[RequestStatus, int] = {
        status: count for status, count in session.execute(
            select(Request.status, func.count()).where(Request.physician_id == actor.user_id)
            .group_by(Request.status))}
    counts = {g: sum(by_status.get(s, 0) for s in statuses) for g, statuses in GROUP_STATUSES.items()}
    counts[RequestGroup.ALL] = sum(by_status.values())
    return counts


# --------------------------------------------------------------------------- one request


@dataclass(frozen=True)
class FindingInfo:
    severity: Severity
    code: str
    message: str
    field: str | None
    related_folio: str | None


@dataclass(frozen=True)
class DecisionInfo:
    kind: DecisionKind
    on_appeal: bool
    decided_by: str
    decided_at: datetime
    reason_code: str | None
    reason: str | None  # description of the reason code
    text: str


@dataclass(frozen=True)
class QuestionInfo:
    id: int
    asked_by: str
    asked_at: datetime
    question: str
    answer: str | None
    answered_at: datetime | None


@dataclass(frozen=True)
class AppealInfo:
    filed_at: datetime
    grounds: str
    decided_at: datetime | None
    upheld: bool | None


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str
    added_at: datetime


@dataclass(frozen=True)
class RequestDetail:
    id: int
    version: int
    folio: str
    status: RequestStatus
    priority: Priority
    is_emergency: bool
    performed_on: date | None
    performed_time: time | None  # the emergency's local hour
    requested_on: date
    patient: PatientInfo | None
    service: ServiceOption | None
    diagnosis_code: str | None
    diagnosis: DiagnosisOption | None
    performing_unit: UnitOption | None
    justification: str
    created_at: datetime
    submitted_at: datetime | None
    due_at: datetime | None
    clock_paused_at: datetime | None
    decided_at: datetime | None
    rejected_at: datetime | None
    revision_of: str | None  # folio of the request this one revises
    revisions: tuple[tuple[int, str], ...]  # (id, folio) of drafts revising this one
    authorization_number: str | None
    authorization_valid_until: date | None
    findings: tuple[FindingInfo, ...]
    decisions: tuple[DecisionInfo, ...]
    questions: tuple[QuestionInfo, ...]
    appeals: tuple[AppealInfo, ...]
    attachments: tuple[AttachmentInfo, ...]
    actions: frozenset[str]  # workflow actions the state allows now (see ALLOWED)
    appeal_deadline: datetime | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def pending_question(self) -> QuestionInfo | None:
        return next((q for q in reversed(self.questions) if q.answered_at is None), None)

    def clock(self, now: datetime | None = None) -> ClockState:
        return clock_state(self.status, self.due_at, self.clock_paused_at, now)


PHYSICIAN_ACTIONS = ("edit", "submit", "cancel", "answer_info", "appeal", "revise", "attach")


def allowed_actions(status: RequestStatus, rejected_at: datetime | None,
                    now: datetime | None = None) -> frozenset[str]:
    """The physician's actions the request's state allows (mirrors workflow.ALLOWED)."""
    actions = {a for a in PHYSICIAN_ACTIONS if status in ALLOWED[a][0]}
    if "appeal" in actions and rejected_at is not None \
            and (now or clock.now()) - rejected_at > APPEAL_WINDOW:
        actions.discard("appeal")
    return frozenset(actions)


def attachment_infos(session: Session, request_id: int) -> tuple[AttachmentInfo, ...]:
    rows = session.execute(
        select(Attachment.id, Attachment.filename, Attachment.media_type, Attachment.size,
               Attachment.sha256, Attachment.added_at)
        .where(Attachment.request_id == request_id).order_by(Attachment.id))
    return tuple(AttachmentInfo(*r) for r in rows)


def get_my_request(session: Session, actor: Actor, request_id: int) -> RequestDetail:
    """Everything My requests and the request form show about one of the actor's requests."""
    require_role(session, actor, Role.PHYSICIAN, "consultar sus solicitudes")
    req: Request = readable_request(session, actor.user_id, request_id)
    if req.physician_id != actor.user_id:
        raise PermissionDenied(f"La solicitud {req.folio} es de otro médico.")
    decider = aliased(User)
    decisions = tuple(
        DecisionInfo(d.kind, d.on_appeal, name, d.decided_at, d.reason_code, reason, d.text)
        for d, name, reason in session.execute(
            select(Decision, decider.full_name, RejectionReason.description)
            .join(decider, Decision.decided_by_id == decider.id)
            .outerjoin(RejectionReason, Decision.reason_code == RejectionReason.code)
            .where(Decision.request_id == req.id).order_by(Decision.id)))
    asker = aliased(User)
    questions = tuple(
        QuestionInfo(q.id, name, q.asked_at, q.question, q.answer, q.answered_at)
        for q, name in session.execute(
            select(InformationRequest, asker.full_name)
            .join(asker, InformationRequest.asked_by_id == asker.id)
            .where(InformationRequest.request_id == req.id).order_by(InformationRequest.id)))
    appeals = tuple(AppealInfo(a.filed_at, a.grounds, a.decided_at, a.upheld)
                    for a in session.scalars(select(Appeal).where(Appeal.request_id == req.id)
                                             .order_by(Appeal.id)))
    revisions = tuple((rid, folio) for rid, folio in session.execute(
        select(Request.id, Request.folio).where(Request.revision_of_id == req.id)
        .order_by(Request.id)))
    auth = session.scalar(select(Authorization).where(Authorization.request_id == req.id))
    unit = req.performing_unit
    mine = session.scalar(select(Unit.delegation_id).where(Unit.id == actor.unit_id))
    appeal_deadline = (req.rejected_at + APPEAL_WINDOW
                       if req.status is S.REJECTED and req.rejected_at else None)
    return RequestDetail(
        id=req.id, version=req.version, folio=req.folio, status=req.status,
        priority=req.priority, is_emergency=req.is_emergency, performed_on=req.performed_on,
        performed_time=req.performed_time,
        requested_on=req.requested_on,
        patient=_patient_info(req.patient) if req.patient else None,
        service=_service_option(req.service, req.service.specialty.name) if req.service else None,
        diagnosis_code=req.diagnosis_code,
        diagnosis=get_diagnosis(session, req.diagnosis_code or ""),
        performing_unit=UnitOption(unit.id, unit.code, unit.name, unit.kind, unit.level,
                                   unit.delegation_id == mine) if unit else None,
        justification=req.justification, created_at=req.created_at,
        submitted_at=req.submitted_at, due_at=req.due_at, clock_paused_at=req.clock_paused_at,
        decided_at=req.decided_at, rejected_at=req.rejected_at,
        revision_of=req.revision_of.folio if req.revision_of else None,
        revisions=revisions,
        authorization_number=auth.number if auth else None,
        authorization_valid_until=auth.valid_until if auth else None,
        findings=tuple(FindingInfo(f.severity, f.code, f.message, f.field, f.related_folio)
                       for f in req.findings),
        decisions=decisions, questions=questions, appeals=appeals,
        attachments=attachment_infos(session, req.id),
        actions=allowed_actions(req.status, req.rejected_at),
        appeal_deadline=appeal_deadline,
    )
