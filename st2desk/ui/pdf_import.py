"""The report of a batch of filled fillable PDFs (Paper capture, `Ctrl+O`).

`run_import` is the worker-thread job (`services.paper.import_pdf_files`, one transaction
per file); `ImportReportDialog` shows what happened to each file: imported (sent for
review or kept as a draft) or every problem that kept it out.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from st2desk.errors import St2Error
from st2desk.services import paper as paper_service
from st2desk.services.paper import PaperOutcome
from st2desk.ui.patient_lookup import ERROR_COLOR, OK_COLOR, WARN_COLOR

log = logging.getLogger(__name__)


def outcome_lines(outcome: PaperOutcome) -> list[tuple[str, str]]:
    """What the review found on a form that was recorded, blocking first, then the notes:
    (kind, text) with kind "block", "warn" or "note". Shared with the capture screen."""
    lines = []
    for finding in sorted(outcome.findings, key=lambda f: not f.blocks):
        if finding.blocks:
            template = QCoreApplication.translate("ImportReportDialog",
                                                  "Must be corrected by the physician: %1")
            lines.append(("block", template.replace("%1", finding.message)))
        else:
            template = QCoreApplication.translate("ImportReportDialog",
                                                  "Warning for the specialist: %1")
            lines.append(("warn", template.replace("%1", finding.message)))
    lines += [("note", QCoreApplication.translate("ImportReportDialog", "Note: %1")
               .replace("%1", note)) for note in outcome.notes]
    return lines


@dataclass
class ImportResult:
    """What came back from a batch of PDFs."""

    outcomes: list[PaperOutcome] = field(default_factory=list)
    total: int = 0
    error: str | None = None
    failed: bool = False

    @property
    def cancelled(self) -> bool:
        return self.error is None and not self.failed and len(self.outcomes) < self.total


def run_import(db: Any, actor: Any, paths: list[str], progress: Callable[[int, int], None],
                cancelled: Callable[[], bool]) -> ImportResult:
    progress(0, len(paths))
    try:
        outcomes = paper_service.import_pdf_files(db, actor, paths, progress=progress, cancel=cancelled)
    except St2Error as exc:
        return ImportResult(total=len(paths), error=exc.message)
    except Exception:  # noqa: BLE001 - reported to the user, detailed in the log
        log.exception("PDF import failed")
        return ImportResult(total=len(paths), failed=True)
    return ImportResult(outcomes=outcomes, total=len(paths))


@dataclass(frozen=True)
class ReportEntry:
    """One file of an import report, as shown."""

    source: str
    result: str
    folio: str
    details: tuple[str, ...]
    color: str


class ImportReportDialog(QDialog):
    """What happened to each PDF of a batch: imported (and how) or its problems."""

    def __init__(self, result: ImportResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paperImportReport")
        self.setWindowTitle(self.tr("PDF import"))
        self.setMinimumSize(760, 420)
        self.import_result = result
        outcomes = result.outcomes
        accepted = sum(1 for o in outcomes if o.accepted)
        submitted = sum(1 for o in outcomes if o.submitted)
        self.summary_label = QLabel(self.summary_text(result))
        self.summary_label.setObjectName("importSummary")
        self.summary_label.setWordWrap(True)
        bold = QFont(self.font())
        bold.setBold(True)
        self.summary_label.setFont(bold)
        color = OK_COLOR if accepted == result.total and submitted == accepted else (
            WARN_COLOR if accepted else ERROR_COLOR)
        self.summary_label.setStyleSheet(f"color: {color};")
        self.entries = [self.entry(outcome) for outcome in outcomes]

        # Long problems wrap in a table (a tree view would cut them short).
        self.browser = QTextBrowser()
        self.browser.setObjectName("importReport")
        self.browser.setAccessibleName(self.tr("Result of each file"))
        self.browser.setOpenLinks(False)
        self.browser.setHtml(self.report_html())

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Close"))
        self.copy_button = QPushButton(self.tr("&Copy report"))
        self.copy_button.setObjectName("copyReportButton")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_report)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.browser.setFocus()

    def entry(self, outcome: PaperOutcome) -> ReportEntry:
        if not outcome.accepted:
            state, color = self.tr("Rejected: nothing recorded"), ERROR_COLOR
        elif outcome.submitted:
            state, color = self.tr("Sent for review"), OK_COLOR
        else:
            state, color = self.tr("Draft: the physician must correct it"), WARN_COLOR
        return ReportEntry(outcome.source, state, outcome.folio, tuple(self.detail_lines(outcome)), color)

    def summary_text(self, result: ImportResult) -> str:
        outcomes = result.outcomes
        accepted = sum(1 for o in outcomes if o.accepted)
        submitted = sum(1 for o in outcomes if o.submitted)
        text = self.tr("Imported %1 of %2 files (%3 sent for review, %4 as drafts, %5 rejected).")
        text = (text.replace("%1", str(accepted)).replace("%2", str(len(outcomes)))
                .replace("%3", str(submitted)).replace("%4", str(accepted - submitted))
                .replace("%5", str(len(outcomes) - accepted)))
        if result.cancelled:
            text += " " + self.tr("Cancelled: %1 of the %2 files chosen were not processed.").replace(
                "%1", str(result.total - len(outcomes))).replace("%2", str(result.total))
        return text

    def detail_lines(self, outcome: PaperOutcome) -> list[str]:
        if not outcome.accepted:
            return [str(p) for p in outcome.problems]
        return [text for _kind, text in outcome_lines(outcome)]

    def report_html(self) -> str:
        e = html.escape
        head = "".join(f"<th align='left'>{e(text)}</th>" for text in (
            self.tr("File"), self.tr("Result"), self.tr("Folio")))
        rows = []
        for entry in self.entries:
            rows.append(f"<tr><td><b>{e(entry.source)}</b></td>"
                        f"<td style='color: {entry.color};'>{e(entry.result)}</td>"
                        f"<td style='white-space: pre;'>{e(entry.folio)}</td></tr>")
            if entry.details:
                items = "".join(f"<li>{e(line)}</li>" for line in entry.details)
                rows.append(f"<tr><td colspan='3'><ul style='margin-top: 0; margin-bottom: 4px;'>"
                            f"{items}</ul></td></tr>")
        return (f"<table width='100%' cellspacing='0' cellpadding='3'><tr>{head}</tr>"
                + "".join(rows) + "</table>")

    def report_text(self) -> str:
        lines = [self.summary_label.text()]
        for entry in self.entries:
            folio = f" ({entry.folio})" if entry.folio else ""
            lines.append(f"{entry.source}{folio}: {entry.result}")
            lines += [f"    {line}" for line in entry.details]
        return "\n".join(lines)

    @Slot()
    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
