"""Where the data lives: platformdirs by default, overridable for tests and servers."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "st2desk"
DATABASE_ENV = "ST2DESK_DATABASE_URL"
DATA_DIR_ENV = "ST2DESK_DATA_DIR"


def private_files() -> None:
    """Every file and folder this process creates is its owner's alone (DESIGN §7.1): the
    database, backups, exports and printed PDFs hold patients' NSS, CURP and names."""
    os.umask(0o077)


def data_dir() -> Path:
    """The data folder, created 0700 (and narrowed to 0700 if it was wider)."""
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not override and path.stat().st_mode & 0o077:
        path.chmod(0o700)
    return path


def database_url(explicit: str | None = None) -> str:
    """`--database` beats ST2DESK_DATABASE_URL, which beats SQLite in the data folder."""
    if explicit:
        return explicit
    env = os.environ.get(DATABASE_ENV)
    if env:
        return env
    return f"sqlite:///{data_dir() / 'st2desk.sqlite3'}"
