"""Password hashing with argon2-cffi (Argon2id, the library's vetted defaults)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(stored_hash)


_dummy_hash: str | None = None


def verify_against_nothing(password: str) -> None:
    """Spend what checking a password costs, for a user name that does not exist, so the
    time of the answer does not tell which user names do (the hash is made once)."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("st2desk: no such user")
    verify_password(_dummy_hash, password)
