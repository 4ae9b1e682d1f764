"""The patient part of the request form: look up by NSS, or capture a new patient.

Typing a valid NSS looks it up (services.lookup.patients_by_nss). Everyone registered
under that NSS is offered (the insured and the beneficiaries); choosing one fills the
fields read-only. An NSS with nobody registered, or "another beneficiary", leaves the
fields open to capture; the request form registers the patient (register_patient) in the
same transaction that saves the request. NSS, agregado and CURP are checked as typed with
st2desk.identifiers, whose Spanish reasons are shown beside each field.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from st2desk import clock
from st2desk.errors import St2Error, ValidationError
from st2desk.identifiers import (
    compact_nss,
    curp_birth_date,
    curp_sex,
    identity_problems,
    parse_agregado,
    validate_curp,
    validate_nss,
)
from st2desk.models import Sex
from st2desk.services import lookup
from st2desk.services.lookup import PatientInfo
from st2desk.services.patients import PatientData
from st2desk.ui import accessibility
from st2desk.ui.choice_combo import ChoiceCombo
from st2desk.ui.context import UiContext

ERROR_COLOR = "#b00020"
OK_COLOR = "#1b6e20"
HINT_COLOR = "#666666"
WARN_COLOR = "#8a5a00"


def set_reason(label: QLabel, text: str, color: str = ERROR_COLOR) -> None:
    """Show `text` in `label` in the given colour (hidden text when empty, keeps its space)."""
    label.setText(text)
    label.setStyleSheet(f"color: {color};")
    label.setToolTip(text if len(text) > 60 else "")
    field = accessibility.described_field(label)
    if field is not None:  # a screen reader reads the field, then what is wrong with it
        field.setAccessibleDescription(text)


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# --------------------------------------------------------------------------- dates


_ICONS: dict[int, QIcon] = {}


def calendar_icon(color: QColor) -> QIcon:
    """A small calendar drawn in the text colour (no icon theme is guaranteed)."""
    if color.rgba() in _ICONS:
        return _ICONS[color.rgba()]
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(color)
    painter.drawRect(1, 2, 13, 12)
    painter.fillRect(1, 2, 14, 3, color)
    for x in (4, 7, 10):
        for y in (7, 10):
            painter.fillRect(x, y, 2, 2, color)
    painter.end()
    _ICONS[color.rgba()] = QIcon(pixmap)
    return _ICONS[color.rgba()]


class DateEdit(QLineEdit):
    """A date typed as dd/mm/aaaa (digits only; the slashes are already there).

    Empty means no date. Alt+Down or F4, or the calendar button, opens a calendar.
    """

    sig_date_changed = Signal()
    """The typed date changed (by the user or the calendar)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setInputMask("99/99/9999;_")
        self.setPlaceholderText(self.tr("dd/mm/yyyy"))
        width = self.fontMetrics().horizontalAdvance("00/00/00000") + 44
        self.setMinimumWidth(width)
        self.setMaximumWidth(width + 8)
        self._max: date | None = None
        self._min: date | None = date(1900, 1, 1)
        self._calendar: QCalendarWidget | None = None
        self._open_action = QAction(calendar_icon(self.palette().color(QPalette.ColorRole.Text)),
                                    self.tr("Open calendar (Alt+Down)"), self)
        self._open_action.triggered.connect(self.open_calendar)
        self.addAction(self._open_action, QLineEdit.ActionPosition.TrailingPosition)
        self.textEdited.connect(lambda _t: self.sig_date_changed.emit())

    def set_range(self, minimum: date | None, maximum: date | None) -> None:
        self._min, self._max = minimum, maximum

    def is_blank(self) -> bool:
        return not self.text().replace("/", "").strip()

    def value(self) -> date | None:
        """The date, or None when blank or not a real date (see `problem`)."""
        if self.is_blank():
            return None
        try:
            day, month, year = (int(p) for p in self.text().split("/"))
            return date(year, month, day)
        except ValueError:
            return None

    def problem(self) -> str | None:
        if self.is_blank():
            return None
        value = self.value()
        if value is None:
            return self.tr("Write a real date as dd/mm/yyyy.")
        if self._min and value < self._min:
            return self.tr("The date is too far in the past.")
        if self._max and value > self._max:
            return self.tr("The date cannot be later than %1.").replace("%1", format_date(self._max))
        return None

    def set_value(self, value: date | None) -> None:
        self.setText(format_date(value) if value else "")
        self.setCursorPosition(0)

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt API
        if (event.key() == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier) \
                or event.key() == Qt.Key.Key_F4:
            self.open_calendar()
            return
        super().keyPressEvent(event)

    @Slot()
    def open_calendar(self) -> None:
        if self.isReadOnly() or not self.isEnabled():
            return
        if self._calendar is None:
            self._calendar = QCalendarWidget(self, Qt.WindowType.Popup)
            self._calendar.setObjectName(f"{self.objectName()}Calendar")
            self._calendar.setGridVisible(True)
            self._calendar.activated.connect(self._picked)
            self._calendar.clicked.connect(self._picked)
        cal = self._calendar
        if self._min:
            cal.setMinimumDate(QDate(self._min.year, self._min.month, self._min.day))
        if self._max:
            cal.setMaximumDate(QDate(self._max.year, self._max.month, self._max.day))
        current = self.value() or clock.today()
        cal.setSelectedDate(QDate(current.year, current.month, current.day))
        cal.move(self.mapToGlobal(self.rect().bottomLeft()))
        cal.show()
        cal.setFocus()

    @Slot(QDate)
    def _picked(self, value: QDate) -> None:
        if self._calendar is not None:
            self._calendar.hide()
        self.set_value(date(value.year(), value.month(), value.day()))
        self.setFocus()
        self.sig_date_changed.emit()


# --------------------------------------------------------------------------- the patient panel


class PatientMode(enum.StrEnum):
    EMPTY = "empty"  # nothing chosen yet
    KNOWN = "known"  # a registered patient, shown read-only
    NEW = "new"  # to be registered with the request
    EDITED = "edited"  # a registered patient whose data the physician is correcting


class PatientPanel(QGroupBox):
    """Patient look-up and capture; `needs_registration()` tells the form to register."""

    sig_changed = Signal()
    """The user changed something in the panel (for dirty tracking and autosave)."""

    _OTHER = -1

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Patient"), parent)
        self.ctx = ctx
        self.setObjectName("patientPanel")
        self.setStyleSheet('QLineEdit[readOnly="true"] { background-color: palette(window); }')
        self.mode = PatientMode.EMPTY
        self.patient_id: int | None = None
        self._found: list[PatientInfo] = []
        self._looked_up_nss: str | None = None
        self._filling = False

        self.nss_edit = QLineEdit()
        self.nss_edit.setObjectName("nssEdit")
        self.nss_edit.setMaxLength(14)
        self.nss_edit.setPlaceholderText(self.tr("11 digits"))
        self.nss_edit.setAccessibleName(self.tr("NSS"))
        self.nss_edit.setFixedWidth(self.fontMetrics().horizontalAdvance("0" * 16) + 12)
        self.lookup_button = QPushButton(self.tr("Look up"))
        self.lookup_button.setObjectName("lookupButton")
        self.lookup_button.setToolTip(self.tr("Look up the NSS (Enter)"))
        self.lookup_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # Enter in the NSS does it
        self.nss_reason = QLabel()
        self.nss_reason.setObjectName("nssReason")
        self.nss_reason.setWordWrap(True)

        self.patient_combo = ChoiceCombo()  # a key press never swaps the patient
        self.patient_combo.setObjectName("patientCombo")
        # As wide as the form gives it, not as its longest name: a long one must not push
        # the form's columns apart (150 %, 200 %, 1,024 px).
        self.patient_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.patient_combo.setMinimumContentsLength(24)
        self.patient_combo.setAccessibleName(self.tr("Registered patients under this NSS"))
        self.edit_button = QPushButton(self.tr("&Edit patient data"))
        self.edit_button.setObjectName("editPatientButton")
        self.edit_button.setToolTip(self.tr("Correct the registered data of this patient"))

        self.agregado_edit = QLineEdit()
        self.agregado_edit.setObjectName("agregadoEdit")
        self.agregado_edit.setMaxLength(10)
        self.agregado_edit.setPlaceholderText(self.tr("e.g. 1M1980OR"))
        self.agregado_edit.setFixedWidth(self.fontMetrics().horizontalAdvance("M" * 10) + 12)
        self.agregado_reason = QLabel()
        self.agregado_reason.setObjectName("agregadoReason")
        self.agregado_reason.setWordWrap(True)

        self.curp_edit = QLineEdit()
        self.curp_edit.setObjectName("curpEdit")
        self.curp_edit.setMaxLength(18)
        self.curp_edit.setPlaceholderText(self.tr("18 characters"))
        self.curp_edit.setFixedWidth(self.fontMetrics().horizontalAdvance("M" * 19) + 12)
        self.curp_reason = QLabel()
        self.curp_reason.setObjectName("curpReason")
        self.curp_reason.setWordWrap(True)
        for note, field in ((self.nss_reason, self.nss_edit),
                            (self.agregado_reason, self.agregado_edit),
                            (self.curp_reason, self.curp_edit)):
            accessibility.describes(note, field)

        self.first_name_edit = QLineEdit()
        self.first_name_edit.setObjectName("firstNameEdit")
        self.last_name_edit = QLineEdit()
        self.last_name_edit.setObjectName("lastNameEdit")
        self.second_last_name_edit = QLineEdit()
        self.second_last_name_edit.setObjectName("secondLastNameEdit")
        for edit in (self.first_name_edit, self.last_name_edit, self.second_last_name_edit):
            edit.setMaxLength(80)

        self.birth_date_edit = DateEdit()
        self.birth_date_edit.setObjectName("birthDateEdit")
        self.sex_combo = QComboBox()
        self.sex_combo.setObjectName("sexCombo")
        self.sex_combo.addItem("", None)
        self.sex_combo.addItem(self.tr("Male"), Sex.MALE.value)
        self.sex_combo.addItem(self.tr("Female"), Sex.FEMALE.value)
        self.eligible_edit = DateEdit()
        self.eligible_edit.setObjectName("eligibleUntilEdit")
        self.eligible_edit.setToolTip(self.tr("Last day of the patient's eligibility (vigencia de derechos)"))
        self.identity_reason = QLabel()
        self.identity_reason.setObjectName("identityReason")
        self.identity_reason.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setObjectName("patientStatus")
        self.status_label.setWordWrap(True)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(3, 1)

        def label(text: str, buddy: QWidget) -> QLabel:
            lab = QLabel(text)
            lab.setBuddy(buddy)
            return lab

        grid.addWidget(label(self.tr("&NSS:"), self.nss_edit), 0, 0)
        nss_row = QHBoxLayout()
        nss_row.addWidget(self.nss_edit)
        nss_row.addWidget(self.lookup_button)
        grid.addLayout(nss_row, 0, 1, 1, 2)
        grid.addWidget(self.nss_reason, 0, 3)

        self.patient_label = label(self.tr("Pat&ient:"), self.patient_combo)
        grid.addWidget(self.patient_label, 1, 0)
        grid.addWidget(self.patient_combo, 1, 1, 1, 3)

        grid.addWidget(label(self.tr("&Agregado:"), self.agregado_edit), 2, 0)
        grid.addWidget(self.agregado_edit, 2, 1, 1, 2)
        grid.addWidget(self.agregado_reason, 2, 3)

        grid.addWidget(label(self.tr("&CURP:"), self.curp_edit), 3, 0)
        grid.addWidget(self.curp_edit, 3, 1, 1, 2)
        grid.addWidget(self.curp_reason, 3, 3)

        grid.addWidget(label(self.tr("&First name(s):"), self.first_name_edit), 4, 0)
        grid.addWidget(self.first_name_edit, 4, 1, 1, 3)
        grid.addWidget(label(self.tr("&Last name:"), self.last_name_edit), 5, 0)
        names = QHBoxLayout()
        names.addWidget(self.last_name_edit, 1)
        names.addWidget(label(self.tr("Sec&ond last name:"), self.second_last_name_edit))
        names.addWidget(self.second_last_name_edit, 1)
        grid.addLayout(names, 5, 1, 1, 3)

        grid.addWidget(label(self.tr("&Birth date:"), self.birth_date_edit), 6, 0)
        born = QHBoxLayout()
        born.addWidget(self.birth_date_edit)
        born.addSpacing(12)
        born.addWidget(label(self.tr("Se&x:"), self.sex_combo))
        born.addWidget(self.sex_combo)
        born.addStretch(1)
        grid.addLayout(born, 6, 1, 1, 3)
        grid.addWidget(label(self.tr("Eli&gible until:"), self.eligible_edit), 7, 0)
        grid.addWidget(self.eligible_edit, 7, 1, 1, 2)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.identity_reason)
        layout.addLayout(bottom)

        self.nss_edit.textEdited.connect(self._nss_edited)
        self.nss_edit.returnPressed.connect(self.lookup_nss)
        self.nss_edit.editingFinished.connect(self._nss_finished)
        self.lookup_button.clicked.connect(self.lookup_nss)
        self.patient_combo.activated.connect(self._patient_chosen)
        self.edit_button.clicked.connect(self.unlock)
        for edit in (self.agregado_edit, self.curp_edit, self.first_name_edit, self.last_name_edit,
                     self.second_last_name_edit):
            edit.textEdited.connect(self._field_edited)
        self.curp_edit.textEdited.connect(self._curp_edited)
        for edit in (self.birth_date_edit, self.eligible_edit):
            edit.sig_date_changed.connect(self._field_edited)
        self.sex_combo.activated.connect(self._field_edited)
        self.agregado_edit.editingFinished.connect(self._normalize_agregado)

        self.birth_date_edit.set_range(date(1900, 1, 1), clock.today())
        self.eligible_edit.set_range(date(1950, 1, 1), date(2100, 12, 31))
        self._show_patient_choice(False)
        self._set_fields_editable(False)
        self._update_status()

    # ------------------------------------------------------------------ public API

    def focus_chain(self) -> list[QWidget]:
        """The panel's widgets in tab order."""
        return [self.nss_edit, self.lookup_button, self.patient_combo, self.agregado_edit,
                self.curp_edit, self.first_name_edit, self.last_name_edit,
                self.second_last_name_edit, self.birth_date_edit, self.sex_combo,
                self.eligible_edit, self.edit_button]

    def field_widget(self, name: str) -> QWidget | None:
        """The widget of a finding's or error's field name, if it is in this panel."""
        return {
            "nss": self.nss_edit, "agregado": self.agregado_edit, "curp": self.curp_edit,
            "birth_date": self.birth_date_edit, "sex": self.sex_combo,
            "el nombre": self.first_name_edit, "first_name": self.first_name_edit,
            "el primer apellido": self.last_name_edit, "last_name": self.last_name_edit,
            "el segundo apellido": self.second_last_name_edit,
            "eligible_until": self.eligible_edit, "patient": self.nss_edit,
        }.get(name)

    def is_empty(self) -> bool:
        return not any(e.text().strip() for e in (
            self.nss_edit, self.agregado_edit, self.curp_edit, self.first_name_edit,
            self.last_name_edit, self.second_last_name_edit)) \
            and self.birth_date_edit.is_blank() and self.eligible_edit.is_blank()

    def needs_registration(self) -> bool:
        """The captured data must be registered (or corrected) before the request is saved."""
        return self.mode in (PatientMode.NEW, PatientMode.EDITED) and any(
            e.text().strip() for e in (self.agregado_edit, self.curp_edit, self.first_name_edit,
                                        self.last_name_edit))

    def patient_data(self) -> PatientData:
        """The captured data for register_patient; ValidationError names the field to fix."""
        birth = self.birth_date_edit.value()
        if birth is None:
            problem = self.birth_date_edit.problem()
            raise ValidationError(problem or self.tr("Write the patient's birth date."),
                                  field="birth_date")
        sex = self.sex_combo.currentData()
        if sex is None:
            raise ValidationError(self.tr("Choose the patient's sex."), field="sex")
        if self.eligible_edit.problem():
            raise ValidationError(self.eligible_edit.problem() or "", field="eligible_until")
        return PatientData(
            nss=self.nss_edit.text(), agregado=self.agregado_edit.text(),
            first_name=self.first_name_edit.text(), last_name=self.last_name_edit.text(),
            second_last_name=self.second_last_name_edit.text() or None, birth_date=birth,
            sex=Sex(sex), curp=self.curp_edit.text().strip() or None,
            eligible_until=self.eligible_edit.value())

    def set_patient(self, info: PatientInfo) -> None:
        """Show a registered patient (read-only)."""
        self._filling = True
        try:
            self.patient_id = info.id
            self.mode = PatientMode.KNOWN
            if compact_nss(self.nss_edit.text()) != info.nss:
                self.nss_edit.setText(info.nss)
            self.agregado_edit.setText(info.agregado)
            self.curp_edit.setText(info.curp or "")
            self.first_name_edit.setText(info.first_name)
            self.last_name_edit.setText(info.last_name)
            self.second_last_name_edit.setText(info.second_last_name or "")
            self.birth_date_edit.set_value(info.birth_date)
            self.sex_combo.setCurrentIndex(max(0, self.sex_combo.findData(info.sex.value)))
            self.eligible_edit.set_value(info.eligible_until)
            for i in range(self.patient_combo.count()):
                if self.patient_combo.itemData(i) == info.id:
                    self.patient_combo.setCurrentIndex(i)
        finally:
            self._filling = False
        self._set_fields_editable(False)
        self._validate_all()
        self._update_status()

    def load_patient(self, info: PatientInfo | None) -> None:
        """Show the patient of a loaded request, with the others under the same NSS to choose."""
        self.clear()
        if info is None:
            return
        self._filling = True
        self.nss_edit.setText(info.nss)
        self._filling = False
        self._looked_up_nss = info.nss
        self._fill_choices(self._read_nss(info.nss) or [info])
        self.set_patient(info)

    def clear(self) -> None:
        self._filling = True
        try:
            self.nss_edit.clear()
            self._clear_fields()
            self.patient_combo.clear()
            self._found = []
            self._looked_up_nss = None
        finally:
            self._filling = False
        self.mode = PatientMode.EMPTY
        self.patient_id = None
        self._show_patient_choice(False)
        self._set_fields_editable(False)
        for lab in (self.nss_reason, self.agregado_reason, self.curp_reason, self.identity_reason):
            set_reason(lab, "")
        self._update_status()

    def snapshot(self) -> dict[str, Any]:
        return {
            "mode": self.mode.value, "patient_id": self.patient_id,
            "nss": self.nss_edit.text(), "agregado": self.agregado_edit.text(),
            "curp": self.curp_edit.text(), "first_name": self.first_name_edit.text(),
            "last_name": self.last_name_edit.text(),
            "second_last_name": self.second_last_name_edit.text(),
            "birth_date": self.birth_date_edit.text(), "sex": self.sex_combo.currentData(),
            "eligible_until": self.eligible_edit.text(),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Put back a snapshot (local autosave); registered choices are looked up again."""
        self.clear()
        nss = str(data.get("nss") or "")
        self._filling = True
        self.nss_edit.setText(nss)
        self._filling = False
        found = self._read_nss(nss) if self._nss_valid(nss) else None
        if found is not None:
            self._looked_up_nss = compact_nss(nss)
        if found:
            self._fill_choices(found)
        mode = PatientMode(data.get("mode") or PatientMode.EMPTY.value)
        known = next((p for p in found or [] if p.id == data.get("patient_id")), None)
        if mode is PatientMode.KNOWN and known is not None:
            self.set_patient(known)
            return
        self._filling = True
        try:
            self.agregado_edit.setText(str(data.get("agregado") or ""))
            self.curp_edit.setText(str(data.get("curp") or ""))
            self.first_name_edit.setText(str(data.get("first_name") or ""))
            self.last_name_edit.setText(str(data.get("last_name") or ""))
            self.second_last_name_edit.setText(str(data.get("second_last_name") or ""))
            self.birth_date_edit.setText(str(data.get("birth_date") or ""))
            self.sex_combo.setCurrentIndex(max(0, self.sex_combo.findData(data.get("sex"))))
            self.eligible_edit.setText(str(data.get("eligible_until") or ""))
        finally:
            self._filling = False
        if mode is PatientMode.EDITED and known is not None:
            self.patient_id = known.id
            self.mode = PatientMode.EDITED
        elif mode in (PatientMode.NEW, PatientMode.EDITED) or not self.is_empty():
            self.mode = PatientMode.NEW
            self.patient_id = None
            self._select_other_choice()
        self._set_fields_editable(self.mode in (PatientMode.NEW, PatientMode.EDITED))
        self._validate_all()
        self._update_status()

    def registered(self, patient_id: int) -> None:
        """The form registered the captured data: from now on it is a known patient."""
        self.patient_id = patient_id
        self.mode = PatientMode.KNOWN
        self._set_fields_editable(False)
        found = self._read_nss(self.nss_edit.text())
        if found:
            self._fill_choices(found)
            match = next((p for p in found if p.id == patient_id), None)
            if match is not None:
                self.set_patient(match)
        self._update_status()

    # ------------------------------------------------------------------ look-up

    @staticmethod
    def _nss_valid(text: str) -> bool:
        try:
            validate_nss(text)
        except ValidationError:
            return False
        return True

    def _read_nss(self, nss: str) -> list[PatientInfo] | None:
        try:
            return self.ctx.ops.read(lambda s: lookup.patients_by_nss(s, self.ctx.actor, nss))
        except St2Error as exc:
            set_reason(self.nss_reason, exc.message)
            return None

    @Slot()
    def lookup_nss(self) -> None:
        """Look the typed NSS up and offer who is registered under it."""
        text = self.nss_edit.text()
        try:
            nss = validate_nss(text)
        except ValidationError as exc:
            set_reason(self.nss_reason, exc.message)
            return
        found = self._read_nss(nss)
        if found is None:
            return
        self._looked_up_nss = nss
        self._fill_choices(found)
        if found:
            current = next((p for p in found if p.id == self.patient_id), found[0])
            self.set_patient(current)
            if len(found) > 1:
                self.patient_combo.setFocus()
        else:
            self._start_new(keep_fields=self.mode is PatientMode.NEW)
        self.sig_changed.emit()

    def _fill_choices(self, found: list[PatientInfo]) -> None:
        self._found = found
        self.patient_combo.clear()
        for p in found:
            try:
                titular = parse_agregado(p.agregado).is_titular
            except ValidationError:
                titular = False
            role = self.tr("insured") if titular else self.tr("beneficiary")
            self.patient_combo.addItem(
                self.tr("%1 · %2 (%3)").replace("%1", p.agregado).replace("%2", p.full_name)
                .replace("%3", role), p.id)
        if found:
            self.patient_combo.addItem(self.tr("Another beneficiary under this NSS (register)…"),
                                       self._OTHER)
        self._show_patient_choice(bool(found))

    def _show_patient_choice(self, visible: bool) -> None:
        self.patient_combo.setVisible(visible)
        self.patient_label.setVisible(visible)

    def _select_other_choice(self) -> None:
        index = self.patient_combo.findData(self._OTHER)
        if index >= 0:
            self.patient_combo.setCurrentIndex(index)

    @Slot(int)
    def _patient_chosen(self, index: int) -> None:
        patient_id = self.patient_combo.itemData(index)
        if patient_id == self._OTHER:
            self._start_new(keep_fields=False)
            self.agregado_edit.setFocus()
        else:
            info = next((p for p in self._found if p.id == patient_id), None)
            if info is not None:
                self.set_patient(info)
        self.sig_changed.emit()

    def _start_new(self, keep_fields: bool) -> None:
        if not keep_fields:
            self._filling = True
            self._clear_fields()
            self._filling = False
        self.mode = PatientMode.NEW
        self.patient_id = None
        self._select_other_choice()
        self._set_fields_editable(True)
        self._validate_all()
        self._update_status()

    @Slot()
    def unlock(self) -> None:
        """Let the physician correct a registered patient's data (saved with the request)."""
        if self.mode is not PatientMode.KNOWN:
            return
        self.mode = PatientMode.EDITED
        self._set_fields_editable(True)
        self._update_status()
        self.agregado_edit.setFocus()
        self.sig_changed.emit()

    # ------------------------------------------------------------------ validation as typed

    @Slot(str)
    def _nss_edited(self, text: str) -> None:
        nss = compact_nss(text)
        if self.mode in (PatientMode.KNOWN, PatientMode.EDITED) and nss != self._looked_up_nss:
            # A different NSS: the shown patient no longer applies.
            self.mode = PatientMode.EMPTY
            self.patient_id = None
            self._filling = True
            self._clear_fields()
            self._filling = False
            self._show_patient_choice(False)
            self._set_fields_editable(False)
        self._validate_nss()
        if self._nss_valid(text) and nss != self._looked_up_nss:
            self.lookup_nss()
        self._update_status()
        self.sig_changed.emit()

    @Slot()
    def _nss_finished(self) -> None:
        if self._nss_valid(self.nss_edit.text()) and compact_nss(self.nss_edit.text()) != self._looked_up_nss:
            self.lookup_nss()

    def _validate_nss(self) -> bool:
        text = compact_nss(self.nss_edit.text())
        if not text:
            set_reason(self.nss_reason, "")
            return False
        if text.isdigit() and len(text) < 11:
            set_reason(self.nss_reason, self.tr("%1 of 11 digits").replace("%1", str(len(text))),
                       HINT_COLOR)
            return False
        try:
            validate_nss(text)
        except ValidationError as exc:
            set_reason(self.nss_reason, exc.message)
            return False
        if self._looked_up_nss == text and not self._found:
            set_reason(self.nss_reason, self.tr(
                "Nobody is registered with this NSS: capture the patient's data to register them."),
                WARN_COLOR)
        else:
            set_reason(self.nss_reason, self.tr("✓ Valid NSS"), OK_COLOR)
        return True

    @Slot(str)
    def _curp_edited(self, text: str) -> None:
        # A valid CURP tells the birth date and sex: fill them when still blank.
        try:
            curp = validate_curp(text)
        except ValidationError:
            return
        if self.birth_date_edit.is_blank():
            self.birth_date_edit.set_value(curp_birth_date(curp))
        if self.sex_combo.currentData() is None:
            self.sex_combo.setCurrentIndex(max(0, self.sex_combo.findData(curp_sex(curp).value)))
        self._validate_all()

    @Slot()
    def _normalize_agregado(self) -> None:
        text = self.agregado_edit.text()
        upper = text.strip().upper().replace(" ", "")
        if upper != text and not self.agregado_edit.isReadOnly():
            self.agregado_edit.setText(upper)

    @Slot()
    def _field_edited(self) -> None:
        if self._filling:
            return
        self._validate_all()
        self.sig_changed.emit()

    def _validate_all(self) -> None:
        """Reasons beside NSS, agregado and CURP; consistency among them below."""
        self._validate_nss()
        agregado = self.agregado_edit.text().strip()
        if not agregado:
            set_reason(self.agregado_reason, "")
        else:
            try:
                parse_agregado(agregado)
                set_reason(self.agregado_reason, "✓", OK_COLOR)
            except ValidationError as exc:
                if len(agregado) < 8:
                    set_reason(self.agregado_reason, self.tr("Number, sex, birth year and regime"),
                               HINT_COLOR)
                else:
                    set_reason(self.agregado_reason, exc.message)
        curp = self.curp_edit.text().strip().upper()
        if not curp:
            set_reason(self.curp_reason, "")
        elif len(curp) < 18:
            set_reason(self.curp_reason, self.tr("%1 of 18 characters").replace("%1", str(len(curp))),
                       HINT_COLOR)
        else:
            try:
                validate_curp(curp)
                set_reason(self.curp_reason, self.tr("✓ Valid CURP"), OK_COLOR)
            except ValidationError as exc:
                set_reason(self.curp_reason, exc.message)
        birth = self.birth_date_edit.value()
        sex = self.sex_combo.currentData()
        messages: list[str] = []
        date_problem = self.birth_date_edit.problem() or self.eligible_edit.problem()
        if date_problem:
            messages.append(date_problem)
        if birth is not None and sex is not None and agregado and self._nss_valid(self.nss_edit.text()):
            for problem in identity_problems(self.nss_edit.text(), agregado, curp or None, birth, Sex(sex)):
                if problem.field == "curp" and len(curp) == 18 and "coincide" in problem.message:
                    set_reason(self.curp_reason, problem.message)
                elif problem.field == "agregado" and "coincide" in problem.message:
                    set_reason(self.agregado_reason, problem.message)
                elif problem.field == "nss" and "coincide" in problem.message:
                    set_reason(self.nss_reason, problem.message)
        set_reason(self.identity_reason, " ".join(messages))
        self.identity_reason.setVisible(bool(messages))

    # ------------------------------------------------------------------ helpers

    def _clear_fields(self) -> None:
        for edit in (self.agregado_edit, self.curp_edit, self.first_name_edit, self.last_name_edit,
                     self.second_last_name_edit, self.birth_date_edit, self.eligible_edit):
            edit.clear()
        self.sex_combo.setCurrentIndex(0)
        for lab in (self.agregado_reason, self.curp_reason, self.identity_reason):
            set_reason(lab, "")

    def _set_fields_editable(self, editable: bool) -> None:
        for edit in (self.agregado_edit, self.curp_edit, self.first_name_edit, self.last_name_edit,
                     self.second_last_name_edit, self.birth_date_edit, self.eligible_edit):
            edit.setReadOnly(not editable)
            # Read-only fields can be clicked (to copy) but Tab skips them.
            edit.setFocusPolicy(Qt.FocusPolicy.StrongFocus if editable else Qt.FocusPolicy.ClickFocus)
            edit.style().unpolish(edit)  # the read-only look comes from a property selector
            edit.style().polish(edit)
        self.sex_combo.setEnabled(editable)
        self.edit_button.setVisible(self.mode is PatientMode.KNOWN)

    def _update_status(self) -> None:
        text, color = "", HINT_COLOR
        if self.mode is PatientMode.EMPTY:
            text = self.tr("Type the NSS: registered patients are looked up as you type.")
        elif self.mode is PatientMode.NEW:
            text = self.tr("New patient: they will be registered when the request is saved.")
            color = WARN_COLOR
        elif self.mode is PatientMode.EDITED:
            text = self.tr("The corrected data will be saved with the request.")
            color = WARN_COLOR
        else:
            until = self.eligible_edit.value()
            if until is not None and until < clock.today():
                text = self.tr("Eligibility ended on %1.").replace("%1", format_date(until))
                color = ERROR_COLOR
            elif until is not None:
                text = self.tr("Registered patient · eligible until %1").replace("%1", format_date(until))
            else:
                text = self.tr("Registered patient · eligibility not recorded")
        set_reason(self.status_label, text, color)

