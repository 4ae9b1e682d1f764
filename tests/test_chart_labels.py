"""Issue 13 (9): charts label months as a reader says them ("oct 2026", not "2026-10")."""

from __future__ import annotations

from matplotlib.figure import Figure

from st2desk.reports.charts import draw_activity, period_label
from st2desk.reports.model import Column, Table


def test_activity_chart_names_the_months_in_spanish():
    table = Table("by_month", "Por mes",
                  (Column("period", "Mes", "text"), Column("requests", "Solicitudes", "int"),
                   Column("approved", "Aprobadas", "int"), Column("rejected", "Rechazadas", "int")),
                  [("2026-10", 5, 3, 1), ("2026-11", 7, 4, 2), ("2026-12", 2, 1, 0),
                   ("2027-01", 4, 2, 1)])
    figure = Figure()
    draw_activity(figure, table)
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert labels == ["oct 2026", "nov 2026", "dic 2026", "ene 2027"]


def test_weeks_and_other_values():
    assert period_label("2026-W09") == "sem 9 2026"
    assert period_label("Radiología") == "Radiología"
