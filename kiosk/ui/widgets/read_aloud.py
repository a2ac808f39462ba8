"""Read aloud: the patient screen in view, spoken in the patient's language through Qt's QtTextToSpeech.

On Linux the PySide6 wheel's only speech plugin is speech-dispatcher (it needs libspeechd2 and libpulse0, and
voices from speech-dispatcher and speech-dispatcher-espeak-ng); on Windows the SAPI and WinRT plugins ship in
the wheel. QtTextToSpeech is imported only when `start()` is called (once Welcome is painted and the database
open): a kiosk whose machine has no speech at all starts as fast as one that has. With no engine, or no voice for the
patient's language, `can_read()` is False and the window hides its "Read aloud" button: never a broken control.
A speech daemon that stops answering (seen with speech-dispatcher) is found by a probe in a child process
first, so the patient's screens never wait for it (see ReadAloud).

What is read is `screen_words(screen)`: the texts a patient can see on the screen, top to bottom, left to right
(the question and its answers, a message and its buttons), and of a long text in a scroll area (a consent) only
the section in view: the heading above the view and the paragraphs that show.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, QPoint, QProcess, QRect, QTimer, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QScrollArea, QWidget

from kiosk.ui.widgets.consent_text import ConsentText

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


class ReadAloud(QObject):
    """Read aloud for the kiosk window. `available_changed` says when it becomes usable (or stops);
    `can_read(language)` whether a voice speaks that language.

    On Linux the speech-dispatcher plugin connects to a daemon that can stop answering, and the connection then
    blocks the thread that makes the engine, holding Python's lock: the whole kiosk would freeze. So the engine
    is first made in a short child process (`PROBE_SECONDS` at most, off the GUI thread; the first one also starts
    speech-dispatcher); only when that answers is it made here. A daemon that hangs costs the patient the button,
    never the screen; the next patient's Welcome asks again.
    """

    available_changed = Signal(bool)
    speaking_changed = Signal(bool)

    def __init__(self, engine: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine_name = engine
        self._speech: QTextToSpeech | None = None
        self._started = False
        self._probe: QProcess | None = None
        self._gave_up = False
        self._tries = 0
        self._open_failures = 0
        """Engines that could not connect after the probe answered, in a row (the probe's own tries are _tries)."""
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
        if self._gave_up and self._probe is None:
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
            self._tries = self._ask_again_soon(self._tries)  # no voices yet: a daemon still loading them
        else:
            log.info("read aloud is not available: the speech engine has no voices (probe exit %d)", code)
            self._tries = 0
            self._gave_up = True  # the next patient's Welcome asks again

    def _ask_again_soon(self, tries: int) -> int:
        """After `tries` failed tries in a row: start again in a moment, or, after PROBE_TRIES, leave it to the next
        patient's Welcome. The count to keep (0 once given up)."""
        if tries < PROBE_TRIES:
            self._started = False
            QTimer.singleShot(PROBE_AGAIN_MS, self, self.start)
            return tries
        self._gave_up = True
        return 0

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
        speech = QTextToSpeech(self._engine_name, self) if self._engine_name else QTextToSpeech(self)
        if speech.state() == QTextToSpeech.State.Error and self._needs_probe():
            # The probe answered, and still the engine could not connect (seen on a busy machine as "Connection to
            # speech-dispatcher failed": the daemon the probe started, restarting or gone): the probe, which starts
            # a daemon again, is asked again in a moment, as for no voices yet.
            self._open_failures += 1
            log.info(
                "read aloud: %s (try %d of %d)",
                speech.errorString() or "the engine failed",
                self._open_failures,
                PROBE_TRIES,
            )
            speech.deleteLater()
            self._open_failures = self._ask_again_soon(self._open_failures)
            return
        self._open_failures = 0
        self._speech = speech
        speech.stateChanged.connect(self._on_state_changed)
        self._on_state_changed(speech.state())

    @property
    def available(self) -> bool:
        return self._available

    @property
    def speaking(self) -> bool:
        return self._speaking

    def can_read(self, language: str) -> bool:
        """Whether a voice speaks `language` on this machine."""
        return self._available and self._locale_for(language) is not None

    def read(self, text: str, language: str) -> bool:
        """Speak `text` in `language` (stopping whatever was being read); False when it cannot."""
        locale = self._locale_for(language)
        if self._speech is None or not self._available or locale is None or not text.strip():
            return False
        self._speech.stop()
        self._speech.setLocale(locale)
        self.last_text = text
        self.last_locale = locale.name()
        self._speech.say(text)
        self._set_speaking(True)
        return True

    def stop(self) -> None:
        """Stop reading. Called on every screen change, so the engine is asked only while it has something to stop:
        its stop() is a round trip to the speech daemon (2 ms with speech-dispatcher, on every question)."""
        if self._speech is not None and (self._speaking or self._engine_busy()):
            self._speech.stop()
        self._set_speaking(False)

    def _engine_busy(self) -> bool:
        from PySide6.QtTextToSpeech import QTextToSpeech

        assert self._speech is not None
        state = self._speech.state()
        return state in (QTextToSpeech.State.Speaking, QTextToSpeech.State.Paused, QTextToSpeech.State.Synthesizing)

    def shutdown(self) -> None:
        """Stop reading and end a probe still waiting (the window is closing); none is started after this."""
        self._closing = True
        self.stop()
        if self._probe is not None:
            self._probe.kill()
            self._probe.waitForFinished(1000)
            self._probe = None

    def _locale_for(self, language: str) -> QLocale | None:
        if self._speech is None:
            return None
        wanted = QLocale(SPEECH_LOCALES.get(language, language))
        locales = self._speech.availableLocales()
        for locale in locales:
            if locale.name() == wanted.name():
                return locale
        for locale in locales:
            if locale.language() == wanted.language():
                return locale
        return None

    def _on_state_changed(self, state: object) -> None:
        from PySide6.QtTextToSpeech import QTextToSpeech

        available = state != QTextToSpeech.State.Error and bool(self._speech and self._speech.availableLocales())
        if state == QTextToSpeech.State.Error and self._speech is not None:
            log.info("read aloud is not available: %s", self._speech.errorString() or "the speech engine failed")
        if available != self._available:
            self._available = available
            self.available_changed.emit(available)
        if state in (QTextToSpeech.State.Ready, QTextToSpeech.State.Error):
            self._set_speaking(False)
        elif state == QTextToSpeech.State.Speaking:
            self._set_speaking(True)

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
    from kiosk.ui.widgets.signature_pad import SignaturePad  # read when reading: not imported before Welcome paints

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
