"""Reception's look-up: find authorizations by what the patient brings, show them at a glance.

`find` takes whatever was typed or scanned into the search box (an authorization number, a
request folio, an NSS, or the text of the QR code on the slip) and returns plain
`AuthorizationCard`s: everything the viewer shows, read in one query, with the status as the
patient's paper should be judged *today* (a valid authorization past its last day is shown as
expired even before the nightly `expire_due` runs). Recording the use stays in
`st2desk.services.authorizations.record_use`, which enforces the rules.
"""

from __future__ import annotations

import enum
import functools
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from st2desk import clock, numbering
from st2desk.errors import NotFound, St2Error, ValidationError
from st2desk.identifiers import compact_nss
from st2desk.models import (
    Authorization,
    AuthorizationStatus,
    Patient,
    Request,
    Role,
    Service,
    Unit,
    User,
)
from st2desk.services import authorizations
from st2desk.services.common import Actor, require_role
from st2desk.services.workflow import STATUS_LABELS

# An authorization number anywhere in a longer text (the QR payload of a slip).
_NUMBER_IN_TEXT = re.compile(r"A[0-9A-Z]{2,12}-\d{4}-\d{6}-[0-9A-Z]")
# Longest plain entry (a folio or number is at most 32 characters); longer text is a payload.
_PLAIN_MAX = 32


class CardState(enum.StrEnum):
    """What reception must know at a glance."""

    VALID = "valid"
    NOT_YET_VALID = "not_yet_valid"
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class QueryKind(enum.StrEnum):
    NUMBER = "number"
    FOLIO = "folio"
    NSS = "nss"
    PAYLOAD = "payload"


@dataclass(frozen=True)
class AuthorizationCard:
    id: int
    version: int
    number: str
    folio: str
    state: CardState
    state_date: date | None  # valid until / used on / expired on / valid from
    patient_name: str
    nss: str
    agregado: str
    service_code: str
    service_name: str
    performing_unit_code: str
    performing_unit_name: str
    for_my_unit: bool  # the actor's unit is the performing unit (where use is recorded)
    issued_by: str
    issued_on: date
    valid_from: date
    valid_until: date
    scheduling_note: str
    retroactive: bool
    used_on: date | None
    used_by: str

    @property
    def can_record_use(self) -> bool:
        """Whether recording the use would be accepted (the service decides in the end)."""
        return self.state is CardState.VALID and self.for_my_unit


@dataclass(frozen=True)
class LookupResult:
    kind: QueryKind
    query: str  # the normalized number, folio or NSS that was looked up
    cards: list[AuthorizationCard]
    warning: str | None = None  # a scanned code whose signature does not hold


def looks_like_payload(text: str) -> bool:
    """Longer than any number, folio or NSS, or with the punctuation of a structured text."""
    raw = (text or "").strip()
    return len(raw) > _PLAIN_MAX or any(c in raw for c in "{}|=:;,\"'/.")


def read_scan(session: Session, text: str) -> tuple[str, str | None] | None:
    """(authorization number, warning) carried by a scanned slip code; None if `text` is not one.

    The QR code of a slip holds the signed payload of `st2desk.signing`; `slips.verify_payload`
    checks its signature against the keys the database trusts and its data against the record,
    and a forgery becomes the warning (the viewer still shows the authorization as the
    database has it, never the payload's fields). Text that is not a payload but holds exactly
    one authorization number (a scanner whose keyboard layout garbled the separators, a pasted
    line) yields that number.
    """
    raw = (text or "").strip()
    if not looks_like_payload(raw):
        return None
    from st2desk import signing  # cryptography: only when a code is scanned
    from st2desk.services import slips

    warning: str | None = None
    try:
        payload = signing.parse_payload(raw)
    except signing.PayloadMalformed:
        payload = None
    except St2Error as exc:  # our tag, but the parts were altered
        payload, warning = None, exc.message
    if payload is not None:
        verification = slips.verify_payload(session, raw)
        if verification.state in (slips.VerifyState.FORGED, slips.VerifyState.NOT_VERIFIABLE):
            warning = verification.message
        return numbering.normalize(payload.number), warning
    found = set(_NUMBER_IN_TEXT.findall(raw.upper()))
    if len(found) == 1:
        return found.pop(), warning
    if warning:
        raise ValidationError(warning)
    return None


def _state(status: AuthorizationStatus, valid_from: date, valid_until: date,
           used_at: datetime | None, today: date, zone: str | None = None
           ) -> tuple[CardState, date | None]:
    if status is AuthorizationStatus.CANCELLED:
        return CardState.CANCELLED, None
    if status is AuthorizationStatus.USED:
        return CardState.USED, clock.date_in(used_at, zone) if used_at else None
    if status is AuthorizationStatus.EXPIRED or today > valid_until:
        return CardState.EXPIRED, valid_until
    if today < valid_from:
        return CardState.NOT_YET_VALID, valid_from
    return CardState.VALID, valid_until


@functools.cache
def _card_query() -> Select:  # type: ignore[type-arg]
    """Built once: constructing the aliased joins costs more than running the indexed query."""
    performing = aliased(Unit, name="performing_unit")
    issuer = aliased(User, name="issuer")
    recorder = aliased(User, name="recorder")
    return (
        select(Authorization.id, Authorization.version, Authorization.number, Request.folio,
               Authorization.status, Authorization.valid_from, Authorization.valid_until,
               Authorization.used_at, Authorization.issued_at, Authorization.scheduling_note,
               Authorization.retroactive, Authorization.performing_unit_id,
               Patient.first_name, Patient.last_name, Patient.second_last_name, Patient.nss,
               Patient.agregado, Service.code, Service.name, performing.code, performing.name,
               issuer.full_name, recorder.full_name, performing.time_zone)
        .join(Request, Authorization.request_id == Request.id)
        .outerjoin(Patient, Request.patient_id == Patient.id)
        .outerjoin(Service, Request.service_id == Service.id)
        .join(performing, Authorization.performing_unit_id == performing.id)
        .join(issuer, Authorization.issued_by_id == issuer.id)
        .outerjoin(recorder, Authorization.used_recorded_by_id == recorder.id)
    )


def _cards(session: Session, actor: Actor, ids: list[int]) -> list[AuthorizationCard]:
    if not ids:
        return []
    rows = session.execute(_card_query().where(Authorization.id.in_(ids))).all()
    order = {ident: i for i, ident in enumerate(ids)}
    cards = []
    for (ident, version, number, folio, status, valid_from, valid_until, used_at, issued_at, note,
         retroactive, performing_unit_id, first, last, second, nss, agregado, service_code,
         service_name, unit_code, unit_name, issuer, recorder, zone) in rows:
        # An authorization's days are its performing unit's (issue 13, item 1).
        state, state_date = _state(status, valid_from, valid_until, used_at,
                                   clock.today_in(zone), zone)
        cards.append(AuthorizationCard(
            id=ident, version=version, number=number, folio=folio, state=state,
            state_date=state_date,
            patient_name=" ".join(p for p in (first, last, second) if p),
            nss=nss or "", agregado=agregado or "", service_code=service_code or "",
            service_name=service_name or "", performing_unit_code=unit_code,
            performing_unit_name=unit_name, for_my_unit=performing_unit_id == actor.unit_id,
            issued_by=issuer, issued_on=clock.date_in(issued_at, zone), valid_from=valid_from,
            valid_until=valid_until, scheduling_note=note or "", retroactive=retroactive,
            used_on=clock.date_in(used_at, zone) if used_at else None, used_by=recorder or ""))
    cards.sort(key=lambda c: order[c.id])
    return cards


def find(session: Session, actor: Actor, text: str) -> LookupResult:
    """Authorizations matching a typed or scanned entry, newest first.

    Raises ValidationError (malformed entry) or NotFound (nothing matches) with a Spanish
    message fit for the search box.
    """
    require_role(session, actor, Role.RECEPTION, "consultar autorizaciones")
    scanned = read_scan(session, text)
    value = scanned[0] if scanned else numbering.normalize(text)
    if not value:
        raise ValidationError("Escriba un número de autorización, un folio o un NSS, "
                              "o escanee el código del comprobante.")
    if scanned:
        kind = QueryKind.PAYLOAD
    elif looks_like_payload(text):
        raise ValidationError("El código escaneado no corresponde a un comprobante de autorización.")
    elif compact_nss(value).isdigit():
        kind = QueryKind.NSS
        value = compact_nss(value)
    else:
        kind = QueryKind.NUMBER if numbering.parse_number(value).is_authorization else QueryKind.FOLIO
    found = authorizations.search(session, value, unit_id=actor.unit_id)
    if not found:
        raise NotFound(_not_found_message(session, actor, kind, value))
    return LookupResult(kind, value, _cards(session, actor, found),
                        scanned[1] if scanned else None)


def _not_found_message(session: Session, actor: Actor, kind: QueryKind, value: str) -> str:
    """Why nothing was found, naming only what the person's unit may know."""
    if kind is QueryKind.NSS:
        return f"No hay autorizaciones de su unidad para el NSS {value}."
    if kind is QueryKind.FOLIO:
        status = session.scalar(select(Request.status).where(
            Request.folio == value, or_(Request.requesting_unit_id == actor.unit_id,
                                        Request.performing_unit_id == actor.unit_id)))
        if status is None:
            return f"No existe la solicitud {value} en su unidad."
        return (f"La solicitud {value} no tiene autorización; "
                f"su estado es «{STATUS_LABELS[status]}».")
    return f"No existe la autorización {value} en su unidad."


def card(session: Session, actor: Actor, authorization_id: int) -> AuthorizationCard:
    """One authorization as the viewer shows it (to refresh after a change)."""
    require_role(session, actor, Role.RECEPTION, "consultar autorizaciones")
    auth = session.get(Authorization, authorization_id)
    visible = auth is not None and actor.unit_id in (auth.performing_unit_id,
                                                     auth.request.requesting_unit_id)
    cards = _cards(session, actor, [authorization_id]) if visible else []
    if not cards:
        raise NotFound("La autorización no existe.")
    return cards[0]

