"""Tests for kiosk/ui/widgets/corner_gesture.py: taps go to the window, as the touchscreen sends them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.corner_gesture import HiddenCornerGesture


class FakeClock:
    """Seconds that only move when the test says so, to check the time limit without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Screen(QWidget):
    """A window whose top-left corner is covered by a button, like a screen's Back button."""

    def __init__(self) -> None:
        super().__init__()
        self.back = QPushButton("Back")
        self.clicks = 0
        self.back.clicked.connect(self._count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.back)
        layout.addStretch(1)

    def _count(self) -> None:
        self.clicks += 1


@pytest.fixture
def screen(qtbot: QtBot) -> Screen:
    widget = Screen()
    qtbot.addWidget(widget)
    widget.resize(800, 600)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def native(widget: QWidget) -> QWindow:
    handle = widget.windowHandle()
    assert handle is not None
    return handle


def tap_window(widget: QWidget, point: QPoint, clock: FakeClock, step: float = 0.3) -> None:
    clock.now += step
    QTest.mouseClick(native(widget), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)


def test_five_quick_taps_in_the_corner_trigger(qtbot: QtBot, screen: Screen, clock: FakeClock) -> None:
    gesture = HiddenCornerGesture(screen, clock=clock)

    with qtbot.waitSignal(gesture.triggered, timeout=1000):
        for _ in range(5):
            tap_window(screen, QPoint(20, 20), clock)
    # The taps were not swallowed: the button under the corner got every one.
    assert screen.clicks == 5


def test_four_taps_do_not_trigger(qtbot: QtBot, screen: Screen, clock: FakeClock) -> None:
    gesture = HiddenCornerGesture(screen, clock=clock)

    with qtbot.assertNotEmitted(gesture.triggered):
        for _ in range(4):
            tap_window(screen, QPoint(20, 20), clock)


def test_slow_taps_do_not_trigger(qtbot: QtBot, screen: Screen, clock: FakeClock) -> None:
    gesture = HiddenCornerGesture(screen, clock=clock)

    with qtbot.assertNotEmitted(gesture.triggered):
        for _ in range(5):
            tap_window(screen, QPoint(20, 20), clock, step=1.0)


def test_a_tap_elsewhere_starts_over(qtbot: QtBot, screen: Screen, clock: FakeClock) -> None:
    gesture = HiddenCornerGesture(screen, clock=clock)

    with qtbot.assertNotEmitted(gesture.triggered):
        for point in [QPoint(20, 20)] * 3 + [QPoint(400, 300)] + [QPoint(20, 20)] * 2:
            tap_window(screen, point, clock)


def test_touch_taps_count_once_each(qtbot: QtBot, screen: Screen, clock: FakeClock) -> None:
    device = QTest.createTouchDevice()
    gesture = HiddenCornerGesture(screen, taps=3, clock=clock)
    triggers: list[None] = []
    gesture.triggered.connect(lambda: triggers.append(None))

    # Three touches: each also arrives as a synthesised mouse press, which must not count again.
    for _ in range(3):
        clock.now += 0.2
        QTest.touchEvent(native(screen), device).press(0, QPoint(10, 10)).commit()
        QTest.touchEvent(native(screen), device).release(0, QPoint(10, 10)).commit()

    assert triggers == [None]


def test_other_corner_and_size(qtbot: QtBot, screen: Screen, clock: FakeClock) -> None:
    gesture = HiddenCornerGesture(screen, corner=Qt.Corner.BottomRightCorner, corner_size=100, taps=3, clock=clock)

    with qtbot.assertNotEmitted(gesture.triggered):
        for _ in range(3):
            tap_window(screen, QPoint(20, 20), clock)
    with qtbot.waitSignal(gesture.triggered, timeout=1000):
        for _ in range(3):
            tap_window(screen, QPoint(750, 550), clock)


def test_watches_only_top_level_windows(screen: Screen) -> None:
    with pytest.raises(ValueError, match="top-level"):
        HiddenCornerGesture(screen.back)
