"""A multi-line box for a free-text answer: long text wraps and stays in view, from its first word to its last.

A one-line field scrolls sideways as the patient types, so the start of "sertraline 50 mg to 100 mg, twice a day"
slides out of sight and cannot be checked. This box wraps at word boundaries and grows with its text (up to a
height that leaves the rest of the screen in place), so everything typed is visible at once.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtGui import QResizeEvent, QTextCursor, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy, QWidget

MIN_LINES = 3
MAX_LINES = 7
"""Beyond this the box scrolls: with the keyboard and the question it must still fit a 800 px tall screen in larger
text."""


class AnswerBox(QPlainTextEdit):
    """A plain-text box with the small part of QLineEdit's interface the question screen uses.

    It keeps at most ``max_length`` characters (anything beyond, pasted or sent by keys, is cut off), and its
    height follows its text between MIN_LINES and MAX_LINES lines.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._max_length = 500
        self.setObjectName("answerBox")  # styled like the one-line fields (kiosk/ui/theme.py)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.textChanged.connect(self._on_text_changed)
        self._fit_height()

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        self.setPlainText(text[: self._max_length])
        self.moveCursor(QTextCursor.MoveOperation.End)

    def maxLength(self) -> int:
        return self._max_length

    def setMaxLength(self, length: int) -> None:
        self._max_length = length
        if len(self.toPlainText()) > length:
            self.setText(self.toPlainText())

    def _fit_height(self) -> None:
        line = self.fontMetrics().lineSpacing()
        margins = self.contentsMargins().top() + self.contentsMargins().bottom()
        frame = 2 * self.frameWidth() + int(2 * self.document().documentMargin()) + margins
        lines = max(MIN_LINES, min(MAX_LINES, self._wrapped_lines()))
        self.setFixedHeight(lines * line + frame + 4)

    def _wrapped_lines(self) -> int:
        layout = self.document().documentLayout()
        return int(layout.documentSize().height()) if layout is not None else 1

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_height()  # larger text changes the line height

    @Slot()
    def _on_text_changed(self) -> None:
        text = self.toPlainText()
        if len(text) > self._max_length:
            cursor = self.textCursor()
            self.blockSignals(True)
            self.setPlainText(text[: self._max_length])
            self.blockSignals(False)
            cursor.setPosition(min(cursor.position(), self._max_length))
            self.setTextCursor(cursor)
        self._fit_height()
