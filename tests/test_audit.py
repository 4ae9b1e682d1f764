"""The audit chain: every transition is logged, and tampering is named."""

from __future__ import annotations

import pytest
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
    request_id = flows.in_review(db, cast)
    with db.session() as s:
        before = s.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    from st2desk.errors import InvalidTransition
    from st2desk.services import requests

    with pytest.raises(InvalidTransition), db.transaction() as s:  # no edits once submitted
        requests.update_draft(s, cast.physician, request_id, flows.request_data(cast))
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


# --------------------------------------------------------------------------- checkpoints (DESIGN §7.3)


def _events(db, n: int) -> None:  # type: ignore[no-untyped-def]
    from st2desk import audit as audit_module

    with db.transaction() as s:
        for i in range(n):
            audit_module.record(s, user_id=None, username=None, action="prueba", entity="x",
                                entity_id=i, details={"i": i})


def _checkpointed(db) -> int:  # type: ignore[no-untyped-def]
    from st2desk import audit as audit_module

    _events(db, 250)
    with db.transaction() as s:
        cp = audit_module.checkpoint(s, "prueba")
    return cp.seq


@pytest.mark.parametrize("deleted", [1, 200, "all"])
def test_deleting_the_last_events_is_found_up_to_the_last_checkpoint(db, deleted):
    from sqlalchemy import delete, func

    from st2desk import audit as audit_module
    from st2desk.models import AuditEvent

    head = _checkpointed(db)
    with db.transaction() as s:
        as_dba(s)
        if deleted == "all":
            s.execute(delete(AuditEvent))
        else:
            s.execute(delete(AuditEvent).where(AuditEvent.seq > head - deleted))
        left = s.scalar(select(func.max(AuditEvent.seq))) or 0
    with db.session() as s:
        report = audit_module.verify(s)
    assert not report.ok
    assert f"termina en el evento {left}" in report.reason and f"certifica {head} eventos" in report.reason


def test_rewriting_with_recomputed_hashes_or_reordering_is_found(db):
    from st2desk import audit as audit_module
    from st2desk.models import AuditEvent

    head = _checkpointed(db)
    with db.transaction() as s:
        as_dba(s)
        events = s.scalars(select(AuditEvent).where(AuditEvent.seq >= 100).order_by(AuditEvent.seq)).all()
        prev = s.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 99))
        events[0].details = {"i": "reescrito"}
        for e in events:  # an editor who knows the scheme recomputes every later hash
            e.prev_hash = prev
            e.hash = audit_module.compute_hash(e)
            prev = e.hash
    with db.session() as s:
        report = audit_module.verify(s)
    assert not report.ok and report.first_broken_seq == head and "reescrita" in report.reason


def test_a_tampered_checkpoint_is_found_and_the_intact_log_is_anchored(db, db_url, capsys, cli_password):
    from st2desk import audit as audit_module
    from st2desk.cli import main
    from st2desk.models import AuditCheckpoint

    head = _checkpointed(db)
    assert main(["--database", db_url, "audit", "verify", "--user", "admin1"]) == 0
    assert f"anclada hasta el evento {head}" in capsys.readouterr().out
    with db.transaction() as s:
        cp = s.scalar(select(AuditCheckpoint).where(AuditCheckpoint.seq == head))
        cp.seq = head - 5
    with db.session() as s:
        report = audit_module.verify(s)
    assert not report.ok and "firma válida" in report.reason


def test_the_first_event_of_a_day_signs_a_checkpoint_once_the_site_has_a_key(db):
    from datetime import timedelta

    from st2desk import audit as audit_module
    from st2desk import clock, signing
    from st2desk.models import AuditCheckpoint

    def daily() -> int:
        with db.session() as s:
            return len(s.scalars(select(AuditCheckpoint).where(
                AuditCheckpoint.reason == "diario")).all())

    audit_module._daily_checked.clear()
    _events(db, 1)
    assert daily() == 0  # no key of this installation signs for this database yet
    with db.transaction() as s:
        signing.ensure_local_key_registered(s)
    audit_module._daily_checked.clear()
    _events(db, 1)
    assert daily() == 1
    audit_module._daily_checked.clear()
    _events(db, 1)
    assert daily() == 1  # one a day
    with clock.frozen_at(clock.now() + timedelta(hours=25)):
        audit_module._daily_checked.clear()
        _events(db, 1)
    assert daily() == 2
    with db.session() as s:
        assert audit_module.verify(s).ok
