"""Sites and keys tab (read-only for now): this site's signing key and the keys this
database trusts, from the existing key registry (st2desk.signing). Trusting, revoking,
export and sync are done on the command line until the keys-and-sync rework lands."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from st2desk import signing
from st2desk.errors import St2Error
from st2desk.models import Role
from st2desk.services.common import require_role
from st2desk.ui.admin.common import make_table, set_rows
from st2desk.ui.context import UiContext


def _fingerprint(raw: bytes) -> str:
    import hashlib

    digest = hashlib.sha256(raw).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, len(digest), 4))


class KeysTab(QWidget):
    """This site's key and every registered key with its label and fingerprint."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.own_label = QLabel()
        self.own_label.setObjectName("adminOwnKey")
        self.own_label.setWordWrap(True)
        self.table = make_table("adminKeysTable", [
            self.tr("Key"), self.tr("Label"), self.tr("Fingerprint"), self.tr("Origin"),
            self.tr("Added")])
        note = QLabel(self.tr("To trust another site's key, export this one or exchange offline "
                              "bundles, use the command line (st2desk sync …)."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.own_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        self.reload()

    def reload(self) -> None:
        actor = self.ctx.actor

        def read(session):  # type: ignore[no-untyped-def]
            require_role(session, actor, Role.ADMIN, "consultar las llaves de los sitios")
            return signing.registered_keys(session)

        keys = self.ctx.ops.read(read)
        try:
            own = signing.local_key(create=False)
        except (St2Error, OSError):
            own = None
        if own is None:
            self.own_label.setText(self.tr("This computer has no signing key yet; it is made the "
                                           "first time a slip or a bundle is signed."))
        else:
            self.own_label.setText(self.tr("This site's key: %1 — fingerprint %2")
                                   .replace("%1", own.kid).replace("%2", _fingerprint(own.public_raw)))
        origins = {"local": self.tr("this site"), "trusted": self.tr("trusted")}
        rows = sorted(keys.values(), key=lambda k: (k.origin != "local", k.entry.label))
        set_rows(self.table, [(k.entry.kid, [
            k.entry.kid + (" ★" if own is not None and k.entry.kid == own.kid else ""),
            k.entry.label, _fingerprint(k.entry.public_raw), origins.get(k.origin, k.origin),
            k.added_at[:10]]) for k in rows])
