"""Tests for kiosk/ui/widgets/answer_button.py: wrapping, height for width, toggling."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.answer_button import MIN_HEIGHT, AnswerButton

LONG_SPANISH = (
    "¿Se ha movido o hablado tan lento que otras personas podrían haberlo notado? o lo contrario – muy "
    "inquieto(a) o agitado(a) que ha estado moviéndose mucho más de lo normal"
)


class Question(QWidget):
    def __init__(self, labels: list[str]) -> None:
        super().__init__()
        self.buttons = [AnswerButton(label) for label in labels]
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for button in self.buttons:
            self.group.addButton(button)
            layout.addWidget(button)
        layout.addStretch(1)


@pytest.fixture
def question(qtbot: QtBot) -> Question:
    widget = Question(["Ningún día", "Varios días", LONG_SPANISH])
    qtbot.addWidget(widget)
    font = widget.font()
    font.setPointSize(18)  # the theme's answer size
    widget.setFont(font)
    widget.resize(900, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_short_label_keeps_the_minimum_height(question: Question) -> None:
    assert question.buttons[0].height() >= MIN_HEIGHT
    assert question.buttons[0].heightForWidth(900) == MIN_HEIGHT


def test_long_label_wraps_and_grows_when_narrower(qtbot: QtBot, question: Question) -> None:
    long_button = question.buttons[2]
    assert long_button.heightForWidth(400) > long_button.heightForWidth(900) > MIN_HEIGHT

    wide_height = long_button.height()
    question.resize(420, 900)
    qtbot.waitUntil(lambda: long_button.width() <= 420)
    qtbot.waitUntil(lambda: long_button.height() > wide_height)
    assert long_button.height() >= long_button.heightForWidth(long_button.width())


def test_height_follows_a_new_label_and_a_larger_font(qtbot: QtBot, question: Question) -> None:
    """A pooled button keeps the heights it measured; each answer must still be measured for its own words and
    in the font of the moment (larger text switched on mid-visit)."""
    button = question.buttons[0]
    assert button.heightForWidth(400) == MIN_HEIGHT
    button.setText(LONG_SPANISH)
    tall = button.heightForWidth(400)
    assert tall > MIN_HEIGHT
    font = button.font()
    font.setPointSize(30)
    button.setFont(font)
    taller = button.heightForWidth(400)
    assert taller > tall
    fresh = AnswerButton(LONG_SPANISH)
    qtbot.addWidget(fresh)
    fresh.setFont(font)
    assert taller == fresh.heightForWidth(400)
    button.setText("Ningún día")
    fresh.setText("Ningún día")
    assert button.heightForWidth(400) == fresh.heightForWidth(400) < taller


def test_click_toggles_and_group_keeps_one_choice(qtbot: QtBot, question: Question) -> None:
    first, second, _ = question.buttons

    with qtbot.waitSignal(first.toggled) as toggled:
        qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    assert toggled.args == [True]
    assert first.isChecked()

    qtbot.mouseClick(second, Qt.MouseButton.LeftButton)
    assert second.isChecked()
    assert not first.isChecked()


def test_lone_button_toggles_off_again(qtbot: QtBot) -> None:
    button = AnswerButton("Yes")
    qtbot.addWidget(button)
    button.show()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not button.isChecked()


def test_accessible_name_follows_the_label(question: Question) -> None:
    button = question.buttons[1]
    assert button.accessibleName() == button.text() == "Varios días"
    button.setText("Several days")
    assert button.accessibleName() == "Several days"


def test_checked_state_is_drawn_differently(qtbot: QtBot, question: Question) -> None:
    button = question.buttons[0]
    before = button.grab().toImage()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    after = button.grab().toImage()
    point = (button.width() // 2, button.height() // 2)
    assert before.pixelColor(*point) != after.pixelColor(*point)


def test_focus_ring_only_for_keyboard_focus(question: Question) -> None:
    button = question.buttons[1]
    edge = (button.width() // 2, 1)
    button.setFocus(Qt.FocusReason.OtherFocusReason)
    plain = button.grab().toImage().pixelColor(*edge)
    button.clearFocus()
    button.setFocus(Qt.FocusReason.TabFocusReason)
    ringed = button.grab().toImage().pixelColor(*edge)
    assert button.hasFocus()
    assert plain != ringed
