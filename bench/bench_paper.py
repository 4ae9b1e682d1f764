"""Paper output speed (DESIGN §6): a slip PDF under 15 ms; 1,000 blank forms under 12 s.

    python bench/bench_paper.py [--forms 1000] [--slips 200] [--keep DIR]

Measured in this process after a warm-up (imports and font metrics loaded once, as in a
running application):

* slip, rendering only — sign the payload (Ed25519) and draw the half-letter PDF with its
  Code128 and version-10 QR code;
* slip, end to end — `services.slips.print_slip` on a seeded SQLite database: look the
  authorization up, reuse its stored signature, draw, write the audit event;
* 1,000 blank forms — draw the forms of 1,000 folios into one PDF (`render_forms`);
* 1,000 blank forms, end to end — `services.paper.print_blank`: reserve the block in a
  transaction, then draw and write the file.

Each figure is printed beside its target.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SLIP_TARGET_MS = 15.0
FORMS_TARGET_S = 12.0


def line(label: str, value: float, unit: str, target: float) -> None:
    verdict = "ok" if value < target else "SLOWER THAN TARGET"
    print(f"{label:<48} {value:9.2f} {unit:<3} (target < {target:g} {unit})  {verdict}")


def bench_slip_render(runs: int) -> list[float]:
    from st2desk import numbering, signing
    from st2desk.pdf.slip import SlipContent, render_slip

    key = signing.local_key()
    number = numbering.format_authorization("09HGZ24", 2026, 123)
    folio = numbering.format_folio("09UMF20", 2026, 45)
    times = []
    for i in range(runs + 5):
        start = time.perf_counter()
        payload = signing.sign_slip(key, number=number, folio=folio, service="IMG-TAC-CRA",
                                    unit="09HGZ24", valid_from=date(2026, 11, 20),
                                    valid_until=date(2027, 2, 18), nss="01058012345")
        render_slip(SlipContent(
            number=number, folio=folio, payload=payload.text(), key_id=key.kid,
            patient_name="JOSÉ MARÍA MUÑOZ ÑANDÚ", nss="01058012345", agregado="1M1980OR",
            service_code="IMG-TAC-CRA", service_name="Tomografía computada de cráneo simple y "
                                                     "contrastada",
            performing_unit_code="09HGZ24", performing_unit_name="HGZ No. 24 Insurgentes",
            valid_from=date(2026, 11, 20), valid_until=date(2027, 2, 18),
            specialist_name="Dr. Luis Téllez Ordóñez", specialist_license="1234567",
            issued_on=date(2026, 11, 20), requesting_unit="09UMF20 — UMF No. 20"))
        if i >= 5:  # warm-up
            times.append((time.perf_counter() - start) * 1000)
    return times


def seeded_database(folder: Path):  # type: ignore[no-untyped-def]
    """A small database: reference data, the test cast, one authorization."""
    from st2desk.db import Database
    from tests.cast import build_cast
    from tests.flows import authorized

    db = Database(f"sqlite:///{folder / 'bench-paper.sqlite3'}")
    cast = build_cast(db)
    _request_id, auth_id = authorized(db, cast)
    return db, cast, auth_id


def bench_slip_service(db, cast, auth_id: int, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    from st2desk.models import Authorization
    from st2desk.services.slips import print_slip

    with db.session() as s:
        number = s.get(Authorization, auth_id).number
    times = []
    for i in range(runs + 5):
        start = time.perf_counter()
        with db.transaction() as s:
            print_slip(s, cast.reception, number)
        if i >= 5:
            times.append((time.perf_counter() - start) * 1000)
    return times


def bench_forms(count: int, folder: Path) -> float:
    from st2desk import numbering
    from st2desk.pdf.st2_form import iter_blank, render_forms

    render_forms(iter_blank([numbering.format_folio("09UMF20", 2026, 1)], "09UMF20", ""), BytesIO())
    folios = [numbering.format_folio("09UMF20", 2026, s) for s in range(1, count + 1)]
    start = time.perf_counter()
    render_forms(iter_blank(folios, "09UMF20", "UMF No. 20 Coyoacán"), folder / "blancos.pdf",
                 total=count)
    return time.perf_counter() - start


def bench_print_blank(db, count: int, folder: Path) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    from st2desk.services.paper import print_blank

    start = time.perf_counter()
    result = print_blank(db, None, "09UMF20", count, folder / "blancos-servicio.pdf")
    elapsed = time.perf_counter() - start
    assert result.pages == count
    return elapsed, (folder / "blancos-servicio.pdf").stat().st_size // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=1000)
    parser.add_argument("--slips", type=int, default=200)
    parser.add_argument("--keep", metavar="DIR", help="keep the PDFs in this folder")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="st2-bench-paper-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["ST2DESK_DATA_DIR"] = str(folder / "data")  # a throw-away signing key

    slip = bench_slip_render(args.slips)
    print(f"Paper output on {os.cpu_count()} CPU(s), Python {sys.version.split()[0]}")
    line("slip PDF, sign + render (median)", statistics.median(slip), "ms", SLIP_TARGET_MS)
    line("slip PDF, sign + render (95th percentile)", sorted(slip)[int(len(slip) * 0.95) - 1],
         "ms", SLIP_TARGET_MS)
    db, cast, auth_id = seeded_database(folder)
    try:
        service = bench_slip_service(db, cast, auth_id, args.slips // 2)
        line("slip via print_slip on SQLite (median)", statistics.median(service), "ms",
             SLIP_TARGET_MS)
        elapsed = bench_forms(args.forms, folder)
        size = (folder / "blancos.pdf").stat().st_size // 1024
        line(f"{args.forms} blank forms, render ({size} KiB)", elapsed, "s",
             FORMS_TARGET_S * args.forms / 1000)
        elapsed, size = bench_print_blank(db, args.forms, folder)
        line(f"{args.forms} blank forms via print_blank ({size} KiB)", elapsed, "s",
             FORMS_TARGET_S * args.forms / 1000)
    finally:
        db.dispose()
    if args.keep:
        print(f"PDFs in {folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
