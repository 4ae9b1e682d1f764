"""Faults at the desk: the database away, a lock held elsewhere, a decision made on another
workstation. What the person sees, and that actions act on the request on screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from st2desk import clock
from st2desk.errors import StorageUnavailable
from st2desk.models import AuditEvent, Authorization, Request, RequestStatus
from st2desk.services import decisions, requests
from st2desk.ui import operations as operations_module
from st2desk.ui.main_window import MainWindow
from st2desk.ui.operations import Operations
from tests import flows
from tests.faults import hold_sqlite_write_lock, unreachable
from tests.ui.test_inbox import CTRL_SHIFT, open_inbox, press

OFFLINE_OR_IO = ("Sin conexión con el servidor", "No se pudo leer o escribir el archivo de la base")


def _spanish_failure(text: str) -> bool:
    return text.startswith(OFFLINE_OR_IO)


def test_read_failure_is_a_spanish_error_and_the_helper_goes_offline_then_back(qtbot, db):
    ops = Operations(db, poll_ms=0)
    changes: list[bool] = []
    ops.sig_connection_changed.connect(changes.append)
    with unreachable(db):
        with pytest.raises(StorageUnavailable) as caught:
            ops.read(lambda s: s.scalar(select(func.count()).select_from(Request)))
        assert _spanish_failure(caught.value.message)
        if not db.is_sqlite:
            # Offline: the next call fails at once, without waiting for a connection timeout.
            calls = []
            with pytest.raises(StorageUnavailable):
                ops.read(lambda s: calls.append(1))
            assert calls == [] and changes == [False] and not ops.online
    if not db.is_sqlite:
        with qtbot.waitSignal(ops.sig_data_changed, timeout=10000) as reloaded:
            ops.probe()  # what the reconnect timer does every few seconds
        assert reloaded.args == ["external"] and changes == [False, True] and ops.online
    assert ops.read(lambda s: s.scalar(select(func.count()).select_from(Request))) == 0
    ops.close()


def test_write_failure_shows_spanish_message_and_changes_nothing(qtbot, db, cast, messages):
    ops = Operations(db, poll_ms=0)
    with unreachable(db):
        result = ops.write(lambda s: requests.create_draft(s, cast.physician, flows.request_data(cast)),
                           parent=None)
    assert result is None
    assert len(messages.texts()) == 1 and _spanish_failure(messages.texts()[0])
    ops.close()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 0


def test_failed_load_clears_the_detail_and_no_decision_acts_on_another_patient(
        qtbot, db, cast, make_ctx):
    """066-A clicked while the server is down: the pane must not keep 012-C under "Aprobar"."""
    with clock.frozen_at(datetime.now(UTC) - timedelta(hours=2)):
        first = flows.in_review(db, cast)
    second = flows.in_review(db, cast, patient_id=cast.patient_female_id)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    assert inbox.detail.detail is not None and inbox.detail.detail.id == first
    assert inbox.approve_button.isEnabled()

    with unreachable(db):
        inbox.select_request(second)  # the click on the other row
        assert inbox.current_id() == second
        assert inbox.detail.detail is None, "the previous patient's detail stayed on screen"
        assert _spanish_failure(inbox.detail.text())
        assert not inbox.approve_button.isEnabled() and not inbox.approve_action.isEnabled()
        press(qtbot, inbox.table, Qt.Key.Key_A, CTRL_SHIFT)
        assert inbox.dialog is None

    inbox.ctx.ops.probe()
    qtbot.waitUntil(lambda: inbox.ctx.ops.online, timeout=10000)
    inbox.select_request(first)
    inbox.select_request(second)
    qtbot.waitUntil(lambda: inbox.detail.detail is not None and inbox.detail.detail.id == second,
                    timeout=5000)
    assert inbox.approve_button.isEnabled()


def test_decision_made_elsewhere_is_said_in_the_open_dialog_and_the_selection_stays(
        qtbot, db, cast, make_ctx):
    with clock.frozen_at(datetime.now(UTC) - timedelta(hours=2)):
        first = flows.in_review(db, cast)
    flows.in_review(db, cast, patient_id=cast.patient_female_id)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    assert inbox.current_id() == first
    press(qtbot, inbox.table, Qt.Key.Key_A, CTRL_SHIFT)
    qtbot.waitUntil(lambda: inbox.dialog is not None and inbox.dialog.isVisible(), timeout=2000)
    dialog = inbox.dialog

    with db.transaction() as s:  # another specialist's workstation approves the same request
        decisions.approve(s, cast.specialist2, first)
    inbox.ctx.ops.sig_data_changed.emit("external")

    assert dialog.stale and dialog.stale_label.isVisible()
    assert "otra estación" in dialog.stale_label.text()
    assert not dialog.confirm_button.isEnabled()
    assert inbox.current_id() == first, "the selection moved to another patient under the dialog"
    dialog.accept()  # Ctrl+Enter on a stale dialog decides nothing
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Authorization)) == 1
    dialog.reject()
    qtbot.waitUntil(lambda: inbox.dialog is None, timeout=2000)
    assert inbox.current_id() != first  # the list is reloaded once the dialog is closed


def test_decision_while_offline_keeps_the_dialog_and_what_was_typed(qtbot, db, cast, make_ctx, messages):
    request_id = flows.in_review(db, cast)
    inbox = open_inbox(qtbot, make_ctx, cast.specialist)
    press(qtbot, inbox.table, Qt.Key.Key_I, CTRL_SHIFT)
    qtbot.waitUntil(lambda: inbox.dialog is not None and inbox.dialog.isVisible(), timeout=2000)
    dialog = inbox.dialog
    question = "¿Tiene estudios previos de la rodilla? Anéxelos, por favor."
    dialog.question_edit.setPlainText(question)
    with unreachable(db):
        dialog.accept()
    assert inbox.dialog is dialog and dialog.isVisible()
    assert dialog.question_edit.toPlainText() == question
    assert _spanish_failure(messages.texts()[-1])
    assert flows.status(db, request_id) is RequestStatus.IN_REVIEW


def test_section_that_cannot_be_built_says_why_and_is_built_when_the_server_is_back(
        qtbot, db, cast, make_ctx):
    ctx = make_ctx(cast.dual)  # physician and specialist: the inbox is built when first shown
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    inbox_row = [s.key for s in window.sections].index("inbox")

    def section_error():  # type: ignore[no-untyped-def]
        return window.stack.currentWidget().findChild(type(window.connection_banner), "sectionError")

    with unreachable(db):
        window.nav.setCurrentRow(inbox_row)
        assert section_error() is not None and _spanish_failure(section_error().text())
        if not db.is_sqlite:
            assert window.connection_banner.isVisible()
            assert "Sin conexión con el servidor — reintentando" in window.connection_banner.text()
    if db.is_sqlite:  # no server to wait for: showing the section again builds it
        window.nav.setCurrentRow(0)
        window.nav.setCurrentRow(inbox_row)
    else:
        ctx.ops.probe()  # the reconnect timer's probe; success rebuilds the section shown
    qtbot.waitUntil(lambda: window.stack.currentWidget().objectName() == "inbox", timeout=10000)
    assert not window.connection_banner.isVisible()


def test_sqlite_lock_held_elsewhere_is_waited_for_with_the_wait_shown(qtbot, db, cast, messages):
    if not db.is_sqlite:
        pytest.skip("SQLite's file lock; PostgreSQL waits on row locks bounded by lock_timeout")
    ops = Operations(db, poll_ms=0)
    seen: list[str] = []

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if widget.objectName() == "busyWaitDialog" and widget.isVisible():
                seen.append(widget.labelText())
        if not seen:
            QTimer.singleShot(50, look)

    holder = hold_sqlite_write_lock(db.engine.url.database, seconds=2)
    try:
        QTimer.singleShot(50, look)
        draft = ops.write(lambda s: requests.create_draft(s, cast.physician, flows.request_data(cast)),
                          parent=None)
    finally:
        holder.wait()
    assert draft is not None and messages.texts() == []
    assert seen and "Otra estación está guardando cambios" in seen[0]
    ops.close()


def test_sqlite_lock_held_too_long_says_so_and_changes_nothing(qtbot, db, cast, messages, monkeypatch):
    if not db.is_sqlite:
        pytest.skip("SQLite's file lock; PostgreSQL waits on row locks bounded by lock_timeout")
    monkeypatch.setattr(operations_module, "BUSY_TOTAL_S", 1.0)
    ops = Operations(db, poll_ms=0)
    holder = hold_sqlite_write_lock(db.engine.url.database, seconds=4)
    try:
        started = datetime.now(UTC)
        result = ops.write(lambda s: requests.create_draft(s, cast.physician, flows.request_data(cast)),
                           parent=None)
        waited = (datetime.now(UTC) - started).total_seconds()
    finally:
        holder.wait()
    assert result is None and waited < 3.5
    assert messages.texts() and messages.texts()[0].startswith("Otra estación está guardando cambios")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 0
    ops.close()


def test_audit_times_never_go_backwards_when_the_clock_does(db, cast):
    with db.transaction() as s:
        requests.create_draft(s, cast.physician, flows.request_data(cast))
    with clock.frozen_at(datetime.now(UTC) - timedelta(hours=2)), db.transaction() as s:
        requests.create_draft(s, cast.physician, flows.request_data(cast))
    with db.session() as s:
        times = s.scalars(select(AuditEvent.at).order_by(AuditEvent.seq)).all()
    assert times == sorted(times)


def test_submission_while_the_database_is_away_keeps_what_was_typed(qtbot, db, cast, make_ctx, messages):
    from tests.ui.test_request_form import CTRL, nss_of, open_form, press, type_text

    form = open_form(qtbot, make_ctx, cast.physician)
    type_text(qtbot, nss_of(db, cast.patient_id))
    form.justification_edit.setFocus()
    type_text(qtbot, "Dolor persistente de rodilla derecha")
    with unreachable(db):
        press(qtbot, Qt.Key.Key_S, CTRL)
    assert messages.texts() and _spanish_failure(messages.texts()[-1])
    assert form.justification_edit.toPlainText() == "Dolor persistente de rodilla derecha"
    assert form.patient.nss_edit.text().replace(" ", "").replace("-", "") == nss_of(db, cast.patient_id)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 0


def test_an_exception_escaping_a_slot_reaches_the_person_in_spanish(qtbot, messages):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from st2desk.failures import UNEXPECTED
    from st2desk.ui import failures

    failures.report(OperationalError("BEGIN", {}, sqlite3.OperationalError("database is locked")))
    failures.report(OSError(28, "No space left on device", "/home/recepcion/comprobante.pdf"))
    failures.report(KeyError("bug"))
    assert messages.texts()[0].startswith("Otra estación está guardando cambios")
    assert messages.texts()[1].startswith("No hay espacio libre en el disco para escribir "
                                          "/home/recepcion/comprobante.pdf")
    assert messages.texts()[2] == UNEXPECTED


def test_clock_skew_over_two_minutes_is_shown_and_cleared(qtbot, db, cast, make_ctx):
    ctx = make_ctx(cast.specialist)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    ctx.ops.sig_clock_checked.emit(timedelta(minutes=125))  # the server is 2 h 5 min ahead
    assert window.clock_banner.isVisible()
    assert "125 min atrasado" in window.clock_banner.text()
    ctx.ops.sig_clock_checked.emit(timedelta(seconds=40))
    assert not window.clock_banner.isVisible()


def test_only_real_outages_are_called_outages():
    """A programming error of SQLite (a missing table) is not "no connection"."""
    import sqlite3

    import psycopg
    from sqlalchemy.exc import IntegrityError, OperationalError

    from st2desk.db import storage_error

    def op(orig: BaseException) -> OperationalError:
        return OperationalError("SELECT 1", {}, orig)

    assert storage_error(op(sqlite3.OperationalError("no such table: requests"))) is None
    assert storage_error(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE"))) is None
    assert storage_error(op(sqlite3.OperationalError("database is locked"))).kind == "busy"
    assert storage_error(op(sqlite3.OperationalError("database or disk is full"))).kind == "disk_full"
    assert storage_error(op(psycopg.OperationalError("connection refused"))).kind == "offline"
