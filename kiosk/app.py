"""Composition root: settings -> backend (database, forms, key) -> services -> windows.

`build_kiosk(data_dir)` builds the whole patient kiosk in-process for tests and outside drivers, exactly
as `kiosk run --data-dir DIR` does; `run_kiosk` adds the event loop, full screen and the exception hook.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import logging.handlers
import os
import signal
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.services.backend import Backend, LazyBackend
from kiosk.ui.packet_producer import PacketProducer
from kiosk.ui.patient.staff_unlock import StaffUnlock
from kiosk.ui.patient.window import PatientWindow
from kiosk.ui.theme import apply_theme

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The process's QApplication, created once."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Intake kiosk")
    app.setOrganizationName("Intake kiosk")
    return app


def setup_logging(data_dir: Path) -> None:
    """Details of every error go to data_dir/logs/kiosk.log (rotated), never to the patient's screen."""
    logs = data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        logs / "kiosk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
        # Whoever started the kiosk from a terminal (or its service log) reads why it cannot work in one line.
        terminal = logging.StreamHandler(sys.stderr)
        terminal.setLevel(logging.CRITICAL)
        terminal.setFormatter(OneLine())
        root.addHandler(terminal)
    root.setLevel(logging.INFO)


class OneLine(logging.Formatter):
    """`kiosk: message`, one line: details and tracebacks stay in the log file."""

    def format(self, record: logging.LogRecord) -> str:
        return "kiosk: " + record.getMessage().splitlines()[0]


def build_patient_window(backend: Backend | LazyBackend, *, kiosk_mode: bool = True) -> PatientWindow:
    """The patient window with its way to staff (hidden gesture, PIN) and packet making attached."""
    app = application()
    apply_theme(app, large_text=False, high_contrast=False)
    window = PatientWindow(backend, kiosk_mode=kiosk_mode)
    unlock = StaffUnlock(window, console_available=True)
    unlock.console_requested.connect(lambda identity: open_console_from_tablet(window, identity))
    window.staff_unlock = unlock
    producer = PacketProducer(window.handle.data_dir, window)
    window.submitted.connect(producer.make)
    window.packet_producer = producer
    return window


def open_console_from_tablet(window: PatientWindow, identity: object) -> QWidget:
    """The staff console over the kiosk, for the staff member whose PIN was just accepted."""
    from PySide6.QtCore import Qt

    from kiosk.ui.staff.window import build_staff_console

    console = build_staff_console(window.backend, identity=identity)  # type: ignore[arg-type]
    console.setParent(window, Qt.WindowType.Window)
    console.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    console.showMaximized()
    return console


def build_kiosk(data_dir: Path) -> QWidget:
    """The patient window (not yet shown), on `data_dir`'s settings and database, as `kiosk run` builds it.

    The database opens on the kiosk's worker thread while the Welcome screen paints.
    """
    window = build_patient_window(LazyBackend(data_dir), kiosk_mode=True)
    start_in_background(window)
    return window


def start_in_background(window: PatientWindow) -> None:
    """Open the database on the worker now; once every screen is made, settle start-up's objects."""
    window.open_backend_in_background()
    window.screens_built.connect(freeze_start_up_objects)


COLLECTOR_BACKSTOP_MS = 60_000
FREEZE_AFTER_START = True
"""Whether the kiosk takes its start-up objects out of the collector's sight (`freeze_start_up_objects`); the test
suite, which builds hundreds of kiosks in one process, turns it off and tests it on its own."""


def freeze_start_up_objects() -> None:
    """Take what start-up made (SQLAlchemy's and Qt's bindings, the forms, the screens) out of the cyclic garbage
    collector's sight: they live as long as the kiosk, and each full collection walked all of them again. The
    collector took an eighth of the kiosk process's time over a check-in (perf), in pauses that landed in screen
    changes. What a sitting makes and drops is still collected as before."""
    if FREEZE_AFTER_START:
        gc.collect()
        gc.freeze()
    gc.enable()  # `kiosk run` holds the collector back during start-up


def install_exception_hook(window: PatientWindow) -> None:
    """An unexpected error anywhere shows the front-desk screen and is logged; the patient never sees a traceback."""

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        log.critical("Unexpected error in the kiosk", exc_info=(kind, error, trace))
        if issubclass(kind, KeyboardInterrupt):
            QApplication.exit(0)  # exit(), not quit(): quit() asks windows to close, and the kiosk refuses
            return
        window.show_unexpected_error()

    sys.excepthook = hook


def run_kiosk(backend: LazyBackend, *, windowed: bool) -> int:
    app = application()
    setup_logging(backend.data_dir)
    window = build_patient_window(backend, kiosk_mode=not windowed)
    start_in_background(window)
    # The collector is back on even when the screens are never all made (the database could not open).
    QTimer.singleShot(COLLECTOR_BACKSTOP_MS, gc.enable)
    install_exception_hook(window)
    stop_signals = StopSignals(window)
    if windowed:
        window.resize(1280, 800)
        window.show()
    else:
        window.showFullScreen()
    try:
        return app.exec()
    finally:
        stop_signals.release()


class StopSignals(QObject):
    """SIGTERM (a service manager stopping the kiosk) and Ctrl+C close the kiosk the orderly way: the service calls
    already sent finish (a patient's last answer is saved), the worker threads stop, and the process exits with 0.
    Before, SIGTERM ended the process wherever it stood.

    Python runs a signal's handler only between bytecodes, and Qt's event loop runs none while the kiosk is idle: the
    signal also writes to a pipe (a socket on Windows) that Qt watches, which wakes the loop so the handler runs."""

    def __init__(self, window: PatientWindow) -> None:
        super().__init__(window)
        self._window = window
        self._sockets: tuple[Any, ...] = ()
        if sys.platform == "win32":
            import socket  # Windows wakes a loop through a socket only (elsewhere a pipe: no import before Welcome)

            self._sockets = socket.socketpair()
            for end in self._sockets:
                end.setblocking(False)
            self._reader, self._writer = (end.fileno() for end in self._sockets)
        else:
            self._reader, self._writer = os.pipe()
            for end in (self._reader, self._writer):
                os.set_blocking(end, False)
        self._notifier = QSocketNotifier(self._reader, QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._previous_fd = signal.set_wakeup_fd(self._writer)
        self._previous = {number: signal.signal(number, self._stop) for number in (signal.SIGTERM, signal.SIGINT)}

    def _drain(self) -> None:
        with contextlib.suppress(OSError):
            if self._sockets:
                self._sockets[0].recv(512)
            else:
                os.read(self._reader, 512)

    def _stop(self, number: int, _frame: object) -> None:
        log.info("Closing the kiosk: %s received", signal.Signals(number).name)
        self._window.allow_close = True
        QTimer.singleShot(0, self._window, self._window.close)

    def release(self) -> None:
        """Give the signals back as they were (the event loop has ended)."""
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        if self._sockets:
            for end in self._sockets:
                end.close()
        else:
            os.close(self._reader)
            os.close(self._writer)
