"""Window sizes that fit the screen the window is on (a 1,024×600 reception netbook too)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt
from PySide6.QtWidgets import QApplication, QBoxLayout, QScrollArea, QWidget


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


class FieldsScrollArea(QScrollArea):
    """A vertical-only scroll area never narrower than the fields it holds: on a small
    screen with large text the main window scrolls sideways (one scroll bar) instead of
    cutting fields off; it follows the fields when their notes make them wider."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def setWidget(self, widget: QWidget) -> None:  # noqa: N802 - Qt API
        super().setWidget(widget)
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        inner = self.widget()
        if inner is None:
            return hint
        width = inner.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width()
        return QSize(max(hint.width(), width), hint.height())


class ReflowBoxLayout(QBoxLayout):
    """Items side by side where their minimum widths fit, one above the other where they
    do not (issue 13, item 3: a 1,366×768 screen at 150 % or a 1,920×1,080 one at 200 %
    lays out in 910 or 960 logical pixels). Its minimum width is its widest item's, so a
    scroll area around it scrolls down instead of sideways."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(QBoxLayout.Direction.LeftToRight, parent)

    def _widths(self) -> list[int]:
        items = (self.itemAt(i) for i in range(self.count()))
        return [item.minimumSize().width() for item in items
                if item is not None and not item.isEmpty()]

    def _gap(self) -> int:
        return max(self.spacing(), 6)

    def side_by_side_width(self) -> int:
        widths = self._widths()
        margins = self.contentsMargins()
        return (sum(widths) + self._gap() * max(0, len(widths) - 1) + margins.left()
                + margins.right())

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        wanted = (QBoxLayout.Direction.LeftToRight if rect.width() >= self.side_by_side_width()
                  else QBoxLayout.Direction.TopToBottom)
        if wanted != self.direction():
            self.setDirection(wanted)
        super().setGeometry(rect)

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        size = super().minimumSize()
        widths = self._widths()
        if not widths:
            return size
        margins = self.contentsMargins()
        return QSize(max(widths) + margins.left() + margins.right(), size.height())
