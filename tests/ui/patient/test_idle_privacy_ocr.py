"""The idle overlay leaves nothing of the patient legible, read by a real OCR engine (Debian tesseract-ocr,
installed by scripts/test-services.sh): on Review, with PHQ-9 item 9 answered, tesseract reads the answers
(the positive control, same screen, same size) and then, while "Are you still there?" counts down, reads
none of the patient's words, in English and in Spanish."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk.domain.forms import pick
from kiosk.services.backend import open_backend
from kiosk.services.checkin import identify
from kiosk.services.demo import prepared_patient_answers
from kiosk.services.intake import begin_intake, record_answer
from kiosk.ui.patient.window import PatientWindow
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient
from tests.ui.patient.test_kiosk_behaviour import SAM

TESSERACT = shutil.which("tesseract")
WORDS = {
    "en": {"Español": "Español", "Start": "Start", "Next": "Next", "Yes, this is me": "Yes, this is me"},
    "es": {"Español": "Español", "Start": "Comenzar", "Next": "Siguiente", "Yes, this is me": "Sí, soy yo"},
}
FIELDS = {"en": ("First name", "Last name", "Month", "Day", "Year"), "es": ("Nombre", "Apellido", "Mes", "Día", "Año")}


def _answer_everything(data_dir: Path) -> None:
    """Sam's intake answered up to Review, item 9 "several days", as a patient who walked away would leave it."""
    backend = open_backend(data_dir)
    try:
        match = identify(backend, *SAM).match
        assert match is not None
        state = begin_intake(backend, match.appointment_id, "en")
        for task in state.tasks:
            form = backend.forms.get(task.form_id)
            if form.kind.value == "questionnaire":
                for item in form.answerable_items():
                    value = 1 if item.id in ("q1", "q9") else 0
                    record_answer(backend, state.intake_id, form.id, item.id, value)
            elif form.kind.value == "checklist":
                for item_id, value in prepared_patient_answers(form):
                    record_answer(backend, state.intake_id, form.id, item_id, value)
    finally:
        backend.engine.dispose()


def _read(window: PatientWindow, path: Path, language: str, *, hide: QRect | None = None) -> set[str]:
    """The words tesseract reads on the window. With `hide`, that rectangle (the card) is painted over with
    the colour around it and the rest is stretched to full contrast first, as an eye or a phone camera would
    adapt to a dimmed screen: a translucent backdrop then gives the text behind it away, an opaque one leaves
    a blank image."""
    image = window.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    if hide is not None:
        painter = QPainter(image)
        painter.fillRect(hide, image.pixelColor(hide.left() - 4, hide.center().y()))
        painter.end()
        width, height, stride = image.width(), image.height(), image.bytesPerLine()
        pixels = bytes(image.constBits())[: stride * height]
        rows = [pixels[row * stride : row * stride + width] for row in range(height)]
        low, high = min(min(row) for row in rows), max(max(row) for row in rows)
        if high > low:
            table = bytes(min(255, max(0, (value - low) * 255 // (high - low))) for value in range(256))
            stretched = b"".join(row.translate(table) for row in rows)
            image = QImage(stretched, width, height, width, QImage.Format.Format_Grayscale8).copy()
    assert image.save(str(path))
    assert TESSERACT is not None, "tesseract-ocr (with -eng and -spa) is installed by scripts/test-services.sh"
    result = subprocess.run(
        [TESSERACT, str(path), "-", "-l", {"en": "eng", "es": "spa"}[language]],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return _words(result.stdout)


def _words(text: str) -> set[str]:
    return {word.lower() for word in re.findall(r"\w{4,}", text)}


@pytest.mark.parametrize("language", ["en", "es"])
def test_tesseract_reads_the_review_but_nothing_of_it_behind_the_idle_overlay(
    qtbot: QtBot, tmp_path: Path, language: str, make_data_dir: MakeDataDir
) -> None:
    data_dir = make_data_dir(tmp_path / "data")
    _answer_everything(data_dir)
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        words = WORDS[language]
        if language == "es":
            patient.tap("Español")
        patient.tap(words["Start"])
        patient.identify(*SAM, names=FIELDS[language])
        patient.tap(words["Next"])
        patient.tap(words["Yes, this is me"])
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.review, timeout=10_000)
        # Item 9's row in view, as a patient checking that answer would leave it.
        item9 = pick(window.backend.forms.get("phq9").item("q9").text, language)
        (row,) = [label for label in window.review.list.findChildren(QLabel) if label.text() == item9]
        window.review.area.ensureWidgetVisible(row)
        qtbot.waitUntil(lambda: not row.visibleRegion().isEmpty())
        # What belongs to the patient: every word on Review (questions, answers) that the idle card does not say.
        review_words = _words(" ".join(patient.texts()))

        window.idle_guard.set_intervals(quiet_seconds=0.2, countdown_seconds=60)
        qtbot.waitUntil(window.idle_overlay.isVisible, timeout=5000)
        card = window.idle_overlay.findChild(QWidget, "idleCard")
        assert card is not None
        card_rect = QRect(card.mapTo(window, QPoint(0, 0)), card.size()).adjusted(-8, -8, 8, 8)
        card_words = _words(" ".join(label.text() for label in window.idle_overlay.findChildren(QLabel)))
        private = review_words - card_words
        read_card = _read(window, tmp_path / "overlay.png", language)
        read_covered = _read(window, tmp_path / "overlay-stretched.png", language, hide=card_rect)
        # The same screen without the overlay, the same rectangle hidden: the positive control.
        window.idle_overlay.hide()
        read_plain = _read(window, tmp_path / "review-stretched.png", language, hide=card_rect)

        # Without the overlay tesseract reads item 9 and much of the list...
        assert _words(item9) & read_plain, (item9, sorted(read_plain))
        assert len(private & read_plain) >= 15, sorted(private & read_plain)
        # ...with it, not one word of the patient's, even at full contrast; and it does read the card.
        assert private & read_covered == set(), sorted(private & read_covered)
        assert _words(pick({"en": "Are you still there?", "es": "¿Sigue ahí?"}, language)) <= read_card, read_card
    finally:
        window.shutdown()
