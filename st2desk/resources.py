"""Locate the shipped resources both in a checkout and in an installed wheel.

The wheel carries top-level ``resources/`` as ``st2desk/resources`` (pyproject
force-include); an editable install reads the checkout's ``resources/`` directly.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def resources_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "resources", here.parent / "resources"):
        if (candidate / "reference").is_dir():
            return candidate
    raise FileNotFoundError("No se encontró la carpeta de recursos de st2desk (resources/).")


def reference_file(name: str) -> Path:
    return resources_dir() / "reference" / name
