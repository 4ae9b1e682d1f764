"""What to tell a person when something below the domain fails (database, disk).

One function for the GUI and the command line, so both say the same thing in Spanish:
what happened and what to do, never the system's English reason or a traceback.
"""

from __future__ import annotations

from st2desk.db import storage_error
from st2desk.errors import St2Error
from st2desk.outputs import os_error_message

UNEXPECTED = ("Ocurrió un error inesperado y la operación no se completó; no se cambió nada. "
              "Si se repite, avise a sistemas con la hora en que ocurrió.")


def user_message(exc: BaseException) -> str | None:
    """A Spanish message for `exc`, or None when it is a bug rather than a failure."""
    if isinstance(exc, St2Error):
        return exc.message
    translated = storage_error(exc)
    if translated is not None:
        return translated.message
    if isinstance(exc, OSError):
        return os_error_message(exc, exc.filename or "el archivo")
    return None
