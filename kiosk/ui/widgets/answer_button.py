"""The large answer button of a questionnaire screen: full width, checkable, and wrapping long labels.

QPushButton cannot wrap its text, and Spanish answer options are long ("Más de la mitad de los
días"; a PHQ-9 item can be three lines at large text). This button paints itself: a rounded card
with a round indicator (empty, or filled with a check mark, so the choice does not depend on colour
alone) and word-wrapped text, and reports the height it needs for a given width.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFocusEvent, QFontMetrics, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractButton, QSizePolicy, QWidget

MIN_HEIGHT = 64
"""Smallest height in logical px, even for a one-word answer."""

_H_PADDING = 16
_V_PADDING = 10
_INDICATOR = 30
_GAP = 14
_TEXT_LEFT = _H_PADDING + _INDICATOR + _GAP
_RADIUS = 14.0
_KEYBOARD_FOCUS_REASONS = frozenset(
    {Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason, Qt.FocusReason.ShortcutFocusReason}
)
_HEIGHTS_KEPT = 32
"""Heights an answer button keeps at most: a pooled button shows a few labels at a few widths."""
_TEXT_FLAGS = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap)


class AnswerButton(QAbstractButton):
    """A checkable answer option at least 64 px tall whose label wraps onto as many lines as it needs.

    Put several in a QButtonGroup (exclusive) for single-choice questions. The accessible name
    always equals the label.

    Signals (inherited from QAbstractButton, the ones a screen uses):
        clicked(bool): the patient tapped it; the argument is the new checked state.
        toggled(bool): the checked state changed, by a tap or by the code.
    """

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCheckable(True)
        self.setText(text)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumHeight(MIN_HEIGHT)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._keyboard_focus = False
        self._heights: dict[tuple[int, str], int] = {}
        """Height per (width, label), forgotten on a font or style change: a layout pass asks several times."""

    def setText(self, text: str) -> None:
        """Change the label; the accessible name and the needed height follow."""
        super().setText(text)
        self.setAccessibleName(text)
        self.updateGeometry()
        self.update()

    # ----- sizing -----------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        """Enough height for the wrapped label at ``width``, and never less than MIN_HEIGHT."""
        text = self.text()
        key = (width, text)
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) >= _HEIGHTS_KEPT:
                self._heights.clear()
            text_width = max(width - _TEXT_LEFT - _H_PADDING, 40)
            metrics = QFontMetrics(self.font())
            bounds = metrics.boundingRect(QRect(0, 0, text_width, 100_000), _TEXT_FLAGS, text)
            height = self._heights[key] = max(MIN_HEIGHT, bounds.height() + 2 * _V_PADDING)
        return height

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        width = _TEXT_LEFT + min(metrics.horizontalAdvance(self.text()), 640) + _H_PADDING
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(_TEXT_LEFT + 120 + _H_PADDING, MIN_HEIGHT)

    def focusInEvent(self, event: QFocusEvent) -> None:
        # A ring on the first answer when a question opens would look like a pre-selected answer;
        # show it only when the focus came from the keyboard (like CSS :focus-visible).
        self._keyboard_focus = event.reason() in _KEYBOARD_FOCUS_REASONS
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._keyboard_focus = False
        super().focusOutEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._heights.clear()
            self.updateGeometry()
        super().changeEvent(event)

    # ----- painting ---------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        group = QPalette.ColorGroup.Active if self.isEnabled() else QPalette.ColorGroup.Disabled
        checked = self.isChecked()
        fill = palette.color(group, QPalette.ColorRole.Highlight if checked else QPalette.ColorRole.Base)
        if self.isDown():
            fill = fill.darker(112)
        role = QPalette.ColorRole
        text_color = palette.color(group, role.HighlightedText if checked else role.Text)
        if self.hasFocus() and self._keyboard_focus:
            border = QPen(palette.color(group, role.Text if checked else role.Highlight), 4.0)
        else:
            border = QPen(palette.color(group, role.Dark if checked else role.Mid), 2.0)

        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            inset = border.widthF() / 2
            painter.setPen(border)
            painter.setBrush(fill)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(inset, inset, -inset, -inset), _RADIUS, _RADIUS)
            self._paint_indicator(painter, checked, text_color, fill)
            painter.setPen(text_color)
            painter.setFont(self.font())
            text_rect = QRect(_TEXT_LEFT, 0, self.width() - _TEXT_LEFT - _H_PADDING, self.height())
            painter.drawText(text_rect, _TEXT_FLAGS, self.text())
        finally:
            painter.end()

    def _paint_indicator(self, painter: QPainter, checked: bool, ink: QColor, fill: QColor) -> None:
        """An empty ring, or a filled disc with a check mark: the choice is visible without colour."""
        box = QRectF(_H_PADDING, (self.height() - _INDICATOR) / 2, _INDICATOR, _INDICATOR)
        if not checked:
            painter.setPen(QPen(ink, 2.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(box.adjusted(1.25, 1.25, -1.25, -1.25))
            return
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(ink)
        painter.drawEllipse(box)
        tick = QPainterPath(QPointF(box.left() + 0.27 * _INDICATOR, box.top() + 0.52 * _INDICATOR))
        tick.lineTo(QPointF(box.left() + 0.44 * _INDICATOR, box.top() + 0.69 * _INDICATOR))
        tick.lineTo(QPointF(box.left() + 0.74 * _INDICATOR, box.top() + 0.34 * _INDICATOR))
        painter.setPen(QPen(fill, 3.5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(tick)
