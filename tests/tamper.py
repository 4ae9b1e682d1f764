"""Tampering as a database administrator would, to prove that it is detected.

On PostgreSQL the audit log refuses updates and deletes through triggers (DESIGN §7.1);
only a superuser can switch triggers off for a session, which is what a hostile DBA
would do before editing rows. On SQLite the file's owner edits it directly.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def as_dba(session: Session) -> Session:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
    return session
