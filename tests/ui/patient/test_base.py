"""The patient screens' shared label: measured once per width, and always as Qt's own label would measure it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.ui.patient.base import WrappedLabel, fit_height, label
from kiosk.ui.theme import TextRole

QUESTION = (
    "Over the last 2 weeks, how often have you been bothered by trouble falling or staying asleep, "
    "or sleeping too much?"
)


def plain_label(text: str, font: QFont) -> QLabel:
    """Qt's own word-wrapped label, as the screens made them before."""
    widget = QLabel(text)
    widget.setWordWrap(True)
    widget.setFont(font)
    return widget


def test_a_label_is_measured_once_per_width_and_text(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    measured: list[int] = []
    measure = WrappedLabel._measure

    def counting(self: WrappedLabel, width: int) -> int:
        measured.append(width)
        return measure(self, width)

    monkeypatch.setattr(WrappedLabel, "_measure", counting)
    widget = label(TextRole.QUESTION, QUESTION)
    qtbot.addWidget(widget)
    # A layout pass asks the same label several times at the same width.
    heights = {widget.heightForWidth(600) for _ in range(5)}
    assert len(heights) == 1 and measured == [600]
    widget.heightForWidth(900)
    assert measured == [600, 900]
    widget.setText("Feeling tired or having little energy?")
    widget.heightForWidth(600)
    assert measured == [600, 900, 600]


def test_a_label_measures_as_qt_does_through_text_font_and_minimum_changes(qtbot: QtBot) -> None:
    """Qt's height is the text's expanded to the label's minimum size (which fit_height sets); a cached height
    from before a change of any of these laid the answers out over the question in large text."""
    widget = label(TextRole.QUESTION, QUESTION)
    qtbot.addWidget(widget)
    texts = (QUESTION, "Feeling tired?", QUESTION + " " + QUESTION)
    for text in texts:
        widget.setText(text)
        for width in (300, 640, 1208, 640):
            fit_height(widget, width)
            for asked in (300, 640, 1208):
                assert widget.heightForWidth(asked) == _qt_height(widget, asked), (text, width, asked)
    larger = QFont(widget.font())
    larger.setPixelSize(widget.font().pixelSize() * 2 if widget.font().pixelSize() > 0 else 40)
    widget.setMinimumHeight(0)
    before = widget.heightForWidth(640)
    widget.setFont(larger)
    assert widget.heightForWidth(640) == _qt_height(widget, 640) > before
    widget.setStyleSheet("font-size: 12px")
    assert widget.heightForWidth(640) == _qt_height(widget, 640)


def _qt_height(widget: WrappedLabel, width: int) -> int:
    """What QLabel itself answers for the same text, font and minimum size."""
    reference = plain_label(widget.text(), widget.font())
    reference.setMinimumSize(widget.minimumSize())
    return reference.heightForWidth(width)
