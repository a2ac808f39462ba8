"""Tests for kiosk/ui/widgets/answer_box.py: free text wraps, the box grows with it, and keeps its limit."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.answer_box import MAX_LINES, MIN_LINES, AnswerBox


def lines(box: AnswerBox) -> int:
    layout = box.document().documentLayout()
    assert layout is not None
    return int(layout.documentSize().height())


def test_long_text_wraps_and_the_box_grows_until_all_of_it_shows(qtbot: QtBot) -> None:
    box = AnswerBox()
    qtbot.addWidget(box)
    box.resize(300, 100)
    box.show()
    qtbot.waitExposed(box)
    empty = box.height()
    qtbot.keyClicks(box, "sertraline 50 mg to 100 mg, twice a day, " * 2)
    assert MIN_LINES < lines(box) <= MAX_LINES
    assert box.height() > empty
    assert box.verticalScrollBar().maximum() == 0  # every line in view, the first words too
    assert box.text().startswith("sertraline 50 mg")


def test_the_box_stops_growing_and_keeps_its_maximum_length(qtbot: QtBot) -> None:
    box = AnswerBox()
    qtbot.addWidget(box)
    box.resize(400, 100)
    box.show()
    qtbot.waitExposed(box)
    box.setMaxLength(600)
    box.setText("word " * 200)
    assert len(box.text()) == 600
    tallest = box.fontMetrics().lineSpacing() * (MAX_LINES + 2)
    assert box.height() < tallest
    qtbot.keyClicks(box, "more")
    assert len(box.text()) == 600
