"""Typing what the checklist asks, as a patient does on the kiosk's own keys: a medicine and its dose with the
123 layer (digits, comma, question mark) in a box that shows all of it, and a driver's name stored as a name."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.answer_box import AnswerBox
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient
from tests.ui.patient.test_kiosk_behaviour import (
    IM_CHECKLIST,
    answers_in_database,
    sam_answered_before,
    sam_resumes_at,
    step_on_screen,
)

MEDICINE = "sertraline 50 mg to 100 mg, twice a day?"


def test_a_medicine_and_its_dose_are_typed_on_the_123_layer_and_stored_as_typed(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir
) -> None:
    data_dir = make_data_dir(tmp_path / "data")
    sam_answered_before(data_dir, {"medication_changed": "yes"}, stop_at="medication_which")
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        sam_resumes_at(qtbot, patient, window, f"{IM_CHECKLIST}/medication_which")
        box = patient.tap_field("Which medicine, and what changed?")
        assert isinstance(box, AnswerBox)
        assert not patient.has_button("5")  # the letters first; digits are one tap away
        patient.type_on_screen(MEDICINE)
        assert box.text() == MEDICINE  # nothing capitalised: this is not a name
        patient.type_on_screen(" & melatonin 3 mg (at night)")
        typed = MEDICINE + " & melatonin 3 mg (at night)"
        assert box.text() == typed
        # All of it is in view: the long answer wraps onto more lines, the box grows, nothing scrolls away.
        layout = box.document().documentLayout()
        assert layout is not None and layout.documentSize().height() >= 2
        assert box.verticalScrollBar().maximum() == 0
        window.grab().save(str(tmp_path / "medicine.png"))
        patient.tap("ABC")
        assert patient.has_button("q")
        patient.tap("Next")
        qtbot.waitUntil(lambda: step_on_screen(window) != f"{IM_CHECKLIST}/medication_which", timeout=5000)
        assert answers_in_database(data_dir, IM_CHECKLIST)["medication_which"] == typed
    finally:
        window.shutdown()


def test_the_drivers_name_is_stored_as_a_name(qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir) -> None:
    data_dir = make_data_dir(tmp_path / "data")
    sam_answered_before(data_dir, stop_at="driver_name")
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        sam_resumes_at(qtbot, patient, window, f"{IM_CHECKLIST}/ride_details")
        name = patient.tap_field("Driver's name")
        # Typed all in small letters on a hardware keyboard (or with auto-capitals undone): stored as a name.
        qtbot.keyClicks(name, "jordan lee")
        patient.tap_field("Driver's phone number")
        patient.type_on_screen("5550100142")
        patient.tap("Next")
        qtbot.waitUntil(lambda: step_on_screen(window) != f"{IM_CHECKLIST}/ride_details", timeout=5000)
        stored = answers_in_database(data_dir, IM_CHECKLIST)
        assert stored["driver_name"] == "Jordan Lee"
        assert stored["driver_phone"] == "(555) 010-0142"
    finally:
        window.shutdown()
