"""Keys with authority and slips as DESIGN §7.2: what a key may sign, and what a slip says."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from st2desk import clock, numbering, signing
from st2desk.cli import main
from st2desk.errors import NotFound, ValidationError
from st2desk.models import Authorization
from st2desk.services import authorizations, decisions, requests, slips
from st2desk.services.slips import VerifyState
from tests.cast import PERFORMING_UNIT, REQUESTING_UNIT
from tests.flows import authorized, emergency
from tests.paper_support import installation, page_texts


def _unit_key_file(tmp_path, units: str = REQUESTING_UNIT) -> tuple[str, signing.LocalKey]:
    """A unit installation's key line, labelled as `st2desk keys export` writes it there."""
    with installation(tmp_path / "unidad"):
        key = signing.local_key()
        label = signing.SiteLabel(REQUESTING_UNIT, "UMF 20 sin red", tuple(units.split(",")),
                                  "2026-12-01", "")
        return key.key_line(label.text()) + "\n", key


def _issued(db, cast) -> tuple[str, str, str, object, object]:  # type: ignore[no-untyped-def]
    _request_id, auth_id = authorized(db, cast)
    with db.session() as s:
        auth = s.get(Authorization, auth_id)
        return (auth.number, auth.request.folio, auth.request.patient.nss, auth.valid_from,
                auth.valid_until)


def test_a_unit_key_cannot_vouch_for_numbers_outside_its_units_or_never_issued(db, cast, tmp_path):
    line, unit_key = _unit_key_file(tmp_path)
    with db.transaction() as s:
        assert slips.trust_keys(s, cast.admin, line) == [unit_key.kid]
        reg = signing.registered_keys(s)[unit_key.kid]
        assert reg.units == (REQUESTING_UNIT,)
    number, folio, nss, valid_from, valid_until = _issued(db, cast)  # issued by the hospital
    fake = signing.sign_slip(unit_key, number=number, folio=folio, service="IMG-TAC-CRA",
                             unit=PERFORMING_UNIT, valid_from=valid_from, valid_until=valid_until,
                             nss=nss)
    with db.session() as s:
        v = slips.verify_payload(s, fake.text())
        assert v.state is VerifyState.FORGED and PERFORMING_UNIT in v.message
    # A number of its own unit that central never issued: genuine signature, no authorization.
    invented = numbering.format_authorization(REQUESTING_UNIT, clock.today().year, 777_777)
    minted = signing.sign_slip(unit_key, number=invented, folio=folio, service="IMG-TAC-CRA",
                               unit=PERFORMING_UNIT, valid_from=valid_from,
                               valid_until=valid_until, nss=nss)
    with db.session() as s:
        v = slips.verify_payload(s, minted.text())
        assert v.state is VerifyState.UNKNOWN and not v.ok


def test_trusting_a_key_records_its_units_and_refuses_every_unit_unless_confirmed(db, cast,
                                                                                  tmp_path):
    line, unit_key = _unit_key_file(tmp_path, units="*")
    with db.transaction() as s, pytest.raises(ValidationError, match="todas las unidades"):
        slips.trust_keys(s, cast.admin, line)
    with db.transaction() as s:
        slips.trust_keys(s, cast.admin, line, units=(REQUESTING_UNIT,))
        assert signing.registered_keys(s)[unit_key.kid].units == (REQUESTING_UNIT,)
    with installation(tmp_path / "antigua"):
        older = signing.local_key()
    old = signing.format_key_line(older.kid, older.public_raw, "equipo 2026-01-01")
    with db.transaction() as s, pytest.raises(ValidationError, match="--units"):
        slips.trust_keys(s, cast.admin, old + "\n")


def test_keys_carry_a_site_label_in_files_and_in_keys_list(db, db_url, cast, tmp_path, capsys, cli_password):
    with installation(tmp_path / "central"):
        assert main(["--database", db_url, "site", "set", "--code", "OOAD09",
                     "--name", "Oficina central CDMX Norte", "--units", "*", "--user", "admin1"]) == 0
        out = tmp_path / "central.txt"
        assert main(["--database", db_url, "keys", "export", "-o", str(out), "--user", "admin1"]) == 0
        entry = signing.read_key_file(out)[0]
        site = entry.site
        assert (site.code, site.name, site.units) == ("OOAD09", "Oficina central CDMX Norte", ("*",))
        assert site.created == clock.today().isoformat() and site.encryption
        capsys.readouterr()
        assert main(["--database", db_url, "keys", "list", "--user", "admin1"]) == 0
        listing = capsys.readouterr().out
        assert "OOAD09" in listing and "Oficina central CDMX Norte" in listing
        assert "todas las unidades" in listing


def test_only_a_valid_authorization_gets_a_signed_code(db, cast):
    number, *_ = _issued(db, cast)
    with db.transaction() as s:
        first = page_texts(slips.print_slip(s, cast.reception, number))[0]
        auth = s.scalar(select(Authorization).where(Authorization.number == number))
        assert auth.signature and "SIN VALIDEZ" not in first and "REIMPRESIÓN" not in first
        assert "Código firmado" in first
    with db.transaction() as s:
        again = " ".join(page_texts(slips.print_slip(s, cast.reception, number))[0].split())
        assert f"REIMPRESIÓN — impresa el {clock.today():%d/%m/%Y}" in again
    with db.transaction() as s:
        authorizations.cancel_authorization(s, cast.admin, auth.id, "Paciente se dio de baja")
    with db.transaction() as s:
        s.execute(Authorization.__table__.update().where(Authorization.id == auth.id)
                  .values(signature=None))
    with db.transaction() as s:
        text = page_texts(slips.print_slip(s, cast.admin, number))[0]
        assert "SIN VALIDEZ" in text and "Código firmado" not in text
        assert "Acuda a la unidad" not in text
        assert s.get(Authorization, auth.id).signature is None  # nothing was signed


def test_expired_slip_is_printed_without_validity(db, cast):
    number, _f, _n, _vf, valid_until = _issued(db, cast)
    with clock.frozen_at(clock.now() + timedelta(days=(valid_until - clock.today()).days + 3)), \
            db.transaction() as s:
        text = page_texts(slips.print_slip(s, cast.reception, number))[0]
        assert "SIN VALIDEZ" in text and "VENCIDA" in text
        assert s.scalar(select(Authorization.signature).where(Authorization.number == number)) is None


def test_a_retroactive_slip_says_the_service_was_already_given(db, cast):
    performed = clock.today() - timedelta(days=1)
    request_id = emergency(db, cast, performed)
    with db.transaction() as s:
        result = requests.submit(s, cast.physician, request_id)
        assert result.submitted, [f.message for f in result.findings]
    with db.transaction() as s:
        auth = decisions.approve(s, cast.specialist, request_id)
        number = auth.number
    with db.transaction() as s:
        text = " ".join(page_texts(slips.print_slip(s, cast.reception, number))[0].split())
    assert f"ya se le realizó como urgencia el {performed:%d/%m/%Y}" in text
    assert "a más tardar" not in text and "Acuda a la unidad" not in text


def test_offline_verification_answers_not_verifiable_and_forged_by_scope(db, db_url, cast,
                                                                          tmp_path, capsys, cli_password):
    number, folio, nss, valid_from, valid_until = _issued(db, cast)
    line, unit_key = _unit_key_file(tmp_path)
    with db.transaction() as s:
        slips.trust_keys(s, cast.admin, line)
        payload = slips.print_slip(s, cast.reception, number) and s.scalar(
            select(Authorization.signature).where(Authorization.number == number))
    carried = tmp_path / "llaves-central.txt"
    assert main(["--database", db_url, "keys", "export", "--all", "-o", str(carried),
                 "--user", "admin1"]) == 0
    capsys.readouterr()
    fake = signing.sign_slip(unit_key, number=number, folio=folio, service="IMG-TAC-CRA",
                             unit=PERFORMING_UNIT, valid_from=valid_from, valid_until=valid_until,
                             nss=nss)
    with installation(tmp_path / "destino"):
        assert main(["verify", "--payload", payload, "--public-key", str(carried)]) == 0
        assert capsys.readouterr().out.startswith("VÁLIDA (valid)")
        assert main(["verify", "--payload", fake.text(), "--public-key", str(carried)]) == 1
        assert capsys.readouterr().out.startswith("FALSIFICADA O ALTERADA (forged)")
        alone = tmp_path / "solo-unidad.txt"
        alone.write_text(line)
        assert main(["verify", "--payload", payload, "--public-key", str(alone)]) == 1
        assert capsys.readouterr().out.startswith("NO VERIFICABLE (not_verifiable)")


def test_blocks_are_named_by_folio_and_reception_reprints_its_own_units_blocks(
        db, db_url, cast, tmp_path, capsys, cli_password):
    from st2desk.services import folios, paper

    with db.transaction() as s:
        block = folios.reserve_block(s, cast.admin, REQUESTING_UNIT, 3)
    middle = numbering.format_folio(REQUESTING_UNIT, block.year, block.first_sequence + 1)
    with db.session() as s:
        assert folios.block_of_folio(s, middle).uuid == block.uuid
    with db.transaction() as s:  # reception of the unit (09UMF20) reprints its block
        again = paper.blank_block(s, cast.reception_elsewhere, "", 0, block_id=block.id)
        assert again.folios[0] == block.first_folio
    with db.transaction() as s, pytest.raises(NotFound, match="en su unidad"):
        paper.blank_block(s, cast.reception, "", 0, block_id=block.id)  # the hospital's reception
    assert main(["--database", db_url, "print", "blank", "--block", middle, "-o",
                 str(tmp_path / "b.pdf"), "--user", "recepcion.umf"]) == 0
    assert f"bloque {block.first_folio} … {block.last_folio}" in capsys.readouterr().out


def test_a_unit_database_reserves_no_folios_and_activates_only_its_own_people(db, cast):
    from st2desk.models import User
    from st2desk.services import folios
    from st2desk.services.site_users import activate_site_user
    from st2desk.services.sync import UNUSABLE_PASSWORD

    with db.transaction() as s:
        signing.set_site_label(s, REQUESTING_UNIT, "UMF 20 sin red", (REQUESTING_UNIT,))
        for name in ("recepcion.umf", "recepcion1"):  # as they arrive from central
            s.scalar(select(User).where(User.username == name)).password_hash = UNUSABLE_PASSWORD
    with db.transaction() as s, pytest.raises(ValidationError, match="no reserva folios"):
        folios.reserve_block(s, None, REQUESTING_UNIT, 5)
    with db.transaction() as s, pytest.raises(ValidationError, match="no es de este sitio"):
        activate_site_user(s, None, "recepcion1", "una-clave-larga")  # a hospital user
    with db.transaction() as s, pytest.raises(ValidationError, match="ya tiene contraseña"):
        activate_site_user(s, None, "medico1", "una-clave-larga")
    with db.transaction() as s:
        user = activate_site_user(s, None, "recepcion.umf", "una-clave-larga")
        assert user.active and user.password_hash != UNUSABLE_PASSWORD
