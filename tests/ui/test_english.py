"""Issue 13 (11): the English interface says statuses and other domain words in English,
and Qt's own dialogs follow the chosen language."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QTextBrowser,
    QWidget,
)

from st2desk.models import Authorization, Role
from st2desk.services.workflow import STATUS_LABELS
from st2desk.ui import i18n
from st2desk.ui.main_window import MainWindow
from tests import flows
from tests.test_inbox_queries import make_user

SPANISH = (*STATUS_LABELS.values(), "Ordinaria", "Urgente", "Pendientes", "Solicitudes:",
           "Vigente", "vence en", "vencida", "sin enviar")


def texts(root: QWidget) -> list[str]:
    out: list[str] = []
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(root):
            continue
        if isinstance(w, QLabel | QAbstractButton):
            out.append(w.text())
        elif isinstance(w, QComboBox):
            out.extend(w.itemText(i) for i in range(w.count()))
        elif isinstance(w, QTextBrowser):
            out.append(w.toPlainText())
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            for r in range(min(model.rowCount(), 30)):
                out.extend(str(model.index(r, c).data() or "") for c in range(model.columnCount()))
    return out


@pytest.fixture
def english(qapp: QApplication):  # type: ignore[no-untyped-def]
    i18n.install(qapp, "en")
    yield
    i18n.install(qapp, "es_MX")


def test_no_spanish_domain_word_in_the_english_interface(qtbot, db, cast, make_ctx, english):  # type: ignore[no-untyped-def]
    flows.in_review(db, cast)
    _request_id, auth_id = flows.authorized(db, cast, patient_id=cast.patient_female_id,
                                            service_id=cast.female_service_id)
    with db.session() as s:
        number = s.get(Authorization, auth_id).number
    everyone = make_user(db, "everyone", "09HGZ24", [Role.PHYSICIAN, Role.SPECIALIST, Role.APPEALS,
                                                     Role.RECEPTION, Role.ADMIN], "RADIO")
    window = MainWindow(make_ctx(everyone))
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    found = []
    for section in window.sections:
        view = window.show_section(section.key)
        table = getattr(view, "table", None)
        if table is not None and table.model() is not None and table.model().rowCount():
            table.selectRow(0)
        if section.key == "authorizations":
            view.search_edit.setText(number)
            view.search()
        qtbot.wait(100)
        for text in texts(view):
            found += [(section.key, word, text) for word in SPANISH if word in text]
    assert found == [], "\n".join(map(str, found))


def test_qt_dialogs_speak_spanish_when_st2desk_does(qtbot, qapp):  # type: ignore[no-untyped-def]
    i18n.install(qapp, "es_MX")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Save)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Cancelar"


def test_the_forms_say_the_status_in_english(qtbot, db, cast, make_ctx, english):  # type: ignore[no-untyped-def]
    from st2desk.ui.request_form import RequestForm

    request_id = flows.draft(db, cast)
    form = RequestForm(make_ctx(cast.physician))
    qtbot.addWidget(form)
    form.load_request(request_id, force=True)
    assert "Draft" in form.state_label.text() and "Borrador" not in form.state_label.text()
