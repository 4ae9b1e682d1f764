"""Offline bundles between two databases (an offline unit and the central site)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from st2desk import clock, numbering, signing
from st2desk.db import Database
from st2desk.forms.paper import PaperForm
from st2desk.models import (
    Authorization,
    Base,
    FolioBlock,
    Origin,
    Patient,
    Request,
    RequestStatus,
    SequenceKind,
    User,
)
from st2desk.services import decisions, folios, paper, requests, slips, sync
from st2desk.services.sync import BundleRefused
from tests.cast import REQUESTING_UNIT, Cast
from tests.flows import request_data
from tests.paper_support import another_database, installation, paper_values


@pytest.fixture
def offline(template: tuple[str, Cast], tmp_path: Path) -> Iterator[Database]:
    """The offline unit's own database (a second copy of the seeded template)."""
    with another_database(template[0], tmp_path) as database:
        yield database


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, Path]:
    """Data folders (so signing keys) of the two installations."""
    return {"central": tmp_path / "central", "offline": tmp_path / "offline"}


def _kid(where: Path) -> str:
    with installation(where):
        return signing.local_key().kid


def export(db: Database, where: Path, to: Path | None = None, **kw: object) -> bytes:
    """A bundle from the installation at `where` for the one at `to` (by default the other
    one of the pair central/offline)."""
    if to is None:
        to = where.parent / ("central" if where.name == "offline" else "offline")
    with installation(where), db.transaction() as s:
        data, _summary = sync.export_bundle(s, None, to=_kid(to), **kw)  # type: ignore[arg-type]
    return data


def import_(db: Database, where: Path, data: bytes) -> sync.ImportReport:
    with installation(where), db.transaction() as s:
        return sync.import_bundle(s, None, data)


def unit_site(db: Database, where: Path, unit: str = REQUESTING_UNIT) -> None:
    """The offline unit's database says which site it is (its key's label)."""
    with installation(where), db.transaction() as s:
        signing.set_site_label(s, unit, f"Unidad {unit} sin red", (unit,))
        signing.ensure_local_key_registered(s)


def trust(db_from: Database, dir_from: Path, db_to: Database, dir_to: Path) -> None:
    """`db_to` trusts the key of `db_from`: central (no site set) for every unit."""
    with installation(dir_from), db_from.transaction() as s:
        text = slips.export_public_keys(s)
        central = signing.site_label(s).all_units
    with installation(dir_to), db_to.transaction() as s:
        slips.trust_keys(s, None, text, units=("*",) if central else None)


def pair(db: Database, offline: Database, dirs: dict[str, Path]) -> None:
    """Central and the offline unit know each other's keys (as docs/offline.md sets up)."""
    unit_site(offline, dirs["offline"])
    trust(offline, dirs["offline"], db, dirs["central"])
    trust(db, dirs["central"], offline, dirs["offline"])


def snapshot(db: Database) -> dict[str, list[tuple]]:
    with db.engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr)
                for t in Base.metadata.sorted_tables}


def submitted_request(db: Database, cast: Cast, **overrides: object) -> int:
    with db.transaction() as s:
        req = requests.create_draft(s, cast.physician, request_data(cast, **overrides))
        assert requests.submit(s, cast.physician, req.id).submitted
        return req.id


def folio_of(db: Database, request_id: int) -> str:
    with db.session() as s:
        return s.get(Request, request_id).folio  # type: ignore[union-attr]


def by_folio(db: Database, folio: str) -> Request | None:
    with db.session() as s:
        return s.scalar(select(Request).where(Request.folio == folio))


def test_paper_block_travels_out_and_requests_come_back(db, offline, cast, dirs):
    central, unit = dirs["central"], dirs["offline"]
    # Central reserves (and prints) a block of folios for the unit and sends it to the unit.
    with installation(central), db.transaction() as s:
        block = folios.reserve_block(s, cast.admin, REQUESTING_UNIT, 10)
    unit_site(offline, unit)
    trust(offline, unit, db, central)  # central knows the unit's key: it can encrypt for it
    to_unit = export(db, central, unit_code=REQUESTING_UNIT)
    with pytest.raises(BundleRefused, match="no confía"):
        import_(offline, unit, to_unit)  # not trusted yet: nothing happens
    trust(db, central, offline, unit)
    report = import_(offline, unit, to_unit)
    assert report.inserted["folio_block"] == 1 and not report.conflicts
    with offline.session() as s:
        assert s.scalar(select(FolioBlock.uuid)) == block.uuid
        # The unit's own counter moved past the block: its app never hands those folios out.
        assert numbering.last_allocated(s, cast.requesting_unit_id, block.year,
                                        SequenceKind.FOLIO) >= block.last_sequence
    # The unit captures a paper form with a reserved folio, and files one request in its app.
    with installation(unit), offline.transaction() as s:
        captured = paper.capture_paper(s, cast.reception_elsewhere,
                                       PaperForm(**paper_values(offline, cast, block.first_folio)))
    app_request = submitted_request(offline, cast, patient_id=cast.patient_female_id)
    app_folio = folio_of(offline, app_request)
    assert numbering.parse_number(app_folio).sequence > block.last_sequence
    to_central = export(offline, unit)
    report = import_(db, central, to_central)
    assert report.inserted["request"] == 2 and not report.conflicts, report.lines()
    paper_req = by_folio(db, block.first_folio)
    assert paper_req is not None and paper_req.origin is Origin.PAPER
    assert paper_req.status is RequestStatus.IN_REVIEW and captured.request_id is not None
    app_req = by_folio(db, app_folio)
    assert app_req is not None and app_req.status is RequestStatus.IN_REVIEW
    assert app_req.origin is Origin.SYNC  # made in the unit's own application
    with db.session() as s:
        # Central's counter moved past the imported folio too.
        assert numbering.last_allocated(s, cast.requesting_unit_id, block.year, SequenceKind.FOLIO) \
            >= numbering.parse_number(app_folio).sequence


def test_importing_twice_changes_nothing_and_tampering_is_refused(db, offline, cast, dirs):
    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    submitted_request(offline, cast)
    bundle = export(offline, unit)
    before = snapshot(db)
    # Tampered: one byte of the (encrypted) body, the header, or cut short.
    body_start = bundle.index(b"\n", len(sync.MAGIC)) + 1
    flipped = bundle[:body_start + 40] + bytes([bundle[body_start + 40] ^ 1]) + bundle[body_start + 41:]
    for bad in (flipped, bundle[:-10], bundle.replace(b'"size":', b'"size": ', 1),
                b"ST2DESK-BUNDLE 1\n{}\n", b"ST2DESK-BUNDLE 2\n{}\n", b"algo"):
        with pytest.raises(BundleRefused):
            import_(db, central, bad)
    assert snapshot(db) == before
    first = import_(db, central, bundle)
    assert first.inserted["request"] == 1
    after_first = snapshot(db)
    second = import_(db, central, bundle)
    assert second.already_imported and second.changed == 0
    assert snapshot(db) == after_first
    # The same records in a new bundle (re-exported in full) change nothing either.
    again = import_(db, central, export(offline, unit, full=True))
    assert again.changed == 0 and not again.conflicts, again.lines()
    state = snapshot(db)
    kept = ("sync_bundles", "sync_records", "audit_log", "audit_checkpoints")  # the exchange itself
    assert {k: v for k, v in state.items() if k not in kept} \
        == {k: v for k, v in after_first.items() if k not in kept}


def test_decisions_flow_back_and_the_slip_verifies_at_the_other_site(db, offline, cast, dirs):
    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    folio = folio_of(offline, submitted_request(offline, cast))
    import_(db, central, export(offline, unit))
    # The performing unit (central) approves and prints the slip with its own key.
    req = by_folio(db, folio)
    with installation(central), db.transaction() as s:
        auth = decisions.approve(s, cast.specialist, req.id)
        number = auth.number
    with installation(central), db.transaction() as s:
        slips.print_slip(s, cast.reception, number)
    with db.session() as s:
        payload = s.scalar(select(Authorization.signature).where(Authorization.number == number))
    report = import_(offline, unit, export(db, central))
    assert report.updated["request"] == 1, report.lines()  # the unit had not touched it since
    assert report.inserted["authorization"] == 1 and report.inserted["decision"] == 1
    assert not report.conflicts
    assert by_folio(offline, folio).status is RequestStatus.AUTHORIZED
    with installation(unit), offline.session() as s:
        result = slips.verify_payload(s, payload)
        assert result.state is slips.VerifyState.VALID, result.message
        assert slips.verify_number(s, number).state is slips.VerifyState.VALID


def test_changes_on_both_sides_are_conflicts_and_never_overwrite(db, offline, cast, dirs):
    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    request_id = submitted_request(offline, cast)
    folio = folio_of(offline, request_id)
    import_(db, central, export(offline, unit))
    with db.transaction() as s:  # central approves …
        decisions.approve(s, cast.specialist, by_folio(db, folio).id)
    with offline.transaction() as s:  # … while the physician cancels at the unit
        requests.cancel(s, cast.physician, request_id, "El paciente ya no lo requiere")
    before = snapshot(db)
    report = import_(db, central, export(offline, unit))
    assert report.refused and len(report.conflicts) == 1 and folio in report.conflicts[0]
    assert by_folio(db, folio).status is RequestStatus.AUTHORIZED  # central kept its version
    record = ("audit_log", "sync_conflicts")  # the refusal itself, for an administrator
    assert {k: v for k, v in snapshot(db).items() if k not in record} == \
        {k: v for k, v in before.items() if k not in record}  # nothing of it written
    assert "RECHAZADO: no se importó nada" in report.lines()[0]
    back = import_(offline, unit, export(db, central))
    assert back.refused and any(folio in c for c in back.conflicts), back.lines()
    assert by_folio(offline, folio).status is RequestStatus.CANCELLED
    with offline.session() as s:
        assert s.scalar(select(Authorization.id)) is None


def test_an_older_bundle_after_a_newer_one_is_stale(db, offline, cast, dirs):
    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    request_id = submitted_request(offline, cast)
    old = export(offline, unit)
    with offline.transaction() as s:
        requests.cancel(s, cast.physician, request_id, "Se resolvió por otra vía")
    new = export(offline, unit)
    import_(db, central, new)
    report = import_(db, central, old)
    assert report.changed == 0 and any("más antiguo" in s for s in report.stale), report.lines()
    assert not report.refused
    assert by_folio(db, folio_of(offline, request_id)).status is RequestStatus.CANCELLED


def test_natural_keys(db, offline, cast, dirs):
    from st2desk.errors import AuthenticationFailed
    from st2desk.identifiers import make_nss
    from st2desk.services.common import Actor
    from st2desk.services.patients import PatientData, register_patient
    from st2desk.services.users import add_user, login
    from tests.cast import PASSWORD

    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    # The same person registered at both sites separately (two UUIDs, one NSS and agregado).
    person = PatientData(nss=make_nss(3, 1, 1975, 4321), agregado="1F1975OR", first_name="Begoña",
                         last_name="Núñez", birth_date=clock.today().replace(year=1975, month=3, day=9),
                         sex="F")
    for database in (db, offline):
        with database.transaction() as s:
            register_patient(s, cast.reception_elsewhere, person)
    with offline.transaction() as s:  # a physician who exists only at the unit
        add_user(s, None, username="dra.nueva", full_name="Dra. Nueva", password=PASSWORD,
                 unit_code=REQUESTING_UNIT, roles=["physician"])
    with offline.session() as s:
        new_doctor = Actor.from_user(s.scalar(select(User).where(User.username == "dra.nueva")))
        offline_patient = s.scalar(select(Patient.id).where(Patient.nss == person.nss))
    with offline.transaction() as s:
        new_folio = requests.create_draft(s, new_doctor,
                                          request_data(cast, patient_id=offline_patient)).folio
    report = import_(db, central, export(offline, unit))
    assert not report.refused, report.lines()
    imported = by_folio(db, new_folio)
    assert imported is not None
    with db.session() as s:
        patients = s.scalars(select(Patient).where(Patient.nss == person.nss)).all()
        assert len(patients) == 1 and imported.patient_id == patients[0].id  # no duplicate person
        doctor = s.get(User, imported.physician_id)
        assert doctor.username == "dra.nueva" and not doctor.active  # kept as author, cannot log in
    with pytest.raises(AuthenticationFailed):
        login(db, "dra.nueva", PASSWORD)
    # The next bundle, after a change at the unit, still matches the same person: no conflict.
    with offline.transaction() as s:
        requests.update_draft(s, new_doctor, s.scalar(select(Request.id).where(
            Request.folio == new_folio)), requests.RequestData(diagnosis_code="R51"))
    again = import_(db, central, export(offline, unit))
    assert again.updated["request"] == 1 and not again.conflicts, again.lines()
    assert by_folio(db, new_folio).diagnosis_code == "R51"


def test_since_last_export(db, offline, cast, dirs):
    unit = dirs["offline"]
    pair(db, offline, dirs)
    to = _kid(dirs["central"])
    submitted_request(offline, cast)
    with installation(unit), offline.transaction() as s:
        _data, first = sync.export_bundle(s, None, to=to)
    assert first.counts["request"] == 1
    with installation(unit), offline.transaction() as s:
        _data, empty = sync.export_bundle(s, None, to=to)
    assert empty.records == 0 and empty.since_seq == first.until_seq
    submitted_request(offline, cast, patient_id=cast.patient_female_id)
    with installation(unit), offline.transaction() as s:
        _data, third = sync.export_bundle(s, None, to=to)
    assert third.counts["request"] == 1 and third.sequence == 3


def test_command_line_round_trip(db, db_url, offline, cast, dirs, tmp_path, capsys,
                                 cli_password):
    from st2desk.cli import main

    central, unit = dirs["central"], dirs["offline"]
    folio = folio_of(offline, submitted_request(offline, cast))
    offline_url = offline.engine.url.render_as_string(hide_password=False)
    keys, bundle = tmp_path / "unidad.llaves", tmp_path / "paquete.st2b"
    central_keys = tmp_path / "central.llaves"
    with installation(central):
        assert main(["--database", db_url, "keys", "export", "-o", str(central_keys),
                     "--user", "admin1"]) == 0
    with installation(unit):
        assert main(["--database", offline_url, "site", "set", "--code", REQUESTING_UNIT,
                     "--name", "UMF 20 sin red", "--units", REQUESTING_UNIT, "--user", "admin1"]) == 0
        assert main(["--database", offline_url, "keys", "export", "-o", str(keys), "--user", "admin1"]) == 0
        assert main(["--database", offline_url, "sync", "export", "-o", str(bundle),
                     "--to", "CENTRAL", "--user", "admin1"]) == 2  # central's key not trusted here yet
        assert "confíe antes" in capsys.readouterr().err
        assert main(["--database", offline_url, "keys", "trust", str(central_keys), "--user", "admin1"]) == 2
        assert "todas las unidades" in capsys.readouterr().err
        assert main(["--database", offline_url, "keys", "trust", str(central_keys),
                     "--units", "*", "--user", "admin1"]) == 0
        assert main(["--database", offline_url, "sync", "export", "-o", str(bundle),
                     "--to", "CENTRAL", "--user", "admin1"]) == 0
    with installation(central):
        assert main(["--database", db_url, "sync", "import", str(bundle), "--user", "admin1"]) == 2
        assert "no confía" in capsys.readouterr().err
        assert main(["--database", db_url, "sync", "trust", str(keys), "--user", "admin1"]) == 0
        assert main(["--database", db_url, "sync", "import", str(bundle), "--user", "admin1"]) == 0
        out = capsys.readouterr().out
        assert "nuevos:" in out and "1 solicitud" in out
        assert main(["--database", db_url, "sync", "import", str(bundle), "--user", "admin1"]) == 0
        assert "ya se había importado" in capsys.readouterr().out
        assert main(["--database", db_url, "sync", "import", str(bundle), "--user", "medico1"]) == 2
        assert "administrador" in capsys.readouterr().err
        # A unit's key revoked at the command line: its bundles are refused from then on.
        from st2desk import signing

        kid = signing.read_key_file(keys)[0].kid
        assert main(["--database", db_url, "keys", "revoke", kid, "--user", "medico1"]) == 2
        assert "administrador" in capsys.readouterr().err
        assert main(["--database", db_url, "keys", "revoke", kid, "--user", "admin1"]) == 0
        assert f"Llave {kid}" in capsys.readouterr().out
        assert main(["--database", db_url, "sync", "import", str(bundle), "--user", "admin1"]) == 2
        assert "no confía" in capsys.readouterr().err
        assert main(["--database", db_url, "keys", "revoke", kid, "--user", "admin1"]) == 2
        assert "no tiene la llave" in capsys.readouterr().err
    assert by_folio(db, folio) is not None


def test_an_emergencys_hour_travels_in_the_bundle(db, offline, cast, dirs):
    """The hour of an emergency filed at a unit without network reaches central intact."""
    from datetime import time, timedelta

    central, unit = dirs["central"], dirs["offline"]
    pair(db, offline, dirs)
    with offline.transaction() as s:
        req = requests.file_emergency(s, cast.physician, request_data(
            cast, performed_on=clock.today() - timedelta(days=1), performed_time=time(3, 45)))
        folio = req.folio
    report = import_(db, central, export(offline, unit))
    assert not report.conflicts, report.lines()
    assert by_folio(db, folio).performed_time == time(3, 45)
