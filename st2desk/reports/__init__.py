"""Reports for planning and control (DESIGN §1.7), outside the GUI.

- `model`: the plain result objects (`ReportFilter`, `Column`, `Table`, `Report`) that
  the service fills and every consumer reads — the Qt table/chart models, the exports,
  the PDF. No database, no Qt.
- `dialect`: the few SQL expressions that differ between SQLite and PostgreSQL (time
  differences, Mexico-day periods).
- `charts`: matplotlib figures (object API, Agg-safe; the GUI can put the same `Figure`
  in a ``FigureCanvasQTAgg``).
- `export`: CSV and XLSX writers.

The figures themselves are computed in `st2desk.services.reports`; the PDF report is
`st2desk.pdf.report`; the command is `st2desk report` (`st2desk.cli_reports`).
"""
