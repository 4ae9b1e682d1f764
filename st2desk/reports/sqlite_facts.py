"""SQLite's report facts: one narrow row per submitted request, kept by triggers.

Why: SQLite has no hash aggregation and no percentile aggregate, so every ``GROUP BY``
and every median over the raw `requests` sorts the year's rows again (about 0.3 s per
grouping at the reference scale of DESIGN §6). `report_facts` holds what the reports
need as small integers — Mexico days as proleptic ordinals (`date.toordinal`), 0/1
flags, working seconds to the first decision — and one covering index per breakdown, in
the order that breakdown groups and ranks by. A report then reads indexes in order:

- counts and sums by day (rolled up into weeks, months and the total by the caller) or
  by the breakdown's key: one ordered index scan, no sort;
- the nearest-rank median and 90th percentile of each group: ``ORDER BY secs LIMIT 1
  OFFSET k − 1`` on the group's index, a walk of the group's entries, no sort.

The facts are a pure function of the request row (and of its unit's delegation and its
service's category); triggers on `requests`, `units` and `services` keep them so, in the
same transaction as the change, whatever code path writes — services, paper capture,
sync imports or a bulk load. PostgreSQL has its own (`st2desk.reports.pg_facts`, the same
columns). The migration that creates them fills them from the existing requests.

The working time matches `st2desk.services.reports._decision_time_seconds`: the service
level (SLA) of each priority is written into the view; a migration that changes
`workflow.SERVICE_LEVEL` must call `create` again (it replaces the view and refills).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from st2desk.reports.model import MEXICO_OFFSET_HOURS, Dimension, facts_where

# One index per way of reading. The filter columns ride along in each so a filtered
# report never leaves the index. The name is the key a breakdown groups and ranks by.
_FILTERS = "specialty_id, unit_id, delegation_id, category"
INDEXES = {
    "sub": f"sub_day, pr, emergency, em_late, physician_id, can_ts, {_FILTERS}",
    # (emergency, ext, el: the public metrics read in the same scan; revision 0005r on)
    "dec": f"dec_day, pr, emergency, approved, late, secs, granted_ts, ext, el, {_FILTERS}",
    "total": f"pr, secs, dec_day, {_FILTERS}",
    "week": f"dec_week, pr, secs, dec_day, {_FILTERS}",
    "month": f"dec_month, pr, secs, dec_day, {_FILTERS}",
    "physician": f"physician_id, sub_day, {_FILTERS}",
    # Public (CMS-style) metrics: by priority and emergency, each time in order.
    "pubw": f"pr, emergency, secs, dec_day, approved, ext, granted_ts, el, {_FILTERS}",
    "pube": f"pr, emergency, el, dec_day, {_FILTERS}",
    **{dim: f"{col}, pr, secs, dec_day, approved, late, sub_day, emergency, em_late, can_ts, "
            f"granted_ts, {_FILTERS}"
       for dim, col in (("specialty", "specialty_id"), ("unit", "unit_id"),
                        ("delegation", "delegation_id"), ("category", "category"))},
}
_PARTIAL = {"dec", "total", "week", "month", "pubw", "pube"}  # only requests with a first decision
_ZONED_ONLY = ("can_ts", "granted_ts", "ext", "el")  # columns from revision 0003r on
KEY_COLUMN = {Dimension.SPECIALTY: "specialty_id", Dimension.UNIT: "unit_id",
              Dimension.DELEGATION: "delegation_id", Dimension.CATEGORY: "category",
              Dimension.WEEK: "dec_week", Dimension.MONTH: "dec_month"}

_ORDINAL = "1721424.5"  # julianday('0001-01-01') − 1: julianday(day) − this = day's ordinal
_SHIFT = f"'-{MEXICO_OFFSET_HOURS} hours'"
_TRIGGERED_COLUMNS = ("submitted_at", "decided_at", "rejected_at", "due_at", "priority",
                      "specialty_id", "requesting_unit_id", "service_id", "physician_id",
                      "is_emergency", "performed_on", "origin", "requested_on", "status",
                      "cancelled_at")
_LEGACY_TRIGGERED = _TRIGGERED_COLUMNS[:-2]

# UTC offsets of each zone (st2desk.timezones.offset_rows): SQLite has no zone database.
TZ_TABLE = "report_facts_tz"
DEFAULT_OFFSET = "'-360 minutes'"  # a zone missing from the table: Mexico City's


def shift(expr: str, zone_expr: str) -> str:
    """SQLite date modifier that moves UTC `expr` to the local time of zone `zone_expr`."""
    return (f"coalesce((SELECT printf('%+d minutes', o.offset_minutes) FROM {TZ_TABLE} o "
            f"WHERE o.zone = {zone_expr} AND o.starts_at <= {expr} "
            f"ORDER BY o.starts_at DESC LIMIT 1), {DEFAULT_OFFSET})")


def _day(expr: str, *modifiers: str, zones: bool = True) -> str:
    mods = "".join(f", '{m}'" for m in modifiers)
    sh = shift(expr, "time_zone") if zones else _SHIFT
    return f"CAST(julianday(date({expr}, {sh}{mods})) - {_ORDINAL} AS INTEGER)"


def _view_sql(sla_urgent: int, sla_ordinary: int, zones: bool = True) -> str:
    sla = f"CASE WHEN priority = 'urgent' THEN {sla_urgent} ELSE {sla_ordinary} END"
    sub_local = (f"date(submitted_at, {shift('submitted_at', 'time_zone')})" if zones
                 else f"date(submitted_at, {_SHIFT})")
    extra = ""
    if zones:
        ms = "CAST(round((julianday({}) - 2440587.5) * 86400000.0) AS INTEGER)"
        extra = (
            ",\n       CASE WHEN status = 'cancelled' AND decided_at IS NULL THEN "
            + ms.format("coalesce(cancelled_at, submitted_at)") + " END AS can_ts,"
            # approved on appeal (a later decision that is not the final rejection), when
            "\n       CASE WHEN rejected_at IS NOT NULL AND decided_at > rejected_at "
            "AND status <> 'rejected_final' THEN " + ms.format("decided_at")
            + " END AS granted_ts,"
            # the clock was stopped for information at least once before the first decision
            "\n       CASE WHEN first_at IS NOT NULL THEN due_at IS NOT NULL AND "
            f"round((julianday(due_at) - julianday(submitted_at)) * 86400.0) > {sla} END AS ext,"
            # elapsed (calendar) seconds to the first decision, pauses included
            "\n       CAST(CASE WHEN first_at IS NOT NULL THEN round((julianday(first_at) - "
            "julianday(submitted_at)) * 86400.0) END AS INTEGER) AS el")
    inner_extra = ", r.status, r.decided_at, r.cancelled_at, u.time_zone" if zones else ""
    return f"""
CREATE VIEW report_facts_source AS
SELECT id AS request_id, physician_id, specialty_id, unit_id, delegation_id, category,
       (priority = 'urgent') AS pr,
       (is_emergency = 1) AS emergency,
       -- can_ts: when withdrawn before any decision, Unix milliseconds
       -- filed on the day written on a paper or PDF form, else on the day submitted
       (is_emergency = 1 AND performed_on IS NOT NULL
        AND julianday(CASE WHEN origin IN ('paper', 'pdf') THEN requested_on
                           ELSE {sub_local} END)
            - julianday(performed_on) > 3) AS em_late,
       {_day("submitted_at", zones=zones)} AS sub_day,
       {_day("first_at", zones=zones)} AS dec_day,
       {_day("first_at", "-6 days", "weekday 1", zones=zones)} AS dec_week,
       {_day("first_at", "start of month", zones=zones)} AS dec_month,
       CASE WHEN first_at IS NOT NULL THEN rejected_at IS NULL END AS approved,
       CASE WHEN first_at IS NOT NULL THEN due_at IS NOT NULL AND first_at > due_at END AS late,
       CAST(CASE WHEN first_at IS NULL THEN NULL
                 WHEN due_at IS NULL
                 THEN round((julianday(first_at) - julianday(submitted_at)) * 86400.0)
                 ELSE round((julianday(first_at) - julianday(due_at)) * 86400.0) + {sla}
            END AS INTEGER) AS secs{extra}
FROM (SELECT r.id, r.physician_id, r.specialty_id, r.requesting_unit_id AS unit_id,
             u.delegation_id, s.category, r.priority, r.is_emergency, r.performed_on,
             r.origin, r.requested_on,
             r.submitted_at, r.due_at, r.rejected_at{inner_extra},
             -- the first decision: a rejection (kept through an appeal) or an approval
             coalesce(r.rejected_at, r.decided_at) AS first_at
      FROM requests r JOIN units u ON u.id = r.requesting_unit_id
      LEFT JOIN services s ON s.id = r.service_id
      WHERE r.submitted_at IS NOT NULL)
"""


def _ddl(sla_urgent: int, sla_ordinary: int, zones: bool = True) -> list[str]:
    zoned_columns = ", can_ts INTEGER, granted_ts INTEGER, ext INTEGER, el INTEGER" if zones else ""
    refresh = ("DELETE FROM report_facts WHERE request_id = {row}.id; "
               "INSERT INTO report_facts SELECT * FROM report_facts_source "
               "WHERE request_id = {row}.id;")
    stmts = [
        "DROP VIEW IF EXISTS report_facts_source",
        _view_sql(sla_urgent, sla_ordinary, zones),
        "DROP TABLE IF EXISTS report_facts",
        f"""CREATE TABLE report_facts (
            request_id INTEGER PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
            physician_id INTEGER, specialty_id INTEGER, unit_id INTEGER, delegation_id INTEGER,
            category VARCHAR(24), pr INTEGER, emergency INTEGER, em_late INTEGER,
            sub_day INTEGER, dec_day INTEGER, dec_week INTEGER, dec_month INTEGER,
            approved INTEGER, late INTEGER, secs INTEGER{zoned_columns})""",
    ]
    for name, columns in INDEXES.items():
        if not zones:
            if name in ("pubw", "pube"):
                continue
            for col in _ZONED_ONLY:
                columns = columns.replace(f", {col}", "")
        where = " WHERE dec_day IS NOT NULL" if name in _PARTIAL else ""
        stmts.append(f"CREATE INDEX IF NOT EXISTS ix_report_facts_{name} "
                     f"ON report_facts ({columns}){where}")
    triggered = _TRIGGERED_COLUMNS if zones else _LEGACY_TRIGGERED
    unit_refresh = ("DELETE FROM report_facts WHERE unit_id = NEW.id; "
                    "INSERT INTO report_facts SELECT * FROM report_facts_source "
                    "WHERE unit_id = NEW.id;")
    stmts += [
        "DROP TRIGGER IF EXISTS tr_report_facts_insert",
        "DROP TRIGGER IF EXISTS tr_report_facts_update",
        "DROP TRIGGER IF EXISTS tr_report_facts_unit",
        "DROP TRIGGER IF EXISTS tr_report_facts_service",
        "CREATE TRIGGER tr_report_facts_insert AFTER INSERT ON requests "
        "WHEN NEW.submitted_at IS NOT NULL BEGIN "
        "INSERT INTO report_facts SELECT * FROM report_facts_source WHERE request_id = NEW.id; END",
        f"CREATE TRIGGER tr_report_facts_update AFTER UPDATE OF {', '.join(triggered)} "
        f"ON requests BEGIN {refresh.format(row='NEW')} END",
        ("CREATE TRIGGER tr_report_facts_unit AFTER UPDATE OF delegation_id, time_zone ON units "
         f"BEGIN {unit_refresh} END") if zones else
        ("CREATE TRIGGER tr_report_facts_unit AFTER UPDATE OF delegation_id ON units BEGIN "
         "UPDATE report_facts SET delegation_id = NEW.delegation_id WHERE unit_id = NEW.id; END"),
        "CREATE TRIGGER tr_report_facts_service AFTER UPDATE OF category ON services BEGIN "
        "UPDATE report_facts SET category = NEW.category WHERE request_id IN "
        "(SELECT id FROM requests WHERE service_id = NEW.id); END",
        # Fill from what is there (a new database: nothing).
        "INSERT INTO report_facts SELECT * FROM report_facts_source",
    ]
    return stmts


def _fill_offsets(connection: Connection) -> None:
    from st2desk import timezones

    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {TZ_TABLE}")
    connection.exec_driver_sql(
        f"CREATE TABLE {TZ_TABLE} (zone VARCHAR(40) NOT NULL, starts_at DATETIME NOT NULL, "
        "offset_minutes INTEGER NOT NULL, PRIMARY KEY (zone, starts_at))")
    connection.exec_driver_sql(
        f"INSERT INTO {TZ_TABLE} (zone, starts_at, offset_minutes) VALUES (?, ?, ?)",
        [(z, t.strftime("%Y-%m-%d %H:%M:%S.000000"), m)
         for z, t, m in timezones.all_offset_rows()])


def create(connection: Connection, sla_urgent: int, sla_ordinary: int, *,
           zones: bool = False) -> None:
    """Create (or replace) the view, table, indexes and triggers, and fill the table.

    `zones` (revision 0003r on): days in each unit's own time zone, read from the offsets
    table this creates; without it, every unit at UTC−6 (revision 0002)."""
    if zones:
        _fill_offsets(connection)
    for stmt in _ddl(sla_urgent, sla_ordinary, zones):
        connection.exec_driver_sql(stmt)


def drop(connection: Connection) -> None:
    for stmt in ("DROP TRIGGER IF EXISTS tr_report_facts_insert",
                 "DROP TRIGGER IF EXISTS tr_report_facts_update",
                 "DROP TRIGGER IF EXISTS tr_report_facts_unit",
                 "DROP TRIGGER IF EXISTS tr_report_facts_service",
                 "DROP TABLE IF EXISTS report_facts",
                 "DROP VIEW IF EXISTS report_facts_source",
                 f"DROP TABLE IF EXISTS {TZ_TABLE}"):
        connection.exec_driver_sql(stmt)


# --------------------------------------------------------------------------- queries
# Plain SQL: each names the index it reads (INDEXED BY), which SQLAlchemy cannot render.


@dataclass(frozen=True)
class Scope:
    """The days (inclusive ordinals) and filters of a report, on the facts."""

    day_from: int
    day_to: int
    delegation_id: int | None = None
    unit_id: int | None = None
    specialty_id: int | None = None
    category: str | None = None
    as_of_ts: int = 2**62  # the cut-off, Unix milliseconds (cancellations before it count)

    def where(self, day: str) -> tuple[str, dict[str, Any]]:
        """``WHERE`` text on the day column `day` and the filters, with its parameters."""
        return facts_where(day, self, {"day_from": self.day_from, "day_to": self.day_to,
                                     "as_of_ts": self.as_of_ts})


def _period_key(dim: Dimension, day: int) -> date:
    d = date.fromordinal(day)
    if dim is Dimension.WEEK:
        return date.fromordinal(day - d.weekday())
    return d.replace(day=1)


Grouping = tuple[Dimension, ...]  # () is the total; otherwise one dimension
Groups = dict[Grouping, dict[tuple[Any, ...], dict[str, Any]]]


def _add(slot: dict[str, Any], values: dict[str, Any]) -> None:
    for name, value in values.items():
        slot[name] = slot.get(name, 0) + (value or 0)


def _by_day_and_key(session: Session, scope: Scope, groupings: Sequence[Grouping], day: str,
                    day_index: str, split_by_pr: bool, aggregates: dict[str, str]) -> Groups:
    """Sums per grouping: periods and the total rolled up from per-day rows (the day
    index, in order), every other dimension from its own index (in order)."""
    out: Groups = {g: {} for g in groupings}
    pr = ", pr" if split_by_pr else ""
    aggs = ", ".join(f"{expr} AS {name}" for name, expr in aggregates.items())
    where, params = scope.where(day)

    def rows(column: str, index: str) -> Iterator[tuple[Any, tuple[Any, ...], dict[str, Any]]]:
        """(key, (pr,) or (), sums) per value of `column`, read in `index` order."""
        for row in session.execute(text(
                f"SELECT {column} AS k{pr}, {aggs} FROM report_facts "
                f"INDEXED BY ix_report_facts_{index} WHERE {where} GROUP BY {column}{pr}"), params):
            m = row._mapping
            yield (m["k"], (m["pr"],) if split_by_pr else (),
                   {name: m[name] for name in aggregates})

    by_day = [g for g in groupings if not g or g[0].is_period]
    if by_day:
        for day_value, tail, values in rows(day, day_index):
            for g in by_day:
                key = (_period_key(g[0], day_value),) + tail if g else tail
                _add(out[g].setdefault(key, {}), values)
    for g in groupings:
        if g and not g[0].is_period:
            for value, tail, values in rows(KEY_COLUMN[g[0]], g[0].value):
                out[g][(value,) + tail] = values
    return out


def submissions(session: Session, scope: Scope, groupings: Sequence[Grouping]) -> Groups:
    """Requests submitted in the range: requests, urgent, emergencies, emergencies_late."""
    return _by_day_and_key(session, scope, groupings, "sub_day", "sub", False, {
        "requests": "count(*)", "urgent": "sum(pr)", "emergencies": "sum(emergency)",
        "emergencies_late": "sum(em_late)", "cancelled": "sum(can_ts < :as_of_ts)"})


_DECISION_SUMS = {"n": "count(*)", "approved": "sum(approved)", "late": "sum(late)",
                  "secs": "sum(secs)", "granted": "sum(granted_ts < :as_of_ts)"}
_PUBLIC_SUMS = {"extended_approved": "sum(ext AND approved)", "el": "sum(el)"}
Public = dict[tuple[int, int], dict[str, Any]]


def first_decisions(session: Session, scope: Scope, groupings: Sequence[Grouping],
                    public: Public | None = None) -> Groups:
    """First decisions in the range, per grouping and priority (1 urgent, 0 ordinary):
    n, approved, late, mean, and the nearest-rank p50 and p90 of the working seconds.

    With `public` (a dict to fill), also the public metrics (`public_metrics`) from the
    same scan of the day index."""
    by_day = [g for g in groupings if not g or g[0].is_period]
    if public is None or not by_day:
        out = _by_day_and_key(session, scope, groupings, "dec_day", "dec", True, _DECISION_SUMS)
    else:
        out = _by_day_and_key(session, scope, [g for g in groupings if g not in by_day],
                              "dec_day", "dec", True, _DECISION_SUMS)
        out.update(_by_day_with_public(session, scope, by_day, public))
    where, params = scope.where("dec_day")
    # Thousands of tiny statements for a unit breakdown: on the driver's own cursor, which
    # costs a tenth of a SQLAlchemy execution each.
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for grouping, groups in out.items():
            if grouping:
                dim = grouping[0]
                index, key = dim.value, f"{KEY_COLUMN[dim]} = :key AND "
            else:
                dim, index, key = None, "total", ""
            # The group's entries in order of working time; the k-th is its nearest-rank value.
            # A rank past the middle is walked from the other end (k-th of n ascending is the
            # (n − k + 1)-th descending): a p90 visits a tenth of the group, not nine tenths.
            ranked = {order: f"SELECT secs FROM report_facts INDEXED BY ix_report_facts_{index} "
                             f"WHERE {key}pr = :pr AND {where} ORDER BY secs {order} "
                             "LIMIT 1 OFFSET :skip" for order in ("ASC", "DESC")}
            for group_key, slot in groups.items():
                n = int(slot["n"] or 0)
                slot["mean"] = slot.pop("secs") / n if n else None
                if not n:
                    continue
                bind = dict(params, pr=group_key[-1])
                if dim is not None:
                    bind["key"] = group_key[0].toordinal() if dim.is_period else group_key[0]
                for name, rank in (("p50", (n + 1) // 2), ("p90", (n * 9 + 9) // 10)):
                    order, skip = ("ASC", rank - 1) if rank <= (n + 1) // 2 else ("DESC", n - rank)
                    slot[name] = cursor.execute(ranked[order],
                                                dict(bind, skip=skip)).fetchone()[0]
    finally:
        cursor.close()
    if public is not None and by_day:
        _public_medians(session, scope, public, out.get(()))
    return out


def _by_day_with_public(session: Session, scope: Scope, by_day: Sequence[Grouping],
                        public: Public) -> Groups:
    """The per-day sums of `first_decisions` (periods and the total), split by emergency
    too so the same rows give the public metrics' sums (their medians: `_public_medians`,
    once the total's are known)."""
    out: Groups = {g: {} for g in by_day}
    where, params = scope.where("dec_day")
    names = {**_DECISION_SUMS, **_PUBLIC_SUMS}
    aggs = ", ".join(f"{expr} AS {name}" for name, expr in names.items())
    for row in session.execute(text(
            f"SELECT dec_day, pr, emergency, {aggs} FROM report_facts "
            f"INDEXED BY ix_report_facts_dec WHERE {where} GROUP BY dec_day, pr, emergency"),
            params):
        m = row._mapping
        values = {name: m[name] for name in _DECISION_SUMS}
        for g in by_day:
            key = (_period_key(g[0], m["dec_day"]), m["pr"]) if g else (m["pr"],)
            _add(out[g].setdefault(key, {}), values)
        _add(public.setdefault((int(m["pr"]), int(m["emergency"])), {}),
             {"n": m["n"], "approved": m["approved"], "granted": m["granted"],
              "secs": m["secs"], **{name: m[name] for name in _PUBLIC_SUMS}})
    return out


def public_metrics(session: Session, scope: Scope) -> Public:
    """First decisions in the range per (pr, emergency): n, approved, extended_approved,
    granted (approved on appeal by the cut-off), sums and nearest-rank medians of the
    working (`secs`) and elapsed (`el`) seconds."""
    out: Public = {}
    first_decisions(session, scope, [()], out)
    return out


def _public_medians(session: Session, scope: Scope, out: Public,
                    total: dict[tuple[Any, ...], dict[str, Any]] | None = None) -> None:
    """Nearest-rank medians of the working and elapsed seconds per (pr, emergency). A
    group as large as its priority's total (no emergency of that priority) is that
    total: its working median is the total's, already walked."""
    where, params = scope.where("dec_day")
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for (pr, em), slot in out.items():
            n = int(slot["n"])
            rank = (n + 1) // 2
            whole = (total or {}).get((pr,))
            if whole is not None and whole.get("n") == n and "p50" in whole:
                slot["secs_p50"] = whole["p50"]
            for column, index in (("secs", "pubw"), ("el", "pube")):
                if f"{column}_p50" in slot:
                    continue
                slot[f"{column}_p50"] = cursor.execute(
                    f"SELECT {column} FROM report_facts INDEXED BY ix_report_facts_{index} "
                    f"WHERE pr = :pr AND emergency = :em AND {where} "
                    f"ORDER BY {column} LIMIT 1 OFFSET :skip",
                    dict(params, pr=pr, em=em, skip=rank - 1)).fetchone()[0]
    finally:
        cursor.close()


def physician_counts_sql(scope: Scope) -> tuple[str, dict[str, Any]]:
    """(SQL, parameters) of (pid, n): requests submitted in the range per physician, read
    in the order of the physician index (no sort)."""
    where, params = scope.where("sub_day")
    params.pop("as_of_ts")
    return (f"SELECT physician_id AS pid, count(*) AS n FROM report_facts "
            f"INDEXED BY ix_report_facts_physician WHERE {where} GROUP BY physician_id"), params


def is_own(name: str | None) -> bool:
    """The schema objects of this module, which `st2desk.models` does not describe."""
    return bool(name) and str(name).startswith(("report_facts", "ix_report_facts",
                                                "tr_report_facts"))
