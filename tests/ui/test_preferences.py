"""Issue 13 (10): on a shared computer the preferences are the person's, not the machine's."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from st2desk.ui import file_dialogs, i18n
from st2desk.ui.main_window import MainWindow
from st2desk.ui.settings_dialog import SettingsDialog


def choose(qtbot, window: MainWindow, language: str, minutes: int) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(window)
    qtbot.addWidget(dialog)
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData(language))
    dialog.idle_spin.setValue(minutes)
    dialog.accept()


def open_window(qtbot, make_ctx, actor) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(make_ctx(actor))
    qtbot.addWidget(window)
    return window


def test_each_person_keeps_their_own_preferences_on_one_workstation(
        qtbot, make_ctx, cast, tmp_path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "expedientes"
    folder.mkdir()
    first = open_window(qtbot, make_ctx, cast.reception)
    choose(qtbot, first, "en", 3)
    file_dialogs.remember_folder("pdf", str(folder / "comprobante.pdf"))
    assert first.idle_limit_seconds() == 180 and i18n.current_language() == "en"

    second = open_window(qtbot, make_ctx, cast.physician)  # the next person at that desk
    assert second.idle_limit_seconds() == 600
    assert i18n.current_language() == "es_MX"
    assert file_dialogs.start_folder("pdf") != str(folder)
    choose(qtbot, second, "es_MX", 25)

    again = open_window(qtbot, make_ctx, cast.reception)
    assert again.idle_limit_seconds() == 180 and i18n.current_language() == "en"
    assert file_dialogs.start_folder("pdf") == str(folder)
    assert open_window(qtbot, make_ctx, cast.physician).idle_limit_seconds() == 25 * 60


def test_a_workstation_value_from_before_is_everyones_default(qtbot, make_ctx, cast):  # type: ignore[no-untyped-def]
    QSettings().setValue("ui/idle_minutes", 7)  # set when preferences were per computer
    window = open_window(qtbot, make_ctx, cast.reception)
    assert window.idle_limit_seconds() == 7 * 60
    choose(qtbot, window, "es_MX", 12)
    assert open_window(qtbot, make_ctx, cast.physician).idle_limit_seconds() == 7 * 60
