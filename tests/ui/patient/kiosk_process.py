"""A kiosk in its own process, driven by taps like the in-process tests, for the crash test.

python kiosk_process.py DATA_DIR answer N     check in as Sam Taylor, answer N PHQ-9 questions, print
                                              "answered qK" after each is shown accepted, then "ready",
                                              and wait (to be killed)
python kiosk_process.py DATA_DIR resume       check in again and print where the flow resumed, as JSON
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO))

from kiosk.app import application, build_kiosk  # noqa: E402
from kiosk.ui.patient.window import PatientWindow  # noqa: E402
from tests.ui.patient.driver import Patient  # noqa: E402

ANSWERS = ["Several days", "More than half the days", "Not at all", "Nearly every day", "Several days", "Not at all"]


class Bot:
    """The few QtBot calls the Patient driver uses, for a process without pytest."""

    def mouseClick(self, widget: QWidget, button: Qt.MouseButton, pos: QPoint | None = None) -> None:
        QTest.mouseClick(widget, button, Qt.KeyboardModifier.NoModifier, pos if pos is not None else QPoint())

    def keyClicks(self, widget: QWidget, text: str) -> None:
        QTest.keyClicks(widget, text)

    def wait(self, ms: int) -> None:
        QTest.qWait(ms)

    def waitUntil(self, condition: Callable[[], object], timeout: int = 5000) -> None:
        deadline = time.monotonic() + timeout / 1000
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            QTest.qWait(10)


def say(line: str) -> None:
    print(line, flush=True)


def main() -> int:
    data_dir, mode = Path(sys.argv[1]), sys.argv[2]
    app = application()
    window = build_kiosk(data_dir)
    assert isinstance(window, PatientWindow)
    try:
        return drive(app, window, mode)
    finally:
        window.shutdown()


def drive(app: QApplication, window: PatientWindow, mode: str) -> int:
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    patient = Patient(Bot(), window)  # type: ignore[arg-type]
    patient.tap("Start")
    patient.identify("Sam", "Taylor", dt.date(1979, 7, 2))
    patient.tap("Next")
    patient.tap("Yes, this is me")
    patient.wait_for_text("Question ")
    if mode == "answer":
        count = int(sys.argv[3])
        for number in range(1, count + 1):
            patient.tap(ANSWERS[number - 1])
            patient.wait_for_text(f"Question {number + 1}")  # the next question is shown: this one was accepted
            say(f"answered q{number}")
        say("ready")
        app.exec()
        return 0
    resumed_at = window.question.item.id if window.question.item else None
    chosen = {}
    for _ in range(10):
        if not patient.has_button("Back") or window.question.item is None or window.question.item.id == "q1":
            break
        patient.tap("Back")
        patient.qtbot.wait(30)
        item = window.question.item
        checked = [b.accessibleName() for b in patient.buttons() if b.isCheckable() and b.isChecked()]
        chosen[item.id] = checked
    say(json.dumps({"resumed_at": resumed_at, "chosen": chosen}))
    window.allow_close = True
    return 0


if __name__ == "__main__":
    sys.exit(main())
