"""The last net under every window: an exception no handler caught reaches the person.

Qt calls Python slots from its event loop; an exception escaping one is printed to stderr
and the click seems to do nothing. Installed by `app.run`, this hook shows the Spanish
message instead (a database or disk failure says what happened and what to do; anything
else says the action did not complete) and writes the traceback to the log file in the
data folder, which holds no patient data (tracebacks carry code lines, not values).
"""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox

from st2desk import config
from st2desk.failures import UNEXPECTED, user_message

log = logging.getLogger("st2desk")
_showing = False


def report(exc: BaseException) -> None:
    """Show `exc` to the person as Spanish text; log it when it is a bug."""
    global _showing
    message = user_message(exc)
    if message is None:
        log.error("unhandled error:\n%s", "".join(traceback.format_exception(exc)))
        message = UNEXPECTED
    if _showing:  # an error while showing an error: do not stack message boxes
        return
    _showing = True
    try:
        QMessageBox.warning(QApplication.activeWindow(), "st2desk", message)
    finally:
        _showing = False


def _hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    report(exc)


def install_excepthook() -> None:
    folder = config.data_dir() / "logs"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "st2desk.log", encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("st2desk").addHandler(handler)
    sys.excepthook = _hook
