"""Where the data lives: platformdirs by default, overridable for tests and servers."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "st2desk"
DATABASE_ENV = "ST2DESK_DATABASE_URL"
DATA_DIR_ENV = "ST2DESK_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(explicit: str | None = None) -> str:
    """`--database` beats ST2DESK_DATABASE_URL, which beats SQLite in the data folder."""
    if explicit:
        return explicit
    env = os.environ.get(DATABASE_ENV)
    if env:
        return env
    return f"sqlite:///{data_dir() / 'st2desk.sqlite3'}"
