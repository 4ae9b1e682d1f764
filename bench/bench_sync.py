"""Importing an offline bundle (DESIGN §7.2): 10,000 requests with full validation under 10 s.

    python bench/bench_sync.py [--requests 10000] [--keep DIR]

Two SQLite databases with the test cast: an offline unit (site 09UMF20) and central. The
unit holds N submitted requests, each with its own new patient (valid NSS, CURP and
agregado), bulk-inserted from one request made through the services, and the audit events
that name them. The unit exports one bundle for central (signed, HPKE-encrypted); the
figure is central's `sync import` of it: decrypt, verify, bounded parse, ownership, the
typed-input validators, natural keys, writes, counters and one audit event per change, in
one transaction. Export time is printed too.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_S = 10.0


def _installation(path: Path):  # type: ignore[no-untyped-def]
    os.environ["ST2DESK_DATA_DIR"] = str(path)


def build(folder: Path, n: int):  # type: ignore[no-untyped-def]
    from sqlalchemy import insert, select

    from st2desk import audit, numbering, signing
    from st2desk.db import Database
    from st2desk.identifiers import make_curp, make_nss
    from st2desk.models import Patient, Request, ReviewFinding, Sex
    from st2desk.services import requests, slips
    from tests.cast import REQUESTING_UNIT, build_cast
    from tests.flows import request_data

    _installation(folder / "central")
    central = Database(f"sqlite:///{folder / 'central.sqlite3'}")
    cast = build_cast(central)
    central.dispose()
    shutil.copyfile(folder / "central.sqlite3", folder / "unit.sqlite3")
    unit = Database(f"sqlite:///{folder / 'unit.sqlite3'}")
    central = Database(f"sqlite:///{folder / 'central.sqlite3'}")

    _installation(folder / "unit")
    with unit.transaction() as s:
        # A copy of central's file: it is another site, so central's keys are not its own.
        from sqlalchemy import delete

        from st2desk.models import AuditCheckpoint, Setting

        s.execute(delete(Setting).where(Setting.key.like(signing.SETTING_PREFIX + "%")))
        s.execute(delete(AuditCheckpoint))
        signing.set_site_label(s, REQUESTING_UNIT, "UMF 20 sin red", (REQUESTING_UNIT,))
        unit_keys = slips.export_public_keys(s)
    _installation(folder / "central")
    with central.transaction() as s:
        central_keys = slips.export_public_keys(s)
        slips.trust_keys(s, None, unit_keys)
    _installation(folder / "unit")
    with unit.transaction() as s:
        slips.trust_keys(s, None, central_keys, units=("*",))
        template = requests.create_draft(s, cast.physician, request_data(cast))
        assert requests.submit(s, cast.physician, template.id).submitted
        row = {c.key: getattr(template, c.key) for c in Request.__table__.columns}
        unit_id, year = template.requesting_unit_id, numbering.parse_number(template.folio).year
        start_seq = numbering.parse_number(template.folio).sequence + 1
        patients, reqs, events = [], [], []
        for i in range(n):
            born = date(1950, 1, 1) + timedelta(days=(i * 37) % 20000)
            sex = Sex.MALE if i % 2 else Sex.FEMALE
            p_uuid = uuid.uuid4()
            patients.append(dict(
                uuid=p_uuid, nss=make_nss(1 + i % 90, 5, born.year, i % 10000),
                agregado=f"{1 + i // 10000}{'M' if sex is Sex.MALE else 'F'}{born.year}OR",
                curp=make_curp("PEGJ", born, sex, "DF", "RRN"), first_name="PACIENTE",
                last_name="DE PRUEBA", second_last_name=None, birth_date=born, sex=sex,
                unit_id=unit_id, eligible_until=date(2099, 12, 31),
                created_at=row["created_at"]))
        s.execute(insert(Patient), patients)
        ids = dict(s.execute(select(Patient.uuid, Patient.id)).all())
        for i, p in enumerate(patients):
            r_uuid = uuid.uuid4()
            folio = numbering.format_folio(REQUESTING_UNIT, year, start_seq + i)
            reqs.append({**{k: v for k, v in row.items() if k != "id"}, "uuid": r_uuid,
                         "folio": folio, "patient_id": ids[p["uuid"]]})
            events.append({"action": "submit", "entity": "request", "entity_id": r_uuid,
                           "details": {"folio": folio}})
            events.append({"action": "patient_add", "entity": "patient", "entity_id": p["uuid"]})
        s.execute(insert(Request), reqs)
        audit.record_many(s, events)
        del ReviewFinding
    return unit, central, cast


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="keep the databases in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="st2-bench-sync-"))
    folder.mkdir(parents=True, exist_ok=True)
    from st2desk import signing
    from st2desk.services import sync

    t0 = time.perf_counter()
    unit, central, _cast = build(folder, args.requests)
    print(f"seeded {args.requests} requests at the unit in {time.perf_counter() - t0:.1f} s")
    _installation(folder / "central")
    to = signing.local_key().kid
    _installation(folder / "unit")
    t0 = time.perf_counter()
    with unit.transaction() as s:
        data, summary = sync.export_bundle(s, None, to=to)
    export_s = time.perf_counter() - t0
    print(f"export: {summary.records} records, {len(data) / 1e6:.1f} MB in {export_s:.2f} s")
    bundle = folder / "bundle.st2b"
    bundle.write_bytes(data)
    _installation(folder / "central")
    t0 = time.perf_counter()
    raw = sync.read_bundle_file(str(bundle))
    with central.transaction() as s:
        report = sync.import_bundle(s, None, raw)
    import_s = time.perf_counter() - t0
    assert not report.refused, report.lines()[:5]
    assert report.inserted["request"] >= args.requests, report.lines()
    verdict = "ok" if import_s < TARGET_S else "SLOWER THAN TARGET"
    print(f"{'import of ' + str(args.requests) + ' requests (full validation)':<48} {import_s:9.2f} s   "
          f"(target < {TARGET_S:g} s)  {verdict}")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
