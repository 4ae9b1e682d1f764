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
