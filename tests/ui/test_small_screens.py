"""Issue 13 (3): every section is usable on a 1,024×600 screen, at 100 % and 125 % text,
on a 1,366×768 screen at 150 % and on a 1,920×1,080 screen at 200 %.

The window's inside is taken as 1,024×540 (a title bar and a panel take the rest of 600).
Usable means: the window accepts that size, and every field and button of the section on
screen can be brought into view (Tab scrolls to it) — at 100 %, 150 % and 200 % without
scrolling sideways (columns that do not fit side by side go one above the other).

200 % is Qt's own scaling (QT_SCALE_FACTOR=2: 960×540 logical pixels, everything drawn at
twice the pixels), which must be set before the application starts:
`test_every_section_fits_at_200_percent` runs this module's test again in a child process
with it. ST2DESK_SCREENSHOT_DIR (optional) keeps a screenshot of every section.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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


# Inside the child process that Qt scales to 200 %, only the 200 % case runs.
AT_200 = os.environ.get("QT_SCALE_FACTOR") == "2"
SCALES, SCALE_IDS = (([2.0], ["1920x1080-at-200%"]) if AT_200 else
                     ([1.0, 1.25, 1.5], ["100%", "125%-text", "1366x768-at-150%"]))


@pytest.fixture(params=SCALES, ids=SCALE_IDS)
def text_scale(request, qapp: QApplication) -> Iterator[float]:  # type: ignore[no-untyped-def]
    """1.0 and 1.25: the text size on 1,024×600. 1.5: a 1,366×768 screen scaled to 150 %
    (Qt lays out in 911×512 logical pixels; the text keeps its logical size). 2.0: a
    1,920×1,080 screen at 200 % (960×540 logical pixels; Qt itself scales)."""
    if request.param == 2.0:
        assert qapp.primaryScreen().devicePixelRatio() == 2.0
        assert qapp.primaryScreen().availableGeometry().size().toTuple() == (960, 540)
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


def typing_point(field: QWidget, window: MainWindow) -> QPoint:
    """Where typing shows: a line edit's left end; a text box's cursor line (a tall box
    stacked under the fields on a narrow screen scrolls to its cursor, not its middle)."""
    if isinstance(field, QTextEdit | QPlainTextEdit):
        return field.viewport().mapTo(window, field.cursorRect().center())
    return field.mapTo(window, QPoint(min(12, field.width() // 2), field.height() // 2))


def shown_rect(window: MainWindow) -> QRect:
    viewport = window.scroll.viewport()
    return QRect(viewport.mapTo(window, QPoint(0, 0)), viewport.size())


def test_every_section_fits_a_1024_by_600_screen(qtbot, db, cast, make_ctx, text_scale):  # type: ignore[no-untyped-def]
    flows.in_review(db, cast)
    everyone = make_user(db, "todo.roles", "09HGZ24", [Role.PHYSICIAN, Role.SPECIALIST, Role.APPEALS,
                                                       Role.RECEPTION, Role.ADMIN], "RADIO")
    window = MainWindow(make_ctx(everyone))
    qtbot.addWidget(window)
    inside = {1.5: (910, 452), 2.0: (960, 480)}.get(text_scale, INSIDE)  # − title bar, panel
    shots = os.environ.get("ST2DESK_SCREENSHOT_DIR")
    window.resize(*inside)
    window.show()
    qtbot.waitExposed(window)
    assert window.size().toTuple() == inside
    assert window.minimumSizeHint().width() <= inside[0]
    for section in window.sections:
        view = window.show_section(section.key)
        qtbot.wait(50)
        if text_scale != 1.25:  # 100 %, 150 % and 200 %: nothing to scroll sideways for
            assert window.scroll.horizontalScrollBar().maximum() == 0, section.key
        if shots:
            window.grab().save(str(Path(shots) / f"{section.key}.png"))
        fields = fields_of(view)
        assert fields, section.key
        for field in fields:
            bring_into_view(window, field)
            centre = typing_point(field, window)
            assert shown_rect(window).contains(centre), (section.key, field.objectName() or field)


@pytest.mark.skipif(AT_200, reason="this is the parent of the 200 % run")
def test_every_section_fits_at_200_percent(tmp_path: Path) -> None:
    """The test above, in a child process that Qt scales to 200 % on a 1,920×1,080 screen."""
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "ST2DESK_SCREENSHOT_DIR": str(tmp_path),
           "QT_QPA_PLATFORM": f"offscreen:configfile={Path(__file__).parents[1] / 'offscreen_screen.json'}"}
    env.pop("PYTEST_ADDOPTS", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         f"{__file__}::test_every_section_fits_a_1024_by_600_screen"],
        env=env, capture_output=True, text=True, timeout=600, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout, done.stdout[-2000:]
    shots = sorted(tmp_path.glob("*.png"))
    assert shots
    from PySide6.QtGui import QImage

    first = QImage(str(shots[0]))
    assert (first.width(), first.height()) == (1920, 960)  # drawn at twice the pixels


def test_a_dialog_opened_for_a_big_screen_is_fitted_to_a_small_one(qtbot, monkeypatch):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QScreen

    monkeypatch.setattr(QScreen, "availableGeometry", lambda self: QRect(0, 0, 1024, 600))
    dialog = QWidget()
    qtbot.addWidget(dialog)
    fit_to_screen(dialog, 900, 760)
    assert dialog.width() <= 1024 and dialog.height() <= 600 - 40
