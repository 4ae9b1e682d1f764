"""The issue's "done": blank forms printed for an offline unit come back (fillable PDF or
paper capture) as normal requests with their reserved folios, and a slip printed at one
site verifies at another with no network — driven through the command line, with the
codes read off rendered pages."""

from __future__ import annotations

from sqlalchemy import select

from st2desk.cli import main
from st2desk.forms.paper import PaperForm
from st2desk.models import Origin, Request, RequestStatus
from st2desk.services import decisions, paper
from tests.paper_support import (
    decode,
    fill_pdf,
    installation,
    needs_pdftoppm,
    paper_values,
    qr_texts,
    render_pages,
)


@needs_pdftoppm
def test_offline_unit_round_trip(db, db_url, cast, tmp_path, capsys, cli_password):
    server = tmp_path / "servidor"
    with installation(server):
        # 1. Printable blanks and fillable blanks for the unit, each with a reserved folio.
        assert main(["--database", db_url, "print", "blank", "--unit", "09UMF20", "--count", "2",
                     "-o", str(tmp_path / "blancos.pdf"), "--user", "admin1"]) == 0
        assert main(["--database", db_url, "print", "blank", "--unit", "09UMF20", "--count", "1",
                     "--fillable", "-o", str(tmp_path / "llenables"), "--quiet",
                     "--user", "admin1"]) == 0
        err = capsys.readouterr().err
        assert "2/2 formatos" in err
        pages = render_pages(tmp_path / "blancos.pdf", tmp_path / "png", dpi=150)
        paper_folio = qr_texts(pages[0])[0]  # what reception scans off the form
        [fillable] = sorted((tmp_path / "llenables").glob("*.pdf"))

        # 2a. The handwritten form is transcribed by reception.
        with db.transaction() as s:
            captured = paper.capture_paper(s, cast.reception_elsewhere,
                                           PaperForm(**paper_values(db, cast, paper_folio)))
        # 2b. The fillable one comes back filled in a PDF reader and is imported.
        values = paper_values(db, cast, fillable.stem, patient_id=cast.patient_female_id,
                              priority="/urgent")
        values["sex"] = "/" + values["sex"]
        values.pop("folio")
        filled = tmp_path / "llenado.pdf"
        filled.write_bytes(fill_pdf(fillable.read_bytes(), values))
        assert main(["--database", db_url, "import", "pdf", str(filled), "--user",
                     "recepcion.umf"]) == 0
        with db.session() as s:
            got = {r.folio: r for r in s.scalars(select(Request))}
        assert got[paper_folio].origin is Origin.PAPER
        assert got[fillable.stem].origin is Origin.PDF
        assert all(got[f].status is RequestStatus.IN_REVIEW for f in (paper_folio, fillable.stem))

        # 3. The specialist approves; reception prints the slip; the site hands out its key.
        with db.transaction() as s:
            number = decisions.approve(s, cast.specialist, captured.request_id).number
        slip = tmp_path / "comprobante.pdf"
        assert main(["--database", db_url, "print", "slip", number, "-o", str(slip),
                     "--user", "recepcion1"]) == 0
        assert main(["--database", db_url, "keys", "export", "-o", str(tmp_path / "llaves"),
                     "--user", "admin1"]) == 0
        codes = decode(render_pages(slip, tmp_path / "slip")[0])
        payload = next(t for f, t in codes if "QR" in f)
        assert next(t for f, t in codes if "128" in f) == number
    capsys.readouterr()

    # 4. Another unit, no database and no network: the code and the key file suffice.
    with installation(tmp_path / "otra-unidad"):
        assert main(["verify", "--payload", payload, "--public-key", str(tmp_path / "llaves")]) == 0
    assert capsys.readouterr().out.startswith(f"VÁLIDA (valid): Firma auténtica: autorización {number}")
