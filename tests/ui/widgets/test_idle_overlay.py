"""Tests for kiosk/ui/widgets/idle_overlay.py: the "Are you still there?" card."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.idle_guard import IdleGuard
from kiosk.ui.widgets.idle_overlay import IdleOverlay


@pytest.fixture
def window(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def overlay(window: QWidget) -> IdleOverlay:
    return IdleOverlay(window)


@pytest.fixture
def guard(qapp: QApplication) -> Iterator[IdleGuard]:
    idle_guard = IdleGuard(qapp, quiet_seconds=0.2, countdown_seconds=5)
    yield idle_guard
    idle_guard.uninstall()


def button_named(overlay: IdleOverlay, name: str) -> QPushButton:
    (button,) = [b for b in overlay.findChildren(QPushButton) if b.accessibleName() == name]
    return button


def test_hidden_until_the_countdown(overlay: IdleOverlay) -> None:
    assert not overlay.isVisible()


def test_covers_the_window_and_shows_the_number(window: QWidget, overlay: IdleOverlay) -> None:
    overlay.show_countdown(30)

    assert overlay.isVisible()
    assert overlay.geometry() == window.rect()
    assert overlay.remaining_text() == "30 seconds"
    overlay.set_remaining(29)
    assert overlay.remaining_text() == "29 seconds"

    window.resize(800, 1200)
    assert overlay.geometry() == window.rect()


def test_button_says_still_here(qtbot: QtBot, overlay: IdleOverlay) -> None:
    overlay.show_countdown(30)

    with qtbot.waitSignal(overlay.still_here):
        qtbot.mouseClick(button_named(overlay, "I'm still here"), Qt.MouseButton.LeftButton)
    assert not overlay.isVisible()


def test_texts_are_translatable(qtbot: QtBot, overlay: IdleOverlay) -> None:
    overlay.set_texts(
        title="¿Sigue ahí?", message="Por su privacidad, la pantalla volverá al inicio en", button="Sigo aquí"
    )
    overlay.show_countdown(10)

    texts = [label.text() for label in overlay.findChildren(QLabel)]
    assert "¿Sigue ahí?" in texts
    with qtbot.waitSignal(overlay.still_here):
        qtbot.mouseClick(button_named(overlay, "Sigo aquí"), Qt.MouseButton.LeftButton)


def test_bound_overlay_follows_the_guard(qtbot: QtBot, overlay: IdleOverlay, guard: IdleGuard) -> None:
    overlay.bind(guard)

    with qtbot.waitSignal(guard.idle_warning, timeout=3000):
        pass
    assert overlay.isVisible()
    assert overlay.remaining_text() == "5 seconds"

    # The tap on the button is itself activity: the guard resumes and the card goes, once.
    with qtbot.waitSignals([guard.resumed, overlay.still_here], timeout=1000):
        qtbot.mouseClick(button_named(overlay, "I'm still here"), Qt.MouseButton.LeftButton)
    assert not overlay.isVisible()
    assert not button_named(overlay, "I'm still here").isDown()


def test_bound_overlay_hides_on_time_out(qtbot: QtBot, overlay: IdleOverlay, qapp: QApplication) -> None:
    guard = IdleGuard(qapp, quiet_seconds=0.1, countdown_seconds=0.2)
    try:
        overlay.bind(guard)
        with qtbot.waitSignal(guard.timed_out, timeout=3000):
            pass
        assert not overlay.isVisible()
    finally:
        guard.uninstall()


def test_binding_twice_is_refused(overlay: IdleOverlay, guard: IdleGuard) -> None:
    overlay.bind(guard)
    with pytest.raises(RuntimeError, match="already bound"):
        overlay.bind(guard)


def test_nothing_behind_the_card_can_be_read(qtbot: QtBot, window: QWidget) -> None:
    """The review list (here: an item-9 answer in large dark text) is covered by an opaque backdrop: every
    pixel outside the card is the backdrop's colour while the countdown runs."""
    behind = QLabel("Thoughts that you would be better off dead: Several days", window)
    behind.setStyleSheet("font-size: 40px; color: black; background: white;")
    behind.setGeometry(0, 0, window.width(), window.height())
    behind.show()
    overlay = IdleOverlay(window)
    before = window.grab().toImage()
    # The positive control: without the overlay the text is there (more than the background's colour).
    assert (
        len({before.pixelColor(x, y).name() for x in range(0, before.width(), 2) for y in range(0, before.height(), 2)})
        > 2
    )
    overlay.show_countdown(27)
    qtbot.waitUntil(overlay.isVisible)
    image = window.grab().toImage()
    card = overlay.findChild(QWidget, "idleCard")
    assert card is not None
    card_rect = card.geometry()
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 5)
        for y in range(0, image.height(), 5)
        if not card_rect.adjusted(-2, -2, 2, 2).contains(x, y)
    }
    assert colours == {"#181e22"}
    assert overlay.remaining_text() == "27 seconds"
    assert "Your answers are saved." in [label.text() for label in overlay.findChildren(QLabel)]
