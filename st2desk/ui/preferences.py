"""Preferences of the person signed in, on this workstation (issue 13, item 10).

A shared reception or office computer is used by several people; each one's language,
idle-lock minutes, last folders and panel sizes are theirs. They live in QSettings (per
workstation, never in the database) under ``people/<user>/``; a person who never chose a
value gets the workstation's (what was set before preferences were per person, or the
default). What belongs to the machine stays per workstation: its printer and paper, the
window's geometry on this screen.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QSettings

_person: str | None = None


def set_person(username: str | None) -> None:
    """The person whose preferences are read and written from now on (None: nobody)."""
    global _person
    _person = username or None


def person() -> str | None:
    return _person


def _group(username: str) -> str:
    # QSettings keys use "/" as separator; keep a user name a single, safe key segment.
    return "people/" + re.sub(r"[^0-9A-Za-z._-]", lambda m: f"%{ord(m.group()):02X}", username)


def key(name: str) -> str:
    """Where `name` is stored for the current person (the workstation key when nobody)."""
    return f"{_group(_person)}/{name}" if _person else name


def value(name: str, default: Any = None, value_type: type | None = None) -> Any:
    """The person's value of `name`, else the workstation's, else `default`."""
    settings = QSettings()
    stored = key(name) if _person and settings.contains(key(name)) else name
    if value_type is None:
        return settings.value(stored, default)
    return settings.value(stored, default, type=value_type)


def set_value(name: str, new_value: Any) -> None:
    QSettings().setValue(key(name), new_value)
