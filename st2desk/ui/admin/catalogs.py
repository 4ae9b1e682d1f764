"""Catalogs tab: units, services and rejection reasons (create and change, each change
audited), and reloading the shipped reference data after seeing what it would change."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from st2desk import timezones
from st2desk.models import ServiceCategory, Sex, UnitKind
from st2desk.services import catalogs_admin as service
from st2desk.services.catalogs_admin import CatalogChange, ReasonRow, ServiceRow, UnitRow
from st2desk.ui.admin.common import FormDialog, make_table, selected_key, set_rows
from st2desk.ui.context import UiContext

ZONES = ("America/Mexico_City", "America/Cancun", "America/Chihuahua", "America/Ciudad_Juarez",
         "America/Hermosillo", "America/Mazatlan", "America/Tijuana", "America/Matamoros",
         "America/Monterrey", "America/Merida", "America/Bahia_Banderas", "America/Ojinaga")


def _optional_spin(name: str, maximum: int, value: int | None) -> QSpinBox:
    """A spin box whose lowest value, shown as "—", means "none"."""
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(-1, maximum)
    spin.setSpecialValueText("—")
    spin.setValue(-1 if value is None else value)
    return spin


def _optional(spin: QSpinBox) -> int | None:
    return None if spin.value() < 0 else spin.value()


class UnitDialog(FormDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None, row: UnitRow | None) -> None:
        super().__init__(ctx, parent, "adminUnitDialog",
                         self.tr("New unit") if row is None else self.tr("Edit unit"))
        self.row = row
        self.code_edit = QLineEdit(row.code if row else "")
        self.code_edit.setObjectName("adminUnitCode")
        self.code_edit.setReadOnly(row is not None)
        self.name_edit = QLineEdit(row.name if row else "")
        self.name_edit.setObjectName("adminUnitName")
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("adminUnitKind")
        for kind in UnitKind:
            self.kind_combo.addItem(kind.value, kind.value)
        if row:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(row.kind.value))
        self.delegation_combo = QComboBox()
        self.delegation_combo.setObjectName("adminUnitDelegation")
        for code, name in ctx.ops.read(service.list_delegations):
            self.delegation_combo.addItem(f"{code} · {name}", code)
        if row:
            self.delegation_combo.setCurrentIndex(self.delegation_combo.findData(row.delegation_code))
        self.address_edit = QLineEdit(row.address or "" if row else "")
        self.address_edit.setObjectName("adminUnitAddress")
        self.phone_edit = QLineEdit(row.phone or "" if row else "")
        self.phone_edit.setObjectName("adminUnitPhone")
        self.zone_combo = QComboBox()
        self.zone_combo.setObjectName("adminUnitZone")
        self.zone_combo.setEditable(True)
        self.zone_combo.addItems(list(ZONES))
        self.zone_combo.setCurrentText(row.time_zone if row else timezones.DEFAULT_ZONE)
        self.active_box = QCheckBox(self.tr("Active"))
        self.active_box.setObjectName("adminUnitActive")
        self.active_box.setChecked(row.active if row else True)
        self.form.addRow(self.tr("&Code:"), self.code_edit)
        self.form.addRow(self.tr("&Name:"), self.name_edit)
        self.form.addRow(self.tr("&Kind:"), self.kind_combo)
        self.form.addRow(self.tr("&Delegation:"), self.delegation_combo)
        self.form.addRow(self.tr("&Address:"), self.address_edit)
        self.form.addRow(self.tr("&Telephone:"), self.phone_edit)
        self.form.addRow(self.tr("&Time zone:"), self.zone_combo)
        self.form.addRow("", self.active_box)

    def call(self):  # type: ignore[no-untyped-def]
        actor = self.ctx.actor
        values = dict(code=self.code_edit.text(), name=self.name_edit.text(),
                      kind=self.kind_combo.currentData(),
                      delegation_code=self.delegation_combo.currentData() or "",
                      address=self.address_edit.text(), phone=self.phone_edit.text(),
                      time_zone=self.zone_combo.currentText(), active=self.active_box.isChecked())
        return lambda s: service.save_unit(s, actor, **values)


class ServiceDialog(FormDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None, row: ServiceRow | None) -> None:
        super().__init__(ctx, parent, "adminServiceDialog",
                         self.tr("New service") if row is None else self.tr("Edit service"))
        self.code_edit = QLineEdit(row.code if row else "")
        self.code_edit.setObjectName("adminServiceCode")
        self.code_edit.setReadOnly(row is not None)
        self.name_edit = QLineEdit(row.name if row else "")
        self.name_edit.setObjectName("adminServiceName")
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("adminServiceCategory")
        for category in ServiceCategory:
            self.category_combo.addItem(category.value, category.value)
        if row:
            self.category_combo.setCurrentIndex(self.category_combo.findData(row.category.value))
        self.specialty_combo = QComboBox()
        self.specialty_combo.setObjectName("adminServiceSpecialty")
        for code, name in ctx.ops.read(service.list_specialties):
            self.specialty_combo.addItem(f"{name} ({code})", code)
        if row:
            self.specialty_combo.setCurrentIndex(self.specialty_combo.findData(row.specialty_code))
        self.basic_box = QCheckBox(self.tr("In the unit's basic catalog (needs no ST2)"))
        self.basic_box.setObjectName("adminServiceBasic")
        self.basic_box.setChecked(row.in_basic_catalog if row else False)
        self.validity_spin = QSpinBox()
        self.validity_spin.setObjectName("adminServiceValidity")
        self.validity_spin.setRange(1, 365)
        self.validity_spin.setSuffix(self.tr(" days"))
        self.validity_spin.setValue(row.validity_days if row else 90)
        self.repeat_spin = _optional_spin("adminServiceRepeat", 3650,
                                          row.repeat_window_days if row else None)
        self.repeat_spin.setSuffix(self.tr(" days"))
        self.sex_combo = QComboBox()
        self.sex_combo.setObjectName("adminServiceSex")
        self.sex_combo.addItem(self.tr("Either"), "")
        self.sex_combo.addItem(self.tr("Women only"), Sex.FEMALE.value)
        self.sex_combo.addItem(self.tr("Men only"), Sex.MALE.value)
        if row and row.sex:
            self.sex_combo.setCurrentIndex(self.sex_combo.findData(row.sex.value))
        self.min_age_spin = _optional_spin("adminServiceMinAge", 120, row.min_age if row else None)
        self.max_age_spin = _optional_spin("adminServiceMaxAge", 120, row.max_age if row else None)
        self.active_box = QCheckBox(self.tr("Active"))
        self.active_box.setObjectName("adminServiceActive")
        self.active_box.setChecked(row.active if row else True)
        ages = QHBoxLayout()
        ages.addWidget(self.min_age_spin)
        ages.addWidget(QLabel(self.tr("to")))
        ages.addWidget(self.max_age_spin)
        ages.addWidget(QLabel(self.tr("years")))
        self.form.addRow(self.tr("&Code:"), self.code_edit)
        self.form.addRow(self.tr("&Name:"), self.name_edit)
        self.form.addRow(self.tr("Ca&tegory:"), self.category_combo)
        self.form.addRow(self.tr("&Specialty:"), self.specialty_combo)
        self.form.addRow("", self.basic_box)
        self.form.addRow(self.tr("&Validity of an authorization:"), self.validity_spin)
        self.form.addRow(self.tr("&Repeat window:"), self.repeat_spin)
        self.form.addRow(self.tr("S&ex:"), self.sex_combo)
        self.form.addRow(self.tr("&Ages:"), ages)
        self.form.addRow("", self.active_box)

    def call(self):  # type: ignore[no-untyped-def]
        actor = self.ctx.actor
        values = dict(code=self.code_edit.text(), name=self.name_edit.text(),
                      category=self.category_combo.currentData(),
                      specialty_code=self.specialty_combo.currentData() or "",
                      in_basic_catalog=self.basic_box.isChecked(),
                      validity_days=self.validity_spin.value(),
                      repeat_window_days=_optional(self.repeat_spin),
                      sex=self.sex_combo.currentData() or None, min_age=_optional(self.min_age_spin),
                      max_age=_optional(self.max_age_spin), active=self.active_box.isChecked())
        return lambda s: service.save_service(s, actor, **values)


class ReasonDialog(FormDialog):
    def __init__(self, ctx: UiContext, parent: QWidget | None, row: ReasonRow | None) -> None:
        super().__init__(ctx, parent, "adminReasonDialog",
                         self.tr("New rejection reason") if row is None
                         else self.tr("Edit rejection reason"))
        self.code_edit = QLineEdit(row.code if row else "")
        self.code_edit.setObjectName("adminReasonCode")
        self.code_edit.setReadOnly(row is not None)
        self.description_edit = QLineEdit(row.description if row else "")
        self.description_edit.setObjectName("adminReasonDescription")
        self.active_box = QCheckBox(self.tr("Active (offered to specialists)"))
        self.active_box.setObjectName("adminReasonActive")
        self.active_box.setChecked(row.active if row else True)
        self.form.addRow(self.tr("&Code:"), self.code_edit)
        self.form.addRow(self.tr("&Description:"), self.description_edit)
        self.form.addRow("", self.active_box)

    def call(self):  # type: ignore[no-untyped-def]
        actor = self.ctx.actor
        values = dict(code=self.code_edit.text(), description=self.description_edit.text(),
                      active=self.active_box.isChecked())
        return lambda s: service.save_reason(s, actor, **values)


class CatalogPage(QWidget):
    """One catalog: its table, New and Edit."""

    def __init__(self, ctx: UiContext, name: str, headers: Sequence[str],
                 load: Callable[[Any], list[Any]], cells: Callable[[Any], list[str]],
                 dialog: type[FormDialog], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[Any] = []
        self._load, self._cells, self._dialog_class = load, cells, dialog
        self.dialog: FormDialog | None = None
        self.table = make_table(name, headers)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.table.itemSelectionChanged.connect(self._sync)
        self.new_button = QPushButton(self.tr("&New…"))
        self.new_button.setObjectName(f"{name}New")
        self.new_button.clicked.connect(self.new)
        self.edit_button = QPushButton(self.tr("&Edit…"))
        self.edit_button.setObjectName(f"{name}Edit")
        self.edit_button.clicked.connect(self.edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.reload()

    @Slot()
    def reload(self) -> None:
        actor = self.ctx.actor
        self.rows = self.ctx.ops.read(lambda s: self._load(s, actor))
        set_rows(self.table, [(r.code, self._cells(r)) for r in self.rows])
        self._sync()

    def select(self, code: str) -> None:
        for index, row in enumerate(self.rows):
            if row.code == code:
                self.table.selectRow(index)

    def current(self) -> Any:
        key = selected_key(self.table)
        return next((r for r in self.rows if r.code == key), None)

    @Slot()
    def _sync(self) -> None:
        self.edit_button.setEnabled(self.current() is not None)

    def _open(self, row: Any) -> None:
        dialog = self._dialog_class(self.ctx, self, row)  # type: ignore[call-arg]

        def saved() -> None:
            self.reload()
            self.select(dialog.result_value.code)

        dialog.accepted.connect(saved)
        self.dialog = dialog
        dialog.open()

    @Slot()
    def new(self) -> None:
        self._open(None)

    @Slot()
    def edit(self) -> None:
        row = self.current()
        if row is not None:
            self._open(row)


class ReloadPreviewDialog(QDialog):
    """What reloading the shipped catalogs would change; Apply does it."""

    def __init__(self, changes: list[CatalogChange], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("adminReloadPreview")
        self.setWindowTitle(self.tr("Reload the shipped catalogs"))
        summary = QLabel()
        summary.setObjectName("adminReloadSummary")
        summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("adminReloadChanges")
        for change in changes:
            self.list.addItem(change.describe())
        if changes:
            summary.setText(self.tr(
                "Reloading would add %1, change %2 and deactivate %3 rows. Changes made here to "
                "those rows are replaced by the shipped values.")
                .replace("%1", str(sum(c.kind == "add" for c in changes)))
                .replace("%2", str(sum(c.kind == "update" for c in changes)))
                .replace("%3", str(sum(c.kind == "deactivate" for c in changes))))
        else:
            summary.setText(self.tr("The catalogs already hold the shipped reference data: nothing "
                                    "would change."))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = self.buttons.button(QDialogButtonBox.StandardButton.Apply)
        self.apply_button.setObjectName("adminReloadApply")
        self.apply_button.setText(self.tr("Apply"))
        self.apply_button.setEnabled(bool(changes))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.apply_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self.resize(720, 420)


class CatalogsTab(QWidget):
    """Units, services and rejection reasons, one sub-tab each."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.preview: ReloadPreviewDialog | None = None
        yes, no = self.tr("yes"), self.tr("no")
        self.units = CatalogPage(ctx, "adminUnitsTable", [
            self.tr("Code"), self.tr("Name"), self.tr("Kind"), self.tr("Delegation"),
            self.tr("Address"), self.tr("Telephone"), self.tr("Time zone"), self.tr("Active")],
            service.list_units, lambda u: [u.code, u.name, u.kind.value, u.delegation_code,
                                           u.address or "", u.phone or "", u.time_zone,
                                           yes if u.active else no], UnitDialog)
        self.services = CatalogPage(ctx, "adminServicesTable", [
            self.tr("Code"), self.tr("Name"), self.tr("Specialty"), self.tr("Basic"),
            self.tr("Validity (d)"), self.tr("Repeat (d)"), self.tr("Sex"),
            self.tr("Ages"), self.tr("Active")],
            service.list_services, lambda s: [
                s.code, s.name, s.specialty_code, yes if s.in_basic_catalog else no,
                str(s.validity_days), str(s.repeat_window_days or ""), s.sex.value if s.sex else "",
                ("" if s.min_age is None and s.max_age is None
                 else f"{s.min_age if s.min_age is not None else 0}–"
                      f"{s.max_age if s.max_age is not None else ''}"),
                yes if s.active else no], ServiceDialog)
        self.reasons = CatalogPage(ctx, "adminReasonsTable", [
            self.tr("Code"), self.tr("Description"), self.tr("Active")],
            service.list_reasons, lambda r: [r.code, r.description, yes if r.active else no],
            ReasonDialog)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("adminCatalogTabs")
        self.tabs.addTab(self.units, self.tr("Units"))
        self.tabs.addTab(self.services, self.tr("Services"))
        self.tabs.addTab(self.reasons, self.tr("Rejection reasons"))
        self.reload_button = QPushButton(self.tr("Reload the &shipped catalogs…"))
        self.reload_button.setObjectName("adminCatalogReload")
        self.reload_button.clicked.connect(self.preview_reload)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.reload_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

    @Slot()
    def preview_reload(self) -> None:
        actor, db = self.ctx.actor, self.ctx.db

        def job(progress, cancelled) -> list[CatalogChange]:  # type: ignore[no-untyped-def]
            with db.session() as session:  # rolled back: nothing is kept
                return service.preview_reference_reload(session, actor)

        def shown(changes: list[CatalogChange]) -> None:
            self.preview = ReloadPreviewDialog(changes, self)
            self.preview.accepted.connect(self.apply_reload)
            self.preview.open()

        self.ctx.ops.background(job, parent=self, label=self.tr("Comparing with the shipped catalogs…"),
                                on_done=shown)

    @Slot()
    def apply_reload(self) -> None:
        actor = self.ctx.actor
        if self.ctx.ops.write(lambda s: service.reload_reference_data(s, actor), parent=self,
                              changed="catalogs") is None:
            return
        for page in (self.units, self.services, self.reasons):
            page.reload()
