"""The consent the patient reads and the consent the signed PDF shows are the same text, block for block:
both are drawn from kiosk.domain.consent_markup's blocks (the screen as rich text, the PDF by reportlab)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QScroller
from pytestqt.exceptions import TimeoutError
from pytestqt.qtbot import QtBot

from kiosk.documents.render import render_packet
from kiosk.domain.forms import text_sha256
from kiosk.domain.loader import load_forms
from kiosk.resources import forms_dir
from kiosk.ui.patient.consent import ConsentScreen, consent_html
from kiosk.ui.patient.window import PatientWindow
from tests.documents.sample import sample_clock, sample_packet_data
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient, touchscreen
from tests.ui.patient.seen import cut, inside, lowest_words_row

MORGAN = ("Morgan", "Lee", dt.date(1995, 9, 14))  # a first visit: every consent is due
WORDS = {
    "en": {
        "start": "Start",
        "next": "Next",
        "me": "Yes, this is me",
        "why": "Read to the end to agree",
        "agree": "I agree",
        "full name": "Full name",
        "sign": "Sign",
        "adopt": "Sign with my signature",
        "fields": ("First name", "Last name", "Month", "Day", "Year"),
    },
    "es": {
        "start": "Comenzar",
        "next": "Siguiente",
        "me": "Sí, soy yo",
        "why": "Lea hasta el final para aceptar",
        "agree": "Acepto",
        "full name": "Nombre completo",
        "sign": "Firmar",
        "adopt": "Firmar con mi firma",
        "fields": ("Nombre", "Apellido", "Mes", "Día", "Año"),
    },
}

WITH_BULLETS = """## What to bring

Please bring:

- a list of every medicine you take,
  with the doses
- someone to drive you home
* comfortable clothes

## After the session

Rest for the day.
Do not drive until tomorrow."""


def screen_blocks(html: str) -> list[str]:
    """The text of each block Qt lays out from the screen's rich text (headings, paragraphs, list items)."""
    document = QTextDocument()
    document.setHtml(html)
    blocks = []
    block = document.begin()
    while block.isValid():
        if block.text().strip():
            blocks.append(" ".join(block.text().split()))
        block = block.next()
    return blocks


def pdf_consent_text(consent_text: str) -> str:
    """The text of the signed packet's consent pages, page furniture (running header and footer) removed."""
    data = sample_packet_data("en")
    consent = dataclasses.replace(data.consents[0], text=consent_text, text_sha256=text_sha256(consent_text))
    data = dataclasses.replace(data, consents=(consent,), questionnaires=(), checklist=None)
    pages = [page.extract_text() or "" for page in PdfReader(io.BytesIO(render_packet(data, clock=sample_clock))).pages]
    furniture = set.intersection(*(set(page.splitlines()) for page in pages))
    lines = [
        line
        for page in pages[1:]  # the cover comes first; the consent starts on a page of its own
        for line in page.splitlines()
        if line not in furniture and not re.fullmatch(r"Page \d+ of \d+", line.strip())
    ]
    return " ".join(" ".join(lines).replace("•", " ").split())


def assert_same_blocks(screen: list[str], pdf: str) -> None:
    position = 0
    for number, block in enumerate(screen, start=1):
        found = pdf.find(block, position)
        assert found >= 0, f"block {number} on the screen is not next in the PDF: {block!r}"
        position = found + len(block)


def test_a_real_consent_reads_the_same_on_the_screen_and_in_the_pdf(qtbot: QtBot) -> None:
    form = load_forms(forms_dir()).get("consent_im_ketamine")
    screen = ConsentScreen()
    qtbot.addWidget(screen)
    screen.show_consent(form, "en", 1, 1)
    blocks = screen_blocks(screen.text_label.text())
    assert blocks[0].startswith("SAMPLE TEXT") and "About this form" in blocks
    assert len(blocks) > 20
    assert_same_blocks(blocks, pdf_consent_text(form.consent_text("en")))


@pytest.mark.usefixtures("qapp")  # its headings are sized from the application font: run alone, it had none
def test_headings_paragraphs_and_bullets_agree_block_by_block() -> None:
    blocks = screen_blocks(consent_html(WITH_BULLETS))
    assert blocks == [
        "What to bring",
        "Please bring:",
        "a list of every medicine you take, with the doses",
        "someone to drive you home",
        "comfortable clothes",
        "After the session",
        "Rest for the day. Do not drive until tomorrow.",
    ]
    assert_same_blocks(blocks, pdf_consent_text(WITH_BULLETS))


def test_a_screen_block_missing_from_the_pdf_is_caught() -> None:
    """The comparison can fail: a block the PDF does not have, or has out of order, is named."""
    pdf = pdf_consent_text(WITH_BULLETS)
    with pytest.raises(AssertionError, match="block 2 on the screen"):
        assert_same_blocks(["What to bring", "Bring your passport."], pdf)
    with pytest.raises(AssertionError, match="block 2"):
        assert_same_blocks(["After the session", "What to bring"], pdf)


def _to_first_consent(patient: Patient, kiosk: PatientWindow, language: str) -> None:
    words = WORDS[language]
    if language == "es":
        patient.tap("Español")
    patient.tap(words["start"])
    patient.identify(*MORGAN, names=words["fields"])
    patient.tap(words["next"])
    patient.tap(words["me"])
    patient.qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.consent, timeout=10_000)


@pytest.mark.parametrize("size", [(1024, 768), (800, 1280)], ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("language", ["en", "es"])
def test_in_larger_text_the_text_has_the_room_and_i_agree_says_why_it_waits(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path, language: str, size: tuple[int, int]
) -> None:
    """Issue 8: at 1024x768 the reading box had two fifths of the height; a grey "I agree" did not say why; the
    Spanish "Tengo una pregunta" and "No estoy de acuerdo" were cut (in portrait too, and "Firme arriba para
    continuar" beside Atrás)."""
    kiosk = open_kiosk(qtbot, make_data_dir(tmp_path / "kiosk-data"), size=size)
    patient = Patient(qtbot, kiosk)
    patient.tap("Larger text")
    _to_first_consent(patient, kiosk, language)
    screen = kiosk.consent
    with contextlib.suppress(TimeoutError):  # the assertion below says what is wrong
        qtbot.waitUntil(lambda: not cut(screen), timeout=1500)
    assert cut(screen) == []
    assert screen.text.height() >= 0.5 * kiosk.height()
    assert not screen.agree.isEnabled()
    assert screen.agree.text() == screen.agree.accessibleName() == WORDS[language]["why"]
    patient.scroll_consent_to_end()
    assert screen.agree.isEnabled() and screen.agree.text() == WORDS[language]["agree"]
    assert cut(screen) == []
    # Signing, with the keyboard beside the box to change the name: the box stays a box, the keys whole.
    patient.tap(WORDS[language]["agree"])
    patient.tap_field(WORDS[language]["full name"])
    qtbot.waitUntil(screen.keyboard.isVisible)
    with contextlib.suppress(TimeoutError):
        qtbot.waitUntil(lambda: not cut(screen), timeout=1500)
    assert cut(screen) == []
    assert screen.pad.height() >= 130 and inside(screen.pad, kiosk)
    kiosk.shutdown()


@pytest.mark.parametrize(
    ("size", "contrast"),
    [((1280, 800), False), ((1024, 768), False), ((1024, 768), True), ((800, 1280), False)],
    ids=lambda value: f"{value[0]}x{value[1]}" if isinstance(value, tuple) else "high contrast" if value else "",
)
@pytest.mark.parametrize("language", ["en", "es"])
def test_in_larger_text_the_second_consents_sign_with_my_signature_is_whole(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path, language: str, size: tuple[int, int], contrast: bool
) -> None:
    """Issue 8, seen on a live walk: on the second consent "Sign with my signature" and "Sign above to continue"
    were cut at both ends beside the drawn signature, even at 1280x800. And at 1024x768 the box left for signing
    (about 150 px) cut the bottom of its "Sign above the line" with its frame."""
    kiosk = open_kiosk(qtbot, make_data_dir(tmp_path / "kiosk-data"), size=size)
    patient = Patient(qtbot, kiosk)
    patient.tap("Larger text")
    if contrast:
        patient.tap("High contrast")
    _to_first_consent(patient, kiosk, language)
    screen = kiosk.consent
    first = screen.form
    patient.scroll_consent_to_end()
    patient.tap(WORDS[language]["agree"])
    patient.draw_signature()
    patient.tap(WORDS[language]["sign"])
    qtbot.waitUntil(lambda: screen.form is not first and screen.pages.currentIndex() == 0, timeout=5000)
    patient.scroll_consent_to_end()
    patient.tap(WORDS[language]["agree"])
    qtbot.waitUntil(screen.adopt.isVisible)
    with contextlib.suppress(TimeoutError):
        qtbot.waitUntil(lambda: not cut(screen), timeout=1500)
    assert cut(screen) == []
    assert screen.adopt.text() == WORDS[language]["adopt"] and screen.adopt.isEnabled()
    # The box to sign in keeps its height above the two rows of buttons (at 1024x768 the rows covered its line).
    pad_bottom = screen.pad.mapTo(kiosk, QPoint(0, screen.pad.height())).y()
    assert screen.pad.height() >= screen.pad.minimumHeight()
    preview, adopt = (widget.mapTo(kiosk, widget.rect().center()) for widget in (screen.adopted_preview, screen.adopt))
    assert preview.y() == adopt.y()  # the drawn signature beside the button that signs with it
    assert pad_bottom <= screen.adopted_preview.mapTo(kiosk, QPoint(0, 0)).y()
    # The box's own words are whole inside it, clear of its frame.
    assert screen.pad.words_under_line() == screen.pad.hint_text() != ""
    lowest = lowest_words_row(screen.pad)
    kiosk.grab().save(str(tmp_path / "adopt.png"))
    assert 0 < lowest < screen.pad.height() - 5, f"the words under the line reach row {lowest} of {screen.pad.height()}"
    kiosk.shutdown()


def _read_down(patient: Patient, screen: ConsentScreen, swipes: int) -> None:
    """Swipe the text up slowly with a finger, holding still before lifting, so it does not fling on."""
    viewport = screen.text.viewport()
    device = touchscreen()
    x, bottom = viewport.width() // 2, viewport.height() - 20
    for _ in range(swipes):
        QTest.touchEvent(viewport, device).press(0, QPoint(x, bottom), viewport).commit()
        for step in range(1, 11):
            patient.qtbot.wait(8)
            QTest.touchEvent(viewport, device).move(0, QPoint(x, bottom - step * 30), viewport).commit()
        patient.qtbot.wait(400)  # held still: no fling
        QTest.touchEvent(viewport, device).release(0, QPoint(x, bottom - 300), viewport).commit()
    scroller = QScroller.scroller(viewport)
    patient.qtbot.waitUntil(lambda: scroller.state() == QScroller.State.Inactive, timeout=5000)


def _block_at_top(screen: ConsentScreen) -> str:
    """The text of the block (a heading, a paragraph, a list item) on the first line in view."""
    text = screen.text_label
    document = text.document()
    assert document is not None
    top = screen.text.verticalScrollBar().value() - text.y() - text.contentsMargins().top()
    position = document.documentLayout().hitTest(QPointF(0, top), Qt.HitTestAccuracy.FuzzyHit)
    return document.findBlock(position).text()


def _toggle_larger_text(patient: Patient, screen: ConsentScreen, name: str) -> None:
    size = screen.text_label.font().pointSizeF()
    patient.tap(name)
    patient.qtbot.waitUntil(lambda: screen.text_label.font().pointSizeF() != size, timeout=5000)
    patient.qtbot.wait(100)  # the text is laid out again in the new size


def test_changing_text_size_keeps_the_place_in_the_text_and_i_agree(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path
) -> None:
    """Seen on a live walk: the text kept its scroll position in pixels when the text size changed. From the end,
    larger text landed mid-text and took "I agree" away again; back to normal size skipped a whole section."""
    kiosk = open_kiosk(qtbot, make_data_dir(tmp_path / "kiosk-data"))
    try:
        patient = Patient(qtbot, kiosk)
        _to_first_consent(patient, kiosk, "en")
        screen = kiosk.consent
        bar = screen.text.verticalScrollBar()
        _read_down(patient, screen, 2)
        reading = _block_at_top(screen)
        assert bar.value() > 0 and reading and not screen.agree.isEnabled()
        for name in ("Larger text", "✓ Larger text"):
            _toggle_larger_text(patient, screen, name)
            kiosk.grab().save(str(tmp_path / f"mid-{name[0]}.png"))
            assert _block_at_top(screen) == reading, name
            assert not screen.agree.isEnabled()  # still not read to the end

        patient.scroll_consent_to_end()
        for name in ("Larger text", "✓ Larger text"):
            _toggle_larger_text(patient, screen, name)
            kiosk.grab().save(str(tmp_path / f"end-{name[0]}.png"))
            assert bar.value() >= bar.maximum() - 4, name  # the end is still in view
            assert screen.agree.isEnabled() and screen.agree.text() == "I agree", name
    finally:
        kiosk.shutdown()
