"""The dictamen dialogs: approve, reject, ask for information; grant or deny an appeal.

A dialog only collects and checks what the user types (the same bounds as the services,
from `forms.st2_fields`). When the user confirms, it hands its values to the `submit`
callback of the window that opened it, which calls the service; the callback answers
whether the dialog closes (done, or the request changed elsewhere) or stays open with the
text kept (a validation message to fix). Ctrl+Enter confirms from a text box; Esc cancels.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from st2desk import clock
from st2desk.forms import st2_fields as F
from st2desk.services.decisions import MAX_VALIDITY_DAYS
from st2desk.services.inbox import Choice
from st2desk.ui.request_detail import fmt_date


class Outcome(Enum):
    DONE = "done"  # the decision was recorded: close
    RETRY = "retry"  # fix the input: stay open, keep the text
    CLOSE = "close"  # the request changed elsewhere or cannot be decided: close, reload


@dataclass(frozen=True)
class Subject:
    """What is being decided, shown at the top of the dialog."""

    folio: str
    patient: str
    service: str


@dataclass(frozen=True)
class ApproveValues:
    valid_days: int
    performing_unit_id: int | None
    scheduling_note: str


@dataclass(frozen=True)
class RejectValues:
    reason_code: str
    text: str


@dataclass(frozen=True)
class QuestionValues:
    question: str


@dataclass(frozen=True)
class GrantValues:
    valid_days: int
    text: str


Submit = Callable[[Any], Outcome]


class _TextBox(QPlainTextEdit):
    """Multi-line text where Tab moves on (keyboard users) and a length counter follows."""

    def __init__(self, object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(90)

    def value(self) -> str:
        return self.toPlainText().strip()


class DecisionDialog(QDialog):
    """Common frame: subject, form, counter hints, confirm/cancel, Ctrl+Enter."""

    def __init__(self, subject: Subject, parent: QWidget | None = None,
                 submit: Submit | None = None) -> None:
        super().__init__(parent)
        self.setMinimumWidth(560)
        self.submit = submit
        self.subject_label = QLabel("<b>{}</b><br>{}<br>{}".format(
            *(html.escape(v) for v in (subject.folio, subject.patient, subject.service))))
        self.subject_label.setObjectName("decisionSubject")
        self.subject_label.setTextFormat(Qt.TextFormat.RichText)
        self.subject_label.setWordWrap(True)
        self._stale = False
        self.stale_label = QLabel()
        self.stale_label.setObjectName("decisionStale")
        self.stale_label.setWordWrap(True)
        self.stale_label.setStyleSheet("color: #b00020; font-weight: bold;")
        self.stale_label.hide()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.hint = QLabel(QCoreApplication.translate("DecisionDialog",
                                                      "Ctrl+Enter confirms · Esc cancels"))
        self.hint.setObjectName("decisionHint")
        self.hint.setStyleSheet("color: #666;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.confirm_button.setObjectName("confirmButton")
        self.confirm_button.setDefault(True)
        self.confirm_button.setAutoDefault(True)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(QCoreApplication.translate("DecisionDialog", "Cancel"))
        cancel.setObjectName("cancelButton")
        cancel.setAutoDefault(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.subject_label)
        layout.addWidget(self.stale_label)
        layout.addLayout(self.form)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.accept)

    # ------------------------------------------------------------------ subclass API

    def is_complete(self) -> bool:
        return True

    def values(self) -> Any:
        raise NotImplementedError

    def first_field(self) -> QWidget | None:
        return None

    # ------------------------------------------------------------------ behaviour

    @Slot()
    def update_state(self) -> None:
        self.confirm_button.setEnabled(self.is_complete() and not self._stale)

    def mark_stale(self, message: str) -> None:
        """The request changed elsewhere while this dialog was open: say so; no confirming."""
        self._stale = True
        self.stale_label.setText(message)
        self.stale_label.show()
        self.stale_label.setAccessibleDescription(message)
        self.update_state()

    @property
    def stale(self) -> bool:
        return self._stale

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt API
        super().showEvent(event)
        field = self.first_field()
        if field is not None:
            field.setFocus(Qt.FocusReason.OtherFocusReason)

    def accept(self) -> None:
        if not self.is_complete() or self._stale:
            return
        if self.submit is not None:
            outcome = self.submit(self.values())
            if outcome is Outcome.RETRY:
                return
            if outcome is Outcome.CLOSE:
                self.reject()
                return
        super().accept()

    def _counter(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setStyleSheet("color: #666;")
        return label

    def _length_text(self, length: int, minimum: int, maximum: int | None) -> str:
        if length < minimum:
            return QCoreApplication.translate("DecisionDialog", "%1 characters; at least %2").replace(
                "%1", str(length)).replace("%2", str(minimum))
        return QCoreApplication.translate("DecisionDialog", "%1 of %2 characters").replace(
            "%1", str(length)).replace("%2", str(maximum or ""))


class _ValidityMixin:
    """Validity in days (default: the service's) with the resulting last day shown."""

    def _build_validity(self, dialog: DecisionDialog, default_days: int) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName("validDaysSpin")
        spin.setRange(1, MAX_VALIDITY_DAYS)
        spin.setValue(max(1, min(MAX_VALIDITY_DAYS, default_days)))
        spin.setSuffix(QCoreApplication.translate("DecisionDialog", " days"))
        spin.setAccelerated(True)
        spin.setMaximumWidth(spin.fontMetrics().horizontalAdvance("0000 " + spin.suffix()) + 60)
        until = QLabel()
        until.setObjectName("validUntilLabel")
        until.setStyleSheet("color: #666;")

        def show_until(days: int) -> None:
            until.setText(QCoreApplication.translate("DecisionDialog", "valid until %1").replace(
                "%1", fmt_date(clock.today() + timedelta(days=days))))

        spin.valueChanged.connect(show_until)
        show_until(spin.value())
        self._until_label = until
        return spin


class ApproveDialog(DecisionDialog, _ValidityMixin):
    """Approve: validity (service default), performing unit, optional scheduling note."""

    def __init__(self, subject: Subject, *, valid_days: int, units: Sequence[Choice],
                 performing_unit_id: int | None, parent: QWidget | None = None,
                 submit: Submit | None = None) -> None:
        super().__init__(subject, parent, submit)
        self.setObjectName("approveDialog")
        self.setWindowTitle(self.tr("Approve request"))
        self.confirm_button.setText(self.tr("&Approve"))
        self.days_spin = self._build_validity(self, valid_days)
        self.unit_combo = QComboBox()
        self.unit_combo.setObjectName("performingUnitCombo")
        self.unit_combo.setMaxVisibleItems(20)
        for unit in units:
            self.unit_combo.addItem(f"{unit.code} — {unit.name}", unit.id)
        index = self.unit_combo.findData(performing_unit_id)
        self.unit_combo.setCurrentIndex(max(0, index))
        self.unit_combo.setToolTip(self.tr("Type the unit code to jump to it."))
        self.note_edit = _TextBox("schedulingNoteEdit")
        self.note_edit.setPlaceholderText(self.tr("E.g. fasting 8 hours; bring previous studies."))
        self.note_counter = self._counter("schedulingNoteCounter")
        self.note_edit.textChanged.connect(self.update_state)

        days_label = QLabel(self.tr("&Validity:"))
        days_label.setBuddy(self.days_spin)
        unit_label = QLabel(self.tr("&Performing unit:"))
        unit_label.setBuddy(self.unit_combo)
        note_label = QLabel(self.tr("Scheduling &note (optional):"))
        note_label.setBuddy(self.note_edit)
        self.form.addRow(days_label, self.days_spin)
        self.form.addRow("", self._until_label)
        self.form.addRow(unit_label, self.unit_combo)
        self.form.addRow(note_label, self.note_edit)
        self.form.addRow("", self.note_counter)
        self.setTabOrder(self.days_spin, self.unit_combo)
        self.setTabOrder(self.unit_combo, self.note_edit)
        self.setTabOrder(self.note_edit, self.confirm_button)
        self.update_state()

    def first_field(self) -> QWidget:
        return self.days_spin

    def is_complete(self) -> bool:
        length = len(self.note_edit.value())
        limit = F.SCHEDULING_NOTE.max_length or 400
        self.note_counter.setText(self._length_text(length, 0, limit))
        return length <= limit

    def values(self) -> ApproveValues:
        return ApproveValues(self.days_spin.value(), self.unit_combo.currentData(),
                             self.note_edit.value())


class RejectDialog(DecisionDialog):
    """Reject: a reason from the catalog and a specific explanation (never a bare "no")."""

    def __init__(self, subject: Subject, *, reasons: Sequence[Choice], parent: QWidget | None = None,
                 submit: Submit | None = None, title: str | None = None,
                 confirm_text: str | None = None) -> None:
        super().__init__(subject, parent, submit)
        self.setObjectName("rejectDialog")
        self.setWindowTitle(title or QCoreApplication.translate("RejectDialog", "Reject request"))
        self.confirm_button.setText(confirm_text
                                    or QCoreApplication.translate("RejectDialog", "&Reject"))
        self.reason_combo = QComboBox()
        self.reason_combo.setObjectName("reasonCombo")
        self.reason_combo.addItem(
            QCoreApplication.translate("RejectDialog", "— choose a reason —"), "")
        for reason in reasons:
            self.reason_combo.addItem(f"{reason.code} — {reason.name}", reason.code)
        self.reason_combo.setMaxVisibleItems(16)
        self.text_edit = _TextBox("rejectionTextEdit")
        self.text_edit.setPlaceholderText(QCoreApplication.translate(
            "RejectDialog", "Say specifically what is missing or why the service is not indicated."))
        self.counter = self._counter("rejectionTextCounter")
        reason_label = QLabel(QCoreApplication.translate("RejectDialog", "R&eason:"))
        reason_label.setBuddy(self.reason_combo)
        text_label = QLabel(QCoreApplication.translate("RejectDialog", "E&xplanation:"))
        text_label.setBuddy(self.text_edit)
        self.form.addRow(reason_label, self.reason_combo)
        self.form.addRow(text_label, self.text_edit)
        self.form.addRow("", self.counter)
        self.reason_combo.currentIndexChanged.connect(self.update_state)
        self.text_edit.textChanged.connect(self.update_state)
        self.setTabOrder(self.reason_combo, self.text_edit)
        self.setTabOrder(self.text_edit, self.confirm_button)
        self.update_state()

    def first_field(self) -> QWidget:
        return self.reason_combo

    def is_complete(self) -> bool:
        length = len(self.text_edit.value())
        self.counter.setText(self._length_text(length, F.REJECTION_TEXT.min_length,
                                               F.REJECTION_TEXT.max_length))
        limit = F.REJECTION_TEXT.max_length or 2000
        return bool(self.reason_combo.currentData()) and \
            F.REJECTION_TEXT.min_length <= length <= limit

    def values(self) -> RejectValues:
        return RejectValues(self.reason_combo.currentData(), self.text_edit.value())


class AskInfoDialog(DecisionDialog):
    """Ask the requesting physician a question; the service-level clock pauses."""

    def __init__(self, subject: Subject, *, parent: QWidget | None = None,
                 submit: Submit | None = None) -> None:
        super().__init__(subject, parent, submit)
        self.setObjectName("askInfoDialog")
        self.setWindowTitle(self.tr("Ask for information"))
        self.confirm_button.setText(self.tr("&Send question"))
        self.question_edit = _TextBox("questionEdit")
        self.question_edit.setPlaceholderText(self.tr(
            "What does the physician need to add? E.g. result of the previous study."))
        self.counter = self._counter("questionCounter")
        note = QLabel(self.tr("The service-level clock pauses until the physician answers."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #666;")
        label = QLabel(self.tr("&Question:"))
        label.setBuddy(self.question_edit)
        self.form.addRow(label, self.question_edit)
        self.form.addRow("", self.counter)
        self.form.addRow("", note)
        self.question_edit.textChanged.connect(self.update_state)
        self.setTabOrder(self.question_edit, self.confirm_button)
        self.update_state()

    def first_field(self) -> QWidget:
        return self.question_edit

    def is_complete(self) -> bool:
        length = len(self.question_edit.value())
        self.counter.setText(self._length_text(length, F.QUESTION.min_length, F.QUESTION.max_length))
        return F.QUESTION.min_length <= length <= (F.QUESTION.max_length or 2000)

    def values(self) -> QuestionValues:
        return QuestionValues(self.question_edit.value())


class GrantAppealDialog(DecisionDialog, _ValidityMixin):
    """Grant an appeal: the request is authorized with the given validity."""

    def __init__(self, subject: Subject, *, valid_days: int, parent: QWidget | None = None,
                 submit: Submit | None = None) -> None:
        super().__init__(subject, parent, submit)
        self.setObjectName("grantAppealDialog")
        self.setWindowTitle(self.tr("Grant appeal"))
        self.confirm_button.setText(self.tr("&Grant and authorize"))
        self.days_spin = self._build_validity(self, valid_days)
        self.text_edit = _TextBox("resolutionTextEdit")
        self.text_edit.setPlaceholderText(self.tr("Why the first decision is reversed."))
        self.counter = self._counter("resolutionTextCounter")
        days_label = QLabel(self.tr("&Validity:"))
        days_label.setBuddy(self.days_spin)
        text_label = QLabel(self.tr("&Resolution:"))
        text_label.setBuddy(self.text_edit)
        self.form.addRow(days_label, self.days_spin)
        self.form.addRow("", self._until_label)
        self.form.addRow(text_label, self.text_edit)
        self.form.addRow("", self.counter)
        self.text_edit.textChanged.connect(self.update_state)
        self.setTabOrder(self.days_spin, self.text_edit)
        self.setTabOrder(self.text_edit, self.confirm_button)
        self.update_state()

    def first_field(self) -> QWidget:
        return self.text_edit

    def is_complete(self) -> bool:
        length = len(self.text_edit.value())
        self.counter.setText(self._length_text(length, F.REJECTION_TEXT.min_length,
                                               F.REJECTION_TEXT.max_length))
        return F.REJECTION_TEXT.min_length <= length <= (F.REJECTION_TEXT.max_length or 2000)

    def values(self) -> GrantValues:
        return GrantValues(self.days_spin.value(), self.text_edit.value())


class DenyAppealDialog(RejectDialog):
    """Deny an appeal: the rejection becomes final, with a reason and an explanation."""

    def __init__(self, subject: Subject, *, reasons: Sequence[Choice],
                 parent: QWidget | None = None, submit: Submit | None = None) -> None:
        super().__init__(subject, reasons=reasons, parent=parent, submit=submit)
        self.setObjectName("denyAppealDialog")
        self.setWindowTitle(self.tr("Deny appeal"))
        self.confirm_button.setText(self.tr("&Deny appeal"))
