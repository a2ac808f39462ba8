"""The patient's path as real patients use it (issue 8): the crisis message at the moment it is due, a check
that it is really them, where they are in the visit, larger text that fits, the staff menu, and words that fit a
first visit."""

from __future__ import annotations

import datetime as dt

from pytestqt.qtbot import QtBot

from kiosk.ui.patient.flow import StepKind
from kiosk.ui.patient.window import PatientWindow
from tests.ui.patient.driver import Patient, choose

SAM = ("Sam", "Taylor", dt.date(1979, 7, 2))  # returning patient: no consents due, starts at the PHQ-9


def check_in(patient: Patient, first: str, last: str, dob: dt.date) -> None:
    patient.tap("Start")
    patient.identify(first, last, dob)
    patient.tap("Next")


def on_item(kiosk: PatientWindow, item_id: str) -> bool:
    item = kiosk.question.item
    return kiosk.stack.currentWidget() is kiosk.question and item is not None and item.id == item_id


def walk_to_review(patient: Patient, kiosk: PatientWindow, qtbot: QtBot) -> None:
    """Answer whatever is asked, calmly, until Review."""
    for _ in range(60):
        flow = kiosk.sitting.flow
        assert flow is not None
        step = flow.current
        if step.kind is StepKind.REVIEW:
            qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.review)
            return
        qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.question)
        choose(patient, kiosk, "en", 0)
        qtbot.waitUntil(lambda step=step, flow=flow: flow.current.key != step.key)
    raise AssertionError("Review never came")


# ----------------------------------------------------------------------------------- 14. after a crisis answer


def test_crisis_message_comes_right_after_item9_and_the_thank_you_says_someone_will_come(
    qtbot: QtBot, patient: Patient, kiosk: PatientWindow
) -> None:
    check_in(patient, *SAM)
    patient.tap("Yes, this is me")
    for number in range(1, 9):
        qtbot.waitUntil(lambda number=number: on_item(kiosk, f"q{number}"))
        patient.tap("Not at all")
    qtbot.waitUntil(lambda: on_item(kiosk, "q9"))
    patient.tap("Several days")
    # Straight to the message: the unscored difficulty question has not been asked yet.
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.crisis)
    assert "difficulty" not in kiosk.sitting.flow.answers["phq9"]  # type: ignore[union-attr]
    assert "988" in " ".join(patient.texts())
    patient.tap("Continue")
    qtbot.waitUntil(lambda: on_item(kiosk, "difficulty"))
    walk_to_review(patient, kiosk, qtbot)
    patient.tap("Submit")
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.thank_you)
    shown = " ".join(patient.texts())
    assert "talk with you before anything else" in shown
    assert "call your name" not in shown
    assert "988" in shown
    # The next patient's thank-you is the usual one again.
    patient.tap("Done")
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.welcome)
    assert "call your name" in kiosk.thank_you.message.text()
