"""PostgreSQL's report facts: one narrow row per submitted request, kept by triggers.

Why: a year's report over the raw `requests` computed each unit's local day, the working
time and the public metrics' columns for half a million rows at every run, and with row
security on (an administrator signed in with their own login) the covering indexes could
no longer be read without visiting the table. `report_facts` holds what the reports need,
already computed — the local days (submission, first decision, its week and month), 0/1
flags, working and elapsed seconds, the moments of a withdrawal and of a grant on
appeal — so a report is aggregation over one narrow row per request of the period:

- sums: one scan of the day index with ``GROUPING SETS`` (days rolled up into weeks,
  months and the total here, other breakdowns and the physicians' counts hashed);
- nearest-rank medians and 90th percentiles: ``ORDER BY secs OFFSET k − 1 LIMIT 1`` on
  the breakdown's index (key, priority, seconds), all of a breakdown's groups in one
  statement, no sort of the year's rows.

The definitions are SQLite's (`st2desk.reports.sqlite_facts`): the same columns, days as
``date`` instead of ordinals and moments as ``timestamp`` instead of Unix milliseconds.
Local days use the offsets of `st2desk.timezones` (table ``report_facts_tz``, as on
SQLite), PostgreSQL's own zone database only for a zone not in it.

Kept in the same transaction as the change, whatever writes: triggers on `requests`,
`units` and `services` (SECURITY DEFINER: a physician's write refreshes facts no person
may read or write). Only a bulk load that switches triggers off (`bench.seed`) calls
`refill`. Read access (DESIGN §7.1): the reports are for administrators
(`services.reports.require_report_access`), so SELECT is granted to ``st2desk_admin``
only and row security lets a reader see the facts only while `st2desk_is('admin')`; the
view that computes them reads the requests with the owner's rights and is granted to
nobody.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from st2desk.reports.model import Dimension, facts_where

TZ_TABLE = "report_facts_tz"
_FILTERS = "dec_day, specialty_id, unit_id, delegation_id, category"
KEY_COLUMN = {Dimension.SPECIALTY: "specialty_id", Dimension.UNIT: "unit_id",
              Dimension.DELEGATION: "delegation_id", Dimension.CATEGORY: "category",
              Dimension.WEEK: "dec_week", Dimension.MONTH: "dec_month"}
_KEY_TYPE = {Dimension.SPECIALTY: "integer", Dimension.UNIT: "integer",
             Dimension.DELEGATION: "integer", Dimension.CATEGORY: "text",
             Dimension.WEEK: "date", Dimension.MONTH: "date"}

# (name, key columns, INCLUDE columns, partial: only requests with a first decision)
INDEXES = (
    ("sub", "sub_day", "pr, emergency, em_late, physician_id, can_at, specialty_id, unit_id, "
                       "delegation_id, category", False),
    ("dec", "dec_day", "pr, emergency, approved, late, secs, granted_at, ext, el, "
                       "specialty_id, unit_id, delegation_id, category", True),
    ("total", "pr, secs", _FILTERS, True),
    ("pubw", "pr, emergency, secs", _FILTERS, True),
    ("pube", "pr, emergency, el", _FILTERS, True),
    *((dim.value, f"{KEY_COLUMN[dim]}, pr, secs", _FILTERS, True) for dim in Dimension),
)

_TRIGGERED = ("submitted_at", "decided_at", "rejected_at", "due_at", "priority",
              "specialty_id", "requesting_unit_id", "service_id", "physician_id",
              "is_emergency", "performed_on", "origin", "requested_on", "status",
              "cancelled_at")


def _local(expr: str) -> str:
    """Local wall time in the requesting unit's zone (``u.time_zone``) of UTC `expr`."""
    return (f"coalesce({expr} + make_interval(mins => (SELECT o.offset_minutes FROM {TZ_TABLE} o "
            f"WHERE o.zone = u.time_zone AND o.starts_at <= {expr} "
            f"ORDER BY o.starts_at DESC LIMIT 1)), "
            f"timezone(u.time_zone, timezone('UTC', {expr})))")


def _view_sql(sla_urgent: int, sla_ordinary: int) -> str:
    return f"""
CREATE VIEW report_facts_source AS
SELECT r.id AS request_id, r.physician_id, r.specialty_id, r.requesting_unit_id AS unit_id,
       u.delegation_id, s.category,
       (r.priority = 'urgent')::int::smallint AS pr,
       r.is_emergency::int::smallint AS emergency,
       -- filed on the day written on a paper or PDF form, else on the day submitted
       coalesce(r.is_emergency AND r.performed_on IS NOT NULL
                AND (CASE WHEN r.origin IN ('paper', 'pdf') THEN r.requested_on
                          ELSE l.sub_day END) - r.performed_on > 3, false)::int::smallint
           AS em_late,
       l.sub_day, l.dec_day,
       date_trunc('week', l.dec_day::timestamp)::date AS dec_week,
       date_trunc('month', l.dec_day::timestamp)::date AS dec_month,
       CASE WHEN f.first_at IS NOT NULL THEN (r.rejected_at IS NULL)::int::smallint END
           AS approved,
       CASE WHEN f.first_at IS NOT NULL
            THEN (r.due_at IS NOT NULL AND f.first_at > r.due_at)::int::smallint END AS late,
       -- working seconds to the first decision: due_at was extended by every pause
       (CASE WHEN f.first_at IS NULL THEN NULL
             WHEN r.due_at IS NULL THEN round(date_part('epoch', f.first_at - r.submitted_at))
             ELSE round(date_part('epoch', f.first_at - r.due_at)) + f.sla END)::integer AS secs,
       -- withdrawn before any decision (no recorded time: as if when submitted)
       CASE WHEN r.status = 'cancelled' AND r.decided_at IS NULL
            THEN coalesce(r.cancelled_at, r.submitted_at) END AS can_at,
       -- a first rejection that an appeal turned into an authorization, when
       CASE WHEN r.rejected_at IS NOT NULL AND r.decided_at > r.rejected_at
                 AND r.status <> 'rejected_final' THEN r.decided_at END AS granted_at,
       -- approved after the clock was stopped for information at least once
       CASE WHEN f.first_at IS NOT NULL
            THEN (r.rejected_at IS NULL AND r.due_at IS NOT NULL
                  AND round(date_part('epoch', r.due_at - r.submitted_at)) > f.sla)::int::smallint
            END AS ext,
       -- elapsed (calendar) seconds to the first decision, pauses included
       round(date_part('epoch', f.first_at - r.submitted_at))::integer AS el
FROM requests r
JOIN units u ON u.id = r.requesting_unit_id
LEFT JOIN services s ON s.id = r.service_id
CROSS JOIN LATERAL (
    SELECT coalesce(r.rejected_at, r.decided_at) AS first_at,
           CASE WHEN r.priority = 'urgent' THEN {sla_urgent} ELSE {sla_ordinary} END AS sla) f
CROSS JOIN LATERAL (
    SELECT ({_local('r.submitted_at')})::date AS sub_day,
           ({_local('f.first_at')})::date AS dec_day) l
WHERE r.submitted_at IS NOT NULL
"""


_TABLE = """
CREATE TABLE report_facts (
    request_id integer PRIMARY KEY REFERENCES requests (id) ON DELETE CASCADE,
    physician_id integer, specialty_id integer, unit_id integer, delegation_id integer,
    category varchar(24), pr smallint, emergency smallint, em_late smallint,
    sub_day date, dec_day date, dec_week date, dec_month date,
    approved smallint, late smallint, secs integer,
    can_at timestamp, granted_at timestamp, ext smallint, el integer)
"""

_FUNCTION = """
CREATE FUNCTION st2desk_report_facts_refresh() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_TABLE_NAME = 'requests' THEN
    DELETE FROM report_facts WHERE request_id = NEW.id;
    INSERT INTO report_facts SELECT * FROM report_facts_source WHERE request_id = NEW.id;
  ELSIF TG_TABLE_NAME = 'units' THEN
    DELETE FROM report_facts WHERE unit_id = NEW.id;
    INSERT INTO report_facts SELECT * FROM report_facts_source WHERE unit_id = NEW.id;
  ELSE
    UPDATE report_facts f SET category = NEW.category FROM requests r
    WHERE r.id = f.request_id AND r.service_id = NEW.id;
  END IF;
  RETURN NULL;
END $$
"""


def _changed(columns: Sequence[str]) -> str:
    return (f"({', '.join(f'OLD.{c}' for c in columns)}) IS DISTINCT FROM "
            f"({', '.join(f'NEW.{c}' for c in columns)})")


def _indexes() -> list[str]:
    return [f"CREATE INDEX ix_report_facts_{name} ON report_facts ({keys}) INCLUDE ({include})"
            + (" WHERE dec_day IS NOT NULL" if partial else "")
            for name, keys, include, partial in INDEXES]


def _ddl(sla_urgent: int, sla_ordinary: int) -> list[str]:
    """Table, view, (the facts), indexes, triggers and access rules."""
    stmts = [_TABLE, _view_sql(sla_urgent, sla_ordinary),
             # Filled before its indexes are built: far faster than row by row into them.
             "INSERT INTO report_facts SELECT * FROM report_facts_source",
             *_indexes()]
    stmts += [
        _FUNCTION,
        "CREATE TRIGGER tr_report_facts_insert AFTER INSERT ON requests FOR EACH ROW "
        "WHEN (NEW.submitted_at IS NOT NULL) EXECUTE FUNCTION st2desk_report_facts_refresh()",
        f"CREATE TRIGGER tr_report_facts_update AFTER UPDATE OF {', '.join(_TRIGGERED)} "
        f"ON requests FOR EACH ROW WHEN ({_changed(_TRIGGERED)}) "
        "EXECUTE FUNCTION st2desk_report_facts_refresh()",
        "CREATE TRIGGER tr_report_facts_unit AFTER UPDATE OF delegation_id, time_zone ON units "
        f"FOR EACH ROW WHEN ({_changed(('delegation_id', 'time_zone'))}) "
        "EXECUTE FUNCTION st2desk_report_facts_refresh()",
        "CREATE TRIGGER tr_report_facts_service AFTER UPDATE OF category ON services "
        f"FOR EACH ROW WHEN ({_changed(('category',))}) "
        "EXECUTE FUNCTION st2desk_report_facts_refresh()",
        # Who reads them: administrators, through row security as well as the grant.
        "REVOKE ALL ON report_facts, report_facts_source, report_facts_tz FROM PUBLIC",
        "REVOKE ALL ON FUNCTION st2desk_report_facts_refresh() FROM PUBLIC",
        "ALTER TABLE report_facts ENABLE ROW LEVEL SECURITY",
    ]
    return stmts


def _secure(connection: Connection) -> None:
    """Grant and policy for the administrators, where the second wall (revision 0005s)
    made their group role and `st2desk_is`."""
    has_wall = connection.exec_driver_sql(
        "SELECT to_regprocedure('st2desk_is(text)') IS NOT NULL AND "
        "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'st2desk_admin')").scalar()
    if has_wall:
        connection.exec_driver_sql("GRANT SELECT ON report_facts, report_facts_tz "
                                   "TO st2desk_admin")
        connection.exec_driver_sql(
            "CREATE POLICY report_facts_read ON report_facts FOR SELECT "
            "USING ((SELECT st2desk_is('admin')))")


def _fill_offsets(connection: Connection) -> None:
    from st2desk import timezones

    connection.exec_driver_sql(
        f"CREATE TABLE {TZ_TABLE} (zone varchar(40) NOT NULL, starts_at timestamp NOT NULL, "
        "offset_minutes integer NOT NULL, PRIMARY KEY (zone, starts_at))")
    connection.exec_driver_sql(
        f"INSERT INTO {TZ_TABLE} (zone, starts_at, offset_minutes) "
        "VALUES (%(z)s, %(t)s, %(m)s)",
        [{"z": z, "t": t, "m": m} for z, t, m in timezones.all_offset_rows()])


def create(connection: Connection, sla_urgent: int, sla_ordinary: int) -> None:
    """Create the offsets table, facts table, view, indexes, triggers and access rules,
    and fill the facts from the requests there are."""
    _fill_offsets(connection)
    for stmt in _ddl(sla_urgent, sla_ordinary):
        connection.exec_driver_sql(stmt)
    _secure(connection)
    connection.exec_driver_sql("ANALYZE report_facts")


def refill_statements() -> list[str]:
    """What recomputes every fact after a bulk load that bypassed the triggers
    (`bench.seed`, ``session_replication_role = replica``), indexes built afterwards."""
    return ([f"DROP INDEX ix_report_facts_{name}" for name, *_rest in INDEXES]
            + ["TRUNCATE report_facts",
               "INSERT INTO report_facts SELECT * FROM report_facts_source",
               *_indexes(), "ANALYZE report_facts"])


def drop(connection: Connection) -> None:
    for stmt in ("DROP TRIGGER IF EXISTS tr_report_facts_insert ON requests",
                 "DROP TRIGGER IF EXISTS tr_report_facts_update ON requests",
                 "DROP TRIGGER IF EXISTS tr_report_facts_unit ON units",
                 "DROP TRIGGER IF EXISTS tr_report_facts_service ON services",
                 "DROP FUNCTION IF EXISTS st2desk_report_facts_refresh()",
                 "DROP VIEW IF EXISTS report_facts_source",
                 "DROP TABLE IF EXISTS report_facts",
                 f"DROP TABLE IF EXISTS {TZ_TABLE}"):
        connection.exec_driver_sql(stmt)


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class Scope:
    """The days (inclusive) and filters of a report, on the facts; `as_of` naive UTC."""

    date_from: date
    date_to: date
    as_of: datetime
    delegation_id: int | None = None
    unit_id: int | None = None
    specialty_id: int | None = None
    category: str | None = None

    def where(self, day: str) -> tuple[str, dict[str, Any]]:
        return facts_where(day, self, {"day_from": self.date_from, "day_to": self.date_to,
                                     "as_of": self.as_of})


Grouping = tuple[Dimension, ...]
Groups = dict[Grouping, dict[tuple[Any, ...], dict[str, Any]]]
Public = dict[tuple[int, int], dict[str, Any]]


def _period_key(dim: Dimension, day: date) -> date:
    if dim is Dimension.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _add(slot: dict[str, Any], values: dict[str, Any]) -> None:
    for name, value in values.items():
        slot[name] = slot.get(name, 0) + (value or 0)


def _sums(session: Session, scope: Scope, groupings: Sequence[Grouping], day: str,
          split: Sequence[str], aggregates: dict[str, str], extra_sets: Sequence[str] = ()
          ) -> tuple[list[tuple[Any, ...]], dict[Grouping, list[tuple[Any, ...]]],
                     dict[str, list[tuple[Any, ...]]]]:
    """One scan, GROUPING SETS: per-day rows (split by `split`), per-key rows of each
    non-period grouping (split by priority when `split` has it), and per value of each
    of `extra_sets`. Returns (day rows, key rows per grouping, extra rows per column),
    each row (key, *split values, *aggregates in order)."""
    keyed = [g for g in groupings if g and not g[0].is_period]
    by_day = any(not g or g[0].is_period for g in groupings)
    pr = ["pr"] if "pr" in split else []
    sets: list[tuple[str, list[str]]] = []  # (tag, columns)
    if by_day:
        sets.append(("day", [day, *split]))
    for g in keyed:
        sets.append((g[0].value, [KEY_COLUMN[g[0]], *pr]))
    for column in extra_sets:
        sets.append((column, [column]))
    columns: list[str] = []
    for _tag, cols in sets:
        columns += [c for c in cols if c not in columns]
    where, params = scope.where(day)
    aggs = ", ".join(f"{expr} AS {name}" for name, expr in aggregates.items())
    sql = (f"SELECT GROUPING({', '.join(columns)}) AS gid, {', '.join(columns)}, {aggs} "
           f"FROM report_facts WHERE {where} GROUP BY GROUPING SETS ("
           + ", ".join("(" + ", ".join(cols) + ")" for _tag, cols in sets) + ")")
    masks: dict[int, tuple[str, list[str]]] = {}
    for tag, cols in sets:
        mask = 0
        for c in columns:
            mask = (mask << 1) | (0 if c in cols else 1)
        masks[mask] = (tag, cols)
    days: list[tuple[Any, ...]] = []
    keys: dict[Grouping, list[tuple[Any, ...]]] = {g: [] for g in keyed}
    extra: dict[str, list[tuple[Any, ...]]] = {c: [] for c in extra_sets}
    by_tag = {g[0].value: g for g in keyed}
    n = len(aggregates)
    position = {c: i + 1 for i, c in enumerate(columns)}
    for row in session.execute(text(sql), params):
        tag, cols = masks[row[0]]
        values = tuple(row[position[c]] for c in cols) + tuple(row[-n:])
        if tag == "day":
            days.append(values)
        elif tag in by_tag:
            keys[by_tag[tag]].append(values)
        else:
            extra[tag].append(values)
    return days, keys, extra


_SUBMISSION_SUMS = {"requests": "count(*)", "urgent": "sum(pr)",
                    "emergencies": "sum(emergency)", "emergencies_late": "sum(em_late)",
                    "cancelled": "count(*) FILTER (WHERE can_at < :as_of)"}


def submissions(session: Session, scope: Scope, groupings: Sequence[Grouping],
                physicians: bool = False) -> tuple[Groups, dict[int, int]]:
    """Requests submitted in the range per grouping (requests, urgent, emergencies,
    emergencies_late, cancelled); with `physicians`, each physician's requests too."""
    names = list(_SUBMISSION_SUMS)
    days, keys, extra = _sums(session, scope, groupings, "sub_day", (), _SUBMISSION_SUMS,
                              ("physician_id",) if physicians else ())
    out: Groups = {g: {} for g in groupings}
    by_day = [g for g in groupings if not g or g[0].is_period]
    for day, *values in days:
        sums = dict(zip(names, values, strict=True))
        for g in by_day:
            _add(out[g].setdefault((_period_key(g[0], day),) if g else (), {}), sums)
    for g, rows in keys.items():
        for key, *values in rows:
            out[g][(key,)] = {k: v or 0 for k, v in zip(names, values, strict=True)}
    counts = {int(pid): int(n) for pid, n, *_rest in extra.get("physician_id", [])}
    return out, counts


_DECISION_SUMS = {"n": "count(*)", "approved": "sum(approved)", "late": "sum(late)",
                  "secs": "sum(secs)",
                  "granted": "count(*) FILTER (WHERE granted_at < :as_of)",
                  "extended_approved": "sum(ext)", "el": "sum(el)"}


def first_decisions(session: Session, scope: Scope, groupings: Sequence[Grouping],
                    public: Public | None = None) -> Groups:
    """First decisions in the range per grouping and priority (1 urgent, 0 ordinary): n,
    approved, late, granted, mean and the nearest-rank p50 and p90 of the working
    seconds. With `public` (a dict to fill): the public metrics per (pr, emergency)."""
    names = list(_DECISION_SUMS)
    days, keys, _extra = _sums(session, scope, groupings, "dec_day", ("pr", "emergency"),
                               _DECISION_SUMS)
    out: Groups = {g: {} for g in groupings}
    by_day = [g for g in groupings if not g or g[0].is_period]
    for day, pr, em, *values in days:
        sums = dict(zip(names, values, strict=True))
        decision = {k: sums[k] for k in ("n", "approved", "late", "secs", "granted")}
        for g in by_day:
            _add(out[g].setdefault(((_period_key(g[0], day),) if g else ()) + (pr,), {}),
                 decision)
        if public is not None:
            _add(public.setdefault((int(pr), int(em)), {}), sums)
    for g, rows in keys.items():
        for key, pr, *values in rows:
            sums = dict(zip(names, values, strict=True))
            out[g][(key, pr)] = {k: sums[k] or 0
                                 for k in ("n", "approved", "late", "secs", "granted")}
    where, params = scope.where("dec_day")
    for g, groups in out.items():
        dim = g[0] if g else None
        items = []
        for group_key, slot in groups.items():
            n = int(slot["n"] or 0)
            slot["mean"] = slot.pop("secs") / n if n else None
            if n:
                items.append((group_key, slot, n))
        if not items:
            continue
        key_cond = f"f.{KEY_COLUMN[dim]} = g.k AND " if dim is not None else ""
        key_type = _KEY_TYPE[dim] if dim is not None else "integer"
        # The k-th of n ascending is the (n − k + 1)-th descending: the median walks up
        # from the bottom of the group's index, the p90 down from its top.
        sql = (f"SELECT g.i, "
               f"(SELECT f.secs FROM report_facts f WHERE {key_cond}f.pr = g.pr AND {where} "
               f"ORDER BY f.secs OFFSET g.a LIMIT 1) AS p50, "
               f"(SELECT f.secs FROM report_facts f WHERE {key_cond}f.pr = g.pr AND {where} "
               f"ORDER BY f.secs DESC OFFSET g.d LIMIT 1) AS p90 "
               f"FROM unnest(CAST(:keys AS {key_type}[]), CAST(:prs AS smallint[]), "
               f"CAST(:a AS integer[]), CAST(:d AS integer[])) WITH ORDINALITY "
               f"AS g(k, pr, a, d, i)")
        bind = dict(params,
                    keys=[k[0] if dim is not None else 0 for k, _s, _n in items],
                    prs=[int(k[-1]) for k, _s, _n in items],
                    a=[(n + 1) // 2 - 1 for _k, _s, n in items],
                    d=[n - (n * 9 + 9) // 10 for _k, _s, n in items])
        for i, p50, p90 in session.execute(text(sql), bind):
            slot = items[i - 1][1]
            slot["p50"], slot["p90"] = p50, p90
    if public is not None:
        _public_medians(session, scope, public, out.get(()))
    return out


def _public_medians(session: Session, scope: Scope, public: Public,
                    total: dict[tuple[Any, ...], dict[str, Any]] | None) -> None:
    """Nearest-rank medians of the working and elapsed seconds per (pr, emergency). A
    group as large as its priority's total (no emergency of that priority) is that
    total: its working median is the total's, already walked."""
    where, params = scope.where("dec_day")
    items = [(key, slot) for key, slot in public.items() if slot.get("n")]
    if not items:
        return
    known = {}
    for (pr, _em), slot in items:
        whole = (total or {}).get((pr,))
        if whole is not None and whole.get("n") == slot["n"] and "p50" in whole:
            known[pr] = whole["p50"]
    walk = ("(SELECT f.{c} FROM report_facts f WHERE f.pr = g.pr AND f.emergency = g.em "
            f"AND {where} ORDER BY f.{{c}} OFFSET g.a LIMIT 1)")
    sql = ("SELECT g.i, CASE WHEN g.known THEN NULL ELSE " + walk.format(c="secs")
           + " END AS secs_p50, " + walk.format(c="el") + " AS el_p50"
           + " FROM unnest(CAST(:prs AS smallint[]), CAST(:ems AS smallint[]), "
             "CAST(:a AS integer[]), CAST(:known AS boolean[])) WITH ORDINALITY "
             "AS g(pr, em, a, known, i)")
    bind = dict(params, prs=[k[0] for k, _s in items], ems=[k[1] for k, _s in items],
                a=[(int(s["n"]) + 1) // 2 - 1 for _k, s in items],
                known=[k[0] in known for k, _s in items])
    for i, secs_p50, el_p50 in session.execute(text(sql), bind):
        (pr, _em), slot = items[i - 1]
        slot["secs_p50"] = known[pr] if pr in known else secs_p50
        slot["el_p50"] = el_p50


def is_own(name: str | None) -> bool:
    """The schema objects of this module, which `st2desk.models` does not describe."""
    return bool(name) and str(name).startswith(("report_facts", "ix_report_facts",
                                                "tr_report_facts"))
