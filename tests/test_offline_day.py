"""docs/offline.md, followed literally: one offline day between central and a unit.

Central reserves folios and exports; the unit sets up from that export, prints its blank
forms, captures three paper forms (one an emergency) and exports; central imports,
decides and exports; the unit imports and prints the slips; a performing unit with no
database verifies them with the key file the doc says to carry. Every command line run
here appears verbatim in the doc (placeholders in CAPITALS are filled in), so the doc
cannot drift from what works.
"""

from __future__ import annotations

import io
import re
import shlex
import shutil
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from st2desk import clock
from st2desk.cli import main
from st2desk.db import Database
from st2desk.forms.paper import PaperForm
from st2desk.models import Authorization, Request, RequestStatus, User
from st2desk.services import decisions, paper
from st2desk.services.common import Actor
from tests.cast import PASSWORD
from tests.paper_support import decode, installation, needs_pdftoppm, paper_values, render_pages

DOC = Path(__file__).resolve().parent.parent / "docs" / "offline.md"


class Site:
    """One installation: its data folder, its database, a working folder for its files, and
    its administrator (ADMIN in the doc), who signs in with a password on standard input."""

    def __init__(self, root: Path, name: str, url: str | None, admin: str = "",
                 password: str = "") -> None:
        self.home = root / name
        self.home.mkdir()
        self.data = root / f"{name}-datos"
        self.url = url
        self.admin, self.password = admin, password

    def run(self, line: str, capsys, stdin: str | None = None, code: int = 0,  # type: ignore[no-untyped-def]
            **fill: str) -> str:
        documented = f"st2desk {line}"
        assert documented in DOC.read_text(encoding="utf-8"), f"not in docs/offline.md: {documented}"
        if "--user ADMIN" in line:
            fill = {"ADMIN": self.admin, **fill}
            stdin = self.password + ("\n" + stdin if stdin else "")
        for name, value in fill.items():
            line = line.replace(name, value)
        argv = shlex.split(line)
        argv = [str(self.home / a) if re.fullmatch(r"[\w.-]+\.(llaves|st2b|pdf)", a) else a
                for a in argv]
        if self.url:
            argv = ["--database", self.url, *argv]
        import sys

        old_stdin = sys.stdin
        if stdin is not None:
            sys.stdin = io.StringIO(stdin + "\n")
        try:
            with installation(self.data):
                got = main(argv)
        finally:
            sys.stdin = old_stdin
        out = capsys.readouterr()
        assert got == code, (line, out.out, out.err)
        return out.out + out.err

    def carry(self, name: str, other: Site) -> None:
        """The USB stick: a file from this site's folder to the other's."""
        shutil.copyfile(self.home / name, other.home / name)


@needs_pdftoppm
def test_the_offline_day_as_documented(db, db_url, cast, tmp_path, capsys):
    central = Site(tmp_path, "central", db_url, "admin1", PASSWORD)
    unit = Site(tmp_path, "unidad", f"sqlite:///{tmp_path / 'unidad.sqlite3'}", "admin.unidad",
                "clave-del-admin-de-la-unidad")
    performing = Site(tmp_path, "destino", None)

    # 1. Central: its key file, the unit's folios, the unit's export.
    central.run("keys export -o central.llaves --user ADMIN", capsys)
    central.carry("central.llaves", unit)
    # 2. The unit's computer, once.
    unit.run("init", capsys)
    unit.run('user add ADMIN_UNIDAD --name "Administración UMF 20" --unit 09UMF20 --role admin',
             capsys, stdin=unit.password, ADMIN_UNIDAD=unit.admin)
    unit.run('site set --code 09UMF20 --name "UMF 20 Vallejo (sin red)" --units 09UMF20 '
             "--user ADMIN", capsys)
    unit.run("keys trust central.llaves --units '*' --user ADMIN", capsys)
    unit.run("keys export -o unidad-09UMF20.llaves --user ADMIN", capsys)
    unit.carry("unidad-09UMF20.llaves", central)
    central.run("keys trust unidad-09UMF20.llaves --user ADMIN", capsys)
    out = central.run("folios reserve --unit 09UMF20 --count 20 --user ADMIN", capsys)
    first = re.search(r"Bloque (\S+) …", out).group(1)
    central.run("sync export --unit 09UMF20 --full --to 09UMF20 -o para-09UMF20.st2b --user ADMIN",
                capsys)
    central.carry("para-09UMF20.st2b", unit)

    # 3. The unit: import, activate its people, print its block.
    assert "nuevos:" in unit.run("sync import para-09UMF20.st2b --user ADMIN", capsys)
    unit.run("site activate recepcion.umf --user ADMIN", capsys, stdin="recepcion-local-2026")
    unit.run("site activate medico1 --user ADMIN", capsys, stdin="medico-local-2026")
    assert first in unit.run("folios list --user ADMIN", capsys)
    unit.run("folios reserve --unit 09UMF20 --count 20 --user ADMIN", capsys, code=2)  # never here
    unit.run("print blank --block PRIMER_FOLIO -o blancos.pdf --user ADMIN", capsys,
             PRIMER_FOLIO=first)
    pages = render_pages(unit.home / "blancos.pdf", tmp_path / "png", dpi=100, last=3)
    folios = [next(t for f, t in decode(page) if "QR" in f) for page in pages[:3]]
    assert folios[0] == first

    # Reception captures three handwritten forms (Paper capture window), one an emergency.
    udb = Database(unit.url)
    with udb.session() as s:
        reception = Actor.from_user(s.scalar(select(User).where(User.username == "recepcion.umf")))
    performed = clock.today() - timedelta(days=1)
    forms = [paper_values(db, cast, folios[0]),
             paper_values(db, cast, folios[1], patient_id=cast.patient_female_id),
             paper_values(db, cast, folios[2], patient_id=cast.patient_child_id, emergency=True,
                          performed_on=f"{performed:%d/%m/%Y}", priority="urgent")]
    with installation(unit.data):
        for values in forms:
            with udb.transaction() as s:
                result = paper.capture_paper(s, reception, PaperForm(**values))
                assert result.request_id is not None, result
    unit.run("sync export --to CENTRAL -o de-09UMF20.st2b --user ADMIN", capsys)
    unit.carry("de-09UMF20.st2b", central)

    # 4. Central imports, decides (Inbox), exports for the unit and the performing units.
    assert "3 solicitudes" in central.run("sync import de-09UMF20.st2b --user ADMIN", capsys)
    numbers = []
    with installation(central.data):
        for folio in folios:
            with db.transaction() as s:
                req = s.scalar(select(Request).where(Request.folio == folio))
                assert req.status is RequestStatus.IN_REVIEW
                numbers.append(decisions.approve(s, cast.specialist, req.id).number)
    central.run("sync export --unit 09UMF20 --to 09UMF20 -o para-09UMF20.st2b --user ADMIN", capsys)
    central.run("keys export --all -o verificar.llaves --user ADMIN", capsys)
    central.carry("para-09UMF20.st2b", unit)
    central.carry("verificar.llaves", performing)

    # 5. The unit imports the decisions and prints the slips.
    assert "3 autorizaciones" in unit.run("sync import para-09UMF20.st2b --user ADMIN", capsys)
    payloads = []
    for number in numbers:
        unit.run("print slip NUMERO -o comprobante.pdf --user recepcion.umf", capsys,
                 stdin="recepcion-local-2026", NUMERO=number)
        codes = decode(render_pages(unit.home / "comprobante.pdf", tmp_path / number, dpi=150)[0])
        payloads.append(next(t for f, t in codes if "QR" in f))
    with udb.session() as s:
        assert s.scalar(select(Authorization.retroactive).where(
            Authorization.number == numbers[2])) is True

    # 6. The performing unit, no database and no network: the carried key file.
    with Database(unit.url).session() as s:
        nss = s.scalar(select(Request).where(Request.folio == folios[0])).patient.nss
    for payload in payloads:
        out = performing.run("verify --payload 'TEXTO_DEL_QR' --public-key verificar.llaves",
                             capsys, TEXTO_DEL_QR=payload)
        assert out.startswith("VÁLIDA (valid)")
    out = performing.run("verify --payload 'TEXTO_DEL_QR' --public-key verificar.llaves --nss NSS",
                         capsys, TEXTO_DEL_QR=payloads[0], NSS=nss)
    assert "NSS coincide" in out
    udb.dispose()
