"""New request (physician): the ST2 form, from a blank page to a request under review.

What the physician fills: the patient (looked up by NSS, or captured and registered), the
study or procedure (searched by code or name, telling whether it needs an ST2), the
CIE-10 diagnosis, the performing unit, the priority, an emergency already performed and
its date, the clinical justification (with a counter) and attached files.

Ctrl+S saves the draft in the database, Ctrl+Enter submits it: the automated review's
blocking findings keep it a draft and are listed with the focus on the field to fix;
warnings travel with it to the specialist. The content is also autosaved on this computer
a few seconds after each change (drafts.py), so a crash or a closed window loses nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QFont,
    QKeySequence,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from st2desk import clock
from st2desk.errors import ConcurrencyConflict, St2Error, ValidationError
from st2desk.forms import st2_fields as F
from st2desk.inputs import read_bounded
from st2desk.models import Priority, RequestStatus, Severity, Sex
from st2desk.services import attachments as attachment_service
from st2desk.services import lookup, requests
from st2desk.services.lookup import (
    AttachmentInfo,
    DiagnosisOption,
    FindingInfo,
    RequestDetail,
    ServiceOption,
    UnitOption,
)
from st2desk.services.patients import PatientData, register_patient
from st2desk.services.requests import RequestData
from st2desk.ui import accessibility
from st2desk.ui.choice_combo import ChoiceCombo
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
    PatientPanel,
    set_reason,
)
from st2desk.ui.request_detail import status_labels
from st2desk.ui.screen_fit import FieldsScrollArea, ReflowBoxLayout

T = TypeVar("T")
INSERT_ROLE = Qt.ItemDataRole.UserRole + 1
FIELD_ROLE = Qt.ItemDataRole.UserRole + 2
SEARCH_DELAY_MS = 150


# --------------------------------------------------------------------------- catalog search


class CatalogSearchEdit(QLineEdit, Generic[T]):
    """A line edit that searches a catalog as you type and offers the matches in a popup.

    Down opens the list; Enter (or a click) picks; a complete code typed by hand is
    resolved when leaving the field. `chosen` is the picked option, or None.
    """

    sig_chosen = Signal(object)
    """The picked option changed (the option, or None when the text no longer names one)."""

    def __init__(self, search: Callable[[str], list[T]], describe: Callable[[T], str],
                 insert_text: Callable[[T], str], resolve: Callable[[str], T | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._search = search
        self._describe = describe
        self._insert = insert_text
        self._resolve = resolve
        self._results: list[T] = []
        self.chosen: T | None = None
        self._model = QStandardItemModel(self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self._completer.setCompletionRole(INSERT_ROLE)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setMaxVisibleItems(12)
        self._completer.setWidget(self)
        self._completer.activated[str].connect(self._activated)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.textEdited.connect(self._edited)
        self.editingFinished.connect(self._finished)

    def completer_popup(self) -> QWidget:
        return self._completer.popup()

    def results(self) -> list[T]:
        return list(self._results)

    def choose(self, option: T | None, *, emit: bool = True) -> None:
        self.chosen = option
        if option is not None:
            self.setText(self._insert(option))
            self.setCursorPosition(0)
        if emit:
            self.sig_chosen.emit(option)

    @Slot()
    def refresh(self) -> None:
        """Search the typed text now and show the matches if the field has the focus."""
        self._timer.stop()
        self._results = self._search(self.text().strip())
        self._model.clear()
        for option in self._results:
            item = QStandardItem(self._describe(option))
            item.setData(self._insert(option), INSERT_ROLE)
            item.setToolTip(self._describe(option))
            self._model.appendRow(item)
        if self.hasFocus() and self._results:
            self._completer.setCompletionPrefix(self.text())
            popup = self._completer.popup()
            popup.setMinimumWidth(max(self.width(), 560))
            self._completer.complete()
        elif not self._results:
            self._completer.popup().hide()

    @Slot(str)
    def _edited(self, text: str) -> None:
        if self.chosen is not None and text != self._insert(self.chosen):
            self.chosen = None
            self.sig_chosen.emit(None)
        self._timer.start()

    @Slot(str)
    def _activated(self, text: str) -> None:
        option = next((o for o in self._results if self._insert(o) == text), None)
        if option is not None:
            self.choose(option)

    @Slot()
    def _finished(self) -> None:
        """Leaving the field with a complete code typed takes it, even while suggestions
        are still showing (Tab right after typing «K80.2»)."""
        text = self.text().strip()
        if self.chosen is not None or not text:
            return
        option = self._resolve(text)
        if option is not None:
            self._timer.stop()
            self._completer.popup().hide()
            self.choose(option)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_Down and not self._completer.popup().isVisible():
            self.refresh()
            if self._results:
                self._completer.popup().setCurrentIndex(self._completer.completionModel().index(0, 0))
            return
        super().keyPressEvent(event)


FOLDED_ROLE = Qt.ItemDataRole.UserRole + 3


class FoldingCompleter(QCompleter):
    """Matches typed text with or without accents («aragon» finds «Aragón»): both sides are
    compared folded (`lookup.fold`), and a choice still inserts the item's own text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCompletionRole(FOLDED_ROLE)
        self.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt API
        return [lookup.fold(path)]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:  # noqa: N802 - Qt API
        return str(index.data(Qt.ItemDataRole.DisplayRole) or "")


class UnitCombo(ChoiceCombo):
    """Performing units, searchable by any part of the code or name, accents or not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(15)
        # As wide as the form gives it, not as the longest unit name of the catalog.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        completer = FoldingCompleter(self)
        completer.setModel(self.model())
        self.setCompleter(completer)
        self.lineEdit().editingFinished.connect(self._resolve_typed)

    def set_units(self, units: list[UnitOption]) -> None:
        current = self.unit_id()
        self.clear()
        for unit in units:
            text = f"{unit.code} — {unit.name}"
            self.addItem(text, unit.id)
            self.setItemData(self.count() - 1, lookup.fold(text), FOLDED_ROLE)
        self.set_unit_id(current)

    def unit_id(self) -> int | None:
        text = self.currentText().strip()
        if not text:
            return None
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        return self.itemData(index) if index >= 0 else None

    def set_unit_id(self, unit_id: int | None) -> None:
        index = self.findData(unit_id) if unit_id is not None else -1
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText("")

    @Slot()
    def _resolve_typed(self) -> None:
        text = lookup.fold(self.currentText().strip())
        if not text or self.unit_id() is not None:
            return
        matches = [i for i in range(self.count()) if text in lookup.fold(self.itemText(i))]
        if len(matches) == 1:
            self.setCurrentIndex(matches[0])


# --------------------------------------------------------------------------- the form


@dataclass
class _Outcome:
    request_id: int
    version: int
    folio: str
    status: RequestStatus
    patient_id: int | None
    findings: list[FindingInfo] = field(default_factory=list)
    registered: bool = False

    @property
    def blocked(self) -> bool:
        return any(f.severity is Severity.BLOCK for f in self.findings)


class RequestForm(QWidget):
    """The physician's ST2 form (section "new_request")."""

    sig_request_sent = Signal(int)
    """A request was submitted and went to review (its id)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("requestForm")
        self.request_id: int | None = None
        self.version: int | None = None
        self.folio: str | None = None
        self.status: RequestStatus | None = None
        self._saved_at: datetime | None = None
        self._dirty = False
        self._loading = False
        self._last_sent: int | None = None
        self.store = LocalDraftStore(ctx.actor.username, ctx.actor.user_id)
        self.autosaver = Autosaver(self.store, self.snapshot, self)
        self.autosaver.sig_state_changed.connect(self._update_header)

        self._build()
        self._wire()
        self._loading = True
        try:
            self._load_units()
            self._reset_fields()
        finally:
            self._loading = False
        self._restore_local_draft()
        self._update_header()
        self.patient.nss_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self.title_label = QLabel()
        self.title_label.setObjectName("formTitle")
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.state_label = QLabel()
        self.state_label.setObjectName("formState")
        self.new_button = QPushButton(self.tr("New request"))
        self.new_button.setObjectName("newRequestButton")
        self.new_button.setToolTip(self.tr("Start a blank form (Ctrl+N)"))

        # Banners: a recovered local draft, the request just sent.
        self.recovered_banner, self.recovered_label, self.discard_button = self._banner(
            "recoveredBanner", self.tr("An unsaved draft was recovered."), self.tr("Discard"),
            "#fff4d6", "#c9a227")
        self.discard_button.setObjectName("discardDraftButton")
        self.sent_banner, self.sent_label, self.open_sent_button = self._banner(
            "sentBanner", "", self.tr("See it in My requests"), "#e3f4e4", "#5f9f62")
        self.open_sent_button.setObjectName("openSentButton")

        self.patient = PatientPanel(self.ctx, self)

        # The requested service.
        self.service_edit: CatalogSearchEdit[ServiceOption] = CatalogSearchEdit(
            lambda text: self._read_or_empty(lambda s: lookup.search_services(s, text)),
            self._describe_service, self._service_text, self._resolve_service)
        self.service_edit.setObjectName("serviceCombo")
        self.service_edit.setPlaceholderText(self.tr("Code or words of the name, e.g. resonancia rodilla"))
        self.service_info = QLabel()
        self.service_info.setObjectName("serviceInfo")
        self.service_info.setWordWrap(True)
        self.diagnosis_edit: CatalogSearchEdit[DiagnosisOption] = CatalogSearchEdit(
            lambda text: self._read_or_empty(lambda s: lookup.search_diagnoses(s, text)),
            lambda dx: f"{dx.dotted} — {dx.description}", lambda dx: dx.dotted,
            lambda text: self._read_or_empty(lambda s: lookup.get_diagnosis(s, text)))
        self.diagnosis_edit.setObjectName("diagnosisEdit")
        self.diagnosis_edit.setPlaceholderText(self.tr("e.g. K80.2 or migraña"))
        self.diagnosis_edit.setFixedWidth(self.fontMetrics().horizontalAdvance("M" * 16) + 12)
        self.diagnosis_info = QLabel()
        self.diagnosis_info.setObjectName("diagnosisInfo")
        self.diagnosis_info.setWordWrap(True)
        self.unit_combo = UnitCombo()
        self.unit_combo.setObjectName("performingUnitCombo")
        self.unit_combo.lineEdit().setPlaceholderText(self.tr("Code or name of the unit"))
        self.unit_info = QLabel()
        self.unit_info.setObjectName("unitInfo")
        self.priority_combo = QComboBox()
        self.priority_combo.setObjectName("priorityCombo")
        self.priority_combo.addItem(self.tr("Ordinary (decision within 7 days)"), Priority.ORDINARY.value)
        self.priority_combo.addItem(self.tr("Urgent (decision within 72 hours)"), Priority.URGENT.value)
        self.emergency_check = QCheckBox(self.tr("Emergenc&y already performed on:"))
        self.emergency_check.setObjectName("emergencyCheck")
        self.emergency_check.setToolTip(self.tr(
            "The service was performed before authorization; file it within 72 hours."))
        self.performed_edit = DateEdit()
        self.performed_edit.setObjectName("performedOnEdit")
        self.performed_edit.setAccessibleName(self.tr("Date the emergency was performed"))
        self.performed_time_edit = QLineEdit()
        self.performed_time_edit.setObjectName("performedTimeEdit")
        self.performed_time_edit.setPlaceholderText(self.tr("hh:mm"))
        self.performed_time_edit.setMaxLength(5)
        self.performed_time_edit.setFixedWidth(
            self.performed_time_edit.fontMetrics().horizontalAdvance("00:000") + 16)
        self.performed_time_edit.setAccessibleName(self.tr("Hour the emergency was performed"))
        self.performed_time_edit.setToolTip(self.tr("Hour the emergency was performed (hh:mm)"))
        self.performed_time_edit.setEnabled(False)
        self.emergency_note = QLabel()
        self.emergency_note.setObjectName("emergencyNote")
        self.emergency_note.setWordWrap(True)

        service_box = QGroupBox(self.tr("Requested service"))
        grid = QGridLayout(service_box)
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(6)
        grid.addWidget(self._label(self.tr("&Study or procedure:"), self.service_edit), 0, 0)
        grid.addWidget(self.service_edit, 0, 1)
        grid.addWidget(self.service_info, 1, 1)
        grid.addWidget(self._label(self.tr("&Diagnosis (CIE-10):"), self.diagnosis_edit), 2, 0)
        grid.addWidget(self.diagnosis_edit, 2, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.diagnosis_info, 3, 1)
        grid.addWidget(self._label(self.tr("Performing &unit:"), self.unit_combo), 4, 0)
        grid.addWidget(self.unit_combo, 4, 1)
        grid.addWidget(self.unit_info, 5, 1)
        grid.addWidget(self._label(self.tr("P&riority:"), self.priority_combo), 6, 0)
        grid.addWidget(self.priority_combo, 6, 1, Qt.AlignmentFlag.AlignLeft)
        emergency_row = QHBoxLayout()
        emergency_row.addWidget(self.emergency_check)
        emergency_row.addWidget(self.performed_edit)
        emergency_row.addWidget(self.performed_time_edit)
        emergency_row.addWidget(self.emergency_note, 1)
        grid.addLayout(emergency_row, 7, 0, 1, 2)

        # Justification.
        self.justification_edit = QPlainTextEdit()
        self.justification_edit.setObjectName("justificationEdit")
        self.justification_edit.setTabChangesFocus(True)
        self.justification_edit.setPlaceholderText(self.tr(
            "Clinical picture, findings and why this patient needs the service now "
            "(at least 30 characters)."))
        self.justification_edit.setMinimumHeight(120)
        self.justification_counter = QLabel()
        self.justification_counter.setObjectName("justificationCounter")
        self.justification_counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        # What each field's note says (its problem) is read with the field.
        for note, described in ((self.service_info, self.service_edit),
                                 (self.diagnosis_info, self.diagnosis_edit),
                                 (self.unit_info, self.unit_combo),
                                 (self.emergency_note, self.performed_edit),
                                 (self.justification_counter, self.justification_edit)):
            accessibility.describes(note, described)
        justification_box = QGroupBox(self.tr("Clinical justification"))
        jlay = QVBoxLayout(justification_box)
        jlay.addWidget(self._label(self.tr("&Justification (what the specialist will read):"),
                                   self.justification_edit))
        jlay.addWidget(self.justification_edit, 1)
        jlay.addWidget(self.justification_counter)

        # Attachments.
        self.attachments_list = QListWidget()
        self.attachments_list.setObjectName("attachmentsList")
        self.attachments_list.setAccessibleName(self.tr("Attached files"))
        self.attachments_list.setMaximumHeight(90)
        self.attach_button = QPushButton(self.tr("A&ttach file…"))
        self.attach_button.setObjectName("attachButton")
        self.attach_button.setToolTip(self.tr("PDF, PNG or JPEG, up to 10 MB"))
        self.remove_attachment_button = QPushButton(self.tr("Re&move"))
        self.remove_attachment_button.setObjectName("removeAttachmentButton")
        attachments_box = QGroupBox(self.tr("Attached files (PDF, PNG, JPEG · up to 10 MB)"))
        alay = QHBoxLayout(attachments_box)
        alay.addWidget(self.attachments_list, 1)
        abuttons = QVBoxLayout()
        abuttons.addWidget(self.attach_button)
        abuttons.addWidget(self.remove_attachment_button)
        abuttons.addStretch(1)
        alay.addLayout(abuttons)

        # Findings of the automated review.
        self.findings_title = QLabel()
        self.findings_title.setObjectName("findingsTitle")
        self.findings_title.setWordWrap(True)
        self.findings_list = QListWidget()
        self.findings_list.setObjectName("findingsList")
        self.findings_list.setWordWrap(True)
        self.findings_list.setAccessibleName(self.tr("Findings of the automated review"))
        self.findings_list.setToolTip(self.tr("Enter or double-click goes to the field to fix"))
        self.findings_box = QGroupBox(self.tr("Automated review"))
        self.findings_box.setObjectName("findingsPanel")
        flay = QVBoxLayout(self.findings_box)
        flay.addWidget(self._label(self.tr("Automated review chec&ks:"), self.findings_list))
        flay.addWidget(self.findings_title)
        flay.addWidget(self.findings_list)
        self.findings_box.hide()

        # Buttons.
        self.save_button = QPushButton(self.tr("Sa&ve draft"))
        self.save_button.setObjectName("saveDraftButton")
        self.save_button.setToolTip(self.tr("Save the draft in the database (Ctrl+S)"))
        self.submit_button = QPushButton(self.tr("Submi&t for review"))
        self.submit_button.setObjectName("submitButton")
        self.submit_button.setToolTip(self.tr("Run the automated review and send (Ctrl+Enter)"))
        self.submit_button.setDefault(False)
        self.submit_button.setAutoDefault(False)

        left = QVBoxLayout()
        left.addWidget(self.patient)
        left.addWidget(service_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(justification_box, 3)
        right.addWidget(attachments_box)
        right.addWidget(self.findings_box, 2)
        columns = ReflowBoxLayout()  # one above the other where both do not fit (150 %, 200 %)
        columns.addLayout(left, 11)
        columns.addLayout(right, 9)
        body = QWidget()
        body.setObjectName("formBody")
        body.setLayout(columns)
        scroll = FieldsScrollArea()  # never narrower than its fields (small screens)
        scroll.setObjectName("formScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)

        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title_label)
        titles.addWidget(self.state_label)
        header.addLayout(titles, 1)
        header.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        self.hint_label = QLabel(self.tr("Ctrl+S saves the draft · Ctrl+Enter submits · "
                                         "kept on this computer as you type"))
        self.hint_label.setStyleSheet(f"color: {HINT_COLOR};")
        self.hint_label.setWordWrap(True)
        buttons.addWidget(self.hint_label, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.submit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.addLayout(header)
        layout.addWidget(self.recovered_banner)
        layout.addWidget(self.sent_banner)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        chain = [*self.patient.focus_chain(), self.service_edit, self.diagnosis_edit,
                 self.unit_combo, self.priority_combo, self.emergency_check, self.performed_edit,
                 self.performed_time_edit, self.justification_edit, self.attach_button,
                 self.remove_attachment_button,
                 self.attachments_list, self.findings_list, self.save_button, self.submit_button,
                 self.new_button]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _label(self, text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def _banner(self, name: str, text: str, button_text: str, background: str,
                border: str) -> tuple[QFrame, QLabel, QPushButton]:
        frame = QFrame()
        frame.setObjectName(name)
        frame.setStyleSheet(f"QFrame#{name} {{ background: {background}; border: 1px solid {border};"
                            " border-radius: 4px; }")
        label = QLabel(text)
        label.setWordWrap(True)
        button = QPushButton(button_text)
        lay = QHBoxLayout(frame)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.addWidget(label, 1)
        lay.addWidget(button)
        frame.hide()
        return frame, label, button

    def _wire(self) -> None:
        self.patient.sig_changed.connect(self._changed)
        self.service_edit.sig_chosen.connect(self._service_chosen)
        self.service_edit.textEdited.connect(self._changed)
        self.service_edit.textEdited.connect(self._update_service_info)
        self.diagnosis_edit.sig_chosen.connect(self._diagnosis_chosen)
        self.diagnosis_edit.textEdited.connect(self._changed)
        self.diagnosis_edit.editingFinished.connect(self._update_diagnosis_info)
        self.diagnosis_edit.textEdited.connect(self._update_diagnosis_info)
        self.unit_combo.currentIndexChanged.connect(self._changed)
        self.unit_combo.lineEdit().textEdited.connect(self._changed)
        self.unit_combo.lineEdit().editingFinished.connect(self._update_unit_info)
        self.unit_combo.currentIndexChanged.connect(self._update_unit_info)
        self.priority_combo.currentIndexChanged.connect(self._changed)
        self.emergency_check.toggled.connect(self._emergency_toggled)
        self.performed_edit.sig_date_changed.connect(self._performed_changed)
        self.performed_time_edit.textEdited.connect(lambda _text: self._changed())
        self.justification_edit.textChanged.connect(self._justification_changed)
        self.attach_button.clicked.connect(self.attach_file)
        self.remove_attachment_button.clicked.connect(self.remove_attachment)
        self.attachments_list.currentRowChanged.connect(self._update_buttons)
        self.findings_list.itemActivated.connect(self._finding_activated)
        self.save_button.clicked.connect(self.save_draft)
        self.submit_button.clicked.connect(self.submit)
        self.new_button.clicked.connect(self.new_request)
        self.discard_button.clicked.connect(self.discard_local_draft)
        self.open_sent_button.clicked.connect(self._open_sent)
        for sequence, slot in ((QKeySequence.StandardKey.Save, self.save_draft),
                               (QKeySequence("Ctrl+Return"), self.submit),
                               (QKeySequence("Ctrl+Enter"), self.submit),
                               (QKeySequence.StandardKey.New, self.new_request)):
            shortcut = QShortcut(sequence, self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _read_or_empty(self, fn: Callable[[Any], Any]) -> Any:
        """A catalog read; a lost connection must not break typing (shows nothing)."""
        try:
            return self.ctx.ops.read(fn)
        except St2Error:
            return []
        except Exception:  # noqa: BLE001 - the database is away; the next keystroke retries
            return []

    def _load_units(self, include_id: int | None = None) -> None:
        units = self.ctx.ops.read(
            lambda s: lookup.list_performing_units(s, self.ctx.actor, include_id))
        self.unit_combo.blockSignals(True)
        self.unit_combo.set_units(units)
        self.unit_combo.blockSignals(False)

    # ------------------------------------------------------------------ catalog texts

    def _service_text(self, svc: ServiceOption) -> str:
        return f"{svc.code} — {svc.name}"

    def _describe_service(self, svc: ServiceOption) -> str:
        if svc.needs_st2:
            return self.tr("%1 — %2 · needs ST2").replace("%1", svc.code).replace("%2", svc.name)
        return self.tr("%1 — %2 · basic catalog, no ST2").replace("%1", svc.code).replace("%2", svc.name)

    def _resolve_service(self, text: str) -> ServiceOption | None:
        code = text.split("—")[0].strip()
        return self._read_or_empty(lambda s: lookup.service_by_code(s, code)) or None

    @Slot(object)
    def _service_chosen(self, svc: ServiceOption | None) -> None:
        self._update_service_info()
        self._changed()

    def _update_service_info(self) -> None:
        svc = self.service_edit.chosen
        if svc is None:
            if self.service_edit.text().strip():
                set_reason(self.service_info, self.tr(
                    "Choose the service from the list (Down shows it)."), WARN_COLOR)
            else:
                set_reason(self.service_info, self.tr(
                    "Type a code or words of the name; Down lists the services."), HINT_COLOR)
            return
        if not svc.needs_st2:
            set_reason(self.service_info, self.tr(
                "In the basic catalog: it does not need an ST2; request it the ordinary way "
                "at your unit."), ERROR_COLOR)
            return
        parts = [self.tr("Needs ST2"), svc.specialty,
                 self.tr("valid %1 days once authorized").replace("%1", str(svc.validity_days))]
        if svc.sex is Sex.FEMALE:
            parts.append(self.tr("women only"))
        elif svc.sex is Sex.MALE:
            parts.append(self.tr("men only"))
        if svc.min_age is not None:
            parts.append(self.tr("from %1 years").replace("%1", str(svc.min_age)))
        if svc.max_age is not None:
            parts.append(self.tr("up to %1 years").replace("%1", str(svc.max_age)))
        set_reason(self.service_info, "✓ " + " · ".join(parts), OK_COLOR)

    @Slot(object)
    def _diagnosis_chosen(self, dx: DiagnosisOption | None) -> None:
        self._update_diagnosis_info()
        self._changed()

    @Slot()
    def _update_diagnosis_info(self) -> None:
        dx = self.diagnosis_edit.chosen
        text = self.diagnosis_edit.text().strip()
        if dx is not None:
            set_reason(self.diagnosis_info, dx.description, OK_COLOR)
        elif not text:
            set_reason(self.diagnosis_info, self.tr("Code or words of the description; Down lists them."),
                       HINT_COLOR)
        elif self.diagnosis_edit.hasFocus():
            set_reason(self.diagnosis_info, self.tr("Choose the diagnosis from the list."), WARN_COLOR)
        else:
            set_reason(self.diagnosis_info, self.tr("«%1» is not a CIE-10 code of the catalog.")
                       .replace("%1", text), ERROR_COLOR)

    @Slot()
    def _update_unit_info(self) -> None:
        unresolved = self.unit_combo.unit_id() is None and bool(self.unit_combo.currentText().strip())
        set_reason(self.unit_info, self.tr("Choose the performing unit from the list.")
                   if unresolved else "", ERROR_COLOR)
        self.unit_info.setVisible(unresolved)

    # ------------------------------------------------------------------ edits

    @Slot()
    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        self._dirty = True
        self.sent_banner.hide()
        self.autosaver.changed()
        self._update_header()

    @Slot()
    def _justification_changed(self) -> None:
        length = len(self.justification_edit.toPlainText().strip())
        low, high = F.JUSTIFICATION.min_length, F.JUSTIFICATION.max_length or 4000
        text = self.tr("%1 / %2 characters (at least %3)").replace("%1", str(length)).replace(
            "%2", str(high)).replace("%3", str(low))
        color = ERROR_COLOR if length > high or (0 < length < low) else (
            HINT_COLOR if length == 0 else OK_COLOR)
        set_reason(self.justification_counter, text, color)
        self._changed()

    @Slot(bool)
    def _emergency_toggled(self, checked: bool) -> None:
        self.performed_edit.setEnabled(checked)
        self.performed_time_edit.setEnabled(checked)
        if checked and self.performed_edit.is_blank() and not self._loading:
            self.performed_edit.set_value(clock.today())
        if checked and not self._loading:
            self.priority_combo.setCurrentIndex(self.priority_combo.findData(Priority.URGENT.value))
        self.priority_combo.setEnabled(not checked)
        self._update_emergency_note()
        self._changed()

    @Slot()
    def _performed_changed(self) -> None:
        self._update_emergency_note()
        self._changed()

    def _update_emergency_note(self) -> None:
        if not self.emergency_check.isChecked():
            set_reason(self.emergency_note, "")
            return
        problem = self.performed_edit.problem()
        performed = self.performed_edit.value()
        if problem:
            set_reason(self.emergency_note, problem)
        elif performed is None:
            set_reason(self.emergency_note, self.tr("Write the date it was performed."), WARN_COLOR)
        elif (clock.today() - performed).days > 3:
            set_reason(self.emergency_note, self.tr(
                "More than 72 hours ago: it will be reviewed as filed late."), WARN_COLOR)
        else:
            set_reason(self.emergency_note, self.tr("Reviewed as an urgent request."), HINT_COLOR)

    def _update_buttons(self) -> None:
        editable = self.status in (None, RequestStatus.DRAFT, RequestStatus.PERFORMED_EMERGENCY)
        self.remove_attachment_button.setEnabled(editable and self.attachments_list.currentRow() >= 0)
        self.attach_button.setEnabled(editable)
        # A draft never sent may still become an emergency (the ER note is often attached
        # first, which saves a draft); a recorded emergency stays one, and says why.
        can_change = self.request_id is None or self.status is RequestStatus.DRAFT
        self.emergency_check.setEnabled(can_change)
        if can_change:
            why = self.tr("The service was performed before authorization; file it within 72 hours.")
        elif self.status is RequestStatus.PERFORMED_EMERGENCY:
            why = self.tr("Recorded as an emergency already performed. If that was a mistake, "
                          "cancel it in My requests and make a new request.")
        else:
            why = self.tr("This request was already sent: it can no longer become an emergency.")
        self.emergency_check.setToolTip(why)
        self.emergency_check.setAccessibleDescription(why)
        self.performed_edit.setEnabled(self.emergency_check.isChecked())
        self.performed_time_edit.setEnabled(self.emergency_check.isChecked())

    def _update_header(self) -> None:
        if self.request_id is None:
            self.title_label.setText(self.tr("New ST2 request"))
        else:
            self.title_label.setText(self.tr("ST2 request %1").replace("%1", self.folio or ""))
        parts = []
        if self.status is not None:
            parts.append(status_labels()[self.status])  # in the interface's language
        if self._dirty and self.autosaver.failure is not None:
            set_reason(self.state_label, self.tr(
                "Unsaved changes NOT kept on this computer (retrying): %1").replace(
                "%1", self.autosaver.failure))
            self._update_buttons()
            return
        if self._dirty:
            parts.append(self.tr("unsaved changes, kept on this computer"))
        elif self._saved_at is not None:
            parts.append(self.tr("saved in the database at %1").replace(
                "%1", clock.local(self._saved_at).strftime("%H:%M")))
        elif self.request_id is None:
            parts.append(self.tr("not saved yet"))
        set_reason(self.state_label, " · ".join(parts), HINT_COLOR)
        self._update_buttons()

    # ------------------------------------------------------------------ snapshot (local autosave)

    def is_blank(self) -> bool:
        return (self.request_id is None and self.patient.is_empty()
                and not self.service_edit.text().strip() and not self.diagnosis_edit.text().strip()
                and not self.justification_edit.toPlainText().strip()
                and not self.emergency_check.isChecked())

    def snapshot(self) -> dict[str, Any] | None:
        """The form's content as JSON-ready data, or None for a blank form."""
        if self.is_blank():
            return None
        svc = self.service_edit.chosen
        return {
            "request_id": self.request_id, "version": self.version, "folio": self.folio,
            "patient": self.patient.snapshot(),
            "service_id": svc.id if svc else None, "service_text": self.service_edit.text(),
            "diagnosis": self.diagnosis_edit.text(),
            "performing_unit_id": self.unit_combo.unit_id(),
            "performing_unit_text": self.unit_combo.currentText(),
            "priority": self.priority_combo.currentData(),
            "emergency": self.emergency_check.isChecked(),
            "performed_on": self.performed_edit.text(),
            "performed_time": self.performed_time_edit.text(),
            "justification": self.justification_edit.toPlainText(),
        }

    def _restore_local_draft(self) -> None:
        content = self.store.load()
        if not content:
            return
        self._loading = True
        try:
            self._apply_snapshot(content)
        except (KeyError, TypeError, ValueError):
            self._loading = False
            self.store.clear()
            return
        finally:
            self._loading = False
        self._dirty = True
        self.recovered_banner.show()
        self._update_header()

    def _apply_snapshot(self, content: dict[str, Any]) -> None:
        request_id = content.get("request_id")
        self._clear_request()
        if isinstance(request_id, int):
            detail = self._read_detail(request_id, quiet=True)
            if detail is not None and "edit" in detail.actions:
                self._set_request(detail)
                self.version = content.get("version") or detail.version
                self._show_attachments(detail.attachments)
        self.patient.restore(content.get("patient") or {})
        svc = None
        if isinstance(content.get("service_id"), int):
            svc = self._read_or_empty(lambda s: lookup.get_service(s, content["service_id"])) or None
        if svc is not None:
            self.service_edit.choose(svc, emit=False)
        else:
            self.service_edit.setText(str(content.get("service_text") or ""))
        self._set_diagnosis(str(content.get("diagnosis") or ""))
        unit_id = content.get("performing_unit_id")
        if isinstance(unit_id, int):
            self._load_units(unit_id)
        self.unit_combo.set_unit_id(unit_id if isinstance(unit_id, int) else None)
        if unit_id is None and content.get("performing_unit_text"):
            self.unit_combo.setEditText(str(content["performing_unit_text"]))
        self.priority_combo.setCurrentIndex(max(0, self.priority_combo.findData(content.get("priority"))))
        self.emergency_check.setChecked(bool(content.get("emergency")))
        self.performed_edit.setText(str(content.get("performed_on") or ""))
        self.performed_time_edit.setText(str(content.get("performed_time") or ""))
        self.justification_edit.setPlainText(str(content.get("justification") or ""))
        self.justification_edit.moveCursor(QTextCursor.MoveOperation.End)
        self._refresh_infos()

    @Slot()
    def discard_local_draft(self) -> None:
        """Drop the recovered copy and start blank (a draft in the database stays as it was)."""
        self.autosaver.discard()
        self._dirty = False
        self._clear_all()
        self.recovered_banner.hide()
        self.patient.nss_edit.setFocus()

    # ------------------------------------------------------------------ load / new

    def _read_detail(self, request_id: int, *, quiet: bool = False) -> RequestDetail | None:
        try:
            return self.ctx.ops.read(lambda s: lookup.get_my_request(s, self.ctx.actor, request_id))
        except St2Error as exc:
            if not quiet:
                show_error(self, exc.message)
            return None

    def _confirm_discard(self) -> bool:
        if not self._dirty or self.is_blank():
            return True
        answer = QMessageBox.question(
            self, self.tr("Unsaved changes"),
            self.tr("The form has changes that are not saved in the database. Discard them?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def load_request(self, request_id: int, *, force: bool = False) -> bool:
        """Open one of the physician's drafts (or a revision just created) for editing.

        Asks before dropping unsaved changes, unless `force` (the caller already asked).
        """
        if request_id == self.request_id and not self._dirty and not force:
            return True
        if not force and not self._confirm_discard():
            return False
        detail = self._read_detail(request_id)
        if detail is None:
            return False
        if "edit" not in detail.actions:
            show_error(self, self.tr("Request %1 can no longer be edited: its status is «%2».")
                       .replace("%1", detail.folio).replace("%2", detail.status_label))
            return False
        self.autosaver.discard()
        self._loading = True
        try:
            self._clear_all(keep_focus=True)
            self._set_request(detail)
            self.patient.load_patient(detail.patient)
            if detail.service is not None:
                self.service_edit.choose(detail.service, emit=False)
            self._set_diagnosis(detail.diagnosis.dotted if detail.diagnosis
                                else (detail.diagnosis_code or ""))
            if detail.performing_unit is not None:
                self._load_units(detail.performing_unit.id)
                self.unit_combo.set_unit_id(detail.performing_unit.id)
            self.priority_combo.setCurrentIndex(
                max(0, self.priority_combo.findData(detail.priority.value)))
            self.emergency_check.setChecked(detail.is_emergency)
            self.performed_edit.set_value(detail.performed_on)
            self.performed_time_edit.setText(
                f"{detail.performed_time:%H:%M}" if detail.performed_time else "")
            self.justification_edit.setPlainText(detail.justification)
            self.justification_edit.moveCursor(QTextCursor.MoveOperation.End)
            self._show_attachments(detail.attachments)
            self._show_findings(list(detail.findings), after_submit=False)
        finally:
            self._loading = False
        self._dirty = False
        self._saved_at = None
        self.recovered_banner.hide()
        self.sent_banner.hide()
        self._refresh_infos()
        self._update_header()
        self.patient.nss_edit.setFocus()
        return True

    @Slot()
    def new_request(self) -> None:
        """A blank form (asks first when there are unsaved changes)."""
        if not self._confirm_discard():
            return
        self.autosaver.discard()
        self._dirty = False
        self._clear_all()
        self.recovered_banner.hide()
        self.patient.nss_edit.setFocus()

    def _set_request(self, detail: RequestDetail) -> None:
        self.request_id = detail.id
        self.version = detail.version
        self.folio = detail.folio
        self.status = detail.status

    def _clear_request(self) -> None:
        self.request_id = self.version = self.folio = self.status = None
        self._saved_at = None

    def _clear_all(self, keep_focus: bool = False) -> None:
        was_loading = self._loading
        self._loading = True
        try:
            self._clear_request()
            self._reset_fields()
        finally:
            self._loading = was_loading
        self._update_header()

    def _reset_fields(self) -> None:
        self.patient.clear()
        self.service_edit.clear()
        self.service_edit.choose(None, emit=False)
        self._set_diagnosis("")
        default_unit = self.ctx.ops.read(lambda s: lookup.last_performing_unit(s, self.ctx.actor))
        self.unit_combo.set_unit_id(default_unit)
        self.priority_combo.setCurrentIndex(0)
        self.priority_combo.setEnabled(True)
        self.emergency_check.setChecked(False)
        self.performed_edit.clear()
        self.performed_time_edit.clear()
        self.performed_edit.set_range(date(clock.today().year - 1, 1, 1), clock.today())
        self.justification_edit.clear()
        self.attachments_list.clear()
        self._show_findings([], after_submit=False)
        self._refresh_infos()

    def _set_diagnosis(self, text: str) -> None:
        dx = self._read_or_empty(lambda s: lookup.get_diagnosis(s, text)) if text.strip() else None
        if dx:
            self.diagnosis_edit.choose(dx, emit=False)
        else:
            self.diagnosis_edit.choose(None, emit=False)
            self.diagnosis_edit.setText(text)

    def _refresh_infos(self) -> None:
        self._update_unit_info()
        self._update_service_info()
        self._update_diagnosis_info()
        self._update_emergency_note()
        was_loading = self._loading
        self._loading = True
        self._justification_changed()
        self._loading = was_loading

    # ------------------------------------------------------------------ collect and save

    def _collect(self) -> tuple[RequestData, PatientData | None, bool]:
        """What to save: request data, patient data to register, emergency or not."""
        text = self.service_edit.text().strip()
        if self.service_edit.chosen is None and text:
            raise ValidationError(self.tr("Choose the study or procedure from the list."),
                                  field="service")
        unit_id = self.unit_combo.unit_id()
        if unit_id is None and self.unit_combo.currentText().strip():
            raise ValidationError(self.tr("Choose the performing unit from the list."),
                                  field="performing_unit")
        emergency = self.emergency_check.isChecked()
        performed_on = performed_time = None
        if emergency:
            problem = self.performed_edit.problem()
            if problem:
                raise ValidationError(problem, field="performed_on")
            performed_on = self.performed_edit.value()
            if performed_on is None:
                raise ValidationError(self.tr("Write the date the emergency was performed."),
                                      field="performed_on")
            try:
                performed_time = F.parse_hour(self.performed_time_edit.text())
            except ValueError as exc:
                raise ValidationError(str(exc), field="performed_time") from None
        patient = self.patient.patient_data() if self.patient.needs_registration() else None
        data = RequestData(
            patient_id=self.patient.patient_id if patient is None else None,
            service_id=self.service_edit.chosen.id if self.service_edit.chosen else None,
            diagnosis_code=self.diagnosis_edit.text().strip(),
            justification=self.justification_edit.toPlainText(),
            performing_unit_id=unit_id,
            priority=Priority(self.priority_combo.currentData()),
            performed_on=performed_on,
            performed_time=performed_time,
        )
        return data, patient, emergency

    def _write(self, submitting: bool) -> _Outcome | None:
        """Register the patient if needed, save the draft and (optionally) submit, in one go."""
        try:
            data, patient, emergency = self._collect()
        except ValidationError as exc:
            show_error(self, exc.message)
            self.focus_field(exc.field)
            return None
        actor = self.ctx.actor
        request_id, version, status = self.request_id, self.version, self.status

        def work(s) -> _Outcome:  # type: ignore[no-untyped-def]
            registered = False
            if patient is not None:
                data.patient_id = register_patient(s, actor, patient).id
                registered = True
            if request_id is None:
                req = (requests.file_emergency(s, actor, data) if emergency
                       else requests.create_draft(s, actor, data))
            elif emergency and status is RequestStatus.DRAFT:
                req = requests.draft_to_emergency(s, actor, request_id, data,
                                                  expected_version=version)
            else:
                req = requests.update_draft(s, actor, request_id, data, expected_version=version)
            findings: list[FindingInfo] = []
            if submitting:
                result = requests.submit(s, actor, req.id)
                findings = [FindingInfo(f.severity, f.code, f.message, f.field, f.related_folio)
                            for f in result.findings]
            s.flush()
            return _Outcome(req.id, req.version, req.folio, req.status, req.patient_id, findings,
                            registered)

        try:
            outcome = self.ctx.ops.write(work, parent=self, show_errors=False)
        except ConcurrencyConflict as exc:
            self._conflict(exc.message)
            return None
        except St2Error as exc:
            show_error(self, exc.message)
            self.focus_field(exc.field)
            return None
        if outcome is not None and outcome.registered and outcome.patient_id is not None:
            self._loading = True
            self.patient.registered(outcome.patient_id)
            self._loading = False
        return outcome

    def _conflict(self, message: str) -> None:
        request_id = self.request_id
        answer = QMessageBox.question(
            self, self.tr("The draft changed"),
            message + "\n\n" + self.tr("Reload the draft from the database? The changes in this "
                                       "form will be lost."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes and request_id is not None:
            self.load_request(request_id, force=True)

    @Slot()
    def save_draft(self) -> bool:
        """Save the form as a draft in the database (Ctrl+S)."""
        if self.is_blank():
            show_error(self, self.tr("The form is empty: there is nothing to save yet."))
            return False
        outcome = self._write(submitting=False)
        if outcome is None:
            return False
        self._after_save(outcome)
        return True

    @Slot()
    def submit(self) -> None:
        """Save and submit (Ctrl+Enter): the automated review decides whether it goes on."""
        if self.is_blank():
            show_error(self, self.tr("The form is empty: fill in the request first."))
            return
        outcome = self._write(submitting=True)
        if outcome is None:
            return
        self._after_save(outcome)
        if outcome.blocked:
            self._show_findings(outcome.findings, after_submit=True)
            first = next(f for f in outcome.findings if f.severity is Severity.BLOCK)
            self.focus_field(first.field)
            return
        # No modal box: the green banner says where the request went (and what the
        # specialist will be warned of), and the keyboard is ready for the next patient.
        warnings = [f.message for f in outcome.findings]
        text = self.tr("Request %1 is under review.").replace("%1", outcome.folio)
        if warnings:
            text += "\n" + self.tr("Warnings the specialist will see:") + "\n" + "\n".join(
                f"• {w}" for w in warnings)
        self._last_sent = outcome.request_id
        self._clear_all()
        self.sent_label.setText(text)
        self.sent_banner.show()
        self.patient.nss_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.sig_request_sent.emit(outcome.request_id)

    def _after_save(self, outcome: _Outcome) -> None:
        self.request_id = outcome.request_id
        self.version = outcome.version
        self.folio = outcome.folio
        self.status = outcome.status
        self._saved_at = clock.now()
        self._dirty = False
        self.autosaver.discard()
        self.recovered_banner.hide()
        self._update_header()

    # ------------------------------------------------------------------ findings

    def _show_findings(self, findings: list[FindingInfo], *, after_submit: bool) -> None:
        self.findings_list.clear()
        if not findings:
            self.findings_box.hide()
            return
        blocking = [f for f in findings if f.severity is Severity.BLOCK]
        style = self.style()
        for finding in sorted(findings, key=lambda f: f.severity is not Severity.BLOCK):
            blocks = finding.severity is Severity.BLOCK
            icon = style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical if blocks
                                      else QStyle.StandardPixmap.SP_MessageBoxWarning)
            prefix = self.tr("Must be fixed: ") if blocks else self.tr("Warning: ")
            item = QListWidgetItem(icon, prefix + finding.message)
            item.setData(Qt.ItemDataRole.UserRole, finding)
            item.setData(FIELD_ROLE, finding.field or "")
            self.findings_list.addItem(item)
        if blocking:
            title = (self.tr("The request was not submitted: fix what is listed and submit again.")
                     if after_submit else
                     self.tr("The last submission found problems to fix:"))
            set_reason(self.findings_title, title, ERROR_COLOR)
        else:
            set_reason(self.findings_title, self.tr(
                "Warnings only: the request can be submitted; the specialist will see them."),
                WARN_COLOR)
        self.findings_box.show()
        self.findings_list.setCurrentRow(0)

    @Slot(QListWidgetItem)
    def _finding_activated(self, item: QListWidgetItem) -> None:
        self.focus_field(item.data(FIELD_ROLE) or None)

    def field_widget(self, name: str | None) -> QWidget | None:
        if not name:
            return None
        return self.patient.field_widget(name) or {
            "service": self.service_edit, "diagnosis": self.diagnosis_edit,
            "justification": self.justification_edit, "performing_unit": self.unit_combo,
            "performed_on": self.performed_edit, "performed_time": self.performed_time_edit,
            "priority": self.priority_combo,
            "attachment": self.attach_button,
        }.get(name)

    def focus_field(self, name: str | None) -> None:
        """Move the focus to the widget of a finding's field (and scroll it into view)."""
        widget = self.field_widget(name)
        if widget is None:
            return
        scroll = self.findChild(QScrollArea, "formScroll")
        if scroll is not None:
            scroll.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()

    # ------------------------------------------------------------------ attachments

    def _show_attachments(self, items: tuple[AttachmentInfo, ...] | list[AttachmentInfo]) -> None:
        self.attachments_list.clear()
        for info in items:
            item = QListWidgetItem(f"{info.filename} · {attachment_service.human_size(info.size)}")
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            item.setToolTip(f"{info.media_type} · SHA-256 {info.sha256[:16]}…")
            self.attachments_list.addItem(item)
        self._update_buttons()

    def _reload_attachments(self) -> None:
        if self.request_id is None:
            return
        request_id = self.request_id
        items = self.ctx.ops.read(
            lambda s: attachment_service.list_attachments(s, self.ctx.actor, request_id))
        self._show_attachments(items)

    @Slot()
    def attach_file(self) -> None:
        """Attach a PDF or image; a form not yet in the database is saved as a draft first."""
        path, _filter = QFileDialog.getOpenFileName(
            self, self.tr("Attach a file"), start_folder("attachments"),
            self.tr("PDF and images (*.pdf *.png *.jpg *.jpeg);;All files (*)"))
        if not path:
            return
        remember_folder("attachments", path)
        try:  # bounded, regular files only (a FIFO or a device would hang the window)
            content = read_bounded(path, attachment_service.MAX_BYTES, "el archivo")
        except St2Error as exc:
            show_error(self, exc.message)
            return
        if self.request_id is None or self._dirty:
            if not self.save_draft():
                return
        request_id = self.request_id
        assert request_id is not None
        name = os.path.basename(path)
        done = self.ctx.ops.write(
            lambda s: attachment_service.add_attachment(s, self.ctx.actor, request_id, name, content),
            parent=self)
        if done is not None:
            self._reload_attachments()

    @Slot()
    def remove_attachment(self) -> None:
        item = self.attachments_list.currentItem()
        if item is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Remove file"),
            self.tr("Remove «%1» from the request?").replace("%1", item.text()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        attachment_id = item.data(Qt.ItemDataRole.UserRole)
        done = self.ctx.ops.write(
            lambda s: attachment_service.remove_attachment(s, self.ctx.actor, attachment_id) or True,
            parent=self)
        if done:
            self._reload_attachments()

    # ------------------------------------------------------------------ leaving

    @Slot()
    def _open_sent(self) -> None:
        window = self.window()
        show = getattr(window, "show_section", None)
        if show is None or self._last_sent is None:
            return
        view = show("my_requests")
        select = getattr(view, "select_request", None)
        if select is not None:
            select(self._last_sent)

    def first_field(self) -> QWidget:
        """Where typing goes when the section is shown: the patient's NSS."""
        return self.patient.nss_edit

    def can_close(self) -> bool:
        """Nothing is lost on closing: the content is kept on this computer. If it cannot
        be (disk full), the person decides."""
        self.autosaver.flush()
        return self.autosaver.failure is None or confirm_losing_typed_work(self, self.autosaver)

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt API
        self.autosaver.flush()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt API
        self.autosaver.flush()
        super().closeEvent(event)

