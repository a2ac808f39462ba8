"""Tests for kiosk/ui/widgets/idle_guard.py, with short real timers and real input events."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.idle_guard import IdleGuard, IdleState

QUIET = 0.2
COUNTDOWN = 0.2


@pytest.fixture
def button(qtbot: QtBot) -> QPushButton:
    widget = QPushButton("Next")
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def guard(qapp: QApplication) -> Iterator[IdleGuard]:
    idle_guard = IdleGuard(qapp, quiet_seconds=QUIET, countdown_seconds=COUNTDOWN)
    yield idle_guard
    idle_guard.uninstall()


def test_warns_then_times_out_without_activity(qtbot: QtBot, guard: IdleGuard) -> None:
    with qtbot.waitSignal(guard.idle_warning, timeout=3000):
        pass
    assert guard.state() is IdleState.COUNTING_DOWN

    with qtbot.waitSignal(guard.timed_out, timeout=3000):
        pass
    assert guard.state() is IdleState.TIMED_OUT
    assert guard.remaining_seconds() == 0


def test_countdown_announces_whole_seconds(qtbot: QtBot, qapp: QApplication) -> None:
    guard = IdleGuard(qapp, quiet_seconds=QUIET, countdown_seconds=1.2)
    try:
        seen: list[int] = []
        guard.countdown_changed.connect(seen.append)
        with qtbot.waitSignal(guard.timed_out, timeout=5000):
            pass
        assert seen == [2, 1]
    finally:
        guard.uninstall()


def test_a_click_during_the_countdown_resumes(qtbot: QtBot, guard: IdleGuard, button: QPushButton) -> None:
    with qtbot.waitSignal(guard.idle_warning, timeout=3000):
        pass

    with qtbot.waitSignal(guard.resumed, timeout=1000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert guard.state() is IdleState.WATCHING
    # The quiet period starts over: the next warning comes, not a time-out.
    with qtbot.waitSignal(guard.idle_warning, timeout=3000):
        pass


def test_a_touch_during_the_countdown_resumes(qtbot: QtBot, guard: IdleGuard, button: QPushButton) -> None:
    device = QTest.createTouchDevice()
    with qtbot.waitSignal(guard.idle_warning, timeout=3000):
        pass

    with qtbot.waitSignal(guard.resumed, timeout=1000):
        QTest.touchEvent(button, device).press(0, QPoint(5, 5), button).commit()
    QTest.touchEvent(button, device).release(0, QPoint(5, 5), button).commit()


def test_a_key_restarts_the_quiet_period(qtbot: QtBot, qapp: QApplication, button: QPushButton) -> None:
    quiet = 0.6
    guard = IdleGuard(qapp, quiet_seconds=quiet, countdown_seconds=COUNTDOWN)
    try:
        qtbot.wait(int(quiet * 1000 / 2))
        QTest.keyClick(button, Qt.Key.Key_Space)
        key_time = time.monotonic()
        assert guard.state() is IdleState.WATCHING

        with qtbot.waitSignal(guard.idle_warning, timeout=5000):
            pass

        # Had the key not counted, the warning would have come half a quiet period after it.
        assert time.monotonic() - key_time >= quiet - 0.05
    finally:
        guard.uninstall()


def test_disabled_guard_stays_silent(qtbot: QtBot, guard: IdleGuard) -> None:
    guard.set_enabled(False)

    with qtbot.assertNotEmitted(guard.idle_warning, wait=int(QUIET * 1000 * 2)):
        pass
    assert not guard.is_enabled()

    guard.set_enabled(True)
    with qtbot.waitSignal(guard.idle_warning, timeout=3000):
        pass


def test_activity_after_a_time_out_starts_watching_again(qtbot: QtBot, guard: IdleGuard, button: QPushButton) -> None:
    with qtbot.waitSignal(guard.timed_out, timeout=3000):
        pass
    with qtbot.assertNotEmitted(guard.resumed):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert guard.state() is IdleState.WATCHING


def test_intervals_must_be_positive(qapp: QApplication) -> None:
    with pytest.raises(ValueError, match="positive"):
        IdleGuard(qapp, quiet_seconds=0, countdown_seconds=30)
