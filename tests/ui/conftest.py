"""GUI test fixtures: offscreen Qt, Spanish translations, patched message boxes, per-test settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from st2desk.services.common import Actor
from st2desk.ui import i18n, preferences
from st2desk.ui.context import UiContext
from st2desk.ui.operations import Operations


@pytest.fixture(autouse=True)
def _settings(tmp_path, qapp: QApplication) -> Iterator[None]:  # type: ignore[no-untyped-def]
    QApplication.setOrganizationName("st2desk-tests")
    QApplication.setApplicationName("st2desk-tests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    i18n.install(qapp, "es_MX")
    preferences.set_person(None)
    yield
    preferences.set_person(None)


class MessageLog:
    """Message boxes shown during a test; `answer` is returned by question()."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def texts(self) -> list[str]:
        return [text for _kind, text in self.shown]


@pytest.fixture(autouse=True)
def messages(monkeypatch: pytest.MonkeyPatch) -> MessageLog:
    log = MessageLog()

    def record(kind: str):  # type: ignore[no-untyped-def]
        def show(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            log.shown.append((kind, text))
            return log.answer if kind == "question" else QMessageBox.StandardButton.Ok
        return show

    for kind in ("warning", "critical", "information", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    monkeypatch.setattr(QMessageBox, "about", staticmethod(record("about")))
    return log


@pytest.fixture
def make_ctx(db) -> Iterator[Callable[[Actor], UiContext]]:  # type: ignore[no-untyped-def]
    """Build a UiContext for one of the cast's actors (no polling timer)."""
    made: list[Operations] = []

    def make(actor: Actor) -> UiContext:
        ops = Operations(db, poll_ms=0)
        made.append(ops)
        return UiContext(db=db, actor=actor, ops=ops)

    yield make
    for ops in made:
        ops.wait_for_jobs()
        ops.close()
