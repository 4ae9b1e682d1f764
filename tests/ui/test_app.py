"""The application's run loop: sign-out brings the sign-in back for the next person."""

from __future__ import annotations

import signal
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from st2desk.ui import app as app_module
from st2desk.ui import failures
from st2desk.ui.main_window import MainWindow


def test_sign_out_then_the_next_person_signs_in(qtbot, db, db_url, cast, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own
    monkeypatch.setattr(failures, "install_excepthook", lambda: None)
    monkeypatch.setattr(signal, "signal", lambda *a: None)
    people = [cast.physician, cast.reception, None]  # the third sign-in is cancelled
    windows: list[MainWindow] = []

    class FakeLogin:
        def __init__(self, *_a, **_k) -> None:
            self.actor = people.pop(0)

        def exec(self) -> QDialog.DialogCode:
            if self.actor is None:
                return QDialog.DialogCode.Rejected
            QTimer.singleShot(50, sign_out_shown)
            return QDialog.DialogCode.Accepted

    def sign_out_shown() -> None:
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible())
        windows.append(window)
        window.sign_out()

    monkeypatch.setattr(app_module, "LoginDialog", FakeLogin)
    assert app_module.run(db_url) == 0
    assert [w.ctx.actor.username for w in windows] == ["medico1", "recepcion1"]
    assert people == []
