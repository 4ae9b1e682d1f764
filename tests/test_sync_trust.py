"""A site accepts from another only what that site may say, verified, all or nothing (DESIGN §7.2)."""
# ruff: noqa: F811 - the fixtures of tests/test_sync.py are imported by name

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from st2desk import audit, clock, signing
from st2desk.models import AuditEvent, Authorization, Patient, User
from st2desk.services import decisions, sync
from st2desk.services.sync import BundleRefused
from tests.cast import REQUESTING_UNIT
from tests.paper_support import installation
from tests.tamper import as_dba
from tests.test_sync import (  # noqa: F401
    _kid,
    by_folio,
    dirs,
    export,
    folio_of,
    import_,
    offline,
    pair,
    snapshot,
    submitted_request,
)


def _touch(db, entity: str, entity_uuid) -> None:  # type: ignore[no-untyped-def]
    """What a tampered unit database does: a change the audit log names, so it is exported."""
    with db.transaction() as s:
        audit.record(s, user_id=None, username=None, action="edit", entity=entity,
                     entity_id=entity_uuid)


def _without_audit(state: dict) -> dict:
    """The data, without the record of the refusal itself (audit event, conflicts to decide)."""
    return {k: v for k, v in state.items() if k not in ("audit_log", "sync_conflicts")}


def test_a_unit_cannot_change_an_authorization_central_issued(db, offline, cast, dirs):  # noqa: F811
    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    folio = folio_of(offline, submitted_request(offline, cast))
    assert not import_(db, central, export(offline, unit)).refused
    with db.transaction() as s:
        decisions.approve(s, cast.specialist, by_folio(db, folio).id)
    assert not import_(offline, unit, export(db, central)).refused
    with offline.transaction() as s:
        auth = s.scalar(select(Authorization))
        s.execute(update(Authorization).where(Authorization.id == auth.id).values(
            valid_until=auth.valid_from + timedelta(days=393)))
        auth_uuid = auth.uuid
    _touch(offline, "authorization", auth_uuid)
    before = snapshot(db)
    report = import_(db, central, export(offline, unit))
    assert report.refused
    text = "\n".join(report.lines())
    assert "el sitio 09UMF20 no puede cambiar" in text and "09HGZ24" in text
    assert _without_audit(snapshot(db)) == _without_audit(before)
    with db.session() as s:
        refused = s.scalar(select(AuditEvent).where(AuditEvent.action == "sync_refused"))
        assert refused is not None and refused.details["conflicts"]


def test_imported_records_pass_the_same_validators_as_typed_input(db, offline, cast, dirs):  # noqa: F811
    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    folio = folio_of(offline, submitted_request(offline, cast))
    with offline.transaction() as s:
        patient = s.get(Patient, cast.patient_id)
        s.execute(update(Patient).where(Patient.id == patient.id).values(
            nss="ABC", curp="bad", birth_date=clock.today().replace(year=2099),
            first_name="<script>"))
        patient_uuid = patient.uuid
    _touch(offline, "patient", patient_uuid)
    before = snapshot(db)
    report = import_(db, central, export(offline, unit))
    assert report.refused, report.lines()
    text = "\n".join(report.lines())
    assert "dato no válido" in text and folio in text  # the patient is named by its request
    assert _without_audit(snapshot(db)) == _without_audit(before)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Patient).where(Patient.nss == "ABC")) == 0


def test_a_folio_clash_writes_nothing_not_even_patients_or_users(db, offline, cast, dirs):  # noqa: F811
    from st2desk.services.users import add_user
    from tests.cast import PASSWORD

    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    central_request = submitted_request(db, cast)
    offline_request = submitted_request(offline, cast, patient_id=cast.patient_child_id)
    clash = folio_of(db, central_request)
    assert clash == folio_of(offline, offline_request)
    with offline.transaction() as s:
        add_user(s, None, username="dra.nueva", full_name="Dra. Nueva", password=PASSWORD,
                 unit_code=REQUESTING_UNIT, roles=["physician"])
    before = snapshot(db)
    report = import_(db, central, export(offline, unit))
    assert report.refused and any(clash in c for c in report.conflicts), report.lines()
    assert _without_audit(snapshot(db)) == _without_audit(before)
    with db.session() as s:
        assert s.scalar(select(User).where(User.username == "dra.nueva")) is None
    assert by_folio(db, clash).id == central_request


def test_same_nss_and_agregado_as_another_person_is_an_identity_conflict_named_by_folio(
        db, offline, cast, dirs):
    from st2desk.identifiers import make_nss
    from st2desk.services.patients import PatientData, register_patient

    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    nss = make_nss(3, 1, 1975, 4321)
    born = clock.today().replace(year=1975, month=3, day=9)
    for database, name in ((db, "Begoña"), (offline, "Inés")):
        with database.transaction() as s:
            register_patient(s, cast.reception_elsewhere, PatientData(
                nss=nss, agregado="1F1975OR", first_name=name, last_name="Núñez",
                birth_date=born, sex="F"))
    with offline.session() as s:
        patient_id = s.scalar(select(Patient.id).where(Patient.nss == nss))
    folio = folio_of(offline, submitted_request(offline, cast, patient_id=patient_id))
    report = import_(db, central, export(offline, unit))
    assert report.refused
    conflict = next(c for c in report.conflicts if "identidad" in c)
    assert folio in conflict and nss in conflict
    assert by_folio(db, folio) is None


def test_every_imported_change_has_its_own_audit_event_naming_site_and_bundle(db, offline, cast,
                                                                             dirs):
    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    folios = [folio_of(offline, submitted_request(offline, cast)),
              folio_of(offline, submitted_request(offline, cast, patient_id=cast.patient_female_id))]
    report = import_(db, central, export(offline, unit))
    assert not report.refused
    with db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "sync_import",
                                                    AuditEvent.entity == "request")).all()
        assert sorted(e.details["folio"] for e in events) == sorted(folios)
        assert {e.details["site"] for e in events} == {REQUESTING_UNIT}
        assert {e.details["bundle"] for e in events} == {str(report.bundle_id)}
        assert audit.verify(s).ok
        # The unit's signed audit checkpoint came with the bundle and is kept here.
        from st2desk.models import AuditCheckpoint

        kept = s.scalar(select(AuditCheckpoint).where(AuditCheckpoint.bundle_id == report.bundle_id))
        assert kept is not None and kept.site == REQUESTING_UNIT and audit.checkpoint_signature_ok(s, kept)
    with offline.session() as s:
        mine = s.scalar(select(AuditCheckpoint).where(AuditCheckpoint.reason == "exportación"))
        assert mine is not None and (mine.seq, mine.hash) == (kept.seq, kept.hash)


def test_a_bundle_for_another_site_is_refused_before_anything_is_read(db, offline, cast, dirs,
                                                                      tmp_path):
    unit = dirs["offline"]
    pair(db, offline, dirs)
    submitted_request(offline, cast)
    data = export(offline, unit)
    with pytest.raises(BundleRefused, match="no para la llave de esta instalación"):
        import_(db, tmp_path / "otra-central", data)
    assert b"Medico1" not in data and b'"nss"' not in data  # nothing readable in transit


def _sealed(db, where: Path, to: Path, raw: bytes) -> bytes:  # type: ignore[no-untyped-def]
    """A bundle with any body, genuinely signed by the installation at `where`."""
    with installation(where), db.session() as s:
        key = signing.local_key()
        recipient = sync.recipient_key(s, _kid(to))
        return sync.seal_bundle(key, recipient, gzip.compress(raw))


def test_deep_nesting_is_refused_before_parsing(db, offline, cast, dirs):  # noqa: F811
    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    deep = b"[" * 200_000 + b"]" * 200_000
    bundle = _sealed(offline, unit, central, deep)
    started = time.perf_counter()
    with pytest.raises(BundleRefused, match=f"más de {sync.MAX_DEPTH} niveles"):
        import_(db, central, bundle)
    assert time.perf_counter() - started < 5
    tricky = b'{"a":"' + b"[" * 100 + b'"}'  # brackets inside strings are not nesting
    sync.check_depth(tricky)


@pytest.mark.slow
def test_devices_and_huge_files_are_refused_quickly_with_bounded_memory(db_url, db, tmp_path):  # noqa: F811
    spaces = tmp_path / "espacios.st2b"
    with open(spaces, "wb") as fh:
        chunk = b" " * (8 * 1024 * 1024)
        for _ in range(500 // 8):
            fh.write(chunk)
    # VmHWM: this process's peak (ru_maxrss would include the forking pytest's own peak).
    script = ("import re, sys, time; from st2desk.cli import main; t = time.perf_counter(); "
              "code = main(sys.argv[1:]); "
              "print(code, time.perf_counter() - t, "
              "re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))")
    for target, expected in (("/dev/zero", "no es un archivo común"),
                             (str(spaces), "no es un paquete")):
        out = subprocess.run([sys.executable, "-c", script, "--database", db_url, "sync", "import",
                              target], capture_output=True, text=True, timeout=60,
                             env={**os.environ, "ST2DESK_DATA_DIR": str(tmp_path / "d")})
        code, seconds, rss_kib = out.stdout.split()
        assert code == "2" and expected in out.stderr, out.stderr
        assert float(seconds) < 5 and int(rss_kib) < 300 * 1024, (target, seconds, rss_kib)
    spaces.unlink()


def test_an_administrator_keeps_the_local_version_of_a_clash_and_the_rest_goes_in(
        db, db_url, offline, cast, dirs, tmp_path, capsys, cli_password):  # noqa: F811
    from st2desk.cli import main
    from st2desk.errors import PermissionDenied
    from st2desk.services import sync_conflicts

    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    central_request = submitted_request(db, cast)
    offline_request = submitted_request(offline, cast, patient_id=cast.patient_child_id)
    other = folio_of(offline, submitted_request(offline, cast, patient_id=cast.patient_female_id))
    clash = folio_of(db, central_request)
    assert clash == folio_of(offline, offline_request)
    bundle = export(offline, unit)
    assert import_(db, central, bundle).refused
    with db.session() as s:
        [row] = sync_conflicts.list_conflicts(s, cast.admin)
        assert row.folio == clash and row.kind == "conflict"
        with pytest.raises(PermissionDenied):
            sync_conflicts.list_conflicts(s, cast.physician)
    with installation(central):
        assert main(["--database", db_url, "conflicts", "list", "--user", "admin1"]) == 0
        assert clash in capsys.readouterr().out
        assert main(["--database", db_url, "conflicts", "resolve", str(row.id), "--keep",
                     "--note", "El folio es de central; la unidad recapturará su formato",
                     "--user", "admin1"]) == 0
        assert "se conserva la versión local" in capsys.readouterr().out
    report = import_(db, central, bundle)
    assert not report.refused, report.lines()
    assert by_folio(db, clash).id == central_request  # central's version kept
    assert by_folio(db, other) is not None  # the rest of the bundle went in
    with db.session() as s:
        assert sync_conflicts.list_conflicts(s, None) == []
        decided = s.scalar(select(AuditEvent).where(AuditEvent.action == "sync_resolve"))
        assert decided is not None and decided.details["folio"] == clash


def test_a_unit_that_deletes_its_log_and_its_checkpoints_is_caught_by_central(db, db_url, offline,
                                                                              cast, dirs, tmp_path,
                                                                              capsys, cli_password):
    from sqlalchemy import delete

    from st2desk.cli import main
    from st2desk.models import AuditCheckpoint

    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    submitted_request(offline, cast)
    assert not import_(db, central, export(offline, unit)).refused
    held = tmp_path / "puntos-09UMF20.txt"
    with installation(central):
        assert main(["--database", db_url, "checkpoints", "export", "--site", REQUESTING_UNIT,
                     "-o", str(held), "--user", "admin1"]) == 0
    with offline.transaction() as s:  # the unit's last events and its own anchors, gone
        as_dba(s)
        head = s.scalar(select(func.max(AuditEvent.seq)))
        s.execute(delete(AuditEvent).where(AuditEvent.seq > head - 3))
        s.execute(delete(AuditCheckpoint))
    offline_url = offline.engine.url.render_as_string(hide_password=False)
    with installation(unit):
        # Its own chain and checkpoints alone show nothing wrong.
        assert main(["--database", offline_url, "audit", "verify", "--user", "admin1"]) == 0
        capsys.readouterr()
        assert main(["--database", offline_url, "checkpoints", "verify", str(held), "--user", "admin1"]) == 1
    assert "se borraron" in capsys.readouterr().err  # the last events, or those before new ones
