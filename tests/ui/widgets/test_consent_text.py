"""Tests for kiosk/ui/widgets/consent_text.py: a long rich text as tall as its lines, laid out once per text, font
and width, and painted in the palette's colours."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QTextDocument
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets import consent_text
from kiosk.ui.widgets.consent_text import ConsentText

WORDS = "words that wrap on a tablet " * 12
HTML = "<h2>Risks</h2>" + "".join(f"<p>Paragraph {n}: {WORDS}</p>" for n in range(12))
OTHER = "<h2>Privacy</h2><ul>" + "<li>Your answers stay on the clinic's own computer.</li>" * 20 + "</ul>"


def reference_height(html: str, font: QFont, width: int) -> int:
    """The height Qt's own text layout gives the same HTML in the same font at the same width."""
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setDefaultFont(font)
    document.setHtml(html)
    document.setTextWidth(width)
    return int(document.size().height() + 0.999)


def scrolled(qtbot: QtBot, text: ConsentText) -> QScrollArea:
    area = QScrollArea()
    qtbot.addWidget(area)
    area.setWidgetResizable(True)
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    content = QWidget()
    QVBoxLayout(content).addWidget(text)
    content.layout().setContentsMargins(0, 0, 0, 0)  # type: ignore[union-attr]
    area.setWidget(content)
    area.resize(700, 400)
    area.show()
    qtbot.waitExposed(area)
    return area


def test_the_text_is_as_tall_as_its_lines_and_scrolls_to_its_end(qtbot: QtBot) -> None:
    text = ConsentText()
    text.setContentsMargins(16, 8, 24, 24)
    area = scrolled(qtbot, text)
    text.setText(HTML)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0)
    width = text.width() - 16 - 24
    assert text.height() == reference_height(HTML, text.font(), width) + 8 + 24
    assert area.verticalScrollBar().maximum() == text.height() - area.viewport().height()
    assert text.text() == HTML
    assert text.plain_text().startswith("Risks\nParagraph 0: words that wrap")


def test_a_prepared_text_shows_without_being_laid_out_again(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    text = ConsentText()
    area = scrolled(qtbot, text)
    text.setText(OTHER)
    qtbot.waitUntil(lambda: text.document() is not None and text.height() > 100)
    width = text.width()
    text.prepare(HTML, (width,))
    layouts: list[float] = []
    real = consent_text._Laid.lay_out

    def counted(laid: consent_text._Laid, at: int) -> None:
        if laid.document.textWidth() != at:
            layouts.append(at)
        real(laid, at)

    monkeypatch.setattr(consent_text._Laid, "lay_out", counted)
    text.setText(HTML)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0 and text.height() > 400)
    text.repaint()
    text.setText(OTHER)  # back to the first: kept too
    qtbot.wait(20)
    text.repaint()
    assert layouts == []
    assert text.height() == reference_height(OTHER, text.font(), width)


def test_larger_text_lays_the_text_out_again_in_the_new_font(qtbot: QtBot) -> None:
    text = ConsentText()
    text.setText(HTML)
    before = text.heightForWidth(600)
    bigger = QFont(text.font())
    bigger.setPointSizeF(text.font().pointSizeF() * 1.5)
    text.setFont(bigger)
    after = text.heightForWidth(600)
    assert after > before
    assert after == reference_height(HTML, bigger, 600)


def test_the_shown_text_is_kept_however_many_others_are_prepared(qtbot: QtBot) -> None:
    text = ConsentText()
    qtbot.addWidget(text)
    text.setText(HTML)
    for number in range(consent_text._KEPT + 3):
        text.prepare(f"<p>Consent {number}</p>", (500,))
    assert text.document() is not None
    assert text.plain_text().startswith("Risks")
    text.forget()  # the patient is gone: only what is shown stays
    assert text.plain_text().startswith("Risks")


def test_the_text_is_painted_in_the_palettes_colour(qtbot: QtBot) -> None:
    text = ConsentText()
    qtbot.addWidget(text)
    palette = text.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#000000"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#ffff00"))  # high contrast: yellow on black
    text.setPalette(palette)
    text.setAutoFillBackground(True)
    text.setText(HTML)
    text.resize(600, text.heightForWidth(600))
    image = text.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(0, 600, 3) for y in range(0, 120, 2)}
    assert "#ffff00" in colours
    assert colours <= {"#000000", "#ffff00"} | {c for c in colours if QColor(c).red() == QColor(c).green()}


def test_a_place_in_the_text_is_found_again_in_a_larger_font(qtbot: QtBot) -> None:
    """A reader's place is a character, not a pixel: the line that holds it is found in any font."""
    text = ConsentText()
    qtbot.addWidget(text)
    text.setContentsMargins(16, 8, 24, 24)
    text.setText(HTML)
    text.resize(600, text.heightForWidth(600))
    document = text.document()
    assert document is not None
    paragraph = document.findBlockByNumber(6)  # "Paragraph 5: ..."
    place = text.position_at(text.line_top(paragraph.position() + 40) + 2)
    assert document.findBlock(place).text().startswith("Paragraph 5")
    assert text.line_top(place) <= text.line_top(paragraph.position() + 40)
    bigger = QFont(text.font())
    bigger.setPointSizeF(text.font().pointSizeF() * 1.5)
    text.setFont(bigger)
    text.resize(600, text.heightForWidth(600))
    larger = text.document()
    assert larger is not None and larger is not document
    top = text.line_top(place)
    assert top > 8
    again = text.position_at(top + 2)  # the line the place is on, in the larger font
    assert again <= place
    assert larger.findBlock(again).text().startswith("Paragraph 5")
