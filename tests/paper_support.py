"""Helpers for the paper/offline tests: read PDFs back with tools st2desk did not write.

pypdf for text and form fields, poppler's pdftoppm to render pages, zxing-cpp to decode
the QR codes and barcodes on the rendered pages.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from st2desk.db import Database
from tests.cast import Cast

PDFTOPPM = shutil.which("pdftoppm")
needs_pdftoppm = pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm (poppler-utils) not installed")


def render_pages(pdf: bytes | Path, out_dir: Path, *, dpi: int = 150, first: int | None = None,
                 last: int | None = None, prefix: str = "page") -> list[Path]:
    """PNG files of the PDF's pages rendered by poppler."""
    assert PDFTOPPM is not None
    out_dir.mkdir(parents=True, exist_ok=True)
    if isinstance(pdf, bytes):
        source = out_dir / f"{prefix}.pdf"
        source.write_bytes(pdf)
    else:
        source = pdf
    args = [PDFTOPPM, "-r", str(dpi), "-png"]
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    subprocess.run([*args, str(source), str(out_dir / prefix)], check=True, capture_output=True,
                   timeout=120)
    return sorted(out_dir.glob(f"{prefix}-*.png"))


def decode(png: Path) -> list[tuple[str, str]]:
    """(format, text) of every QR code and barcode zxing-cpp finds on the image."""
    import zxingcpp
    from PIL import Image

    with Image.open(png) as image:
        return [(str(b.format), b.text) for b in zxingcpp.read_barcodes(image)]


def qr_texts(png: Path) -> list[str]:
    return [t for f, t in decode(png) if "QR" in f]


def page_texts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def fill_pdf(blank: bytes, values: dict[str, str]) -> bytes:
    """Fill a fillable PDF as a PDF reader would (pypdf); radio/check values as names."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(BytesIO(blank)))
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def paper_values(db: Database, cast: Cast, folio: str, *, patient_id: int | None = None,
                 **overrides: str) -> dict[str, str]:
    """Values of a complete, valid form for a cast patient (the adult man by default),
    written the way a physician would: mixed case, DD/MM/AAAA dates."""
    from st2desk import clock
    from st2desk.models import Patient
    from tests.cast import DIAGNOSIS, PERFORMING_UNIT, SERVICE
    from tests.flows import JUSTIFICATION

    with db.session() as s:
        p = s.get(Patient, patient_id or cast.patient_id)
        values = dict(folio=folio, nss=p.nss, agregado=p.agregado, curp=p.curp or "",
                      last_name=p.last_name.title(), second_last_name=(p.second_last_name or "").title(),
                      first_name=p.first_name.title(), birth_date=f"{p.birth_date:%d/%m/%Y}",
                      sex=p.sex.value)
    values.update(service=SERVICE, diagnosis=DIAGNOSIS, performing_unit=PERFORMING_UNIT,
                  priority="ordinary", requested_on=f"{clock.today():%d/%m/%Y}",
                  justification=JUSTIFICATION, physician_name="Medico1", physician="medico1")
    values.update(overrides)
    return values


# --------------------------------------------------------------------------- installations


@contextlib.contextmanager
def installation(data_dir: Path) -> Iterator[None]:
    """Act as the installation whose data folder (and signing key) is `data_dir`."""
    old = os.environ.get("ST2DESK_DATA_DIR")
    os.environ["ST2DESK_DATA_DIR"] = str(data_dir)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("ST2DESK_DATA_DIR", None)
        else:
            os.environ["ST2DESK_DATA_DIR"] = old


@contextlib.contextmanager
def another_database(template_url: str, tmp_path: Path) -> Iterator[Database]:
    """A second fresh copy of the seeded template (another unit's own database)."""
    pg = os.environ.get("ST2DESK_TEST_DATABASE_URL")
    if pg:
        name = f"st2_other_{uuid.uuid4().hex[:12]}"
        admin = create_engine(pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template_url).database}"'))
        url = make_url(pg).set(database=name).render_as_string(hide_password=False)
    else:
        target = tmp_path / f"other-{uuid.uuid4().hex[:6]}.sqlite3"
        shutil.copyfile(make_url(template_url).database, target)
        url = f"sqlite:///{target}"
    database = Database(url)
    try:
        yield database
    finally:
        database.dispose()
        if pg:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
