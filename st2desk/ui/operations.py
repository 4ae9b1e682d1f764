"""One small helper through which widgets call the services (CONVENTIONS 4).

Widgets never query: they hand a function of a session to `read`, `write` or
`background`. Errors from the domain (`St2Error`) are shown in Spanish and change
nothing; a successful write emits `sig_data_changed` so other windows refresh.

Failure is a state (CONVENTIONS 16). Database failures arrive as `StorageUnavailable`
(a St2Error, so every caller that shows domain errors shows these too). When the server
cannot be reached the helper goes offline: `sig_connection_changed(False)` (the main
window shows a banner), later calls fail at once instead of each waiting for a timeout,
and a probe off the GUI thread reconnects every few seconds; back online it emits
`sig_connection_changed(True)` and `sig_data_changed("external")` so views reload. On
SQLite a write that finds another workstation's lock waits in short steps with the wait
shown and a Cancel button, instead of freezing the window.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from st2desk import clock, notify
from st2desk.db import Database, storage_errors
from st2desk.errors import St2Error, StorageUnavailable
from st2desk.failures import UNEXPECTED, user_message
from st2desk.models import AuditEvent

T = TypeVar("T")
log = logging.getLogger(__name__)

RECONNECT_MS = 3000
# SQLite: a write first waits this long for another workstation's lock, then keeps
# trying in steps, showing the wait, up to BUSY_TOTAL_S.
BUSY_FIRST_MS = 300
BUSY_STEP_MS = 250
BUSY_TOTAL_S = 15.0


# A folio or authorization number: UNIT-YEAR-SEQUENCE-CHECK, with an A before a number.
_NUMBER_IN_TEXT = re.compile(r"\b[0-9A-Z]{2,13}-\d{4}-\d{6}-[0-9A-Z]\b")
WORD_JOINER = "\u2060"


def keep_numbers_whole(message: str) -> str:
    """`message` with a word joiner after each hyphen of its folios and numbers, so a
    wrapped line never ends in "…-000001-" with the check character on the next (issue 13,
    item 7). The joiner is invisible, and `numbering.normalize` drops it if copied."""
    return _NUMBER_IN_TEXT.sub(lambda m: m.group(0).replace("-", "-" + WORD_JOINER), message)


def show_error(parent: QWidget | None, message: str) -> None:
    """The one place errors reach the user (tests patch QMessageBox)."""
    QMessageBox.warning(parent, QCoreApplication.translate("Operations", "st2desk"),
                        keep_numbers_whole(message))


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

    sig_connection_changed = Signal(bool)
    """The database became unreachable (False) or reachable again (True)."""

    sig_clock_checked = Signal(object)
    """The server's clock was read; the argument is its lead over this workstation (timedelta)."""

    _sig_notified = Signal(str)
    _sig_probe_done = Signal(object)

    def __init__(self, db: Database, parent: QObject | None = None, poll_ms: int = 5000) -> None:
        super().__init__(parent)
        self.db = db
        self._pool = QThreadPool.globalInstance()
        self._jobs: set[_Signals] = set()
        self._offline: StorageUnavailable | None = None
        self._probing = False
        self._reconnect = QTimer(self)
        self._reconnect.setInterval(RECONNECT_MS)
        self._reconnect.timeout.connect(self.probe)
        self._sig_probe_done.connect(self._probe_done)
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
        def state(connected: bool) -> None:
            # Lost: find out at once whether the server is away (the banner). Back: views
            # reload, since notifications sent meanwhile were missed.
            self._sig_notified.emit(notify.RECONNECTED if connected else notify.LOST)

        try:
            notify.listen(lambda: self.db.connect_url, self._sig_notified.emit, self._stop_listening.is_set,
                          on_state=state)
        except Exception as exc:  # noqa: BLE001 - polling still covers us
            log.warning("change notifications unavailable (%s); polling instead", type(exc).__name__)

    def close(self) -> None:
        """Stop listening for other workstations' changes."""
        self._stop_listening.set()
        self._poll.stop()
        self._reconnect.stop()

    # ------------------------------------------------------------------ connection state

    @property
    def online(self) -> bool:
        return self._offline is None

    def _failed(self, exc: StorageUnavailable) -> None:
        if exc.kind == "offline" and self._offline is None:
            self._offline = exc
            self._reconnect.start()
            self.sig_connection_changed.emit(False)

    def _succeeded(self) -> None:
        if self._offline is not None:
            self._offline = None
            self._reconnect.stop()
            self.sig_connection_changed.emit(True)
            self._last_seq = self._current_seq()
            self.sig_data_changed.emit("external")

    @Slot()
    def probe(self) -> None:
        """Try the database off the GUI thread; the result arrives in `_probe_done`."""
        if self._probing:
            return
        self._probing = True

        def run() -> None:
            try:
                self.db.ping()
                self.db.server_clock_check()
            except Exception as exc:  # noqa: BLE001 - reported to the GUI thread
                self._sig_probe_done.emit(exc)
            else:
                self._sig_probe_done.emit(None)

        threading.Thread(target=run, name="st2desk-probe", daemon=True).start()

    @Slot(object)
    def _probe_done(self, exc: BaseException | None) -> None:
        self._probing = False
        if exc is None:
            self._succeeded()
            self.sig_clock_checked.emit(clock.skew())
        elif isinstance(exc, StorageUnavailable):
            self._failed(exc)
        else:
            log.warning("database probe failed: %s", type(exc).__name__)

    def _guarded(self, call: Callable[[], T]) -> T:
        """Run a database call: fail at once while offline, track the connection state."""
        if self._offline is not None:
            raise StorageUnavailable(self._offline.message, kind=self._offline.kind)
        try:
            with storage_errors():
                result = call()
        except StorageUnavailable as exc:
            self._failed(exc)
            raise
        self._succeeded()
        return result

    # ------------------------------------------------------------------ synchronous

    def read(self, fn: Callable[[Session], T]) -> T:
        """A quick read in a short-lived session (indexed queries only).

        Raises St2Error (StorageUnavailable when the database failed)."""
        def call() -> T:
            with self.db.session() as session:
                return fn(session)

        # The busy cursor shows at once (the window cannot repaint while it waits).
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
        try:
            return self._guarded(call)
        finally:
            QApplication.restoreOverrideCursor()

    def write(self, fn: Callable[[Session], T], *, parent: QWidget | None,
              changed: str = "request", show_errors: bool = True) -> T | None:
        """Run one use case in a transaction; show an error and return None on failure.

        Every failure (domain, database, disk) is a St2Error with a Spanish message."""
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
        try:
            result = self._guarded(lambda: self._write_waiting(fn, parent))
        except St2Error as exc:
            QApplication.restoreOverrideCursor()
            if show_errors:
                show_error(parent, exc.message)
                return None
            raise
        QApplication.restoreOverrideCursor()
        self._last_seq = self._current_seq()
        self.sig_data_changed.emit(changed)
        skew = clock.skew()
        if abs(skew) > clock.SKEW_WARNING:
            self.sig_clock_checked.emit(skew)
        return result

    def _write_waiting(self, fn: Callable[[Session], T], parent: QWidget | None) -> T:
        """One transaction; on SQLite, wait for another workstation's lock with the wait shown."""
        if not self.db.is_sqlite:
            with self.db.transaction() as session:
                return fn(session)
        done, outcome = self._try_write(fn, BUSY_FIRST_MS)
        if done:
            return outcome  # type: ignore[return-value]
        started = time.monotonic()
        dialog = QProgressDialog(self.tr("Another workstation is saving changes; waiting for it…"),
                                 self.tr("Cancel"), 0, int(BUSY_TOTAL_S), parent)
        dialog.setObjectName("busyWaitDialog")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        try:
            while time.monotonic() - started < BUSY_TOTAL_S:
                waited = time.monotonic() - started
                dialog.setValue(int(waited))
                dialog.setLabelText(self.tr(
                    "Another workstation is saving changes; waiting for it… %1 s").replace(
                    "%1", str(int(waited) + 1)))
                QCoreApplication.processEvents()
                if dialog.wasCanceled():
                    break
                done, outcome = self._try_write(fn, BUSY_STEP_MS)
                if done:
                    return outcome  # type: ignore[return-value]
        finally:
            dialog.reset()
            dialog.deleteLater()
        raise outcome  # type: ignore[misc]  # the last "busy" refusal

    def _try_write(self, fn: Callable[[Session], T], busy_ms: int) -> tuple[bool, object]:
        """(True, result), or (False, the busy error) when the lock stayed held `busy_ms`."""
        try:
            with self.db.transaction(busy_ms=busy_ms) as session:
                return True, fn(session)
        except StorageUnavailable as exc:
            if exc.kind != "busy":
                raise
            return False, exc

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
            if total > 1_000_000:  # bytes of a large file: a Qt progress bar holds 32 bits
                done, total = done * 1000 // total, 1000
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
            message = user_message(exc)
            if isinstance(exc, StorageUnavailable):
                self._failed(exc)
            if message is None:
                log.error("background job failed: %s", "".join(
                    traceback.format_exception_only(type(exc), exc)).strip())
                message = UNEXPECTED
            show_error(parent, message)

        signals.progress.connect(progress)
        signals.finished.connect(finished)
        signals.failed.connect(failed)
        self._pool.start(_Job(fn, signals, lambda: cancelled["flag"]))

    def wait_for_jobs(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    # ------------------------------------------------------------------ other workstations

    def _current_seq(self) -> int | None:
        """The audit log's last sequence, or None when the database cannot be read now."""
        if self._offline is not None:
            return None
        try:
            with storage_errors(), self.db.session() as session:
                return session.scalar(select(func.max(AuditEvent.seq))) or 0
        except StorageUnavailable as exc:
            self._failed(exc)
            return None
        except Exception:  # noqa: BLE001 - a lost connection must not break the window
            return None

    @Slot()
    @Slot(str)
    def _check_external_changes(self, entity: str = "") -> None:
        if entity == notify.LOST:
            self.probe()
            return
        if entity == notify.RECONNECTED:
            self.probe()  # back online: the probe's success reloads the views
        seq = self._current_seq()
        if seq is not None and seq != self._last_seq:
            self._last_seq = seq
            self.sig_data_changed.emit("external")
