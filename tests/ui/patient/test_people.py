"""A patient as people are: walks away in the middle of the driver's details and comes back, changes "ride
home" from Review (which opens the driver follow-up), checks in in Spanish with day-first habits, and leaves
larger text and high contrast on when the screen times out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.domain.forms import pick
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient, choose
from tests.ui.patient.test_kiosk_behaviour import (
    IM_CHECKLIST,
    SAM,
    answers_in_database,
    check_in,
    sam_answered_before,
    sam_resumes_at,
    step_on_screen,
)


def _driver(item_id: str) -> bool:
    return item_id.startswith("driver")


def test_walking_away_mid_driver_details_resumes_there_and_submit_waits_for_them(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir
) -> None:
    data_dir = make_data_dir(tmp_path / "data", idle_seconds=600, countdown=1)
    sam_answered_before(data_dir, {"ride_home": "yes"}, leave_out=_driver)
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        check_in(patient, *SAM)
        patient.tap("Yes, this is me")
        # Ride home "yes" and no driver: resume goes to the driver's screen, not to Review.
        qtbot.waitUntil(lambda: step_on_screen(window) == f"{IM_CHECKLIST}/ride_details", timeout=10_000)
        name = patient.tap_field("Driver's name")
        patient.type_on_screen("Jordan Lee")
        assert name.text().lower() == "jordan lee"
        # They walk away before the phone number: the screen times out and starts over.
        window.idle_guard.set_intervals(quiet_seconds=0.2, countdown_seconds=0.5)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.welcome, timeout=5000)
        window.idle_guard.set_intervals(quiet_seconds=600, countdown_seconds=30)
        assert "driver_name" not in answers_in_database(data_dir, IM_CHECKLIST)

        # Back again: the same screen, and Review would not have let them submit without it.
        sam_resumes_at(qtbot, patient, window, f"{IM_CHECKLIST}/ride_details")
        flow = window.sitting.flow
        assert flow is not None
        assert [item.id for _step, item in flow.missing_questions()] == ["driver_name", "driver_phone"]
        patient.tap_field("Driver's name")
        patient.type_on_screen("Jordan Lee")
        patient.tap_field("Driver's phone number")
        patient.type_on_screen("5550100142")
        patient.tap("Next")
        # The questions after it were answered before they left: each shows its answer, tapped again to go on.
        for _ in range(10):
            qtbot.waitUntil(lambda: step_on_screen(window) != f"{IM_CHECKLIST}/ride_details", timeout=5000)
            if window.stack.currentWidget() is window.review:
                break
            key = step_on_screen(window)
            checked = [b for b in window.question.pool if b.isVisible() and b.isChecked()]
            if checked:
                patient.tap(checked[0].accessibleName())
            else:
                choose(patient, window, "en", 0)
            qtbot.waitUntil(lambda key=key: step_on_screen(window) != key, timeout=5000)
        assert window.stack.currentWidget() is window.review
        assert window.review.submit.isEnabled() and window.review.missing.text() == ""
        patient.tap("Submit")
        patient.wait_for_text("Thank you")
        stored = answers_in_database(data_dir, IM_CHECKLIST)
        assert stored["driver_phone"] == "(555) 010-0142"
    finally:
        window.shutdown()


def test_changing_ride_home_from_review_opens_the_driver_follow_up_before_submit(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir
) -> None:
    data_dir = make_data_dir(tmp_path / "data")
    sam_answered_before(data_dir, {"ride_home": "no"}, leave_out=_driver)
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        check_in(patient, *SAM)
        patient.tap("Yes, this is me")
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.review, timeout=10_000)
        ride_home = window.backend.forms.get(IM_CHECKLIST).item("ride_home")
        (change,) = [
            b
            for b in patient.buttons()
            if b.accessibleName() == "Change" and b.accessibleDescription() == pick(ride_home.text, "en")
        ]
        patient.settle()
        qtbot.mouseClick(change, Qt.MouseButton.LeftButton, pos=change.rect().center())
        qtbot.waitUntil(lambda: step_on_screen(window) == f"{IM_CHECKLIST}/ride_home")
        patient.tap("Yes")
        # The change made the driver's details necessary: they are asked before going back to Review.
        qtbot.waitUntil(lambda: step_on_screen(window) == f"{IM_CHECKLIST}/ride_details", timeout=5000)
        patient.tap_field("Driver's name")
        patient.type_on_screen("Jordan Lee")
        # The keyboard's Next (the screen has its own Next too, which sends the answers): on to the phone box.
        keyboard_next = next(b for b in patient.buttons(window.question.keyboard) if b.accessibleName() == "Next")
        patient.settle()
        qtbot.mouseClick(keyboard_next, Qt.MouseButton.LeftButton, pos=keyboard_next.rect().center())
        qtbot.waitUntil(lambda: patient.focused_name() == "Driver's phone number")
        patient.tap("Next")  # the phone is still empty: a message beside it, nothing moves on
        patient.wait_for_text("Please type a phone number with its area code")
        assert step_on_screen(window) == f"{IM_CHECKLIST}/ride_details"
        patient.type_on_screen("5550100142")
        patient.tap("Next")
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.review, timeout=5000)
        assert window.review.submit.isEnabled()
        patient.tap("Submit")
        patient.wait_for_text("Thank you")
    finally:
        window.shutdown()


def test_in_spanish_the_date_order_is_spelled_out_and_the_looks_reset_when_the_screen_times_out(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir
) -> None:
    data_dir = make_data_dir(tmp_path / "data")
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        patient.tap("Español")
        patient.tap("Letra más grande")
        patient.tap("Alto contraste")
        # While on, each toggle says so (a tick), in the patient's language.
        assert (window.large_text_button.text(), window.contrast_button.text()) == (
            "✓ Letra más grande",
            "✓ Alto contraste",
        )
        assert window.large_text_button.isChecked() and window.contrast_button.isChecked()
        patient.tap("Comenzar")
        screen = window.identify_screen
        assert screen.dob_label.text() == "Nacimiento: mes, día, año"
        # Tapping the middle of each box and typing: every digit lands, in the order asked.
        patient.identify("Morgan", "Lee", dt.date(1995, 9, 14), names=("Nombre", "Apellido", "Mes", "Día", "Año"))
        assert (screen.month.text(), screen.day.text(), screen.year.text()) == ("09", "14", "1995")
        assert [label.text() for label in (screen.month_label, screen.day_label, screen.year_label)] == [
            "Mes",
            "Día",
            "Año",
        ]
        assert all(
            label.isVisible() for label in (screen.dob_label, screen.month_label, screen.day_label, screen.year_label)
        )
        # They walk away: the next patient meets the kiosk as it normally looks, in English.
        window.idle_guard.set_intervals(quiet_seconds=0.2, countdown_seconds=0.5)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.welcome, timeout=5000)
        assert (window.large_text_button.text(), window.contrast_button.text()) == ("Larger text", "High contrast")
        assert not window.large_text_button.isChecked() and not window.contrast_button.isChecked()
        qtbot.waitUntil(lambda: window.palette().window().color().lightness() > 200)
    finally:
        window.shutdown()
