"""Private temporary folders for patient data (attachments opened, slips previewed).

DESIGN §7.4: such folders are removed at exit, on SIGTERM (a session closed, a shutdown),
and, when a process was killed outright, by the next start (`remove_stale`). Each folder's
name carries the owning process id, so a later start can tell a live one from a leftover.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import signal
import tempfile
import threading
from pathlib import Path
from types import FrameType

log = logging.getLogger(__name__)

PREFIX = "st2desk-"
_made: list[Path] = []
_installed = False
_lock = threading.Lock()


def private_dir(kind: str) -> Path:
    """A new 0700 folder in the system's temp folder, removed when this process ends."""
    path = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))
    with _lock:
        _made.append(path)
    _install()
    return path


def cleanup() -> None:
    with _lock:
        made, _made[:] = list(_made), []
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    cleanup()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)  # end as SIGTERM would have, folders gone


def _install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(cleanup)
    if threading.current_thread() is threading.main_thread() \
            and signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _on_sigterm)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def remove_stale(folder: Path | None = None) -> int:
    """Remove this account's st2desk temp folders whose process is gone; how many."""
    removed = 0
    base = folder or Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for path in base.glob(f"{PREFIX}*-*-*"):
            parts = path.name[len(PREFIX):].split("-")
            if len(parts) < 3 or not parts[1].isdigit():
                continue
            try:
                if not path.is_dir() or path.stat().st_uid != os.getuid():
                    continue
            except OSError:
                continue
            if not _alive(int(parts[1])):
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
    if removed:
        log.info("removed %d temporary folders left by st2desk processes that ended", removed)
    return removed
