"""Sites and keys as the administrator manages them (DESIGN §7.2, §7.3).

This site's key and label, the keys this database trusts, what a key file would be trusted
for (shown before anything is written), revoking a trusted key, and naming this site. The
command line (`st2desk keys …`, `st2desk site set`) and the Administration window use the
same rules: trusting goes through `slips.trust_keys`, every change is an audit event.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.orm import Session

from st2desk import audit, signing
from st2desk.errors import NotFound, ValidationError
from st2desk.models import Role, Setting
from st2desk.services.common import Actor, require_role


def fingerprint(public_raw: bytes) -> str:
    """What two administrators read to each other on the telephone: 32 hex digits in groups."""
    digest = hashlib.sha256(public_raw).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


@dataclass(frozen=True)
class KeyRow:
    kid: str
    origin: str  # "local" (this database's workstations) or "trusted"
    site_code: str
    site_name: str
    units: tuple[str, ...]  # what this database lets it sign for
    created: str
    added_at: str
    fingerprint: str
    own: bool  # this computer's key

    @property
    def units_text(self) -> str:
        return signing.SiteLabel(units=self.units).units_text() if self.units else "ninguna"


@dataclass(frozen=True)
class OwnSite:
    code: str
    name: str
    units: tuple[str, ...]
    units_text: str
    kid: str | None  # None: this computer has no key yet
    fingerprint: str


@dataclass(frozen=True)
class KeyPreview:
    """One key of a key file as it would be trusted (nothing written yet)."""

    kid: str
    description: str  # its label, in words
    fingerprint: str
    units: tuple[str, ...]  # what it would be allowed to sign for
    known: bool  # already trusted with exactly these units

    @property
    def units_text(self) -> str:
        return signing.SiteLabel(units=self.units).units_text()

    @property
    def all_units(self) -> bool:
        return signing.ALL_UNITS in self.units


def _row(reg: signing.RegisteredKey, own_kid: str | None) -> KeyRow:
    site = reg.entry.site
    return KeyRow(reg.entry.kid, reg.origin, site.code, site.name, tuple(reg.units), site.created,
                  reg.added_at[:10], fingerprint(reg.entry.public_raw), reg.entry.kid == own_kid)


def _own_kid() -> str | None:
    try:
        key = signing.local_key(create=False)
    except (OSError, ValueError, signing.SignatureError):
        return None
    return key.kid if key is not None else None


def list_keys(session: Session, actor: Actor) -> list[KeyRow]:
    """This database's keys: its own first, then the trusted ones by site."""
    require_role(session, actor, Role.ADMIN, "consultar las llaves de los sitios")
    own = _own_kid()
    rows = [_row(reg, own) for reg in signing.registered_keys(session).values()]
    return sorted(rows, key=lambda r: (not r.own, r.origin != "local", r.site_code, r.kid))


def own_site(session: Session, actor: Actor) -> OwnSite:
    require_role(session, actor, Role.ADMIN, "consultar las llaves de los sitios")
    site = signing.site_label(session)
    try:
        key = signing.local_key(create=False)
    except (OSError, ValueError, signing.SignatureError):
        key = None
    return OwnSite(site.code, site.name, tuple(site.units), site.units_text(), key.kid if key else None,
                   fingerprint(key.public_raw) if key else "")


def preview_key_file(session: Session, actor: Actor, text: str) -> list[KeyPreview]:
    """What trusting `text` would record, for the administrator to check first (a label
    claiming every unit is flagged: only the central office may)."""
    require_role(session, actor, Role.ADMIN, "confiar en las llaves de otra instalación")
    if text.startswith("ST2DESK-BUNDLE"):
        raise ValidationError("Ese archivo es un paquete de sincronización, no un archivo de "
                              "llaves: pida a la otra instalación que exporte su llave.")
    entries = signing.parse_key_file(text)
    registered = signing.registered_keys(session)
    out = []
    for entry in entries:
        reg = registered.get(entry.kid)
        if reg is not None and reg.origin == "local":
            raise ValidationError(f"La llave {entry.kid} es de esta misma base de datos; no hace "
                                  "falta confiar en ella.")
        scope = entry.site.units
        if not scope:
            raise ValidationError(f"La llave {entry.kid} no dice qué unidades representa (archivo "
                                  "de una versión anterior): pida a la otra instalación un archivo "
                                  "de llaves nuevo.")
        out.append(KeyPreview(entry.kid, entry.site.describe(), fingerprint(entry.public_raw),
                              tuple(scope), reg is not None and tuple(reg.units) == tuple(scope)))
    return out


def trust(session: Session, actor: Actor, text: str, *, central_confirmed: bool = False) -> list[str]:
    """Trust the keys of `text` for the units of their labels (see `slips.trust_keys`); a
    label claiming every unit only with `central_confirmed`. The keys added or re-scoped."""
    from st2desk.services.slips import trust_keys

    preview = preview_key_file(session, actor, text)  # the same checks the dialog showed
    claims_all = [p for p in preview if signing.ALL_UNITS in p.units]
    if claims_all and not central_confirmed:
        raise ValidationError(f"La llave {claims_all[0].kid} pide firmar por todas las unidades: "
                              "confírmelo solo si es la oficina central.", field="central")
    units = (signing.ALL_UNITS,) if claims_all and len(claims_all) == len(preview) else None
    if claims_all and units is None:
        raise ValidationError("El archivo mezcla la llave de la oficina central con llaves de "
                              "unidades: confíe en ellas por separado.")
    return trust_keys(session, actor, text, units=units)


def revoke(session: Session, actor: Actor, kid: str) -> KeyRow:
    """Stop trusting another site's key: its bundles and slips are no longer accepted here
    (the records it brought stay). This database's own keys are not revoked here."""
    require_role(session, actor, Role.ADMIN, "revocar llaves de otros sitios")
    reg = signing.registered_keys(session).get(kid)
    if reg is None:
        raise NotFound(f"Esta base de datos no tiene la llave {kid}.")
    if reg.origin == "local":
        raise ValidationError(f"La llave {kid} es de esta base de datos (firma sus comprobantes y "
                              "su bitácora): no se puede revocar.")
    row = _row(reg, None)
    setting = session.get(Setting, signing.SETTING_PREFIX + kid)
    if setting is not None:
        session.delete(setting)
        session.flush()
    audit.record(session, user_id=actor.user_id, username=actor.username, action="revoke_key",
                 entity="key", entity_id=kid,
                 details={"label": reg.entry.site.describe(), "fingerprint": row.fingerprint,
                          "units": list(reg.units)})
    return row


def export_own_keys(session: Session, actor: Actor) -> str:
    """The key file another site trusts (this installation's keys with their label)."""
    from st2desk.services.slips import export_public_keys

    require_role(session, actor, Role.ADMIN, "exportar la llave de este sitio")
    text = export_public_keys(session)
    key = signing.local_key()
    audit.record(session, user_id=actor.user_id, username=actor.username, action="export_key",
                 entity="key", entity_id=key.kid, details={"fingerprint": fingerprint(key.public_raw)})
    return text


def set_site(session: Session, actor: Actor, code: str, name: str, units: tuple[str, ...]) -> OwnSite:
    """Name this site and the units it signs for (its key's label), as `st2desk site set`."""
    from st2desk.services.folios import unit_by_code

    require_role(session, actor, Role.ADMIN, "nombrar el sitio")
    units = tuple("*" if u.strip() == "*" else u.strip().upper() for u in units if u.strip())
    if not units:
        raise ValidationError("Indique las unidades del sitio («*»: todas, oficina central).",
                              field="units")
    if "*" not in units:
        for unit in units:
            unit_by_code(session, unit)
    site = signing.set_site_label(session, code.strip().upper(), name, units)
    key = signing.ensure_local_key_registered(session)
    audit.record(session, user_id=actor.user_id, username=actor.username, action="site_label",
                 entity="key", entity_id=key.kid,
                 details={"site": site.code, "name": site.name, "units": list(site.units)})
    return own_site(session, actor)
