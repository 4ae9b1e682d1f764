"""Bundles encrypted to the receiving site (DESIGN §7.2).

A bundle carries patients' NSS, CURP and names, and travels on USB sticks and e-mail, so
it is encrypted to the receiving site's public key. The construction is HPKE (RFC 9180,
base mode) with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20-Poly1305, from the
`cryptography` package st2desk already depends on for its Ed25519 signatures: a
standard, reviewed construction (no home-made cipher) and no second crypto library.

A site may have several installations (the workstations of a central server), each with
its own key: the bundle is encrypted once under a random ChaCha20-Poly1305 key, and that key
is sealed with HPKE to each of the receiving site's keys (`seal_for` / `open_for`).

Each installation has an X25519 key pair next to its signing key
(``keys/encryption-x25519.pem``, 0600); its public half travels in the site label of the
installation's key file (``cifrado=…``), so trusting a site's key file is also what lets
this site encrypt bundles for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from st2desk import config
from st2desk.errors import St2Error

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

ENC_KEY_FILE = "encryption-x25519.pem"
INFO = b"st2desk-bundle-v2"


class SealError(St2Error):
    """A bundle could not be decrypted here (not for this site, or damaged)."""


@dataclass(frozen=True)
class EncryptionKey:
    private: X25519PrivateKey
    public_raw: bytes
    path: Path


_loaded: dict[Path, EncryptionKey] = {}


def _suite():  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import hpke

    return hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)


def encryption_key_path() -> Path:
    from st2desk.signing import KEY_DIR

    return config.data_dir() / KEY_DIR / ENC_KEY_FILE


def local_encryption_key() -> EncryptionKey:
    """This installation's X25519 key pair, made (0600) on first use."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    from st2desk.signing import SignatureError, _publish_new_key

    path = encryption_key_path()
    cached = _loaded.get(path)
    if cached is not None and path.exists():
        return cached
    if not path.exists():
        private = X25519PrivateKey.generate()
        pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
        _publish_new_key(path, pem)
    from st2desk.inputs import KIB, read_bounded

    try:
        loaded = serialization.load_pem_private_key(
            read_bounded(path, 64 * KIB, "la llave de cifrado"), password=None)
    except (ValueError, TypeError) as exc:
        raise SignatureError(f"La llave de cifrado de esta instalación ({path}) está dañada; "
                             "restáurela del respaldo.") from exc
    if not isinstance(loaded, X25519PrivateKey):
        raise SignatureError(f"La llave de {path} no es X25519.")
    raw = loaded.public_key().public_bytes(serialization.Encoding.Raw,
                                           serialization.PublicFormat.Raw)
    key = EncryptionKey(loaded, raw, path)
    _loaded[path] = key
    return key


def seal(plaintext: bytes, recipient_public_raw: bytes, aad: bytes) -> bytes:
    """`plaintext` encrypted to the recipient's X25519 public key; `aad` is bound in."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

    try:
        public = X25519PublicKey.from_public_bytes(recipient_public_raw)
    except ValueError:
        raise SealError("La llave de cifrado del sitio destino no es válida.") from None
    return _suite().encrypt(plaintext, public, info=INFO + b"\x00" + aad)


def open_sealed(ciphertext: bytes, aad: bytes) -> bytes:
    """Decrypt a bundle sealed to this installation; SealError otherwise."""
    key = local_encryption_key()
    try:
        return _suite().decrypt(ciphertext, key.private, info=INFO + b"\x00" + aad)
    except Exception:  # noqa: BLE001 - InvalidTag or a malformed encapsulation
        raise SealError("El paquete no está cifrado para esta instalación (o está dañado): "
                        "pida a la otra instalación que lo exporte para la llave de este sitio "
                        "(«st2desk sync export --to LLAVE»). No se importó nada.") from None


WRAPPED = 32 + 32 + 16  # HPKE(X25519) encapsulation + a 32-byte key + the AEAD tag


def sealed_size(plaintext_size: int, recipients: int) -> int:
    return recipients * WRAPPED + plaintext_size + 16


def seal_for(plaintext: bytes, recipients: list[bytes], aad: bytes) -> bytes:
    """`plaintext` under a fresh key, that key sealed to each recipient (in order)."""
    import os

    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    data_key = os.urandom(32)
    wrapped = b"".join(seal(data_key, r, aad) for r in recipients)
    # A key used once: a zero nonce is safe (RFC 8439 needs it unique per key).
    return wrapped + ChaCha20Poly1305(data_key).encrypt(b"\x00" * 12, plaintext, aad)


def open_for(ciphertext: bytes, index: int, recipients: int, aad: bytes) -> bytes:
    """Decrypt what `seal_for` made, as its recipient number `index`."""
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    if len(ciphertext) < recipients * WRAPPED + 16:
        raise SealError("El paquete está incompleto. No se importó nada.")
    data_key = open_sealed(ciphertext[index * WRAPPED:(index + 1) * WRAPPED], aad)
    try:
        return ChaCha20Poly1305(data_key).decrypt(b"\x00" * 12, ciphertext[recipients * WRAPPED:], aad)
    except Exception:  # noqa: BLE001 - InvalidTag
        raise SealError("El contenido cifrado del paquete fue alterado o está incompleto. No se "
                        "importó nada.") from None
