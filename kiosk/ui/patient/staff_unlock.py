"""The way from the patient screens to staff: a hidden corner gesture, then a PIN, then a small menu.

Nothing of a patient is reachable this way: the patient's sitting is ended before the menu opens.
Five wrong PINs lock the pad for five minutes, counted in the database so a restart does not reset it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.i18n import tr
from kiosk.ui.patient.base import button, fit_height, label, set_label
from kiosk.ui.patient.window import PatientWindow
from kiosk.ui.theme import ButtonRole, TextRole
from kiosk.ui.widgets.pin_pad import PinPadDialog

if TYPE_CHECKING:
    from kiosk.services.permissions import StaffIdentity

log = logging.getLogger(__name__)


_BACKDROP = QColor(24, 30, 34)
"""Opaque, as the idle overlay's: nothing of the screen under the menu shows through, so it reads as one panel."""


class StaffMenu(QWidget):
    """What a staff member may do at the tablet after the PIN: a card over a dimmed backdrop that covers the
    patient screens (the header stays, so its language and text-size buttons still work for the menu too).

    `buttons` is keyed by the English label, whatever language is shown.

    Signals:
        console_requested: open the staff console.
        exit_requested: leave kiosk mode (close the kiosk).
        closed: the menu was closed ("Back to the kiosk" or one of the other choices).
    """

    console_requested = Signal()
    exit_requested = Signal()
    closed = Signal()

    def __init__(self, identity: StaffIdentity, host: QWidget, *, console: bool) -> None:
        super().__init__(host)
        self._host = host
        self._identity = identity
        self.setObjectName("staffMenu")
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setAutoFillBackground(False)
        self.card = QFrame(self)
        self.card.setObjectName("staffCard")
        self.card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.card.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Minimum)
        self.title = label(TextRole.TITLE)
        self.greeting = label(TextRole.BODY)
        for text in (self.title, self.greeting):
            text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column = QVBoxLayout(self.card)
        column.setContentsMargins(40, 32, 40, 32)
        column.setSpacing(16)
        column.addWidget(self.title)
        column.addWidget(self.greeting)
        column.addSpacing(8)
        self.buttons: dict[str, QPushButton] = {}
        entries: list[tuple[str, Callable[[], None], ButtonRole]] = []
        if console:
            entries.append(("Open the staff console", self.console_requested.emit, ButtonRole.PRIMARY))
        entries += [
            ("Leave kiosk mode", self.exit_requested.emit, ButtonRole.SECONDARY),
            ("Back to the kiosk", lambda: None, ButtonRole.SECONDARY),
        ]
        for key, action, role in entries:
            choice = button(role=role)
            choice.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            choice.clicked.connect(self._close)
            choice.clicked.connect(action)
            column.addWidget(choice)
            self.buttons[key] = choice
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        outer.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        host.installEventFilter(self)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        set_label(self.title, tr("Staff menu"))
        set_label(self.greeting, tr("Signed in as %1.").replace("%1", self._identity.display_name))
        labels = {
            "Open the staff console": tr("Open the staff console"),
            "Leave kiosk mode": tr("Leave kiosk mode"),
            "Back to the kiosk": tr("Back to the kiosk"),
        }
        for key, choice in self.buttons.items():
            set_label(choice, labels[key])
        if self.isVisible():
            self._fit()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            QTimer.singleShot(0, self, self._fit)  # larger text: measured once the labels have their new fonts
        super().changeEvent(event)

    def _fit(self) -> None:
        """Cover the host; the card is as wide as large text needs, never wider than the screen."""
        self.setGeometry(self._host.rect())
        width = max(min(720, self._host.width() - 48), 200)
        self.card.setFixedWidth(width)
        for text in (self.title, self.greeting):
            fit_height(text, width - 80)

    def open(self) -> None:
        """Cover the patient screens and show the card."""
        self._fit()
        self.raise_()
        self.show()

    @Slot()
    def _close(self) -> None:
        self.hide()
        self.closed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self._fit()  # follows a rotation of the tablet
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), _BACKDROP)
        finally:
            painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A tap on the backdrop does not reach Welcome underneath."""
        event.accept()


class StaffUnlock(QObject):
    """Wires the hidden gesture of a PatientWindow to the PIN pad and the staff menu.

    Signals:
        unlocked(object): a StaffIdentity whose PIN was right.
        console_requested(object): that staff member asked for the staff console.
    """

    unlocked = Signal(object)
    console_requested = Signal(object)

    def __init__(self, window: PatientWindow, *, console_available: bool = False) -> None:
        super().__init__(window)
        self.window = window
        self.console_available = console_available
        self.pad: PinPadDialog | None = None
        self.menu: StaffMenu | None = None
        window.staff_requested.connect(self._on_window_staff_requested)

    @Slot()
    def _on_window_staff_requested(self) -> None:
        if self.pad is not None and self.pad.isVisible():
            return
        pad = PinPadDialog(self.window)
        pad.set_texts(
            title=tr("Staff PIN"),
            ok=tr("OK"),
            cancel=tr("Cancel"),
            locked_template=tr("Locked — try again in %1").replace("%1", "{time}"),
        )
        pad.pin_entered.connect(self._on_pad_pin_entered)
        self.pad = pad
        handle = self.window.handle

        def locked_for() -> object:
            from kiosk.services.staff_accounts import pin_pad_locked_for

            return pin_pad_locked_for(handle.get())

        self.window.runner.submit(locked_for, self._on_lock_checked)
        pad.open()

    def _on_lock_checked(self, remaining: object) -> None:
        if self.pad is not None and remaining is not None:
            self.pad.lock_for(int(remaining.total_seconds()) + 1)  # type: ignore[attr-defined]

    @Slot(str)
    def _on_pad_pin_entered(self, pin: str) -> None:
        handle = self.window.handle

        def verify() -> StaffIdentity:
            from kiosk.services.staff_accounts import verify_kiosk_pin

            return verify_kiosk_pin(handle.get(), pin)

        self.window.runner.submit(verify, self._on_pin_accepted, self._on_pin_refused)

    def _on_pin_refused(self, error: Exception) -> None:
        from kiosk.services.staff_accounts import SignInError

        if self.pad is None:
            return
        if isinstance(error, SignInError):
            self.pad.show_error(str(error))
            if error.locked_for is not None:
                self.pad.lock_for(int(error.locked_for.total_seconds()))
        else:
            log.error("Checking a staff PIN failed: %r", error)
            self.pad.show_error(tr("The PIN could not be checked. Please try again or restart the tablet."))

    def _on_pin_accepted(self, identity: StaffIdentity) -> None:
        if self.pad is not None:
            self.pad.accept()
            self.pad = None
        # Nothing of the patient who was at the tablet stays on screen once staff take over.
        self.window.end_sitting()
        self.unlocked.emit(identity)
        if self.menu is not None:
            self.menu.deleteLater()
        menu = StaffMenu(identity, self.window.stack, console=self.console_available)
        menu.exit_requested.connect(self._on_menu_exit_requested)
        menu.console_requested.connect(lambda: self.console_requested.emit(identity))
        menu.closed.connect(self._on_menu_closed)
        self.menu = menu
        menu.open()

    @Slot()
    def _on_menu_closed(self) -> None:
        if self.menu is not None:
            self.menu.deleteLater()
            self.menu = None

    @Slot()
    def _on_menu_exit_requested(self) -> None:
        self.window.allow_close = True
        self.window.close()
