"""Kiosk behaviour beyond the happy path: idle privacy, resume, unmatched and bad input, language switch,
unexpected errors, kiosk mode, the staff PIN pad and accessibility."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.services.backend import open_backend
from kiosk.services.checkin import identify
from kiosk.services.demo import prepared_patient_answers
from kiosk.services.intake import begin_intake, record_answer
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Answer, Arrival, AuditEntry, Flag, Intake
from kiosk.ui.patient.window import PatientWindow
from kiosk.ui.widgets.answer_button import AnswerButton
from kiosk.ui.widgets.pin_pad import PinPadDialog
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient, choose, touchscreen

SAM = ("Sam", "Taylor", dt.date(1979, 7, 2))  # returning patient: no consents due, starts at the PHQ-9


def check_in(patient: Patient, first: str, last: str, dob: dt.date) -> None:
    patient.tap("Start")
    patient.identify(first, last, dob)
    patient.tap("Next")


def every_text(root: QWidget) -> list[str]:
    """Everything a person or a screen reader could read anywhere in the window."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts += [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip(), widget.windowTitle()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.displayText()]
        if isinstance(widget, QPlainTextEdit):
            texts.append(widget.toPlainText())
    return [text for text in texts if text]


def answers_in_database(data_dir: Path, form_id: str = "phq9") -> dict[str, str]:
    backend = open_backend(data_dir)
    try:
        with unit_of_work(backend.db_factory) as db:
            latest = db.scalars(select(Intake.id).order_by(Intake.id.desc()).limit(1)).one()
            rows = db.scalars(select(Answer).where(Answer.form_id == form_id, Answer.intake_id == latest)).all()
            return {row.item_id: backend.cipher.decrypt_json(row.value_enc, context="answers.value") for row in rows}
    finally:
        backend.engine.dispose()


IM_CHECKLIST = "checklist_im_ketamine"


def sam_answered_before(
    data_dir: Path,
    overrides: Mapping[str, str] = MappingProxyType({}),
    *,
    stop_at: str = "",
    leave_out: Callable[[str], bool] = lambda _item_id: False,
) -> None:
    """Sam's visit begun through the services: PHQ-9 and GAD-7 answered 0 (the difficulty question left), then
    the IM checklist's prepared answers (`overrides` instead where given) up to `stop_at`, not included,
    without the items `leave_out` names. The kiosk then resumes where a patient who walked away would."""
    backend = open_backend(data_dir)
    try:
        match = identify(backend, *SAM).match
        assert match is not None
        state = begin_intake(backend, match.appointment_id, "en")
        for form_id in ("phq9", "gad7"):
            for item in backend.forms.get(form_id).answerable_items():
                if item.id != "difficulty":
                    record_answer(backend, state.intake_id, form_id, item.id, 0)
        for item_id, value in prepared_patient_answers(backend.forms.get(IM_CHECKLIST)):
            if item_id == stop_at:
                break
            if not leave_out(item_id):
                record_answer(backend, state.intake_id, IM_CHECKLIST, item_id, overrides.get(item_id, value))
    finally:
        backend.engine.dispose()


def step_on_screen(window: PatientWindow) -> str:
    """The flow's key of the step in view ("form/item"), or "" before a visit has begun."""
    flow = window.sitting.flow
    return flow.current.key if flow is not None else ""


def sam_resumes_at(qtbot: QtBot, patient: Patient, window: PatientWindow, key: str) -> None:
    """Sam checks in again and confirms it is him; the kiosk resumes at the step `key` ("form/item")."""
    check_in(patient, *SAM)
    patient.tap("Yes, this is me")
    qtbot.waitUntil(lambda: step_on_screen(window) == key, timeout=10_000)


def test_idle_returns_to_welcome_leaves_no_trace_and_resumes(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir
) -> None:
    data_dir = make_data_dir(tmp_path / "idle", idle_seconds=2, countdown=1)
    kiosk = open_kiosk(qtbot, data_dir)
    patient = Patient(qtbot, kiosk)
    check_in(patient, *SAM)
    patient.wait_for_text("Sam T.")
    patient.tap("Yes, this is me")
    for number, label in enumerate(("Several days", "Not at all", "More than half the days"), start=2):
        patient.tap(label)
        patient.wait_for_text(f"Question {number}")

    qtbot.waitUntil(kiosk.idle_overlay.isVisible, timeout=5000)  # "Are you still there?"
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.welcome, timeout=5000)
    # Welcome's clock is the time now, not the patient's: at 1:07 PM it read "07", Sam's birth month (seen in CI).
    clock = kiosk.welcome.clock.text()
    shown = " ".join(text for text in every_text(kiosk) if text != clock)
    for trace in ("Sam", "Taylor", "T.", "1979", "07", "Several days", "More than half"):
        assert trace not in shown, trace
    assert not any(button.isChecked() for button in kiosk.findChildren(AnswerButton))
    assert answers_in_database(data_dir) == {"q1": "LA6569-3", "q2": "LA6568-5", "q3": "LA6570-1"}

    # They come back and continue where they stopped.
    kiosk.idle_guard.set_intervals(quiet_seconds=600, countdown_seconds=30)
    check_in(patient, *SAM)
    patient.tap("Yes, this is me")
    qtbot.waitUntil(lambda: kiosk.question.item is not None and kiosk.question.item.id == "q4")
    patient.tap("Back")
    qtbot.waitUntil(lambda: kiosk.question.item is not None and kiosk.question.item.id == "q3")
    assert patient.button("More than half the days").isChecked()
    kiosk.shutdown()


def test_no_appointment_today_sends_to_the_front_desk_and_is_recorded(patient: Patient, data_dir: Path) -> None:
    check_in(patient, "Sam", "Taylor", dt.date(1979, 7, 3))
    patient.wait_for_text("Please see the front desk")
    backend = open_backend(data_dir)
    with unit_of_work(backend.db_factory) as db:
        outcomes = [arrival.outcome for arrival in db.scalars(select(Arrival))]
    backend.engine.dispose()
    assert outcomes == ["unmatched"]


@pytest.mark.parametrize(
    ("language", "dob", "message"),
    [
        ("en", ("02", "30", "1980"), "That date does not exist."),
        ("en", ("01", "01", "2099"), "That date is in the future."),
        ("en", ("01", "01", "1890"), "Please check the year of your date of birth."),
        ("es", ("02", "30", "1980"), "Esa fecha no existe."),
    ],
)
def test_bad_input_marks_its_boxes_and_says_the_first_problem_beside_next(
    qtbot: QtBot, patient: Patient, language: str, dob: tuple[str, str, str], message: str
) -> None:
    if language == "es":
        patient.tap("Español")
    patient.tap({"en": "Start", "es": "Comenzar"}[language])
    screen = patient.window.identify_screen
    for field, value in zip((screen.month, screen.day, screen.year), dob, strict=True):
        field.setFocus()
        patient.type_on_screen(value)
    next_label = {"en": "Next", "es": "Siguiente"}[language]
    patient.tap(next_label)
    # Both names are missing and the date is wrong: every box at fault is marked, the first problem is said.
    first_missing = {"en": "Please type your first name.", "es": "Por favor, escriba su nombre."}[language]
    assert screen.problem.text() == first_missing
    assert screen.first.property("invalid") and screen.last.property("invalid")
    assert any(box.property("invalid") for box in (screen.month, screen.day, screen.year))
    patient.tap_field(screen.first.accessibleName())
    patient.type_on_screen("Ana")
    patient.tap_field(screen.last.accessibleName())
    patient.type_on_screen("Ruiz")
    # The screen's Next, below the keyboard (whose own Next key would only move on to the month).
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton, pos=screen.next.rect().center())
    assert message in screen.problem.text()
    assert not screen.first.property("invalid") and not screen.last.property("invalid")
    assert patient.window.stack.currentWidget() is screen


def test_switching_language_mid_flow_keeps_every_answer(patient: Patient, kiosk: PatientWindow, data_dir: Path) -> None:
    check_in(patient, *SAM)
    patient.tap("Yes, this is me")
    patient.tap("Nearly every day")
    patient.wait_for_text("Question 2")
    patient.tap("Several days")
    patient.wait_for_text("Question 3")
    patient.tap("Español")
    patient.wait_for_text("Pregunta 3")
    assert "Durante las últimas 2 semanas" in " ".join(patient.texts())
    patient.tap("Atrás")
    patient.wait_for_text("Pregunta 2")
    assert patient.button("Varios días").isChecked()
    patient.tap("Atrás")
    patient.wait_for_text("Pregunta 1")
    assert patient.button("Casi todos los días").isChecked()
    assert answers_in_database(data_dir) == {"q1": "LA6571-9", "q2": "LA6569-3"}


def test_an_unexpected_error_shows_the_front_desk_and_keeps_what_was_entered(
    patient: Patient, kiosk: PatientWindow, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_in(patient, *SAM)
    patient.tap("Yes, this is me")
    patient.tap("Several days")
    patient.wait_for_text("Question 2")

    def broken(*_: object, **__: object) -> object:
        raise OSError("disk unplugged")

    monkeypatch.setattr("kiosk.services.intake.record_answer", broken)
    patient.tap("Not at all")
    patient.wait_for_text("Something went wrong on our side. Everything you entered is saved.")
    assert "Traceback" not in " ".join(every_text(kiosk))
    assert answers_in_database(data_dir) == {"q1": "LA6569-3"}


def test_kiosk_mode_ignores_closing_and_escape(qtbot: QtBot, data_dir: Path) -> None:
    kiosk = open_kiosk(qtbot, data_dir)
    kiosk.allow_close = False
    assert kiosk.windowFlags() & Qt.WindowType.FramelessWindowHint
    event = QCloseEvent()
    kiosk.closeEvent(event)
    assert not event.isAccepted()
    QTest.keyClick(kiosk, Qt.Key.Key_Escape)
    assert kiosk.isVisible()
    kiosk.allow_close = True
    kiosk.shutdown()


def tap_corner(kiosk: PatientWindow, times: int) -> None:
    for _ in range(times):
        QTest.touchEvent(kiosk, touchscreen()).press(0, QPoint(20, 20), kiosk).commit()
        QTest.touchEvent(kiosk, touchscreen()).release(0, QPoint(20, 20), kiosk).commit()


def pin_pad(kiosk: PatientWindow) -> PinPadDialog:
    pads = [pad for pad in kiosk.findChildren(PinPadDialog) if pad.isVisible()]
    assert pads
    return pads[-1]


def enter_pin(qtbot: QtBot, pad: PinPadDialog, pin: str) -> None:
    for digit in pin:
        key = next(b for b in pad.findChildren(QAbstractButton) if b.accessibleName() == digit)
        qtbot.mouseClick(key, Qt.MouseButton.LeftButton)
    ok = next(b for b in pad.findChildren(QAbstractButton) if b.accessibleName() == "OK")
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)


def test_hidden_gesture_pin_pad_locks_after_five_wrong_pins(qtbot: QtBot, data_dir: Path) -> None:
    kiosk = open_kiosk(qtbot, data_dir)
    tap_corner(kiosk, 4)
    assert not [pad for pad in kiosk.findChildren(PinPadDialog) if pad.isVisible()]
    tap_corner(kiosk, 1)
    qtbot.waitUntil(lambda: bool([p for p in kiosk.findChildren(PinPadDialog) if p.isVisible()]))
    pad = pin_pad(kiosk)
    for attempt in range(1, 6):
        enter_pin(qtbot, pad, "0000")
        qtbot.waitUntil(lambda: bool(pad.error_text()))
        if attempt < 5:
            assert "not right" in pad.error_text()
            pad.clear_error()
    qtbot.waitUntil(pad.is_locked)
    assert "locked" in pad.error_text().lower()
    # The right PIN is refused while locked, and the lock survives a restart (it is kept in the database).
    kiosk.allow_close = True
    kiosk.shutdown()
    kiosk.close()
    again = open_kiosk(qtbot, data_dir)
    tap_corner(again, 5)
    qtbot.waitUntil(lambda: bool([p for p in again.findChildren(PinPadDialog) if p.isVisible()]))
    qtbot.waitUntil(pin_pad(again).is_locked)
    backend = open_backend(data_dir)
    with unit_of_work(backend.db_factory) as db:
        actions = [entry.action for entry in db.scalars(select(AuditEntry))]
    backend.engine.dispose()
    assert actions.count("staff.pin_failed") == 4
    assert "staff.pin_pad_locked" in actions
    again.shutdown()


def test_the_right_pin_opens_the_staff_menu_and_ends_the_patients_sitting(qtbot: QtBot, data_dir: Path) -> None:
    kiosk = open_kiosk(qtbot, data_dir)
    patient = Patient(qtbot, kiosk)
    check_in(patient, *SAM)
    patient.wait_for_text("Sam T.")
    tap_corner(kiosk, 5)
    qtbot.waitUntil(lambda: bool([p for p in kiosk.findChildren(PinPadDialog) if p.isVisible()]))
    enter_pin(qtbot, pin_pad(kiosk), "2468")  # the demo clinician's PIN
    qtbot.waitUntil(lambda: kiosk.staff_unlock is not None and kiosk.staff_unlock.menu is not None)  # type: ignore[attr-defined]
    assert kiosk.stack.currentWidget() is kiosk.welcome
    assert "Sam" not in " ".join(every_text(kiosk.stack))
    menu = kiosk.staff_unlock.menu  # type: ignore[attr-defined]
    qtbot.mouseClick(menu.buttons["Leave kiosk mode"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not kiosk.isVisible())


def assert_touch_friendly(patient: Patient) -> None:
    for button in patient.buttons():
        label = button.text().replace("&&", "&")
        if label:
            assert button.accessibleName() == label
        assert button.height() >= 56, (button.accessibleName(), button.height())


def test_accessible_names_sizes_and_large_text(patient: Patient, kiosk: PatientWindow) -> None:
    patient.tap("Start")
    assert_touch_friendly(patient)
    for field in kiosk.identify_screen.findChildren(QLineEdit):
        assert field.accessibleName() in ("First name", "Last name", "Month", "Day", "Year")
    patient.identify(*SAM)
    patient.tap("Next")
    patient.tap("Yes, this is me")
    patient.wait_for_text("Question 1")
    assert_touch_friendly(patient)
    question = kiosk.question.question
    assert question.font().pointSizeF() >= 20
    before = question.font().pointSizeF()
    patient.tap("Larger text")
    patient.qtbot.waitUntil(lambda: kiosk.question.question.font().pointSizeF() > before)
    patient.tap("High contrast")
    patient.qtbot.waitUntil(lambda: kiosk.palette().window().color().lightness() < 40)
    assert_touch_friendly(patient)
    # While on, each toggle says so in words; the next patient meets the kiosk as it normally looks.
    assert (kiosk.large_text_button.text(), kiosk.contrast_button.text()) == ("✓ Larger text", "✓ High contrast")
    kiosk.end_sitting()
    patient.qtbot.waitUntil(lambda: kiosk.palette().window().color().lightness() > 200)
    assert kiosk.question.question.font().pointSizeF() == before
    assert (kiosk.large_text_button.text(), kiosk.contrast_button.text()) == ("Larger text", "High contrast")
    assert not kiosk.large_text_button.isChecked() and not kiosk.contrast_button.isChecked()


def test_a_hold_is_stored_at_once_and_the_patient_is_told_kindly(
    patient: Patient, kiosk: PatientWindow, data_dir: Path
) -> None:
    check_in(patient, *SAM)
    patient.tap("Yes, this is me")
    for _ in range(60):
        patient.qtbot.waitUntil(lambda: kiosk.stack.currentWidget() in (kiosk.question, kiosk.review))
        if kiosk.stack.currentWidget() is kiosk.review:
            break
        item = kiosk.question.item
        assert item is not None
        key = kiosk.sitting.flow.current.key if kiosk.sitting.flow else ""
        if item.id == "ride_home":
            patient.tap("No")  # no ride home arranged: a hold
            patient.qtbot.waitUntil(lambda: "ride" in str(flags_of_latest(data_dir)))
        else:
            choose(patient, kiosk, "en", 0)
        patient.qtbot.waitUntil(
            lambda key=key: kiosk.sitting.flow is not None and kiosk.sitting.flow.current.key != key
        )
    patient.tap("Submit")
    patient.wait_for_text("A member of our team will talk with you about a few of your answers before your session.")
    assert "ride" in str(flags_of_latest(data_dir))


def flags_of_latest(data_dir: Path) -> list[tuple[str, str]]:
    backend = open_backend(data_dir)
    try:
        with unit_of_work(backend.db_factory) as db:
            latest = db.scalars(select(Intake.id).order_by(Intake.id.desc()).limit(1)).one()
            return [(f.code, f.level) for f in db.scalars(select(Flag).where(Flag.intake_id == latest))]
    finally:
        backend.engine.dispose()


def test_staff_open_the_console_from_the_tablet_after_the_pin(qtbot: QtBot, data_dir: Path) -> None:
    from kiosk.ui.staff.window import StaffWindow

    kiosk = open_kiosk(qtbot, data_dir)
    tap_corner(kiosk, 5)
    qtbot.waitUntil(lambda: bool([p for p in kiosk.findChildren(PinPadDialog) if p.isVisible()]))
    enter_pin(qtbot, pin_pad(kiosk), "2468")
    qtbot.waitUntil(lambda: kiosk.staff_unlock is not None and kiosk.staff_unlock.menu is not None)  # type: ignore[attr-defined]
    menu = kiosk.staff_unlock.menu  # type: ignore[attr-defined]
    qtbot.mouseClick(menu.buttons["Open the staff console"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(w.isVisible() for w in kiosk.findChildren(StaffWindow)))
    console = next(w for w in kiosk.findChildren(StaffWindow) if w.isVisible())
    assert console.identity is not None and console.identity.username == "dr.rivera"  # no second sign-in
    qtbot.waitUntil(lambda: console.console is not None)
    console.close()
    kiosk.shutdown()


def test_an_unreachable_database_shows_the_front_desk_screen_and_logs_one_sentence(
    qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The kiosk started on a database server that refuses the connection: the patient sees "please see the
    front desk", and the terminal and the log get one sentence naming the database, no traceback."""
    import logging

    from kiosk.app import OneLine
    from kiosk.settings import DEFAULT_SETTINGS

    data_dir = tmp_path / "unreachable"
    data_dir.mkdir()
    url = "postgresql+psycopg://kiosk:secret@127.0.0.1:1/kiosk"
    (data_dir / "settings.toml").write_text(DEFAULT_SETTINGS.replace('url = ""', f'url = "{url}"'))
    kiosk = open_kiosk(qtbot, data_dir)
    qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.problem, timeout=10000)
    [record] = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert record.exc_info is None
    line = OneLine().format(record)
    assert line.startswith("kiosk: The kiosk cannot open its data: The database postgresql+psycopg://kiosk:***@")
    assert "cannot be reached" in line and "secret" not in line and "\n" not in line
