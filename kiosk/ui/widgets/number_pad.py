"""A large telephone-style number pad for date of birth, phone numbers and the staff PIN.

It types real key events into the focused field (or an explicit target), so an input mask such as
``99/99/9999`` on the date-of-birth field skips the slashes by itself. See keyboard.py for why the
kiosk draws its own keys instead of using Qt Virtual Keyboard.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QTimer, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from kiosk.ui.widgets.keypad_base import KeypadBase, KeypadKey

_DIGIT_ROWS = ("123", "456", "789")
_MIN_COLUMN_WIDTH = 96


class NumberPad(KeypadBase):
    """Digits 1-9 in three rows, then Clear, 0 and Backspace; every key at least 64 px tall.

    Signals: none. It types into its target; the field's own signals (textChanged) report the result.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setSpacing(10)
        self._digit_keys: dict[str, QPushButton] = {}
        for row, digits in enumerate(_DIGIT_ROWS):
            for column, digit in enumerate(digits):
                grid.addWidget(self._digit_key(digit), row, column)
        self._clear_key = self._make_key("Clear", named=True)
        self._clear_key.clicked.connect(self._on_clear_key_clicked)
        grid.addWidget(self._clear_key, 3, 0)
        grid.addWidget(self._digit_key("0"), 3, 1)
        self._backspace_key = self._make_key("Backspace", named=True)
        self._backspace_key.setAutoRepeat(True)
        self._backspace_key.setAutoRepeatDelay(500)
        self._backspace_key.setAutoRepeatInterval(90)
        self._backspace_key.clicked.connect(self._on_backspace_key_clicked)
        grid.addWidget(self._backspace_key, 3, 2)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_key_labels(self, *, clear: str, backspace: str) -> None:
        """Translate the two named keys (e.g. "Borrar todo", "Borrar")."""
        self._relabel(self._clear_key, clear)
        self._relabel(self._backspace_key, backspace)
        self._equalize_columns()

    def showEvent(self, event: QShowEvent) -> None:
        self._equalize_columns()
        super().showEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            # The keys are restyled after the pad itself; measure them once they are.
            QTimer.singleShot(0, self, self._equalize_columns)
        super().changeEvent(event)

    @Slot()
    def _equalize_columns(self) -> None:
        """All three columns as wide as the widest key, so "Backspace" does not make one column fat."""
        widest = max(key.minimumSizeHint().width() for key in self.findChildren(KeypadKey))
        for column in range(3):
            self._grid.setColumnMinimumWidth(column, max(widest, _MIN_COLUMN_WIDTH))

    def _digit_key(self, digit: str) -> QPushButton:
        key = self._make_key(digit)
        key.setProperty("digit", digit)
        key.clicked.connect(self._on_digit_key_clicked)
        self._digit_keys[digit] = key
        return key

    @Slot()
    def _on_digit_key_clicked(self) -> None:
        key = self.sender()
        assert isinstance(key, QPushButton)
        self._send_text(str(key.property("digit")))

    @Slot()
    def _on_backspace_key_clicked(self) -> None:
        self._send_backspace()

    @Slot()
    def _on_clear_key_clicked(self) -> None:
        self._send_clear()
