"""`st2desk verify`: valid, expired, used, cancelled, unknown or forged — online and offline."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from st2desk import clock, numbering, signing
from st2desk.cli import main
from st2desk.errors import ValidationError
from st2desk.models import Authorization, Setting
from st2desk.services import authorizations, slips
from st2desk.services.slips import VerifyState
from tests.flows import authorized
from tests.paper_support import decode, installation, needs_pdftoppm, render_pages


def printed(db, cast, tmp_path):  # type: ignore[no-untyped-def]
    """An authorization whose slip was printed: (number, payload text, patient NSS)."""
    _request_id, auth_id = authorized(db, cast)
    with db.transaction() as s:
        number = s.get(Authorization, auth_id).number
        slips.print_slip(s, cast.reception, number, tmp_path / "comprobante.pdf")
    with db.session() as s:
        auth = s.get(Authorization, auth_id)
        return auth.number, auth.signature, auth.request.patient.nss


def test_printing_signs_once_without_a_version_conflict(db, cast, tmp_path):
    _request_id, auth_id = authorized(db, cast)
    with db.session() as s:
        version = s.get(Authorization, auth_id).version
        number = s.get(Authorization, auth_id).number
    with db.transaction() as s:
        first = slips.print_slip(s, cast.reception, number)
    with db.transaction() as s:
        slips.print_slip(s, cast.reception, number)
    with db.session() as s:
        auth = s.get(Authorization, auth_id)
        assert auth.version == version  # reception can still record the use it was looking at
        payload = signing.parse_payload(auth.signature)
        assert payload.number == number and payload.kid == signing.local_key().kid
        assert s.get(Setting, f"signing.key.{payload.kid}") is not None  # public key registered
    with db.transaction() as s:
        authorizations.record_use(s, cast.reception, auth_id, expected_version=version)
    assert first.startswith(b"%PDF")


@needs_pdftoppm
def test_the_printed_qr_is_the_stored_signed_payload(db, cast, tmp_path):
    number, payload, _nss = printed(db, cast, tmp_path)
    png = render_pages(tmp_path / "comprobante.pdf", tmp_path / "png")[0]
    codes = decode(png)
    assert [t for f, t in codes if "QR" in f] == [payload]
    assert [t for f, t in codes if "128" in f] == [number]


def test_states_by_number(db, cast, tmp_path):
    number, _payload, _nss = printed(db, cast, tmp_path)
    with db.session() as s:
        assert slips.verify_number(s, number).state is VerifyState.VALID
        unknown = numbering.format_authorization("09HGZ24", 2026, 999_999)
        assert slips.verify_number(s, unknown).state is VerifyState.UNKNOWN
        with pytest.raises(ValidationError):
            slips.verify_number(s, number[:-1] + ("0" if number[-1] != "0" else "1"))
        auth = s.scalar(select(Authorization).where(Authorization.number == number))
        until = auth.valid_until
    later = clock.now() + timedelta(days=(until - clock.today()).days + 2)
    with clock.frozen_at(later), db.session() as s:
        assert slips.verify_number(s, number).state is VerifyState.EXPIRED
    with db.transaction() as s:
        authorizations.record_use(s, cast.reception, auth.id)
    with db.session() as s:
        assert slips.verify_number(s, number).state is VerifyState.USED


def test_cancelled(db, cast, tmp_path):
    number, payload, _nss = printed(db, cast, tmp_path)
    with db.transaction() as s:
        auth = s.scalar(select(Authorization).where(Authorization.number == number))
        authorizations.cancel_authorization(s, cast.admin, auth.id, "Paciente se dio de baja")
    with db.session() as s:
        assert slips.verify_number(s, number).state is VerifyState.CANCELLED
        assert slips.verify_payload(s, payload).state is VerifyState.CANCELLED


def test_payload_online_and_the_nss_check(db, cast, tmp_path):
    _number, payload, nss = printed(db, cast, tmp_path)
    with db.session() as s:
        ok = slips.verify_payload(s, payload, nss=nss)
        assert ok.state is VerifyState.VALID and ok.nss_matches is True
        someone_else = ("1" if nss[0] != "1" else "2") + nss[1:]
        wrong = slips.verify_payload(s, payload, nss=someone_else)
        assert wrong.state is VerifyState.FORGED and wrong.nss_matches is False
        tampered = payload.replace("|IMG-TAC-CRA|", "|IMG-RM-CRA|")
        assert slips.verify_payload(s, tampered).state is VerifyState.FORGED
        with pytest.raises(signing.PayloadMalformed):
            slips.verify_payload(s, "hola")


def test_genuine_code_that_disagrees_with_the_record_is_forged(db, cast, tmp_path):
    number, _payload, nss = printed(db, cast, tmp_path)
    with db.session() as s:
        auth = s.scalar(select(Authorization).where(Authorization.number == number))
        # Signed by this installation's key, but with dates the record does not have.
        fake = signing.sign_slip(signing.local_key(), number=number, folio=auth.request.folio,
                                 service="IMG-TAC-CRA", unit=auth.performing_unit.code,
                                 valid_from=auth.valid_from,
                                 valid_until=auth.valid_until + timedelta(days=365), nss=nss)
        assert slips.verify_payload(s, fake.text()).state is VerifyState.FORGED


def test_slip_printed_at_one_unit_verifies_at_another_with_no_network(db, db_url, cast, tmp_path,
                                                                       capsys, cli_password):
    """The performing unit has no database at all: only the issuing site's public key file."""
    number, payload, nss = printed(db, cast, tmp_path)
    keyfile = tmp_path / "llaves.txt"
    assert main(["--database", db_url, "keys", "export", "-o", str(keyfile),
                 "--user", "admin1"]) == 0
    capsys.readouterr()
    with installation(tmp_path / "otra-unidad"):  # another machine: other data folder, no database
        code = main(["--database", "sqlite:////nonexistent/dir/none.sqlite3", "verify",
                     "--payload", payload, "--public-key", str(keyfile), "--nss", nss])
        out = capsys.readouterr().out
        assert code == 0, out
        assert out.startswith("VÁLIDA (valid): Firma auténtica") and "NSS coincide" in out
        assert "no se puede saber si ya se usó" in out
        later = clock.now() + timedelta(days=400)
        with clock.frozen_at(later):
            assert main(["verify", "--payload", payload, "--public-key", str(keyfile)]) == 1
        assert "VENCIDA (expired)" in capsys.readouterr().out
        forged = payload[:-4] + ("AAAA" if not payload.endswith("AAAA") else "BBBB")
        assert main(["verify", "--payload", forged, "--public-key", str(keyfile)]) == 1
        assert "FALSIFICADA" in capsys.readouterr().out
        # A key file of some other installation does not vouch for this slip.
        stranger = tmp_path / "extrana.txt"
        with installation(tmp_path / "extrana"):
            stranger.write_text(signing.local_key().key_line("otra"))
        assert main(["verify", "--payload", payload, "--public-key", str(stranger)]) == 1
        assert capsys.readouterr().out.startswith("NO VERIFICABLE (not_verifiable)")


def test_command_line_verify(db_url, db, cast, tmp_path, capsys, cli_password):
    number, payload, _nss = printed(db, cast, tmp_path)
    assert main(["--database", db_url, "verify", number, "--user", "recepcion1"]) == 0
    assert capsys.readouterr().out.startswith("VÁLIDA (valid)")
    assert main(["--database", db_url, "verify", "--payload", payload, "--user", "recepcion1"]) == 0
    unknown = numbering.format_authorization("09HGZ24", 2026, 999_999)
    assert main(["--database", db_url, "verify", unknown, "--user", "recepcion1"]) == 1
    assert "DESCONOCIDA (unknown)" in capsys.readouterr().out
    for bad in (["verify"], ["verify", number, "--payload", payload], ["verify", "XYZ"],
                ["verify", "--payload", "no es un código"]):
        assert main(["--database", db_url, *bad, "--user", "recepcion1"]) == 2, bad
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("st2desk: ")
