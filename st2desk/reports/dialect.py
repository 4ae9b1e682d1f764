"""SQL expressions that differ between SQLite and PostgreSQL, for the report queries.

Datetimes are stored as naive UTC (`models.UTCDateTime`): ISO text on SQLite,
``timestamp without time zone`` on PostgreSQL. Days and periods are Mexico's (UTC−6).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, Float, Integer, Interval, cast, func, literal_column
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
