"""Administration ▸ Sites and keys: this site's key and label, export it, trust another site's
key only after its label, fingerprint and units were shown, revoke one."""

from __future__ import annotations

import os
import stat

from PySide6.QtWidgets import QFileDialog, QLabel

from st2desk import signing
from st2desk.services import site_keys
from tests.ui.admin_support import click, column, events, open_tab, tick


def _other_key_file(tmp_path, units: str = "09HGZ27", code: str = "09HGZ27",
                    name: str = "HGZ 27 sin red"):  # type: ignore[no-untyped-def]
    """A key file as another site's `st2desk keys export` writes it."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = signing.raw_public(Ed25519PrivateKey.generate().public_key())
    label = signing.SiteLabel(code, name, tuple(units.split(",")), "2026-12-01")
    entry = signing.PublicKeyEntry(signing.key_id(raw), raw, label.text())
    path = tmp_path / f"llave-{code}.txt"
    path.write_text("# Llaves públicas de st2desk\n" + entry.line() + "\n", encoding="utf-8")
    return entry, path


def _trusted(db) -> dict:  # type: ignore[no-untyped-def]
    with db.session() as s:
        return {k: r for k, r in signing.registered_keys(s).items() if r.origin == "trusted"}


def test_the_tab_lists_this_sites_key_and_the_trusted_ones(qtbot, db, cast, make_ctx):
    other = signing.PublicKeyEntry(*_raw_key(), "sitio=09HGZ27 unidades=09HGZ27 nombre=HGZ 27")
    with db.transaction() as s:
        own = signing.ensure_local_key_registered(s)
        signing.register_key(s, other, "trusted", ("09HGZ27",))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    assert tab.table.objectName() == "adminKeysTable"
    assert own.kid in tab.own_label.text() and site_keys.fingerprint(own.public_raw) in \
        tab.own_label.text()
    assert column(tab.table, 6) == [own.kid, other.kid]
    assert "★" in column(tab.table, 1)[0]
    assert column(tab.table, 4) == ["esta base de datos", "de confianza"]
    assert column(tab.table, 0)[1] == "09HGZ27" and column(tab.table, 2)[1] == "09HGZ27"


def test_without_a_key_yet_the_tab_says_so(qtbot, db, cast, make_ctx):
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    assert tab.table.rowCount() == 0 and "aún no tiene llave" in tab.own_label.text()


def test_trusting_shows_label_fingerprint_and_units_before_anything_is_written(
        qtbot, db, cast, make_ctx, monkeypatch, tmp_path):
    entry, path = _other_key_file(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    click(qtbot, tab.trust_button)
    dialog = tab.dialog
    assert dialog is not None and dialog.isVisible()
    assert "HGZ 27 sin red" in dialog.findChild(QLabel, "adminTrustLabel0").text()
    assert dialog.findChild(QLabel, "adminTrustFingerprint0").text() == \
        site_keys.fingerprint(entry.public_raw)
    assert dialog.findChild(QLabel, "adminTrustUnits0").text() == "09HGZ27"
    assert _trusted(db) == {}  # shown, not yet trusted
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    trusted = _trusted(db)
    assert list(trusted) == [entry.kid] and trusted[entry.kid].units == ("09HGZ27",)
    assert entry.kid in column(tab.table, 6)
    assert events(db, "trust_keys")[-1].details["units"] == {entry.kid: ["09HGZ27"]}


def test_cancelling_the_confirmation_trusts_nothing(qtbot, db, cast, make_ctx, monkeypatch,
                                                    tmp_path):
    _entry, path = _other_key_file(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    click(qtbot, tab.trust_button)
    tab.dialog.reject()
    assert _trusted(db) == {} and not events(db, "trust_keys")


def test_a_key_claiming_every_unit_needs_the_central_office_confirmed(
        qtbot, db, cast, make_ctx, monkeypatch, tmp_path):
    entry, path = _other_key_file(tmp_path, units="*", code="CENTRAL", name="Oficina central")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(path), "")))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    click(qtbot, tab.trust_button)
    dialog = tab.dialog
    assert dialog.findChild(QLabel, "adminTrustUnits0").text() == "todas las unidades"
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "oficina central" in dialog.error_label.text()
    assert _trusted(db) == {}
    tick(qtbot, dialog.central_box)
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible() and _trusted(db)[entry.kid].units == ("*",)


def test_a_file_that_is_not_a_key_file_is_refused_in_spanish(qtbot, db, cast, make_ctx, messages,
                                                             monkeypatch, tmp_path):
    bogus = tmp_path / "paquete.st2"
    bogus.write_bytes(b"ST2DESK-BUNDLE 2\n{}\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bogus), "")))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    click(qtbot, tab.trust_button)
    assert "paquete de sincronización" in messages.texts()[-1]
    assert tab.dialog is None and _trusted(db) == {}


def test_revoking_asks_names_the_fingerprint_and_removes_the_key(qtbot, db, cast, make_ctx,
                                                                  messages):
    other = signing.PublicKeyEntry(*_raw_key(), "sitio=09HGZ27 unidades=09HGZ27 nombre=HGZ 27")
    with db.transaction() as s:
        own = signing.ensure_local_key_registered(s)
        signing.register_key(s, other, "trusted", ("09HGZ27",))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    tab.select_key(own.kid)
    assert not tab.revoke_button.isEnabled()  # this database's own key is not revoked here
    tab.select_key(other.kid)
    assert tab.revoke_button.isEnabled()
    messages.answer = messages.answer.No
    click(qtbot, tab.revoke_button)
    assert site_keys.fingerprint(other.public_raw) in messages.texts()[-1]
    assert other.kid in _trusted(db)
    messages.answer = messages.answer.Yes
    click(qtbot, tab.revoke_button)
    assert _trusted(db) == {} and column(tab.table, 6) == [own.kid]
    assert events(db, "revoke_key")[-1].entity_id == other.kid


def test_exporting_this_sites_key_writes_a_private_key_file_and_audits_it(
        qtbot, db, cast, make_ctx, messages, monkeypatch, tmp_path):
    target = tmp_path / "llave.txt"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    click(qtbot, tab.export_button)
    entries = signing.read_key_file(target)
    own = signing.local_key(create=False)
    assert [e.kid for e in entries] == [own.kid]
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert site_keys.fingerprint(own.public_raw) in messages.texts()[-1]
    assert events(db, "export_key")[-1].entity_id == own.kid
    assert own.kid in tab.own_label.text()


def test_naming_the_site_changes_its_keys_label(qtbot, db, cast, make_ctx):
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    click(qtbot, tab.site_button)
    dialog = tab.dialog
    for edit, value in ((dialog.code_edit, "09UMF20"), (dialog.name_edit, "UMF 20 sin red"),
                        (dialog.units_edit, "09UMF20,NOEXISTE")):
        edit.clear()
        qtbot.keyClicks(edit, value)
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "NOEXISTE" in dialog.error_label.text()
    assert dialog.units_edit.text() == "09UMF20,NOEXISTE"  # what was typed is kept
    dialog.units_edit.clear()
    qtbot.keyClicks(dialog.units_edit, "09UMF20")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert "09UMF20 «UMF 20 sin red»" in tab.own_label.text()
    with db.session() as s:
        assert signing.site_label(s).units == ("09UMF20",)
    assert events(db, "site_label")[-1].details["units"] == ["09UMF20"]


def _raw_key() -> tuple[str, bytes]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = signing.raw_public(Ed25519PrivateKey.generate().public_key())
    return signing.key_id(raw), raw
