"""Paper capture (reception, admin): a paper ST2 that came back from a unit becomes a request.

Handwritten forms are transcribed here field by field, in the paper's order and under the
paper's own labels: the inputs are built from `st2desk.forms.paper.PAPER_FIELDS`, the list
the paper PDF and the PDF importer share. `Ctrl+Enter` captures the form through
`services.paper.capture_paper` in one transaction, off the GUI thread. A form with problems
changes nothing: every problem is listed and shown beside its field, the focus goes to the
first one, and what was typed stays. A captured form shows its folio, the resulting status
and what the automated review found, and the form is cleared for the next paper. What is
typed is also kept on this computer (drafts.py) until it is captured.

"Import filled PDFs…" (`Ctrl+O`) brings a batch of filled fillable PDFs in
(`services.paper.import_pdf_files`, one transaction per file) with a progress dialog, then
reports each file: imported (sent for review or kept as a draft) or its problems.
"""

from __future__ import annotations

import contextvars
import dataclasses
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontDatabase, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import IntegrityError

from st2desk import clock
from st2desk.errors import St2Error
from st2desk.forms import paper as P
from st2desk.forms import st2_fields as F
from st2desk.inputs import read_bounded
from st2desk.models import Role
from st2desk.services import lookup
from st2desk.services import paper as paper_service
from st2desk.services.attachments import human_size
from st2desk.services.folios import check_reserved_folio
from st2desk.services.lookup import UnitOption
from st2desk.services.paper import MAX_SCAN_BYTES, PaperOutcome, PaperProblem, PaperRejected, Scan
from st2desk.ui.context import UiContext
from st2desk.ui.drafts import Autosaver, LocalDraftStore, confirm_losing_typed_work
from st2desk.ui.file_dialogs import remember_folder, start_folder
from st2desk.ui.operations import show_error
from st2desk.ui.patient_lookup import (
    ERROR_COLOR,
    HINT_COLOR,
    OK_COLOR,
    WARN_COLOR,
    DateEdit,
    set_reason,
)
from st2desk.ui.pdf_import import ImportReportDialog, ImportResult, outcome_lines, run_import
from st2desk.ui.request_detail import status_labels
from st2desk.ui.screen_fit import FieldsScrollArea, ReflowBoxLayout

log = logging.getLogger(__name__)

FIELD_ROLE = Qt.ItemDataRole.UserRole + 1
SCAN = "scan"  # the field name the service gives problems of the attached scan

# The paper's sections, row by row as the printed form lays them out (st2desk/pdf/st2_form.py).
# Only the arrangement lives here: which inputs exist, their kind, bounds and choices come
# from P.PAPER_FIELDS; a field added there and not placed here gets a row of its own at the
# end of the section of the field before it.
SECTIONS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    ("patient", ((P.LAST_NAME.name, P.SECOND_LAST_NAME.name, P.FIRST_NAME.name),
                 (F.NSS.name, F.AGREGADO.name, F.CURP.name),
                 (P.BIRTH_DATE.name, P.SEX.name))),
    ("request", ((F.SERVICE.name,),
                 (F.DIAGNOSIS.name, F.PERFORMING_UNIT.name),
                 (F.PRIORITY.name, P.REQUESTED_ON.name))),
    ("emergency", ((P.EMERGENCY.name, F.PERFORMED_ON.name), (F.PERFORMED_TIME.name,))),
    ("justification", ((F.JUSTIFICATION.name,),)),
    ("physician", ((P.PHYSICIAN_NAME.name, P.PHYSICIAN.name),)),
)


def section_rows() -> dict[str, list[list[P.PaperField]]]:
    """SECTIONS resolved against PAPER_FIELDS (every paper field placed exactly once)."""
    rows: dict[str, list[list[P.PaperField]]] = {
        key: [[P.BY_NAME[name] for name in row if name in P.BY_NAME] for row in section]
        for key, section in SECTIONS}
    placed = {name for _key, section in SECTIONS for row in section for name in row}
    section_of = {name: key for key, section in SECTIONS for row in section for name in row}
    current = SECTIONS[0][0]
    for pf in P.PAPER_FIELDS:
        if pf.name in placed:
            current = section_of[pf.name]
        else:
            rows[current].append([pf])
    return {key: [row for row in section if row] for key, section in rows.items()}


def paper_order() -> list[str]:
    """Field names in the order they are filled (and tabbed): the folio, then the paper's."""
    return [P.FOLIO.name, *(pf.name for pf in P.PAPER_FIELDS)]


def with_mnemonic(text: str, used: set[str]) -> str:
    """`text` with an Alt+letter mnemonic on its first letter not used yet (or none)."""
    for index, ch in enumerate(text):
        key = ch.lower()
        if key.isascii() and key.isalpha() and key not in used:
            used.add(key)
            return text[:index] + "&" + text[index:]
    return text


def mnemonic_of(text: str) -> str | None:
    index = text.replace("&&", "").find("&")
    clean = text.replace("&&", "")
    return clean[index + 1].lower() if 0 <= index < len(clean) - 1 else None


# --------------------------------------------------------------------------- inputs


@dataclass
class FieldInput:
    """The input of one paper field: its widget, where the focus goes, its label and note."""

    field: P.PaperField
    widget: QWidget
    focus: QWidget
    label: QLabel | None
    note: QLabel
    buttons: QButtonGroup | None = None
    counter: QLabel | None = None
    shares_row: bool = False  # its note then names the field

    @property
    def name(self) -> str:
        return self.field.name

    def value(self) -> str | bool:
        widget = self.widget
        if isinstance(widget, DateEdit):
            return "" if widget.is_blank() else widget.text().strip()
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QLineEdit):
            return widget.text()
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if self.buttons is not None:
            checked = self.buttons.checkedButton()
            return str(checked.property("choice")) if checked is not None else ""
        return ""

    def set_value(self, value: object) -> None:
        widget = self.widget
        if isinstance(widget, QPlainTextEdit):
            widget.setPlainText(str(value or ""))
        elif isinstance(widget, QLineEdit):
            widget.setText(str(value or ""))
            widget.setCursorPosition(0)
        elif isinstance(widget, QCheckBox):
            widget.setChecked(bool(value))
        elif self.buttons is not None:
            self.buttons.setExclusive(False)
            for button in self.buttons.buttons():
                button.setChecked(button.property("choice") == value)
            self.buttons.setExclusive(True)

    def clear(self) -> None:
        self.set_value("" if self.field.kind is not P.Kind.CHECK else False)

    def is_blank(self) -> bool:
        value = self.value()
        return not value if isinstance(value, bool) else not value.strip()


@dataclass
class CaptureResult:
    """What came back from one capture attempt (the worker thread's answer)."""

    outcome: PaperOutcome | None = None
    problems: list[PaperProblem] = field(default_factory=list)
    error: str | None = None
    error_field: str | None = None
    failed: bool = False
    raced: bool = False


def _capture_job(db: Any, actor: Any, form: P.PaperForm, scan: Scan | None) -> CaptureResult:
    try:
        with db.transaction() as session:
            return CaptureResult(outcome=paper_service.capture_paper(session, actor, form, scan=scan))
    except PaperRejected as exc:
        return CaptureResult(problems=list(exc.problems))
    except St2Error as exc:
        return CaptureResult(error=exc.message, error_field=exc.field)
    except IntegrityError:
        # Another workstation recorded the same folio (or patient) a moment earlier.
        return CaptureResult(failed=True, raced=True)
    except Exception:  # noqa: BLE001 - reported to the user, detailed in the log
        log.exception("paper capture failed")
        return CaptureResult(failed=True)


# --------------------------------------------------------------------------- the window


class PaperCapture(QWidget):
    """Reception's paper capture and fillable-PDF import (section "paper_capture")."""

    sig_captured = Signal(int)
    """A paper form was recorded as a request (its id)."""

    sig_imported = Signal(int)
    """A batch of PDFs was imported (how many files became requests)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("paperCapture")
        self.inputs: dict[str, FieldInput] = {}
        self.scan: Scan | None = None
        self.last_outcome: PaperOutcome | None = None
        self.last_problems: list[PaperProblem] = []
        self.last_import: ImportResult | None = None
        self.report_dialog: ImportReportDialog | None = None
        self._busy = False
        self._loading = False
        self._units: list[UnitOption] | None = None
        self.store = LocalDraftStore(ctx.actor.username, ctx.actor.user_id, kind="paper_capture")
        self.autosaver = Autosaver(self.store, self.snapshot, self)
        self.autosaver.sig_state_changed.connect(self._update_state)
        self._build()
        self._wire()
        self._restore_local()
        self.folio_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ labels

    def field_label(self, name: str) -> str:
        """The label of a paper field, as printed on the paper form (st2desk.forms.paper).

        Like the other windows, English source strings; their Spanish translation is the
        FieldSpec's own label (tests/ui/test_paper_capture.py checks that they agree). A
        field without an entry here shows the paper's Spanish label.
        """
        labels = {
            P.FOLIO.name: self.tr("Folio"),
            P.LAST_NAME.name: self.tr("First surname"),
            P.SECOND_LAST_NAME.name: self.tr("Second surname"),
            P.FIRST_NAME.name: self.tr("Given name(s)"),
            F.NSS.name: self.tr("NSS"),
            F.AGREGADO.name: self.tr("Agregado médico"),
            F.CURP.name: self.tr("CURP"),
            P.BIRTH_DATE.name: self.tr("Date of birth"),
            P.SEX.name: self.tr("Sex"),
            F.SERVICE.name: self.tr("Study or procedure"),
            F.DIAGNOSIS.name: self.tr("Diagnosis (CIE-10)"),
            F.PERFORMING_UNIT.name: self.tr("Performing unit"),
            F.PRIORITY.name: self.tr("Priority"),
            P.REQUESTED_ON.name: self.tr("Date of the request"),
            P.EMERGENCY.name: self.tr("Emergency already performed"),
            F.PERFORMED_ON.name: self.tr("Date performed (emergency)"),
            F.PERFORMED_TIME.name: self.tr("Hour (hh:mm)"),
            F.JUSTIFICATION.name: self.tr("Clinical justification"),
            P.PHYSICIAN_NAME.name: self.tr("Name of the requesting physician"),
            P.PHYSICIAN.name: self.tr("Professional licence (or user name)"),
        }
        if name in labels:
            return labels[name]
        pf = P.BY_NAME.get(name)
        return pf.label if pf is not None else name

    def choice_label(self, name: str, value: str, fallback: str) -> str:
        """The label of one choice of a field, as printed (`fallback`, the paper's, if unknown)."""
        return {
            (P.SEX.name, "M"): self.tr("Male"), (P.SEX.name, "F"): self.tr("Female"),
            (F.PRIORITY.name, "ordinary"): self.tr("Ordinary"),
            (F.PRIORITY.name, "urgent"): self.tr("Urgent (72 h)"),
        }.get((name, value), fallback)

    def section_title(self, key: str) -> str:
        return {
            "patient": self.tr("1. Patient"),
            "request": self.tr("2. Requested service"),
            "emergency": self.tr("Emergency"),
            "justification": self.tr("3. Clinical justification"),
            "physician": self.tr("4. Requesting physician"),
        }.get(key, key)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        title = QLabel(self.tr("Paper ST2 capture"))
        title.setObjectName("paperCaptureTitle")
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        title.setFont(title_font)
        subtitle = QLabel(self.tr("Copy the form as written, in the paper's order · Ctrl+Enter "
                                  "captures · Ctrl+N clears"))
        subtitle.setWordWrap(True)
        subtitle.setStyleSheet(f"color: {HINT_COLOR};")
        self.import_button = QPushButton(self.tr("&Import filled PDFs…"))
        self.import_button.setObjectName("importPdfButton")
        self.import_button.setToolTip(self.tr("Import fillable PDFs filled at a unit without the "
                                              "application, several at once (Ctrl+O)"))
        self.blank_button = QPushButton(self.tr("Print &blank forms…"))
        self.blank_button.setObjectName("printBlankFormsButton")
        self.blank_button.setToolTip(self.tr("Reserve a block of folios and print its blank forms "
                                             "(administrators)"))
        self.blank_button.setVisible(Role.ADMIN in self.ctx.actor.roles)
        self.blank_button.clicked.connect(self.print_blank_forms)
        self.capture_button = QPushButton(self.tr("&Capture"))
        self.capture_button.setObjectName("captureButton")
        self.capture_button.setToolTip(self.tr("Record the form as a request (Ctrl+Enter)"))
        self.capture_button.setDefault(True)
        self.clear_button = QPushButton(self.tr("Clea&r form"))
        self.clear_button.setObjectName("clearButton")
        self.clear_button.setToolTip(self.tr("Start the next paper form (Ctrl+N)"))
        self.attach_button = QPushButton(self.tr("Attach sc&an…"))
        self.attach_button.setObjectName("attachScanButton")
        self.attach_button.setToolTip(self.tr("PDF, PNG or JPEG, up to %1 MB").replace(
            "%1", str(MAX_SCAN_BYTES // 1024 // 1024)))
        self.remove_scan_button = QPushButton(self.tr("Remo&ve"))
        self.remove_scan_button.setObjectName("removeScanButton")
        used = {m for m in (mnemonic_of(b.text()) for b in (
            self.import_button, self.capture_button, self.clear_button, self.attach_button,
            self.remove_scan_button)) if m}

        # The folio: typed, or read from the form's QR code with a scanner (text + Enter).
        self.folio_edit = QLineEdit()
        self.folio_edit.setObjectName("folioEdit")
        self.folio_edit.setPlaceholderText("09UMF20-2026-000101-0")
        self.folio_edit.setAccessibleName(self.field_label(P.FOLIO.name))
        folio_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        folio_font.setPointSizeF(self.font().pointSizeF() * 1.3)
        folio_font.setBold(True)
        self.folio_edit.setFont(folio_font)
        self.folio_edit.setMinimumWidth(
            self.folio_edit.fontMetrics().horizontalAdvance("0" * 25) + 16)
        folio_hint = QLabel(self.tr("Type it, or scan the QR code of the form: Enter goes on to "
                                    "the patient."))
        folio_hint.setWordWrap(True)
        folio_hint.setStyleSheet(f"color: {HINT_COLOR};")
        folio_label = QLabel(with_mnemonic(self.field_label(P.FOLIO.name), used))
        folio_label.setBuddy(self.folio_edit)
        self.folio_note = self._note(P.FOLIO.name)
        folio_box = QGroupBox(self.tr("Folio of the form"))
        folio_box.setObjectName("folioSection")
        folio_row = QHBoxLayout()
        folio_row.addWidget(folio_label)
        folio_row.addWidget(self.folio_edit)
        folio_row.addSpacing(8)
        folio_row.addWidget(folio_hint, 1)
        folio_lay = QVBoxLayout(folio_box)
        folio_lay.addLayout(folio_row)
        folio_lay.addWidget(self.folio_note)
        self.inputs[P.FOLIO.name] = FieldInput(P.PaperField(P.FOLIO), self.folio_edit, self.folio_edit,
                                               folio_label, self.folio_note)

        boxes: dict[str, QGroupBox] = {}
        for key, rows in section_rows().items():
            single = len(rows) == 1 and len(rows[0]) == 1 and rows[0][0].kind is not P.Kind.CHECK
            # A section of one field (the justification) is titled by itself: its title takes
            # the label's place, mnemonic included (a group box gives the focus to its input).
            box = QGroupBox(with_mnemonic(self.section_title(key), used) if single
                            else self.section_title(key))
            box.setObjectName(f"{key}Section")
            lay = QVBoxLayout(box)
            lay.setSpacing(4)
            for row in rows:
                lay.addLayout(self._row(row, used, with_label=not single))
            boxes[key] = box

        # The optional scan of the paper.
        self.scan_label = QLabel()
        self.scan_label.setObjectName("scanLabel")
        self.scan_label.setWordWrap(True)
        self.scan_note = self._note(SCAN)
        scan_box = QGroupBox(self.tr("Scan of the paper form (optional)"))
        scan_box.setObjectName("scanSection")
        scan_row = QHBoxLayout()
        scan_row.addWidget(self.attach_button)
        scan_row.addWidget(self.scan_label, 1)
        scan_row.addWidget(self.remove_scan_button)
        scan_lay = QVBoxLayout(scan_box)
        scan_lay.addLayout(scan_row)
        scan_lay.addWidget(self.scan_note)

        # What the last capture did: its problems, or the request it became.
        self.result_title = QLabel()
        self.result_title.setObjectName("resultTitle")
        self.result_title.setWordWrap(True)
        title_font = QFont(self.font())
        title_font.setBold(True)
        self.result_title.setFont(title_font)
        self.result_list = _ResultList()
        self.result_list.setObjectName("resultList")
        self.result_list.setWordWrap(True)
        self.result_list.setAccessibleName(self.tr("Result of the last capture"))
        self.result_list.setToolTip(self.tr("Enter or double-click on a problem goes to its field"))
        self.result_list.setMinimumHeight(60)
        self.result_box = QGroupBox(self.tr("Result"))
        self.result_box.setObjectName("resultPanel")
        result_lay = QVBoxLayout(self.result_box)
        result_lay.addWidget(self.result_title)
        result_lay.addWidget(self.result_list, 1)
        self.result_box.hide()

        left = QVBoxLayout()
        left.addWidget(folio_box)
        left.addWidget(boxes.pop("patient"))
        left.addWidget(boxes.pop("request"))
        left.addWidget(boxes.pop("emergency"))
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(boxes.pop("justification"), 2)
        for box in boxes.values():
            right.addWidget(box)
        right.addWidget(scan_box)
        right.addWidget(self.result_box)
        columns = ReflowBoxLayout()  # one above the other where both do not fit (150 %, 200 %)
        columns.setContentsMargins(4, 4, 4, 4)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.body = QWidget()
        self.body.setObjectName("paperCaptureBody")
        self.body.setLayout(columns)
        scroll = FieldsScrollArea()  # never narrower than its fields (small screens)
        scroll.setObjectName("paperCaptureScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidget(self.body)
        self.scroll_area = scroll

        header = ReflowBoxLayout()  # the buttons go under the title where they do not fit
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(title)
        titles.addWidget(subtitle)
        header.addLayout(titles, 1)
        header_buttons = QHBoxLayout()
        header_buttons.addStretch(1)
        header_buttons.addWidget(self.blank_button, 0, Qt.AlignmentFlag.AlignTop)
        header_buttons.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignTop)
        header.addLayout(header_buttons)

        self.state_label = QLabel()
        self.state_label.setObjectName("paperState")
        self.state_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state_label, 1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.capture_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.addLayout(header)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        chain: list[QWidget] = []
        for name in paper_order():
            item = self.inputs[name]
            if item.buttons is not None:
                chain.extend(item.buttons.buttons())
            else:
                chain.append(item.focus)
        chain += [self.attach_button, self.remove_scan_button, self.result_list, self.clear_button,
                  self.capture_button, self.import_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._update_scan()
        self._update_counter()

    def _note(self, name: str) -> QLabel:
        note = QLabel()
        note.setObjectName(f"{_camel(name)}Note")
        note.setWordWrap(True)
        note.hide()
        return note

    def _row(self, row: Sequence[P.PaperField], used: set[str], *, with_label: bool = True) -> QVBoxLayout:
        """The row's inputs side by side, labels above; their notes below, across the row."""
        lay = QHBoxLayout()
        lay.setSpacing(12)
        notes = []
        for pf in row:
            cell = QVBoxLayout()
            cell.setSpacing(2)
            item = self._make_input(pf, used, with_label=with_label)
            if with_label:
                # A check box has no label above it: an empty one keeps it on the inputs' line.
                cell.addWidget(item.label if item.label is not None else QLabel(" "))
            if pf.kind is P.Kind.MULTILINE:
                cell.addWidget(item.widget, 1)
            elif _stretches(pf):
                cell.addWidget(item.widget)
            else:
                cell.addWidget(item.widget, 0, Qt.AlignmentFlag.AlignLeft)
            if item.counter is not None:
                cell.addWidget(item.counter)
            item.shares_row = len(row) > 1
            notes.append(item.note)
            lay.addLayout(cell, 0 if pf.kind is P.Kind.CHECK else 1)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addLayout(lay)
        for note in notes:
            column.addWidget(note)
        return column

    def _make_input(self, pf: P.PaperField, used: set[str], *, with_label: bool = True) -> FieldInput:
        label_text = self.field_label(pf.name)
        note = self._note(pf.name)
        buttons = None
        counter = None
        widget: QWidget
        focus: QWidget
        if pf.kind is P.Kind.DATE:
            edit = DateEdit()
            edit.setObjectName(f"{_camel(pf.name)}Edit")
            edit.setToolTip(self.tr("As written on the paper: %1").replace("%1", P.DATE_FORMAT_LABEL))
            edit.set_range(date(1900, 1, 1), clock.today())
            widget = focus = edit
        elif pf.kind is P.Kind.MULTILINE:
            text = _ShortPlainTextEdit()
            text.setObjectName(f"{_camel(pf.name)}Edit")
            text.setTabChangesFocus(True)
            text.setMinimumHeight(110)
            text.setPlaceholderText(self.tr("Copy the text as written; a continuation sheet goes "
                                            "after it."))
            counter = QLabel()
            counter.setObjectName(f"{_camel(pf.name)}Counter")
            counter.setAlignment(Qt.AlignmentFlag.AlignRight)
            widget = focus = text
        elif pf.kind is P.Kind.CHOICE:
            widget = QWidget()
            widget.setObjectName(f"{_camel(pf.name)}Choice")
            lay = QHBoxLayout(widget)
            lay.setContentsMargins(0, 0, 0, 0)
            buttons = QButtonGroup(widget)
            buttons.setExclusive(True)
            for value, choice_label in pf.choices:
                radio = QRadioButton(self.choice_label(pf.name, value, choice_label))
                radio.setObjectName(f"{_camel(pf.name)}{_camel(value).title()}")
                radio.setProperty("choice", value)
                buttons.addButton(radio)
                lay.addWidget(radio)
            lay.addStretch(1)
            focus = buttons.buttons()[0]
        elif pf.kind is P.Kind.CHECK:
            check = QCheckBox(with_mnemonic(label_text, used))
            check.setObjectName(f"{_camel(pf.name)}Check")
            widget = focus = check
        else:
            line = QLineEdit()
            line.setObjectName(f"{_camel(pf.name)}Edit")
            if pf.spec.max_length:
                line.setMaxLength(pf.spec.max_length)
            if pf.comb:
                mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
                line.setFont(mono)
                hint = self.tr("%1 characters").replace("%1", str(pf.comb))
                metrics = line.fontMetrics()
                # As wide as the characters it takes, so the paper's rows fit a 1,024-px
                # screen; the hint shows where it fits and is the tooltip anyway.
                width = metrics.horizontalAdvance("M" * (pf.comb + 1)) + 14
                line.setFixedWidth(width)
                line.setToolTip(hint)
                if metrics.horizontalAdvance(hint + "M") + 14 <= width:
                    line.setPlaceholderText(hint)
            widget = focus = line
        label = None
        if pf.kind is not P.Kind.CHECK and with_label:
            label = QLabel(with_mnemonic(label_text, used))
            label.setObjectName(f"{_camel(pf.name)}Label")
            label.setBuddy(focus)
            if not pf.spec.required:
                label.setToolTip(self.tr("Optional"))
        widget.setAccessibleName(label_text)
        item = FieldInput(pf, widget, focus, label, note, buttons, counter)
        self.inputs[pf.name] = item
        return item

    def _wire(self) -> None:
        for item in self.inputs.values():
            widget = item.widget
            if isinstance(widget, DateEdit):
                widget.sig_date_changed.connect(lambda n=item.name: self._edited(n))
                widget.editingFinished.connect(lambda e=widget, n=item.name: self._check_date(n, e))
            elif isinstance(widget, QLineEdit):
                widget.textEdited.connect(lambda _t, n=item.name: self._edited(n))
            elif isinstance(widget, QPlainTextEdit):
                widget.textChanged.connect(lambda n=item.name: self._edited(n))
            elif isinstance(widget, QCheckBox):
                widget.toggled.connect(lambda _c, n=item.name: self._edited(n))
            elif item.buttons is not None:
                item.buttons.buttonToggled.connect(
                    lambda _b, checked, n=item.name: self._edited(n) if checked else None)
        self.folio_edit.editingFinished.connect(self._check_folio)
        self.folio_edit.returnPressed.connect(self._folio_entered)
        for name, check in ((F.SERVICE.name, self._check_service),
                            (F.DIAGNOSIS.name, self._check_diagnosis),
                            (F.PERFORMING_UNIT.name, self._check_unit)):
            line = self.inputs[name].widget
            if isinstance(line, QLineEdit):
                line.editingFinished.connect(check)
        justification = self.inputs[F.JUSTIFICATION.name].widget
        if isinstance(justification, QPlainTextEdit):
            justification.textChanged.connect(self._update_counter)
        self.capture_button.clicked.connect(self.capture)
        self.clear_button.clicked.connect(self.new_form)
        self.import_button.clicked.connect(self.import_pdfs)
        self.attach_button.clicked.connect(self.attach_scan)
        self.remove_scan_button.clicked.connect(self.remove_scan)
        self.result_list.itemActivated.connect(self._result_activated)
        for sequence, slot in ((QKeySequence("Ctrl+Return"), self.capture),
                               (QKeySequence("Ctrl+Enter"), self.capture),
                               (QKeySequence.StandardKey.New, self.new_form),
                               (QKeySequence.StandardKey.Open, self.import_pdfs)):
            shortcut = QShortcut(sequence, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # ------------------------------------------------------------------ the form's content

    def paper_form(self) -> P.PaperForm:
        """What is typed, as the paper says it (text; the emergency box as a flag)."""
        values = {name: item.value() for name, item in self.inputs.items()}
        names = {f.name for f in dataclasses.fields(P.PaperForm)}
        return P.PaperForm(**{k: v for k, v in values.items() if k in names})  # type: ignore[arg-type]

    def is_blank(self) -> bool:
        return all(item.is_blank() for item in self.inputs.values()) and self.scan is None

    def snapshot(self) -> dict[str, Any] | None:
        """The typed content as JSON-ready data (the scan is not kept), or None when blank."""
        if all(item.is_blank() for item in self.inputs.values()):
            return None
        return {name: item.value() for name, item in self.inputs.items()}

    def field_widget(self, name: str | None) -> QWidget | None:
        """The widget the focus goes to for a field (or a problem's field)."""
        if name == SCAN:
            return self.attach_button
        item = self.inputs.get(name or "")
        if item is None:
            return None
        if item.buttons is not None and item.buttons.checkedButton() is not None:
            return item.buttons.checkedButton()
        return item.focus

    def focus_field(self, name: str | None) -> None:
        widget = self.field_widget(name)
        if widget is None:
            return
        self.scroll_area.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()

    def _note_label(self, name: str) -> QLabel | None:
        if name == SCAN:
            return self.scan_note
        item = self.inputs.get(name)
        return item.note if item is not None else None

    def _set_note(self, name: str, text: str, color: str = ERROR_COLOR) -> None:
        """Show `text` under the field (under its row: named, when the row has others)."""
        note = self._note_label(name)
        if note is None:
            return
        item = self.inputs.get(name)
        if text and item is not None and item.shares_row and color != OK_COLOR:
            text = self._problem_text(PaperProblem(name, text))
        set_reason(note, text, color)
        note.setVisible(bool(text))
        note.setProperty("problem", bool(text) and color == ERROR_COLOR)
        widget = self.field_widget(name)
        if widget is not None:
            widget.setAccessibleDescription(text)

    def _has_problem(self, name: str) -> bool:
        note = self._note_label(name)
        return bool(note is not None and note.property("problem"))

    def _clear_notes(self) -> None:
        for name in [*self.inputs, SCAN]:
            self._set_note(name, "")

    # ------------------------------------------------------------------ edits and hints

    def _edited(self, name: str) -> None:
        if self._loading:
            return
        if self._has_problem(name):
            self._set_note(name, "")  # being corrected: the old problem no longer applies
        self.autosaver.changed()
        self._update_state()

    def _read(self, fn: Callable[[Any], Any]) -> Any:
        """A quick read for a hint; a lost connection shows nothing rather than breaking typing."""
        try:
            return self.ctx.ops.read(fn)
        except Exception:  # noqa: BLE001 - hints only; capturing reports real problems
            return None

    @Slot()
    def _check_folio(self) -> None:
        text = self.folio_edit.text().strip()
        if self._has_problem(P.FOLIO.name):
            return  # the capture's own problem stays until the folio is edited
        if not text:
            self._set_note(P.FOLIO.name, "")
            return

        def check(session: Any) -> tuple[str, str, str] | str:
            try:
                reserved = check_reserved_folio(session, text)
            except St2Error as exc:
                return exc.message
            return reserved.folio, reserved.unit.code, reserved.unit.name

        answer = self._read(check)
        if isinstance(answer, tuple):
            folio, unit_code, unit_name = answer
            self._set_note(P.FOLIO.name, self.tr("✓ %1 · reserved for %2 — %3").replace(
                "%1", folio).replace("%2", unit_code).replace("%3", unit_name), OK_COLOR)
        elif isinstance(answer, str):
            self._set_note(P.FOLIO.name, answer, WARN_COLOR)

    def check_fields(self) -> None:
        """Check the folio and look up the catalog codes typed so far (as on leaving them)."""
        for check in (self._check_folio, self._check_service, self._check_diagnosis, self._check_unit):
            check()

    @Slot()
    def _folio_entered(self) -> None:
        """Enter in the folio (a QR scanner ends with it): check it and go on to the patient."""
        self._check_folio()
        chain = paper_order()
        self.focus_field(chain[1] if len(chain) > 1 else None)

    @Slot()
    def _check_service(self) -> None:
        name = F.SERVICE.name
        text = str(self.inputs[name].value()).strip()
        if self._has_problem(name):
            return
        if not text:
            self._set_note(name, "")
            return
        code = text.split()[0]
        svc = self._read(lambda s: lookup.service_by_code(s, code))
        if svc is None:
            self._set_note(name, self.tr("Not a catalog code: it must match a service's name "
                                         "exactly."), WARN_COLOR)
        elif not svc.needs_st2:
            self._set_note(name, self.tr("%1 — %2 · basic catalog: it needs no ST2 and will stay a "
                                         "draft for the physician.").replace("%1", svc.code)
                           .replace("%2", svc.name), WARN_COLOR)
        else:
            self._set_note(name, f"✓ {svc.code} — {svc.name} · {svc.specialty}", OK_COLOR)

    @Slot()
    def _check_diagnosis(self) -> None:
        name = F.DIAGNOSIS.name
        text = str(self.inputs[name].value()).strip()
        if self._has_problem(name):
            return
        if not text:
            self._set_note(name, "")
            return
        dx = self._read(lambda s: lookup.get_diagnosis(s, text))
        if dx is None:
            self._set_note(name, self.tr("«%1» is not in the CIE-10 catalog.").replace("%1", text),
                           WARN_COLOR)
        else:
            self._set_note(name, f"✓ {dx.dotted} — {dx.description}", OK_COLOR)

    @Slot()
    def _check_unit(self) -> None:
        name = F.PERFORMING_UNIT.name
        text = str(self.inputs[name].value()).strip()
        if self._has_problem(name):
            return
        if not text:
            self._set_note(name, "")
            return
        if self._units is None:
            self._units = self._read(lambda s: lookup.list_performing_units(s, self.ctx.actor))
        code = text.split()[0].upper()
        unit = next((u for u in self._units or [] if u.code == code), None)
        if unit is None:
            self._set_note(name, self.tr("«%1» is not a hospital of the catalog; write the unit's "
                                         "code, e.g. 09HGZ24.").replace("%1", code), WARN_COLOR)
        else:
            self._set_note(name, f"✓ {unit.code} — {unit.name}", OK_COLOR)

    def _check_date(self, name: str, edit: DateEdit) -> None:
        if self._has_problem(name):
            return
        problem = edit.problem()
        self._set_note(name, problem or "", WARN_COLOR)

    @Slot()
    def _update_counter(self) -> None:
        item = self.inputs[F.JUSTIFICATION.name]
        if item.counter is None:
            return
        length = len(str(item.value()).strip())
        spec = item.field.spec
        low, high = spec.min_length, spec.max_length or 4000
        text = self.tr("%1 / %2 characters (at least %3)").replace("%1", str(length)).replace(
            "%2", str(high)).replace("%3", str(low))
        color = ERROR_COLOR if length > high or (0 < length < low) else (
            HINT_COLOR if length == 0 else OK_COLOR)
        set_reason(item.counter, text, color)

    def _update_state(self) -> None:
        if self._busy:
            set_reason(self.state_label, self.tr("Capturing…"), HINT_COLOR)
        elif self.is_blank():
            set_reason(self.state_label, self.tr("Blank form: type or scan the folio to begin."),
                       HINT_COLOR)
        elif self.autosaver.failure is not None:
            set_reason(self.state_label, self.tr(
                "Not captured yet · NOT kept on this computer (retrying): %1").replace(
                "%1", self.autosaver.failure))
        else:
            set_reason(self.state_label, self.tr("Not captured yet · kept on this computer as you "
                                                 "type"), HINT_COLOR)

    # ------------------------------------------------------------------ the scan

    @Slot()
    def attach_scan(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Scan of the paper form"), start_folder("scans"),
            self.tr("PDF and images (*.pdf *.png *.jpg *.jpeg);;All files (*)"))
        if path:
            remember_folder("scans", path)
            self.set_scan_file(path)

    def set_scan_file(self, path: str) -> bool:
        """Keep the file to attach with the capture (read now, checked again by the service)."""
        try:  # bounded, regular files only (a FIFO or a device would hang the window)
            content = read_bounded(path, MAX_SCAN_BYTES, "el archivo")
        except St2Error as exc:
            self._set_note(SCAN, exc.message)
            return False
        if not content:
            self._set_note(SCAN, self.tr("The file is empty."))
            return False
        self.scan = Scan(os.path.basename(path), content)
        self._set_note(SCAN, "")
        self._update_scan()
        self._update_state()
        return True

    @Slot()
    def remove_scan(self) -> None:
        self.scan = None
        self._set_note(SCAN, "")
        self._update_scan()
        self._update_state()
        self.attach_button.setFocus()

    def _update_scan(self) -> None:
        if self.scan is None:
            set_reason(self.scan_label, self.tr("No scan attached."), HINT_COLOR)
        else:
            set_reason(self.scan_label, f"{self.scan.filename} · {human_size(len(self.scan.content))}",
                       OK_COLOR)
        self.remove_scan_button.setEnabled(self.scan is not None and not self._busy)

    # ------------------------------------------------------------------ capture

    @Slot()
    def capture(self) -> None:
        """Record the typed form (Ctrl+Enter), off the GUI thread, in one transaction."""
        if self._busy:
            return
        if all(item.is_blank() for item in self.inputs.values()):
            show_error(self, self.tr("The form is empty: copy the paper form first."))
            self.focus_field(P.FOLIO.name)
            return
        form = self.paper_form()
        scan = self.scan
        db, actor = self.ctx.db, self.ctx.actor
        # The worker sees the same clock as this thread (a demo or a test may have moved it).
        context = contextvars.copy_context()
        self.autosaver.flush()
        self._set_busy(True)
        self.ctx.ops.background(
            lambda _progress, _cancelled: context.run(_capture_job, db, actor, form, scan),
            parent=self, label=self.tr("Capturing the paper form…"), on_done=self._captured)

    @property
    def busy(self) -> bool:
        """A capture or an import is running (the form is disabled meanwhile)."""
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.body.setEnabled(not busy)
        for button in (self.capture_button, self.clear_button, self.import_button):
            button.setEnabled(not busy)
        self._update_scan()
        self._update_state()

    def _captured(self, result: CaptureResult) -> None:
        self._set_busy(False)
        if result.outcome is not None:
            self._accepted(result.outcome)
        elif result.problems:
            self._rejected(result.problems)
        else:
            if result.error is not None:
                message = result.error
            elif result.raced:
                message = self.tr("Another workstation recorded the same data at the same moment "
                                  "(probably this folio); nothing was recorded here. Capture again "
                                  "to see what is left to do.")
            else:
                message = self.tr("The form could not be captured because of an unexpected error; "
                                  "nothing was recorded and what you typed is still here.")
            self._show_result(self.tr("Not captured: %1").replace("%1", message), ERROR_COLOR, [])
            show_error(self, message)
            self.focus_field(result.error_field or P.FOLIO.name)

    def _rejected(self, problems: list[PaperProblem]) -> None:
        self.last_outcome = None
        self.last_problems = list(problems)
        self._clear_notes()
        by_field: dict[str, list[str]] = {}
        for problem in problems:
            if problem.field is not None and self._note_label(problem.field) is not None:
                by_field.setdefault(problem.field, []).append(problem.message)
        for name, messages in by_field.items():
            self._set_note(name, " ".join(messages))
        order = [*paper_order(), SCAN]
        ranked = sorted(problems, key=lambda p: order.index(p.field) if p.field in order else len(order))
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        items = []
        for problem in ranked:
            item = QListWidgetItem(icon, self._problem_text(problem))
            item.setData(FIELD_ROLE, problem.field or "")
            items.append(item)
        count = len(problems)
        title = (self.tr("Nothing was recorded: correct the problem marked and capture again.")
                 if count == 1 else
                 self.tr("Nothing was recorded: correct the %1 problems marked and capture again.")
                 .replace("%1", str(count)))
        self._show_result(title, ERROR_COLOR, items)
        first = next((p.field for p in ranked if self.field_widget(p.field) is not None), None)
        self.focus_field(first)

    def _problem_text(self, problem: PaperProblem) -> str:
        if problem.field is None or problem.field == SCAN:
            return problem.message
        label = self.field_label(problem.field)
        if problem.message.startswith(("«", label)):
            return problem.message
        return f"{label}: {problem.message}"

    def _accepted(self, outcome: PaperOutcome) -> None:
        self.last_outcome = outcome
        self.last_problems = []
        status = status_labels()[outcome.status] if outcome.status is not None else ""
        if outcome.submitted:
            title = self.tr("Folio %1 was recorded and sent for review (status: %2).")
            color = OK_COLOR
        else:
            title = self.tr("Folio %1 was recorded as a draft (status: %2): the physician must "
                            "correct what is listed and submit it.")
            color = WARN_COLOR
        title = title.replace("%1", outcome.folio).replace("%2", status)
        style = self.style()
        icons = {"block": QStyle.StandardPixmap.SP_MessageBoxCritical,
                 "warn": QStyle.StandardPixmap.SP_MessageBoxWarning,
                 "note": QStyle.StandardPixmap.SP_MessageBoxInformation}
        items = [QListWidgetItem(style.standardIcon(icons[kind]), text)
                 for kind, text in outcome_lines(outcome)]
        self._clear_form()
        self.autosaver.discard()
        self._show_result(title, color, items)
        self.ctx.ops.sig_data_changed.emit("request")
        self.focus_field(P.FOLIO.name)
        if outcome.request_id is not None:
            self.sig_captured.emit(outcome.request_id)

    def _show_result(self, title: str, color: str, items: list[QListWidgetItem]) -> None:
        set_reason(self.result_title, title, color)
        self.result_title.setToolTip("")
        self.result_list.clear()
        for item in items:
            self.result_list.addItem(item)
        self.result_list.setVisible(bool(items))
        self._set_result_visible(True)
        self.result_list.updateGeometry()
        if any(item.data(FIELD_ROLE) for item in items):
            self.result_list.setCurrentRow(0)  # Enter on it goes to its field

    def _set_result_visible(self, visible: bool) -> None:
        self.result_box.setVisible(visible)

    @Slot(QListWidgetItem)
    def _result_activated(self, item: QListWidgetItem) -> None:
        self.focus_field(item.data(FIELD_ROLE) or None)

    # ------------------------------------------------------------------ clearing and recovery

    def _clear_form(self) -> None:
        self._loading = True
        try:
            for item in self.inputs.values():
                item.clear()
            self.scan = None
            self._clear_notes()
        finally:
            self._loading = False
        self._update_scan()
        self._update_counter()
        self._update_state()

    @Slot()
    def new_form(self) -> None:
        """Clear the form for the next paper (Ctrl+N); asks first when something is typed."""
        if self._busy:
            return
        if not self.is_blank():
            answer = QMessageBox.question(
                self, self.tr("Clear the form"),
                self.tr("Clear what is typed? It has not been captured."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.clear_form()

    def clear_form(self) -> None:
        """A blank form, without asking (what was typed is dropped from this computer too)."""
        self._clear_form()
        self.autosaver.discard()
        self._set_result_visible(False)
        self.focus_field(P.FOLIO.name)

    def _restore_local(self) -> None:
        content = self.store.load()
        if content:
            self._loading = True
            try:
                for name, value in content.items():
                    if name in self.inputs:
                        self.inputs[name].set_value(value)
            finally:
                self._loading = False
            self._update_counter()
            set_reason(self.state_label, self.tr("A capture not finished was recovered on this "
                                                 "computer; check it and capture it."), WARN_COLOR)
            return
        self._update_state()

    def can_close(self) -> bool:
        """Nothing is lost on closing: the typed content is kept on this computer. If it
        cannot be (disk full), the person decides."""
        self.autosaver.flush()
        return self.autosaver.failure is None or confirm_losing_typed_work(self, self.autosaver)

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt API
        self.autosaver.flush()
        super().hideEvent(event)

    # ------------------------------------------------------------------ fillable PDFs

    @Slot()
    def print_blank_forms(self) -> None:
        from st2desk.ui.printing_blank import BlankFormsDialog

        dialog = BlankFormsDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot()
    def import_pdfs(self) -> None:
        """Choose filled fillable PDFs (Ctrl+O) and import them off the GUI thread."""
        if self._busy:
            return
        paths, _filter = QFileDialog.getOpenFileNames(
            self, self.tr("Filled PDF forms to import"), start_folder("pdf_forms"),
            self.tr("PDF forms (*.pdf);;All files (*)"))
        if paths:
            remember_folder("pdf_forms", paths)
            self.import_files(paths)

    def import_files(self, paths: Sequence[str]) -> None:
        files = [str(p) for p in paths]
        db, actor = self.ctx.db, self.ctx.actor
        context = contextvars.copy_context()
        self._set_busy(True)
        label = (self.tr("Importing 1 PDF form…") if len(files) == 1 else
                 self.tr("Importing %1 PDF forms…").replace("%1", str(len(files))))
        self.ctx.ops.background(
            lambda progress, cancelled: context.run(run_import, db, actor, files, progress, cancelled),
            parent=self, label=label, on_done=self._imported)

    def _imported(self, result: ImportResult) -> None:
        self._set_busy(False)
        self.last_import = result
        if result.error is not None or result.failed:
            show_error(self, result.error or self.tr(
                "The import stopped because of an unexpected error; files already reported as "
                "imported stay imported."))
            return
        accepted = sum(1 for o in result.outcomes if o.accepted)
        if accepted:
            self.ctx.ops.sig_data_changed.emit("request")
        if self.report_dialog is not None:
            self.report_dialog.close()
            self.report_dialog.deleteLater()
        self.report_dialog = ImportReportDialog(result, self)
        self.report_dialog.open()
        self.sig_imported.emit(accepted)


class _ShortPlainTextEdit(QPlainTextEdit):
    """Prefers a short height and grows with the window (a scroll area sizes to preferences)."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(super().sizeHint().width(), 120)


class _ResultList(QListWidget):
    """As tall as its lines (within bounds), so a short result leaves the room to the form."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # The view lays wrapped lines out only once shown; measure them here at this width.
        icon = self.iconSize().height() or self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        width = max(self.viewport().width() - icon - 16, 120)
        metrics = self.fontMetrics()
        rows = sum(max(metrics.boundingRect(QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap,
                                            self.item(i).text()).height(), icon) + 6
                   for i in range(self.count()))
        return QSize(super().sizeHint().width(), max(60, min(rows + 2 * self.frameWidth() + 4, 260)))

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # wrapped lines take another height at another width


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _stretches(pf: P.PaperField) -> bool:
    """Whether an input fills its cell (free text) or keeps its own width (codes, dates, boxes)."""
    return pf.kind in (P.Kind.TEXT, P.Kind.MULTILINE) and not pf.comb
