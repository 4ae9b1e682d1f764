"""The one source of "now" for the domain, so tests and demo data can move time.

Clock of record (issue: faults at the desk). On SQLite the workstation is the whole
system, so its clock is the clock of record. On PostgreSQL several workstations write
the same records, so the server's clock is: every write transaction reads the server's
time once (`Database.transaction`) and `now()` inside it counts from that reading; outside
a transaction `now()` is the local clock corrected by the last difference measured. A
station whose clock differs from the server's by more than `SKEW_WARNING` is warned.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo

from st2desk import timezones

SKEW_WARNING = timedelta(minutes=2)

_frozen: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("st2_now", default=None)
# (server time read, time.monotonic() when it was read) inside a transaction.
_anchor: contextvars.ContextVar[tuple[datetime, float] | None] = contextvars.ContextVar(
    "st2_server_anchor", default=None)
_offset = timedelta(0)  # server minus local, as last measured (zero on SQLite)


def now() -> datetime:
    """Current time, timezone-aware UTC, by the clock of record."""
    frozen = _frozen.get()
    if frozen is not None:
        return frozen
    anchor = _anchor.get()
    if anchor is not None:
        return anchor[0] + timedelta(seconds=time.monotonic() - anchor[1])
    return datetime.now(UTC) + _offset


# The zone whose calendar day "today" is (issue 13, item 1): the signed-in user's unit's
# zone (`set_zone` at sign-in), or for one block of work another unit's (`in_zone`).
# Without either, America/Mexico_City (central Mexico keeps UTC-6 all year since 2022).
_process_zone: str | None = None
_zone_override: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "st2_zone", default=None)


def set_zone(name: str | None) -> None:
    """Make `name` (IANA; None: the default) the zone of "today" for this process."""
    global _process_zone
    timezones.zone(name)  # refuse an unknown name here, not at the first `today()`
    _process_zone = (name or "").strip() or None


@contextlib.contextmanager
def in_zone(name: str | None) -> Iterator[None]:
    """Inside the block "today" and `local()` use `name` (IANA) instead."""
    timezones.zone(name)
    token = _zone_override.set((name or "").strip() or timezones.DEFAULT_ZONE)
    try:
        yield
    finally:
        _zone_override.reset(token)


def zone() -> tzinfo:
    """The zone of the unit in whose name the process (or the block) works."""
    return timezones.zone(_zone_override.get() or _process_zone)


def zone_name() -> str:
    return _zone_override.get() or _process_zone or timezones.DEFAULT_ZONE


def local(moment: datetime) -> datetime:
    """An aware moment as the wall-clock time of the current unit's zone."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to clock.local")
    return moment.astimezone(zone())


def local_date(moment: datetime) -> date:
    """The calendar day of an aware moment in the current unit's zone."""
    return local(moment).date()


def today() -> date:
    """The calendar day the current unit works on (its own zone)."""
    return local_date(now())


# A record's times and days belong to the unit that owns it (issue 13, item 1): a request
# and its authorization to the requesting unit, whoever looks at them and from wherever.


def local_in(moment: datetime, name: str | None) -> datetime:
    """An aware moment as the wall-clock time of zone `name` (IANA; None: the default)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to clock.local_in")
    return moment.astimezone(timezones.zone(name))


def date_in(moment: datetime, name: str | None) -> date:
    """The calendar day of an aware moment in zone `name`."""
    return local_in(moment, name).date()


def today_in(name: str | None) -> date:
    """Today's calendar day in zone `name` (a unit's zone)."""
    return date_in(now(), name)


def is_local(name: str | None, moment: datetime | None = None) -> bool:
    """Whether zone `name` reads the same wall clock as the current unit's zone at
    `moment` (default: now), so a time in it needs no "hora de …"."""
    moment = moment or now()
    return local_in(moment, name).utcoffset() == local(moment).utcoffset()


def stamp(moment: datetime, name: str | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    """`moment` in zone `name` as `fmt`, followed by "(hora de Tijuana)" when the current
    unit's clock reads otherwise (Spanish, for domain messages and printouts)."""
    text = local_in(moment, name).strftime(fmt)
    return text if is_local(name, moment) else f"{text} (hora de {timezones.place(name)})"


def skew() -> timedelta:
    """How far the server's clock is ahead of this workstation's (zero on SQLite)."""
    return _offset


def observe_server_time(server_now: datetime) -> None:
    """Remember how far this workstation's clock is from the server's."""
    global _offset
    _offset = server_now.astimezone(UTC) - datetime.now(UTC)


@contextlib.contextmanager
def server_time(server_now: datetime) -> Iterator[None]:
    """Inside the block `now()` counts from `server_now` (one transaction)."""
    observe_server_time(server_now)
    token = _anchor.set((server_now.astimezone(UTC), time.monotonic()))
    try:
        yield
    finally:
        _anchor.reset(token)


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
