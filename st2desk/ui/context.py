"""What every window needs: the database, the logged-in user and the operations helper."""

from __future__ import annotations

from dataclasses import dataclass

from st2desk import clock
from st2desk.db import Database
from st2desk.models import Role
from st2desk.services.common import Actor
from st2desk.ui import preferences
from st2desk.ui.operations import Operations


@dataclass
class UiContext:
    db: Database
    actor: Actor
    ops: Operations

    def __post_init__(self) -> None:
        # Every "today", deadline and time shown follows the signed-in user's unit zone.
        clock.set_zone(self.actor.time_zone)
        # Language, idle lock, folders and panel sizes are the person's (shared computers).
        preferences.set_person(self.actor.username)

    def has_role(self, role: Role) -> bool:
        return role in self.actor.roles
