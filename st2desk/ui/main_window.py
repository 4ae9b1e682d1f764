"""Main window: the sections the user's roles allow, idle lock, remembered geometry."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import QEvent, QObject, QSettings, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from st2desk import clock
from st2desk.errors import St2Error
from st2desk.models import Role, Unit
from st2desk.ui import preferences
from st2desk.ui.context import UiContext

IDLE_MINUTES_SETTING = "ui/idle_minutes"
MINIMUM_SIZE = QSize(640, 420)
DEFAULT_IDLE_MINUTES = 10


@dataclass(frozen=True)
class Section:
    key: str
    roles: frozenset[Role]
    factory: str  # "module:Class", imported when first shown (keeps start-up fast)


SECTIONS = (
    Section("new_request", frozenset({Role.PHYSICIAN}), "st2desk.ui.request_form:RequestForm"),
    Section("my_requests", frozenset({Role.PHYSICIAN}), "st2desk.ui.my_requests:MyRequests"),
    Section("inbox", frozenset({Role.SPECIALIST}), "st2desk.ui.inbox:Inbox"),
    Section("appeals", frozenset({Role.APPEALS}), "st2desk.ui.appeals:AppealsInbox"),
    Section("authorizations", frozenset({Role.RECEPTION}),
            "st2desk.ui.authorization_viewer:AuthorizationViewer"),
    Section("reports", frozenset({Role.ADMIN}), "st2desk.ui.reports:ReportsView"),
    Section("paper_capture", frozenset({Role.RECEPTION, Role.ADMIN}),
            "st2desk.ui.paper_capture:PaperCapture"),
    Section("admin", frozenset({Role.ADMIN}), "st2desk.ui.admin:AdminSection"),
)


class _SectionStack(QStackedWidget):
    """Only the section on screen decides how small the window may get (a wide section
    built earlier does not make every other one scroll sideways)."""

    def __init__(self) -> None:
        super().__init__()
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        current = self.currentWidget()
        return current.sizeHint() if current is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        current = self.currentWidget()
        return current.minimumSizeHint() if current is not None else super().minimumSizeHint()


class MainWindow(QMainWindow):
    def __init__(self, ctx: UiContext, *, on_lock: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName("mainWindow")
        # Qt adds the application's name to every window title ("… — st2desk").
        self.setWindowTitle(self.tr("ST2 authorizations"))
        # Usable on a 1,024×600 screen (netbooks at reception) and at 125–150 % scaling:
        # the sections scroll inside the window instead of pushing it past the screen.
        self.setMinimumSize(MINIMUM_SIZE)
        self._on_lock = on_lock
        self.signed_out = False  # closed by "Sign out": the sign-in comes back
        self._widgets: dict[str, QWidget] = {}

        self.nav = QListWidget()
        self.nav.setObjectName("sectionList")
        self.stack = _SectionStack()
        self.stack.setObjectName("sectionStack")
        # A section taller or wider than the window scrolls (Tab scrolls to the field it
        # reaches) instead of leaving buttons off screen.
        self.scroll = QScrollArea()
        self.scroll.setObjectName("sectionScroll")
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(self.stack)
        self.connection_banner = self._banner("connectionBanner", "#fdecea", "#8a1c1c")
        self.clock_banner = self._banner("clockBanner", "#fff4e5", "#7a4a00")
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.setSpacing(4)
        outer.addWidget(self.connection_banner)
        outer.addWidget(self.clock_banner)
        layout = QHBoxLayout()
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.nav)
        layout.addWidget(self.scroll, 1)
        outer.addLayout(layout, 1)
        self.setCentralWidget(central)
        ctx.ops.sig_connection_changed.connect(self._connection_changed)
        ctx.ops.sig_clock_checked.connect(self._clock_checked)
        if not ctx.ops.online:
            self._connection_changed(False)

        self.sections = [s for s in SECTIONS if s.roles & ctx.actor.roles]
        titles = self._titles()
        for index, section in enumerate(self.sections):
            item = QListWidgetItem(titles[section.key])
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            shortcut = QKeySequence(f"Ctrl+{index + 1}")
            item.setToolTip(shortcut.toString(QKeySequence.SequenceFormat.NativeText))
            self.nav.addItem(item)
            self.stack.addWidget(QWidget())  # replaced by the real view when first shown
        self.nav.currentRowChanged.connect(self._show_section)
        self.nav.setVisible(len(self.sections) > 1)  # one section needs no navigation
        # As wide as the longest title in the person's language and font size, no wider.
        metrics = self.nav.fontMetrics()
        self.nav.setFixedWidth(max((metrics.horizontalAdvance(titles[s.key]) for s in self.sections),
                                   default=100) + 2 * metrics.averageCharWidth() + 12)
        self._build_menus()
        self._build_status_bar()

        self._idle_since = time.monotonic()
        self._idle_timer = QTimer(self)
        self._idle_timer.setInterval(15_000)
        self._idle_timer.timeout.connect(self._check_idle)
        self._idle_timer.start()
        QApplication.instance().installEventFilter(self)

        self._restore_geometry()
        if self.sections:
            self.nav.setCurrentRow(0)

    # ------------------------------------------------------------------ banners

    def _banner(self, name: str, background: str, color: str) -> QLabel:
        banner = QLabel()
        banner.setObjectName(name)
        banner.setWordWrap(True)
        banner.setStyleSheet(f"QLabel#{name} {{ background: {background}; color: {color}; "
                             "padding: 6px; border-radius: 3px; font-weight: bold; }")
        banner.hide()
        return banner

    @Slot(bool)
    def _connection_changed(self, online: bool) -> None:
        self.connection_banner.setText(self.tr(
            "No connection to the server — retrying. What you have typed is kept; "
            "actions that need the server will work again when it is back."))
        self.connection_banner.setAccessibleName(self.connection_banner.text())
        self.connection_banner.setVisible(not online)
        if online:
            self.statusBar().showMessage(self.tr("Connection to the server restored."), 8000)
            row = self.nav.currentRow()
            if row >= 0 and self.sections[row].key not in self._widgets:
                self._show_section(row)  # it could not be built while the server was away

    @Slot(object)
    def _clock_checked(self, skew: timedelta) -> None:
        minutes = round(abs(skew).total_seconds() / 60)
        if abs(skew) <= clock.SKEW_WARNING:
            self.clock_banner.hide()
            return
        text = (self.tr("This computer's clock is %1 min behind the server's.") if skew > timedelta(0)
                else self.tr("This computer's clock is %1 min ahead of the server's."))
        self.clock_banner.setText(text.replace("%1", str(minutes)) + " " + self.tr(
            "st2desk records the server's time; ask for this computer's clock to be corrected."))
        self.clock_banner.show()

    # ------------------------------------------------------------------ sections

    def _titles(self) -> dict[str, str]:
        return {
            "new_request": self.tr("New request"),
            "my_requests": self.tr("My requests"),
            "inbox": self.tr("Inbox"),
            "appeals": self.tr("Appeals"),
            "paper_capture": self.tr("Paper capture"),
            "authorizations": self.tr("Authorizations"),
            "reports": self.tr("Reports"),
            "admin": self.tr("Administration"),
        }

    def section_widget(self, key: str) -> QWidget:
        """The view of a section, created on first use."""
        if key not in self._widgets:
            section = next(s for s in self.sections if s.key == key)
            module_name, class_name = section.factory.split(":")
            cls = getattr(importlib.import_module(module_name), class_name)
            widget = cls(self.ctx, self)
            index = self.sections.index(section)
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, widget)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._widgets[key] = widget
        return self._widgets[key]

    def show_section(self, key: str) -> QWidget:
        widget = self.section_widget(key)
        self.nav.setCurrentRow([s.key for s in self.sections].index(key))
        return widget

    @Slot(int)
    def _show_section(self, row: int) -> None:
        if row < 0:
            return
        try:
            widget = self.section_widget(self.sections[row].key)
        except St2Error as exc:
            # A section reads its choices when first built; with the server away it
            # cannot, so say why here and build it when it is shown again.
            placeholder = self.stack.widget(row)
            self.stack.setCurrentWidget(placeholder)
            self._section_failed(placeholder, exc.message)
            return
        self.stack.setCurrentWidget(widget)
        # A section opens at its top: on a short screen the window may have scrolled
        # down for the previous one (its title would be cut off).
        self.scroll.verticalScrollBar().setValue(0)
        self.scroll.horizontalScrollBar().setValue(0)
        if self.isVisible():
            self._focus_section(widget)

    def _focus_section(self, widget: QWidget) -> None:
        """Typing goes to the section at once (after sign-in, Ctrl+1…): its first field, or
        the field the person was in when they left it (`focusWidget` remembers it)."""
        target = widget.focusWidget()
        if (target is None or target is widget or not target.isVisible()
                or isinstance(target, QScrollArea)):
            target = self._first_field(widget) or widget
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    @staticmethod
    def _first_field(widget: QWidget) -> QWidget | None:
        """The section's `first_field()`, or the first visible, enabled field inside it that
        Tab would reach (a scroll area holding the fields is not a field)."""
        first_field = getattr(widget, "first_field", None)
        if callable(first_field):
            return first_field()
        if widget.focusProxy() is not None:
            return widget.focusProxy()
        candidate = widget.nextInFocusChain()
        while candidate is not None and candidate is not widget:
            if (widget.isAncestorOf(candidate) and candidate.isVisible() and candidate.isEnabled()
                    and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
                    and not isinstance(candidate, QScrollArea)):
                return candidate
            candidate = candidate.nextInFocusChain()
        return None

    def _section_failed(self, placeholder: QWidget, message: str) -> None:
        label = placeholder.findChild(QLabel, "sectionError")
        if label is None:
            label = QLabel(placeholder)
            label.setObjectName("sectionError")
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            QVBoxLayout(placeholder).addWidget(label)
        label.setText(message)
        self.statusBar().showMessage(message, 10000)

    # ------------------------------------------------------------------ chrome

    def _build_menus(self) -> None:
        session_menu = self.menuBar().addMenu(self.tr("&Session"))
        lock = QAction(self.tr("&Lock now"), self)
        lock.setShortcut(QKeySequence("Ctrl+L"))
        lock.triggered.connect(self.lock)
        settings = QAction(self.tr("&Settings…"), self)
        settings.setShortcut(QKeySequence("Ctrl+,"))
        settings.triggered.connect(self._open_settings)
        sign_out = QAction(self.tr("Sign &out / switch user"), self)
        sign_out.setShortcut(QKeySequence("Ctrl+Shift+Q"))
        sign_out.triggered.connect(self.sign_out)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        password = QAction(self.tr("Change my &password…"), self)
        password.setObjectName("changePasswordAction")
        password.triggered.connect(self.change_password)
        for action in (lock, password, settings, sign_out, quit_action):
            session_menu.addAction(action)
        if Role.ADMIN in self.ctx.actor.roles:
            backup = QAction(self.tr("&Back up the database…"), self)
            backup.setObjectName("backupAction")
            backup.triggered.connect(self.back_up)
            session_menu.insertAction(sign_out, backup)
        go_menu = self.menuBar().addMenu(self.tr("&Go"))
        titles = self._titles()
        for index, section in enumerate(self.sections[:9]):
            action = QAction(titles[section.key], self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, row=index: self.nav.setCurrentRow(row))
            go_menu.addAction(action)
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        shortcuts = QAction(self.tr("&Keyboard shortcuts"), self)
        shortcuts.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        shortcuts.triggered.connect(self.show_shortcuts)
        help_menu.addAction(shortcuts)
        about = QAction(self.tr("&About st2desk"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _build_status_bar(self) -> None:
        try:
            unit = self.ctx.ops.read(lambda s: s.get(Unit, self.ctx.actor.unit_id))
        except St2Error:
            unit = None  # the connection banner says why
        # The person and their unit; the database engine means nothing to them.
        text = self.tr("%1 · %2").replace("%1", self.ctx.actor.username).replace(
            "%2", f"{unit.code} {unit.name}" if unit else "")
        label = QLabel(text)
        label.setObjectName("statusUser")
        self.statusBar().addPermanentWidget(label)

    def _open_settings(self) -> None:
        from st2desk.ui.settings_dialog import SettingsDialog

        SettingsDialog(self).exec()

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(what, keys) of the window's actions and of the section on screen."""
        rows: list[tuple[str, str]] = []
        seen: set[tuple[str, str]] = set()
        current = self.stack.currentWidget()
        for owner in (self, current):
            if owner is None:
                continue
            for action in owner.findChildren(QAction):
                keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
                text = action.text().replace("&", "").rstrip("…").strip()
                if keys and text and (text, keys) not in seen:
                    seen.add((text, keys))
                    rows.append((text, keys))
        return rows

    @Slot()
    def show_shortcuts(self) -> None:
        from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem

        dialog = QDialog(self)
        dialog.setObjectName("shortcutsDialog")
        dialog.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = self.shortcut_rows()
        table = QTableWidget(len(rows), 2, dialog)
        table.setObjectName("shortcutsTable")
        table.setHorizontalHeaderLabels([self.tr("Action"), self.tr("Keys")])
        table.verticalHeader().hide()
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (text, keys) in enumerate(rows):
            table.setItem(row, 0, QTableWidgetItem(text))
            table.setItem(row, 1, QTableWidgetItem(keys))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        dialog.resize(520, 480)
        dialog.open()
        self._shortcuts_dialog = dialog

    def _about(self) -> None:
        from st2desk import __version__

        QMessageBox.about(self, self.tr("About st2desk"), self.tr(
            "st2desk %1\nST2 medical-service authorization for IMSS units.").replace(
            "%1", __version__))

    @Slot()
    def change_password(self) -> None:
        """Session ▸ Change my password… (every role): ui/admin/password.py."""
        from st2desk.ui.admin.password import ChangePasswordDialog

        dialog = ChangePasswordDialog(self.ctx, self)
        dialog.accepted.connect(lambda: self.statusBar().showMessage(
            self.tr("Your password was changed."), 10000))
        self._password_dialog = dialog
        dialog.open()

    @Slot()
    def back_up(self) -> None:
        """Session ▸ Back up…: the Administration section's backup (ui/admin/backup.py)."""
        from st2desk.ui.admin.backup import back_up

        back_up(self.ctx, self, lambda message: self.statusBar().showMessage(message, 15000))

    @Slot()
    def sign_out(self) -> None:
        """Close this person's window (forms keep what was typed, as on quitting) so that
        someone else can sign in on a shared computer (`app.run` shows the sign-in again)."""
        self.signed_out = True
        if not self.close():
            self.signed_out = False

    # ------------------------------------------------------------------ idle lock

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                            QEvent.Type.MouseMove, QEvent.Type.Wheel):
            self._idle_since = time.monotonic()
        return False

    def idle_limit_seconds(self) -> float:
        minutes = preferences.value(IDLE_MINUTES_SETTING, DEFAULT_IDLE_MINUTES, int)
        return max(1, int(minutes)) * 60

    @Slot()
    def _check_idle(self) -> None:
        if time.monotonic() - self._idle_since >= self.idle_limit_seconds():
            self.lock()

    @Slot()
    def lock(self) -> None:
        """Hide the data and ask for the password again; open forms stay as they are."""
        if self._on_lock is None:
            return
        self._idle_timer.stop()
        self.centralWidget().setVisible(False)
        try:
            unlocked = self._on_lock()
        finally:
            self.centralWidget().setVisible(True)
            self._idle_since = time.monotonic()
            self._idle_timer.start()
        if not unlocked:
            self.close()

    # ------------------------------------------------------------------ geometry

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry = settings.value("ui/main_geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        # After sign-in: the first section's first field, once the window can take focus.
        QTimer.singleShot(0, lambda: self._focus_section(self.stack.currentWidget()))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        for widget in self._widgets.values():
            can_close = getattr(widget, "can_close", None)
            if can_close is not None and not can_close():
                event.ignore()
                return
        QSettings().setValue("ui/main_geometry", self.saveGeometry())
        QApplication.instance().removeEventFilter(self)
        super().closeEvent(event)
