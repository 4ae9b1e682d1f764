"""SQL expressions that differ between SQLite and PostgreSQL, for the report queries.

Datetimes are stored as naive UTC (`models.UTCDateTime`): ISO text on SQLite,
``timestamp without time zone`` on PostgreSQL. Days and periods are Mexico's (UTC−6).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Integer,
    Interval,
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


def zone_local(dialect: str, column: Any, zone: Any) -> ColumnElement[Any]:
    """PostgreSQL: the local wall time in `zone` of a naive-UTC timestamp column."""
    return func.timezone(zone, func.timezone("UTC", column))


def unit_day(dialect: str, column: Any, zone: Any) -> ColumnElement[Any]:
    """The calendar day in zone `zone` (an IANA name column) of a UTC datetime column."""
    if dialect == "sqlite":
        return func.date(column, _sqlite_shift(column, zone))
    return cast(zone_local(dialect, column, zone), Date)


def unit_period_start(dialect: str, column: Any, zone: Any, dim: Dimension) -> ColumnElement[Any]:
    """First day (in `zone`) of the ISO week or month containing a UTC datetime column."""
    if dialect == "sqlite":
        shift = _sqlite_shift(column, zone)
        if dim is Dimension.MONTH:
            return func.date(column, shift, "start of month")
        return func.date(column, shift, "-6 days", "weekday 1")
    unit = "month" if dim is Dimension.MONTH else "week"
    return cast(func.date_trunc(unit, zone_local(dialect, column, zone)), Date)


def day_value(dialect: str, day: date) -> Any:
    """A date as `unit_day` compares with it (ISO text on SQLite)."""
    return literal(day.isoformat()) if dialect == "sqlite" else literal(day, Date)
