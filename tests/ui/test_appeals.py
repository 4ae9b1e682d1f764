"""The appeals inbox driven as a head of service would: keyboard only, then the database."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from st2desk import clock
from st2desk.models import Appeal, Authorization, Decision, DecisionKind, Request, RequestStatus, Role
from st2desk.services import decisions
from st2desk.ui.appeals import AppealsInbox
from st2desk.ui.inbox_model import ID_ROLE
from st2desk.ui.main_window import MainWindow
from tests import flows
from tests.cast import OTHER_UNIT
from tests.test_inbox_queries import make_user

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
GROUNDS = "El paciente cumple criterios: cefalea progresiva con papiledema bilateral documentado."


def appealed(db, cast, decider, **overrides) -> int:  # type: ignore[no-untyped-def]
    request_id = flows.in_review(db, cast, **overrides)
    with db.transaction() as s:
        decisions.reject(s, decider, request_id, "R04",
                         "No cumple los criterios de referencia del segundo nivel.")
    with db.transaction() as s:
        decisions.file_appeal(s, cast.physician, request_id, GROUNDS)
    return request_id


def open_appeals(qtbot, make_ctx, actor) -> AppealsInbox:  # type: ignore[no-untyped-def]
    view = AppealsInbox(make_ctx(actor))
    qtbot.addWidget(view)
    view.resize(1100, 720)
    with qtbot.waitActive(view):
        view.show()
        view.activateWindow()
    view.table.setFocus()
    return view


def focused():  # type: ignore[no-untyped-def]
    return QApplication.focusWidget()


def shown_ids(view: AppealsInbox) -> list[int]:
    return [view.model.index(r, 0).data(ID_ROLE) for r in range(view.model.rowCount())]


def column(view: AppealsInbox, row: int, key: str) -> str:
    keys = [c.key for c in view.model.columns]
    return view.model.index(row, keys.index(key)).data()


def open_dialog_with(qtbot, view: AppealsInbox, key: Qt.Key):  # type: ignore[no-untyped-def]
    qtbot.keyClick(view.table, key, CTRL_SHIFT)
    qtbot.waitUntil(lambda: view.dialog is not None and focused() is not None
                    and focused().window() is view.dialog, timeout=2000)
    return view.dialog


def confirm(qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(focused(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_the_queue_shows_the_rejection_and_the_grounds(qtbot, db, cast, make_ctx):
    request_id = appealed(db, cast, cast.specialist)
    flows.rejected(db, cast, patient_id=cast.patient_female_id)  # rejected but not appealed
    view = open_appeals(qtbot, make_ctx, cast.appeals)
    assert shown_ids(view) == [request_id]
    assert column(view, 0, "reason") == "R04 No cumple criterios de referencia"
    assert column(view, 0, "rejected_by") == "Dictaminador1"
    assert column(view, 0, "grounds") == GROUNDS
    assert column(view, 0, "waiting") == "0 d"
    reason_tip = view.model.index(0, [c.key for c in view.model.columns].index("reason")).data(
        Qt.ItemDataRole.ToolTipRole)
    assert "No cumple los criterios de referencia del segundo nivel." in reason_tip
    text = view.detail.text()
    assert "Rechazada por Dictaminador1" in text and "Motivo: R04 — No cumple criterios" in text
    assert "Presentado por Medico1" in text and GROUNDS in text
    assert view.count_label.text() == "Recursos pendientes: 1"
    assert view.grant_button.isEnabled() and view.deny_button.isEnabled()


def test_granting_an_appeal_authorizes_the_request(qtbot, db, cast, make_ctx):
    request_id = appealed(db, cast, cast.specialist)
    view = open_appeals(qtbot, make_ctx, cast.appeals)
    dialog = open_dialog_with(qtbot, view, Qt.Key.Key_A)
    assert dialog.objectName() == "grantAppealDialog" and focused() is dialog.text_edit
    assert dialog.days_spin.value() == 30
    qtbot.keyClicks(dialog.text_edit, "Se revoca: el cuadro clinico justifica la tomografia.")
    confirm(qtbot)
    qtbot.waitUntil(lambda: view.dialog is None, timeout=2000)
    with db.session() as s:
        req = s.get(Request, request_id)
        appeal = s.scalar(select(Appeal).where(Appeal.request_id == request_id))
        final = s.scalar(select(Decision).where(Decision.request_id == request_id,
                                                Decision.on_appeal.is_(True)))
        auth = s.scalar(select(Authorization).where(Authorization.request_id == request_id))
        assert req.status is RequestStatus.AUTHORIZED
        assert appeal.upheld is True and appeal.decided_by_id == cast.appeals.user_id
        assert final.kind is DecisionKind.APPROVE and final.decided_by_id == cast.appeals.user_id
        assert final.text == "Se revoca: el cuadro clinico justifica la tomografia."
        assert auth.valid_until == clock.today() + timedelta(days=30)
        assert view.feedback.text() == (
            f"Recurso de {req.folio} concedido: la solicitud queda autorizada.")
    assert shown_ids(view) == []
    assert "No hay recursos de revisión pendientes en su unidad." in view.detail.text()


def test_denying_an_appeal_makes_the_rejection_final(qtbot, db, cast, make_ctx):
    request_id = appealed(db, cast, cast.specialist)
    view = open_appeals(qtbot, make_ctx, cast.appeals)
    dialog = open_dialog_with(qtbot, view, Qt.Key.Key_R)
    assert dialog.objectName() == "denyAppealDialog" and focused() is dialog.reason_combo
    qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.reason_combo, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.text_edit, "Sin estudio previo")
    assert not dialog.confirm_button.isEnabled()  # 20 characters are needed, this has 18
    assert dialog.counter.text() == "18 caracteres; mínimo 20"
    qtbot.keyClicks(dialog.text_edit, "; se confirma el dictamen.")
    confirm(qtbot)
    qtbot.waitUntil(lambda: view.dialog is None, timeout=2000)
    with db.session() as s:
        req = s.get(Request, request_id)
        final = s.scalar(select(Decision).where(Decision.request_id == request_id,
                                                Decision.on_appeal.is_(True)))
        appeal = s.scalar(select(Appeal).where(Appeal.request_id == request_id))
        assert req.status is RequestStatus.REJECTED_FINAL
        assert final.kind is DecisionKind.REJECT and final.reason_code == "R01"
        assert final.text == "Sin estudio previo; se confirma el dictamen."
        assert appeal.upheld is False
        assert s.scalar(select(func.count()).select_from(Authorization)) == 0


def test_the_first_decider_sees_the_appeal_but_cannot_resolve_it(qtbot, db, cast, make_ctx):
    request_id = appealed(db, cast, cast.chief)
    view = open_appeals(qtbot, make_ctx, cast.chief)
    assert shown_ids(view) == [request_id]
    assert not view.grant_button.isEnabled() and not view.deny_button.isEnabled()
    assert view.why_label.text() == (
        "Usted emitió el primer dictamen de esta solicitud; otro jefe de servicio debe "
        "resolver el recurso.")
    qtbot.keyClick(view.table, Qt.Key.Key_A, CTRL_SHIFT)
    assert view.dialog is None
    assert flows.status(db, request_id) is RequestStatus.IN_APPEAL
    other = open_appeals(qtbot, make_ctx, cast.appeals)  # another head can
    assert other.grant_button.isEnabled()


def test_appeals_of_other_units_are_not_listed(qtbot, db, cast, make_ctx):
    appealed(db, cast, cast.specialist)
    head_elsewhere = make_user(db, "jefe.27", OTHER_UNIT, [Role.APPEALS])
    view = open_appeals(qtbot, make_ctx, head_elsewhere)
    assert shown_ids(view) == [] and view.count_label.text() == "Recursos pendientes: 0"
    assert "No hay recursos de revisión pendientes en su unidad." in view.detail.text()
    assert not view.grant_button.isEnabled()


def test_an_appeal_resolved_elsewhere_is_refused_and_leaves_the_list(qtbot, db, cast, make_ctx,
                                                                     messages):
    request_id = appealed(db, cast, cast.specialist)
    view = open_appeals(qtbot, make_ctx, cast.appeals)
    with db.transaction() as s:  # the committee's other head resolves it first
        decisions.decide_appeal(s, cast.chief, request_id, grant=False, reason_code="R01",
                                text="Se confirma: faltan los estudios previos requeridos.")
    dialog = open_dialog_with(qtbot, view, Qt.Key.Key_A)
    qtbot.keyClicks(dialog.text_edit, "Se revoca el dictamen por criterios cumplidos.")
    confirm(qtbot)
    qtbot.waitUntil(lambda: view.dialog is None, timeout=2000)
    assert messages.texts() == ["Otra estación modificó este registro mientras usted lo veía. "
                                "Recargue para ver su estado actual."]
    assert flows.status(db, request_id) is RequestStatus.REJECTED_FINAL
    assert shown_ids(view) == []


def test_the_chief_switches_between_inbox_and_appeals_with_the_same_keys(qtbot, db, cast,
                                                                         make_ctx):
    """Ctrl+Shift+A approves in the inbox and grants in appeals: only the visible one acts."""
    pending = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    appealed_id = appealed(db, cast, cast.specialist)
    window = MainWindow(make_ctx(cast.chief))
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    appeals = window.show_section("appeals")
    appeals.table.setFocus()
    qtbot.keyClick(appeals.table, Qt.Key.Key_A, CTRL_SHIFT)
    qtbot.waitUntil(lambda: appeals.dialog is not None, timeout=2000)
    assert appeals.dialog.objectName() == "grantAppealDialog"
    inbox = window.section_widget("inbox")
    assert inbox.dialog is None
    qtbot.keyClick(appeals.dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: appeals.dialog is None, timeout=2000)
    window.show_section("inbox")
    inbox.table.setFocus()
    qtbot.keyClick(inbox.table, Qt.Key.Key_A, CTRL_SHIFT)
    qtbot.waitUntil(lambda: inbox.dialog is not None, timeout=2000)
    assert inbox.dialog.objectName() == "approveDialog" and appeals.dialog is None
    qtbot.keyClick(inbox.dialog, Qt.Key.Key_Escape)
    assert flows.status(db, pending) is RequestStatus.IN_REVIEW
    assert flows.status(db, appealed_id) is RequestStatus.IN_APPEAL
