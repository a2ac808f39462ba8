"""Service calls off the GUI thread: one worker thread runs them in order, results come back by signal.

All database work goes through this one serialised worker (as in Anki), so the GUI thread never waits on
a disk flush or a network round trip, and two calls never race each other. Callbacks run on the GUI
thread. A failure reaches the caller's error callback with the exception, which decides what the person
sees and logs it (an expected refusal, such as a wrong PIN, is not an error worth a traceback in the log).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")
Failed = Callable[[Exception], None]
_Job = Callable[[], object]
_Done = Callable[[Any], None]


class _Worker(QObject):
    """Lives on the worker thread and runs each job it is sent.

    A job and its outcome are handed over through the runner's tables, never held here once the job is done, so
    the last reference to them (and to whatever a closure or a traceback holds: a window, a screen) is always let
    go on the GUI thread. A Qt object whose last reference went on this thread would be destroyed here, stopping
    its timers from the wrong thread (Qt warns, and worse can follow).
    """

    done = Signal(int)

    def __init__(self, jobs: dict[int, _Job], outcomes: dict[int, tuple[bool, object]]) -> None:
        super().__init__()
        self._jobs = jobs
        self._outcomes = outcomes

    @Slot(int)
    def run(self, job_id: int) -> None:
        job = self._jobs[job_id]
        outcome: tuple[bool, object]
        try:
            outcome = (True, job())
        except Exception as error:  # every failure goes back to the caller, who decides what the person sees
            outcome = (False, error)
        del job
        self._outcomes[job_id] = outcome
        del outcome
        self.done.emit(job_id)


class ServiceRunner(QObject):
    """Runs service calls on one worker thread, in the order they were submitted.

    Signals:
        busy_changed(bool): True while any job is waiting or running.
    """

    busy_changed = Signal(bool)
    _dispatch = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName("kiosk-service-worker")
        self._jobs: dict[int, _Job] = {}
        self._outcomes: dict[int, tuple[bool, object]] = {}
        self._worker = _Worker(self._jobs, self._outcomes)
        self._worker.moveToThread(self._thread)
        self._dispatch.connect(self._worker.run)
        self._worker.done.connect(self._on_worker_done)
        self._thread.finished.connect(self._worker.deleteLater)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[_Done | None, Failed | None]] = {}
        self._thread.start()

    def submit(
        self, job: Callable[[], T], on_done: Callable[[T], None] | None = None, on_error: Failed | None = None
    ) -> int:
        """Run `job` on the worker; `on_done` gets its result (typed as the job returns it), `on_error` the
        exception it raised. Both run on the GUI thread. Without `on_error` a failure is logged."""
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_error)
        self._jobs[job_id] = job
        if len(self._callbacks) == 1:
            self.busy_changed.emit(True)
        self._dispatch.emit(job_id)
        return job_id

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def forget_pending(self) -> None:
        """Drop the callbacks of jobs still running (their screens are gone); the jobs themselves finish."""
        for job_id in self._callbacks:
            self._callbacks[job_id] = (None, None)

    def shutdown(self) -> None:
        """Finish the jobs already sent, then stop the thread."""
        self._thread.quit()
        self._thread.wait()

    @Slot(int)
    def _on_worker_done(self, job_id: int) -> None:
        self._jobs.pop(job_id, None)
        succeeded, value = self._outcomes.pop(job_id)
        on_done, on_error = self._callbacks.pop(job_id, (None, None))
        if not self._callbacks:
            self.busy_changed.emit(False)
        if succeeded:
            if on_done is not None:
                on_done(value)
        elif on_error is not None and isinstance(value, Exception):
            on_error(value)
        else:
            log.error("A background service call failed and nobody was waiting for it: %r", value)
