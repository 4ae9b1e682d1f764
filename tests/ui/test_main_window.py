"""Main window: sections by role, keyboard navigation, idle lock, geometry."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from st2desk.ui.main_window import MainWindow


def titles(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


def test_sections_follow_roles(qtbot, make_ctx, cast):
    physician = MainWindow(make_ctx(cast.physician))
    qtbot.addWidget(physician)
    assert [s.key for s in physician.sections] == ["new_request", "my_requests"]
    assert titles(physician) == ["Nueva solicitud", "Mis solicitudes"]
    chief = MainWindow(make_ctx(cast.chief))
    qtbot.addWidget(chief)
    assert [s.key for s in chief.sections] == ["inbox", "appeals"]
    reception = MainWindow(make_ctx(cast.reception))
    qtbot.addWidget(reception)
    assert [s.key for s in reception.sections] == ["authorizations", "paper_capture"]
    assert titles(reception) == ["Autorizaciones", "Captura en papel"]
    admin = MainWindow(make_ctx(cast.admin))
    qtbot.addWidget(admin)
    assert [s.key for s in admin.sections] == ["reports", "paper_capture", "admin"]
    assert titles(admin)[-1] == "Administración"


def test_idle_lock_asks_again_and_keeps_the_window(qtbot, make_ctx, cast):
    asked: list[bool] = []
    window = MainWindow(make_ctx(cast.physician), on_lock=lambda: asked.append(True) or True)
    qtbot.addWidget(window)
    window.show()
    QSettings().setValue("ui/idle_minutes", 1)
    window._idle_since -= 61
    window._check_idle()
    assert asked == [True]
    assert window.isVisible() and window.centralWidget().isVisible()


def test_failed_unlock_closes_the_window(qtbot, make_ctx, cast):
    window = MainWindow(make_ctx(cast.physician), on_lock=lambda: False)
    qtbot.addWidget(window)
    window.show()
    window.lock()
    assert not window.isVisible()


def test_geometry_is_remembered(qtbot, make_ctx, cast):
    window = MainWindow(make_ctx(cast.admin))
    qtbot.addWidget(window)
    window.show()
    window.resize(1234, 777)
    window.close()
    again = MainWindow(make_ctx(cast.admin))
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (1234, 777)


def test_status_bar_names_user_and_unit(qtbot, make_ctx, cast):
    window = MainWindow(make_ctx(cast.reception))
    qtbot.addWidget(window)
    label = window.findChild(QWidget, "statusUser")
    assert "recepcion1" in label.text() and "09HGZ24" in label.text()
    assert "sqlite" not in label.text() and "postgresql" not in label.text()


def test_window_titles_do_not_repeat_the_application_name(qtbot, db, make_ctx, cast):
    """Qt appends "— st2desk" to every title; a title naming it too reads it twice."""
    from st2desk.ui.login import LoginDialog

    windows = [MainWindow(make_ctx(cast.reception)), LoginDialog(db),
               LoginDialog(db, locked_user="recepcion1")]
    for window in windows:
        qtbot.addWidget(window)
        assert "st2desk" not in window.windowTitle().lower(), window.windowTitle()


def test_typing_goes_to_the_sections_first_field_after_sign_in_and_ctrl_number(qtbot, make_ctx, cast):
    ctx = make_ctx(cast.physician)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    form = window.section_widget("new_request")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.patient.nss_edit, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    my_requests = window.section_widget("my_requests")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is my_requests.table, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.patient.nss_edit, timeout=3000)


def test_help_lists_the_keyboard_shortcuts_of_the_section_on_screen(qtbot, make_ctx, cast):
    window = MainWindow(make_ctx(cast.specialist))
    qtbot.addWidget(window)
    window.show()
    from PySide6.QtGui import QKeySequence

    def native(keys: str) -> str:  # as the person's language writes it ("Ctrl+Mayús+A")
        return QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)

    rows = dict((keys, text) for text, keys in window.shortcut_rows())
    assert rows[native("Ctrl+Shift+A")] == "Aprobar" and rows[native("Ctrl+L")] == "Bloquear ahora"
    assert native("Ctrl+1") in rows and native("F1") in rows
    window.show_shortcuts()
    table = window._shortcuts_dialog.findChild(QWidget, "shortcutsTable")
    assert table.rowCount() == len(rows)


def test_sign_out_closes_the_window_for_the_next_person_unless_a_form_refuses(qtbot, make_ctx, cast):
    window = MainWindow(make_ctx(cast.physician))
    qtbot.addWidget(window)
    window.show()
    form = window.section_widget("new_request")
    form.can_close = lambda: False  # e.g. typed work that could not be kept, and "No"
    window.sign_out()
    assert window.isVisible() and not window.signed_out
    del form.can_close
    window.sign_out()
    assert not window.isVisible() and window.signed_out


def test_an_administrator_backs_up_from_the_window_with_progress(qtbot, db, make_ctx, cast,
                                                                   monkeypatch, tmp_path, messages):
    import sqlite3

    from PySide6.QtWidgets import QFileDialog

    if not db.is_sqlite:
        window = MainWindow(make_ctx(cast.admin))
        qtbot.addWidget(window)
        window.back_up()
        assert "pg_dump" in messages.texts()[-1]
        return
    target = tmp_path / "respaldo.sqlite3"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    ctx = make_ctx(cast.admin)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.findChild(QAction, "backupAction") is not None
    seen: list[tuple[int, int]] = []
    real = ctx.ops.background

    def watched(fn, **kwargs):  # type: ignore[no-untyped-def]
        return real(lambda progress, cancelled: fn(
            lambda d, t: (seen.append((d, t)), progress(d, t)), cancelled), **kwargs)

    monkeypatch.setattr(ctx.ops, "background", watched)
    window.back_up()
    qtbot.waitUntil(lambda: bool(messages.texts()), timeout=20000)
    assert messages.texts()[-1] == f"Respaldo escrito en {target}."
    assert seen and seen[-1][0] == seen[-1][1]
    with sqlite3.connect(target) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    other = MainWindow(make_ctx(cast.physician))
    qtbot.addWidget(other)
    assert other.findChild(QAction, "backupAction") is None
