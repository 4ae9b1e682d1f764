"""The specialist's inbox and the appeals queue: paged, filtered, searchable reads.

Pages are keyset pages (DESIGN §5): ``ORDER BY due_at, id`` with the next page starting
after the last row's ``(due_at, id)``, written portably as
``due_at >= :d AND (due_at > :d OR id > :i)`` so the index range starts at the cursor
instead of scanning from the beginning. Each (specialty, status) pair is one *lane*
that ``ix_requests_inbox (performing_unit_id, specialty_id, status, due_at, id)`` serves
already in order; lanes are merged in one ``UNION ALL`` statement, so a page costs a few
index range scans of at most ``limit`` entries whatever the table size.

Who sees what (the decision services enforce the same rules):

* specialist: requests whose performing unit is the user's unit and, when the user has
  a specialty, of that specialty;
* appeals (jefe de servicio): requests ``in_appeal`` whose performing unit is the user's
  unit — the head of service of the hospital whose specialists made the first decision
  reviews it. A user with both roles may see an appeal on their own first decision, but
  ``decisions.decide_appeal`` refuses it (`AppealRow.first_decided_by_me` lets the UI say so).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from st2desk import clock, numbering, timezones
from st2desk.errors import NotFound, PermissionDenied, ValidationError
from st2desk.identifiers import compact_nss, validate_nss
from st2desk.models import (
    Appeal,
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
    ReviewFinding,
    Role,
    Service,
    ServiceCategory,
    Severity,
    Sex,
    Specialty,
    Unit,
    User,
)
from st2desk.services.common import Actor, require_role
from st2desk.services.lookup import AttachmentInfo, attachment_infos
from st2desk.services.visibility import NO_SPECIALTY, may_view, readable_request

S = RequestStatus
INBOX_STATUSES = (S.IN_REVIEW, S.INFO_REQUESTED)
PAGE_SIZE = 100
MAX_PAGE = 10_000
SEARCH_LIMIT = 100
HISTORY_LIMIT = 25
COUNT_CAP = 10_000
_NOT_SUBMITTED = (S.DRAFT, S.PERFORMED_EMERGENCY)
# Inbox order: requests whose clock runs (overdue first, then by time left), then those
# waiting for the physician's answer (clock paused), each by due time. A paused request is
# not the specialist's to act on, so it never sits between overdue ones (issue 13, item 8).
PAUSED_RANK = {S.IN_REVIEW: 0, S.INFO_REQUESTED: 1}


# --------------------------------------------------------------------------- value objects


@dataclass(frozen=True)
class InboxFilters:
    """What the specialist narrowed the inbox to; the defaults are "all that is pending"."""

    statuses: tuple[RequestStatus, ...] = INBOX_STATUSES
    specialty_id: int | None = None
    requesting_unit_id: int | None = None
    priority: Priority | None = None
    submitted_from: date | None = None  # calendar days in Mexico, both inclusive
    submitted_to: date | None = None


@dataclass(frozen=True)
class Cursor:
    """Where the next keyset page starts: after this (rank, key, id)."""

    key: datetime
    id: int
    rank: int = 0  # the inbox: 0 clock running, 1 paused (see `PAUSED_RANK`)


@dataclass(frozen=True)
class InboxRow:
    id: int
    version: int
    folio: str
    status: RequestStatus
    priority: Priority
    is_emergency: bool
    submitted_at: datetime | None
    due_at: datetime
    clock_paused_at: datetime | None
    patient_name: str
    nss: str
    agregado: str
    service_code: str
    service_name: str
    specialty_name: str
    requesting_unit_code: str
    requesting_unit_name: str
    warnings: int
    time_zone: str | None = None  # the requesting unit's: the request's times are in it

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.due_at, self.id, PAUSED_RANK[self.status])

    def time_left(self, now: datetime) -> timedelta:
        """Service-level time left; frozen at the pause while information is requested."""
        reference = self.clock_paused_at if self.clock_paused_at is not None else now
        return self.due_at - reference

    @property
    def paused(self) -> bool:
        return self.status is S.INFO_REQUESTED

    def overdue(self, now: datetime) -> bool:
        """Past due while waiting for the specialist (paused and decided ones are not)."""
        return self.status is S.IN_REVIEW and self.due_at < now


@dataclass(frozen=True)
class AppealRow:
    id: int  # the request's id
    version: int
    folio: str
    priority: Priority
    patient_name: str
    nss: str
    service_code: str
    service_name: str
    specialty_name: str
    requesting_unit_code: str
    appeal_id: int
    filed_at: datetime
    filed_by_name: str
    grounds: str
    rejected_at: datetime | None
    rejected_by_name: str
    rejection_reason_code: str
    rejection_reason: str
    rejection_text: str
    first_decided_by_me: bool
    time_zone: str | None = None  # the requesting unit's: the request's times are in it

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.filed_at, self.appeal_id)


@dataclass(frozen=True)
class FindingInfo:
    severity: Severity
    code: str
    message: str
    related_folio: str | None


@dataclass(frozen=True)
class InfoExchange:
    question: str
    asked_by_name: str
    asked_at: datetime
    answer: str | None
    answered_at: datetime | None


@dataclass(frozen=True)
class DecisionInfo:
    kind: DecisionKind
    on_appeal: bool
    decided_by_id: int
    decided_by_name: str
    decided_at: datetime
    reason_code: str | None
    reason: str | None
    text: str


@dataclass(frozen=True)
class AppealInfo:
    filed_by_name: str
    filed_at: datetime
    grounds: str
    decided_at: datetime | None
    upheld: bool | None


@dataclass(frozen=True)
class HistoryItem:
    id: int
    folio: str
    status: RequestStatus
    requested_on: date
    service_code: str
    service_name: str
    performing_unit_code: str
    authorization_number: str | None


@dataclass(frozen=True)
class RequestDetail:
    id: int
    version: int
    folio: str
    status: RequestStatus
    priority: Priority
    origin: str
    is_emergency: bool
    performed_on: date | None
    performed_time: time | None  # the emergency's local hour
    requested_on: date
    submitted_at: datetime | None
    due_at: datetime | None
    clock_paused_at: datetime | None
    decided_at: datetime | None
    patient_name: str
    nss: str
    agregado: str
    curp: str | None
    birth_date: date | None
    sex: Sex | None
    eligible_until: date | None
    service_code: str
    service_name: str
    service_category: ServiceCategory | None
    validity_days: int
    specialty_name: str
    diagnosis_code: str
    diagnosis_description: str
    justification: str
    requesting_unit: str
    performing_unit_id: int | None
    performing_unit: str
    physician_id: int
    physician_name: str
    physician_license: str | None
    revision_of_folio: str | None
    authorization_number: str | None
    findings: tuple[FindingInfo, ...]
    information: tuple[InfoExchange, ...]
    decisions: tuple[DecisionInfo, ...]
    appeals: tuple[AppealInfo, ...]
    history: tuple[HistoryItem, ...]
    attachments: tuple[AttachmentInfo, ...] = ()
    time_zone: str | None = None  # the requesting unit's: the request's times are in it

    @property
    def warnings(self) -> tuple[FindingInfo, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARN)

    @property
    def first_rejection(self) -> DecisionInfo | None:
        rejections = [d for d in self.decisions if d.kind is DecisionKind.REJECT and not d.on_appeal]
        return rejections[-1] if rejections else None

    def time_left(self, now: datetime) -> timedelta | None:
        if self.due_at is None:
            return None
        return self.due_at - (self.clock_paused_at or now)


@dataclass(frozen=True)
class Choice:
    """An entry of a catalog offered in a combo box."""

    id: int
    code: str
    name: str


# --------------------------------------------------------------------------- helpers


def _bounded(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationError(f"El tamaño de página debe estar entre 1 y {MAX_PAGE}.")
    return limit


def _local_midnight(day: date) -> datetime:
    """Midnight of `day` in the signed-in unit's zone (the same day the screens show)."""
    return datetime.combine(day, time(), tzinfo=clock.zone())


def _after(key: Any, ident: Any, cursor: Cursor | None, rank: int = 0) -> list[ColumnElement[bool]]:
    """Keyset predicate, portable and index-friendly (no row-value comparison). `rank` is
    the lane's constant rank: a lane ranked before the cursor's is exhausted, one after it
    starts from its beginning."""
    if cursor is None or rank > cursor.rank:
        return []
    if rank < cursor.rank:
        return [false()]
    return [key >= cursor.key, or_(key > cursor.key, ident > cursor.id)]


def _specialist(session: Session, actor: Actor) -> User:
    user = require_role(session, actor, Role.SPECIALIST, "consultar la bandeja de dictamen")
    if user.specialty_id is None:  # one specialty each: never "all of the unit's"
        raise PermissionDenied(NO_SPECIALTY)
    return user


def _all_specialties(session: Session) -> list[int]:
    return list(session.scalars(select(Specialty.id).order_by(Specialty.id)))


def _specialty_lanes(session: Session, user: User, wanted: int | None) -> list[int]:
    if user.specialty_id is not None:
        if wanted is not None and wanted != user.specialty_id:
            raise PermissionDenied(
                "Su bandeja muestra solo las solicitudes de su especialidad.")
        return [user.specialty_id]
    if wanted is not None:
        return [wanted]
    return _all_specialties(session)


def _lane(unit_id: int, specialty_id: int, status: RequestStatus, f: InboxFilters,
          after: Cursor | None, limit: int | None) -> Select:
    rank = PAUSED_RANK[status]
    query = select(Request.id.label("id"), Request.due_at.label("due_at"),
                   literal(rank).label("rank")).where(
        Request.performing_unit_id == unit_id,
        Request.specialty_id == specialty_id,
        Request.status == status,
        Request.due_at.is_not(None),
        *_after(Request.due_at, Request.id, after, rank),
    )
    if f.requesting_unit_id is not None:
        query = query.where(Request.requesting_unit_id == f.requesting_unit_id)
    if f.priority is not None:
        query = query.where(Request.priority == Priority(f.priority))
    if f.submitted_from is not None:
        query = query.where(Request.submitted_at >= _local_midnight(f.submitted_from))
    if f.submitted_to is not None:
        query = query.where(Request.submitted_at < _local_midnight(f.submitted_to + timedelta(days=1)))
    query = query.order_by(Request.due_at, Request.id)
    return query.limit(limit) if limit is not None else query


def _lanes(session: Session, actor: Actor, f: InboxFilters, after: Cursor | None,
           limit: int | None) -> list[Select]:
    user = _specialist(session, actor)
    statuses = tuple(dict.fromkeys(RequestStatus(s) for s in f.statuses))
    if not statuses or any(s not in INBOX_STATUSES for s in statuses):
        raise ValidationError("La bandeja muestra solicitudes en revisión o con información solicitada.")
    return [_lane(user.unit_id, specialty_id, status, f, after, limit)
            for specialty_id in _specialty_lanes(session, user, f.specialty_id)
            for status in statuses]


def _merged(lanes: Sequence[Select]) -> Select:
    """One statement over every lane, each lane an ordered, limited index range scan."""
    if len(lanes) == 1:
        return lanes[0]
    parts = [select(sub.c.id, sub.c.due_at, sub.c.rank) for sub in (lane.subquery() for lane in lanes)]
    return select(union_all(*parts).subquery())


_requesting = aliased(Unit, name="requesting_unit")


def _row_columns() -> tuple:
    warnings = (select(func.count(ReviewFinding.id))
                .where(ReviewFinding.request_id == Request.id,
                       ReviewFinding.severity == Severity.WARN)
                .correlate(Request).scalar_subquery())
    return (Request.id, Request.version, Request.folio, Request.status, Request.priority,
            Request.is_emergency, Request.submitted_at, Request.due_at, Request.clock_paused_at,
            Patient.first_name, Patient.last_name, Patient.second_last_name, Patient.nss,
            Patient.agregado, Service.code, Service.name, Specialty.name, _requesting.code,
            _requesting.name, warnings.label("warnings"), _requesting.time_zone)


def _with_row_joins(query: Select) -> Select:
    return (query.outerjoin(Patient, Patient.id == Request.patient_id)
            .outerjoin(Service, Service.id == Request.service_id)
            .outerjoin(Specialty, Specialty.id == Request.specialty_id)
            .join(_requesting, _requesting.id == Request.requesting_unit_id))


def _name(first: str | None, last: str | None, second: str | None) -> str:
    return " ".join(p for p in (first, last, second) if p)


def _inbox_row(r: Any) -> InboxRow:
    (rid, version, folio, status, priority, emergency, submitted, due, paused, first, last,
     second, nss, agregado, scode, sname, spec, ucode, uname, warnings, zone) = r
    return InboxRow(rid, version, folio, status, priority, bool(emergency), submitted, due, paused,
                    _name(first, last, second), nss or "", agregado or "", scode or "", sname or "",
                    spec or "", ucode, uname, int(warnings or 0), zone)


# --------------------------------------------------------------------------- the inbox


def inbox_page(session: Session, actor: Actor, filters: InboxFilters | None = None,
               after: Cursor | None = None, limit: int = PAGE_SIZE) -> list[InboxRow]:
    """The next `limit` pending requests of the specialist's inbox in service-clock order.

    Requests whose clock runs first, ordered by ``(due_at, id)``: what is overdue or due
    first comes first; then those paused for information, by ``(due_at, id)`` too
    (`PAUSED_RANK`). Pass the last row's `cursor` as `after` for the following page.
    """
    limit = _bounded(limit)
    f = filters or InboxFilters()
    merged = _merged(_lanes(session, actor, f, after, limit)).subquery("page_keys")
    page = (select(merged.c.id, merged.c.rank)
            .order_by(merged.c.rank, merged.c.due_at, merged.c.id).limit(limit)
            .subquery("page"))
    query = _with_row_joins(select(*_row_columns()).select_from(page)
                            .join(Request, Request.id == page.c.id))
    query = query.order_by(page.c.rank, Request.due_at, Request.id)
    return [_inbox_row(r) for r in session.execute(query)]


def inbox_count(session: Session, actor: Actor, filters: InboxFilters | None = None,
                cap: int = COUNT_CAP) -> int:
    """How many requests the filters match, counted up to `cap` + 1 (“more than cap”)."""
    f = filters or InboxFilters()
    lanes = [lane.limit(cap + 1) for lane in _lanes(session, actor, f, None, None)]
    counts = [select(func.count()).select_from(lane.subquery()) for lane in lanes]
    total = 0
    for value in session.execute(select(*[c.scalar_subquery() for c in counts])).one():
        total += int(value or 0)
    return min(total, cap + 1)


def _scope(query: Select, user: User) -> Select:
    query = query.where(Request.performing_unit_id == user.unit_id,
                        Request.status.not_in(_NOT_SUBMITTED))
    if user.specialty_id is not None:
        query = query.where(Request.specialty_id == user.specialty_id)
    return query


def _in_scope(user: User, performing_unit_id: int | None, specialty_id: int | None,
              status: RequestStatus) -> bool:
    return (performing_unit_id == user.unit_id and status not in _NOT_SUBMITTED
            and (user.specialty_id is None or specialty_id == user.specialty_id))


def search_inbox(session: Session, actor: Actor, text: str) -> list[InboxRow]:
    """Requests of the specialist's unit (and specialty) by folio, authorization number or NSS.

    Any status once submitted, so a decided request can be looked up too. A folio out of
    the specialist's scope is reported as such rather than silently not found.
    """
    user = _specialist(session, actor)
    value = numbering.normalize(text)
    if not value:
        raise ValidationError("Escriba un folio, un número de autorización o un NSS.")
    base = _with_row_joins(select(*_row_columns()))
    digits = compact_nss(value)
    if digits.isdigit():
        # Driven from the patient (ix_patients_nss, then ix_requests_patient_service): a
        # family has a handful of requests, while the unit's scope may hold thousands.
        nss = validate_nss(digits)
        patient_ids = list(session.scalars(select(Patient.id).where(Patient.nss == nss)))
        if not patient_ids:
            return []
        candidates = session.execute(
            select(Request.id, Request.performing_unit_id, Request.specialty_id, Request.status)
            .where(Request.patient_id.in_(patient_ids))).all()
        ids = sorted((c.id for c in candidates if _in_scope(user, c.performing_unit_id,
                                                               c.specialty_id, c.status)),
                     reverse=True)[:SEARCH_LIMIT]
        if not ids:
            return []
        query = base.where(Request.id.in_(ids)).order_by(Request.id.desc())
        return [_inbox_row(r) for r in session.execute(query)]
    parsed = numbering.parse_number(value)
    if parsed.is_authorization:
        request_id = session.scalar(select(Authorization.request_id)
                                    .where(Authorization.number == value))
        what = f"la autorización {value}"
    else:
        request_id = session.scalar(select(Request.id).where(Request.folio == value))
        what = f"la solicitud {value}"
    # A request this person may not read is "not found", as for a number never issued;
    # one they read through another role (their unit's physician) is out of the inbox.
    if request_id is None or not may_view(user, session.get(Request, request_id)):
        raise NotFound(f"No existe {what}.")
    rows = [_inbox_row(r) for r in session.execute(_scope(base.where(Request.id == request_id), user))]
    if not rows:
        raise NotFound(
            f"{what[0].upper()}{what[1:]} no corresponde a su bandeja "
            "(otra unidad de destino o especialidad, o aún no se ha enviado).")
    return rows


def inbox_rows_by_id(session: Session, actor: Actor, request_ids: Sequence[int]) -> list[InboxRow]:
    """Current state of the given requests within the specialist's scope (to refresh rows)."""
    user = _specialist(session, actor)
    if not request_ids:
        return []
    query = _scope(_with_row_joins(select(*_row_columns())).where(Request.id.in_(list(request_ids))),
                   user)
    return [_inbox_row(r) for r in session.execute(query.order_by(Request.due_at, Request.id))]


# --------------------------------------------------------------------------- the appeals queue


def _appeals_user(session: Session, actor: Actor) -> User:
    return require_role(session, actor, Role.APPEALS, "consultar los recursos de revisión")


def appeals_page(session: Session, actor: Actor, after: Cursor | None = None,
                 limit: int = PAGE_SIZE) -> list[AppealRow]:
    """Open appeals of requests whose performing unit is the user's, oldest appeal first."""
    limit = _bounded(limit)
    user = _appeals_user(session, actor)
    query = (select(Request.id, Request.version, Request.folio, Request.priority,
                    Request.rejected_at, Patient.first_name, Patient.last_name,
                    Patient.second_last_name, Patient.nss, Service.code, Service.name,
                    Specialty.name, _requesting.code, Appeal.id, Appeal.filed_at, Appeal.grounds,
                    User.full_name, _requesting.time_zone)
             .join(Appeal, and_(Appeal.request_id == Request.id, Appeal.decided_at.is_(None)))
             .join(User, User.id == Appeal.filed_by_id)
             .outerjoin(Patient, Patient.id == Request.patient_id)
             .outerjoin(Service, Service.id == Request.service_id)
             .outerjoin(Specialty, Specialty.id == Request.specialty_id)
             .join(_requesting, _requesting.id == Request.requesting_unit_id)
             .where(Request.performing_unit_id == user.unit_id,
                    # every specialty spelled out: one probe of ix_requests_inbox per
                    # (unit, specialty, 'in_appeal') instead of a scan of the unit's requests
                    Request.specialty_id.in_(_all_specialties(session)),
                    Request.status == S.IN_APPEAL,
                    *_after(Appeal.filed_at, Appeal.id, after))
             .order_by(Appeal.filed_at, Appeal.id)
             .limit(limit))
    rows = session.execute(query).all()
    ids = [r[0] for r in rows]
    rejections: dict[int, tuple] = {}
    first_deciders: dict[int, set[int]] = {}
    if ids:
        decider = aliased(User)
        for d in session.execute(
                select(Decision.request_id, Decision.kind, Decision.decided_by_id,
                       decider.full_name, Decision.reason_code, RejectionReason.description,
                       Decision.text)
                .join(decider, decider.id == Decision.decided_by_id)
                .outerjoin(RejectionReason, RejectionReason.code == Decision.reason_code)
                .where(Decision.request_id.in_(ids), Decision.on_appeal.is_(False))
                .order_by(Decision.id)):
            first_deciders.setdefault(d[0], set()).add(d[2])
            if d[1] is DecisionKind.REJECT:
                rejections[d[0]] = d
    result = []
    for r in rows:
        rej = rejections.get(r[0])
        result.append(AppealRow(
            id=r[0], version=r[1], folio=r[2], priority=r[3], patient_name=_name(r[5], r[6], r[7]),
            nss=r[8] or "", service_code=r[9] or "", service_name=r[10] or "",
            specialty_name=r[11] or "", requesting_unit_code=r[12], appeal_id=r[13],
            filed_at=r[14], grounds=r[15], filed_by_name=r[16], rejected_at=r[4],
            rejected_by_name=rej[3] if rej else "", rejection_reason_code=(rej[4] or "") if rej else "",
            rejection_reason=(rej[5] or "") if rej else "", rejection_text=rej[6] if rej else "",
            first_decided_by_me=user.id in first_deciders.get(r[0], set()),
            time_zone=r[17],
        ))
    return result


def appeals_count(session: Session, actor: Actor) -> int:
    user = _appeals_user(session, actor)
    return int(session.scalar(select(func.count()).select_from(Request).where(
        Request.performing_unit_id == user.unit_id,
        Request.specialty_id.in_(_all_specialties(session)),
        Request.status == S.IN_APPEAL)) or 0)


# --------------------------------------------------------------------------- detail


def _unit_label(unit: Unit | None) -> str:
    return f"{unit.code} — {unit.name}" if unit else ""


def request_detail(session: Session, actor: Actor, request_id: int) -> RequestDetail:
    """Everything a reviewer reads before deciding: the request, findings, exchanges, history.

    Open to the roles that work with the request (`visibility.may_view`).
    """
    req = readable_request(session, actor.user_id, request_id)
    patient = req.patient
    service = req.service
    specialty = session.get(Specialty, req.specialty_id) if req.specialty_id else None
    diagnosis = (session.scalar(select(Diagnosis).where(Diagnosis.code == req.diagnosis_code))
                 if req.diagnosis_code else None)
    names: dict[int, str] = {}

    def name_of(user_id: int | None) -> str:
        if user_id is None:
            return ""
        if user_id not in names:
            names[user_id] = session.scalar(select(User.full_name).where(User.id == user_id)) or ""
        return names[user_id]

    reasons: dict[str, str] = {code: text for code, text in session.execute(
        select(RejectionReason.code, RejectionReason.description))}
    findings = tuple(FindingInfo(f.severity, f.code, f.message, f.related_folio)
                     for f in req.findings)
    information = tuple(
        InfoExchange(i.question, name_of(i.asked_by_id), i.asked_at, i.answer, i.answered_at)
        for i in session.scalars(select(InformationRequest)
                                 .where(InformationRequest.request_id == req.id)
                                 .order_by(InformationRequest.id)))
    decisions = tuple(
        DecisionInfo(d.kind, d.on_appeal, d.decided_by_id, name_of(d.decided_by_id), d.decided_at,
                     d.reason_code, reasons.get(d.reason_code or ""), d.text)
        for d in session.scalars(select(Decision).where(Decision.request_id == req.id)
                                 .order_by(Decision.id)))
    appeals = tuple(
        AppealInfo(name_of(a.filed_by_id), a.filed_at, a.grounds, a.decided_at, a.upheld)
        for a in session.scalars(select(Appeal).where(Appeal.request_id == req.id)
                                 .order_by(Appeal.id)))
    history: tuple[HistoryItem, ...] = ()
    if req.patient_id is not None:
        performing = aliased(Unit)
        history = tuple(
            HistoryItem(r[0], r[1], r[2], r[3], r[4] or "", r[5] or "", r[6] or "", r[7])
            for r in session.execute(
                select(Request.id, Request.folio, Request.status, Request.requested_on,
                       Service.code, Service.name, performing.code, Authorization.number)
                .outerjoin(Service, Service.id == Request.service_id)
                .outerjoin(performing, performing.id == Request.performing_unit_id)
                .outerjoin(Authorization, Authorization.request_id == Request.id)
                .where(Request.patient_id == req.patient_id, Request.id != req.id,
                       Request.status.not_in(_NOT_SUBMITTED))
                .order_by(Request.requested_on.desc(), Request.id.desc())
                .limit(HISTORY_LIMIT)))
    physician = req.physician
    return RequestDetail(
        id=req.id, version=req.version, folio=req.folio, status=req.status, priority=req.priority,
        origin=req.origin.value, is_emergency=req.is_emergency, performed_on=req.performed_on,
        performed_time=req.performed_time,
        requested_on=req.requested_on, submitted_at=req.submitted_at, due_at=req.due_at,
        clock_paused_at=req.clock_paused_at, decided_at=req.decided_at,
        patient_name=patient.full_name if patient else "", nss=patient.nss if patient else "",
        agregado=patient.agregado if patient else "", curp=patient.curp if patient else None,
        birth_date=patient.birth_date if patient else None, sex=patient.sex if patient else None,
        eligible_until=patient.eligible_until if patient else None,
        service_code=service.code if service else "", service_name=service.name if service else "",
        service_category=service.category if service else None,
        validity_days=service.validity_days if service else 90,
        specialty_name=specialty.name if specialty else "",
        diagnosis_code=req.diagnosis_code or "",
        diagnosis_description=diagnosis.description if diagnosis else "",
        justification=req.justification, requesting_unit=_unit_label(req.requesting_unit),
        performing_unit_id=req.performing_unit_id,
        performing_unit=_unit_label(req.performing_unit),
        physician_id=physician.id, physician_name=physician.full_name,
        physician_license=physician.professional_license,
        revision_of_folio=req.revision_of.folio if req.revision_of else None,
        authorization_number=req.authorization.number if req.authorization else None,
        findings=findings, information=information, decisions=decisions, appeals=appeals,
        history=history, attachments=attachment_infos(session, req.id),
        time_zone=timezones.request_zone(req),
    )


# --------------------------------------------------------------------------- choices


def unit_choices(session: Session) -> list[Choice]:
    """Active units for a performing-unit or requesting-unit choice, by code."""
    return [Choice(*r) for r in session.execute(
        select(Unit.id, Unit.code, Unit.name).where(Unit.active.is_(True)).order_by(Unit.code))]


def specialty_choices(session: Session) -> list[Choice]:
    return [Choice(*r) for r in session.execute(
        select(Specialty.id, Specialty.code, Specialty.name).order_by(Specialty.name))]


def rejection_reason_choices(session: Session) -> list[Choice]:
    """The active rejection reasons of the catalog (a rejection must name one)."""
    return [Choice(*r) for r in session.execute(
        select(RejectionReason.id, RejectionReason.code, RejectionReason.description)
        .where(RejectionReason.active.is_(True)).order_by(RejectionReason.code))]


def specialist_scope(session: Session, actor: Actor) -> tuple[int, int | None]:
    """(performing unit, fixed specialty or None) the specialist's inbox is limited to."""
    user = _specialist(session, actor)
    return user.unit_id, user.specialty_id
