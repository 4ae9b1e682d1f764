"""Issue 13 (1): every time shown, every "today" and every deadline follows the zone of the
signed-in user's unit, the same in every window, whatever the computer's own zone; a
request of another unit reads in its own unit's zone and names it."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from st2desk import clock
from st2desk.models import Request, Unit
from st2desk.services import users
from st2desk.ui import my_requests, request_detail
from st2desk.ui.inbox import Inbox
from st2desk.ui.my_requests import MyRequests
from tests import flows
from tests.cast import PASSWORD, PERFORMING_UNIT, REQUESTING_UNIT

# 07:30 UTC: 01:30 on 3 December in Mexico City, 23:30 on 2 December in Tijuana.
MOMENT = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)


@pytest.fixture
def computer_in_tokyo(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The workstation's own zone is neither Mexico's nor UTC (a misconfigured PC)."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def set_zone(db, code: str, zone: str) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        s.scalar(select(Unit).where(Unit.code == code)).time_zone = zone


def test_sign_in_carries_the_units_zone_and_today_follows_it(db, cast, make_ctx):  # type: ignore[no-untyped-def]
    set_zone(db, REQUESTING_UNIT, "America/Tijuana")
    with clock.frozen_at(MOMENT):
        actor = users.login(db, "medico1", PASSWORD)
        assert actor.time_zone == "America/Tijuana"
        assert clock.today() == date(2026, 12, 3)  # nobody signed in: central Mexico
        make_ctx(actor)
        assert clock.today() == date(2026, 12, 2)
        request_id = flows.draft(db, cast)
        with db.session() as s:
            assert s.get(Request, request_id).requested_on == date(2026, 12, 2)


def test_the_same_moment_reads_the_same_in_every_window(
        qtbot, db, cast, make_ctx, computer_in_tokyo):  # type: ignore[no-untyped-def]
    assert os.environ["TZ"] == "Asia/Tokyo"
    set_zone(db, PERFORMING_UNIT, "America/Tijuana")
    set_zone(db, REQUESTING_UNIT, "America/Tijuana")
    with clock.frozen_at(MOMENT):
        request_id = flows.in_review(db, cast)
        ctx = make_ctx(users.login(db, "dictaminador1", PASSWORD))
        assert my_requests.local(MOMENT) == "02/12/2026 23:30"
        assert request_detail.fmt_datetime(MOMENT) == "02/12/2026 23:30"
        inbox = Inbox(ctx)
        qtbot.addWidget(inbox)
        inbox.show()
        qtbot.waitUntil(lambda: inbox.model.rowCount() == 1)
        column = [c.key for c in inbox.model.columns].index("submitted")
        assert inbox.model.index(0, column).data() == "02/12/2026"
        inbox.table.selectRow(0)
        qtbot.waitUntil(lambda: "23:30" in inbox.detail.browser.toPlainText())
        physician = make_ctx(users.login(db, "medico1", PASSWORD))
        view = MyRequests(physician)
        qtbot.addWidget(view)
        view.show()
        qtbot.waitUntil(lambda: view.model.rowCount() == 1)
        view.table.selectRow(0)
        qtbot.waitUntil(lambda: view.detail is not None and view.detail.id == request_id)
        qtbot.waitUntil(lambda: "02/12/2026 23:30" in view.detail_browser.toPlainText())


def test_another_units_request_reads_in_its_own_zone_and_says_so(
        qtbot, db, cast, make_ctx, computer_in_tokyo):  # type: ignore[no-untyped-def]
    """A Tijuana clinic's request, submitted at 23:30 on 2 December there, seen by the
    Mexico City hospital's specialist at 01:30 on the 3rd: the inbox shows the 2nd and the
    detail says "23:30 (hora de Tijuana)"."""
    set_zone(db, REQUESTING_UNIT, "America/Tijuana")
    with clock.frozen_at(MOMENT):
        flows.in_review(db, cast)
        ctx = make_ctx(users.login(db, "dictaminador1", PASSWORD))
        assert clock.today() == date(2026, 12, 3)  # the specialist's own day
        inbox = Inbox(ctx)
        qtbot.addWidget(inbox)
        inbox.show()
        qtbot.waitUntil(lambda: inbox.model.rowCount() == 1)
        column = [c.key for c in inbox.model.columns].index("submitted")
        assert inbox.model.index(0, column).data() == "02/12/2026"
        inbox.table.selectRow(0)
        qtbot.waitUntil(lambda: "hora de Tijuana" in inbox.detail.browser.toPlainText())
        assert "02/12/2026 23:30 (hora de Tijuana)" in inbox.detail.browser.toPlainText()
