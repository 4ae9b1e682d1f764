"""Issue 13 (3): every section is usable on a 1,024×600 screen, at 100 % and 125 % text.

The window's inside is taken as 1,024×540 (a title bar and a panel take the rest of 600).
Usable means: the window accepts that size, and every field and button of the section on
screen can be brought into view (Tab scrolls to it) — at 100 % without scrolling sideways.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QWidget,
)

from st2desk.models import Role
from st2desk.ui.main_window import MainWindow
from st2desk.ui.screen_fit import fit_to_screen
from tests import flows
from tests.test_inbox_queries import make_user

INSIDE = (1024, 540)
FIELDS = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QTextEdit, QPlainTextEdit,
          QAbstractSpinBox)


@pytest.fixture(params=[1.0, 1.25, 1.5], ids=["100%", "125%-text", "1366x768-at-150%"])
def text_scale(request, qapp: QApplication) -> Iterator[float]:  # type: ignore[no-untyped-def]
    """1.0 and 1.25: the text size on 1,024×600. 1.5: a 1,366×768 screen scaled to 150 %
    (Qt lays out in 911×512 logical pixels; the text keeps its logical size)."""
    original = QApplication.font()
    if request.param == 1.25:
        bigger = QFont(original)
        bigger.setPointSizeF(original.pointSizeF() * request.param)
        QApplication.setFont(bigger)
    yield request.param
    QApplication.setFont(original)


def fields_of(section: QWidget) -> list[QWidget]:
    found = [w for w in section.findChildren(QWidget)
             if isinstance(w, FIELDS) and w.isVisibleTo(section) and w.window() is section.window()
             and not isinstance(w.parentWidget(), QAbstractSpinBox | QComboBox)]
    return [w for w in found if not any(isinstance(p, QAbstractItemView) and p is not w
                                        for p in _ancestors(w, section))]


def _ancestors(widget: QWidget, stop: QWidget) -> Iterator[QWidget]:
    parent = widget.parentWidget()
    while parent is not None and parent is not stop:
        yield parent
        parent = parent.parentWidget()


def bring_into_view(window: MainWindow, field: QWidget) -> None:
    """What Tab does: every scroll area around the field, innermost first, scrolls to it."""
    for _ in range(2):  # an outer area scrolls only once the inner one has laid out
        for area in [p for p in _ancestors(field, window) if isinstance(p, QScrollArea)]:
            area.ensureWidgetVisible(field, 0, 0)
            QApplication.processEvents()


def shown_rect(window: MainWindow) -> QRect:
    viewport = window.scroll.viewport()
    return QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size())


def test_every_section_fits_a_1024_by_600_screen(qtbot, db, cast, make_ctx, text_scale):  # type: ignore[no-untyped-def]
    flows.in_review(db, cast)
    everyone = make_user(db, "todo.roles", "09HGZ24", [Role.PHYSICIAN, Role.SPECIALIST, Role.APPEALS,
                                                       Role.RECEPTION, Role.ADMIN], "RADIO")
    window = MainWindow(make_ctx(everyone))
    qtbot.addWidget(window)
    inside = (910, 452) if text_scale == 1.5 else INSIDE  # 512 − title bar and panel
    window.resize(*inside)
    window.show()
    qtbot.waitExposed(window)
    assert window.size().toTuple() == inside
    assert window.minimumSizeHint().width() <= inside[0]
    for section in window.sections:
        view = window.show_section(section.key)
        qtbot.wait(50)
        if text_scale == 1.0:
            assert window.scroll.horizontalScrollBar().maximum() == 0, section.key
        fields = fields_of(view)
        assert fields, section.key
        for field in fields:
            bring_into_view(window, field)
            # Where typing shows (a line edit scrolls to its cursor, at its left end).
            centre = field.mapTo(window, QPoint(min(12, field.width() // 2), field.height() // 2))
            assert shown_rect(window).contains(centre), (section.key, field.objectName() or field)


def test_a_dialog_opened_for_a_big_screen_is_fitted_to_a_small_one(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QScreen

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, 1024, 600))
    dialog = QWidget()
    qtbot.addWidget(dialog)
    fit_to_screen(dialog, 900, 760)
    assert dialog.width() <= 1024 and dialog.height() <= 600 - 40
