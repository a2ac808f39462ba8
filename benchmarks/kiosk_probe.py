"""A kiosk process measured from the inside, for benchmarks/patient.py.

python kiosk_probe.py DATA_DIR startup    run `kiosk --data-dir DATA_DIR run --windowed` exactly as the command
                                          does; print "painted" the moment Welcome is first painted, then
                                          "ready PEAK_KIB RSS_KIB PSS_KIB" once the database is open, "built PEAK_KIB
                                          RSS_KIB PSS_KIB" once every screen is made, and exit
python kiosk_probe.py DATA_DIR walk       walk a whole check-in by taps (three consents, every question, Submit),
                                          wait for the signed packet; print every screen change and memory as JSON
"""

from __future__ import annotations

import datetime as dt
import importlib.abc
import importlib.machinery
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.memory import peak_kib, pss_kib, rss_kib  # noqa: E402


class _AfterImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Calls `then(module)` right after one module is executed, without importing it any earlier.

    So the start-up probe measures the `kiosk run` command's own import order and cost, and still reaches the
    window it builds."""

    def __init__(self, name: str, then: Callable[[ModuleType], None]) -> None:
        self.name, self.then = name, then
        self.spec: importlib.machinery.ModuleSpec | None = None

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.name or self.spec is not None:
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        assert spec is not None and spec.loader is not None
        self.spec, self.inner = spec, spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)  # type: ignore[attr-defined,no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)  # type: ignore[attr-defined]
        self.then(module)


def startup(data_dir: Path) -> int:
    def instrument(app_module: ModuleType) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer
        from PySide6.QtWidgets import QApplication

        build = app_module.build_patient_window

        def build_and_watch(*args: Any, **kwargs: Any) -> Any:
            window = build(*args, **kwargs)

            class FirstPaint(QObject):
                seen = False

                def eventFilter(self, watched: QObject, event: QEvent) -> bool:
                    if event.type() == QEvent.Type.Paint and not self.seen:
                        self.seen = True
                        print("painted", flush=True)
                        poll.start(5)
                    return False

            said_ready: list[bool] = []

            def ready() -> None:
                # Welcome is up; the database must be open on the worker, as when the first patient arrives.
                if window.handle.is_open and not said_ready:
                    said_ready.append(True)
                    print(f"ready {peak_kib()} {rss_kib()} {pss_kib()}", flush=True)
                # Then every screen made (they are made while the patient reads Welcome), for the record.
                if said_ready and getattr(window, "all_screens_built", True):
                    poll.stop()
                    print(f"built {peak_kib()} {rss_kib()} {pss_kib()}", flush=True)
                    window.allow_close = True
                    window.shutdown()
                    QApplication.exit(0)

            poll = QTimer(window)
            poll.timeout.connect(ready)
            spy = FirstPaint(window)
            window.welcome.installEventFilter(spy)
            return window

        app_module.build_patient_window = build_and_watch

    sys.meta_path.insert(0, _AfterImport("kiosk.app", instrument))
    from kiosk.cli import main

    return main(["--data-dir", str(data_dir), "run", "--windowed"])


def walk(data_dir: Path) -> int:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QWidget

    from kiosk.app import application, build_kiosk
    from kiosk.ui.patient.flow import StepKind
    from kiosk.ui.patient.window import PatientWindow
    from tests.ui.patient.driver import Patient, choose
    from tests.ui.patient.kiosk_process import Bot

    application()
    window = build_kiosk(data_dir)
    assert isinstance(window, PatientWindow)
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    patient = Patient(Bot(), window)  # type: ignore[arg-type]
    # A patient walks up after the kiosk has started: the database is open and every screen made.
    patient.qtbot.waitUntil(
        lambda: window.handle.is_open and getattr(window, "all_screens_built", True), timeout=60_000
    )
    changes: list[dict[str, object]] = []
    pending: dict[str, Any] = {}

    class ChangePainted(QObject):
        """The first paint of the screen being changed to ends that screen change.

        Watched on each screen, as benchmarks/floor_probe.py watches each page of its stacked widget: a filter on
        the whole application would run Python for every event of every widget, which the floor does not pay."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and pending and isinstance(watched, QWidget):
                screen = pending["screen"]
                if watched is screen:
                    changes.append(
                        {
                            "screen": type(screen).__name__,
                            "seconds": time.perf_counter() - pending["started"],
                            "keyboard": pending["keyboard"],
                        }
                    )
                    pending.clear()
            return False

    spy = ChangePainted()
    watched: set[int] = set()
    show_screen, show_step = window.show_screen, window.show_step

    def timed_show_step(step: Any) -> None:
        pending.clear()
        pending["started"] = time.perf_counter()
        show_step(step)

    def timed_show_screen(screen: Any) -> None:
        started = pending.get("started", time.perf_counter())
        if id(screen) not in watched:
            watched.add(id(screen))
            screen.installEventFilter(spy)
        show_screen(screen)
        pending.update(started=started, screen=screen, keyboard=_shows_keys(screen))

    window.show_step = timed_show_step  # type: ignore[method-assign]
    window.show_screen = timed_show_screen  # type: ignore[method-assign]
    made: list[int] = []
    window.packet_producer.made.connect(made.append)  # type: ignore[union-attr]

    patient.tap("Start")
    patient.identify("Morgan", "Lee", dt.date(1995, 9, 14))
    patient.tap("Next")
    patient.tap("Yes, this is me")
    for _ in range(80):
        # A person looks at a screen before tapping it; so the driver's own work for the next tap (finding the
        # button, importing the demo's answers: 0.6 s once) waits for the screen change to be painted and is never
        # counted in it.
        patient.qtbot.waitUntil(lambda: not pending)
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
            choose(patient, window, "en", 0)
        else:
            patient.tap("Continue")
        patient.qtbot.waitUntil(lambda step=step, flow=flow: flow.current.key != step.key, timeout=5000)
    patient.tap("Submit")
    patient.wait_for_text("Thank you")
    patient.qtbot.waitUntil(lambda: bool(made), timeout=120_000)
    patient.qtbot.wait(200)
    print(
        json.dumps({"changes": changes, "peak_kib": peak_kib(), "rss_kib": rss_kib(), "pss_kib": pss_kib()}), flush=True
    )
    window.allow_close = True
    window.shutdown()
    return 0


def _shows_keys(screen: Any) -> bool:
    """Whether the screen just shown has an on-screen keyboard or number pad visible."""
    from kiosk.ui.widgets.keypad_base import KeypadBase

    return any(keypad.isVisible() for keypad in screen.findChildren(KeypadBase))


if __name__ == "__main__":
    folder, mode = Path(sys.argv[1]), sys.argv[2]
    sys.exit(startup(folder) if mode == "startup" else walk(folder))
