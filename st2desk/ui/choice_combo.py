"""A drop-down whose choice changes clinical data: only a choice the person saw changes it.

A plain QComboBox changes its item when it has the focus and a letter, an arrow, Page
Up/Down or the mouse wheel arrives: typing meant for the next field swapped the patient
for "Otro beneficiario…", or the performing unit for its neighbour, with nothing shown.
Here those keys open the list instead (the person then chooses with Enter), and the wheel
scrolls the form, not the choice.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import QComboBox

_MOVING_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
                Qt.Key.Key_Home, Qt.Key.Key_End}


class ChoiceCombo(QComboBox):
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if self.view().isVisible():
            super().keyPressEvent(event)
            return
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        moving = event.key() in _MOVING_KEYS and modifiers in (Qt.KeyboardModifier.NoModifier,
                                                               Qt.KeyboardModifier.AltModifier)
        letter = (not self.isEditable() and event.text().isprintable() and event.text().strip() != ""
                  and not modifiers & (Qt.KeyboardModifier.ControlModifier
                                       | Qt.KeyboardModifier.AltModifier))
        if moving or letter:
            self.showPopup()  # the list shows the choices; Enter or a click takes one
            event.accept()
            return
        super().keyPressEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt API
        event.ignore()  # scroll the form around it, never the choice
