"""A report chart (`st2desk.reports.charts.Chart`) on screen: matplotlib's Qt canvas.

The charts are drawn by the same functions that put them in the PDF (DESIGN §5: QtCharts
is deprecated). This module imports matplotlib, which takes a few hundred milliseconds:
the Reports section imports it only when a chart is first shown, never at start-up.

The chart functions end with ``fig.tight_layout(...)``, a one-off layout for the size at
that moment. On screen the canvas follows the window, so `_LiveFigure` keeps that same
layout (with the same margins) as the figure's layout engine: it is redone at each draw,
for the current size.
"""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import TightLayoutEngine
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QWheelEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from st2desk.reports.charts import Chart

CHART_HEIGHT = 300  # pixels; the width follows the window
WIDE_CHART_HEIGHT = 340  # charts with a row per group need a little more room
_TALL = {"times", "backlog", "physicians", "rates"}


class _LiveFigure(Figure):
    """A Figure whose `tight_layout` stays in force as the canvas is resized."""

    def tight_layout(self, *, pad: float = 1.08, h_pad: float | None = None,  # type: ignore[override]
                     w_pad: float | None = None, rect: Any = None) -> None:
        self.set_layout_engine(TightLayoutEngine(pad=pad, h_pad=h_pad, w_pad=w_pad, rect=rect))


class ChartCanvas(FigureCanvasQTAgg):
    """The canvas of one chart; scrolling the wheel over it scrolls the page, not the chart."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        figure = _LiveFigure(figsize=(10, 3.4), dpi=96, facecolor="white")
        chart.draw(figure)
        super().__init__(figure)
        if parent is not None:
            self.setParent(parent)
        self.chart = chart
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(WIDE_CHART_HEIGHT if chart.name in _TALL else CHART_HEIGHT)
        self.setMinimumWidth(420)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        event.ignore()  # let the scroll area around the charts have it


class ChartPanel(QFrame):
    """A chart's title above its canvas, framed like a card."""

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"chart_{chart.name}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(f"QFrame#chart_{chart.name} {{ background: white;"
                           " border: 1px solid palette(mid); border-radius: 4px; }")
        self.title = QLabel(chart.title)
        self.title.setObjectName("chartTitle")
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title.setFont(font)
        self.title.setStyleSheet("QLabel { color: #1f3a5f; background: transparent; border: none; }")
        self.title.setWordWrap(True)
        self.canvas = ChartCanvas(chart, self)
        self.canvas.setAccessibleName(chart.title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        row = QHBoxLayout()
        row.addWidget(self.canvas, 3)
        self.data_view = None
        data = chart.data_table()
        if data is not None:
            # The same figures as a table beside the chart: keyboard and screen readers
            # reach every value (a picture alone is not accessible).
            from st2desk.ui.reports import ReportTableView  # noqa: PLC0415 - no cycle at import

            self.data_view = ReportTableView(f"chartData_{chart.name}")
            self.data_view.set_table(data)
            self.data_view.setAccessibleName(
                self.tr("Data of the chart: %1").replace("%1", chart.title))
            self.data_view.setFixedHeight(self.canvas.height())
            self.data_view.setMinimumWidth(280)
            row.addWidget(self.data_view, 2)
        layout.addLayout(row)

    @property
    def figure(self) -> Figure:
        return self.canvas.figure
