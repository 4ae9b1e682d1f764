"""The signed-in person's preferences on this workstation: language and idle-lock minutes."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from st2desk.ui import i18n, preferences
from st2desk.ui.main_window import DEFAULT_IDLE_MINUTES, IDLE_MINUTES_SETTING


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        for code, name in i18n.LANGUAGES.items():
            self.language_combo.addItem(name, code)
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(i18n.current_language())))
        self.idle_spin = QSpinBox()
        self.idle_spin.setObjectName("idleSpin")
        self.idle_spin.setRange(1, 120)
        self.idle_spin.setSuffix(self.tr(" min"))
        self.idle_spin.setValue(preferences.value(IDLE_MINUTES_SETTING, DEFAULT_IDLE_MINUTES, int))
        note = QLabel(self.tr("A language change applies the next time st2desk starts."))
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("&Language:"), self.language_combo)
        form.addRow(self.tr("&Lock after inactivity:"), self.idle_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def accept(self) -> None:
        language = self.language_combo.currentData()
        preferences.set_value(i18n.SETTING, language)
        preferences.set_value(IDLE_MINUTES_SETTING, self.idle_spin.value())
        super().accept()
