"""A hurried, unsure finger on the real kiosk, with the real beat (300 ms) and input guard (400 ms): a
second tap 120 ms or 450 ms after the first never answers a question the patient has not seen."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from pytestqt.qtbot import QtBot

from kiosk.ui.patient.window import PatientWindow
from kiosk.ui.widgets.answer_button import AnswerButton
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient, choose
from tests.ui.patient.test_kiosk_behaviour import SAM, answers_in_database, check_in


def _tap_at(qtbot: QtBot, window: PatientWindow, point: QPoint) -> None:
    """A tap at a place on the window: whatever is under the finger then gets it, as on glass."""
    target = window.childAt(point)
    assert target is not None
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, point))


def _wait(milliseconds: int) -> None:
    end = time.monotonic() + milliseconds / 1000
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.005)


def _sam_at_the_first_question(qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir) -> tuple[Path, PatientWindow]:
    """The real kiosk (guard 400 ms, beat 300 ms) with Sam checked in and the first question on the screen; the
    caller shuts the window down."""
    data_dir = make_data_dir(tmp_path / "data", input_guard_ms=400, answer_beat_ms=300)
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        check_in(patient, *SAM)
        patient.tap("Yes, this is me")
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.question, timeout=10_000)
    except BaseException:
        window.shutdown()
        raise
    return data_dir, window


@pytest.mark.parametrize("gap_ms", [120, 450])
def test_a_second_tap_never_answers_the_next_question(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir, gap_ms: int
) -> None:
    data_dir, window = _sam_at_the_first_question(qtbot, tmp_path, make_data_dir)
    try:
        assert window.question.item is not None and window.question.item.id == "q1"
        _wait(500)  # the patient reads question 1
        buttons = [b for b in window.question.pool if isinstance(b, AnswerButton) and b.isVisible()]
        place = buttons[2].mapTo(window, buttons[2].rect().center())
        _tap_at(qtbot, window, place)
        _wait(gap_ms)
        _tap_at(qtbot, window, place)  # unsure: the same spot again
        qtbot.waitUntil(lambda: window.question.item is not None and window.question.item.id == "q2", timeout=5000)
        _wait(800)
        answers = answers_in_database(data_dir)
        assert list(answers) == ["q1"], answers
        assert window.question.item.id == "q2"
        assert not any(b.isChecked() for b in window.question.pool if b.isVisible())
        # After the guard time, a deliberate tap on question 2 counts as usual.
        _tap_at(qtbot, window, place)
        qtbot.waitUntil(lambda: "q2" in answers_in_database(data_dir), timeout=5000)
    finally:
        window.shutdown()


def test_on_arrival_at_every_question_nothing_is_focused_or_chosen(qtbot: QtBot, data_dir: Path) -> None:
    """Every question of the PHQ-9, GAD-7 and the checklist, reached by taps (answers, Next after typed
    fields and notes): no answer has the focus (no ring) and none looks chosen before the patient touches it."""
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        check_in(patient, *SAM)
        patient.tap("Yes, this is me")
        seen: list[str] = []
        for _ in range(60):
            qtbot.waitUntil(lambda: window.stack.currentWidget() in (window.question, window.review))
            if window.stack.currentWidget() is window.review:
                break
            item = window.question.item
            assert item is not None
            seen.append(item.id)
            focused = QApplication.focusWidget()
            # Nothing that can look chosen holds the focus: at most the window itself or a typed field.
            assert focused is None or focused is window or isinstance(focused, QLineEdit | QPlainTextEdit), (
                item.id,
                focused,
            )
            chosen = [b.text() for b in window.question.pool if b.isVisible() and b.isChecked()]
            assert chosen == [], (item.id, chosen)
            key = window.sitting.flow.current.key if window.sitting.flow else ""
            choose(patient, window, "en", 0)
            qtbot.waitUntil(lambda key=key: window.sitting.flow is not None and window.sitting.flow.current.key != key)
        assert {"q1", "q9", "ride_home", "ride_details", "no_driving_agreed"} <= set(seen)
    finally:
        window.shutdown()


def test_every_tap_on_the_kiosk_counts_as_someone_there_even_one_the_guard_swallows(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir
) -> None:
    """The idle guard hears the taps through the input guard's filter on the application: a patient tapping
    (even too soon after a new question, when the tap itself is ignored) is never told "Are you still there?"."""
    _, window = _sam_at_the_first_question(qtbot, tmp_path, make_data_dir)
    try:
        window.idle_guard.set_intervals(quiet_seconds=0.6, countdown_seconds=30)
        label = window.question.question
        place = label.mapTo(window, label.rect().center())  # the question's words: a tap that answers nothing
        for _ in range(4):
            _wait(300)
            window.input_guard.arm()  # as a new screen does: this tap is swallowed, and still counts
            swallowed = window.input_guard.swallowed
            _tap_at(qtbot, window, place)
            assert window.input_guard.swallowed > swallowed
        _wait(300)
        assert not window.idle_overlay.isVisible()  # 1.5 s of tapping, with a 0.6 s quiet time
        qtbot.waitUntil(window.idle_overlay.isVisible, timeout=5000)  # and once the taps stop, the guard warns
    finally:
        window.shutdown()
