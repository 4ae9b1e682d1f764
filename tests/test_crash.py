"""A process killed in the middle of a transition leaves all of it or none of it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from sqlalchemy import func, select

from st2desk import audit
from st2desk.models import AuditEvent, Authorization, Decision, Request, RequestStatus
from tests import flows

# The child runs a use case and is killed (SIGKILL, no cleanup) right after the audit event
# was written, i.e. with every row of the transition flushed but nothing committed.
CHILD = """
import os, signal, sys
from st2desk import audit
from st2desk.db import Database
from st2desk.models import Role
from st2desk.services.common import Actor
from st2desk.services import decisions, requests

original = audit.record
def record_then_die(*args, **kwargs):
    event = original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
    return event
audit.record = record_then_die
db = Database(sys.argv[1])
user_id, unit_id, specialty_id, request_id = map(int, sys.argv[3:7])
roles = frozenset(Role(r) for r in sys.argv[7].split(","))
actor = Actor(user_id, "x", unit_id, roles, specialty_id or None)
with db.transaction() as s:
    if sys.argv[2] == "submit":
        requests.submit(s, actor, request_id)
    else:
        decisions.approve(s, actor, request_id)
"""


def run_and_kill(db_url: str, action: str, actor, request_id: int) -> int:  # type: ignore[no-untyped-def]
    args = [db_url, action, str(actor.user_id), str(actor.unit_id), str(actor.specialty_id or 0),
            str(request_id), ",".join(r.value for r in actor.roles)]
    result = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                            timeout=120, env={**os.environ})
    return result.returncode


def counts(db) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(AuditEvent)),
                s.scalar(select(func.count()).select_from(Decision)),
                s.scalar(select(func.count()).select_from(Authorization)))


def test_killed_submission_leaves_the_draft_untouched(db, db_url, cast):
    request_id = flows.draft(db, cast)
    before = counts(db)
    assert run_and_kill(db_url, "submit", cast.physician, request_id) == -signal.SIGKILL
    with db.session() as s:
        req = s.get(Request, request_id)
        assert req.status is RequestStatus.DRAFT and req.submitted_at is None and req.findings == []
        assert audit.verify(s).ok
    assert counts(db) == before
    with db.transaction() as s:  # and the database is not left locked
        from st2desk.services import requests

        assert requests.submit(s, cast.physician, request_id).submitted


def test_killed_approval_writes_no_authorization(db, db_url, cast):
    request_id = flows.in_review(db, cast)
    before = counts(db)
    assert run_and_kill(db_url, "approve", cast.specialist, request_id) == -signal.SIGKILL
    assert counts(db) == before
    assert flows.status(db, request_id) is RequestStatus.IN_REVIEW
    from st2desk.services import decisions

    with db.transaction() as s:
        auth = decisions.approve(s, cast.specialist, request_id)
        # the killed attempt did not consume the authorization number either
        assert auth.number.split("-")[2] == "000001"
