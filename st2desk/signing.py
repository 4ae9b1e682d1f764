"""Ed25519 signatures for authorization slips and offline bundles (DESIGN §1.4, §1.5).

Keys
    Each installation (one data folder: a workstation, or the server that runs the CLI)
    has its own Ed25519 key pair, made on first use. The private key stays in the data
    folder (``keys/signing-ed25519.pem``, mode 0600, never in the database); the public
    key is registered in the ``settings`` table under ``signing.key.<kid>`` so every
    workstation on the same database can verify what any of them signed. Keys of other installations
    (an offline unit, another hospital) enter that table only when an administrator
    trusts them explicitly (``st2desk keys trust FILE``). A key id (``kid``) is the first
    12 hex digits of SHA-256 over the raw public key, so a key file cannot carry a key
    under someone else's id.

Key files
    One key per line, like ``authorized_keys``: ``st2desk-ed25519 KID BASE64URL LABEL``.
    Lines starting with ``#`` are comments. The same file serves to trust keys in a
    database and to verify slips fully offline (``st2desk verify --payload … --public-key``).
    The LABEL is the site's label (DESIGN §7.2): ``sitio=CODE unidades=U1,U2 fecha=AAAA-MM-DD
    cifrado=BASE64URL nombre=Free text`` — the site code, the units it speaks for (``*``:
    every unit, a central server), the key's creation date, the site's X25519 public key
    that bundles for it are encrypted to (HPKE, `st2desk.sealing`), and its name (last, the
    rest of the line). A key with units ``U`` may sign bundles for those units and slips
    for authorization numbers of those units, nothing else.

Slip payload (the QR code of the slip)
    ``ST2|1|NUMBER|FOLIO|SERVICE|UNIT|FROM|UNTIL|NSSHASH|KID|SIGNATURE`` where FROM and
    UNTIL are ``YYYYMMDD``, NSSHASH is the first 12 hex digits of
    SHA-256(``NUMBER|NSS``) — the NSS itself never goes in the code — and SIGNATURE is
    the base64url Ed25519 signature of everything before the last ``|``. About 200
    characters: a version-10 QR code. The hash is salted with the number so codes of
    one patient cannot be linked; whoever holds the printed slip sees the NSS anyway.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from st2desk import clock, config
from st2desk.errors import St2Error, ValidationError
from st2desk.models import Setting

if TYPE_CHECKING:  # cryptography loads on first use: it is not needed to start the GUI
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

KEY_DIR = "keys"
KEY_FILE = "signing-ed25519.pem"
KEY_LINE_TAG = "st2desk-ed25519"
SETTING_PREFIX = "signing.key."
PAYLOAD_TAG = "ST2"
PAYLOAD_VERSION = "1"
NSS_HASH_LENGTH = 12
BUNDLE_DOMAIN = b"st2desk-bundle-v1\x00"


class SignatureError(St2Error):
    """A signature does not verify, or was made by a key this installation does not trust."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:12]


def raw_public(key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _public_from_raw(raw: bytes) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(raw)


def _verify(key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class LocalKey:
    """This installation's key pair."""

    private: Ed25519PrivateKey
    kid: str
    public_raw: bytes
    path: Path

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)

    def key_line(self, label: str | None = None) -> str:
        return format_key_line(self.kid, self.public_raw, label or default_label())


def default_label() -> str:
    try:
        host = socket.gethostname() or "equipo"
    except OSError:  # pragma: no cover - platform oddities
        host = "equipo"
    return f"{host} {clock.today():%Y-%m-%d}"


def key_path() -> Path:
    return config.data_dir() / KEY_DIR / KEY_FILE


def local_key(create: bool = True) -> LocalKey:
    """This installation's key, made (mode 0600) the first time it is needed."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = key_path()
    try:
        stamp = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = None
    cached = _loaded.get(path)
    if cached is not None and stamp is not None and cached[0] == stamp:
        return cached[1]
    if path.exists():
        from st2desk.inputs import KIB, read_bounded

        pem_bytes = read_bounded(path, 64 * KIB, "la llave de firma")
        try:
            private = serialization.load_pem_private_key(pem_bytes, password=None)
        except (ValueError, TypeError) as exc:
            raise SignatureError(
                f"La llave de firma de esta instalación ({path}) está dañada; restáurela del "
                "respaldo o bórrela para crear otra (las firmas anteriores seguirán "
                "verificándose con su llave pública registrada).") from exc
        if not isinstance(private, Ed25519PrivateKey):
            raise SignatureError(f"La llave de {path} no es Ed25519.")
    elif not create:
        raise SignatureError("Esta instalación aún no tiene llave de firma.")
    else:
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        if not _publish_new_key(path, pem):
            return local_key(create=False)  # another process made it first: use theirs
    raw = raw_public(private.public_key())
    key = LocalKey(private, key_id(raw), raw, path)
    _loaded[path] = (path.stat().st_mtime_ns, key)
    return key


_loaded: dict[Path, tuple[int, LocalKey]] = {}


def _publish_new_key(path: Path, pem: bytes) -> bool:
    """Write a new key file whole or not at all; False when one already exists.

    The key is written to a uniquely named temporary file (0600), flushed to disk and
    hard-linked to its name, which never replaces a key another process made meanwhile.
    On any failure (a full disk) the temporary file is removed, so a later attempt in the
    same process, once there is room, starts clean."""
    import contextlib
    import tempfile

    from st2desk.outputs import OutputError, os_error_message

    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    except OSError as exc:
        raise OutputError("No se pudo crear la llave de firma de esta instalación: "
                          + os_error_message(exc, path)) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


# --------------------------------------------------------------------------- key files


def format_key_line(kid: str, public_raw: bytes, label: str = "") -> str:
    label = " ".join((label or "").split())
    return f"{KEY_LINE_TAG} {kid} {b64url(public_raw)} {label}".rstrip()


ALL_UNITS = "*"
_LABEL_KEYS = ("sitio", "unidades", "fecha", "cifrado", "nombre")


@dataclass(frozen=True)
class SiteLabel:
    """Who a key belongs to and what it may sign (DESIGN §7.2)."""

    code: str = ""
    name: str = ""
    units: tuple[str, ...] = ()
    created: str = ""  # YYYY-MM-DD
    encryption: str = ""  # base64url X25519 public key for bundles sent to this site

    @property
    def all_units(self) -> bool:
        return ALL_UNITS in self.units

    def may_sign_for(self, unit_code: str) -> bool:
        return self.all_units or unit_code in self.units

    def units_text(self) -> str:
        return "todas las unidades" if self.all_units else (", ".join(self.units) or "ninguna")

    def text(self) -> str:
        parts = []
        if self.code:
            parts.append(f"sitio={self.code}")
        if self.units:
            parts.append("unidades=" + ",".join(self.units))
        if self.created:
            parts.append(f"fecha={self.created}")
        if self.encryption:
            parts.append(f"cifrado={self.encryption}")
        if self.name:
            parts.append("nombre=" + " ".join(self.name.split()))
        return " ".join(parts)

    def describe(self) -> str:
        if not self.code:
            return self.name or "(sin etiqueta de sitio)"
        return (f"sitio {self.code} «{self.name}», unidades: {self.units_text()}"
                + (f", creada el {self.created}" if self.created else ""))


def parse_label(text: str) -> SiteLabel:
    """A label as written by `SiteLabel.text`; a free-text (old) label is only a name."""
    text = " ".join((text or "").split())
    if not text.startswith("sitio="):
        return SiteLabel(name=text)
    values: dict[str, str] = {}
    rest = text
    while rest:
        if rest.startswith("nombre="):
            values["nombre"] = rest[len("nombre="):]
            break
        token, _, rest = rest.partition(" ")
        name, eq, value = token.partition("=")
        if not eq or name not in _LABEL_KEYS:
            raise ValidationError(f"La etiqueta de la llave tiene un dato desconocido: «{token[:40]}».")
        values[name] = value
    units = tuple(u for u in values.get("unidades", "").split(",") if u)
    return SiteLabel(values.get("sitio", ""), values.get("nombre", ""), units,
                     values.get("fecha", ""), values.get("cifrado", ""))


@dataclass(frozen=True)
class PublicKeyEntry:
    kid: str
    public_raw: bytes
    label: str

    @property
    def key(self) -> Ed25519PublicKey:
        return _public_from_raw(self.public_raw)

    @property
    def site(self) -> SiteLabel:
        try:
            return parse_label(self.label)
        except ValidationError:
            return SiteLabel(name=self.label)

    def line(self) -> str:
        return format_key_line(self.kid, self.public_raw, self.label)


def parse_key_file(text: str) -> list[PublicKeyEntry]:
    """Every key in a key file; a malformed line is an error naming its number."""
    entries: list[PublicKeyEntry] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 3)
        if len(parts) < 3 or parts[0] != KEY_LINE_TAG:
            raise ValidationError(
                f"La línea {number} del archivo de llaves no tiene la forma "
                f"«{KEY_LINE_TAG} ID LLAVE [DESCRIPCIÓN]».")
        try:
            raw = unb64url(parts[2])
            _public_from_raw(raw)
        except ValueError:
            raise ValidationError(
                f"La línea {number} del archivo de llaves no contiene una llave Ed25519 válida.") from None
        if key_id(raw) != parts[1]:
            raise ValidationError(
                f"La línea {number} del archivo de llaves dice ser la llave {parts[1]}, pero la "
                "llave que contiene no corresponde a ese identificador.")
        label = parts[3] if len(parts) > 3 else ""
        try:
            parse_label(label)
        except ValidationError as exc:
            raise ValidationError(f"La línea {number} del archivo de llaves: {exc.message}") from None
        entries.append(PublicKeyEntry(parts[1], raw, label))
    if not entries:
        raise ValidationError("El archivo no contiene llaves públicas de st2desk.")
    return entries


def read_key_file(path: str | Path) -> list[PublicKeyEntry]:
    from st2desk.inputs import KEY_FILE_LIMIT, read_bounded

    data = read_bounded(path, KEY_FILE_LIMIT, "el archivo de llaves")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"El archivo de llaves {path} no es texto UTF-8.") from None
    return parse_key_file(text)


# --------------------------------------------------------------------------- key registry (database)


@dataclass(frozen=True)
class RegisteredKey:
    entry: PublicKeyEntry
    origin: str  # "local" (a workstation of this database) or "trusted" (imported)
    added_at: str
    units: tuple[str, ...] = (ALL_UNITS,)  # what it may sign, recorded when it was trusted

    def may_sign_for(self, unit_code: str) -> bool:
        return ALL_UNITS in self.units or unit_code in self.units

    def scoped_entry(self) -> PublicKeyEntry:
        """The entry with the units this database granted it in its label."""
        site = self.entry.site
        label = SiteLabel(site.code, site.name, self.units, site.created, site.encryption)
        return PublicKeyEntry(self.entry.kid, self.entry.public_raw, label.text())


def _setting_value(entry: PublicKeyEntry, origin: str, units: tuple[str, ...] | None = None) -> str:
    return json.dumps({"public_key": b64url(entry.public_raw), "label": entry.label,
                       "origin": origin, "added_at": clock.now().isoformat(timespec="seconds"),
                       "units": list(units) if units is not None else [ALL_UNITS]},
                      ensure_ascii=False, sort_keys=True)


def registered_keys(session: Session) -> dict[str, RegisteredKey]:
    rows = session.execute(select(Setting.key, Setting.value).where(
        Setting.key.like(SETTING_PREFIX + "%"))).all()
    keys: dict[str, RegisteredKey] = {}
    for name, value in rows:
        kid = name[len(SETTING_PREFIX):]
        try:
            data = json.loads(value)
            raw = unb64url(data["public_key"])
        except (ValueError, KeyError, TypeError):
            continue  # a damaged row verifies nothing
        if key_id(raw) != kid:
            continue
        origin = data.get("origin", "trusted")
        # A key trusted before scopes existed may sign nothing until an administrator
        # trusts it again with its units; this database's own keys speak for it.
        units = tuple(data.get("units") or ((ALL_UNITS,) if origin == "local" else ()))
        keys[kid] = RegisteredKey(PublicKeyEntry(kid, raw, data.get("label", "")),
                                  origin, data.get("added_at", ""), units)
    return keys


def register_key(session: Session, entry: PublicKeyEntry, origin: str,
                 units: tuple[str, ...] | None = None) -> bool:
    """Add a public key to the database's registry; False when it was already there with
    the same units (a new scope replaces the old one)."""
    name = SETTING_PREFIX + entry.kid
    row = session.get(Setting, name)
    if row is not None:
        try:
            old = json.loads(row.value)
        except ValueError:
            old = {}
        if units is None or tuple(old.get("units") or ()) == tuple(units):
            return False
        row.value = _setting_value(entry, old.get("origin", origin), units)
        session.flush()
        return True
    session.add(Setting(key=name, value=_setting_value(entry, origin, units)))
    session.flush()
    return True


SITE_SETTING = "site.label"


def site_label(session: Session) -> SiteLabel:
    """This database's site (`st2desk site set`); unset: a central site for every unit."""
    row = session.get(Setting, SITE_SETTING)
    data: dict = {}
    if row is not None:
        try:
            data = json.loads(row.value)
        except ValueError:
            data = {}
    return SiteLabel(data.get("code", "CENTRAL"), data.get("name", "Oficina central"),
                     tuple(data.get("units") or (ALL_UNITS,)), "", "")


def set_site_label(session: Session, code: str, name: str, units: tuple[str, ...]) -> SiteLabel:
    for value, what in ((code, "la clave del sitio"), *((u, "la unidad") for u in units)):
        if not value or any(ch.isspace() or ch in "=,|" for ch in value) or len(value) > 20:
            raise ValidationError(f"{what.capitalize()} «{value[:30]}» no es válida (sin espacios, "
                                  "comas ni «=», hasta 20 caracteres).")
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise ValidationError("Escriba el nombre del sitio (hasta 120 caracteres).")
    value = json.dumps({"code": code, "name": name, "units": list(units)}, ensure_ascii=False)
    row = session.get(Setting, SITE_SETTING)
    if row is None:
        session.add(Setting(key=SITE_SETTING, value=value))
    else:
        row.value = value
    session.flush()
    return site_label(session)


def local_label(session: Session, key: LocalKey) -> SiteLabel:
    """The label this installation's key carries: the site, the key's date, its
    encryption key."""
    from st2desk import sealing

    site = site_label(session)
    from datetime import UTC, timedelta

    created = ((datetime.fromtimestamp(key.path.stat().st_mtime, UTC) - timedelta(hours=6)).date()
               .isoformat() if key.path.exists() else clock.today().isoformat())
    return SiteLabel(site.code, site.name, site.units, created,
                     b64url(sealing.local_encryption_key().public_raw))


def ensure_local_key_registered(session: Session) -> LocalKey:
    """This installation's key, with its public half (and site label) registered."""
    key = local_key()
    label = local_label(session, key).text()
    units = list(site_label(session).units)
    row = session.get(Setting, SETTING_PREFIX + key.kid)
    if row is None:
        register_key(session, PublicKeyEntry(key.kid, key.public_raw, label), "local", tuple(units))
    else:
        try:
            data = json.loads(row.value)
        except ValueError:
            data = {}
        if data.get("label") != label or data.get("units") != units:  # the site was (re)named
            from sqlalchemy.exc import DBAPIError

            data["label"] = label
            data["units"] = units
            try:  # PostgreSQL: only an administrator may change a setting; others sign anyway
                with session.begin_nested():
                    row.value = json.dumps(data, ensure_ascii=False, sort_keys=True)
                    session.flush()
            except DBAPIError:
                session.expire(row)
    return key


# --------------------------------------------------------------------------- slip payload


def nss_digest(number: str, nss: str) -> str:
    """Short salted hash of the NSS: lets a unit check a card against the code, not read it."""
    return hashlib.sha256(f"{number}|{nss}".encode()).hexdigest()[:NSS_HASH_LENGTH]


@dataclass(frozen=True)
class SlipPayload:
    number: str
    folio: str
    service: str
    unit: str
    valid_from: date
    valid_until: date
    nss_hash: str
    kid: str
    signature: str = ""

    def fields(self) -> list[str]:
        return [PAYLOAD_TAG, PAYLOAD_VERSION, self.number, self.folio, self.service, self.unit,
                f"{self.valid_from:%Y%m%d}", f"{self.valid_until:%Y%m%d}", self.nss_hash, self.kid]

    def message(self) -> bytes:
        return "|".join(self.fields()).encode("utf-8")

    def text(self) -> str:
        return "|".join([*self.fields(), self.signature])

    def nss_matches(self, nss: str) -> bool:
        return nss_digest(self.number, nss) == self.nss_hash


class PayloadMalformed(St2Error):
    """The text is not an st2desk slip code at all."""


class UnknownKey(SignatureError):
    """Signed with a key this installation does not know: cannot be checked ("no verificable")."""


class OutsideScope(SignatureError):
    """A genuine signature by a key that may not sign for that unit: forged."""


def sign_slip(key: LocalKey, *, number: str, folio: str, service: str, unit: str,
              valid_from: date, valid_until: date, nss: str) -> SlipPayload:
    for label, value in (("número", number), ("folio", folio), ("servicio", service),
                         ("unidad", unit)):
        if not value or "|" in value or any(ch.isspace() for ch in value):
            raise ValidationError(f"El {label} «{value}» no puede ir en el código del comprobante.")
    unsigned = SlipPayload(number, folio, service, unit, valid_from, valid_until,
                           nss_digest(number, nss), key.kid)
    return SlipPayload(**{**unsigned.__dict__, "signature": b64url(key.sign(unsigned.message()))})


def _date(text: str) -> date:
    return datetime.strptime(text, "%Y%m%d").date()


def parse_payload(text: str) -> SlipPayload:
    """Split a scanned or typed payload; PayloadMalformed when it is not one of ours.

    Only the tag is checked here; a payload with our tag but wrong parts is handled by
    `verify_payload` as forged.
    """
    value = (text or "").strip()
    if not value.startswith(PAYLOAD_TAG + "|"):
        raise PayloadMalformed(
            "El texto no es el código de un comprobante ST2 (debe empezar con «ST2|»).")
    parts = value.split("|")
    if len(parts) != 11 or parts[1] != PAYLOAD_VERSION:
        raise SignatureError("El código no tiene las partes de un comprobante ST2: fue alterado.")
    try:
        valid_from, valid_until = _date(parts[6]), _date(parts[7])
    except ValueError:
        raise SignatureError("Las fechas del código no son válidas: fue alterado.") from None
    return SlipPayload(parts[2], parts[3], parts[4], parts[5], valid_from, valid_until, parts[8],
                       parts[9], parts[10])


def verify_payload(text: str, keys: dict[str, PublicKeyEntry]) -> SlipPayload:
    """The payload if its signature holds under one of `keys`; SignatureError otherwise."""
    payload = parse_payload(text)
    entry = keys.get(payload.kid)
    if entry is None:
        raise UnknownKey(
            f"El código está firmado con la llave {payload.kid}, que no está entre las llaves "
            "conocidas aquí: no se puede verificar. Pida el archivo de llaves de la oficina "
            "central («st2desk keys export --all»).")
    try:
        genuine = _verify(entry.key, unb64url(payload.signature), payload.message())
    except ValueError:
        genuine = False
    if not genuine:
        raise SignatureError("La firma del código no corresponde a su contenido: fue alterado.")
    from st2desk import numbering

    try:
        issuing_unit = numbering.parse_number(payload.number).unit_code
    except ValidationError:
        raise SignatureError("El número del código no es un número de autorización válido: fue "
                             "alterado.") from None
    site = entry.site
    if not site.may_sign_for(issuing_unit):
        raise OutsideScope(
            f"El código está firmado con la llave {payload.kid} ({site.describe()}), que no puede "
            f"firmar autorizaciones de la unidad {issuing_unit}: es falso.")
    return payload


# --------------------------------------------------------------------------- bytes (bundles)


def sign_bundle(key: LocalKey, body: bytes) -> str:
    return b64url(key.sign(BUNDLE_DOMAIN + body))


def verify_bundle(entry: PublicKeyEntry, body: bytes, signature: str) -> bool:
    try:
        return _verify(entry.key, unb64url(signature), BUNDLE_DOMAIN + body)
    except ValueError:
        return False
