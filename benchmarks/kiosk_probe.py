"""A kiosk process measured from the inside, for benchmarks/patient.py.

python kiosk_probe.py DATA_DIR startup    print "painted" the moment Welcome is first painted, then exit
python kiosk_probe.py DATA_DIR walk       walk a whole check-in by taps; print per-answer timings and peak memory
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()


def peak_kib() -> int:
    """Peak resident memory of this process image. Linux's VmHWM, because ru_maxrss survives exec() and would
    report the parent's size when that was larger; ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def startup(data_dir: Path) -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from kiosk.app import application, build_kiosk

    app = application()
    window = build_kiosk(data_dir)

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is getattr(window, "welcome", None) and not self.seen:
                self.seen = True
                print(f"painted {time.perf_counter() - STARTED:.4f}", flush=True)
                poll.start(20)
            return False

    def ready() -> None:
        # Welcome is up; wait for the database to be open on the worker, as it is when the first patient arrives.
        if window.handle.is_open:  # type: ignore[attr-defined]
            poll.stop()
            print(f"ready {peak_kib()}", flush=True)
            QApplication.exit(0)

    poll = QTimer()
    poll.timeout.connect(ready)

    spy = FirstPaint()
    spy.seen = False  # type: ignore[attr-defined]
    window.welcome.installEventFilter(spy)  # type: ignore[attr-defined]
    window.resize(1280, 800)
    window.show()
    code = app.exec()
    window.shutdown()  # type: ignore[attr-defined]
    return code


def walk(data_dir: Path) -> int:
    from PySide6.QtCore import QEvent, QObject, QPoint, Qt
    from PySide6.QtTest import QTest

    from kiosk.app import application, build_kiosk
    from kiosk.ui.patient.flow import StepKind
    from kiosk.ui.patient.window import PatientWindow
    from tests.ui.patient.driver import Patient
    from tests.ui.patient.kiosk_process import Bot
    from tests.ui.patient.test_walkthrough import choose

    application()
    window = build_kiosk(data_dir)
    assert isinstance(window, PatientWindow)
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    patient = Patient(Bot(), window)  # type: ignore[arg-type]
    painted: list[float] = []

    class QuestionPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                painted.append(time.perf_counter())
            return False

    spy = QuestionPaint()
    window.question.question.installEventFilter(spy)
    answered_at: list[float] = []
    window.question.answered.connect(lambda _batch: answered_at.append(time.perf_counter()))
    tap_to_paint: list[float] = []
    switch_to_paint: list[float] = []
    original_show_step = window.show_step

    def timed_show_step(step):  # type: ignore[no-untyped-def]
        switch_started = time.perf_counter()
        original_show_step(step)
        timed_show_step.started = switch_started  # type: ignore[attr-defined]

    window.show_step = timed_show_step  # type: ignore[method-assign]
    patient.tap("Start")
    patient.identify("Morgan", "Lee", dt.date(1995, 9, 14))
    patient.tap("Next")
    patient.tap("Yes, this is me")
    for _ in range(80):
        patient.qtbot.waitUntil(lambda: window.sitting.flow is not None)
        flow = window.sitting.flow
        assert flow is not None
        step = flow.current
        if step.kind is StepKind.REVIEW and window.stack.currentWidget() is window.review:
            break
        if step.kind is StepKind.CONSENT:
            patient.qtbot.waitUntil(lambda: window.stack.currentWidget() is window.consent)
            patient.scroll_consent_to_end()
            patient.tap("I agree")
            patient.tap_field("Full name")
            patient.type_on_screen("Morgan Lee")
            patient.tap("Done")
            patient.draw_signature()
            patient.tap("Sign")
        elif step.kind is StepKind.QUESTION:
            patient.qtbot.waitUntil(lambda: window.stack.currentWidget() is window.question)
            item = window.question.item
            tapped = item is not None and bool(item.options) and item.type.value != "multi_choice"
            before = len(painted)
            tap_time = time.perf_counter()
            choose(patient, window, "en", 0)
            if tapped:
                patient.qtbot.waitUntil(lambda before=before: len(painted) > before, timeout=5000)
                tap_to_paint.append(painted[-1] - (answered_at[-1] if answered_at else tap_time))
                switch_to_paint.append(painted[-1] - timed_show_step.started)  # type: ignore[attr-defined]
        else:
            patient.tap("Continue")
        patient.qtbot.waitUntil(lambda step=step, flow=flow: flow.current.key != step.key, timeout=5000)
    before_submit_kib = peak_kib()
    QTest.mouseClick(patient.button("Submit"), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(5, 5))
    patient.wait_for_text("Thank you")
    walk_peak_kib = peak_kib()
    print(
        json.dumps(
            {
                "tap_to_paint": tap_to_paint,
                "switch_to_paint": switch_to_paint,
                "peak_kib": walk_peak_kib,
                "before_submit_kib": before_submit_kib,
            }
        ),
        flush=True,
    )
    window.allow_close = True
    window.shutdown()
    return 0


if __name__ == "__main__":
    folder, mode = Path(sys.argv[1]), sys.argv[2]
    sys.exit(startup(folder) if mode == "startup" else walk(folder))
