"""The hidden way for staff to reach the PIN prompt from the patient kiosk: several quick taps in a corner.

The gesture watches the window's QWindow, which receives every touch and click before Qt hands it
to the widget under the finger. So it works over any child widget, counts each physical tap once
(whatever widget accepts or ignores it), and never consumes the tap. Tests must therefore send their
taps to the window (``QTest.mouseClick(widget.windowHandle(), ...)`` or ``QTest.touchEvent``), as the
touchscreen does, not straight to a child widget.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QEventPoint, QInputDevice, QMouseEvent, QTouchEvent, QWindow
from PySide6.QtWidgets import QWidget


class HiddenCornerGesture(QObject):
    """Emits :attr:`triggered` after ``taps`` taps in one corner of ``window`` within ``within_seconds``.

    A tap anywhere else starts the count again. ``clock`` returns seconds (monotonic); tests may
    pass their own to check the time limit without waiting.

    Signals:
        triggered: the gesture was completed; the screen asks for the staff PIN.
    """

    triggered = Signal()

    def __init__(
        self,
        window: QWidget,
        *,
        taps: int = 5,
        within_seconds: float = 3.0,
        corner: Qt.Corner = Qt.Corner.TopLeftCorner,
        corner_size: int = 80,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(window)
        if not window.isWindow():
            raise ValueError("the corner gesture watches a top-level window, not a child widget")
        if taps < 2 or within_seconds <= 0 or corner_size <= 0:
            raise ValueError(
                f"the corner gesture needs taps >= 2, a positive time and size "
                f"(got taps={taps}, within_seconds={within_seconds}, corner_size={corner_size})"
            )
        self._widget = window
        self._taps_needed = taps
        self._within = within_seconds
        self._corner = corner
        self._corner_size = corner_size
        self._clock = clock
        self._tap_times: deque[float] = deque()
        self._watched_window: QWindow | None = None
        window.installEventFilter(self)
        self._watch_native_window()

    def corner_rect(self) -> QRectF:
        """The active corner in window coordinates."""
        size = float(self._corner_size)
        width = float(self._widget.width())
        height = float(self._widget.height())
        left = 0.0 if self._corner in (Qt.Corner.TopLeftCorner, Qt.Corner.BottomLeftCorner) else width - size
        top = 0.0 if self._corner in (Qt.Corner.TopLeftCorner, Qt.Corner.TopRightCorner) else height - size
        return QRectF(left, top, size, size)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Count taps arriving at the native window; follow the widget when it gets a new one. Never blocks."""
        kind = event.type()
        if watched is self._widget:
            if kind in (QEvent.Type.Show, QEvent.Type.WinIdChange):
                self._watch_native_window()
            return False
        if watched is not self._watched_window:
            return False
        if kind == QEvent.Type.MouseButtonPress:
            assert isinstance(event, QMouseEvent)
            # A touch arrives twice: as the touch and as a mouse press made up from it. Count the touch.
            if event.device().type() != QInputDevice.DeviceType.TouchScreen:
                self._register_tap(event.position())
        elif kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate):
            assert isinstance(event, QTouchEvent)
            for point in event.points():
                if point.state() == QEventPoint.State.Pressed:
                    self._register_tap(point.position())
        return False

    def _watch_native_window(self) -> None:
        handle = self._widget.windowHandle()
        if handle is None or handle is self._watched_window:
            return
        if self._watched_window is not None:
            self._watched_window.removeEventFilter(self)
        self._watched_window = handle
        handle.installEventFilter(self)
        handle.destroyed.connect(self._on_native_window_destroyed)

    @Slot()
    def _on_native_window_destroyed(self) -> None:
        self._watched_window = None

    def _register_tap(self, position: QPointF) -> None:
        if not self.corner_rect().contains(position):
            self._tap_times.clear()
            return
        now = self._clock()
        self._tap_times.append(now)
        while self._tap_times and now - self._tap_times[0] > self._within:
            self._tap_times.popleft()
        if len(self._tap_times) >= self._taps_needed:
            self._tap_times.clear()
            self.triggered.emit()
