"""Charts of a `Report`, drawn with matplotlib's object API (never pyplot).

Each `Chart` draws on a `matplotlib.figure.Figure` it is given, so the same drawing goes
into the GUI (``FigureCanvasQTAgg(figure)``, DESIGN §5: QtCharts is deprecated) and into
the PDF report (`render_png`, Agg). Nothing here imports Qt.

    for chart in charts_for(report):
        fig = Figure(figsize=(10, 3.6)); chart.draw(fig)
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from st2desk.reports.model import Report, Table

MAX_BARS = 15
COLORS = {
    "requests": "#4C72B0", "approved": "#55A868", "rejected": "#C44E52", "overdue": "#C44E52",
    "pending": "#8C8C8C", "median": "#4C72B0", "p90": "#A6BDDB", "sla": "#C44E52",
    "physician": "#DD8452", "peer": "#4C72B0",
}


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    draw: Callable[[Any], None]  # (matplotlib.figure.Figure) -> None
    # The figures drawn, as a table to show beside the chart (screen readers, exact values).
    source: Table | None = None
    columns: tuple[str, ...] = ()  # the source's columns drawn (its key columns always)

    def data_table(self) -> Table | None:
        """The chart's figures as a table: the key columns and the columns drawn."""
        t = self.source
        if t is None:
            return None
        keep = [i for i, c in enumerate(t.columns)
                if i < t.key_columns or not self.columns or c.name in self.columns]
        return Table(name=f"chart_{self.name}", title=self.title,
                     columns=tuple(t.columns[i] for i in keep),
                     rows=[tuple(r[i] for i in keep) for r in t.rows],
                     key_columns=t.key_columns)


def charts_for(report: Report) -> list[Chart]:
    """The charts that have data in this report, in reading order."""
    out: list[Chart] = []
    week, month = report.tables.get("by_week"), report.tables.get("by_month")
    # Months for a long range, weeks for a short one (or whichever the report has).
    period = month if month is not None and (week is None or len(month) >= 3) else week
    if period is not None and period.rows:
        out.append(Chart("activity", f"Solicitudes y dictámenes por {_period_word(period)}",
                         lambda fig, t=period: draw_activity(fig, t), period,
                         ("requests", "approved", "rejected")))
    group = _first_group_table(report)
    if group is not None and any(group.values("decided")):
        out.append(Chart("times", f"Tiempo a dictamen por {_group_word(group)} (horas)",
                         lambda fig, t=group: draw_times(fig, t), group,
                         ("ordinary_median_h", "ordinary_p90_h", "urgent_median_h",
                          "urgent_p90_h")))
        out.append(Chart("rates", f"Aprobación y rechazo por {_group_word(group)}",
                         lambda fig, t=group: draw_rates(fig, t), group,
                         ("decided", "approval_rate", "rejection_rate")))
    backlog = report.tables.get("backlog")
    if backlog is not None and backlog.rows:
        out.append(Chart("backlog", "Rezago por especialidad (pendientes al corte)",
                         lambda fig, t=backlog: draw_backlog(fig, t), backlog,
                         ("pending", "overdue", "oldest_age_days")))
    public = report.tables.get("public_metrics")
    if public is not None and any(public.values("decided")):
        out.append(Chart("public", "Métricas públicas: resultado del primer dictamen por tipo "
                                   "de solicitud", lambda fig, t=public: draw_public(fig, t),
                         public, ("decided", "approved_rate", "denied_rate",
                                  "approved_after_appeal_rate", "extended_approved_rate",
                                  "median_elapsed_h", "median_working_h")))
    physicians = report.tables.get("physicians")
    if physicians is not None and physicians.rows:
        out.append(Chart("physicians", "Médicos muy por encima de sus pares",
                         lambda fig, t=physicians: draw_physicians(fig, t), physicians,
                         ("requests", "peer_median")))
    return out


def render_png(chart: Chart, *, width: float = 10.0, height: float = 3.6,
               dpi: int = 150) -> bytes:
    """The chart as PNG bytes (Agg canvas; no global matplotlib state touched)."""
    fig = _figure(width, height)
    chart.draw(fig)
    return _save(fig, "png", dpi)


def render_svg(chart: Chart, *, width: float = 10.0, height: float = 3.6) -> bytes:
    fig = _figure(width, height)
    chart.draw(fig)
    return _save(fig, "svg", 72)


# --------------------------------------------------------------------------- drawing


_MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


def period_label(value: Any) -> str:
    """A period as a reader says it: "2026-10" → "oct 2026", "2026-W41" → "sem 41 2026"."""
    text = str(value)
    year, _, rest = text.partition("-")
    if year.isdigit() and rest.isdigit() and 1 <= int(rest) <= 12:
        return f"{_MONTHS[int(rest) - 1]} {year}"
    if year.isdigit() and rest[:1] in ("W", "w") and rest[1:].isdigit():
        return f"sem {int(rest[1:])} {year}"
    return text


def draw_activity(fig: Any, table: Table) -> None:
    ax = fig.subplots()
    labels = [period_label(v) for v in table.values("period")]
    x = list(range(len(labels)))
    width = 0.28
    series = [("requests", "Solicitudes enviadas"), ("approved", "Aprobadas"),
              ("rejected", "Rechazadas")]
    for i, (name, label) in enumerate(series):
        ax.bar([v + (i - 1) * width for v in x], table.values(name), width, label=label,
               color=COLORS[name])
    step = max(1, len(labels) // 18)
    ax.set_xticks(x[::step], labels[::step], rotation=45 if len(labels) > 8 else 0,
                  ha="right" if len(labels) > 8 else "center", fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    _integer_axis(ax.yaxis)
    ax.legend(fontsize=8, frameon=False, ncols=3, loc="lower left", bbox_to_anchor=(0, 1.0))
    ax.set_ylabel("solicitudes", fontsize=8)
    _tidy(ax)
    fig.tight_layout()


def draw_times(fig: Any, table: Table) -> None:
    rows = [r for r in table.dicts() if r["decided"]]
    rows = sorted(rows, key=lambda r: -r["decided"])[:MAX_BARS]
    rows.sort(key=lambda r: (r["ordinary_p90_h"] or 0))
    names = [_short(_group_label(table, r)) for r in rows]
    axes = fig.subplots(1, 2, sharey=True)
    for ax, prio, label, sla in ((axes[0], "ordinary", "Ordinarias", 168),
                                 (axes[1], "urgent", "Urgentes", 72)):
        y = list(range(len(rows)))
        p90 = [r[f"{prio}_p90_h"] or 0 for r in rows]
        med = [r[f"{prio}_median_h"] or 0 for r in rows]
        ax.barh(y, p90, color=COLORS["p90"], label="percentil 90")
        ax.barh(y, med, height=0.45, color=COLORS["median"], label="mediana")
        ax.axvline(sla, color=COLORS["sla"], linestyle="--", linewidth=1,
                   label="plazo (72 h urgentes, 168 h ordinarias)" if sla == 168 else None)
        ax.set_yticks(y, names, fontsize=8)
        ax.set_title(f"{label} (plazo {sla} h)", fontsize=9)
        ax.tick_params(axis="x", labelsize=8)
        ax.set_xlabel("horas", fontsize=8)
        _tidy(ax)
    _bar_rows(axes[0], len(rows))
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7,
               frameon=False, loc="lower center", ncols=3)
    fig.tight_layout(rect=(0, 0.06, 1, 1))


def draw_rates(fig: Any, table: Table) -> None:
    rows = sorted((r for r in table.dicts() if r["decided"]), key=lambda r: -r["decided"])
    rows = rows[:MAX_BARS][::-1]
    ax = fig.subplots()
    y = list(range(len(rows)))
    approved = [100 * (r["approval_rate"] or 0) for r in rows]
    rejected = [100 * (r["rejection_rate"] or 0) for r in rows]
    ax.barh(y, approved, color=COLORS["approved"], label="aprobadas")
    ax.barh(y, rejected, left=approved, color=COLORS["rejected"], label="rechazadas")
    for yi, r, a in zip(y, rows, approved, strict=True):
        ax.text(1, yi, f"{a:.0f} %  (n={r['decided']:,})", va="center", fontsize=7,
                color="white")
    ax.set_yticks(y, [_short(_group_label(table, r)) for r in rows], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% de los primeros dictámenes", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.legend(fontsize=8, frameon=False, ncols=2, loc="lower right",
              bbox_to_anchor=(1.0, 1.0))
    _bar_rows(ax, len(rows))
    _tidy(ax)
    fig.tight_layout()


def draw_public(fig: Any, table: Table) -> None:
    """Per kind of request: % approved, denied, approved after appeal, extended and
    approved (left); median elapsed and working hours (right)."""
    rows = table.dicts()[::-1]
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    y = list(range(len(rows)))
    series = [("approved_rate", "aprobadas", COLORS["approved"]),
              ("denied_rate", "rechazadas", COLORS["rejected"]),
              ("approved_after_appeal_rate", "aprobadas tras recurso", "#8172B3"),
              ("extended_approved_rate", "con prórroga y aprobadas", "#CCB974")]
    h = 0.2
    for i, (name, label, color) in enumerate(series):
        left.barh([v + (1.5 - i) * h for v in y], [100 * (r[name] or 0) for r in rows], h,
                  color=color, label=label)
    names = [_short(f"{r['group']} (n={r['decided']:,})", 40) for r in rows]
    left.set_yticks(y, names, fontsize=8)
    left.set_xlim(0, 100)
    left.set_xlabel("% de las solicitudes con dictamen", fontsize=8)
    left.tick_params(axis="x", labelsize=8)
    left.legend(fontsize=7, frameon=False, ncols=2, loc="lower left", bbox_to_anchor=(0, 1.0))
    _tidy(left)
    right.barh([v + 0.2 for v in y], [r["median_elapsed_h"] or 0 for r in rows], 0.4,
               color=COLORS["p90"], label="mediana transcurrida")
    right.barh([v - 0.2 for v in y], [r["median_working_h"] or 0 for r in rows], 0.4,
               color=COLORS["median"], label="mediana de reloj (sin pausas)")
    right.set_yticks(y, [""] * len(y))
    right.set_xlabel("horas del envío al dictamen", fontsize=8)
    right.tick_params(axis="x", labelsize=8)
    right.legend(fontsize=7, frameon=False, loc="lower left", bbox_to_anchor=(0, 1.0))
    _tidy(right)
    fig.tight_layout()


def draw_backlog(fig: Any, table: Table) -> None:
    rows = table.dicts()[:MAX_BARS][::-1]
    ax = fig.subplots()
    y = list(range(len(rows)))
    overdue = [r["overdue"] for r in rows]
    on_time = [r["pending"] - r["overdue"] for r in rows]
    ax.barh(y, overdue, color=COLORS["overdue"], label="vencidas")
    ax.barh(y, on_time, left=overdue, color=COLORS["pending"], label="en plazo o en recurso")
    top = max([r["pending"] for r in rows] + [1])
    for yi, r in zip(y, rows, strict=True):
        age = r["oldest_age_days"]
        ax.text(r["pending"] + top * 0.01, yi,
                f"la más antigua: {age:,.0f} d" if age is not None else "", va="center",
                fontsize=7)
    ax.set_xlim(0, top * 1.25)
    ax.set_yticks(y, [_short(f"{r['specialty']} {r['specialty_name']}") for r in rows],
                  fontsize=8)
    ax.set_xlabel("solicitudes pendientes (la de mayor antigüedad arriba)", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    _integer_axis(ax.xaxis)
    _bar_rows(ax, len(rows))
    ax.legend(fontsize=8, frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2)
    _tidy(ax)
    fig.tight_layout()


def draw_physicians(fig: Any, table: Table) -> None:
    rows = table.dicts()[:MAX_BARS][::-1]
    ax = fig.subplots()
    y = list(range(len(rows)))
    ax.barh(y, [r["requests"] for r in rows], color=COLORS["physician"],
            label="solicitudes del médico")
    ax.scatter([r["peer_median"] for r in rows], y, marker="|", s=200, color=COLORS["peer"],
               zorder=3, label="mediana de sus pares")
    for yi, r in zip(y, rows, strict=True):
        ax.text(r["requests"], yi, f"  {r['ratio']:.1f}×", va="center", fontsize=7)
    ax.set_yticks(y, [_short(f"{r['physician']} ({r['unit']})") for r in rows], fontsize=8)
    ax.set_xlabel("solicitudes en el periodo", fontsize=8)
    ax.tick_params(axis="x", labelsize=8)
    ax.set_xlim(0, max(r["requests"] for r in rows) * 1.15)
    _integer_axis(ax.xaxis)
    _bar_rows(ax, len(rows))
    ax.legend(fontsize=8, frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2)
    _tidy(ax)
    fig.tight_layout()


# --------------------------------------------------------------------------- helpers


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure  # noqa: PLC0415 - heavy, only when drawing

    return Figure(figsize=(width, height))


def _save(fig: Any, fmt: str, dpi: int) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=_metadata(fmt))
    return buf.getvalue()


def _metadata(fmt: str) -> dict[str, Any]:
    # Reproducible files: no creation date or software version stamped in.
    return {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}


def _integer_axis(axis: Any) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: PLC0415

    axis.set_major_locator(MaxNLocator(integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))


def _bar_rows(ax: Any, count: int) -> None:
    """Keep horizontal bars slim (and centred) when there are only a few of them."""
    pad = (max(count, 6) - count) / 2
    ax.set_ylim(-0.6 - pad, count - 0.4 + pad)


def _tidy(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x" if ax.get_xlabel() else "y", color="#E5E5E5", linewidth=0.6)
    ax.set_axisbelow(True)


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _first_group_table(report: Report) -> Table | None:
    for name in ("by_specialty", "by_delegation", "by_category", "by_unit"):
        if name in report.tables:
            return report.tables[name]
    return None


def _group_label(table: Table, row: dict[str, Any]) -> str:
    key = table.columns[0].name
    name = table.columns[1].name
    return f"{row[key]} {row[name]}" if key != "category" else str(row[name])


def _group_word(table: Table) -> str:
    return {"by_specialty": "especialidad", "by_delegation": "delegación",
            "by_category": "categoría", "by_unit": "unidad"}.get(table.name, "grupo")


def _period_word(table: Table) -> str:
    return "semana" if table.name == "by_week" else "mes"
