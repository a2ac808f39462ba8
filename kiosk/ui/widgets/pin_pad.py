"""The staff PIN prompt reached from the patient kiosk through the hidden corner gesture.

The dialog only collects digits: whether the PIN is right, and how long a lock-out lasts after
wrong tries, is decided by the services layer. The screen answers :attr:`PinPadDialog.pin_entered`
by calling ``accept()``, :meth:`PinPadDialog.show_error` or :meth:`PinPadDialog.lock_for`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QDeadlineTimer, QRegularExpression, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QDialog, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.theme import ButtonRole, TextRole, set_button_role, set_text_role
from kiosk.ui.widgets.number_pad import NumberPad

MAX_PIN_LENGTH = 12

_TOLERANCE_MS = 10
"""A timer may fire a few milliseconds early; that close to the end of a lock-out counts as the end."""


def format_wait(seconds: int) -> str:
    """``299`` -> ``"4:59"``: minutes and seconds, the way a lock-out wait is read aloud."""
    minutes, rest = divmod(max(seconds, 0), 60)
    return f"{minutes}:{rest:02d}"


class PinPadDialog(QDialog):
    """Masked PIN entry with a number pad, "OK" and "Cancel", an error line and a locked state.

    "OK" (or Enter) sends the typed PIN and leaves the dialog open; "Cancel" rejects it. While
    locked, the field, the pad and "OK" are disabled and a live countdown is shown; at the end the
    dialog unlocks itself.

    Signals:
        pin_entered(str): the person confirmed this PIN; the screen checks it.
        unlocked: a lock-out set with lock_for() has run out.
    """

    pin_entered = Signal(str)
    unlocked = Signal()

    def __init__(self, parent: QWidget | None = None, *, minimum_length: int = 4) -> None:
        super().__init__(parent)
        if not 1 <= minimum_length <= MAX_PIN_LENGTH:
            raise ValueError(f"a PIN is 1 to {MAX_PIN_LENGTH} digits long, not at least {minimum_length}")
        self._minimum_length = minimum_length
        self._locked_template = "Locked — try again in {time}"
        self._locked = False
        self._lock_deadline = QDeadlineTimer()
        self._lock_timer = QTimer(self)
        self._lock_timer.setSingleShot(True)
        self._lock_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._lock_timer.timeout.connect(self._on_lock_timer_timeout)
        self.setWindowTitle("Staff PIN")
        self.setModal(True)

        card = QFrame(self)
        card.setObjectName("pinCard")
        card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._title = QLabel("Staff PIN", card)
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_text_role(self._title, TextRole.TITLE)

        self._field = QLineEdit(card)
        self._field.setEchoMode(QLineEdit.EchoMode.Password)
        self._field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._field.setMaxLength(MAX_PIN_LENGTH)
        self._field.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d*"), self._field))
        self._field.setAccessibleName("Staff PIN")
        self._field.textChanged.connect(self._on_field_text_changed)
        self._field.returnPressed.connect(self._on_field_return_pressed)

        self._message = QLabel("", card)
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setWordWrap(True)
        set_text_role(self._message, TextRole.ERROR)
        self._message.hide()

        self._pad = NumberPad(card)
        self._pad.set_target(self._field)

        self._cancel = QPushButton("Cancel", card)
        self._cancel.setAccessibleName("Cancel")
        self._cancel.setMinimumHeight(64)
        self._cancel.setAutoDefault(False)
        self._cancel.clicked.connect(self.reject)
        self._ok = QPushButton("OK", card)
        self._ok.setAccessibleName("OK")
        self._ok.setMinimumHeight(64)
        self._ok.setAutoDefault(False)
        set_button_role(self._ok, ButtonRole.PRIMARY)
        self._ok.clicked.connect(self._on_ok_clicked)

        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addWidget(self._cancel, 1)
        buttons.addWidget(self._ok, 1)

        layout = QVBoxLayout(card)
        layout.setContentsMargins(32, 28, 32, 28)
        layout.setSpacing(14)
        layout.addWidget(self._title)
        layout.addWidget(self._field)
        layout.addWidget(self._message)
        layout.addWidget(self._pad)
        layout.addLayout(buttons)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(card)

        self._update_ok()
        self._field.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- public API -------------------------------------------------------------------------

    def pin(self) -> str:
        """The digits typed so far."""
        return self._field.text()

    def set_texts(self, *, title: str, ok: str, cancel: str, locked_template: str) -> None:
        """Translate the dialog; ``locked_template`` must contain ``{time}`` (shown as m:ss)."""
        if "{time}" not in locked_template:
            raise ValueError("the locked message needs a {time} placeholder for the wait")
        self.setWindowTitle(title)
        self._title.setText(title)
        self._field.setAccessibleName(title)
        self._ok.setText(ok)
        self._ok.setAccessibleName(ok)
        self._cancel.setText(cancel)
        self._cancel.setAccessibleName(cancel)
        self._locked_template = locked_template
        if self.is_locked():
            self._show_lock_message()

    def show_error(self, text: str) -> None:
        """Say what went wrong (e.g. "That PIN is not right") and empty the field for another try."""
        self._field.clear()
        self._message.setText(text)
        self._message.show()
        self._field.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear_error(self) -> None:
        """Hide the error line."""
        self._message.clear()
        self._message.hide()

    def error_text(self) -> str:
        """The message currently shown under the field ("" when none)."""
        return self._message.text() if not self._message.isHidden() else ""

    def lock_for(self, seconds: int) -> None:
        """Refuse entry for ``seconds``, showing "Locked — try again in m:ss" counting down."""
        if seconds <= 0:
            self.unlock()
            return
        self._field.clear()
        self._locked = True
        self._lock_deadline = QDeadlineTimer(seconds * 1000, Qt.TimerType.PreciseTimer)
        self._set_entry_enabled(False)
        self._show_lock_message()
        self._arm_lock_timer()

    def unlock(self) -> None:
        """End a lock-out now (it also ends by itself when the time is up)."""
        was_locked = self._locked
        self._locked = False
        self._lock_timer.stop()
        self._lock_deadline = QDeadlineTimer()
        self._set_entry_enabled(True)
        self.clear_error()
        if was_locked:
            self.unlocked.emit()

    def is_locked(self) -> bool:
        """True during a lock-out."""
        return self._locked

    # ----- internals --------------------------------------------------------------------------

    def _locked_seconds_left(self) -> int:
        return math.ceil(max(self._lock_deadline.remainingTime() - _TOLERANCE_MS, 0) / 1000)

    def _arm_lock_timer(self) -> None:
        """Wake when the shown m:ss next changes (or the lock ends), not on a free-running second."""
        left_ms = max(self._lock_deadline.remainingTime() - _TOLERANCE_MS, 0)
        self._lock_timer.start(left_ms % 1000 or 1000 if left_ms else 0)

    def _show_lock_message(self) -> None:
        self._message.setText(self._locked_template.format(time=format_wait(self._locked_seconds_left())))
        self._message.show()

    def _set_entry_enabled(self, enabled: bool) -> None:
        self._field.setEnabled(enabled)
        self._pad.setEnabled(enabled)
        self._update_ok()

    def _update_ok(self) -> None:
        self._ok.setEnabled(self._field.isEnabled() and len(self._field.text()) >= self._minimum_length)

    @Slot(str)
    def _on_field_text_changed(self, _text: str) -> None:
        self._update_ok()

    @Slot()
    def _on_field_return_pressed(self) -> None:
        if self._ok.isEnabled():
            self._ok.click()

    @Slot()
    def _on_ok_clicked(self) -> None:
        pin = self._field.text()
        if self._ok.isEnabled() and pin:
            self.clear_error()
            self.pin_entered.emit(pin)

    @Slot()
    def _on_lock_timer_timeout(self) -> None:
        if not self._locked:
            return
        if self._locked_seconds_left() <= 0:
            self.unlock()
        else:
            self._show_lock_message()
            self._arm_lock_timer()
