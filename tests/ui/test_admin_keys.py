"""Administration ▸ Sites and keys: this site's key and the trusted keys, read-only."""

from __future__ import annotations

from st2desk import signing
from tests.ui.admin_support import column, open_tab


def test_the_tab_lists_this_sites_key_and_the_trusted_ones(qtbot, db, cast, make_ctx):
    other = signing.PublicKeyEntry(*_other_key(), "Unidad 09HGZ27 2026-12-01")
    with db.transaction() as s:
        own = signing.ensure_local_key_registered(s)
        signing.register_key(s, other, "trusted")
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    assert tab.table.objectName() == "adminKeysTable"
    assert own.kid in tab.own_label.text()
    kids = column(tab.table, 0)
    assert kids[0].startswith(own.kid) and "★" in kids[0] and other.kid in kids
    assert column(tab.table, 3) == ["este sitio", "de confianza"]
    assert "Unidad 09HGZ27 2026-12-01" in column(tab.table, 1)


def test_without_a_key_yet_the_tab_says_so(qtbot, db, cast, make_ctx):
    section, tab = open_tab(qtbot, make_ctx, cast.admin, "keys")
    assert tab.table.rowCount() == 0 and "aún no tiene llave" in tab.own_label.text()


def _other_key() -> tuple[str, bytes]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = signing.raw_public(Ed25519PrivateKey.generate().public_key())
    return signing.key_id(raw), raw
