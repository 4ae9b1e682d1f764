"""One small helper through which widgets call the services (CONVENTIONS 4).

Widgets never query: they hand a function of a session to `read`, `write` or
`background`. Errors from the domain (`St2Error`) are shown in Spanish and change
nothing; a successful write emits `sig_data_changed` so other windows refresh.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from st2desk import notify
from st2desk.db import Database
from st2desk.errors import St2Error
from st2desk.models import AuditEvent

T = TypeVar("T")
log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, message: str) -> None:
    """The one place errors reach the user (tests patch QMessageBox)."""
    QMessageBox.warning(parent, QCoreApplication.translate("Operations", "st2desk"), message)


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], signals: _Signals, cancelled: Callable[[], bool]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.cancelled = cancelled

    def run(self) -> None:
        try:
            result = self.fn(lambda done, total: self.signals.progress.emit(done, total),
                             self.cancelled)
        except BaseException as exc:  # noqa: BLE001 - reported to the GUI thread
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)


class Operations(QObject):
    sig_data_changed = Signal(str)
    """Emitted after a write here or on another workstation; the argument names what changed."""

    _sig_notified = Signal(str)

    def __init__(self, db: Database, parent: QObject | None = None, poll_ms: int = 5000) -> None:
        super().__init__(parent)
        self.db = db
        self._pool = QThreadPool.globalInstance()
        self._jobs: set[_Signals] = set()
        self._last_seq = self._current_seq()
        self._stop_listening = threading.Event()
        # Other workstations: PostgreSQL pushes NOTIFY at each commit; otherwise (SQLite)
        # the audit log's last sequence, which moves on every committed change, is polled.
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self._check_external_changes)
        if poll_ms > 0:
            if notify.supports_listen(db.url):
                self._sig_notified.connect(self._check_external_changes)
                threading.Thread(target=self._listen, name="st2desk-listen", daemon=True).start()
                self._poll.setInterval(max(poll_ms, 60_000))  # safety net only
            self._poll.start()

    def _listen(self) -> None:
        try:
            notify.listen(self.db.url, self._sig_notified.emit, self._stop_listening.is_set)
        except Exception as exc:  # noqa: BLE001 - polling still covers us
            log.warning("change notifications unavailable (%s); polling instead", type(exc).__name__)

    def close(self) -> None:
        """Stop listening for other workstations' changes."""
        self._stop_listening.set()
        self._poll.stop()

    # ------------------------------------------------------------------ synchronous

    def read(self, fn: Callable[[Session], T]) -> T:
        """A quick read in a short-lived session (indexed queries only)."""
        with self.db.session() as session:
            return fn(session)

    def write(self, fn: Callable[[Session], T], *, parent: QWidget | None,
              changed: str = "request", show_errors: bool = True) -> T | None:
        """Run one use case in a transaction; show a domain error and return None on failure."""
        try:
            with self.db.transaction() as session:
                result = fn(session)
        except St2Error as exc:
            if show_errors:
                show_error(parent, exc.message)
                return None
            raise
        self._last_seq = self._current_seq()
        self.sig_data_changed.emit(changed)
        return result

    # ------------------------------------------------------------------ background

    def background(self, fn: Callable[[Callable[[int, int], None], Callable[[], bool]], T], *,
                   parent: QWidget | None, label: str, on_done: Callable[[T], None],
                   changed: str | None = None) -> None:
        """Run a long job off the GUI thread with a progress dialog that can cancel it.

        `fn(progress, cancelled)` calls `progress(done, total)` and checks `cancelled()`.
        """
        dialog = QProgressDialog(label, self.tr("Cancel"), 0, 0, parent)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        signals = _Signals()
        self._jobs.add(signals)
        cancelled = {"flag": False}
        dialog.canceled.connect(lambda: cancelled.__setitem__("flag", True))

        def progress(done: int, total: int) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)

        def finished(result: object) -> None:
            dialog.reset()
            dialog.deleteLater()  # one dialog per job; none left behind
            self._jobs.discard(signals)
            if changed:
                self.sig_data_changed.emit(changed)
            on_done(result)  # type: ignore[arg-type]

        def failed(exc: BaseException) -> None:
            dialog.reset()
            dialog.deleteLater()
            self._jobs.discard(signals)
            if isinstance(exc, St2Error):
                show_error(parent, exc.message)
            else:
                log.error("background job failed: %s", "".join(
                    traceback.format_exception_only(type(exc), exc)).strip())
                show_error(parent, self.tr("The operation failed unexpectedly; nothing was changed."))

        signals.progress.connect(progress)
        signals.finished.connect(finished)
        signals.failed.connect(failed)
        self._pool.start(_Job(fn, signals, lambda: cancelled["flag"]))

    def wait_for_jobs(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    # ------------------------------------------------------------------ other workstations

    def _current_seq(self) -> int:
        try:
            with self.db.session() as session:
                return session.scalar(select(func.max(AuditEvent.seq))) or 0
        except Exception:  # noqa: BLE001 - a lost connection must not break the window
            return 0

    @Slot()
    @Slot(str)
    def _check_external_changes(self, _entity: str = "") -> None:
        seq = self._current_seq()
        if seq != self._last_seq:
            self._last_seq = seq
            self.sig_data_changed.emit("external")
