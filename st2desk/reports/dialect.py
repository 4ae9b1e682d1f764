"""SQL expressions that differ between SQLite and PostgreSQL, for the report queries.

Datetimes are stored as naive UTC (`models.UTCDateTime`): ISO text on SQLite,
``timestamp without time zone`` on PostgreSQL. Days and periods are Mexico's (UTC−6).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Date,
    Float,
    Integer,
    Interval,
    any_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.sql.elements import ColumnElement

from st2desk.reports.model import MEXICO_OFFSET_HOURS, Dimension

_SQLITE_SHIFT = f"-{MEXICO_OFFSET_HOURS} hours"
_PG_SHIFT = literal_column(f"INTERVAL '{MEXICO_OFFSET_HOURS} hours'", type_=Interval)


def seconds_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[float]:
    """``later − earlier`` in seconds, rounded to whole seconds, as a float."""
    if dialect == "sqlite":
        raw = (func.julianday(later) - func.julianday(earlier)) * 86400.0
    else:
        # date_part gives double precision directly; EXTRACT computes in numeric (slower).
        raw = func.date_part("epoch", later - earlier, type_=Float)
    return func.round(raw)


def local_day(dialect: str, column: Any) -> ColumnElement[Any]:
    """The Mexico calendar day of a UTC datetime column."""
    if dialect == "sqlite":
        return func.date(column, _SQLITE_SHIFT)
    return cast(column - _PG_SHIFT, Date)


def days_after(dialect: str, day_expr: Any, date_column: Any) -> ColumnElement[int]:
    """Whole days from a date column to a day expression (``day_expr − date_column``)."""
    if dialect == "sqlite":
        return cast(func.julianday(day_expr) - func.julianday(date_column), Integer)
    return day_expr - date_column


def period_start(dialect: str, column: Any, dim: Dimension) -> ColumnElement[Any]:
    """First Mexico day of the ISO week (Monday) or month containing a UTC datetime."""
    if dialect == "sqlite":
        if dim is Dimension.MONTH:
            return func.date(column, _SQLITE_SHIFT, "start of month")
        # Back 6 days, then forward to the next Monday (or stay on it): the week's Monday.
        return func.date(column, _SQLITE_SHIFT, "-6 days", "weekday 1")
    unit = "month" if dim is Dimension.MONTH else "week"  # date_trunc weeks start on Monday
    return cast(func.date_trunc(unit, column - _PG_SHIFT), Date)


def as_date(value: Any) -> date | None:
    """A day as returned by `local_day`/`period_start` (text on SQLite) → `date`."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def likely(dialect: str, condition: Any) -> Any:
    """Tell SQLite's planner a condition is true for most rows, so it picks the index of
    the selective one (e.g. the pending statuses) rather than a range on a date."""
    return func.likely(condition) if dialect == "sqlite" else condition


# --------------------------------------------------------------------------- units' zones
# A unit's day is its own zone's day (st2desk.timezones). PostgreSQL converts with its zone
# database; SQLite reads the offset in force from `report_facts_tz` (sqlite_facts).

_TZ = table("report_facts_tz", column("zone"), column("starts_at"), column("offset_minutes"))


def _sqlite_shift(column: Any, zone: Any) -> ColumnElement[Any]:
    offset = (select(func.printf("%+d minutes", _TZ.c.offset_minutes))
              .where(_TZ.c.zone == zone, _TZ.c.starts_at <= column)
              .order_by(_TZ.c.starts_at.desc()).limit(1).scalar_subquery())
    return func.coalesce(offset, "-360 minutes")


Span = tuple[datetime, datetime] | None


def _offset_minutes_case(column: Any, zone: Any, span: Span) -> ColumnElement[Any] | None:
    """The zone's UTC offset (minutes) at `column` as a CASE on the zone (read once) over
    the few offset changes of the known zones within `span` (UTC), or None without a span.
    Unknown zones: NULL (the caller falls back to the exact conversion)."""
    if span is None:
        return None
    from st2desk import timezones  # noqa: PLC0415

    start, end = (t.replace(tzinfo=None) if t.tzinfo else t for t in span)
    by_zone: dict[str, list[tuple[datetime, int]]] = {}
    for z, t, m in timezones.all_offset_rows():
        by_zone.setdefault(z, []).append((t, m))
    whens: dict[str, Any] = {}
    for z, rows in by_zone.items():
        current = [m for t, m in rows if t <= start][-1]
        changes = [(t, m) for t, m in rows if start < t < end]
        if not changes:
            whens[z] = literal(current)
            continue
        steps = []
        for t, m in changes:
            steps.append((column < t.replace(tzinfo=UTC), literal(current)))
            current = m
        whens[z] = case(*steps, else_=literal(current))
    return case(whens, value=zone, else_=None)


def zone_local(dialect: str, column: Any, zone: Any, span: Span = None) -> ColumnElement[Any]:
    """PostgreSQL: the local wall time in `zone` of a naive-UTC timestamp column. With a
    `span`, by adding the offset known for that span (far cheaper than a zone lookup
    per row), the zone database only for a zone not in `timezones.MEXICO_ZONES`."""
    exact = func.timezone(zone, func.timezone("UTC", column))
    minutes = _offset_minutes_case(column, zone, span)
    if minutes is None:
        return exact
    return func.coalesce(column + func.make_interval(0, 0, 0, 0, 0, minutes), exact)


def _sqlite_modifier(column: Any, zone: Any, span: Span) -> ColumnElement[Any]:
    minutes = _offset_minutes_case(column, zone, span)
    if minutes is None:
        return _sqlite_shift(column, zone)
    return func.coalesce(func.printf("%+d minutes", minutes), _sqlite_shift(column, zone))


def unit_day(dialect: str, column: Any, zone: Any, span: Span = None) -> ColumnElement[Any]:
    """The calendar day in zone `zone` (an IANA name column) of a UTC datetime column;
    `span` (UTC) bounds the values, for a cheaper conversion."""
    if dialect == "sqlite":
        return func.date(column, _sqlite_modifier(column, zone, span))
    return cast(zone_local(dialect, column, zone, span), Date)


def unit_period_start(dialect: str, column: Any, zone: Any, dim: Dimension,
                      span: Span = None) -> ColumnElement[Any]:
    """First day (in `zone`) of the ISO week or month containing a UTC datetime column.

    Mexico's zones are UTC−5 … UTC−8: when the period is the same at both offsets (all
    but a few hours per period) it is that one, and `zone` (a lookup) is not read."""
    if dialect == "sqlite":
        mods = ("start of month",) if dim is Dimension.MONTH else ("-6 days", "weekday 1")
        exact = func.date(column, _sqlite_modifier(column, zone, span), *mods)
        east, west = func.date(column, "-5 hours", *mods), func.date(column, "-8 hours", *mods)
        return case((east == west, east), else_=exact)
    unit = "month" if dim is Dimension.MONTH else "week"
    exact = func.date_trunc(unit, zone_local(dialect, column, zone, span))
    east = func.date_trunc(unit, column - literal_column("INTERVAL '5 hours'", type_=Interval))
    west = func.date_trunc(unit, column - literal_column("INTERVAL '8 hours'", type_=Interval))
    return cast(case((east == west, east), else_=exact), Date)


def day_value(dialect: str, day: date) -> Any:
    """A date as `unit_day` compares with it (ISO text on SQLite)."""
    return literal(day.isoformat()) if dialect == "sqlite" else literal(day, Date)


def in_ids(dialect: str, column: Any, ids: list[int]) -> ColumnElement[bool]:
    """`column` is one of `ids`, sent as one parameter however many there are (a report's
    pending requests run to tens of thousands): a PostgreSQL array, a JSON list in SQLite."""
    if dialect == "postgresql":
        return column == any_(bindparam("ids", ids, type_=ARRAY(Integer)))
    return column.in_(select(literal_column("value")).select_from(
        func.json_each(bindparam("ids", json.dumps(ids)))))
