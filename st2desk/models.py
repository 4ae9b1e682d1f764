"""SQLAlchemy 2 typed models of the ST2 domain (DESIGN §1, §2).

Records that may travel between databases (offline bundles) carry a UUID next to the
integer key; the request and the authorization carry a version column so a second
workstation's stale write fails instead of overwriting (optimistic locking).
"""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from st2desk import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, on SQLite and PostgreSQL alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(
        cls,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Role(enum.StrEnum):
    PHYSICIAN = "physician"
    SPECIALIST = "specialist"
    APPEALS = "appeals"
    RECEPTION = "reception"
    ADMIN = "admin"


class Sex(enum.StrEnum):
    MALE = "M"
    FEMALE = "F"


class UnitKind(enum.StrEnum):
    UMF = "UMF"
    HGZ = "HGZ"
    HGR = "HGR"
    UMAE = "UMAE"


class ServiceCategory(enum.StrEnum):
    IMAGING = "imaging"
    LABORATORY = "laboratory"
    ENDOSCOPY = "endoscopy"
    AMBULATORY_SURGERY = "ambulatory_surgery"
    ONCOLOGY = "oncology"
    PROSTHESIS = "prosthesis"
    PSYCHOLOGY = "psychology"
    COMPLEMENTARY_THERAPY = "complementary_therapy"


class RequestStatus(enum.StrEnum):
    DRAFT = "draft"
    PERFORMED_EMERGENCY = "performed_emergency"
    IN_REVIEW = "in_review"
    INFO_REQUESTED = "info_requested"
    AUTHORIZED = "authorized"
    REJECTED = "rejected"
    IN_APPEAL = "in_appeal"
    REJECTED_FINAL = "rejected_final"
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Priority(enum.StrEnum):
    ORDINARY = "ordinary"
    URGENT = "urgent"


class Origin(enum.StrEnum):
    APP = "app"
    PDF = "pdf"
    PAPER = "paper"
    SYNC = "sync"


# Filed on a form (handwritten or fillable PDF): `requested_on` is the date written on it,
# which is when it was filed, however late it was captured.
PAPER_ORIGINS = frozenset({Origin.PAPER, Origin.PDF})


class Severity(enum.StrEnum):
    BLOCK = "block"
    WARN = "warn"


class DecisionKind(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class AuthorizationStatus(enum.StrEnum):
    VALID = "valid"
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class SequenceKind(enum.StrEnum):
    FOLIO = "folio"
    AUTHORIZATION = "authorization"


def _uuid() -> uuid.UUID:
    return uuid.uuid4()


# --------------------------------------------------------------------------- reference data


class Delegation(Base):
    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(80))


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    kind: Mapped[UnitKind] = mapped_column(_enum(UnitKind))
    level: Mapped[int] = mapped_column(Integer)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # IANA zone whose calendar day the unit works on (st2desk.timezones.unit_zone).
    time_zone: Mapped[str] = mapped_column(String(40), default="America/Mexico_City",
                                           server_default="America/Mexico_City")
    # Printed on the slip so the patient can find and call the performing unit.
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))

    delegation: Mapped[Delegation] = relationship()


class Specialty(Base):
    __tablename__ = "specialties"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[ServiceCategory] = mapped_column(_enum(ServiceCategory))
    specialty_id: Mapped[int] = mapped_column(ForeignKey("specialties.id"), index=True)
    in_basic_catalog: Mapped[bool] = mapped_column(Boolean, default=False)
    validity_days: Mapped[int] = mapped_column(Integer, default=90)
    repeat_window_days: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[Sex | None] = mapped_column(_enum(Sex))
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    specialty: Mapped[Specialty] = relationship()


class Diagnosis(Base):
    """A CIE-10 code; `code` is stored compact (no dot, upper case)."""

    __tablename__ = "diagnoses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    description: Mapped[str] = mapped_column(String(300))
    sex: Mapped[Sex | None] = mapped_column(_enum(Sex))
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)


class RejectionReason(Base):
    __tablename__ = "rejection_reasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    description: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


# --------------------------------------------------------------------------- people


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=_uuid)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(160))
    # SQLite's password check; on PostgreSQL the server checks passwords and no login role
    # may read this column (so it is loaded only when asked for).
    password_hash: Mapped[str] = mapped_column(String(200), deferred=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    specialty_id: Mapped[int | None] = mapped_column(ForeignKey("specialties.id"))
    professional_license: Mapped[str | None] = mapped_column(String(20))
    matricula: Mapped[str | None] = mapped_column(String(20))  # IMSS staff number
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when an administrator resets the password: the sign-in asks for a new one.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=sa_false())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    unit: Mapped[Unit] = relationship()
    specialty: Mapped[Specialty | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(r.role for r in self.role_rows)


class UserRole(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(_enum(Role), primary_key=True)


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("nss", "agregado", name="uq_patients_nss_agregado"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=_uuid)
    nss: Mapped[str] = mapped_column(String(11), index=True)
    agregado: Mapped[str] = mapped_column(String(10))
    curp: Mapped[str | None] = mapped_column(String(18), index=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    second_last_name: Mapped[str | None] = mapped_column(String(80))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[Sex] = mapped_column(_enum(Sex))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    eligible_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name, self.second_last_name) if p)


# --------------------------------------------------------------------------- the request


class Request(Base):
    __tablename__ = "requests"
    __table_args__ = (
        # Inbox: pending requests of a unit/specialty in clock order (keyset pages).
        # On PostgreSQL it also carries the columns the row-security policy reads, so a
        # person's lane is read in index order like the owner's (migration 0006s).
        Index("ix_requests_inbox", "performing_unit_id", "specialty_id", "status", "due_at", "id",
              postgresql_include=["physician_id", "requesting_unit_id"]),
        Index("ix_requests_status_due", "status", "due_at", "id"),
        Index("ix_requests_patient_service", "patient_id", "service_id"),
        Index("ix_requests_physician_justification", "physician_id", "justification_hash"),
        Index("ix_requests_submitted", "submitted_at"),
        # Reports (services/reports.py): covering indexes, so a year is read from the index
        # alone — requests by submission, first decisions by decision (the rejected one is
        # partial, see below the class).
        Index("ix_requests_report_submitted", "submitted_at", "specialty_id",
              "requesting_unit_id", "service_id", "physician_id", "priority", "is_emergency",
              "performed_on", "origin", "requested_on", "status", "decided_at", "cancelled_at"),
        Index("ix_requests_report_decided", "decided_at", "rejected_at", "specialty_id",
              "requesting_unit_id", "service_id", "priority", "due_at", "submitted_at",
              "is_emergency"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=_uuid)
    folio: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[RequestStatus] = mapped_column(_enum(RequestStatus), index=True)
    origin: Mapped[Origin] = mapped_column(_enum(Origin), default=Origin.APP)
    priority: Mapped[Priority] = mapped_column(_enum(Priority), default=Priority.ORDINARY)

    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    physician_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    requesting_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    performing_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    specialty_id: Mapped[int | None] = mapped_column(ForeignKey("specialties.id"))
    diagnosis_code: Mapped[str | None] = mapped_column(String(8))
    justification: Mapped[str] = mapped_column(Text, default="")
    justification_hash: Mapped[str | None] = mapped_column(String(64))

    is_emergency: Mapped[bool] = mapped_column(Boolean, default=False)
    performed_on: Mapped[date | None] = mapped_column(Date)
    # Local wall-clock hour (the requesting unit's zone) the emergency was performed.
    performed_time: Mapped[time | None] = mapped_column(Time)
    requested_on: Mapped[date] = mapped_column(Date)

    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    submitted_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    clock_paused_at: Mapped[datetime | None]
    rejected_at: Mapped[datetime | None]
    # When the physician withdrew it (status cancelled before any decision).
    cancelled_at: Mapped[datetime | None]

    revision_of_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    patient: Mapped[Patient | None] = relationship()
    physician: Mapped[User] = relationship(foreign_keys=[physician_id])
    requesting_unit: Mapped[Unit] = relationship(foreign_keys=[requesting_unit_id])
    performing_unit: Mapped[Unit | None] = relationship(foreign_keys=[performing_unit_id])
    service: Mapped[Service | None] = relationship()
    revision_of: Mapped[Request | None] = relationship(remote_side=[id])
    findings: Mapped[list[ReviewFinding]] = relationship(
        cascade="all, delete-orphan", order_by="ReviewFinding.id"
    )
    decisions: Mapped[list[Decision]] = relationship(order_by="Decision.id")
    info_requests: Mapped[list[InformationRequest]] = relationship(
        order_by="InformationRequest.id"
    )
    appeals: Mapped[list[Appeal]] = relationship(order_by="Appeal.id")
    authorization: Mapped[Authorization | None] = relationship(back_populates="request")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id")

    __mapper_args__ = {"version_id_col": version}


# Reports: first rejections by date (partial: only the ~20 % of requests ever rejected).
Index("ix_requests_report_rejected", Request.rejected_at, Request.specialty_id,
      Request.requesting_unit_id, Request.service_id, Request.priority, Request.due_at,
      Request.submitted_at, Request.decided_at, Request.status, Request.is_emergency,
      sqlite_where=Request.rejected_at.is_not(None),
      postgresql_where=Request.rejected_at.is_not(None))
# Reports: emergencies filed, by date (partial: ~2 % of requests; carries the status).
Index("ix_requests_report_emergency", Request.submitted_at, Request.specialty_id,
      Request.requesting_unit_id, Request.service_id, Request.status, Request.performed_on,
      Request.origin, Request.requested_on,
      sqlite_where=Request.is_emergency.is_(True), postgresql_where=Request.is_emergency.is_(True))


class ReviewFinding(Base):
    __tablename__ = "review_findings"
    # Reports: duplicate findings by code and date.
    __table_args__ = (Index("ix_review_findings_report", "code", "created_at", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    severity: Mapped[Severity] = mapped_column(_enum(Severity))
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(400))
    field: Mapped[str | None] = mapped_column(String(40))
    related_folio: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class DuplicateHit(Base):
    """Every duplicate.* finding the automated review ever made, one row per submission
    attempt: `review_findings` keeps only the last attempt's findings, so a blocked and
    then corrected submission would otherwise leave no trace for the reports."""

    __tablename__ = "duplicate_hits"
    __table_args__ = (Index("ix_duplicate_hits_report", "found_at", "code", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"),
                                            index=True)
    code: Mapped[str] = mapped_column(String(40))
    severity: Mapped[Severity] = mapped_column(_enum(Severity))
    found_at: Mapped[datetime] = mapped_column(default=clock.now)


class Decision(Base):
    """A specialist's dictamen, or the appeals head's decision (`on_appeal`)."""

    __tablename__ = "decisions"
    # Reports: appeal decisions by date.
    __table_args__ = (Index("ix_decisions_report", "on_appeal", "decided_at", "kind", "request_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=_uuid)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    kind: Mapped[DecisionKind] = mapped_column(_enum(DecisionKind))
    on_appeal: Mapped[bool] = mapped_column(Boolean, default=False)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=clock.now)
    reason_code: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text, default="")

    decided_by: Mapped[User] = relationship()


class InformationRequest(Base):
    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=_uuid)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[datetime] = mapped_column(default=clock.now)
    question: Mapped[str] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)


class Appeal(Base):
    """Recurso de revisión against a rejection."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=_uuid)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime] = mapped_column(default=clock.now)
    grounds: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    upheld: Mapped[bool | None] = mapped_column(Boolean)


class Authorization(Base):
    __tablename__ = "authorizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=_uuid)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), unique=True)
    status: Mapped[AuthorizationStatus] = mapped_column(_enum(AuthorizationStatus), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date, index=True)
    performing_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    scheduling_note: Mapped[str | None] = mapped_column(String(400))
    retroactive: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(default=clock.now)
    used_at: Mapped[datetime | None]
    used_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signature: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    request: Mapped[Request] = relationship(back_populates="authorization")
    performing_unit: Mapped[Unit] = relationship()
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])

    __mapper_args__ = {"version_id_col": version}


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=_uuid)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=clock.now)


# --------------------------------------------------------------------------- numbering


class NumberSequence(Base):
    """Last number handed out per unit, year and kind (folios, authorizations)."""

    __tablename__ = "number_sequences"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[SequenceKind] = mapped_column(_enum(SequenceKind), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class FolioBlock(Base):
    """Folios reserved for paper forms of a unit (DESIGN §1.4)."""

    __tablename__ = "folio_blocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=_uuid)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    first_sequence: Mapped[int] = mapped_column(Integer)
    last_sequence: Mapped[int] = mapped_column(Integer)
    reserved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reserved_at: Mapped[datetime] = mapped_column(default=clock.now)


# --------------------------------------------------------------------------- settings and audit


class Setting(Base):
    """Clinic-wide settings shared by every workstation on the same database."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEvent(Base):
    """Append-only, hash-chained log of every transition (DESIGN §1.6)."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),
                      # The Administration section's filters, newest first (keyset on seq).
                      Index("ix_audit_log_username_seq", "username", "seq"),
                      Index("ix_audit_log_action_seq", "action", "seq"),
                      Index("ix_audit_log_at", "at"))


# --------------------------------------------------------------------------- offline sync


class SyncBundle(Base):
    """An offline bundle this database wrote (`export`) or accepted (`import`), DESIGN §1.4."""

    __tablename__ = "sync_bundles"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    direction: Mapped[str] = mapped_column(String(8))  # "export" or "import"
    key_id: Mapped[str] = mapped_column(String(16))
    unit_code: Mapped[str | None] = mapped_column(String(12))
    sequence: Mapped[int] = mapped_column(Integer)
    since_seq: Mapped[int] = mapped_column(Integer)
    until_seq: Mapped[int] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer, default=0)
    at: Mapped[datetime] = mapped_column(default=clock.now)
    summary: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (UniqueConstraint("bundle_id", "direction", name="uq_sync_bundles_bundle_id"),)


class AuditCheckpoint(Base):
    """A signed statement of the audit chain's head (sequence, hash, time), DESIGN §7.3.

    Made by this site at each export and backup and at least daily (`site` is this one), or
    received in another site's bundle (`bundle_id` set) so that site's log can be checked
    against what it once said."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    site: Mapped[str] = mapped_column(String(20))
    key_id: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))
    bundle_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    __table_args__ = (Index("ix_audit_checkpoints_site_seq", "site", "seq"),)


class SyncConflict(Base):
    """Something a bundle said that this site did not accept (DESIGN §7.2), kept until an
    administrator decides it: the folio it concerns, what was wrong, and the decision."""

    __tablename__ = "sync_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    bundle_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    site: Mapped[str] = mapped_column(String(20))
    key_id: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))  # "conflict" or "refused"
    folio: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open, kept, accepted
    resolution: Mapped[str | None] = mapped_column(Text)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (Index("ix_sync_conflicts_status", "status", "id"),)


class SyncRecord(Base):
    """The last state of a record exchanged with another installation, by content hash.

    An export sends it as the record's *parent*; an incoming change is applied only when
    its parent is the local record's current state (otherwise: a conflict, the local
    record is kept). `source_*` name the last bundle that brought the record.
    """

    __tablename__ = "sync_records"

    entity: Mapped[str] = mapped_column(String(24), primary_key=True)
    uuid: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    base_hash: Mapped[str] = mapped_column(String(64))
    source_key_id: Mapped[str | None] = mapped_column(String(16))
    source_sequence: Mapped[int | None] = mapped_column(Integer)
    synced_at: Mapped[datetime] = mapped_column(default=clock.now)
