"""A pad on which a patient signs a consent with a finger, a stylus or a mouse.

Coordinates: every point of :meth:`SignaturePad.strokes` is ``(x, y)`` with x and y fractions
(0..1) of the pad's width and height, so the stored signature does not depend on the tablet's
resolution or on the window size. :meth:`SignaturePad.aspect_ratio` gives the pad's width/height,
which is all that is needed to draw the strokes back undistorted (as :meth:`SignaturePad.to_png` does).

Touch and mouse: the pad takes touch events itself, and ignores mouse events that the platform
synthesises from a touch, so a finger never draws a stroke twice. A stylus arrives as mouse events.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEventPoint,
    QFont,
    QFontMetricsF,
    QImage,
    QImageWriter,
    QInputDevice,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

Point = tuple[float, float]
Stroke = tuple[Point, ...]
Strokes = tuple[Stroke, ...]

PEN_WIDTH = 3.0
"""Ink width in logical pixels on screen (device-independent, so about 3 px at 100 % scaling)."""

DEFAULT_MINIMUM_INK = 0.3
"""Ink, in pad widths, below which a mark is a tap or a slip rather than a signature."""

_MIN_POINT_DISTANCE = 1.0
"""Points closer than this (logical px) to the previous one add nothing but noise and are dropped."""

_BASELINE_AT = 0.72
"""Height of the signing line, as a fraction of the pad's height, where the words under it have the room."""

_LOWEST_BASELINE_AT = 0.5
"""The line goes no higher than this to make room for the words under it; below, the words get smaller."""

_WORDS_GAP = 6.0
"""Logical px between the signing line and the words under it."""

_WORDS_BOTTOM = 8.0
"""Logical px kept under the words: the frame and its rounded corners."""

_TOUCH_EVENTS = frozenset(
    {QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel}
)


def smooth_path(points: Sequence[QPointF]) -> QPainterPath:
    """A curve through the midpoints of ``points`` (quadratic smoothing), so fast strokes are not jagged.

    Each sampled point becomes the control point of a quadratic segment between the midpoints of its
    neighbouring segments; the curve starts and ends exactly at the first and last points.
    """
    path = QPainterPath(points[0])
    if len(points) == 1:
        return path
    for index in range(1, len(points) - 1):
        control = points[index]
        following = points[index + 1]
        path.quadTo(control, (control + following) / 2.0)
    path.lineTo(points[-1])
    return path


def _from_touch(event: QMouseEvent) -> bool:
    """True for a mouse event the platform made up from a touch (the touch itself was handled)."""
    return event.device().type() == QInputDevice.DeviceType.TouchScreen


class SignaturePad(QWidget):
    """A signing area with a baseline and an "x"; records strokes and renders them to PNG.

    The screen owns the "Clear" button and calls :meth:`clear`. The accessible name defaults to
    "Signature"; set it with ``setAccessibleName`` to translate it, and the hint under the line with
    :meth:`set_hint_text`. A word about the ink (:meth:`set_notice`) takes the hint's place under the line
    once the finger is lifted: the pad never moves or changes its size for it while the patient signs.

    Signals:
        changed: ink was added (a stroke began or ended), cleared or replaced; not on every move,
            so a listener may re-check has_enough_ink() and enable "Clear" / "I agree" cheaply.
        stroke_finished: the finger, pen or mouse button was lifted, ending one stroke.
    """

    changed = Signal()
    stroke_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[list[QPointF]] = []
        self._drawing = False
        self._touch_id: int | None = None
        self._hint_text = "Sign above the line"
        self._notice = ""
        self._finished_path_cache: tuple[QSize, QPainterPath] | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setAccessibleName("Signature")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(320, 140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    # ----- public API -------------------------------------------------------------------------

    def strokes(self) -> Strokes:
        """Every stroke as a tuple of ``(x, y)`` fractions of the pad's width and height."""
        return tuple(tuple((point.x(), point.y()) for point in stroke) for stroke in self._strokes)

    def set_strokes(self, strokes: Strokes) -> None:
        """Show previously captured strokes (e.g. a resumed draft); every coordinate must be in 0..1."""
        for stroke in strokes:
            for x, y in stroke:
                if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
                    raise ValueError(f"signature point {(x, y)} is outside the pad (0..1)")
        self._strokes = [[QPointF(x, y) for x, y in stroke] for stroke in strokes if stroke]
        self._end_stroke(notify=False)
        self._invalidate()
        self.changed.emit()

    def is_empty(self) -> bool:
        """True when nothing has been drawn."""
        return not self._strokes

    def clear(self) -> None:
        """Remove every stroke (the screen's "Clear" button)."""
        had_ink = bool(self._strokes)
        self._strokes = []
        self._end_stroke(notify=False)
        self._invalidate()
        if had_ink:
            self.changed.emit()

    def aspect_ratio(self) -> float:
        """The pad's width divided by its height: what the 0..1 coordinates need to be drawn undistorted."""
        return max(self.width(), 1) / max(self.height(), 1)

    def ink_length(self) -> float:
        """Total length of all strokes in pad widths (1.0 is a line straight across the pad)."""
        aspect = self.aspect_ratio()
        total = 0.0
        for stroke in self._strokes:
            for start, end in itertools.pairwise(stroke):
                total += math.hypot(end.x() - start.x(), (end.y() - start.y()) / aspect)
        return total

    def has_enough_ink(self, minimum: float = DEFAULT_MINIMUM_INK) -> bool:
        """True when there is at least ``minimum`` pad widths of ink, so a tap or a dot is not a signature."""
        return self.ink_length() >= minimum

    def hint_text(self) -> str:
        """The hint under the signing line, shown while the pad is empty."""
        return self._hint_text

    def set_hint_text(self, text: str) -> None:
        """Translate the hint under the signing line."""
        self._hint_text = text
        self.update()

    def notice(self) -> str:
        """The word about the ink shown under the line while there is ink and no stroke is being drawn."""
        return self._notice

    def set_notice(self, text: str) -> None:
        """Say something about the ink under the line (e.g. "Please sign a little more fully."), or nothing.

        It is painted in the hint's place, and only once the finger is lifted: a message that came and went under
        the finger would distract a patient mid-signature, and one laid out beside the pad would move the pad."""
        if text != self._notice:
            self._notice = text
            self.setAccessibleDescription(text)
            self.update()

    def is_drawing(self) -> bool:
        """True while a finger, pen or mouse button is down drawing a stroke."""
        return self._drawing

    def words_under_line(self) -> str:
        """What the pad says under its line now: the hint while empty, the notice once a stroke is finished."""
        if not self._strokes:
            return self._hint_text
        return "" if self._drawing else self._notice

    def baseline_y(self) -> float:
        """Where the signing line is drawn (logical px from the top): low in the box, with one line of the words
        under it whole in the pad's font (a short box, in larger text, has its line higher)."""
        height = float(self.height())
        words_room = QFontMetricsF(self.font()).height() + _WORDS_GAP + _WORDS_BOTTOM
        return max(min(height * _BASELINE_AT, height - words_room), height * _LOWEST_BASELINE_AT)

    def to_png(self, width: int = 600, height: int = 200) -> bytes:
        """The signature as a PNG of ``width`` x ``height``: black ink on white, cropped to the ink.

        The ink is centred and scaled to fit with a margin, keeping its proportions (never enlarged
        more than 3x, so a tiny scribble is not blown up into a blot). Raises ValueError when the pad
        is empty, because an empty signature image must never reach a consent record.
        """
        if not self._strokes:
            raise ValueError("there is no signature to render")
        if width < 16 or height < 16:
            raise ValueError(f"a signature image must be at least 16x16 pixels, not {width}x{height}")
        pad_size = QSize(max(self.width(), 1), max(self.height(), 1))
        pixel_strokes = [self._to_pixels(stroke, pad_size) for stroke in self._strokes]
        xs = [point.x() for stroke in pixel_strokes for point in stroke]
        ys = [point.y() for stroke in pixel_strokes for point in stroke]
        ink_box = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        margin = 0.08 * min(width, height)
        available_w = width - 2 * margin
        available_h = height - 2 * margin
        scale = min(
            available_w / max(ink_box.width(), 1.0),
            available_h / max(ink_box.height(), 1.0),
            3.0,
        )
        offset_x = (width - ink_box.width() * scale) / 2 - ink_box.left() * scale
        offset_y = (height - ink_box.height() * scale) / 2 - ink_box.top() * scale

        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.translate(offset_x, offset_y)
            painter.scale(scale, scale)
            pen_width = min(max(PEN_WIDTH * scale, 2.0), 6.0) / scale
            self._draw_ink(painter, pixel_strokes, QColor("black"), pen_width)
        finally:
            painter.end()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QImageWriter(buffer, QByteArray(b"PNG"))
        if not writer.write(image):
            raise RuntimeError(f"Qt could not encode the signature as PNG: {writer.errorString()}")
        buffer.close()
        return bytes(data.data())

    # ----- Qt overrides -----------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        """Wide and short, like the signature line on paper."""
        return QSize(720, 240)

    def event(self, event: QEvent) -> bool:
        """Route touch events to the stroke recorder; everything else goes the usual way."""
        if event.type() in _TOUCH_EVENTS:
            assert isinstance(event, QTouchEvent)
            self._handle_touch(event)
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if _from_touch(event) or event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        self._begin_stroke(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if _from_touch(event) or not self._drawing or self._touch_id is not None:
            event.ignore()
            return
        self._extend_stroke(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if _from_touch(event) or event.button() != Qt.MouseButton.LeftButton or not self._drawing:
            event.ignore()
            return
        self._extend_stroke(event.position())
        self._end_stroke(notify=True)
        event.accept()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._finished_path_cache = None
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        palette = self.palette()
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Window))
            frame = QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5)
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 2.0))
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.drawRoundedRect(frame, 14.0, 14.0)
            self._draw_baseline(painter, palette)
            self._draw_screen_ink(painter, palette.color(QPalette.ColorRole.Text))
        finally:
            painter.end()

    # ----- drawing ----------------------------------------------------------------------------

    def _draw_baseline(self, painter: QPainter, palette: QPalette) -> None:
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        margin = max(24.0, self.width() * 0.05)
        baseline_y = self.baseline_y()
        painter.setPen(QPen(muted, 2.0))
        painter.drawLine(QPointF(margin, baseline_y), QPointF(self.width() - margin, baseline_y))

        x_font = QFont(self.font())
        x_font.setPointSizeF(max(self.font().pointSizeF(), 12.0) * 1.5)
        painter.setFont(x_font)
        x_box = QRectF(margin, baseline_y - 60.0, 60.0, 56.0)
        painter.drawText(x_box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom), "x")

        words = self.words_under_line()
        if not words:
            return
        hint_font = QFont(self.font())
        top = baseline_y + _WORDS_GAP
        hint_box = QRectF(margin, top, self.width() - 2 * margin, self.height() - top - _WORDS_BOTTOM)
        metrics = QFontMetricsF(hint_font)
        # A narrow box (beside the keyboard, in larger text) makes the words smaller rather than cut at both ends; a
        # box too short for them even with its line raised makes them smaller rather than cut by the frame.
        scale = min(hint_box.width() / max(metrics.horizontalAdvance(words), 1.0), hint_box.height() / metrics.height())
        if scale < 1.0:
            hint_font.setPointSizeF(max(hint_font.pointSizeF() * scale, 8.0))
        painter.setFont(hint_font)
        painter.drawText(hint_box, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), words)

    def _draw_screen_ink(self, painter: QPainter, ink: QColor) -> None:
        size = self.size()
        if self._finished_path_cache is None or self._finished_path_cache[0] != size:
            finished = self._strokes[:-1] if self._drawing else self._strokes
            self._finished_path_cache = (size, self._combined_path([self._to_pixels(s, size) for s in finished]))
        pen = QPen(ink, PEN_WIDTH, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._finished_path_cache[1])
        self._draw_dots(painter, [self._to_pixels(s, size) for s in self._strokes if len(s) == 1])
        if self._drawing and self._strokes and len(self._strokes[-1]) > 1:
            painter.drawPath(smooth_path(self._to_pixels(self._strokes[-1], size)))

    def _draw_ink(self, painter: QPainter, pixel_strokes: list[list[QPointF]], ink: QColor, width: float) -> None:
        pen = QPen(ink, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._combined_path(pixel_strokes))
        self._draw_dots(painter, [stroke for stroke in pixel_strokes if len(stroke) == 1])

    @staticmethod
    def _draw_dots(painter: QPainter, single_points: list[list[QPointF]]) -> None:
        """A one-point stroke (a tap) is shown as a round dot of the pen's width."""
        for stroke in single_points:
            painter.drawPoint(stroke[0])

    @staticmethod
    def _combined_path(pixel_strokes: list[list[QPointF]]) -> QPainterPath:
        path = QPainterPath()
        for stroke in pixel_strokes:
            if len(stroke) > 1:
                path.addPath(smooth_path(stroke))
        return path

    @staticmethod
    def _to_pixels(stroke: list[QPointF], size: QSize) -> list[QPointF]:
        return [QPointF(point.x() * size.width(), point.y() * size.height()) for point in stroke]

    # ----- stroke recording -------------------------------------------------------------------

    def _normalised(self, position: QPointF) -> QPointF:
        """``position`` (logical px) as fractions of the pad, clamped: a finger may slide off the edge."""
        x = min(max(position.x() / max(self.width(), 1), 0.0), 1.0)
        y = min(max(position.y() / max(self.height(), 1), 0.0), 1.0)
        return QPointF(x, y)

    def _begin_stroke(self, position: QPointF) -> None:
        if self._drawing:
            self._end_stroke(notify=True)
        self._finished_path_cache = None
        self._strokes.append([self._normalised(position)])
        self._drawing = True
        self.update()
        self.changed.emit()

    def _extend_stroke(self, position: QPointF) -> None:
        if not self._drawing:
            return
        stroke = self._strokes[-1]
        point = self._normalised(position)
        last = stroke[-1]
        distance = math.hypot((point.x() - last.x()) * self.width(), (point.y() - last.y()) * self.height())
        if distance < _MIN_POINT_DISTANCE:
            return
        stroke.append(point)
        self.update()

    def _end_stroke(self, *, notify: bool) -> None:
        was_drawing = self._drawing
        self._drawing = False
        self._touch_id = None
        self._finished_path_cache = None
        self.update()
        if was_drawing and notify:
            self.changed.emit()
            self.stroke_finished.emit()

    def _invalidate(self) -> None:
        self._finished_path_cache = None
        self.update()

    def _handle_touch(self, event: QTouchEvent) -> None:
        """Draw with the first finger down; other fingers (a resting palm, a second hand) are ignored."""
        event.accept()
        if event.type() == QEvent.Type.TouchCancel:
            self._end_stroke(notify=self._drawing)
            return
        for point in event.points():
            state = point.state()
            if self._touch_id is None and state == QEventPoint.State.Pressed:
                self._begin_stroke(point.position())
                self._touch_id = point.id()
            elif point.id() == self._touch_id:
                if state == QEventPoint.State.Released:
                    self._extend_stroke(point.position())
                    self._end_stroke(notify=True)
                else:
                    self._extend_stroke(point.position())
