"""The way from the patient screens to staff: a hidden corner gesture, then a PIN, then a small menu.

Nothing of a patient is reachable this way: the patient's sitting is ended before the menu opens.
Five wrong PINs lock the pad for five minutes, counted in the database so a restart does not reset it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.patient.base import TOUCH_HEIGHT
from kiosk.ui.patient.window import PatientWindow
from kiosk.ui.widgets.pin_pad import PinPadDialog

if TYPE_CHECKING:
    from kiosk.services.permissions import StaffIdentity

log = logging.getLogger(__name__)


class StaffMenu(QDialog):
    """What a staff member may do at the tablet after the PIN.

    Signals:
        console_requested: open the staff console.
        exit_requested: leave kiosk mode (close the kiosk).
    """

    console_requested = Signal()
    exit_requested = Signal()

    def __init__(self, identity: StaffIdentity, parent: QWidget | None = None, *, console: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle("Staff")
        self.setModal(True)
        layout = QVBoxLayout(self)
        greeting = QLabel(f"Signed in as {identity.display_name}.")
        greeting.setAccessibleName(greeting.text())
        layout.addWidget(greeting)
        self.buttons: dict[str, QPushButton] = {}
        entries: list[tuple[str, Callable[[], None]]] = []
        if console:
            entries.append(("Open the staff console", self.console_requested.emit))
        entries += [("Leave kiosk mode", self.exit_requested.emit), ("Back to the kiosk", self.reject)]
        for text, action in entries:
            button = QPushButton(text)
            button.setAccessibleName(text)
            button.setMinimumHeight(TOUCH_HEIGHT)
            button.clicked.connect(action)
            button.clicked.connect(self.accept if text != "Back to the kiosk" else self.reject)
            layout.addWidget(button)
            self.buttons[text] = button


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
        pad.setWindowTitle("Staff PIN")
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
            self.pad.show_error("The PIN could not be checked. Please try again or restart the tablet.")

    def _on_pin_accepted(self, identity: StaffIdentity) -> None:
        if self.pad is not None:
            self.pad.accept()
            self.pad = None
        # Nothing of the patient who was at the tablet stays on screen once staff take over.
        self.window.end_sitting()
        self.unlocked.emit(identity)
        menu = StaffMenu(identity, self.window, console=self.console_available)
        menu.exit_requested.connect(self._on_menu_exit_requested)
        menu.console_requested.connect(lambda: self.console_requested.emit(identity))
        self.menu = menu
        menu.open()

    @Slot()
    def _on_menu_exit_requested(self) -> None:
        self.window.allow_close = True
        self.window.close()
