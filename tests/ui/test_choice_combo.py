"""Drop-downs that change clinical data change only when the person picks from the list."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from tests.ui.test_request_form import nss_of, open_form, type_text


def test_typing_or_arrows_on_the_patient_list_open_it_and_change_nothing(qtbot, make_ctx, cast, db):
    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    combo = form.patient.patient_combo
    assert form.patient.patient_id == cast.patient_id
    combo.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo)
    for key in (Qt.Key.Key_O, Qt.Key.Key_Down, Qt.Key.Key_End):
        qtbot.keyClick(combo, key)
        assert combo.view().isVisible()  # the person sees the choices…
        assert form.patient.patient_id == cast.patient_id  # …and nothing changed yet
        combo.hidePopup()
    wheel = QWheelEvent(QPointF(5, 5), QPointF(combo.mapToGlobal(QPoint(5, 5))), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(combo, wheel)
    assert form.patient.patient_id == cast.patient_id


def test_arrows_on_the_performing_unit_open_the_list_and_change_nothing(qtbot, make_ctx, cast):
    form = open_form(qtbot, make_ctx, cast.physician)
    combo = form.unit_combo
    combo.set_unit_id(cast.performing_unit_id)
    combo.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is combo.lineEdit()
                    or QApplication.focusWidget() is combo)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.view().isVisible()
    assert combo.unit_id() == cast.performing_unit_id
