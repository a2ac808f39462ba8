"""Makes the signed consent packet of each submitted intake in the background: the patient never waits.

Each packet is made by a short-lived child process (`kiosk packet ID --store-only`), one at a time. The
kiosk process then never loads reportlab and pyHanko (about 60 MB it would keep for the rest of the day),
a packet that fails to render cannot disturb the patient screens, and the GUI thread is never involved.
A failure is logged for staff; the packet is made again on demand from the console or with `kiosk packet`,
since everything it is made from is stored.
"""

from __future__ import annotations

import logging
import sys
from collections import deque
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, Signal, Slot

log = logging.getLogger(__name__)


def kiosk_command() -> list[str]:
    """How to run the `kiosk` command again: the frozen executable itself, or this interpreter with -m kiosk."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    return [sys.executable, "-m", "kiosk"]


class PacketProducer(QObject):
    """Queues packet jobs and runs them one at a time in a child process.

    Signals:
        made(int): the packet of this intake is stored.
        failed(int, str): it could not be made; the message says why.
    """

    made = Signal(int)
    failed = Signal(int, str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._queue: deque[int] = deque()
        self._process: QProcess | None = None
        self._current: int | None = None

    @Slot(int)
    def make(self, intake_id: int) -> None:
        self._queue.append(intake_id)
        self._start_next()

    @property
    def busy(self) -> bool:
        return self._process is not None or bool(self._queue)

    def _start_next(self) -> None:
        if self._process is not None or not self._queue:
            return
        self._current = self._queue.popleft()
        process = QProcess(self)
        process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        process.finished.connect(self._on_process_finished)
        process.errorOccurred.connect(self._on_process_error_occurred)
        program, *arguments = kiosk_command()
        arguments += ["--data-dir", str(self._data_dir), "packet", str(self._current), "--store-only"]
        self._process = process
        process.start(program, arguments)

    @Slot(int, QProcess.ExitStatus)
    def _on_process_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        process, intake_id = self._process, self._current
        assert process is not None and intake_id is not None
        output = bytes(process.readAll().data()).decode("utf-8", "replace").strip()
        if code == 0 and status == QProcess.ExitStatus.NormalExit:
            self.made.emit(intake_id)
        else:
            log.error("The packet of intake %s could not be made (exit %s): %s", intake_id, code, output)
            self.failed.emit(intake_id, output or f"exit code {code}")
        self._finish()

    @Slot(QProcess.ProcessError)
    def _on_process_error_occurred(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and self._current is not None:
            log.error("The packet maker could not start: %s", error)
            self.failed.emit(self._current, "the packet maker could not start")
            self._finish()

    def _finish(self) -> None:
        if self._process is not None:
            self._process.deleteLater()
        self._process = None
        self._current = None
        self._start_next()

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Let a packet being made finish (it is quick); packets still queued are made on demand later."""
        self._queue.clear()
        if self._process is not None:
            self._process.waitForFinished(timeout_ms)
