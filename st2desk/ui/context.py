"""What every window needs: the database, the logged-in user and the operations helper."""

from __future__ import annotations

from dataclasses import dataclass

from st2desk.db import Database
from st2desk.models import Role
from st2desk.services.common import Actor
from st2desk.ui.operations import Operations


@dataclass
class UiContext:
    db: Database
    actor: Actor
    ops: Operations

    def has_role(self, role: Role) -> bool:
        return role in self.actor.roles
