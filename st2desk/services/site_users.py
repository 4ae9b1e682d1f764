"""A unit's own people at an offline site (DESIGN §7.2, docs/offline.md).

Users arrive in central's bundle without a password and inactive: accounts are managed
where they live. At the unit's own installation an administrator activates the ones who
belong to this site's units and gives each a password set locally, so the unit's
physician can be named on a captured form and reception can sign in.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from st2desk import audit, signing
from st2desk.errors import NotFound, ValidationError
from st2desk.models import Role, Unit, User
from st2desk.services.common import Actor
from st2desk.services.folios import acting_user

MIN_PASSWORD = 10


def activate_site_user(session: Session, actor: Actor | None, username: str, password: str) -> User:
    """Activate a user received by sync, with a password set here (administrators)."""
    from st2desk.services.sync import UNUSABLE_PASSWORD

    acting_user(session, actor, [Role.ADMIN], "activar usuarios de este sitio")
    user = session.scalar(select(User).where(User.username == (username or "").strip().lower()))
    if user is None:
        raise NotFound(f"No existe el usuario «{(username or '').strip()[:64]}» en esta base de "
                       "datos; importe antes el paquete de la oficina central.")
    site = signing.site_label(session)
    unit = session.scalar(select(Unit.code).where(Unit.id == user.unit_id))
    if not site.may_sign_for(str(unit)):
        raise ValidationError(f"El usuario «{user.username}» es de la unidad {unit}, que no es de "
                              f"este sitio ({site.code}: {site.units_text()}).")
    if user.password_hash != UNUSABLE_PASSWORD:
        raise ValidationError(f"El usuario «{user.username}» ya tiene contraseña en esta base de "
                              "datos; se administra como cualquier otra cuenta.")
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres.")
    from st2desk.passwords import hash_password

    user.password_hash = hash_password(password)
    user.active = True
    session.flush()
    audit.record(session, user_id=actor.user_id if actor else None,
                 username=actor.username if actor else None, action="site_user_activate",
                 entity="user", entity_id=user.uuid, details={"username": user.username,
                                                              "unit": unit, "site": site.code})
    return user
