"""The one worker thread of the kiosk and the console: results and failures come back on the GUI thread, in order,
and a job's closure is let go there too (a window it held must never be destroyed on the worker)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from kiosk.ui.service_runner import ServiceRunner


def test_results_and_failures_come_back_on_the_gui_thread_in_order(qtbot: QtBot) -> None:
    runner = ServiceRunner()
    seen: list[tuple[str, object, bool]] = []
    gui = threading.get_ident()

    def fail() -> int:
        raise ValueError("no such intake")

    try:
        runner.submit(
            threading.get_ident,
            lambda worker: seen.append(("done", worker != gui, gui == threading.get_ident())),
        )
        runner.submit(fail, None, lambda error: seen.append(("failed", str(error), gui == threading.get_ident())))
        runner.submit(lambda: 3, lambda value: seen.append(("done", value, gui == threading.get_ident())))
        qtbot.waitUntil(lambda: not runner.busy)
        assert seen == [("done", True, True), ("failed", "no such intake", True), ("done", 3, True)]
    finally:
        runner.shutdown()


def test_the_last_reference_a_job_held_is_let_go_on_the_gui_thread(qtbot: QtBot) -> None:
    """A parentless timer that is running, held only by the job's closure once the caller lets go: destroyed on
    the worker, Qt would warn "Timers cannot be stopped from another thread" (and the test fail on the warning)."""
    runner = ServiceRunner()
    destroyed_on: list[int] = []
    try:
        for _ in range(20):
            timer = QTimer()
            timer.start(60_000)
            timer.destroyed.connect(lambda: destroyed_on.append(threading.get_ident()))
            runner.submit(lambda timer=timer: timer.interval())  # type: ignore[misc]
            del timer
        qtbot.waitUntil(lambda: not runner.busy)
        qtbot.waitUntil(lambda: len(destroyed_on) == 20)
        assert set(destroyed_on) == {threading.get_ident()}
    finally:
        runner.shutdown()
