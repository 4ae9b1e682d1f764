"""The audit chain: every transition is logged, and tampering is named."""

from __future__ import annotations

from sqlalchemy import select, text, update

from st2desk import audit
from st2desk.models import AuditEvent
from tests import flows
from tests.tamper import as_dba


def test_chain_verifies_after_a_workflow(db, cast):
    flows.authorized(db, cast)
    with db.session() as s:
        report = audit.verify(s)
    assert report.ok and report.events >= 3


def test_modified_event_is_named(db, cast):
    flows.authorized(db, cast)
    with db.session() as s:
        seq = s.scalar(select(AuditEvent.seq).where(AuditEvent.action == "submit"))
    with db.transaction() as s:
        as_dba(s).execute(update(AuditEvent).where(AuditEvent.seq == seq).values(username="intruso"))
    with db.session() as s:
        report = audit.verify(s)
    assert report.first_broken_seq == seq and "modificado" in report.reason


def test_deleted_event_is_named(db, cast):
    flows.authorized(db, cast)
    with db.session() as s:
        seq = s.scalar(select(AuditEvent.seq).where(AuditEvent.action == "submit"))
    with db.transaction() as s:
        as_dba(s).execute(text("DELETE FROM audit_log WHERE seq = :seq"), {"seq": seq})
    with db.session() as s:
        report = audit.verify(s)
    assert report.first_broken_seq == seq and "falta" in report.reason


def test_rewritten_hash_breaks_the_next_link(db, cast):
    flows.authorized(db, cast)
    with db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "submit"))
        seq = event.seq
        event.username = "intruso"
        forged = audit.compute_hash(event)
        s.rollback()
    with db.transaction() as s:
        as_dba(s).execute(update(AuditEvent).where(AuditEvent.seq == seq)
                  .values(username="intruso", hash=forged))
    with db.session() as s:
        report = audit.verify(s)
    assert report.first_broken_seq == seq + 1


def test_failed_transition_writes_no_event(db, cast):
    request_id = flows.draft(db, cast)
    with db.session() as s:
        before = s.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    from st2desk.errors import InvalidTransition
    from st2desk.services import decisions

    try:
        with db.transaction() as s:
            decisions.approve(s, cast.specialist, request_id)
    except InvalidTransition:
        pass
    with db.session() as s:
        after = s.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    assert before == after


def test_patient_data_stays_out_of_the_audit_log(db, cast):
    from st2desk.models import Patient

    flows.authorized(db, cast)
    with db.session() as s:
        patient = s.get(Patient, cast.patient_id)
        dumped = " ".join(str((e.details, e.entity_id)) for e in s.scalars(select(AuditEvent)))
    for secret in (patient.nss, patient.curp, patient.last_name):
        assert secret not in dumped


def test_other_workstations_are_notified_on_commit_only(db, db_url, cast):
    """PostgreSQL: a listener hears committed changes, never rolled-back ones."""
    import threading

    import pytest

    from st2desk import notify

    if not notify.supports_listen(db_url):
        pytest.skip("LISTEN/NOTIFY exists only on PostgreSQL; SQLite workstations poll")
    heard: list[str] = []
    stop = threading.Event()
    ready = threading.Event()

    def on_change(entity: str) -> None:
        heard.append(entity)

    def run() -> None:
        ready.set()
        notify.listen(db_url, on_change, stop.is_set, poll_seconds=0.2)

    thread = threading.Thread(target=run)
    thread.start()
    ready.wait()
    import time

    time.sleep(0.5)  # let LISTEN register
    try:
        with db.transaction() as s:
            from st2desk.services import requests

            requests.create_draft(s, cast.physician, flows.request_data(cast))
        with pytest.raises(RuntimeError), db.transaction() as s:
            requests.create_draft(s, cast.physician, flows.request_data(cast))
            raise RuntimeError("rolled back")
        deadline = time.monotonic() + 5
        while not heard and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert heard == ["request"]
