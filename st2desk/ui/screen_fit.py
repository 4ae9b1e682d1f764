"""Window sizes that fit the screen the window is on (a 1,024×600 reception netbook too)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QWidget


def fit_to_screen(widget: QWidget, width: int, height: int) -> QSize:
    """Resize `widget` to width×height, or to what its screen can show, whichever is less
    (a title bar and panel are left room for). Returns the size given."""
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, available.width() - 16)
        height = min(height, available.height() - 48)
    size = QSize(max(width, widget.minimumWidth()), max(height, widget.minimumHeight()))
    widget.resize(size)
    return size
