"""The patient's path as real patients use it (issue 8): the crisis message at the moment it is due, a check
that it is really them, where they are in the visit, larger text that fits, the staff menu, and words that fit a
first visit."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.exceptions import TimeoutError
from pytestqt.qtbot import QtBot

from kiosk.domain.forms import FormKind
from kiosk.domain.visit_needs import VisitTask
from kiosk.ui.patient.flow import PatientFlow, Step, StepKind
from kiosk.ui.patient.window import PatientWindow
from kiosk.ui.widgets.answer_button import AnswerButton
from kiosk.ui.widgets.pin_pad import PinPadDialog
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient, choose

Place = frozenset[tuple[int, int, int, int]]
"""Where a screen's answer buttons are: (x, y, width, height) of each, in the window."""

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


# ----------------------------------------------------------------------------------- 13. check that it is you


def test_is_this_you_shows_a_large_appointment_card_with_am_pm(
    qtbot: QtBot, patient: Patient, kiosk: PatientWindow
) -> None:
    check_in(patient, *SAM)
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.confirm)
    screen = kiosk.confirm
    assert screen.card.isVisible()
    assert screen.card_name.text() == "Sam T."
    assert screen.card_time.text() == "8:00 AM"
    assert screen.card_visit.text() == "IM ketamine session"
    # The lines to check are the largest on the screen, never smaller than the question above them.
    assert screen.card_name.font().pointSizeF() >= screen.title.font().pointSizeF()
    assert screen.card_time.font().pointSizeF() >= screen.title.font().pointSizeF()
    assert screen.card_visit.font().pointSizeF() >= screen.message.font().pointSizeF()
    patient.tap("Español")
    qtbot.waitUntil(lambda: screen.card_time.text() == "8:00 a.\xa0m.")
    assert screen.card_visit.text() == "Sesión de ketamina IM"
    assert "Su cita de hoy" in patient.texts()


def test_no_this_is_not_me_says_so_and_offers_try_again_and_the_front_desk(
    qtbot: QtBot, patient: Patient, kiosk: PatientWindow
) -> None:
    check_in(patient, *SAM)
    patient.tap("No, this is not me")
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.not_me)
    shown = " ".join(patient.texts())
    assert "That appointment is not yours" in shown
    assert "could not find" not in shown
    assert "Sam T." not in " ".join(label.text() for label in kiosk.confirm.findChildren(QLabel))
    assert patient.has_button("I will ask at the front desk")
    patient.tap("Try again")
    # Back on the identify screen with what they typed, to mend a slip rather than type it all again.
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.identify_screen)
    assert kiosk.identify_screen.first.text() == "Sam"
    kiosk.identify_screen.day.clear()
    patient.tap_field("Day")
    patient.type_on_screen("02")
    patient.tap("Next")
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.confirm)
    assert kiosk.confirm.card_name.text() == "Sam T."
    patient.tap("No, this is not me")
    patient.tap("I will ask at the front desk")
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.welcome)


# ----------------------------------------------------------------------------------- 12. knowing where you are


def test_step_totals_never_change_and_answers_stay_in_place_across_a_whole_visit(
    qtbot: QtBot, patient: Patient, kiosk: PatientWindow
) -> None:
    check_in(patient, *SAM)
    patient.tap("Yes, this is me")
    qtbot.waitUntil(lambda: kiosk.sitting.flow is not None)
    seen: list[tuple[str, str, str]] = []  # (form, item, progress line)
    places: dict[tuple[str, int], set[Place]] = {}  # (form, answers) -> where
    for _ in range(60):
        flow = kiosk.sitting.flow
        assert flow is not None
        step = flow.current
        if step.kind is StepKind.REVIEW:
            break
        qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.question and kiosk.question.item is not None)
        screen = kiosk.question
        assert screen.form is not None and screen.item is not None
        seen.append((screen.form.id, screen.item.id, screen.progress.text()))
        answers = [b for b in screen.pool if b.isVisible()]
        if screen.form.kind.value == "questionnaire" and answers:
            # Where the answers are once the screen has settled (as a person sees it): the same twice running.
            seen_places: list[Place] = []

            def settled(answers: list[AnswerButton] = answers, seen_places: list[Place] = seen_places) -> bool:
                seen_places.append(
                    frozenset(
                        (*tuple(b.mapTo(kiosk, b.rect().topLeft()).toTuple()), b.width(), b.height()) for b in answers
                    )
                )
                return len(seen_places) > 1 and seen_places[-1] == seen_places[-2]

            qtbot.waitUntil(settled)
            places.setdefault((screen.form.id, len(answers)), set()).add(seen_places[-1])
        assert screen.intro.isVisible() is (step.number == 1 and screen.item.type.value != "display")
        choose(patient, kiosk, "en", 0)
        qtbot.waitUntil(lambda step=step, flow=flow: flow.current.key != step.key)
    forms = [form for form, _item, _line in seen]
    # The walk opened follow-up questions (the PHQ-9 and GAD-7 difficulty questions at least)...
    assert ("phq9", "difficulty") in [(form, item) for form, item, _ in seen]
    # ...and every progress line kept the same total: 3 parts for Sam (PHQ-9, GAD-7, checklist).
    expected = {"phq9": "Step 1 of 3: How you have been feeling", "gad7": "Step 2 of 3: Nerves and worry"}
    expected["checklist_im_ketamine"] = "Step 3 of 3: Before your session"
    for form, item, line in seen:
        assert line.startswith(expected[form] + " · Question "), (form, item, line)
        assert " of " not in line.split(" · ")[1]  # no count of questions that could change
    assert forms == sorted(forms, key=list(expected).index)
    # The answers of a questionnaire are at one place on every question, whether its words take 1 line or 3.
    for key, tops in places.items():
        assert len(tops) == 1, (key, tops)


# ----------------------------------------------------------------------------------- 7. larger text that works


def _inside(widget: QWidget, area: QWidget) -> bool:
    """Whether all of `widget` is inside what `area` shows (both mapped to the window)."""
    window = widget.window()
    shown = QRect(area.mapTo(window, QPoint(0, 0)), area.size())
    return shown.contains(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()))


def _layout_problems(kiosk: PatientWindow) -> list[str]:
    """What a patient could not see or reach on the question shown, in words."""
    screen = kiosk.question
    problems: list[str] = []
    bar = screen.options_area.verticalScrollBar()
    answers = [b for b in screen.pool if b.isVisible()]
    if answers and bar.maximum() > 0:
        problems.append(f"the answers need a scrollbar ({bar.maximum()} px)")
    for answer in answers:
        if not _inside(answer, kiosk) or not _inside(answer, screen.options_area.viewport()):
            problems.append(f"answer {answer.text()!r} is not fully in view")
    for text in (screen.progress, screen.intro, screen.stem, screen.question, screen.help):
        if text.isVisible() and (text.height() < text.heightForWidth(text.width()) or not _inside(text, kiosk)):
            problems.append(f"text {text.text()[:30]!r} is cut")
    if (
        screen.question.mapTo(kiosk, QPoint(0, screen.question.height())).y()
        > screen.answer_area.mapTo(kiosk, QPoint(0, 0)).y()
    ):
        problems.append("the answers lie over the question")
    for field in screen.fields:
        if not _inside(field.edit, kiosk):
            problems.append(f"field {field.edit.accessibleName()!r} is not in view")
        if field.title.isVisible() and field.title.geometry().bottom() > field.edit.geometry().top():
            problems.append(f"the label of {field.edit.accessibleName()!r} lies under its box")
    for control in (screen.back, screen.next, screen.skip):
        if control.isVisible() and not _inside(control, kiosk):
            problems.append(f"{control.text()!r} is not in view")
    return problems


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768), (800, 1280)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_in_large_text_every_answer_of_every_question_is_in_view_without_scrolling(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path, size: tuple[int, int]
) -> None:
    kiosk = open_kiosk(qtbot, make_data_dir(tmp_path / "kiosk-data"), size=size)
    patient = Patient(qtbot, kiosk)
    patient.tap("Larger text")
    check_in(patient, *SAM)
    patient.tap("Yes, this is me")
    qtbot.waitUntil(lambda: kiosk.sitting.flow is not None)
    library = kiosk.backend.forms
    # Every form a patient answers, every item of it, the follow-ups too (shown here whatever opens them).
    # What a patient answers: questionnaires and checklists (consents have their own screen; session records
    # are the staff's, on the console).
    forms = [form for form in library.forms.values() if form.kind in (FormKind.QUESTIONNAIRE, FormKind.CHECKLIST)]
    assert {"phq9", "gad7", "checklist_im_ketamine", "checklist_spravato"} <= {form.id for form in forms}
    kiosk.sitting.flow = PatientFlow(library, tuple(VisitTask(form.id, form.kind) for form in forms), {}, frozenset())
    checked = 0
    for language, switch in (("en", None), ("es", "Español")):
        if switch is not None:
            patient.tap(switch)
            qtbot.waitUntil(lambda language=language: kiosk.language == language)
        for form in forms:
            for number, item in enumerate(form.items, start=1):
                kiosk.show_step(Step(StepKind.QUESTION, form.id, item.id, number))
                qtbot.waitUntil(lambda item=item: kiosk.question.item is item and kiosk.question.isVisible())
                with contextlib.suppress(TimeoutError):  # the assertion below says what is wrong
                    qtbot.waitUntil(lambda: not _layout_problems(kiosk), timeout=1500)
                assert _layout_problems(kiosk) == [], (language, form.id, item.id)
                checked += 1
    assert checked == 2 * sum(len(form.items) for form in forms)
    kiosk.shutdown()


# ----------------------------------------------------------------------------------- 15. the staff menu


def test_the_staff_menu_is_a_card_over_a_dimmed_screen_and_follows_the_language(
    qtbot: QtBot, patient: Patient, kiosk: PatientWindow
) -> None:
    from kiosk.ui.patient.staff_unlock import StaffMenu
    from tests.ui.patient.test_kiosk_behaviour import enter_pin, pin_pad, tap_corner

    tap_corner(kiosk, 5)
    qtbot.waitUntil(lambda: bool([p for p in kiosk.findChildren(PinPadDialog) if p.isVisible()]))
    enter_pin(qtbot, pin_pad(kiosk), "2468")  # the demo clinician's PIN
    qtbot.waitUntil(lambda: any(menu.isVisible() for menu in kiosk.findChildren(StaffMenu)))
    menu = next(menu for menu in kiosk.findChildren(StaffMenu) if menu.isVisible())
    # It covers the patient screens (the Welcome title is under it, not beside its buttons)...
    assert menu.geometry() == kiosk.stack.rect()
    assert _inside(kiosk.welcome.clinic, menu)
    # ...dimmed everywhere outside the card, and its buttons sit on the card.
    picture = kiosk.grab().toImage()
    corner = menu.mapTo(kiosk, QPoint(8, 8))
    welcome_title = kiosk.welcome.clinic.mapTo(kiosk, kiosk.welcome.clinic.rect().center())
    for point in (corner, welcome_title):
        if not menu.card.geometry().contains(menu.mapFrom(kiosk, point)):
            assert picture.pixelColor(point).lightness() < 60, point
    for choice in menu.buttons.values():
        assert _inside(choice, menu.card)
    assert menu.title.text() == "Staff menu"
    assert [b.text() for b in menu.buttons.values()] == [
        "Open the staff console",
        "Leave kiosk mode",
        "Back to the kiosk",
    ]
    patient.tap("Español")
    qtbot.waitUntil(lambda: menu.title.text() == "Menú del personal")
    assert [b.text() for b in menu.buttons.values()] == [
        "Abrir la consola del personal",
        "Salir del modo quiosco",
        "Volver al quiosco",
    ]
    assert menu.greeting.text() == "Sesión iniciada como Dr. Alex Rivera (demo)."
    patient.tap("Volver al quiosco")
    qtbot.waitUntil(lambda: not any(m.isVisible() for m in kiosk.findChildren(StaffMenu)))
    assert kiosk.stack.currentWidget() is kiosk.welcome


# ----------------------------------------------------------------------------------- 11. words that fit the visit


def _walk_to(patient: Patient, kiosk: PatientWindow, qtbot: QtBot, item_id: str) -> None:
    for _ in range(40):
        qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.question and kiosk.question.item is not None)
        if on_item(kiosk, item_id):
            return
        flow = kiosk.sitting.flow
        assert flow is not None
        step = flow.current
        choose(patient, kiosk, "en", 0)
        qtbot.waitUntil(lambda step=step, flow=flow: flow.current.key != step.key)
    raise AssertionError(f"{item_id} never came")


def test_a_returning_patient_reads_since_your_last_visit_and_sees_the_contact_on_file(
    qtbot: QtBot, patient: Patient, kiosk: PatientWindow
) -> None:
    check_in(patient, *SAM)
    patient.tap("Yes, this is me")
    qtbot.waitUntil(lambda: kiosk.sitting.flow is not None)
    assert kiosk.sitting.flow is not None and not kiosk.sitting.flow.first_visit
    _walk_to(patient, kiosk, qtbot, "medication_changed")
    assert kiosk.question.question.text().startswith("Since your last visit")
    _walk_to(patient, kiosk, qtbot, "emergency_contact_correct")
    assert kiosk.question.record.isVisible()
    assert kiosk.question.record.text() == "Emergency contact on file: J. Example, (555) ...-0199"
    patient.tap("Español")
    qtbot.waitUntil(lambda: kiosk.question.record.text().startswith("Contacto de emergencia en su expediente"))
    assert "J. Example, (555) ...-0199" in kiosk.question.record.text()


def test_a_first_visit_reads_words_for_a_first_visit_everywhere(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path
) -> None:
    from kiosk.services.backend import open_backend
    from kiosk.services.checkin import identify
    from kiosk.services.intake import begin_intake, record_answer
    from tests.services.test_intake import sign_all_consents

    data_dir = make_data_dir(tmp_path / "kiosk-data")
    morgan = ("Morgan", "Lee", dt.date(1995, 9, 14))  # no earlier visit at all
    backend = open_backend(data_dir)
    try:  # consents signed and questionnaires answered already: the check-in resumes at the checklist
        match = identify(backend, *morgan).match
        assert match is not None
        intake_id = begin_intake(backend, match.appointment_id, "en").intake_id
        sign_all_consents(backend, intake_id, "Morgan Lee")
        for form_id in ("phq9", "gad7"):
            for item in backend.forms.get(form_id).answerable_items():
                if item.id != "difficulty":
                    record_answer(backend, intake_id, form_id, item.id, 0)
    finally:
        backend.engine.dispose()
    kiosk = open_kiosk(qtbot, data_dir)
    patient = Patient(qtbot, kiosk)
    check_in(patient, *morgan)
    patient.tap("Yes, this is me")
    qtbot.waitUntil(lambda: kiosk.sitting.flow is not None)
    assert kiosk.sitting.flow is not None and kiosk.sitting.flow.first_visit
    _walk_to(patient, kiosk, qtbot, "medication_changed")
    assert kiosk.question.question.text() == (
        "In the last 4 weeks, have you started, stopped, or changed the dose of any medicine?"
    )
    _walk_to(patient, kiosk, qtbot, "emergency_contact_correct")
    assert kiosk.question.question.text() == "Is the emergency contact we have on file for you correct?"
    assert kiosk.question.record.text() == "Emergency contact on file: J. Example, (555) ...-0199"
    walk_to_review(patient, kiosk, qtbot)
    listed = " ".join(label.text() for label in kiosk.review.findChildren(QLabel) if label.isVisible())
    assert "In the last 4 weeks, have you started" in listed
    assert "last visit" not in listed and "still correct" not in listed
    kiosk.shutdown()
