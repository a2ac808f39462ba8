"""What the on-screen keyboard and the number pad share: finding the field to type into, and typing.

Keys are delivered as real QKeyEvents (press and release) to the target widget, so the field's
validator, input mask, maximum length and signals behave exactly as with a hardware keyboard, and
the same code types into a QLineEdit, a QPlainTextEdit or a QSpinBox.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTextEdit,
    QWidget,
)

KEY_HEIGHT = 64
"""Height of every key in logical px: well above the 44-48 px touch-target guidance, for unsteady hands."""

_MIN_KEY_WIDTH = 48
_KEY_TEXT_MARGIN = 24
"""Room around a key's label for the theme's padding and border, so the label is never clipped."""

_TEXT_WIDGETS = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)


def key_code_for(text: str) -> int:
    """The Qt key code a hardware keyboard would report for one typed character.

    Qt's key codes for Latin-1 characters are the code points of their upper-case forms
    (Qt.Key_A is 0x41, Qt.Key_Ntilde is 0xD1); anything else is reported as Key_unknown.
    """
    upper = text.upper()
    if len(upper) == 1 and ord(upper) <= 0xFF:
        return ord(upper)
    return int(Qt.Key.Key_unknown.value)


class KeypadKey(QPushButton):
    """A key at least KEY_HEIGHT tall and never narrower than its label, whatever the stylesheet says.

    Stylesheet ``min-height`` rules replace a widget's minimum size, so the touch-target size is
    enforced here, in the size hints, where no theme can shrink it.
    """

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self._width: int | None = None
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAutoDefault(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(max(hint.width(), self._label_width()), max(hint.height(), KEY_HEIGHT))

    def minimumSizeHint(self) -> QSize:
        return QSize(max(_MIN_KEY_WIDTH, self._label_width()), KEY_HEIGHT)

    def setText(self, text: str) -> None:
        self._width = None
        super().setText(text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._width = None  # larger text, or the theme restyled
        super().changeEvent(event)

    def _label_width(self) -> int:
        # Layouts ask for the size hints of every key many times (a keyboard has ~45); measuring the label each
        # time was 60 ms of building the patient screens. Measured again when the label or the font changes.
        if self._width is None:
            self._width = self.fontMetrics().horizontalAdvance(self.text()) + _KEY_TEXT_MARGIN
        return self._width


class KeypadBase(QWidget):
    """A widget of keys that types into a text field without ever taking the focus from it.

    The target is the widget set with :meth:`set_target`, or else whichever text field has the
    focus in this keypad's window.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._target: QWidget | None = None
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def target(self) -> QWidget | None:
        """Where the next key goes: the explicit target, else the focused text field of the window."""
        if self._target is not None:
            return self._target
        focused = self.window().focusWidget()
        if isinstance(focused, _TEXT_WIDGETS):
            return focused
        return None

    def set_target(self, widget: QWidget | None) -> None:
        """Type into ``widget`` whatever has the focus; ``None`` goes back to following the focus."""
        if self._target is not None:
            self._target.destroyed.disconnect(self._on_target_destroyed)
        self._target = widget
        if widget is not None:
            widget.destroyed.connect(self._on_target_destroyed)

    @Slot(QObject)
    def _on_target_destroyed(self, _obj: QObject | None = None) -> None:
        self._target = None

    def _make_key(self, label: str, *, named: bool = False) -> KeypadKey:
        """A large key that never takes the focus, so the field being typed into keeps its cursor.

        ``named`` keys (Shift, Space, Backspace, Next) carry a word rather than a character; the
        theme sets them in a smaller size so a long translation still fits.
        """
        key = KeypadKey(label, self)
        key.setAccessibleName(label)
        if named:
            key.setProperty("keyRole", "named")
        return key

    @staticmethod
    def _relabel(key: QPushButton, label: str) -> None:
        """Change a key's visible label and its accessible name together, so they never disagree."""
        key.setText(label)
        key.setAccessibleName(label)

    def _send_text(self, text: str) -> None:
        self._send_key(key_code_for(text), text)

    def _send_key(
        self,
        key: int,
        text: str = "",
        modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
    ) -> None:
        target = self.target()
        if target is None:
            return
        for event_type in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(target, QKeyEvent(event_type, key, modifiers, text))

    def _send_backspace(self) -> None:
        self._send_key(int(Qt.Key.Key_Backspace.value))

    def _send_clear(self) -> None:
        """Select all, then delete: the same two keys a person would press."""
        self._send_key(int(Qt.Key.Key_A.value), "", Qt.KeyboardModifier.ControlModifier)
        self._send_backspace()
