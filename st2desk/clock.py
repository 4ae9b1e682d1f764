"""The one source of "now" for the domain, so tests and demo data can move time."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import UTC, date, datetime

_frozen: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("st2_now", default=None)


def now() -> datetime:
    """Current time, timezone-aware UTC."""
    return _frozen.get() or datetime.now(UTC)


def today() -> date:
    # Clinics work on Mexico's calendar day; the central zone has no DST since 2022 (UTC-6).
    from datetime import timedelta

    return (now() - timedelta(hours=6)).date()


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    """Make `now()` return `moment` inside the block (demo data, tests)."""
    if moment.tzinfo is None:
        raise ValueError("frozen_at needs an aware datetime")
    token = _frozen.set(moment.astimezone(UTC))
    try:
        yield
    finally:
        _frozen.reset(token)
