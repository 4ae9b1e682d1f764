"""The window shown when st2desk starts and the database cannot be reached.

It says so in Spanish, keeps trying off the GUI thread every few seconds (and at once on
"Reintentar"), and closes by itself when the database answers, so the sign-in follows
without the person starting st2desk again.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from st2desk.db import Database
from st2desk.failures import user_message

RETRY_MS = 3000


class _Probe(QObject):
    sig_done = Signal(object)  # None when the database answered, else the exception


class WaitForDatabaseDialog(QDialog):
    """Accepted once the database answers; rejected when the person quits."""

    def __init__(self, db: Database, message: str, parent: QWidget | None = None,
                 retry_ms: int = RETRY_MS) -> None:
        super().__init__(parent)
        self.db = db
        self.setObjectName("waitForDatabase")
        self.setWindowTitle(self.tr("No connection"))
        self.setMinimumWidth(480)
        self.message = QLabel(message)
        self.message.setObjectName("waitMessage")
        self.message.setWordWrap(True)
        self.status = QLabel(self.tr("Retrying every few seconds…"))
        self.status.setObjectName("waitStatus")
        self.status.setStyleSheet("color: #666;")
        buttons = QDialogButtonBox()
        self.retry_button: QPushButton = buttons.addButton(
            self.tr("&Retry now"), QDialogButtonBox.ButtonRole.ActionRole)
        self.retry_button.setObjectName("retryButton")
        quit_button = buttons.addButton(self.tr("&Quit"), QDialogButtonBox.ButtonRole.RejectRole)
        quit_button.setObjectName("quitButton")
        self.retry_button.clicked.connect(self.retry)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.status)
        layout.addWidget(buttons, 0, Qt.AlignmentFlag.AlignRight)
        self._probe = _Probe(self)
        self._probe.sig_done.connect(self._probed)
        self._busy = False
        self.attempts = 0
        self._timer = QTimer(self)
        self._timer.setInterval(retry_ms)
        self._timer.timeout.connect(self.retry)
        self._timer.start()

    @Slot()
    def retry(self) -> None:
        if self._busy:
            return
        self._busy = True
        self.attempts += 1
        self.status.setText(self.tr("Trying to connect…"))

        def run() -> None:
            try:
                self.db.reachable()
            except Exception as exc:  # noqa: BLE001 - reported to the GUI thread
                self._probe.sig_done.emit(exc)
            else:
                self._probe.sig_done.emit(None)

        threading.Thread(target=run, name="st2desk-startup-probe", daemon=True).start()

    @Slot(object)
    def _probed(self, exc: BaseException | None) -> None:
        self._busy = False
        if exc is None:
            self._timer.stop()
            self.accept()
            return
        self.message.setText(user_message(exc) or self.message.text())
        self.status.setText(self.tr("Still no connection; retrying every few seconds…"))
