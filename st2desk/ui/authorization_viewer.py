"""Reception's authorization viewer: find by number, folio, NSS or scanned code; print; record use.

A barcode scanner "types" the number and presses Enter, so the search box is where the focus
lives: after each search its text stays selected and the next scan replaces it. The status
banner says in one glance whether the patient's authorization can be used today.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from st2desk.errors import NotFound, St2Error
from st2desk.services import authorizations, reception, slips
from st2desk.services.reception import AuthorizationCard, CardState, QueryKind
from st2desk.ui import print_preview, printing
from st2desk.ui.context import UiContext
from st2desk.ui.operations import show_error

ACTION_PRINT = "authorizations.print_slip"
ACTION_PRINT_DIALOG = "authorizations.print_slip_dialog"
ACTION_PREVIEW = "authorizations.preview_slip"
ACTION_RECORD_USE = "authorizations.record_use"
ACTION_CLEAR = "authorizations.clear"

# Banner colours (background, text): green usable, amber not yet, grey used, red/black not usable.
BANNER_COLOURS = {
    CardState.VALID: ("#1b7a3a", "#ffffff"),
    CardState.NOT_YET_VALID: ("#a35a00", "#ffffff"),
    CardState.USED: ("#455a64", "#ffffff"),
    CardState.EXPIRED: ("#b3261e", "#ffffff"),
    CardState.CANCELLED: ("#1f1f1f", "#ffffff"),
}
STATE_TEXT_COLOURS = {
    CardState.VALID: "#1b7a3a",
    CardState.NOT_YET_VALID: "#a35a00",
    CardState.USED: "#455a64",
    CardState.EXPIRED: "#b3261e",
    CardState.CANCELLED: "#1f1f1f",
}


def dmy(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


class AuthorizationViewer(QWidget):
    """Authorizations section of the main window (role reception)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("authorizationViewer")
        self._cards: list[AuthorizationCard] = []
        self._current: AuthorizationCard | None = None
        self._last_query = ""

        self._build_search()
        self._build_results()
        self._build_card()
        self._build_buttons()
        self._build_actions()
        self._layout()
        self._set_results([])
        self._say("")
        ctx.ops.sig_data_changed.connect(self._on_data_changed)
        self.setFocusProxy(self.search_edit)
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------------ building

    def _build_search(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("authorizationSearch")
        self.search_edit.setPlaceholderText(
            self.tr("Authorization number, request folio or NSS — or scan the slip's code"))
        self.search_edit.setClearButtonEnabled(True)
        font = self.search_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.search_edit.setFont(font)
        self.search_edit.setMinimumHeight(34)
        self.search_edit.returnPressed.connect(self.search)
        # On X11 desktops QLineEdit claims Ctrl+U (delete line): keep our shortcuts ours.
        self.search_edit.installEventFilter(self)
        self.search_label = QLabel(self.tr("&Find:"))
        self.search_label.setBuddy(self.search_edit)
        self.find_button = QPushButton(self.tr("Find"))
        self.find_button.setObjectName("findButton")
        self.find_button.setMinimumHeight(34)
        self.find_button.setAutoDefault(False)
        self.find_button.clicked.connect(self.search)
        self.message_label = QLabel()
        self.message_label.setObjectName("searchMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def _build_results(self) -> None:
        self.results_label = QLabel()
        self.results_label.setObjectName("resultsLabel")
        self.results_table = QTableWidget(0, 5)
        self.results_table.setObjectName("authorizationResults")
        self.results_table.setHorizontalHeaderLabels([
            self.tr("Authorization"), self.tr("Patient"), self.tr("Agregado"),
            self.tr("Service"), self.tr("Status")])
        self.results_table.verticalHeader().setVisible(False)
        self.results_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.results_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_table.setTabKeyNavigation(False)
        self.results_table.setAlternatingRowColors(True)
        self.results_table.setWordWrap(False)
        header = self.results_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)
        self.results_table.currentCellChanged.connect(self._on_result_selected)
        self.results_label.setBuddy(self.results_table)

    def _value_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        label.setFont(font)
        return label

    def _field_label(self, text: str) -> QLabel:
        label = QLabel(text)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.15)
        label.setFont(font)
        label.setStyleSheet("QLabel { color: #5f6368; }")
        return label

    def _build_card(self) -> None:
        self.banner = QLabel()
        self.banner.setObjectName("statusBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.setWordWrap(True)
        self.banner.setMinimumHeight(64)
        font = QFont(self.font())
        font.setPointSizeF(max(18.0, font.pointSizeF() * 2.0))
        font.setBold(True)
        self.banner.setFont(font)

        self.number_label = self._value_label("authorizationNumber")
        number_font = QFont(self.font())
        number_font.setPointSizeF(number_font.pointSizeF() * 1.6)
        number_font.setBold(True)
        number_font.setStyleHint(QFont.StyleHint.Monospace)
        number_font.setFamilies(["DejaVu Sans Mono", "Consolas", "Courier New", "monospace"])
        self.number_label.setFont(number_font)

        self.unit_notice = self._value_label("unitNotice")
        self.unit_notice.setStyleSheet(
            "QLabel { background: #fff4e0; color: #6b3e00; border: 1px solid #e0b070;"
            " border-radius: 4px; padding: 6px; }")

        self.patient_value = self._value_label("patientValue")
        patient_font = QFont(self.font())
        patient_font.setPointSizeF(patient_font.pointSizeF() * 1.25)
        patient_font.setBold(True)
        self.patient_value.setFont(patient_font)
        self.nss_value = self._value_label("nssValue")
        self.service_value = self._value_label("serviceValue")
        self.unit_value = self._value_label("performingUnitValue")
        self.issued_value = self._value_label("issuedByValue")
        self.validity_value = self._value_label("validityValue")
        self.note_value = self._value_label("schedulingNoteValue")
        self.folio_value = self._value_label("folioValue")
        self.used_value = self._value_label("usedValue")

        details = QFormLayout()
        details.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        details.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        details.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        details.setHorizontalSpacing(16)
        details.setVerticalSpacing(8)
        details.addRow(self._field_label(self.tr("Patient:")), self.patient_value)
        details.addRow(self._field_label(self.tr("NSS / agregado:")), self.nss_value)
        details.addRow(self._field_label(self.tr("Service:")), self.service_value)
        details.addRow(self._field_label(self.tr("Performing unit:")), self.unit_value)
        details.addRow(self._field_label(self.tr("Authorized by:")), self.issued_value)
        details.addRow(self._field_label(self.tr("Validity:")), self.validity_value)
        details.addRow(self._field_label(self.tr("Scheduling note:")), self.note_value)
        details.addRow(self._field_label(self.tr("Request folio:")), self.folio_value)
        details.addRow(self._field_label(self.tr("Use recorded:")), self.used_value)
        self._details = details

        card = QFrame()
        card.setObjectName("authorizationCard")
        card.setStyleSheet("QFrame#authorizationCard { background: palette(base);"
                           " border: 1px solid palette(mid); border-radius: 5px; }")
        layout = QVBoxLayout(card)
        layout.setContentsMargins(0, 0, 0, 12)
        layout.setSpacing(10)
        layout.addWidget(self.banner)
        # The banner always shows; the details scroll when the window is small.
        body = QWidget()
        body.setObjectName("authorizationDetails")
        body.setStyleSheet("QWidget#authorizationDetails { background: transparent; }")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(16, 4, 16, 0)
        inner.setSpacing(10)
        inner.addWidget(self.number_label)
        inner.addWidget(self.unit_notice)
        inner.addLayout(details)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setObjectName("authorizationDetailsScroll")
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setStyleSheet("QScrollArea { background: transparent; }")
        scroll.viewport().setAutoFillBackground(False)
        layout.addWidget(scroll, 1)

        self.placeholder = QLabel(self.tr(
            "Scan the code on the patient's slip, or type the authorization number, the request "
            "folio or the NSS, and press Enter.") + "\n\n" + self.tr(
            "Ctrl+P prints the slip · Ctrl+Shift+P chooses the printer · Ctrl+U records the use · "
            "Esc clears"))
        self.placeholder.setObjectName("viewerPlaceholder")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("QLabel { color: #6b6b6b; font-size: 13pt; }")

        self.card_stack = QStackedWidget()
        self.card_stack.addWidget(self.placeholder)
        self.card_stack.addWidget(card)
        self.card_frame = card

    def _build_buttons(self) -> None:
        self.print_button = QPushButton(self.tr("&Print slip (Ctrl+P)"))
        self.print_button.setObjectName("printSlipButton")
        self.print_button.setToolTip(self.tr(
            "Print the slip on this workstation's printer (the first time, choose it)"))
        self.print_button.clicked.connect(self.print_slip)
        self.print_dialog_button = QPushButton(self.tr("Print&…"))
        self.print_dialog_button.setObjectName("printSlipDialogButton")
        self.print_dialog_button.setToolTip(self.tr("Choose the printer, then print (Ctrl+Shift+P)"))
        self.print_dialog_button.clicked.connect(self.print_slip_with_dialog)
        self.preview_button = QPushButton(self.tr("Pre&view"))
        self.preview_button.setObjectName("previewSlipButton")
        self.preview_button.setToolTip(self.tr("See the slip as it will print"))
        self.preview_button.clicked.connect(self.preview_slip)
        self.layout_combo = QComboBox()
        self.layout_combo.setObjectName("slipLayoutCombo")
        self.layout_combo.addItem(self.tr("Half-letter sheet"), printing.SlipLayout.HALF_LETTER.value)
        self.layout_combo.addItem(self.tr("Two per letter sheet (cut line)"),
                                  printing.SlipLayout.TWO_PER_LETTER.value)
        self.layout_combo.setToolTip(self.tr("Paper for the slips on this workstation"))
        self.layout_combo.setCurrentIndex(self.layout_combo.findData(printing.slip_layout().value))
        self.layout_combo.currentIndexChanged.connect(self._on_layout_changed)
        self.print_all_button = QPushButton(self.tr("Print &all listed"))
        self.print_all_button.setObjectName("printAllSlipsButton")
        self.print_all_button.setToolTip(self.tr("Print the slips of every authorization listed"))
        self.print_all_button.clicked.connect(self.print_listed)
        self.save_button = QPushButton(self.tr("Save P&DF…"))
        self.save_button.setObjectName("saveSlipButton")
        self.save_button.setToolTip(self.tr("Save the slip as a PDF file"))
        self.save_button.clicked.connect(self.save_slip)
        self.record_button = QPushButton(self.tr("Record &use (Ctrl+U)"))
        self.record_button.setObjectName("recordUseButton")
        self.record_button.setToolTip(
            self.tr("The patient presented and the service was performed"))
        self.record_button.clicked.connect(self.record_use)
        self.clear_button = QPushButton(self.tr("&Clear (Esc)"))
        self.clear_button.setObjectName("clearButton")
        self.clear_button.setToolTip(self.tr("Clear and search again"))
        self.clear_button.clicked.connect(self.clear)
        for button in (self.print_button, self.print_dialog_button, self.preview_button,
                       self.print_all_button, self.save_button, self.record_button,
                       self.clear_button):
            button.setAutoDefault(False)
            button.setMinimumHeight(32)

    def _build_actions(self) -> None:
        def action(ident: str, text: str, shortcut: QKeySequence | str, slot) -> QAction:  # type: ignore[no-untyped-def]
            act = QAction(text, self)
            act.setObjectName(ident)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.print_action = action(ACTION_PRINT, self.tr("Print slip"), "Ctrl+P", self.print_slip)
        self.print_dialog_action = action(ACTION_PRINT_DIALOG, self.tr("Print slip…"),
                                          "Ctrl+Shift+P", self.print_slip_with_dialog)
        self.record_action = action(ACTION_RECORD_USE, self.tr("Record use"), "Ctrl+U",
                                    self.record_use)
        self.clear_action = action(ACTION_CLEAR, self.tr("Clear"), "Escape", self.clear)

    def _layout(self) -> None:
        search_row = QHBoxLayout()
        search_row.setSpacing(8)
        search_row.addWidget(self.search_label)
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.find_button)

        # Two rows, so every button fits a 1,024-px screen at 125 % text: printing above,
        # the reception's own actions below.
        printing = QHBoxLayout()
        printing.setSpacing(8)
        printing.addWidget(self.print_button)
        printing.addWidget(self.print_dialog_button)
        printing.addWidget(self.preview_button)
        printing.addWidget(self.layout_combo)
        printing.addStretch(1)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.print_all_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.clear_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(8)
        layout.addLayout(search_row)
        layout.addWidget(self.message_label)
        layout.addWidget(self.results_label)
        layout.addWidget(self.results_table)
        layout.addWidget(self.card_stack, 1)
        layout.addLayout(printing)
        layout.addLayout(buttons)

        QWidget.setTabOrder(self.search_edit, self.find_button)
        QWidget.setTabOrder(self.find_button, self.results_table)
        QWidget.setTabOrder(self.results_table, self.print_button)
        QWidget.setTabOrder(self.print_button, self.print_dialog_button)
        QWidget.setTabOrder(self.print_dialog_button, self.preview_button)
        QWidget.setTabOrder(self.preview_button, self.layout_combo)
        QWidget.setTabOrder(self.layout_combo, self.print_all_button)
        QWidget.setTabOrder(self.print_all_button, self.save_button)
        QWidget.setTabOrder(self.save_button, self.record_button)
        QWidget.setTabOrder(self.record_button, self.clear_button)

    # ------------------------------------------------------------------ searching

    @Slot()
    def search(self) -> None:
        text = self.search_edit.text().strip()
        if not text:
            self._say(self.tr("Type an authorization number, a request folio or an NSS, "
                              "or scan the slip's code."), error=True)
            return
        try:
            result = self.ctx.ops.read(lambda s: reception.find(s, self.ctx.actor, text))
        except St2Error as exc:
            self._set_results([])
            self._show_card(None)
            self._say(exc.message, error=True)
            QApplication.beep()
            self._ready_for_next_scan()
            return
        self._last_query = result.query
        if result.kind is QueryKind.PAYLOAD:
            # Show the number, not the long payload, so the box reads sensibly.
            self.search_edit.setText(result.query)
        self._set_results(result.cards)
        if result.warning:
            # The database's record is shown; the code in the patient's hands is suspect.
            self._say(self.tr("Warning: the scanned code could not be verified. %1 What is shown "
                              "is the authorization as registered.").replace("%1", result.warning),
                      error=True)
            QApplication.beep()
        if len(result.cards) == 1:
            if not result.warning:
                self._say("")
            self._ready_for_next_scan()
        else:
            what = (self.tr("%1 authorizations for NSS %2, newest first. Choose one with the "
                            "arrow keys.") if result.kind is QueryKind.NSS
                    else self.tr("%1 authorizations found, newest first. Choose one with the "
                                 "arrow keys."))
            self._say(what.replace("%1", str(len(result.cards))).replace("%2", result.query))
            self.results_table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _ready_for_next_scan(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.search_edit.selectAll()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet("QLabel { color: #b3261e; font-weight: bold; }" if error
                                         else "QLabel { color: palette(window-text); }")
        self.message_label.setVisible(bool(text))

    def _set_results(self, cards: list[AuthorizationCard], keep_id: int | None = None) -> None:
        self._cards = cards
        table = self.results_table
        several = len(cards) > 1
        table.blockSignals(True)
        table.setRowCount(len(cards))
        for row, card in enumerate(cards):
            status = QTableWidgetItem(self.state_text(card))
            status.setForeground(QColor(STATE_TEXT_COLOURS[card.state]))
            bold = status.font()
            bold.setBold(True)
            status.setFont(bold)
            cells = [QTableWidgetItem(card.number), QTableWidgetItem(card.patient_name),
                     QTableWidgetItem(card.agregado),
                     QTableWidgetItem(f"{card.service_code} — {card.service_name}"), status]
            for column, item in enumerate(cells):
                table.setItem(row, column, item)
        table.blockSignals(False)
        table.resizeColumnsToContents()
        visible_rows = min(len(cards), 5)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
                             + sum(table.rowHeight(r) for r in range(visible_rows)))
        table.setVisible(several)
        self.print_all_button.setVisible(several)
        self.print_all_button.setText(self.tr("Print &all listed (%1)").replace("%1", str(len(cards))))
        self.results_label.setVisible(several)
        self.results_label.setText(self.tr("&Results:"))
        if not cards:
            self._show_card(None)
            return
        row = next((i for i, c in enumerate(cards) if c.id == keep_id), 0)
        table.setCurrentCell(row, 0)
        self._show_card(cards[row])

    @Slot(int, int, int, int)
    def _on_result_selected(self, row: int, _column: int, _prev_row: int, _prev_column: int) -> None:
        if 0 <= row < len(self._cards):
            self._show_card(self._cards[row])

    # ------------------------------------------------------------------ the card

    def state_text(self, card: AuthorizationCard) -> str:
        """The status in a sentence, for the results list."""
        when = dmy(card.state_date)
        if card.state is CardState.VALID:
            return self.tr("Valid until %1").replace("%1", when)
        if card.state is CardState.NOT_YET_VALID:
            return self.tr("Not yet valid (from %1)").replace("%1", when)
        if card.state is CardState.USED:
            return self.tr("Used on %1").replace("%1", when) if when else self.tr("Used")
        if card.state is CardState.EXPIRED:
            return self.tr("Expired on %1").replace("%1", when)
        return self.tr("Cancelled")

    def banner_text(self, card: AuthorizationCard) -> str:
        when = dmy(card.state_date)
        if card.state is CardState.VALID:
            return self.tr("VALID until %1").replace("%1", when)
        if card.state is CardState.NOT_YET_VALID:
            return self.tr("NOT YET VALID — from %1").replace("%1", when)
        if card.state is CardState.USED:
            return self.tr("USED on %1").replace("%1", when) if when else self.tr("USED")
        if card.state is CardState.EXPIRED:
            return self.tr("EXPIRED on %1").replace("%1", when)
        return self.tr("CANCELLED")

    def _show_card(self, card: AuthorizationCard | None) -> None:
        self._current = card
        has = card is not None
        # A slip is a promise of service: it is printed only while the authorization can be
        # honoured, and a use is recorded only once, at the performing unit.
        printable = has and card.state in (CardState.VALID, CardState.NOT_YET_VALID)
        recordable = has and card.can_record_use
        for widget in (self.print_button, self.print_dialog_button, self.preview_button,
                       self.save_button):
            widget.setEnabled(printable)
        self.record_button.setEnabled(recordable)
        self.print_action.setEnabled(printable)
        self.print_dialog_action.setEnabled(printable)
        self.record_action.setEnabled(recordable)
        if card is None:
            self.card_stack.setCurrentWidget(self.placeholder)
            return
        background, foreground = BANNER_COLOURS[card.state]
        text = self.banner_text(card)
        self.banner.setText(text)
        self.banner.setAccessibleName(text)
        self.banner.setStyleSheet(
            f"QLabel {{ background: {background}; color: {foreground}; padding: 10px;"
            " border-top-left-radius: 4px; border-top-right-radius: 4px; }")
        self.number_label.setText(card.number)
        self.patient_value.setText(card.patient_name)
        self.nss_value.setText(f"{card.nss}  ·  {card.agregado}" if card.agregado else card.nss)
        self.service_value.setText(f"{card.service_code} — {card.service_name}")
        self.unit_value.setText(f"{card.performing_unit_code} — {card.performing_unit_name}")
        self.issued_value.setText(self.tr("%1, on %2").replace("%1", card.issued_by)
                                  .replace("%2", dmy(card.issued_on)))
        validity = self.tr("from %1 to %2").replace("%1", dmy(card.valid_from)).replace(
            "%2", dmy(card.valid_until))
        if card.retroactive:
            validity += "  " + self.tr("(retroactive: emergency performed before authorization)")
        self.validity_value.setText(validity)
        self.note_value.setText(card.scheduling_note or "—")
        self.folio_value.setText(card.folio)
        used = card.used_on is not None
        self.used_value.setText(self.tr("%1, by %2").replace("%1", dmy(card.used_on))
                                .replace("%2", card.used_by) if used else "")
        self._details.setRowVisible(self.used_value, used)
        self.unit_notice.setText(self.tr(
            "This authorization is for %1: the patient presents there, and the use is recorded "
            "there. Here you can print the slip.").replace("%1", card.performing_unit_code))
        self.unit_notice.setVisible(not card.for_my_unit)
        self.card_stack.setCurrentWidget(self.card_frame)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.search_edit and event.type() == QEvent.Type.ShortcutOverride:
            pressed = QKeySequence(QKeyCombination(event.modifiers(), Qt.Key(event.key())))  # type: ignore[attr-defined]
            if any(act.shortcut().matches(pressed) == QKeySequence.SequenceMatch.ExactMatch
                   for act in (self.print_action, self.print_dialog_action, self.record_action)):
                event.ignore()  # not the line edit's: let the shortcut map have it
                return True
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        """Coming to this section puts the cursor in the search box, ready for a scan."""
        super().showEvent(event)
        QTimer.singleShot(0, self, self._focus_search)

    @Slot()
    def _focus_search(self) -> None:
        if not self.isVisible():
            return
        if len(self._cards) > 1:
            self.results_table.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._ready_for_next_scan()

    @property
    def current(self) -> AuthorizationCard | None:
        return self._current

    # ------------------------------------------------------------------ actions

    def _slip_bytes(self, number: str) -> bytes | None:
        """The slip's PDF, signed on first print (hence a write); audited once it is out."""
        return self.ctx.ops.write(lambda s: slips.slip_pdf(s, self.ctx.actor, number),
                                  parent=self, changed="slip")

    def _record_output(self, numbers: list[str], how: str, where: str) -> None:
        def record(session) -> None:  # type: ignore[no-untyped-def]
            for number in numbers:
                slips.record_slip_output(session, self.ctx.actor, number, how=how, printer=where)

        self.ctx.ops.write(record, parent=self, changed="slip")

    @Slot(int)
    def _on_layout_changed(self, _index: int) -> None:
        printing.set_slip_layout(printing.SlipLayout(self.layout_combo.currentData()))

    def _print(self, *, ask: bool) -> None:
        card = self._current
        if card is None:
            return
        data = self._slip_bytes(card.number)
        if data is None:
            return
        purpose = printing.slip_purpose()
        printer = printing.printer_for(self, purpose, ask=ask)
        if printer is None:
            self._say(self.tr("Printing cancelled; nothing was printed."))
            return
        try:
            # Two per letter: one keystroke fills both halves (the patient's copy and the
            # unit's), never a sheet with an empty half.
            printing.print_documents(printer, [data] * purpose.per_sheet,
                                     per_sheet=purpose.per_sheet)
        except printing.PrintFailed as exc:
            show_error(self, exc.message)
            self._say(self.tr("The slip was not printed."), error=True)
            return
        where = printing.printer_label(printer)
        self._record_output([card.number], "printer", where)
        self._say(self.tr("Slip %1 sent to %2.").replace("%1", card.number).replace("%2", where))
        self._ready_for_next_scan()

    @Slot()
    def print_slip(self) -> None:
        """One keystroke: the workstation's printer (the print dialog only the first time)."""
        self._print(ask=False)

    @Slot()
    def print_slip_with_dialog(self) -> None:
        self._print(ask=True)

    @Slot()
    def preview_slip(self) -> None:
        card = self._current
        if card is None:
            return
        data = self._slip_bytes(card.number)
        if data is None:
            return

        def printed(printer) -> None:  # type: ignore[no-untyped-def]
            where = printing.printer_label(printer)
            self._record_output([card.number], "printer", where)
            self._say(self.tr("Slip %1 sent to %2.").replace("%1", card.number).replace("%2", where))

        purpose = printing.slip_purpose()
        try:
            printing.preview(self, [data] * purpose.per_sheet, purpose, printed)
        except printing.PrintFailed as exc:
            show_error(self, exc.message)

    @Slot()
    def print_listed(self) -> None:
        """Every slip in the results list, in one job, off the GUI thread."""
        numbers = [card.number for card in self._cards]
        if not numbers:
            return
        documents: list[bytes] = []
        for number in numbers:
            data = self._slip_bytes(number)
            if data is None:
                return
            documents.append(data)
        purpose = printing.slip_purpose()
        printer = printing.printer_for(self, purpose)
        if printer is None:
            return
        where = printing.printer_label(printer)

        def job(progress, cancelled) -> int:  # type: ignore[no-untyped-def]
            return printing.print_documents(printer, documents, per_sheet=purpose.per_sheet,
                                            total=len(documents), progress=progress,
                                            cancelled=cancelled)

        def done(count: int) -> None:
            self._record_output(numbers, "printer", where)
            self._say(self.tr("%1 slips sent to %2.").replace("%1", str(count)).replace("%2", where))

        self.ctx.ops.background(job, parent=self, label=self.tr("Printing slips…"), on_done=done)

    @Slot()
    def save_slip(self) -> None:
        card = self._current
        if card is None:
            return
        data = self._slip_bytes(card.number)
        if data is not None:
            path = print_preview.save_pdf(data, f"comprobante-{card.number}", self)
            if path is not None:
                self._record_output([card.number], "pdf", str(path))
                self._say(self.tr("Slip saved in %1.").replace("%1", str(path)))

    @Slot()
    def record_use(self) -> None:
        card = self._current
        if card is None:
            return
        if card.can_record_use:
            answer = QMessageBox.question(
                self, self.tr("Record use"),
                self.tr("Record that %1 presented and the service “%2” was performed?\n\n"
                        "Authorization %3. This cannot be undone.")
                .replace("%1", card.patient_name).replace("%2", card.service_name)
                .replace("%3", card.number),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.Yes)  # Ctrl+U, Enter: confirmed; Esc: not
            if answer != QMessageBox.StandardButton.Yes:
                return
        # Not usable here (expired, used, another unit…): the service refuses and says why.
        done = self.ctx.ops.write(
            lambda s: authorizations.record_use(s, self.ctx.actor, card.id,
                                                expected_version=card.version),
            parent=self, changed="authorization")
        if done is not None:
            self._say(self.tr("Use of %1 recorded.").replace("%1", card.number))
        self.refresh()
        self._ready_for_next_scan()

    @Slot()
    def clear(self) -> None:
        self.search_edit.clear()
        self._last_query = ""
        self._set_results([])
        self._say("")
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # ------------------------------------------------------------------ refresh

    @Slot(str)
    def _on_data_changed(self, _what: str) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Re-read what is shown (a change here or on another workstation)."""
        if not self._cards:
            return
        keep = self._current.id if self._current else None
        try:
            if len(self._cards) > 1 and self._last_query:
                result = self.ctx.ops.read(
                    lambda s: reception.find(s, self.ctx.actor, self._last_query))
                cards = result.cards
            elif keep is not None:
                cards = [self.ctx.ops.read(lambda s: reception.card(s, self.ctx.actor, keep))]
            else:
                return
        except NotFound:
            cards = []
        except St2Error as exc:
            self._say(exc.message, error=True)
            return
        focus = QApplication.focusWidget()
        self._set_results(cards, keep_id=keep)
        if focus is not None and focus.isVisible():
            focus.setFocus(Qt.FocusReason.OtherFocusReason)
