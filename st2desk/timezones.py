"""Time zones of the units (IANA names, e.g. ``America/Tijuana``): the calendar day a
clinic works on is its own zone's day.

No Qt here. `unit_zone(unit)` is what a screen, a report or a printout uses to turn an
aware UTC moment into the unit's date. `zoneinfo` reads the operating system's zone data
where it exists and the `tzdata` package otherwise (Windows has no system zone data;
`tzdata` is a dependency for that reason).

SQLite has no zone database, so the reports read the UTC offsets from the table
`time_zone_offsets` (zone, UTC instant from which an offset holds, offset in minutes),
which `offset_rows` fills for every zone in `MEXICO_ZONES`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from st2desk.errors import ValidationError

DEFAULT_ZONE = "America/Mexico_City"

# The zones Mexico's units are in (IANA). Chihuahua's state keeps UTC−6 all year since
# 2022 (America/Chihuahua); the Ciudad Juárez border area follows US daylight time
# (America/Ciudad_Juarez), as does Baja California (America/Tijuana).
MEXICO_ZONES = (
    "America/Mexico_City",
    "America/Cancun",
    "America/Chihuahua",
    "America/Ciudad_Juarez",
    "America/Hermosillo",
    "America/Mazatlan",
    "America/Tijuana",
)

# Delegation (OOAD) code → the zone of its units, where it is not the default.
DELEGATION_ZONES = {
    "02": "America/Tijuana",  # Baja California
    "03": "America/Mazatlan",  # Baja California Sur
    "08": "America/Chihuahua",  # Chihuahua (Ciudad Juárez units: America/Ciudad_Juarez)
    "18": "America/Mazatlan",  # Nayarit
    "23": "America/Cancun",  # Quintana Roo
    "25": "America/Mazatlan",  # Sinaloa
    "26": "America/Hermosillo",  # Sonora
}

# Offsets are tabulated for SQLite over these years (inclusive).
OFFSET_YEARS = (2000, 2060)


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """The ZoneInfo of an IANA name (None or empty: the default); Spanish error if unknown."""
    name = (name or "").strip() or DEFAULT_ZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Zona horaria desconocida «{name}» (se espera un nombre IANA, "
                              f"por ejemplo {DEFAULT_ZONE}).", field="time_zone") from None


def unit_zone(unit: Any) -> ZoneInfo:
    """The zone of a unit (anything with a `time_zone` attribute, e.g. `models.Unit`)."""
    return zone(getattr(unit, "time_zone", None))


# How a zone is named to a person ("hora de Tijuana"): the city IANA names it after.
ZONE_PLACES = {
    "America/Mexico_City": "Ciudad de México",
    "America/Cancun": "Cancún",
    "America/Chihuahua": "Chihuahua",
    "America/Ciudad_Juarez": "Ciudad Juárez",
    "America/Hermosillo": "Hermosillo",
    "America/Mazatlan": "Mazatlán",
    "America/Tijuana": "Tijuana",
}


def place(name: str | None) -> str:
    """The place a zone is named after, in Spanish ("Tijuana"; unknown: the IANA name)."""
    name = (name or "").strip() or DEFAULT_ZONE
    return ZONE_PLACES.get(name, name.rsplit("/", 1)[-1].replace("_", " "))


def request_zone(request: Any) -> str | None:
    """The zone of the unit that owns a request (and its authorization): the requesting
    unit's. Anything with a `requesting_unit` (a `models.Request`)."""
    return getattr(getattr(request, "requesting_unit", None), "time_zone", None)


def authorization_zone(authorization: Any) -> str | None:
    """The zone of an authorization's days (validity, use, expiry, its slip): its
    performing unit's, where the patient presents and reception records the use; the
    PostgreSQL wall judges a use and an expiry on the same calendar."""
    return getattr(getattr(authorization, "performing_unit", None), "time_zone", None)


def local_day(moment: datetime, tz: ZoneInfo | str | None = None) -> date:
    """The calendar day of an aware moment in `tz` (a ZoneInfo or a name)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to local_day")
    z = tz if isinstance(tz, ZoneInfo) else zone(tz)
    return moment.astimezone(z).date()


def _offset_minutes(z: ZoneInfo, moment: datetime) -> int:
    off = moment.astimezone(z).utcoffset() or timedelta()
    return int(off.total_seconds() // 60)


def offset_rows(name: str, years: tuple[int, int] = OFFSET_YEARS
                ) -> Iterator[tuple[str, datetime, int]]:
    """(zone, naive UTC start, offset minutes) of each period of constant offset of zone
    `name` from 1 January of the first year: the first row starts at 0001-01-01."""
    z = zone(name)
    step = timedelta(days=1)
    t = datetime(years[0], 1, 1, tzinfo=UTC)
    end = datetime(years[1] + 1, 1, 1, tzinfo=UTC)
    current = _offset_minutes(z, t)
    yield name, datetime(1, 1, 1), current
    while t < end:
        nxt = t + step
        off = _offset_minutes(z, nxt)
        if off != current:
            lo, hi = t, nxt  # the change is in (lo, hi]: bisect to the minute
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid <= lo:
                    break
                if _offset_minutes(z, mid) == current:
                    lo = mid
                else:
                    hi = mid
            yield name, hi.replace(tzinfo=None), off
            current = off
        t = nxt


@lru_cache(maxsize=1)
def all_offset_rows() -> tuple[tuple[str, datetime, int], ...]:
    """`offset_rows` of every zone in `MEXICO_ZONES` (computed once per process)."""
    return tuple(row for name in MEXICO_ZONES for row in offset_rows(name))
