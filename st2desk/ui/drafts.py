"""Local autosave of an open form, so a crash or a closed window loses nothing.

The form's content is written as JSON to a file of the user in the data folder
(`st2desk.config.data_dir()/drafts/`), a few seconds after a change and when the form
closes, replaced atomically (a crash while writing leaves the previous copy), readable
only by the user's own account. It is read back when the form opens and removed once the
content is safely in the database.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QWidget

from st2desk import config
from st2desk.outputs import OutputError, os_error_message, write_atomic

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
AUTOSAVE_MS = 3000
RETRY_MS = 10_000  # after a failed save (disk full), try again this often


def _safe(name: str) -> str:
    return re.sub(r"[^0-9A-Za-z._-]+", "_", name)[:80] or "_"


class LocalDraftStore:
    """One JSON file per user and form kind."""

    def __init__(self, username: str, user_id: int, kind: str = "request_form",
                 folder: Path | None = None) -> None:
        self.user_id = user_id
        self.folder = folder or config.data_dir() / "drafts"
        self.path = self.folder / f"{_safe(kind)}-{_safe(username)}.json"

    def save(self, content: dict[str, Any]) -> str | None:
        """Write `content` atomically; None when saved, else why not (Spanish).

        A failure (disk full, folder removed) leaves the previous copy in place."""
        payload = {"format": FORMAT_VERSION, "user_id": self.user_id, "content": content}
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, data)  # temporary file, fsync, rename, 0600
        except OSError as exc:  # the folder could not be made
            log.warning("local draft not saved: %s", exc.strerror or exc)
            return os_error_message(exc, self.folder)
        except OutputError as exc:
            log.warning("local draft not saved")
            return exc.message
        return None

    def load(self) -> dict[str, Any] | None:
        """The saved content, or None when there is none or it is unreadable or someone else's."""
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("local draft unreadable, ignored: %s", type(exc).__name__)
            return None
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION \
                or payload.get("user_id") != self.user_id or not isinstance(payload.get("content"), dict):
            return None
        return payload["content"]

    def exists(self) -> bool:
        return self.path.exists()

    def clear(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class Autosaver(QObject):
    """Saves `snapshot()` to `store` a few seconds after the first unsaved change.

    The timer is not restarted by later changes, so continuous typing is still saved
    every few seconds. `flush()` saves at once (closing, switching away). When a save
    fails (disk full) `failure` says why, `sig_state_changed` lets the form say so, and
    the save is retried every RETRY_MS until it succeeds.
    """

    sig_state_changed = Signal()
    """A save failed, or succeeded after failing (`failure` tells which)."""

    def __init__(self, store: LocalDraftStore, snapshot: Callable[[], dict[str, Any] | None],
                 parent: QObject | None = None, interval_ms: int | None = None,
                 retry_ms: int = RETRY_MS) -> None:
        super().__init__(parent)
        self.store = store
        self._snapshot = snapshot
        self._pending = False
        self.failure: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._interval_ms = AUTOSAVE_MS if interval_ms is None else interval_ms
        self._timer.timeout.connect(self.flush)
        self._retry_ms = retry_ms

    @property
    def pending(self) -> bool:
        return self._pending

    def changed(self) -> None:
        self._pending = True
        if not self._timer.isActive():
            self._timer.start(self._interval_ms)

    @Slot()
    def flush(self) -> None:
        self._timer.stop()
        if not self._pending:
            return
        self._pending = False
        content = self._snapshot()
        if content is None:
            self.store.clear()
            failure = None
        else:
            failure = self.store.save(content)
        if failure is not None:
            self._pending = True  # still to be saved: retry until the disk has room again
            self._timer.start(self._retry_ms)
        if failure != self.failure:
            self.failure = failure
            self.sig_state_changed.emit()

    def discard(self) -> None:
        """Forget pending changes and remove the file (the content is safe elsewhere)."""
        self._timer.stop()
        self._pending = False
        self.store.clear()
        if self.failure is not None:
            self.failure = None
            self.sig_state_changed.emit()


def confirm_losing_typed_work(parent: QWidget, autosaver: Autosaver) -> bool:
    """Closing while the typed content could not be kept on this computer: ask first."""
    answer = QMessageBox.warning(
        parent, "st2desk",
        QCoreApplication.translate(
            "Drafts", "What you typed could not be kept on this computer:\n%1\n\n"
            "If you close now it will be lost. Close anyway?").replace("%1", autosaver.failure or ""),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes
