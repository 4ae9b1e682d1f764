"""Issue 13 (13): a screen reader names every input and reads its error; Tab reaches every
input in reading order; text is readable (contrast) on the colours the windows use."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from st2desk.models import Role
from st2desk.ui import accessibility
from st2desk.ui.main_window import MainWindow
from st2desk.ui.request_form import RequestForm
from tests import flows
from tests.test_inbox_queries import make_user

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QTextEdit, QPlainTextEdit, QAbstractItemView,
          QAbstractButton)


def accessible(widget: QWidget, what: QAccessible.Text) -> str:
    iface = QAccessible.queryAccessibleInterface(widget)
    return iface.text(what) if iface is not None else ""


def inputs_of(view: QWidget) -> list[QWidget]:
    found = []
    for w in view.findChildren(QWidget):
        if not isinstance(w, INPUTS) or not w.isVisibleTo(view) or isinstance(w, QHeaderView):
            continue  # a table's header is read with its columns
        parent = w.parentWidget()
        if isinstance(parent, QComboBox | QAbstractSpinBox) or (
                parent is not None and isinstance(parent.parentWidget(), QAbstractItemView)):
            continue  # the inner editor of a combo or spin box, a view's scroll bar button
        found.append(w)
    return found


def open_all(qtbot, db, cast, make_ctx) -> MainWindow:  # type: ignore[no-untyped-def]
    flows.in_review(db, cast)
    everyone = make_user(db, "a11y", "09HGZ24", [Role.PHYSICIAN, Role.SPECIALIST, Role.APPEALS,
                                                 Role.RECEPTION, Role.ADMIN], "RADIO")
    window = MainWindow(make_ctx(everyone))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    return window


def test_every_input_of_every_section_has_an_accessible_name(qtbot, db, cast, make_ctx):  # type: ignore[no-untyped-def]
    window = open_all(qtbot, db, cast, make_ctx)
    nameless = []
    for section in window.sections:
        view = window.show_section(section.key)
        qtbot.wait(20)
        for w in inputs_of(view):
            if not accessible(w, QAccessible.Text.Name).strip():
                nameless.append((section.key, type(w).__name__, w.objectName()))
    assert nameless == [], "\n".join(map(str, nameless))


def test_a_screen_reader_reads_the_field_and_its_error(qtbot, make_ctx, cast):  # type: ignore[no-untyped-def]
    form = RequestForm(make_ctx(cast.physician))
    qtbot.addWidget(form)
    form.show()
    nss = form.patient.nss_edit
    nss.setFocus()
    qtbot.keyClicks(nss, "01058012344")  # wrong check digit
    qtbot.waitUntil(lambda: bool(form.patient.nss_reason.text()))
    error = form.patient.nss_reason.text()
    assert accessible(nss, QAccessible.Text.Name) == "NSS"
    assert accessible(nss, QAccessible.Text.Description) == error
    nss.clear()
    qtbot.keyClicks(nss, "01058012343")
    qtbot.waitUntil(lambda: accessible(nss, QAccessible.Text.Description) != error)
    form.justification_edit.setFocus()
    qtbot.keyClicks(form.justification_edit, "Dolor")
    assert "30" in accessible(form.justification_edit, QAccessible.Text.Description)


def test_text_colours_are_readable():  # type: ignore[no-untyped-def]
    """WCAG AA (4.5:1) for every text colour the windows set, on white and on the window grey."""
    import re
    from pathlib import Path

    ui = Path(accessibility.__file__).parent
    colours = set()
    for source in ui.glob("*.py"):
        colours |= set(re.findall(r"(?<![-\w])color: (#[0-9a-fA-F]{3,6})", source.read_text()))
        colours |= set(re.findall(r'_COLOR = "(#[0-9a-fA-F]{6})"', source.read_text()))
    assert len(colours) > 8
    poor = {c: round(min(accessibility.contrast(c, "#ffffff"), accessibility.contrast(c, "#efefef")), 2)
            for c in colours}
    assert {c: r for c, r in poor.items() if r < 4.5} == {}


def test_placeholder_text_is_readable(qapp):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QPalette

    before = QApplication.palette()
    try:
        accessibility.readable_palette(qapp)
        palette = QApplication.palette()
        assert accessibility.contrast(palette.color(QPalette.ColorRole.PlaceholderText),
                                      palette.color(QPalette.ColorRole.Base)) >= 4.5
    finally:
        QApplication.setPalette(before)


def test_tab_walks_the_form_in_reading_order(qtbot, make_ctx, cast):  # type: ignore[no-untyped-def]
    form = RequestForm(make_ctx(cast.physician))
    qtbot.addWidget(form)
    form.resize(1280, 800)
    form.show()
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.patient.nss_edit)
    form.emergency_check.setChecked(True)  # its date and hour join the walk
    form.patient.nss_edit.setFocus()
    seen: list[str] = []
    for _ in range(60):
        widget = QApplication.focusWidget()
        name = widget.objectName() if widget is not None else ""
        if name in seen:
            break
        seen.append(name)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    expected = ["nssEdit", "serviceCombo", "diagnosisEdit", "performingUnitCombo",
                "emergencyCheck", "performedOnEdit", "performedTimeEdit", "justificationEdit",
                "attachButton", "saveDraftButton", "submitButton"]
    positions = [seen.index(name) for name in expected]
    assert positions == sorted(positions), seen
