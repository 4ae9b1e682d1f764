"""The operations helper: domain errors shown in Spanish, changes from other workstations."""

from __future__ import annotations

from sqlalchemy import func, select

from st2desk.models import Request
from st2desk.services import requests
from st2desk.ui.operations import Operations
from tests import flows


def test_domain_error_is_shown_and_nothing_changes(qtbot, db, cast, messages):
    ops = Operations(db, poll_ms=0)
    result = ops.write(lambda s: requests.submit(s, cast.physician, 424242), parent=None)
    assert result is None
    assert messages.texts() == ["No existe esa solicitud entre las que su rol y su unidad pueden ver."]


def test_write_announces_the_change(qtbot, db, cast):
    ops = Operations(db, poll_ms=0)
    with qtbot.waitSignal(ops.sig_data_changed) as blocker:
        ops.write(lambda s: requests.create_draft(s, cast.physician, flows.request_data(cast)),
                  parent=None)
    assert blocker.args == ["request"]
    assert ops.read(lambda s: s.scalar(select(func.count()).select_from(Request))) == 1


def test_change_by_another_workstation_is_noticed(qtbot, db, cast):
    ops = Operations(db, poll_ms=100)
    try:
        with qtbot.waitSignal(ops.sig_data_changed, timeout=5000) as blocker:
            flows.draft(db, cast)  # another workstation writes directly to the database
        assert blocker.args == ["external"]
    finally:
        ops.close()


def test_background_job_reports_progress_and_result(qtbot, db):
    ops = Operations(db, poll_ms=0)
    results: list[int] = []

    def job(progress, cancelled):  # type: ignore[no-untyped-def]
        for i in range(5):
            progress(i + 1, 5)
        return 42

    ops.background(job, parent=None, label="Trabajando…", on_done=results.append)
    qtbot.waitUntil(lambda: results == [42], timeout=5000)


def test_a_refusal_never_breaks_an_authorization_number_across_lines(qtbot, db, cast, messages):  # type: ignore[no-untyped-def]
    """Issue 13 (7): the refusal names the authorization, and however narrow the message
    box, its number stays on one line; copied from the box, it is still found."""
    import pytest
    from PySide6.QtGui import QTextLayout, QTextOption
    from PySide6.QtWidgets import QApplication

    from st2desk import numbering
    from st2desk.errors import St2Error
    from st2desk.models import Authorization
    from st2desk.services import authorizations
    from st2desk.ui.operations import show_error

    _, auth_id = flows.authorized(db, cast)
    with db.transaction() as s:
        authorizations.record_use(s, cast.reception, auth_id)
        number = s.get(Authorization, auth_id).number
    with pytest.raises(St2Error) as refused, db.transaction() as s:
        authorizations.record_use(s, cast.reception, auth_id)
    show_error(None, refused.value.message)
    shown = messages.texts()[-1]
    assert shown.replace("\u2060", "").startswith(f"La autorización {number} ya se utilizó")
    for width in range(40, 400, 10):
        layout = QTextLayout(shown, QApplication.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WordWrap)
        layout.setTextOption(option)
        layout.beginLayout()
        lines = []
        while (line := layout.createLine()).isValid():
            line.setLineWidth(width)
            lines.append(shown[line.textStart():line.textStart() + line.textLength()])
        layout.endLayout()
        assert not any(text.rstrip().endswith("-") for text in lines), (width, lines)
    copied = next(word for word in shown.split() if word.replace("\u2060", "") == number)
    assert numbering.normalize(copied) == number
