"""Typed domain errors. Each carries a message in Spanish fit to show a user as-is."""

from __future__ import annotations


class St2Error(Exception):
    """Base of every error the domain reports to a user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(St2Error):
    """Input is malformed or inconsistent; nothing was changed."""


class PermissionDenied(St2Error):
    """The acting user's role or unit does not allow the action."""


class InvalidTransition(St2Error):
    """The request's current state does not allow the action."""


class NotFound(St2Error):
    """The record asked for does not exist."""


class ConcurrencyConflict(St2Error):
    """Another workstation changed the record first; reload and retry."""


class ReviewBlocked(St2Error):
    """The automated review found blocking problems; the request stays a draft."""

    def __init__(self, message: str, findings: list) -> None:  # list[Finding]
        super().__init__(message)
        self.findings = findings


class AuthenticationFailed(St2Error):
    """Wrong user name or password, or the account is locked."""


class StorageUnavailable(St2Error):
    """The database or the disk could not do its part now; nothing was changed.

    `kind` says which: "offline" (the server cannot be reached), "busy" (another
    workstation holds the database), "timeout" (the server took too long), "disk_full",
    "io". Offline, busy and timeout usually pass by themselves: retrying may work.
    """

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        self.kind = kind

    @property
    def transient(self) -> bool:
        return self.kind in ("offline", "busy", "timeout")
