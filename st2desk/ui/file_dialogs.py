"""Where file dialogs open: the folder the person used last for that kind of file, else
their Documents folder (never the program's working folder). Per person (`preferences`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from st2desk.ui import preferences

_KEY = "ui/last_folder/"


def start_folder(kind: str) -> str:
    remembered = preferences.value(_KEY + kind)
    if remembered and Path(str(remembered)).is_dir():
        return str(remembered)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents or str(Path.home())


def remember_folder(kind: str, chosen: str | list[str]) -> None:
    """Remember the folder of what was chosen (a path or the first of several)."""
    first = chosen[0] if isinstance(chosen, list) else chosen
    if first:
        preferences.set_value(_KEY + kind, str(Path(first).parent))
