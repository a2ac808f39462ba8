"""Read aloud: the patient screen in view, spoken in the patient's language through Qt's QtTextToSpeech.

On Linux the PySide6 wheel's only speech plugin is speech-dispatcher (it needs libspeechd2 and libpulse0, and
voices from speech-dispatcher and speech-dispatcher-espeak-ng); on Windows the SAPI and WinRT plugins ship in
the wheel. QtTextToSpeech is imported only when `start()` is called (once Welcome is painted and the database
open): a kiosk whose machine has no speech at all starts as fast as one that has. With no engine, or no voice for the
patient's language, `can_read()` is False and the window hides its "Read aloud" button: never a broken control.
A speech daemon that stops answering (seen with speech-dispatcher) costs the button, never the screen: a probe in a
child process asks it first, and the engine then lives in a thread of its own that the GUI never waits for (see
ReadAloud).

What is read is `screen_words(screen)`: the texts a patient can see on the screen, top to bottom, left to right
(the question and its answers, a message and its buttons), and of a long text in a scroll area (a consent) only
the section in view: the heading above the view and the paragraphs that show.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    Q_ARG,
    QEventLoop,
    QLocale,
    QMetaObject,
    QObject,
    QPoint,
    QProcess,
    QRect,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QScrollArea, QWidget

from kiosk.ui.widgets.consent_text import ConsentText
from kiosk.ui.widgets.signature_pad import SignaturePad

if TYPE_CHECKING:
    from PySide6.QtTextToSpeech import QTextToSpeech

log = logging.getLogger(__name__)

SPEECH_LOCALES = {"en": "en_US", "es": "es_ES"}
"""The voice's locale for each language the kiosk speaks (the Spanish of CLINICAL.md is neutral)."""


PROBE_SECONDS = 15
"""How long the speech engine may take to answer the probe before read aloud is given up for this run."""
PROBE_AGAIN_MS = 2000
PROBE_TRIES = 4
"""A speech-dispatcher just started (by the probe itself) can answer before its voices are loaded, with none, on a
busy machine: the probe asks again this often, this many times in all, before the button waits for the next patient."""
_PROBE = """
import sys
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
from PySide6.QtTextToSpeech import QTextToSpeech
speech = QTextToSpeech(sys.argv[1], app) if sys.argv[1] else QTextToSpeech(app)
print(" ".join(locale.name() for locale in speech.availableLocales()), flush=True)
"""

ANSWER_MS = 2000
"""How long the speech thread may take to carry out a command (speech-dispatcher answers in milliseconds) before the
engine is taken for hung and read aloud is turned off."""
OPEN_MS = PROBE_SECONDS * 1000
"""How long the speech thread may take to connect to the engine the probe found answering."""
SHUTDOWN_WAIT_S = 0.5
"""How long closing the kiosk waits for the speech thread to end; a hung one is left behind (see _SpeechThread)."""
HUNG_ENGINES_MAX = 3
"""Engines that hung are left blocked in their threads; after this many, read aloud stays off until a restart."""

_LEFT_BEHIND: list[_SpeechThread] = []
"""Speech threads that never answered: kept, never waited for, never destroyed (they hold no lock the kiosk needs)."""


class _SpeechWorker(QObject):
    """The speech engine's side, living in the speech thread (made there by _SpeechThread).

    PySide6 holds Python's lock while it calls into QTextToSpeech (made, say, stop: measured), so a call that waits
    for a hung speech daemon would freeze every thread. Those calls are therefore never made from Python: the engine
    is switched to the wanted one by a queued `setEngine` and driven by signals connected to its C++ slots, which the
    thread's event loop calls without Python's lock. Python here only reads what the engine already knows.

    Signals:
        opened(list, str): the engine is connected: its voices' locale names, and an error text ("" when it is ready).
        acknowledged(int): every command sent before this number has been carried out.
    """

    opened = Signal(list, str)
    acknowledged = Signal(int)
    _engine_set = Signal()

    def __init__(self, engine: str, loop: QEventLoop, parent: QObject) -> None:
        super().__init__(parent)
        self._engine = engine
        self._loop = loop
        self.speech: QTextToSpeech | None = None
        self._engine_set.connect(self._on_engine_set, Qt.ConnectionType.QueuedConnection)

    @Slot()
    def open(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        engine = self._engine
        if engine != "mock" and "mock" in QTextToSpeech.availableEngines():
            # Qt's mock engine (shipped in the wheel) is made at once; the real one (connecting to its daemon and
            # listing its voices took 1.5 s) is then loaded by the event loop, off Python's lock.
            speech = QTextToSpeech("mock", self)
            QMetaObject.invokeMethod(speech, "setEngine", Qt.ConnectionType.QueuedConnection, Q_ARG(str, engine))
        else:
            speech = QTextToSpeech(engine, self) if engine else QTextToSpeech(self)
        self.speech = speech
        speech.destroyed.connect(self._loop.quit)  # C++ to C++: the loop ends once the engine is gone
        self._engine_set.emit()  # queued: after setEngine

    @Slot()
    def _on_engine_set(self) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        speech = self.speech
        assert speech is not None
        error = ""
        if speech.state() == QTextToSpeech.State.Error:
            error = speech.errorString() or "the speech engine failed"
        self.opened.emit([locale.name() for locale in speech.availableLocales()], error)

    @Slot(int)
    def acknowledge(self, number: int) -> None:
        self.acknowledged.emit(number)

    @Slot()
    def close(self) -> None:
        """End the engine (its destructor may talk to the daemon: left to the event loop, off Python's lock)."""
        if self.speech is None:
            self._loop.quit()
        else:
            self.speech.deleteLater()


class _SpeechThread:
    """A Python daemon thread running a Qt event loop, in which the _SpeechWorker and its engine live.

    Not a QThread: a QThread object destroyed while its thread still runs aborts the process ("QThread: Destroyed
    while thread is still running"), and PySide destroys the QObjects Python owns when the interpreter exits. A
    thread blocked for good in a hung daemon must let the kiosk exit: here every object of the thread belongs to the
    thread itself (Qt's object for it), not to Python, and the interpreter does not wait for a daemon thread.
    """

    def __init__(self, engine: str) -> None:
        made = threading.Event()
        self._worker: _SpeechWorker | None = None
        self._thread = threading.Thread(target=self._run, args=(engine, made), name="read-aloud", daemon=True)
        self._thread.start()
        made.wait()
        if self._worker is None:
            raise RuntimeError("the speech thread could not start")
        self.worker: _SpeechWorker = self._worker

    def _run(self, engine: str, made: threading.Event) -> None:
        from shiboken6 import Shiboken

        try:
            anchor = QThread.currentThread()  # Qt's object for this thread: owned by C++, never by Python
            loop = QEventLoop(anchor)
            self._worker = worker = _SpeechWorker(engine, loop, anchor)
        finally:
            made.set()  # the GUI thread waits for the worker (a failure leaves it None: raised there)
        loop.exec()
        Shiboken.delete(worker)  # now, with Python's lock taken properly, not when Qt forgets this thread
        Shiboken.delete(loop)

    def open(self) -> None:
        """Make the engine, once the GUI listens to the worker; it says `opened` when connected."""
        QMetaObject.invokeMethod(self.worker, "open", Qt.ConnectionType.QueuedConnection)

    def close(self) -> bool:
        """Ask the thread to end and wait a moment; False when it does not (its engine hangs): it is left behind."""
        QMetaObject.invokeMethod(self.worker, "close", Qt.ConnectionType.QueuedConnection)
        self._thread.join(SHUTDOWN_WAIT_S)
        return not self._thread.is_alive()

    def leave_behind(self) -> None:
        """A thread that never answered: asked once to end if its engine ever returns, then kept, never waited for."""
        QMetaObject.invokeMethod(self.worker, "close", Qt.ConnectionType.QueuedConnection)
        _LEFT_BEHIND.append(self)


class ReadAloud(QObject):
    """Read aloud for the kiosk window. `available_changed` says when it becomes usable (or stops);
    `can_read(language)` whether a voice speaks that language.

    On Linux the speech-dispatcher plugin talks to a daemon that can stop answering, and every call into the engine
    then blocks, holding Python's lock: the whole kiosk would freeze. So the engine is first made in a short child
    process (`PROBE_SECONDS` at most, off the GUI thread; the first one also starts speech-dispatcher); only when
    that answers is it made, in a thread of its own (_SpeechThread) that is sent commands and never waited for. A
    command not carried out within `ANSWER_MS` turns read aloud off; the next patient's Welcome asks again.

    Signals:
        available_changed(bool): read aloud became usable, or stopped being.
        speaking_changed(bool): reading started or ended.
    """

    available_changed = Signal(bool)
    speaking_changed = Signal(bool)
    _locale_sent = Signal(QLocale)
    _say_sent = Signal(str)
    _stop_sent = Signal()
    _ack_sent = Signal(int)

    def __init__(self, engine: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine_name = engine
        self._engine: _SpeechThread | None = None
        self._locales: list[str] = []
        """The engine's voices' locale names, as it reported them when it connected (asked of it never again)."""
        self._locales_known = False
        """Whether the engine has reported them (and the commands are connected to it)."""
        self._engine_busy = False
        self._sent = 0
        self._hung_engines = 0
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_watchdog_timeout)
        self._started = False
        self._probe: QProcess | None = None
        self._gave_up = False
        self._tries = 0
        self._closing = False
        self._available = False
        self._speaking = False
        self.last_text = ""
        """What was last handed to the engine (the tests read it; a person hears it)."""
        self.last_locale = ""

    def start(self) -> None:
        """Open the speech engine (once); the button shows when it answers with voices."""
        if self._started or self._closing:
            return
        self._started = True
        if not self._needs_probe():
            self._open()
            return
        probe = QProcess(self)
        self._probe = probe
        probe.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
        probe.finished.connect(self._on_probe_finished)
        probe.errorOccurred.connect(self._on_probe_failed)
        QTimer.singleShot(PROBE_SECONDS * 1000, self, self._on_probe_timeout)
        probe.start(sys.executable, ["-c", _PROBE, self._engine_name])

    def ask_again(self) -> None:
        """For the next patient: probe once more if the engine did not answer in time before."""
        if self._gave_up and self._probe is None and self._hung_engines < HUNG_ENGINES_MAX:
            self._gave_up = False
            self._started = False
            self.start()

    def _needs_probe(self) -> bool:
        """speech-dispatcher (Linux, not the Qt test engine); a frozen build has no Python to run the probe."""
        return (
            sys.platform.startswith("linux")
            and self._engine_name in ("", "speechd")
            and not getattr(sys, "frozen", False)
        )

    def _on_probe_finished(self, code: int, _status: object) -> None:
        probe, self._probe = self._probe, None
        if probe is None:
            return
        answer = bytes(probe.readAllStandardOutput().data()).decode(errors="replace").split()
        probe.deleteLater()
        self._tries += 1
        if code == 0 and answer:
            self._tries = 0
            self._open()
        elif code == 0 and self._tries < PROBE_TRIES:
            self._started = False  # no voices yet: a daemon still loading them; asked again in a moment
            QTimer.singleShot(PROBE_AGAIN_MS, self, self.start)
        else:
            log.info("read aloud is not available: the speech engine has no voices (probe exit %d)", code)
            self._tries = 0
            self._gave_up = True  # the next patient's Welcome asks again

    def _on_probe_failed(self, _error: object) -> None:
        if self._probe is not None and self._probe.state() == QProcess.ProcessState.NotRunning:
            log.info("read aloud is not available: %s", self._probe.errorString())
            self._probe.deleteLater()
            self._probe = None

    def _on_probe_timeout(self) -> None:
        probe, self._probe = self._probe, None
        if probe is not None:
            log.info(
                "read aloud is not available: the speech engine did not answer in %d s; asking again for the next "
                "patient",
                PROBE_SECONDS,
            )
            probe.kill()
            probe.waitForFinished(1000)
            probe.deleteLater()
            self._gave_up = True  # a daemon busy starting (or restarted) may answer for the next patient

    def _open(self) -> None:
        if self._engine is not None or self._closing:
            return
        try:
            from PySide6.QtTextToSpeech import QTextToSpeech
        except ImportError as error:  # the platform's speech libraries are missing: no button, no error
            log.info("read aloud is not available: %s", error)
            return
        if self._engine_name and self._engine_name not in QTextToSpeech.availableEngines():
            engines = ", ".join(QTextToSpeech.availableEngines()) or "none"
            log.info(
                "read aloud is not available: no speech engine %r here (there are: %s)", self._engine_name, engines
            )
            return
        engine = _SpeechThread(self._engine_name)
        self._engine = engine
        engine.worker.opened.connect(self._on_worker_opened)
        engine.worker.acknowledged.connect(self._on_worker_acknowledged)
        engine.open()
        self._watchdog.start(OPEN_MS)

    @Slot(list, str)
    def _on_worker_opened(self, locales: list[str], error: str) -> None:
        engine = self._engine
        if engine is None or self.sender() is not engine.worker:
            return  # from an engine given up on already
        self._watchdog.stop()
        speech = engine.worker.speech
        assert speech is not None
        queued = Qt.ConnectionType.QueuedConnection
        # Signal to C++ slot: carried out by the speech thread's event loop, without Python's lock (see _SpeechWorker).
        self._locale_sent.connect(speech.setLocale, queued)
        self._say_sent.connect(speech.say, queued)
        self._stop_sent.connect(speech.stop, queued)
        self._ack_sent.connect(engine.worker.acknowledge, queued)
        speech.stateChanged.connect(self._on_speech_state_changed)
        speech.errorOccurred.connect(self._on_speech_error_occurred)
        self._locales = locales
        self._locales_known = True
        if error:
            log.info("read aloud is not available: %s", error)
        self._set_available(not error and bool(locales))

    @property
    def available(self) -> bool:
        return self._available

    @property
    def speaking(self) -> bool:
        return self._speaking

    def can_read(self, language: str) -> bool:
        """Whether a voice speaks `language` on this machine (from what the engine reported: never waits for it)."""
        return self._available and self._locale_for(language) is not None

    def read(self, text: str, language: str) -> bool:
        """Speak `text` in `language` (stopping whatever was being read); False when it cannot."""
        locale = self._locale_for(language)
        if not self._available or locale is None or not text.strip():
            return False
        self._stop_sent.emit()
        self._locale_sent.emit(locale)
        self.last_text = text
        self.last_locale = locale.name()
        self._say_sent.emit(text)
        self._expect_answer()
        self._set_speaking(True)
        return True

    def stop(self) -> None:
        """Stop reading. Called on every screen change, so the engine is asked only while it has something to stop."""
        if self._available and (self._speaking or self._engine_busy):
            self._stop_sent.emit()
            self._expect_answer()
        self._set_speaking(False)

    def _expect_answer(self) -> None:
        """Ask the speech thread to say when it has carried out what was sent; the watchdog waits `ANSWER_MS`."""
        self._sent += 1
        self._ack_sent.emit(self._sent)
        if not self._watchdog.isActive():
            self._watchdog.start(ANSWER_MS)

    @Slot(int)
    def _on_worker_acknowledged(self, number: int) -> None:
        if self._engine is None or self.sender() is not self._engine.worker:
            return
        if number == self._sent:
            self._watchdog.stop()
        else:
            self._watchdog.start(ANSWER_MS)  # answering, only behind a patient's quick taps: a new wait

    @Slot()
    def _on_watchdog_timeout(self) -> None:
        """The speech thread did not answer in time: its engine hangs. Nothing more is sent to it."""
        engine, self._engine = self._engine, None
        if engine is None:
            return
        log.warning(
            "read aloud is turned off: the speech engine did not answer in %d ms (a hung speech daemon?); asking "
            "again for the next patient",
            ANSWER_MS if self._locales_known else OPEN_MS,
        )
        if self._locales_known:
            for signal in (self._locale_sent, self._say_sent, self._stop_sent, self._ack_sent):
                signal.disconnect()
        self._locales_known = False
        engine.leave_behind()
        self._hung_engines += 1
        self._locales = []
        self._engine_busy = False
        self._set_available(False)
        self._set_speaking(False)
        self._started = False
        self._gave_up = True  # a restarted daemon may answer the next patient's probe

    def shutdown(self) -> None:
        """Stop reading, end a probe still waiting and the speech thread (the window is closing); none is started
        after this. A speech thread that does not end in `SHUTDOWN_WAIT_S` is left behind: the kiosk still exits."""
        self._closing = True
        self.stop()
        self._watchdog.stop()
        if self._probe is not None:
            self._probe.kill()
            self._probe.waitForFinished(1000)
            self._probe = None
        engine, self._engine = self._engine, None
        if engine is not None and not engine.close():
            log.info("the speech engine did not end in %.1f s; left behind", SHUTDOWN_WAIT_S)
            _LEFT_BEHIND.append(engine)
        self._set_available(False)

    def _locale_for(self, language: str) -> QLocale | None:
        wanted = QLocale(SPEECH_LOCALES.get(language, language))
        locales = [QLocale(name) for name in self._locales]
        for locale in locales:
            if locale.name() == wanted.name():
                return locale
        for locale in locales:
            if locale.language() == wanted.language():
                return locale
        return None

    @Slot(object)
    def _on_speech_state_changed(self, state: object) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        if self._engine is None or self.sender() is not self._engine.worker.speech:
            return
        self._engine_busy = state in (
            QTextToSpeech.State.Speaking,
            QTextToSpeech.State.Paused,
            QTextToSpeech.State.Synthesizing,
        )
        self._set_available(state != QTextToSpeech.State.Error and bool(self._locales))
        if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
            self._set_speaking(False)
        elif state == QTextToSpeech.State.Speaking:
            self._set_speaking(True)

    @Slot(object, str)
    def _on_speech_error_occurred(self, _reason: object, text: str) -> None:
        if self._engine is not None and self.sender() is self._engine.worker.speech:
            log.info("read aloud is not available: %s", text or "the speech engine failed")

    def _set_available(self, available: bool) -> None:
        if available != self._available:
            self._available = available
            self.available_changed.emit(available)

    def _set_speaking(self, speaking: bool) -> None:
        if speaking != self._speaking:
            self._speaking = speaking
            self.speaking_changed.emit(speaking)


def screen_words(screen: QWidget) -> str:
    """The texts a patient can see on `screen`, in reading order, one sentence-like piece per line."""
    pieces: list[tuple[int, int, str]] = []
    scroll_areas = [area for area in screen.findChildren(QScrollArea) if area.isVisible()]
    for widget in screen.findChildren(QWidget):
        if not widget.isVisible() or widget.visibleRegion().isEmpty() or _inside_keypad(widget, screen):
            continue
        text = _text_of(widget)
        if not text:
            continue
        area = next((area for area in scroll_areas if area.widget() is not None and area.isAncestorOf(widget)), None)
        if area is not None and isinstance(widget, QLabel | ConsentText) and widget.height() > area.viewport().height():
            text = _section_in_view(widget, area)
            if not text:
                continue
        where = widget.mapTo(screen, QPoint(0, 0))
        pieces.append((where.y(), where.x(), text))
    pieces.sort(key=lambda piece: (piece[0], piece[1]))
    lines: list[str] = []
    for _, _, text in pieces:
        if not lines or lines[-1] != text:
            lines.append(text)
    return "\n".join(lines)


def _inside_keypad(widget: QWidget, screen: QWidget) -> bool:
    """The keys of the on-screen keyboard and number pad are not read (a patient hears the question, not 26 keys)."""
    parent: QWidget | None = widget
    while parent is not None and parent is not screen:
        if type(parent).__name__ in ("OnScreenKeyboard", "NumberPad"):
            return True
        parent = parent.parentWidget()
    return False


def _text_of(widget: QWidget) -> str:
    if isinstance(widget, ConsentText):
        return " ".join(widget.plain_text().split())
    if isinstance(widget, QLabel):
        return _plain(widget.text())
    if isinstance(widget, SignaturePad):
        return widget.words_under_line()  # "Please sign a little more fully." is said in the box, not beside it
    if isinstance(widget, QAbstractButton):
        return (widget.accessibleName() or widget.text()).strip()
    if isinstance(widget, QLineEdit):
        label = widget.accessibleName()
        value = widget.text() if widget.echoMode() == QLineEdit.EchoMode.Normal else ""
        return f"{label}: {value}".strip(": ") if label or value else ""
    return ""


def _plain(text: str) -> str:
    if "<" in text and ">" in text:
        document = QTextDocument()
        document.setHtml(text)
        text = document.toPlainText()
    return " ".join(text.split())


def _section_in_view(label: QLabel | ConsentText, area: QScrollArea) -> str:
    """Of a long rich text in a scroll area, the section a patient is looking at: the heading at or above the top
    of the view, then every block that shows in the view."""
    margins = label.contentsMargins()
    document = label.document() if isinstance(label, ConsentText) else None  # laid out at its width already
    if document is None:
        document = QTextDocument()
        document.setDefaultFont(label.font())
        document.setDocumentMargin(0)
        document.setHtml(label.text())
        document.setTextWidth(label.width() - margins.left() - margins.right())
    viewport = area.viewport()
    top_left = label.mapFrom(viewport, QPoint(0, 0))
    view = QRect(0, top_left.y() - margins.top(), label.width(), viewport.height())
    layout = document.documentLayout()
    heading = ""
    shown: list[str] = []
    block = document.begin()
    while block.isValid():
        text = " ".join(block.text().split())
        box = layout.blockBoundingRect(block).toRect()
        is_heading = block.blockFormat().headingLevel() > 0
        if box.bottom() < view.top():
            if is_heading and text:
                heading = text
        elif box.top() <= view.bottom() and text:
            shown.append(text)
        block = block.next()
    if heading and (not shown or shown[0] != heading):
        shown.insert(0, heading)
    return "\n".join(shown)
