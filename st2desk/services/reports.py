"""Reports for planning and control (DESIGN §1.7): the figures, computed in the database.

Every figure is an SQL aggregate over the filtered requests; Python only labels and
assembles the few aggregated rows into `Table`s (see `st2desk.reports.model`). The
definitions (periods, rates, percentiles, paused time, "far above peers") are spelled
out in `st2desk.reports.model.DEFINITIONS`, which the exports and the PDF also print.

Access: the `admin` role. In this model a manager (jefe de delegación, director de
unidad) is given the admin role; there is no separate "manager" role. ``actor=None``
means the local administrator at the command line (`st2desk report`), as in
`services.users.add_user`.

For the GUI (Reports section): `filter_options` fills the filter combos; `generate`
(in the worker thread) returns a `Report` whose `tables` are plain `Table`s — typed
`Column`s (name, Spanish label, kind) and row tuples of raw values, ready for a Qt table
model and sorting; `st2desk.reports.charts.charts_for(report)` gives the charts, each
drawing on a matplotlib `Figure` the GUI wraps in ``FigureCanvasQTAgg``; exports are
`st2desk.reports.export` (CSV, XLSX, one table as CSV) and `st2desk.pdf.report`.

How the work is split so a year at the reference scale stays fast:

- submissions, first decisions (rates, late, times), the public metrics and the
  physicians' counts come from the report facts, one narrow trigger-kept row per
  submitted request: SQLite's (`st2desk.reports.sqlite_facts`, which has neither hash
  aggregation nor percentiles: one index per breakdown, grouped and ranked in index
  order without sorting) and PostgreSQL's (`st2desk.reports.pg_facts`: one ``GROUPING
  SETS`` scan of the day index; percentiles walked on each breakdown's index);
- on both: appeal decisions (``ix_decisions_report``, joined by key to the facts) and
  duplicate findings (``ix_duplicate_hits_report``, joined by key to their requests): a
  few thousand rows a year;
  emergencies: the partial index ``ix_requests_report_emergency``; snapshots (backlog,
  overdue, unfiled emergencies): the status indexes;
- `generate` runs the independent queries on two connections that read one snapshot
  (PostgreSQL: an exported snapshot; SQLite: read transactions begun while the write
  lock is held, see `_helper_sessions`), with Python's cycle collector paused while the
  rows are worked (`_gc_paused`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import queue
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    String,
    and_,
    case,
    column,
    distinct,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    table,
    text,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session

from st2desk import clock, timezones
from st2desk.db import Database
from st2desk.errors import NotFound, ValidationError
from st2desk.models import (
    PAPER_ORIGINS,
    Appeal,
    Decision,
    DecisionKind,
    Delegation,
    DuplicateHit,
    InformationRequest,
    Priority,
    Request,
    RequestStatus,
    ReviewFinding,
    Role,
    Service,
    ServiceCategory,
    Specialty,
    Unit,
    User,
)
from st2desk.reports import dialect as sqlx
from st2desk.reports import pg_facts, sqlite_facts
from st2desk.reports.model import (
    CATEGORY_LABELS,
    DIMENSION_LABELS,
    MEXICO,
    Column,
    Dimension,
    Report,
    ReportFilter,
    Table,
    parse_dimensions,
)
from st2desk.services.common import Actor, require_role
from st2desk.services.workflow import SERVICE_LEVEL, STATUS_LABELS

__all__ = [
    "Column", "Dimension", "Report", "ReportFilter", "Table", "FilterOptions", "Option",
    "build_report", "generate", "report_session", "filter_options", "require_report_access",
    "public_only", "cut_off", "PUBLIC_COLUMNS",
    "DUPLICATE_CODES", "OUTLIER_FACTOR", "OUTLIER_MIN_REQUESTS", "OUTLIER_MIN_PEERS",
]

R = Request.__table__
D = Decision.__table__
F = ReviewFinding.__table__
DH = DuplicateHit.__table__
A = Appeal.__table__
IR = InformationRequest.__table__
U = Unit.__table__
SV = Service.__table__
US = User.__table__
# The report facts' breakdown keys (`sqlite_facts`, `pg_facts`: same names on both).
RF = table("report_facts", column("request_id"), column("unit_id"), column("specialty_id"),
           column("delegation_id"), column("category"))
_UZ = U.alias("uz")  # the requesting unit, for its zone (`_Scope.unit_zone`)

S = RequestStatus
DEFAULT_BY = (Dimension.MONTH, Dimension.SPECIALTY)

DUPLICATE_CODES = ("duplicate.pending", "duplicate.valid", "duplicate.repeat_window")
DUPLICATE_LABELS = {
    "duplicate.pending": ("Solicitud en trámite para el mismo paciente y servicio", "bloquea"),
    "duplicate.valid": ("Autorización vigente para el mismo paciente y servicio", "bloquea"),
    "duplicate.repeat_window": ("Servicio repetido dentro de su ventana", "advierte"),
}

# "Far above peers": at least OUTLIER_FACTOR times the median of the peer group (same
# unit kind), with at least OUTLIER_MIN_REQUESTS requests and OUTLIER_MIN_PEERS peers.
OUTLIER_FACTOR = 3
OUTLIER_MIN_REQUESTS = 10
OUTLIER_MIN_PEERS = 5

OVERDUE_LIST_LIMIT = 100
EMERGENCY_LATE_DAYS = 3  # filed more than 72 hours after the day performed = day + 4 or later

PRIORITY_LABELS = {Priority.URGENT: "Urgente", Priority.ORDINARY: "Ordinaria"}
SLA_SECONDS = {p: int(v.total_seconds()) for p, v in SERVICE_LEVEL.items()}
_PRIORITIES = (Priority.URGENT, Priority.ORDINARY)
_P = {Priority.URGENT: "urgent", Priority.ORDINARY: "ordinary"}


def require_report_access(session: Session, actor: Actor | None) -> None:
    """Reports are for the admin role (managers hold it); None is the local CLI operator."""
    if actor is not None:
        require_role(session, actor, Role.ADMIN, "consultar los reportes")


# --------------------------------------------------------------------------- filter options


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    parent: str | None = None  # a unit's delegation code


@dataclass
class FilterOptions:
    """What the filter combos of the Reports section offer."""

    delegations: list[Option]
    units: list[Option]
    specialties: list[Option]
    categories: list[Option]
    dimensions: list[Option]


def filter_options(session: Session, actor: Actor | None,
                   delegation: str | None = None) -> FilterOptions:
    """Codes and labels for the filters; units only of `delegation` when given."""
    require_report_access(session, actor)
    delegations = [Option(code, f"{code} {name}") for code, name in session.execute(
        select(Delegation.code, Delegation.name).order_by(Delegation.code))]
    uq = (select(Unit.code, Unit.name, Delegation.code)
          .join(Delegation, Unit.delegation_id == Delegation.id).order_by(Unit.code))
    if delegation:
        uq = uq.where(Delegation.code == delegation.strip().zfill(2))
    units = [Option(code, f"{code} {name}", deleg) for code, name, deleg in session.execute(uq)]
    specialties = [Option(code, name) for code, name in session.execute(
        select(Specialty.code, Specialty.name).order_by(Specialty.name))]
    categories = [Option(c.value, CATEGORY_LABELS[c]) for c in ServiceCategory]
    dimensions = [Option(d.value, DIMENSION_LABELS[d]) for d in Dimension]
    return FilterOptions(delegations, units, specialties, categories, dimensions)


# --------------------------------------------------------------------------- scope


@dataclass
class _Scope:
    dialect: str
    flt: ReportFilter
    as_of: datetime
    delegation_id: int | None = None
    unit_id: int | None = None
    specialty_id: int | None = None
    category: ServiceCategory | None = None
    lines: list[tuple[str, str]] = field(default_factory=list)
    zones: dict[str, list[int]] = field(default_factory=dict)  # zone → units (not default)

    def unit_zone(self) -> ColumnElement[Any]:
        """The requesting unit's zone, looked up by key: the expressions that read it do
        so only where the day or period could differ between Mexico's zones (a few rows
        near the ends of a day), so no query joins `units` just for it."""
        if not self.zones:  # every unit in the default zone: no look-up needed
            return literal(timezones.DEFAULT_ZONE)
        return (select(_UZ.c.time_zone).where(_UZ.c.id == R.c.requesting_unit_id)
                .scalar_subquery())

    def joined_zone(self) -> ColumnElement[Any]:
        """The requesting unit's zone from ``U``, for queries that join it."""
        return U.c.time_zone if self.zones else literal(timezones.DEFAULT_ZONE)

    @property
    def start(self) -> datetime:
        return self.flt.start

    @property
    def end(self) -> datetime:
        return self.flt.end

    @property
    def span(self) -> tuple[datetime, datetime]:
        """UTC bounds that hold every local day of the range in any Mexican zone."""
        return (datetime.combine(self.flt.date_from, time(), UTC) + timedelta(hours=4),
                datetime.combine(self.flt.date_to + timedelta(days=1), time(), UTC)
                + timedelta(hours=9))

    def in_days(self, when: Any, zone: Any = None) -> list[ColumnElement[bool]]:
        """`when` (UTC) falls on a day of the range in its requesting unit's zone: a coarse
        UTC range every Mexican zone fits in (UTC−5 … UTC−8, one hour spare each side) for
        the index, then the exact local day where it could differ."""
        coarse_start, coarse_end = self.span
        # The zone is looked up only for the few values near the ends (no join needed).
        day = sqlx.unit_day(self.dialect, when,
                            self.unit_zone() if zone is None else zone, self.span)
        # Inside by 5 hours at both ends: in the range in every zone, no conversion needed.
        sure = and_(when >= coarse_start + timedelta(hours=5),
                    when < coarse_end - timedelta(hours=5))
        return [when >= coarse_start, when < coarse_end,
                or_(sure, and_(day >= sqlx.day_value(self.dialect, self.flt.date_from),
                               day <= sqlx.day_value(self.dialect, self.flt.date_to)))]

    def conditions(self) -> list[ColumnElement[bool]]:
        """The delegation/unit/specialty/category filters, as conditions on `requests`."""
        conds: list[ColumnElement[bool]] = []
        if self.unit_id is not None:
            conds.append(R.c.requesting_unit_id == self.unit_id)
        if self.delegation_id is not None:
            conds.append(R.c.requesting_unit_id.in_(
                select(U.c.id).where(U.c.delegation_id == self.delegation_id)))
        if self.specialty_id is not None:
            conds.append(R.c.specialty_id == self.specialty_id)
        if self.category is not None:
            conds.append(R.c.service_id.in_(
                select(SV.c.id).where(SV.c.category == self.category)))
        return conds


def cut_off(flt: ReportFilter, as_of: datetime | None = None) -> datetime:
    """The moment the "at the cut-off" figures describe: `as_of` when given, else the end
    of the period (the first instant after `date_to`), or now if that is still to come."""
    if as_of is not None:
        return as_of
    return min(flt.end, clock.now())


def _resolve(session: Session, flt: ReportFilter, as_of: datetime | None) -> _Scope:
    scope = _Scope(session.get_bind().dialect.name, flt, cut_off(flt, as_of))
    for unit_id, zone in session.execute(select(Unit.id, Unit.time_zone).where(
            Unit.time_zone != timezones.DEFAULT_ZONE).order_by(Unit.id)):
        scope.zones.setdefault(zone, []).append(unit_id)
    scope.lines.append(("Periodo", f"{flt.date_from:%d/%m/%Y} al {flt.date_to:%d/%m/%Y} "
                                   f"({flt.days} días)"))
    if flt.delegation:
        row = session.execute(select(Delegation.id, Delegation.name)
                              .where(Delegation.code == flt.delegation)).first()
        if row is None:
            raise NotFound(f"No existe la delegación «{flt.delegation}».")
        scope.delegation_id = row.id
        scope.lines.append(("Delegación", f"{flt.delegation} {row.name}"))
    if flt.unit:
        row = session.execute(select(Unit.id, Unit.name).where(Unit.code == flt.unit)).first()
        if row is None:
            raise NotFound(f"No existe la unidad «{flt.unit}».")
        scope.unit_id = row.id
        scope.lines.append(("Unidad solicitante", f"{flt.unit} {row.name}"))
    if flt.specialty:
        row = session.execute(select(Specialty.id, Specialty.name)
                              .where(Specialty.code == flt.specialty)).first()
        if row is None:
            raise NotFound(f"No existe la especialidad «{flt.specialty}».")
        scope.specialty_id = row.id
        scope.lines.append(("Especialidad", f"{flt.specialty} {row.name}"))
    if flt.category:
        try:
            scope.category = ServiceCategory(flt.category)
        except ValueError:
            valid = ", ".join(c.value for c in ServiceCategory)
            raise ValidationError(f"Categoría de servicio desconocida «{flt.category}»; las "
                                  f"categorías son: {valid}.", field="category") from None
        scope.lines.append(("Categoría", CATEGORY_LABELS[scope.category]))
    return scope


# --------------------------------------------------------------------------- grouping engine

_Key = tuple[Any, ...]


def _key_name(dim: Dimension) -> str:
    return f"k_{dim.value}"


def _key_expr(scope: _Scope, dim: Dimension, when: Any, zone: Any = None) -> ColumnElement[Any]:
    if dim.is_period:  # the week or month of the requesting unit's own day
        return sqlx.unit_period_start(scope.dialect, when,
                                      scope.unit_zone() if zone is None else zone, dim,
                                      scope.span)
    return {
        Dimension.SPECIALTY: R.c.specialty_id,
        Dimension.UNIT: R.c.requesting_unit_id,
        Dimension.DELEGATION: U.c.delegation_id,
        Dimension.CATEGORY: SV.c.category,
    }[dim]


def _with_dimension_joins(base: Any, dims: Sequence[Dimension], units: bool = False) -> Any:
    # The requesting unit holds the delegation (its zone is looked up, `unit_zone`).
    # `units`: join it anyway — for the few appeal and finding rows, which PostgreSQL then
    # joins to their requests by key (without it, it may hash the whole requests table).
    if units or Dimension.DELEGATION in dims:
        base = base.join(U, U.c.id == R.c.requesting_unit_id)
    if Dimension.CATEGORY in dims:
        base = base.outerjoin(SV, SV.c.id == R.c.service_id)
    return base


@dataclass
class _Grouped:
    """Results of one multi-grouping query: grouping → key tuple → {column: value}."""

    groupings: list[tuple[Dimension, ...]]
    values: dict[tuple[Dimension, ...], dict[_Key, dict[str, Any]]]
    public: dict[tuple[int, int], dict[str, Any]] | None = None  # see `_first_decisions`
    physicians: dict[int, int] | None = None  # see `_submissions`
    by_column: dict[str, dict[_Key, dict[str, Any]]] = field(default_factory=dict)  # `_run_grouped`

    def of(self, grouping: tuple[Dimension, ...]) -> dict[_Key, dict[str, Any]]:
        return self.values.get(grouping, {})


def _normalize_key(dim: Dimension, value: Any) -> Any:
    if dim.is_period:
        return sqlx.as_date(value)
    if dim is Dimension.CATEGORY and value is not None and not isinstance(value, ServiceCategory):
        return ServiceCategory(value)
    return value


_Agg = tuple[str, str | None]  # (count | count_distinct | sum | avg, fact column or None)


def _aggregate(kind: str, column: Any) -> Any:
    if kind == "count":
        return func.count() if column is None else func.count(column)
    if kind == "count_distinct":
        return func.count(distinct(column))
    return getattr(func, kind)(column)


def _run_grouped(session: Session, scope: _Scope, facts: Any,
                 groupings: list[tuple[Dimension, ...]], aggregates: dict[str, _Agg],
                 by_columns: Sequence[str] = ()) -> _Grouped:
    """Aggregate `facts` (a select whose key columns are labelled ``k_<dim>``) for every
    grouping (a tuple of dimensions; ``()`` is the total) and for each fact column of
    `by_columns` on its own (`_Grouped.by_column`). One statement, one scan. Empty sums
    come back as None. (The requests' own figures, with their percentiles, come from the
    report facts: see `_submissions` and `_first_decisions`.)
    """
    dims = _dims_of(groupings)
    out = _Grouped(groupings, {g: {} for g in groupings},
                   by_column={c: {} for c in by_columns})
    names = list(aggregates)
    # What each row is: a grouping, or one of `by_columns`.
    sets: list[tuple[tuple[Dimension, ...] | str, list[str]]] = [
        (g, [_key_name(d) for d in g]) for g in groupings] + [(c, [c]) for c in by_columns]

    def slot_for(which: tuple[Dimension, ...] | str, m: Any) -> dict[str, Any]:
        if isinstance(which, str):
            return out.by_column[which].setdefault((m[which],), {})
        key = tuple(_normalize_key(d, m[_key_name(d)]) for d in which)
        return out.values[which].setdefault(key, {})

    if scope.dialect == "postgresql":
        # GROUPING SETS; GROUPING(k…) tells which set a row belongs to. The CTE is left to
        # the planner (inlined, so the scan can run in parallel where possible).
        cte = facts.cte("f")
        columns = [_key_name(d) for d in dims] + list(by_columns)
        aggs = [_aggregate(kind, cte.c[col] if col else None).label(name)
                for name, (kind, col) in aggregates.items()]
        key_list = [cte.c[c] for c in columns]
        gid = func.grouping(*key_list).label("gid") if key_list else literal(0).label("gid")
        grouping_sets = ", ".join("(" + ", ".join(f"f.{c}" for c in cols) + ")"
                                  for _which, cols in sets)
        query = (select(gid, *key_list, *aggs).select_from(cte)
                 .group_by(literal_column(f"GROUPING SETS ({grouping_sets})")))
        masks = {}
        for which, cols in sets:
            mask = 0
            for c in columns:
                mask = (mask << 1) | (0 if c in cols else 1)
            masks[mask] = which
        for row in session.execute(query):
            slot = slot_for(masks[row.gid], row._mapping)
            for name in names:
                slot[name] = row._mapping[name]
        return out

    # SQLite has no GROUPING SETS: the facts are materialized once and each set is one
    # GROUP BY over them, all in one UNION ALL. (Percentiles on SQLite come from
    # `st2desk.reports.sqlite_facts`, see `_first_decisions`.)
    cte = facts.cte("f").prefix_with("MATERIALIZED")
    columns = [_key_name(d) for d in dims] + list(by_columns)
    parts = []
    for i, (_which, cols) in enumerate(sets):
        keys = [(cte.c[c] if c in cols else null()).label(c) for c in columns]
        aggs = [_aggregate(kind, cte.c[col] if col else None).label(name)
                for name, (kind, col) in aggregates.items()]
        parts.append(select(literal(i).label("gid"), *keys, *aggs)
                     .select_from(cte).group_by(*[cte.c[c] for c in cols]))
    for row in session.execute(union_all(*parts)):
        m = row._mapping
        slot = slot_for(sets[m["gid"]][0], m)
        for name in names:
            slot[name] = m[name]
    return out


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


# --------------------------------------------------------------------------- the scans


def _facts_scope(scope: _Scope) -> sqlite_facts.Scope:
    return sqlite_facts.Scope(scope.flt.date_from.toordinal(), scope.flt.date_to.toordinal(),
                              scope.delegation_id, scope.unit_id, scope.specialty_id,
                              scope.category.value if scope.category else None,
                              round(scope.as_of.timestamp() * 1000))


def _pg_scope(scope: _Scope) -> pg_facts.Scope:
    return pg_facts.Scope(scope.flt.date_from, scope.flt.date_to,
                          _naive(scope.as_of), scope.delegation_id,
                          scope.unit_id, scope.specialty_id,
                          scope.category.value if scope.category else None)


def _from_facts(groupings: list[tuple[Dimension, ...]], groups: sqlite_facts.Groups) -> _Grouped:
    out = _Grouped(groupings, {g: {} for g in groupings})
    for g in groupings:
        for key, slot in groups.get(g, {}).items():
            normalized = tuple(_normalize_key(d, k) for d, k in zip(g, key[:len(g)], strict=True))
            normalized += key[len(g):]
            out.values[g][normalized] = slot
    return out


def _dims_of(groupings: list[tuple[Dimension, ...]]) -> list[Dimension]:
    return sorted({d for g in groupings for d in g}, key=lambda d: d.value)


def _submissions(session: Session, scope: _Scope, groupings: list[tuple[Dimension, ...]],
                 physicians: bool = False) -> _Grouped:
    """Requests submitted in the range, per grouping, from the report facts. PostgreSQL,
    with `physicians`: also the requests of each physician from the same scan, in the
    result's `physicians` ({user id: requests}, for `_physicians`)."""
    if scope.dialect == "sqlite":
        return _from_facts(groupings,
                           sqlite_facts.submissions(session, _facts_scope(scope), groupings))
    groups, counts = pg_facts.submissions(session, _pg_scope(scope), groupings, physicians)
    out = _from_facts(groupings, groups)
    out.physicians = counts if physicians else None
    return out


def _first_decisions(session: Session, scope: _Scope,
                     groupings: list[tuple[Dimension, ...]], public: bool = False) -> _Grouped:
    """The specialists' dictámenes (first decisions) made in the range, from the report
    facts (`st2desk.reports.sqlite_facts`, `st2desk.reports.pg_facts`).

    The first decision is a request's first rejection (``rejected_at``, which an appeal
    never changes) or else its approval (``decided_at``; an approved request is never
    appealed). With `public`, the public metrics (`_public_rows`) from the same day scan,
    in the result's `public`.
    """
    public_rows: dict[tuple[int, int], dict[str, Any]] | None = {} if public else None
    if scope.dialect == "sqlite":
        groups = sqlite_facts.first_decisions(session, _facts_scope(scope), groupings,
                                              public_rows)
    else:
        groups = pg_facts.first_decisions(session, _pg_scope(scope), groupings, public_rows)
    out = _from_facts(groupings, groups)
    out.public = public_rows
    return out


PUBLIC_GROUPS = (
    ((0, 0), "standard", "Ordinarias (estándar)"),
    ((1, 0), "expedited", "Urgentes (expeditas)"),
    ((1, 1), "emergency", "Urgencias realizadas antes de autorizar (aparte)"),
)

PUBLIC_COLUMNS = (
    Column("group", "Tipo de solicitud", "text"),
    Column("decided", "Con dictamen", "int", "Primeros dictámenes emitidos en el periodo"),
    Column("approved", "Aprobadas", "int"),
    Column("approved_rate", "% aprobadas", "rate"),
    Column("denied", "Rechazadas", "int"),
    Column("denied_rate", "% rechazadas", "rate"),
    Column("approved_after_appeal", "Aprobadas tras recurso", "int"),
    Column("approved_after_appeal_rate", "% aprobadas tras recurso", "rate",
           "De las solicitudes con dictamen, proporción rechazada y luego autorizada por "
           "recurso de revisión (al corte)"),
    Column("extended_approved", "Prórroga y aprobadas", "int"),
    Column("extended_approved_rate", "% con prórroga y aprobadas", "rate",
           "De las solicitudes con dictamen, proporción cuyo plazo se amplió por una "
           "solicitud de información y que luego se aprobaron"),
    Column("final_approved_rate", "% aprobación final", "rate",
           "Aprobadas en primer dictamen más aprobadas tras recurso"),
    Column("mean_elapsed_h", "Media transcurrida (h)", "hours",
           "Tiempo de calendario del envío al dictamen, incluidas las pausas (como CMS)"),
    Column("median_elapsed_h", "Mediana transcurrida (h)", "hours"),
    Column("mean_working_h", "Media hábil de reloj (h)", "hours",
           "Tiempo con el reloj corriendo: sin las pausas por solicitud de información"),
    Column("median_working_h", "Mediana de reloj (h)", "hours"),
)


def _public_rows(session: Session, scope: _Scope) -> dict[tuple[int, int], dict[str, Any]]:
    """CMS-style figures of the first decisions in the range, per (urgent, emergency):
    the same day scan as the first decisions' total (build_report folds it into theirs)."""
    return _first_decisions(session, scope, [()], public=True).public or {}


def _public_table(rows: dict[tuple[int, int], dict[str, Any]]) -> Table:
    out = []
    totals: dict[str, float] = defaultdict(float)
    for key, _name, label in PUBLIC_GROUPS:
        r = rows.get(key, {})
        n = int(r.get("n") or 0)
        approved = int(r.get("approved") or 0)
        granted = int(r.get("granted") or 0)
        ext = int(r.get("extended_approved") or 0)
        out.append((label, n, approved, _rate(approved, n), n - approved, _rate(n - approved, n),
                    granted, _rate(granted, n), ext, _rate(ext, n), _rate(approved + granted, n),
                    _hours(float(r["el"]) / n) if n else None,
                    _hours(r.get("el_p50")) if n else None,
                    _hours(float(r["secs"]) / n) if n else None,
                    _hours(r.get("secs_p50")) if n else None))
        for k in ("n", "approved", "granted", "extended_approved"):
            totals[k] += int(r.get(k) or 0)
    return Table(name="public_metrics",
                 title="Métricas públicas de autorización previa (estilo CMS-0057-F)",
                 columns=PUBLIC_COLUMNS, rows=out, key_columns=1,
                 note="Primeros dictámenes emitidos en el periodo. Las urgencias realizadas "
                      "antes de autorizar (presentadas después del servicio) se muestran "
                      "aparte y no entran en las urgentes. Tiempos en horas: transcurrido "
                      "(calendario, como CMS) y de reloj (sin pausas por información). "
                      "Medianas por rango más cercano (la inferior cuando n es par).")


def _appeal_decisions(session: Session, scope: _Scope,
                      groupings: list[tuple[Dimension, ...]]) -> _Grouped:
    """Appeal decisions made in the range. Their requests' breakdown keys and filters are
    read from the report facts (a narrow row by key; every appealed request was submitted),
    not from the wide `requests` rows; the unit only for its zone."""
    dims = _dims_of(groupings)
    zone = U.c.time_zone if scope.zones else literal(timezones.DEFAULT_ZONE)
    keys = {Dimension.SPECIALTY: RF.c.specialty_id, Dimension.UNIT: RF.c.unit_id,
            Dimension.DELEGATION: RF.c.delegation_id, Dimension.CATEGORY: RF.c.category}
    base = D.join(RF, RF.c.request_id == D.c.request_id)
    if scope.zones:
        base = base.join(U, U.c.id == RF.c.unit_id)
    conds = [RF.c[column] == value for column, value in (
        ("unit_id", scope.unit_id), ("delegation_id", scope.delegation_id),
        ("specialty_id", scope.specialty_id),
        ("category", scope.category.value if scope.category else None)) if value is not None]
    facts = (select(*[(_key_expr(scope, d, D.c.decided_at, zone) if d.is_period else keys[d])
                      .label(_key_name(d)) for d in dims],
                    case((D.c.kind == DecisionKind.APPROVE, 1), else_=0).label("granted"))
             .select_from(base)
             .where(*scope.in_days(D.c.decided_at, zone), D.c.on_appeal.is_(True), *conds))
    return _run_grouped(session, scope, facts, groupings, {
        "appeals_decided": ("count", None),
        "approved_on_appeal": ("sum", "granted"),
    })


def _duplicates(session: Session, scope: _Scope, groupings: list[tuple[Dimension, ...]]
                ) -> tuple[_Grouped, dict[_Key, dict[str, Any]]]:
    """Duplicates found in the range: (per grouping, per finding code) — every submission
    attempt's (`duplicate_hits`), also those blocked and then corrected. Counted by the
    database: findings, distinct requests, distinct requests still in draft."""
    dims = _dims_of(groupings)
    zone = scope.joined_zone()
    facts = (select(*[_key_expr(scope, d, DH.c.found_at, zone).label(_key_name(d))
                      for d in dims],
                    DH.c.code, DH.c.request_id,
                    case((R.c.status == S.DRAFT, DH.c.request_id)).label("draft_id"))
             .select_from(_with_dimension_joins(DH.join(R, R.c.id == DH.c.request_id), dims,
                                                units=True))
             .where(DH.c.code.in_(DUPLICATE_CODES), *scope.in_days(DH.c.found_at, zone),
                    *scope.conditions()))
    counts: dict[str, _Agg] = {"findings": ("count", None),
                               "duplicates": ("count_distinct", "request_id"),
                               "still_draft": ("count_distinct", "draft_id")}
    grouped = _run_grouped(session, scope, facts, groupings, counts, by_columns=("code",))
    return grouped, grouped.by_column["code"]


# --------------------------------------------------------------------------- activity tables

ACTIVITY_COLUMNS = (
    Column("requests", "Solicitudes", "int", "Enviadas a revisión en el periodo"),
    Column("cancelled", "Canceladas", "int",
           "De las enviadas en el periodo, retiradas por el médico antes de un dictamen "
           "(hasta el corte)"),
    Column("urgent", "Urgentes", "int"),
    Column("emergencies", "Urgencias presentadas", "int"),
    Column("decided", "Dictámenes", "int", "Primeros dictámenes emitidos en el periodo"),
    Column("approved", "Aprobadas", "int"),
    Column("rejected", "Rechazadas", "int"),
    Column("approval_rate", "Aprobación", "rate",
           "Primer dictamen: aprobadas entre dictaminadas en el periodo"),
    Column("rejection_rate", "Rechazo", "rate"),
    Column("granted_later", "Rechazadas y luego autorizadas", "int",
           "De los rechazos del periodo, autorizadas por recurso hasta el corte"),
    Column("final_approval_rate", "Aprobación final", "rate",
           "Resultado al corte: aprobadas en primer dictamen o tras recurso"),
    Column("appeals_decided", "Recursos resueltos", "int"),
    Column("approved_on_appeal", "Aprobadas tras recurso", "int"),
    Column("approved_after_appeal_rate", "Aprob. tras recurso", "rate",
           "De los recursos resueltos, proporción que autorizó"),
    Column("decided_late", "Fuera de plazo", "int", "Primer dictamen después del vencimiento"),
    Column("late_rate", "Tasa fuera de plazo", "rate"),
    Column("duplicates", "Con duplicado", "int",
           "Solicitudes con hallazgo duplicate.* en el periodo"),
    Column("urgent_n", "Urg. dictaminadas", "int"),
    Column("urgent_mean_h", "Urg. media (h)", "hours"),
    Column("urgent_median_h", "Urg. mediana (h)", "hours"),
    Column("urgent_p90_h", "Urg. p90 (h)", "hours"),
    Column("ordinary_n", "Ord. dictaminadas", "int"),
    Column("ordinary_mean_h", "Ord. media (h)", "hours"),
    Column("ordinary_median_h", "Ord. mediana (h)", "hours"),
    Column("ordinary_p90_h", "Ord. p90 (h)", "hours"),
)

KEY_COLUMNS: dict[Dimension, tuple[Column, ...]] = {
    Dimension.WEEK: (Column("period", "Semana", "text"), Column("period_start", "Desde", "date")),
    Dimension.MONTH: (Column("period", "Mes", "text"), Column("period_start", "Desde", "date")),
    Dimension.CATEGORY: (Column("category", "Categoría", "text"),
                         Column("category_name", "Nombre", "text")),
    Dimension.SPECIALTY: (Column("specialty", "Especialidad", "text"),
                          Column("specialty_name", "Nombre", "text")),
    Dimension.UNIT: (Column("unit", "Unidad", "text"), Column("unit_name", "Nombre", "text"),
                     Column("delegation", "Delegación", "text")),
    Dimension.DELEGATION: (Column("delegation", "Delegación", "text"),
                           Column("delegation_name", "Nombre", "text")),
}


def _rate(part: int | None, whole: int | None) -> float | None:
    return part / whole if whole else None


def _hours(seconds: Any) -> float | None:
    return None if seconds is None else float(seconds) / 3600.0


def _activity_record(key: _Key, sub: dict[_Key, dict[str, Any]],
                     first: dict[_Key, dict[str, Any]], appeals: dict[_Key, dict[str, Any]],
                     dups: dict[_Key, dict[str, Any]]) -> dict[str, Any]:
    s = sub.get(key, {})
    a = appeals.get(key, {})
    rec: dict[str, Any] = {
        "requests": int(s.get("requests") or 0),
        "urgent": int(s.get("urgent") or 0),
        "emergencies": int(s.get("emergencies") or 0),
        "emergencies_late": int(s.get("emergencies_late") or 0),
        "appeals_decided": int(a.get("appeals_decided") or 0),
        "approved_on_appeal": int(a.get("approved_on_appeal") or 0),
        "duplicates": int(dups.get(key, {}).get("duplicates") or 0),
        "cancelled": int(s.get("cancelled") or 0),
    }
    decided = approved = late = granted = 0
    for p in _PRIORITIES:
        f = first.get(key + (1 if p is Priority.URGENT else 0,), {})
        n = int(f.get("n") or 0)
        decided += n
        approved += int(f.get("approved") or 0)
        granted += int(f.get("granted") or 0)
        late += int(f.get("late") or 0)
        rec[f"{_P[p]}_n"] = n
        rec[f"{_P[p]}_late"] = int(f.get("late") or 0)
        rec[f"{_P[p]}_mean_h"] = _hours(f.get("mean")) if n else None
        rec[f"{_P[p]}_median_h"] = _hours(f.get("p50")) if n else None
        rec[f"{_P[p]}_p90_h"] = _hours(f.get("p90")) if n else None
    rec.update(decided=decided, approved=approved, rejected=decided - approved,
               decided_late=late, approval_rate=_rate(approved, decided),
               rejection_rate=_rate(decided - approved, decided), late_rate=_rate(late, decided),
               granted_later=granted, final_approval_rate=_rate(approved + granted, decided),
               approved_after_appeal_rate=_rate(rec["approved_on_appeal"],
                                                rec["appeals_decided"]))
    return rec


def _periods(flt: ReportFilter, dim: Dimension) -> list[date]:
    """Every week (Monday) or month (first day) that overlaps the range, in order."""
    if dim is Dimension.WEEK:
        day = flt.date_from - timedelta(days=flt.date_from.weekday())
        out = []
        while day <= flt.date_to:
            out.append(day)
            day += timedelta(days=7)
        return out
    day = flt.date_from.replace(day=1)
    out = []
    while day <= flt.date_to:
        out.append(day)
        day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def _period_label(dim: Dimension, start: date) -> str:
    if dim is Dimension.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start:%Y-%m}"


class _Labels:
    """Codes and names of the few catalog rows that appear in the results."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.specialties: dict[int, tuple[str, str]] = {}
        self.units: dict[int, tuple[str, str, str]] = {}
        self.delegations: dict[int, tuple[str, str]] = {}

    def load(self, specialty_ids: set[int], unit_ids: set[int], delegation_ids: set[int]) -> None:
        s = self.session
        need = specialty_ids - set(self.specialties) - {None}
        for chunk in _chunks(need):
            for i, code, name in s.execute(select(Specialty.id, Specialty.code, Specialty.name)
                                           .where(Specialty.id.in_(chunk))):
                self.specialties[i] = (code, name)
        need = unit_ids - set(self.units) - {None}
        for chunk in _chunks(need):
            for i, code, name, dcode in s.execute(
                    select(Unit.id, Unit.code, Unit.name, Delegation.code)
                    .join(Delegation, Unit.delegation_id == Delegation.id)
                    .where(Unit.id.in_(chunk))):
                self.units[i] = (code, name, dcode)
        need = delegation_ids - set(self.delegations) - {None}
        for chunk in _chunks(need):
            for i, code, name in s.execute(select(Delegation.id, Delegation.code, Delegation.name)
                                           .where(Delegation.id.in_(chunk))):
                self.delegations[i] = (code, name)

    def key_cells(self, dim: Dimension, value: Any) -> tuple[Any, ...]:
        if dim.is_period:
            return (_period_label(dim, value), value)
        if value is None:
            return ("—", "(sin dato)") + (("—",) if dim is Dimension.UNIT else ())
        if dim is Dimension.CATEGORY:
            return (value.value, CATEGORY_LABELS[value])
        if dim is Dimension.SPECIALTY:
            return self.specialties.get(value, (str(value), ""))
        if dim is Dimension.UNIT:
            return self.units.get(value, (str(value), "", ""))
        return self.delegations.get(value, (str(value), ""))


def _chunks(ids: set[Any], size: int = 500) -> Iterator[list[Any]]:
    items = sorted(ids)
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _activity_table(dim: Dimension, scope: _Scope, labels: _Labels, sub: _Grouped,
                    first: _Grouped, appeals: _Grouped, dups: _Grouped) -> Table:
    g = (dim,)
    keys: set[Any] = set()
    for grouped in (sub, appeals, dups):
        keys.update(k[0] for k in grouped.of(g))
    keys.update(k[0] for k in first.of(g))
    if dim.is_period:
        keys.update(_periods(scope.flt, dim))
        ordered = sorted(keys)
    else:
        ordered = list(keys)
    records = {k: _activity_record((k,), sub.of(g), first.of(g), appeals.of(g), dups.of(g))
               for k in ordered}
    if not dim.is_period:
        ordered.sort(key=lambda k: (-records[k]["requests"], -records[k]["decided"],
                                    str(labels.key_cells(dim, k)[0])))
    columns = KEY_COLUMNS[dim] + ACTIVITY_COLUMNS
    rows = [labels.key_cells(dim, k) + tuple(records[k][c.name] for c in ACTIVITY_COLUMNS)
            for k in ordered]
    note = ("Solicitudes por fecha de envío; dictámenes y recursos por fecha de emisión; "
            "tiempos del envío al primer dictamen, sin las pausas por solicitud de información.")
    if dim.is_period:
        note += " El primer y el último periodo pueden estar incompletos."
    return Table(name=f"by_{dim.value}", title=f"Actividad por {DIMENSION_LABELS[dim]}",
                 columns=columns, rows=rows, note=note, key_columns=len(KEY_COLUMNS[dim]))


# --------------------------------------------------------------------------- snapshots


# "At the cut-off": what was pending at `scope.as_of`, rebuilt from the events' times
# (submission, information requests and answers, first decision, cancellation, appeal
# filed and decided), not from the present status — so a report of a past period shows
# what was pending then.

# An appeal is due within the same service level as its request's priority, counted from
# its filing (no pauses): urgent 72 h, ordinary 7 days.
APPEAL_SERVICE_LEVEL = SERVICE_LEVEL


@dataclass
class _Pending:
    """A request pending at the cut-off. Times are naive UTC, as stored: a report can hold
    tens of thousands of these, and only the few shown are converted (`_aware`)."""

    request_id: int
    folio: str
    specialty_id: int | None
    unit_id: int
    performing_unit_id: int | None
    priority: Priority
    submitted_at: datetime
    stage: RequestStatus  # IN_REVIEW, INFO_REQUESTED or IN_APPEAL at the cut-off
    due_at: datetime  # the deadline as it stood at the cut-off (frozen while paused)
    overdue_seconds: float  # working time past the deadline (≤ 0: on time)


def _raw_time(column: Any) -> Any:
    """`column` read as the stored naive UTC value (no per-row conversion)."""
    return type_coerce(column, DateTime()).label(column.name)


_PRIORITY_BY_RAW = {**{p.name: p for p in Priority}, **{p.value: p for p in Priority}}


def _pending_at(session: Session, scope: _Scope) -> list[_Pending]:
    """Every request pending at the cut-off: waiting for its first decision (in review or
    paused for information) or with an appeal filed and not yet decided."""
    t = scope.as_of
    now = _naive(t)
    submitted_before = min(t, scope.end)
    cols = (R.c.id, R.c.folio, R.c.specialty_id, R.c.requesting_unit_id,
            R.c.performing_unit_id, type_coerce(R.c.priority, String).label("priority"),
            _raw_time(R.c.submitted_at))
    # (`likely`: SQLite should search by the selective condition, not by these.)
    conds = [sqlx.likely(scope.dialect, R.c.submitted_at < submitted_before),
             *scope.conditions()]
    not_cancelled = or_(R.c.status != S.CANCELLED, R.c.cancelled_at >= t)
    # Undecided today (status index), or decided after the cut-off (decision-date index).
    undecided = select(*cols).where(
        R.c.status.in_([S.IN_REVIEW, S.INFO_REQUESTED, S.CANCELLED]),
        sqlx.likely(scope.dialect, R.c.decided_at.is_(None)), not_cancelled, *conds)
    later = select(*cols).where(
        R.c.decided_at >= t, func.coalesce(R.c.rejected_at, R.c.decided_at) >= t, *conds)
    first = session.execute(union_all(undecided, later)).all()
    appeals = session.execute(
        select(*cols, _raw_time(A.c.filed_at)).select_from(A.join(R, R.c.id == A.c.request_id))
        .where(A.c.filed_at < t, or_(A.c.decided_at.is_(None), A.c.decided_at >= t),
               *conds)).all()
    pauses: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    # Rows are unpacked as tuples (a Row's attribute access costs a microsecond each).
    for rid, asked, answered in session.execute(
            select(IR.c.request_id, _raw_time(IR.c.asked_at), _raw_time(IR.c.answered_at))
            .where(sqlx.in_ids(scope.dialect, IR.c.request_id, [r[0] for r in first]),
                   IR.c.asked_at < t)):
        pauses[rid].append((asked, answered))
    out: list[_Pending] = []
    append, no_pause, priorities = out.append, timedelta(), _PRIORITY_BY_RAW
    for rid, folio, specialty_id, unit_id, performing_id, raw, submitted in first:
        priority = priorities[raw]
        completed = no_pause
        paused_since: datetime | None = None
        for asked, answered in pauses.get(rid, ()):
            if answered is not None and answered < now:
                completed += answered - asked
            else:
                paused_since = asked
        due = submitted + SERVICE_LEVEL[priority] + completed
        stop = paused_since if paused_since is not None else now
        append(_Pending(rid, folio, specialty_id, unit_id, performing_id, priority, submitted,
                        S.INFO_REQUESTED if paused_since is not None else S.IN_REVIEW,
                        due, (stop - due).total_seconds()))
    for rid, folio, specialty_id, unit_id, performing_id, raw, submitted, filed in appeals:
        priority = priorities[raw]
        due = filed + APPEAL_SERVICE_LEVEL[priority]
        append(_Pending(rid, folio, specialty_id, unit_id, performing_id, priority,
                        submitted, S.IN_APPEAL, due, (now - due).total_seconds()))
    return out


def _naive(value: datetime) -> datetime:
    """An aware time as the database stores it: naive UTC."""
    return value.astimezone(UTC).replace(tzinfo=None)


def _aware(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


BACKLOG_COLUMNS = (
    Column("specialty", "Especialidad", "text"),
    Column("specialty_name", "Nombre", "text"),
    Column("pending", "Pendientes", "int"),
    Column("in_review", "En revisión", "int"),
    Column("info_requested", "Esperando información", "int"),
    Column("in_appeal", "En recurso", "int"),
    Column("overdue", "Vencidas", "int"),
    Column("oldest_submitted_at", "Más antigua desde", "datetime"),
    Column("oldest_age_days", "Antigüedad máx. (días)", "days"),
    Column("mean_age_days", "Antigüedad media (días)", "days"),
)


def _backlog_table(pending: list[_Pending], scope: _Scope, labels: _Labels) -> Table:
    as_of = _naive(scope.as_of)
    labels.load({p.specialty_id for p in pending}, set(), set())
    groups: dict[Any, list[_Pending]] = defaultdict(list)
    for p in pending:
        groups[p.specialty_id].append(p)
    out = []
    for specialty_id, items in groups.items():
        code, name = labels.key_cells(Dimension.SPECIALTY, specialty_id)
        oldest = min(p.submitted_at for p in items)
        ages = [(as_of - p.submitted_at).total_seconds() / 86400 for p in items]
        out.append((code, name, len(items),
                    sum(p.stage is S.IN_REVIEW for p in items),
                    sum(p.stage is S.INFO_REQUESTED for p in items),
                    sum(p.stage is S.IN_APPEAL for p in items),
                    sum(p.overdue_seconds > 0 for p in items),
                    _aware(oldest), (as_of - oldest).total_seconds() / 86400,
                    sum(ages) / len(ages)))
    out.sort(key=lambda row: (row[7], -row[2], row[0]))
    return Table(name="backlog", title="Rezago por especialidad (pendientes al corte)",
                 columns=BACKLOG_COLUMNS, rows=out, key_columns=2,
                 note=f"Al corte: {scope.as_of.astimezone(MEXICO):%d/%m/%Y %H:%M} (hora del centro "
                      "de México). Pendientes de primer dictamen o con recurso sin resolver en "
                      "ese momento, según las fechas de cada evento; ordenadas por la más "
                      "antigua.")


OVERDUE_COLUMNS = (
    Column("folio", "Folio", "text"),
    Column("specialty", "Especialidad", "text"),
    Column("unit", "Unidad solicitante", "text"),
    Column("performing_unit", "Unidad de destino", "text"),
    Column("priority", "Prioridad", "text"),
    Column("status", "Estado al corte", "text"),
    Column("submitted_at", "Enviada", "datetime"),
    Column("due_at", "Vencía", "datetime"),
    Column("hours_overdue", "Horas de retraso", "hours"),
)


def _overdue_table(pending: list[_Pending], scope: _Scope, labels: _Labels) -> Table:
    late = sorted((p for p in pending if p.overdue_seconds > 0),
                  key=lambda p: (-p.overdue_seconds, p.folio))
    shown = late[:OVERDUE_LIST_LIMIT]
    labels.load({p.specialty_id for p in shown},
                {p.unit_id for p in shown} | {p.performing_unit_id for p in shown
                                              if p.performing_unit_id}, set())
    out = [(p.folio, labels.key_cells(Dimension.SPECIALTY, p.specialty_id)[0],
            labels.key_cells(Dimension.UNIT, p.unit_id)[0],
            labels.key_cells(Dimension.UNIT, p.performing_unit_id)[0]
            if p.performing_unit_id else "—",
            PRIORITY_LABELS[p.priority], STATUS_LABELS[p.stage], _aware(p.submitted_at),
            _aware(p.due_at),
            p.overdue_seconds / 3600) for p in shown]
    note = ("Las más atrasadas primero (más horas de retraso). Recursos: vencen en el plazo "
            "de la prioridad contado desde su presentación.")
    if len(late) > len(out):
        note += f" Se muestran {len(out)} de {len(late)}."
    return Table(name="overdue", title="Pendientes fuera de plazo (al corte)",
                 columns=OVERDUE_COLUMNS, rows=out, note=note, key_columns=1)


PHYSICIAN_COLUMNS = (
    Column("physician", "Usuario", "text"),
    Column("physician_name", "Médico", "text"),
    Column("unit", "Unidad", "text"),
    Column("unit_kind", "Tipo", "text"),
    Column("requests", "Solicitudes", "int"),
    Column("per_week", "Por semana", "float"),
    Column("peer_median", "Mediana de pares", "int"),
    Column("ratio", "Veces la mediana", "float"),
    Column("peers", "Pares", "int"),
)


def _physicians(session: Session, scope: _Scope, counts: dict[int, int] | None = None
                ) -> tuple[Table, dict[str, tuple[int, int]]]:
    """Physicians whose requests in the range are ≥ OUTLIER_FACTOR × their peers' median.

    `counts` ({user id: requests in the range}), when the submissions' scan read them
    (PostgreSQL): the peers are ranked here instead of in SQL, by the same rule."""
    if counts is not None:
        return _physicians_table(scope, *_peers(session, counts))
    if scope.dialect == "sqlite":
        sql, params = sqlite_facts.physician_counts_sql(_facts_scope(scope))
        counts = (text(sql).bindparams(**params)
                  .columns(pid=Integer, n=Integer).cte("counts"))
    else:
        counts = (select(R.c.physician_id.label("pid"), func.count().label("n"))
                  .select_from(R.join(U, U.c.id == R.c.requesting_unit_id))
                  .where(*scope.in_days(R.c.submitted_at), *scope.conditions())
                  .group_by(R.c.physician_id).cte("counts"))
    peers = (select(counts.c.pid, counts.c.n, U.c.kind.label("kind"),
                    func.row_number().over(partition_by=U.c.kind,
                                           order_by=(counts.c.n, counts.c.pid)).label("rn"),
                    func.count().over(partition_by=U.c.kind).label("np"))
             .select_from(counts.join(US, US.c.id == counts.c.pid)
                          .join(U, U.c.id == US.c.unit_id))
             .cte("peers"))
    med = (select(peers.c.kind, peers.c.n.label("median"), peers.c.np)
           .where(peers.c.rn == (peers.c.np + 1) // 2).cte("med"))
    flagged = and_(med.c.np >= OUTLIER_MIN_PEERS, peers.c.n >= OUTLIER_MIN_REQUESTS,
                   peers.c.n >= OUTLIER_FACTOR * med.c.median)
    is_median = peers.c.rn == (peers.c.np + 1) // 2
    query = (select(peers.c.pid, peers.c.n, peers.c.kind, med.c.median, med.c.np,
                    case((flagged, 1), else_=0).label("flag"),
                    case((is_median, 1), else_=0).label("is_median"),
                    US.c.username, US.c.full_name, U.c.code.label("unit_code"))
             .select_from(peers.join(med, med.c.kind == peers.c.kind)
                          .join(US, US.c.id == peers.c.pid).join(U, U.c.id == US.c.unit_id))
             .where(or_(flagged, is_median)))
    weeks = scope.flt.days / 7
    out, medians = [], {}
    for r in session.execute(query):
        kind = r.kind.value if hasattr(r.kind, "value") else str(r.kind)
        if r.is_median:
            medians[kind] = (int(r.median), int(r.np))
        if r.flag:
            out.append((r.username, r.full_name, r.unit_code, kind, int(r.n), r.n / weeks,
                        int(r.median), r.n / r.median, int(r.np)))
    return _physicians_table(scope, out, medians)


def _peers(session: Session, counts: dict[int, int]
           ) -> tuple[list[tuple[Any, ...]], dict[str, tuple[int, int]]]:
    """The rule of `_physicians`' SQL on counts read elsewhere: peers by unit kind ranked by
    (requests, user id), median at position ⌈n/2⌉, flagged rows and medians."""
    people: dict[int, tuple[str, str, str, str]] = {}
    for chunk in _chunks(set(counts)):
        for pid, username, full_name, code, kind in session.execute(
                select(US.c.id, US.c.username, US.c.full_name, U.c.code, U.c.kind)
                .select_from(US.join(U, U.c.id == US.c.unit_id)).where(US.c.id.in_(chunk))):
            people[pid] = (username, full_name, code,
                           kind.value if hasattr(kind, "value") else str(kind))
    by_kind: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for pid, n in counts.items():
        if pid in people:
            by_kind[people[pid][3]].append((n, pid))
    out, medians = [], {}
    for kind, peers in by_kind.items():
        peers.sort()
        median, np_ = peers[(len(peers) + 1) // 2 - 1][0], len(peers)
        medians[kind] = (median, np_)
        for n, pid in peers:
            if (np_ >= OUTLIER_MIN_PEERS and n >= OUTLIER_MIN_REQUESTS
                    and n >= OUTLIER_FACTOR * median):
                username, full_name, code, _kind = people[pid]
                out.append((username, full_name, code, kind, n, n, median, n / median, np_))
    return out, medians


def _physicians_table(scope: _Scope, out: list[tuple[Any, ...]],
                      medians: dict[str, tuple[int, int]]
                      ) -> tuple[Table, dict[str, tuple[int, int]]]:
    weeks = scope.flt.days / 7
    out = [row[:5] + (row[4] / weeks,) + row[6:] for row in out]
    out.sort(key=lambda row: (-row[7], -row[4], row[0]))
    note = (f"Señalados: al menos {OUTLIER_FACTOR} veces la mediana de solicitudes de sus pares "
            f"(médicos con solicitudes en el periodo en unidades del mismo tipo), con un mínimo "
            f"de {OUTLIER_MIN_REQUESTS} solicitudes y {OUTLIER_MIN_PEERS} pares.")
    if medians:
        note += " Medianas: " + "; ".join(
            f"{k} {m:,} ({n:,} médicos)" for k, (m, n) in sorted(medians.items())) + "."
    return (Table(name="physicians", title="Médicos muy por encima de sus pares",
                  columns=PHYSICIAN_COLUMNS, rows=out, note=note, key_columns=2), medians)


DUPLICATE_COLUMNS = (
    Column("code", "Código", "text"),
    Column("description", "Hallazgo", "text"),
    Column("effect", "Efecto", "text"),
    Column("findings", "Hallazgos", "int"),
    Column("requests", "Solicitudes", "int"),
    Column("still_draft", "Siguen en borrador", "int"),
)


def _duplicate_table(by_code: dict[_Key, dict[str, Any]], total: dict[_Key, dict[str, Any]]
                     ) -> Table:
    found = {key[0]: slot for key, slot in by_code.items()}
    rows = []
    for code in DUPLICATE_CODES:
        r = found.get(code, {})
        label, effect = DUPLICATE_LABELS[code]
        rows.append((code, label, effect, int(r.get("findings") or 0),
                     int(r.get("duplicates") or 0), int(r.get("still_draft") or 0)))
    t = total.get((), {})
    rows.append(("total", "Solicitudes con algún duplicado (sin repetir)", "",
                 int(t.get("findings") or 0), int(t.get("duplicates") or 0),
                 int(t.get("still_draft") or 0)))
    return Table(name="duplicates", title="Duplicados señalados por la revisión automática",
                 columns=DUPLICATE_COLUMNS, rows=rows, key_columns=1,
                 note="Hallazgos de cada intento de envío en el periodo, también los que "
                      "bloquearon un envío que luego se corrigió. «Siguen en borrador»: el "
                      "bloqueo no se ha corregido.")


def _filed_late(scope: _Scope) -> ColumnElement[bool]:
    """An emergency filed more than 72 h after the day it was performed: filed on the day
    written on a paper or PDF form, else on the day it was submitted (as the review) in
    the requesting unit's zone."""
    # (Read only for submissions within the range: the zone's offsets over its span.)
    filed_on = case((R.c.origin.in_(sorted(PAPER_ORIGINS)), R.c.requested_on),
                    else_=sqlx.unit_day(scope.dialect, R.c.submitted_at, scope.unit_zone(),
                                        scope.span))
    return and_(R.c.performed_on.is_not(None),
                sqlx.days_after(scope.dialect, filed_on, R.c.performed_on) > EMERGENCY_LATE_DAYS)


def _emergency_rows(session: Session, scope: _Scope) -> tuple[list[tuple[Any, ...]], tuple[int, int]]:
    """Emergencies filed in the range, each in one state at the cut-off; and those
    recorded but not filed at the cut-off (of them, past the 72 hours)."""
    t = scope.as_of
    # The state at the cut-off is decided in SQL as far as the request's own columns tell
    # (see `_state_at`): flags, not datetimes, come back.
    flag = partial(case, else_=0)
    rows = list(session.execute(
        select(R.c.id, R.c.specialty_id, flag((_filed_late(scope), 1)).label("late"),
               flag((and_(R.c.rejected_at.is_(None), R.c.decided_at < t), 1)).label("approved"),
               flag((R.c.rejected_at < t, 1)).label("rejected"),
               flag((and_(R.c.status == S.CANCELLED, R.c.decided_at.is_(None),
                          or_(R.c.cancelled_at.is_(None), R.c.cancelled_at < t)), 1))
               .label("cancelled"))
        .select_from(R)
        # A literal (not a bound parameter), so SQLite can match the partial index.
        .where(R.c.is_emergency.is_(true()), *scope.in_days(R.c.submitted_at),
               *scope.conditions())).all())
    appeals: dict[int, tuple[datetime | None, bool | None]] = {}
    for chunk in _chunks({r[0] for r in rows if r[4]}):
        for rid, decided, upheld in session.execute(
                select(A.c.request_id, A.c.decided_at, A.c.upheld)
                .where(A.c.request_id.in_(chunk), A.c.filed_at < t).order_by(A.c.filed_at)):
            appeals[rid] = (_aware(decided), upheld)
    out = [(specialty_id, int(late),
            _state_at(approved, rejected, cancelled, appeals.get(rid), t))
           for rid, specialty_id, late, approved, rejected, cancelled in rows]
    # Recorded and not yet filed at the cut-off (filed later, or still not filed).
    unfiled_rows = session.execute(
        select(R.c.performed_on, U.c.time_zone)
        .select_from(R.join(U, U.c.id == R.c.requesting_unit_id))
        .where(R.c.is_emergency.is_(true()), R.c.created_at < t,
               or_(R.c.status == S.PERFORMED_EMERGENCY, R.c.submitted_at >= t,
                   and_(R.c.status == S.CANCELLED, R.c.submitted_at.is_(None),
                        R.c.cancelled_at >= t)),
               *scope.conditions())).all()
    late_unfiled = sum(
        1 for performed, tz in unfiled_rows if performed is not None and
        (timezones.local_day(t, tz) - performed).days > EMERGENCY_LATE_DAYS)
    return out, (len(unfiled_rows), late_unfiled)


def _state_at(approved: int, rejected: int, cancelled: int,
              appeal: tuple[datetime | None, bool | None] | None, t: datetime) -> str:
    """authorized | rejected | pending | cancelled: one state per request at moment `t`,
    from flags of the request at `t` (first approval before it; first rejection before it;
    withdrawn before it without a decision) and its latest appeal filed before it."""
    if approved:
        return "authorized"
    if rejected:
        if appeal is None:
            return "rejected"
        appeal_decided, upheld = appeal
        if appeal_decided is None or appeal_decided >= t:
            return "pending"  # under appeal: not (yet) a rejection
        return "authorized" if upheld else "rejected"
    if cancelled:
        return "cancelled"
    return "pending"


EMERGENCY_COLUMNS = (
    Column("specialty", "Especialidad", "text"),
    Column("specialty_name", "Nombre", "text"),
    Column("filed", "Presentadas", "int"),
    Column("filed_late", "Después de 72 h", "int"),
    Column("authorized", "Autorizadas", "int"),
    Column("rejected", "Rechazadas", "int"),
    Column("pending", "Pendientes", "int", "En revisión, esperando información o en recurso"),
    Column("cancelled", "Canceladas", "int"),
)


def _emergency_table(rows: list[tuple[Any, ...]], unfiled: tuple[int, int],
                     labels: _Labels) -> Table:
    labels.load({r[0] for r in rows}, set(), set())
    per: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for specialty_id, late, state in rows:
        slot = per[specialty_id]
        slot["filed"] += 1
        slot["late"] += late
        slot[state] += 1
    out = [labels.key_cells(Dimension.SPECIALTY, k) +
           (v["filed"], v["late"], v["authorized"], v["rejected"], v["pending"], v["cancelled"])
           for k, v in per.items()]
    out.sort(key=lambda row: (-row[2], row[0]))
    return Table(name="emergencies", title="Urgencias presentadas (realizadas antes de autorizar)",
                  columns=EMERGENCY_COLUMNS, rows=out, key_columns=2,
                  note=f"Presentadas en el periodo; cada una en un solo estado al corte "
                       f"(en recurso cuenta como pendiente). Registradas sin presentar al "
                       f"corte: {unfiled[0]:,}, de ellas {unfiled[1]:,} con más de 72 h.")


# --------------------------------------------------------------------------- summary

SUMMARY_COLUMNS = (
    Column("requests", "Solicitudes enviadas", "int"),
    Column("cancelled", "Canceladas antes de dictamen", "int"),
    Column("urgent", "Urgentes", "int"),
    Column("decided", "Primeros dictámenes", "int"),
    Column("approved", "Aprobadas", "int"),
    Column("rejected", "Rechazadas", "int"),
    Column("approval_rate", "Tasa de aprobación (primer dictamen)", "rate"),
    Column("rejection_rate", "Tasa de rechazo (primer dictamen)", "rate"),
    Column("granted_later", "Rechazadas y luego autorizadas por recurso", "int"),
    Column("final_approval_rate", "Tasa de aprobación final (al corte)", "rate"),
    Column("appeals_decided", "Recursos resueltos", "int"),
    Column("approved_on_appeal", "Aprobadas tras recurso", "int"),
    Column("approved_after_appeal_rate", "Tasa de aprobación tras recurso", "rate"),
    Column("decided_late", "Dictaminadas fuera de plazo", "int"),
    Column("late_rate", "Proporción fuera de plazo", "rate"),
    Column("urgent_median_h", "Urgentes: mediana a dictamen (h)", "hours"),
    Column("urgent_p90_h", "Urgentes: p90 a dictamen (h)", "hours"),
    Column("ordinary_median_h", "Ordinarias: mediana a dictamen (h)", "hours"),
    Column("ordinary_p90_h", "Ordinarias: p90 a dictamen (h)", "hours"),
    Column("pending", "Pendientes al corte", "int"),
    Column("pending_first", "Pendientes de primer dictamen al corte", "int"),
    Column("pending_appeals", "Recursos pendientes al corte", "int"),
    Column("overdue_pending", "Pendientes vencidas al corte", "int"),
    Column("overdue_appeals", "Recursos vencidos al corte", "int"),
    Column("oldest_pending_days", "Pendiente más antigua (días)", "days"),
    Column("duplicates", "Solicitudes con duplicado", "int"),
    Column("emergencies", "Urgencias presentadas", "int"),
    Column("emergencies_late", "Urgencias presentadas después de 72 h", "int"),
    Column("emergencies_unfiled", "Urgencias sin presentar al corte", "int"),
    Column("flagged_physicians", "Médicos muy por encima de sus pares", "int"),
)

TIMES_COLUMNS = (
    Column("priority", "Prioridad", "text"),
    Column("sla_h", "Plazo (h)", "hours"),
    Column("n", "Dictaminadas", "int"),
    Column("mean_h", "Media (h)", "hours"),
    Column("median_h", "Mediana (h)", "hours"),
    Column("p90_h", "Percentil 90 (h)", "hours"),
    Column("late", "Fuera de plazo", "int"),
    Column("late_rate", "Tasa fuera de plazo", "rate"),
)


# --------------------------------------------------------------------------- entry points


def build_report(session: Session, actor: Actor | None, flt: ReportFilter,
                 by: Sequence[Dimension | str] | str = DEFAULT_BY, *,
                 as_of: datetime | None = None, helpers: Sequence[Session] = ()) -> Report:
    """All the figures of DESIGN §1.7 for `flt`, with one activity table per `by`.

    `as_of` is the moment of the snapshot figures (backlog, overdue, unfiled
    emergencies); default `clock.now()`. `helpers` are extra sessions on the same
    snapshot (see `generate`) that run some of the queries at the same time.
    """
    require_report_access(session, actor)
    dims = parse_dimensions(by if not isinstance(by, str) else by)
    scope = _resolve(session, flt, as_of)
    groupings: list[tuple[Dimension, ...]] = [()] + [(d,) for d in dims]
    # Independent queries, the slowest first; on more than one connection when given.
    # SQLite reads each breakdown from its own index: one job per breakdown, so they
    # spread over the connections. (PostgreSQL does all groupings in one statement.)
    # Both read the public metrics' sums in the day scan of the first decisions' total;
    # PostgreSQL also the physicians' counts in the scan of the submissions' total.
    parts = [groupings] if scope.dialect != "sqlite" else (
        [[g for g in groupings if not g or g[0].is_period]]
        + [[g] for g in groupings if g and not g[0].is_period])
    counted = scope.dialect != "sqlite"
    results = _run_jobs(session, helpers, {
        **{f"first{i}": partial(_first_decisions, scope=scope, groupings=part,
                                public=() in part)
           for i, part in enumerate(parts)},
        **{f"sub{i}": partial(_submissions, scope=scope, groupings=part,
                              physicians=counted and () in part)
           for i, part in enumerate(parts)},
        "appeals": lambda s: _appeal_decisions(s, scope, groupings),
        **({} if counted else {"physicians": lambda s: _physicians(s, scope)}),
        "dups": lambda s: _duplicates(s, scope, groupings),
        "emergencies": lambda s: _emergency_rows(s, scope),
        "pending": lambda s: _pending_at(s, scope),
    })
    results["public"] = next(results[f"first{i}"].public
                             for i, part in enumerate(parts) if () in part)
    if counted:
        results["physicians"] = _physicians(session, scope, next(
            results[f"sub{i}"].physicians for i, part in enumerate(parts) if () in part))
    appeals = results["appeals"]
    first, sub = _Grouped(groupings, {}), _Grouped(groupings, {})
    for i in range(len(parts)):
        first.values.update(results[f"first{i}"].values)
        sub.values.update(results[f"sub{i}"].values)
    dups, dup_codes = results["dups"]

    labels = _Labels(session)
    ids: dict[Dimension, set[Any]] = defaultdict(set)
    for grouped in (sub, first, appeals, dups):
        for g in groupings[1:]:
            ids[g[0]].update(k[0] for k in grouped.of(g))
    labels.load(ids[Dimension.SPECIALTY], ids[Dimension.UNIT], ids[Dimension.DELEGATION])

    total = _activity_record((), sub.of(()), first.of(()), appeals.of(()), dups.of(()))
    pending: list[_Pending] = results["pending"]
    backlog = _backlog_table(pending, scope, labels)
    overdue_total = sum(backlog.values("overdue"))
    overdue = _overdue_table(pending, scope, labels)
    physicians, _medians = results["physicians"]
    duplicates = _duplicate_table(dup_codes, dups.of(()))
    emergency_rows, (unfiled, _unfiled_late) = results["emergencies"]
    emergencies = _emergency_table(emergency_rows, (unfiled, _unfiled_late), labels)

    oldest = [v for v in backlog.values("oldest_age_days") if v is not None]
    summary = dict(total)
    summary.update(pending=len(pending), overdue_pending=overdue_total,
                   pending_first=sum(p.stage is not S.IN_APPEAL for p in pending),
                   pending_appeals=sum(p.stage is S.IN_APPEAL for p in pending),
                   overdue_appeals=sum(p.stage is S.IN_APPEAL and p.overdue_seconds > 0
                                       for p in pending),
                   oldest_pending_days=max(oldest) if oldest else None,
                   emergencies_unfiled=unfiled, flagged_physicians=len(physicians))
    tables: dict[str, Table] = {}
    tables["summary"] = Table(
        name="summary", title="Resumen", columns=SUMMARY_COLUMNS,
        rows=[tuple(summary[c.name] for c in SUMMARY_COLUMNS)], vertical=True)
    tables["decision_times"] = Table(
        name="decision_times", title="Tiempo del envío al primer dictamen",
        columns=TIMES_COLUMNS, key_columns=1,
        rows=[(PRIORITY_LABELS[p], SLA_SECONDS[p] / 3600, total[f"{_P[p]}_n"],
               total[f"{_P[p]}_mean_h"], total[f"{_P[p]}_median_h"], total[f"{_P[p]}_p90_h"],
               total[f"{_P[p]}_late"], _rate(total[f"{_P[p]}_late"], total[f"{_P[p]}_n"]))
              for p in _PRIORITIES],
        note="Horas de reloj corriendo: sin el tiempo en espera de información.")
    for d in dims:
        tables[f"by_{d.value}"] = _activity_table(d, scope, labels, sub, first, appeals, dups)
    tables["backlog"] = backlog
    tables["overdue"] = overdue
    tables["physicians"] = physicians
    tables["duplicates"] = duplicates
    tables["emergencies"] = emergencies
    tables["public_metrics"] = _public_table(results["public"])
    return Report(filter=flt, by=dims, generated_at=clock.now(), as_of=scope.as_of,
                  scope=scope.lines, tables=tables)


def public_only(report: Report) -> Report:
    """The report reduced to what a delegation publishes: scope, cut-off and the public
    metrics (the PDF/CSV/XLSX of it carry their definitions)."""
    return Report(filter=report.filter, by=(), generated_at=report.generated_at,
                  as_of=report.as_of, scope=report.scope,
                  tables={"public_metrics": report.tables["public_metrics"]})


def _run_jobs(main: Session, helpers: Sequence[Session],
              jobs: dict[str, Callable[[Session], Any]]) -> dict[str, Any]:
    """Run independent queries: in order on `main`, or on a small pool of sessions (each
    used by one thread at a time; the database driver releases the GIL while it waits)."""
    if not helpers:
        return {name: job(main) for name, job in jobs.items()}
    free: queue.Queue[Session] = queue.Queue()
    for s in (main, *helpers):
        free.put(s)

    def run(job: Callable[[Session], Any]) -> Any:
        s = free.get()
        try:
            return job(s)
        finally:
            free.put(s)

    with ThreadPoolExecutor(max_workers=1 + len(helpers),
                            thread_name_prefix="st2desk-report") as pool:
        futures = {name: pool.submit(run, job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


# For the report's transaction only: sorts for the percentiles in memory; index lookups
# priced as on SSD/cached data (so the few appeal and finding rows are joined by key rather
# than by hashing the whole requests table); no JIT compilation for these short queries.
_PG_REPORT_SETTINGS = ("work_mem = '64MB'", "random_page_cost = 1.1", "jit = off")


_SQLITE_REPORT_CACHE = -131072  # KiB: up to 128 MB of pages per report connection


def _restore_sqlite_cache(session: Session) -> None:
    """Back to SQLite's default page cache before the connection returns to the pool."""
    session.rollback()
    session.connection().exec_driver_sql("PRAGMA cache_size=-2000")
    session.rollback()


@contextlib.contextmanager
def report_session(db: Database) -> Iterator[Session]:
    """A read-only session tuned for report queries (one consistent snapshot).

    PostgreSQL: REPEATABLE READ, READ ONLY, and more sort memory for this transaction.
    SQLite: one read transaction (WAL snapshot), sorts kept in memory, a larger page
    cache for the duration (restored afterwards).
    """
    session = db.session()
    try:
        if db.is_sqlite:
            conn = session.connection()  # temp_store=MEMORY is set per connection (st2desk.db)
            conn.exec_driver_sql(f"PRAGMA cache_size={_SQLITE_REPORT_CACHE}")
        else:
            conn = session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            for setting in _PG_REPORT_SETTINGS:
                conn.exec_driver_sql(f"SET LOCAL {setting}")
        yield session
    finally:
        try:
            if db.is_sqlite:
                _restore_sqlite_cache(session)
        finally:
            session.close()


@contextlib.contextmanager
def _helper_sessions(db: Database, main: Session, count: int) -> Iterator[list[Session]]:
    """`count` more read sessions on exactly the main session's snapshot."""
    if count <= 0:
        yield []
        return
    helpers: list[Session] = []
    try:
        if db.is_sqlite:
            # Readers of a WAL database see the last commit before their first read. While
            # this write transaction holds the lock no commit can land, so sessions that
            # first read now all see the same database. Writers wait a few milliseconds.
            with db.transaction():
                for s in (main, *[db.session() for _ in range(count)]):
                    if s is not main:
                        helpers.append(s)
                        s.connection().exec_driver_sql(f"PRAGMA cache_size={_SQLITE_REPORT_CACHE}")
                    s.connection().exec_driver_sql("SELECT count(*) FROM sqlite_master")
        else:
            # ``pg_export_snapshot`` / ``SET TRANSACTION SNAPSHOT``. The sessions themselves
            # are the parallelism: no extra workers per query on top.
            main.connection().exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
            snapshot = main.connection().exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            for _ in range(count):
                s = db.session()
                helpers.append(s)
                conn = s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                conn.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                for setting in (*_PG_REPORT_SETTINGS, "max_parallel_workers_per_gather = 0"):
                    conn.exec_driver_sql(f"SET LOCAL {setting}")
        yield helpers
    finally:
        for s in helpers:
            try:
                if db.is_sqlite:
                    _restore_sqlite_cache(s)
            finally:
                s.close()


def default_parallelism(db: Database) -> int:
    """Connections a report uses: two when the machine has two cores (the database driver
    releases the GIL while a query runs)."""
    return max(1, min(2, os.cpu_count() or 1))


def generate(db: Database, actor: Actor | None, flt: ReportFilter,
             by: Sequence[Dimension | str] | str = DEFAULT_BY, *,
             as_of: datetime | None = None, parallel: int | None = None) -> Report:
    """`build_report` in its own read session(s) — what the GUI's worker thread and the
    command line call. `parallel` connections (default `default_parallelism`) share one
    snapshot."""
    workers = default_parallelism(db) if parallel is None else max(1, parallel)
    with _gc_paused(), report_session(db) as session, \
            _helper_sessions(db, session, workers - 1) as helpers:
        return build_report(session, actor, flt, by, as_of=as_of, helpers=helpers)


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while a report is built: it allocates hundreds of
    thousands of short-lived rows, and each collection the allocations set off walks the
    whole heap, the GUI's included (about 0.1 s of a year's report). Nothing is lost:
    collection resumes, as it was, when the report is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

