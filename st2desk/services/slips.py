"""The authorization slip: its signed code, printing, and verification (DESIGN §1.5).

Signing happens when the slip is first printed: the signed payload is stored in
`Authorization.signature`, so every reprint carries the same code and the database
records which installation key vouched for it. Storing it does not count as a change
of the authorization (no version bump): a reception screen that printed the slip can
still record the use without a "reload" conflict.

Only an authorization that is valid when printed gets a signed code (DESIGN §7.2); a
cancelled, used or expired one prints "SIN VALIDEZ" and no code. A slip printed before
says "REIMPRESIÓN" with the date it was printed again. The code is signed by a key that
may sign for the unit that issued the number: a unit that received a central
authorization prints central's signature (carried in the bundle), never its own.

Verification answers one of seven states:

* ``valid`` — genuine and usable (online: status valid and within dates; offline: the
  signature holds and the dates include today — use and cancellation cannot be seen
  without the database, and the answer says so);
* ``expired``, ``used``, ``cancelled`` — genuine but not usable;
* ``unknown`` — no authorization with that number in this database;
* ``not_verifiable`` — signed by a key not known here: nothing can be said;
* ``forged`` — the code was altered, signed by a key for a number outside the units that
  key may sign for, or its data disagree with the authorization on record.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from st2desk import audit, clock, numbering, signing, timezones
from st2desk.errors import NotFound, St2Error, ValidationError
from st2desk.models import Authorization, AuthorizationStatus, Request, Role, Unit
from st2desk.services.common import Actor
from st2desk.services.folios import acting_user
from st2desk.services.visibility import readable_request

SLIP_PRINTERS = (Role.RECEPTION, Role.SPECIALIST, Role.APPEALS, Role.ADMIN, Role.PHYSICIAN)


class VerifyState(enum.StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    USED = "used"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    NOT_VERIFIABLE = "not_verifiable"
    FORGED = "forged"


STATE_LABELS = {
    VerifyState.VALID: "VÁLIDA",
    VerifyState.EXPIRED: "VENCIDA",
    VerifyState.USED: "YA UTILIZADA",
    VerifyState.CANCELLED: "CANCELADA",
    VerifyState.UNKNOWN: "DESCONOCIDA",
    VerifyState.NOT_VERIFIABLE: "NO VERIFICABLE",
    VerifyState.FORGED: "FALSIFICADA O ALTERADA",
}


@dataclass(frozen=True)
class Verification:
    state: VerifyState
    message: str
    number: str = ""
    payload: signing.SlipPayload | None = None
    nss_matches: bool | None = None  # when an NSS was given to compare
    offline: bool = False

    @property
    def ok(self) -> bool:
        return self.state is VerifyState.VALID

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    def line(self) -> str:
        return f"{self.label} ({self.state.value}): {self.message}"


# --------------------------------------------------------------------------- signing and printing


def _payload_fields(auth: Authorization) -> dict[str, object]:
    req = auth.request
    return dict(number=auth.number, folio=req.folio,
                service=req.service.code if req.service else "",
                unit=auth.performing_unit.code, valid_from=auth.valid_from,
                valid_until=auth.valid_until, nss=req.patient.nss if req.patient else "")


def _matches(payload: signing.SlipPayload, auth: Authorization) -> bool:
    f = _payload_fields(auth)
    return (payload.number == f["number"] and payload.folio == f["folio"]
            and payload.service == f["service"] and payload.unit == f["unit"]
            and payload.valid_from == f["valid_from"] and payload.valid_until == f["valid_until"]
            and payload.nss_matches(str(f["nss"])))


def owner_today(auth: Authorization) -> date:
    """Today on the authorization's calendar: its performing unit's (`timezones.authorization_zone`)."""
    return clock.today_in(timezones.authorization_zone(auth))


def usable_today(auth: Authorization, today: date | None = None) -> bool:
    today = today or owner_today(auth)
    return auth.status is AuthorizationStatus.VALID and today <= auth.valid_until


def ensure_signed(session: Session, auth: Authorization) -> signing.SlipPayload | None:
    """The authorization's signed payload, made with this installation's key if missing;
    None when this installation's key may not sign for the unit that issued the number
    (a central authorization that reached a unit without central's signature)."""
    if auth.signature:
        try:
            payload = signing.parse_payload(auth.signature)
        except St2Error:
            payload = None
        if payload is not None and _matches(payload, auth):
            return payload
    key = signing.ensure_local_key_registered(session)
    issuing_unit = numbering.parse_number(auth.number).unit_code
    if not signing.site_label(session).may_sign_for(issuing_unit):
        return None
    payload = signing.sign_slip(key, **_payload_fields(auth))  # type: ignore[arg-type]
    # Derived data, not a change of state: bypass the version counter (see module doc).
    session.execute(update(Authorization).where(Authorization.id == auth.id)
                    .values(signature=payload.text()).execution_options(synchronize_session=False))
    set_committed_value(auth, "signature", payload.text())
    return payload


def _status_label(auth: Authorization) -> str:
    if auth.status is AuthorizationStatus.VALID and auth.valid_until >= owner_today(auth):
        return ""
    return {AuthorizationStatus.USED: "utilizada", AuthorizationStatus.CANCELLED: "cancelada"}.get(
        auth.status, "vencida")


def previous_prints(session: Session, auth: Authorization) -> int:
    """How many times this authorization's slip went to a printer or a file before."""
    from sqlalchemy import func

    from st2desk.models import AuditEvent

    return session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "authorization", AuditEvent.entity_id == str(auth.uuid),
        AuditEvent.action == "print_slip")) or 0


def slip_content(session: Session, auth: Authorization) -> object:
    """`st2desk.pdf.slip.SlipContent` of an authorization: a signed code only when it is
    valid today (signed on first use), "SIN VALIDEZ" otherwise; "REIMPRESIÓN" with today's
    date when a slip of it was printed before."""
    from st2desk.pdf.slip import SlipContent

    payload = ensure_signed(session, auth) if usable_today(auth) else None
    req = auth.request
    patient = req.patient
    issuer = auth.issued_by
    reprint = previous_prints(session, auth) > 0
    zone = timezones.authorization_zone(auth)  # the slip's days: the performing unit's
    return SlipContent(
        number=auth.number, folio=req.folio, payload=payload.text() if payload else "",
        key_id=payload.kid if payload else "",
        reprinted_on=clock.today_in(zone) if reprint else None,
        performed_on=req.performed_on if auth.retroactive else None,
        unsigned_reason="" if payload or not usable_today(auth) else (
            "Sin código firmado: la autorización llegó sin la firma de la unidad que la emitió; "
            "verifíquela por número."),
        patient_name=patient.full_name if patient else "", nss=patient.nss if patient else "",
        agregado=patient.agregado if patient else "",
        service_code=req.service.code if req.service else "",
        service_name=req.service.name if req.service else "",
        performing_unit_code=auth.performing_unit.code,
        performing_unit_name=auth.performing_unit.name,
        valid_from=auth.valid_from, valid_until=auth.valid_until,
        specialist_name=issuer.full_name, specialist_license=issuer.professional_license or "",
        issued_on=clock.date_in(auth.issued_at, zone),
        requesting_unit=f"{req.requesting_unit.code} — {req.requesting_unit.name}",
        retroactive=auth.retroactive, scheduling_note=auth.scheduling_note or "",
        emergency_performed=" ".join(part for part in (
            f"{req.performed_on:%d/%m/%Y}" if req.is_emergency and req.performed_on else "",
            f"{req.performed_time:%H:%M}" if req.is_emergency and req.performed_time else "")
            if part),
        status_label=_status_label(auth),
        performing_unit_address=auth.performing_unit.address or "",
        performing_unit_phone=auth.performing_unit.phone or "",
        requesting_physician=req.physician.full_name if req.physician else "",
        requesting_physician_license=(req.physician.professional_license or "")
        if req.physician else "")


def find_authorization(session: Session, number: str) -> Authorization:
    value = numbering.normalize(number)
    parsed = numbering.parse_number(value)
    if not parsed.is_authorization:
        raise ValidationError(f"«{value}» es un folio de solicitud, no un número de autorización.")
    auth = session.scalar(select(Authorization).where(Authorization.number == value).options(
        joinedload(Authorization.performing_unit), joinedload(Authorization.issued_by),
        joinedload(Authorization.request).options(
            joinedload(Request.patient), joinedload(Request.service),
            joinedload(Request.requesting_unit), joinedload(Request.physician))))
    if auth is None:
        raise NotFound(f"No existe la autorización {value}.")
    return auth


def _printable(session: Session, actor: Actor | None, number: str) -> Authorization:
    """The authorization, if the acting person may print it: their role prints slips and
    their unit works the request (`visibility.may_view`); others are told it does not
    exist, like a number never issued. `actor` None is the local administrator (CLI)."""
    acting_user(session, actor, SLIP_PRINTERS, "imprimir comprobantes de autorización")
    try:
        auth = find_authorization(session, number)
        if actor is not None:
            readable_request(session, actor.user_id, auth.request_id)
    except NotFound:
        if actor is None:
            raise
        raise NotFound(f"No existe la autorización {numbering.normalize(number)} en su unidad."
                       ) from None
    return auth


def slip_pdf(session: Session, actor: Actor | None, number: str) -> bytes:
    """The slip's PDF, signed on first use, for printing or saving; not yet audited.

    The caller records the output with `record_slip_output` once the printer or the file
    actually received it, so a print that failed leaves no "printed" event behind.
    """
    from st2desk.pdf.slip import render_slip

    auth = _printable(session, actor, number)
    return render_slip(slip_content(session, auth))  # type: ignore[arg-type]


def record_slip_output(session: Session, actor: Actor | None, number: str, *,
                       how: str = "printer", printer: str = "", copies: int = 1) -> None:
    """Audit a slip that reached a printer (`how="printer"`) or a file (`how="pdf"`)."""
    auth = _printable(session, actor, number)
    try:
        key = signing.parse_payload(auth.signature).kid if auth.signature else ""
    except St2Error:
        key = ""
    details: dict[str, object] = {"number": auth.number, "status": auth.status.value, "key": key,
                                  "output": how}
    if printer:
        details["printer"] = printer[:80]
    if copies != 1:
        details["copies"] = copies
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="print_slip",
                 entity="authorization", entity_id=auth.uuid, details=details)


def print_slip(session: Session, actor: Actor | None, number: str,
               target: str | Path | None = None) -> bytes:
    """The slip's PDF (written to `target` when given); the print is audited."""
    from st2desk.outputs import check_target
    from st2desk.pdf.slip import render_slip

    if isinstance(target, (str, Path)):
        target = check_target(target)  # before signing or recording anything (DESIGN §7.4)
    auth = _printable(session, actor, number)
    content = slip_content(session, auth)
    data = render_slip(content, target)  # type: ignore[arg-type]
    details: dict[str, object] = {"number": auth.number, "status": auth.status.value,
                                  "key": content.key_id}  # type: ignore[attr-defined]
    if content.reprinted_on:  # type: ignore[attr-defined]
        details["reprint"] = True
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="print_slip",
                 entity="authorization", entity_id=auth.uuid, details=details)
    return data




# --------------------------------------------------------------------------- verification


def _state_of(auth: Authorization, today: date) -> tuple[VerifyState, str]:
    if auth.status is AuthorizationStatus.CANCELLED:
        return VerifyState.CANCELLED, f"La autorización {auth.number} fue cancelada."
    if auth.status is AuthorizationStatus.USED:
        when = (f" el {clock.stamp(auth.used_at, timezones.authorization_zone(auth))}"
                if auth.used_at else "")
        return VerifyState.USED, f"La autorización {auth.number} ya se utilizó{when}."
    if auth.status is AuthorizationStatus.EXPIRED or today > auth.valid_until:
        return VerifyState.EXPIRED, (f"La autorización {auth.number} venció el "
                                     f"{auth.valid_until:%d/%m/%Y}.")
    unit = auth.performing_unit
    service = auth.request.service.code if auth.request.service else ""
    return VerifyState.VALID, (f"Autorización {auth.number} vigente del {auth.valid_from:%d/%m/%Y} "
                               f"al {auth.valid_until:%d/%m/%Y}, para {service} en {unit.code}.")


def verify_number(session: Session, number: str) -> Verification:
    """Online check of a typed or scanned number against this database."""
    value = numbering.normalize(number)
    parsed = numbering.parse_number(value)  # a mistyped number is bad input, not "unknown"
    if not parsed.is_authorization:
        raise ValidationError(f"«{value}» es un folio de solicitud, no un número de autorización.")
    auth = session.scalar(select(Authorization).where(Authorization.number == value))
    if auth is None:
        return Verification(VerifyState.UNKNOWN, f"No hay ninguna autorización {value} en esta base "
                                                 "de datos.", value)
    state, message = _state_of(auth, owner_today(auth))
    return Verification(state, message, value)


def _nss_check(payload: signing.SlipPayload, nss: str | None) -> bool | None:
    if not nss:
        return None
    from st2desk.identifiers import compact_nss

    return payload.nss_matches(compact_nss(nss))


def _with_nss(v: Verification, matches: bool | None) -> Verification:
    if matches is None:
        return v
    if matches:
        return Verification(v.state, v.message + " El NSS coincide con el del código.", v.number,
                            v.payload, True, v.offline)
    return Verification(VerifyState.FORGED, "El NSS presentado NO corresponde al de la "
                                            "autorización: el comprobante no es de este paciente.",
                        v.number, v.payload, False, v.offline)


def verify_payload_offline(text: str, keys: list[signing.PublicKeyEntry], *,
                           nss: str | None = None, today: date | None = None) -> Verification:
    """Offline check with public keys only (no database): signature and dates."""
    today = today or clock.today()
    try:
        payload = signing.verify_payload(text, {k.kid: k for k in keys})
    except signing.UnknownKey as exc:
        return Verification(VerifyState.NOT_VERIFIABLE, exc.message, offline=True)
    except signing.SignatureError as exc:
        return Verification(VerifyState.FORGED, exc.message, offline=True)
    if today > payload.valid_until:
        v = Verification(VerifyState.EXPIRED, f"Firma auténtica, pero la autorización {payload.number} "
                                              f"venció el {payload.valid_until:%d/%m/%Y}.",
                         payload.number, payload, offline=True)
    elif today < payload.valid_from:
        v = Verification(VerifyState.VALID, f"Firma auténtica; la autorización {payload.number} es "
                                            f"válida a partir del {payload.valid_from:%d/%m/%Y}.",
                         payload.number, payload, offline=True)
    else:
        v = Verification(VerifyState.VALID, (
            f"Firma auténtica: autorización {payload.number} (folio {payload.folio}) para "
            f"{payload.service} en {payload.unit}, vigente del {payload.valid_from:%d/%m/%Y} al "
            f"{payload.valid_until:%d/%m/%Y}. Sin conexión no se puede saber si ya se usó o se "
            "canceló."), payload.number, payload, offline=True)
    return _with_nss(v, _nss_check(payload, nss))


def verify_payload(session: Session, text: str, *, nss: str | None = None) -> Verification:
    """Check a scanned code with the keys this database trusts, then against the record."""
    keys = [k.scoped_entry() for k in signing.registered_keys(session).values()]
    offline = verify_payload_offline(text, keys, nss=None)
    if offline.payload is None:
        return offline
    payload = offline.payload
    auth = session.scalar(select(Authorization).where(Authorization.number == payload.number))
    if auth is None:
        # A genuine signature is not an authorization: only the record is (DESIGN §7.2).
        return Verification(VerifyState.UNKNOWN, (
            f"La firma del código es auténtica, pero no hay ninguna autorización "
            f"{payload.number} en esta base de datos: no la acepte hasta que llegue "
            "sincronizada."), payload.number, payload)
    if not _matches(payload, auth):
        return Verification(VerifyState.FORGED, f"Los datos del código no coinciden con la "
                                                f"autorización {auth.number} registrada.",
                            payload.number, payload)
    state, message = _state_of(auth, owner_today(auth))
    return _with_nss(Verification(state, message, auth.number, payload), _nss_check(payload, nss))


# --------------------------------------------------------------------------- public keys


def export_public_keys(session: Session, *, include_trusted: bool = False) -> str:
    """A key file with this database's own installation keys (and trusted ones if asked),
    each with its site label and the units this database lets it sign for: with
    ``include_trusted`` it is what a performing unit carries to verify every slip it will
    see offline.

    Also registers this installation's key, so a fresh server can hand its key out
    before it has signed anything.
    """
    signing.ensure_local_key_registered(session)
    keys = signing.registered_keys(session)
    site = signing.site_label(session).code
    lines = ["# Llaves públicas de st2desk (verificación de comprobantes y paquetes)",
             f"# Exportadas el {clock.today():%d/%m/%Y} por el sitio "
             f"{signing.site_label(session).code}"]
    for kid in sorted(keys):
        reg = keys[kid]
        own = reg.origin == "local" and reg.entry.site.code == site  # not a key from before
        if (own or (include_trusted and reg.origin != "local")) and reg.units:
            site_text = (reg.entry if reg.origin == "local" else reg.scoped_entry()).site.describe()
            lines.append(f"# {site_text}")
            lines.append(reg.scoped_entry().line())
    return "\n".join(lines) + "\n"


def trust_keys(session: Session, actor: Actor | None, text: str, *,
               units: tuple[str, ...] | None = None) -> list[str]:
    """Trust the public keys of another installation (administrators): each may sign
    bundles and slips for the units of its site label, or for `units` when given; a label
    claiming every unit is trusted only when `units` says so. Returns the keys added or
    whose units changed."""
    acting_user(session, actor, [Role.ADMIN], "confiar en las llaves de otra instalación")
    entries = signing.parse_key_file(text)
    registered = signing.registered_keys(session)
    added = []
    granted: dict[str, list[str]] = {}
    for entry in entries:
        if entry.kid in registered and registered[entry.kid].origin == "local":
            continue  # this site's own key: its scope is the site's, not a file's
        scope = units if units else entry.site.units
        if not scope:
            raise ValidationError(
                f"La llave {entry.kid} no dice qué unidades representa (archivo de una versión "
                "anterior): indique --units UNIDAD[,UNIDAD…] al confiar en ella.")
        if signing.ALL_UNITS in scope and not units:
            raise ValidationError(
                f"La llave {entry.kid} ({entry.site.describe()}) pide firmar por todas las unidades; "
                "confirme con --units '*' si es la oficina central.")
        if signing.ALL_UNITS not in scope:
            known = set(session.scalars(select(Unit.code).where(Unit.code.in_(scope))))
            missing = [u for u in scope if u not in known]
            if missing:
                raise ValidationError(f"La unidad {missing[0]} de la llave {entry.kid} no existe en "
                                      "el catálogo de esta base de datos.")
        if signing.register_key(session, entry, "trusted", tuple(scope)):
            added.append(entry.kid)
        granted[entry.kid] = list(scope)
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="trust_keys",
                 entity="key", entity_id=",".join(e.kid for e in entries)[:64],
                 details={"added": added, "units": granted,
                          "labels": [e.site.describe() for e in entries]})
    return added
