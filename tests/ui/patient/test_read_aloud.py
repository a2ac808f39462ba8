"""Read aloud: the screen in view is spoken in the patient's language, and the control is hidden, never broken,
where no voice speaks that language.

The first tests use the machine's real speech engine (speech-dispatcher with espeak-ng voices, installed by
scripts/test-services.sh; its sound goes to the test PulseAudio server's null sink). The last uses Qt's "mock"
engine, which has English voices and no Spanish one.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QScrollArea
from pytestqt.qtbot import QtBot

from kiosk.domain.consent_markup import BlockKind, consent_blocks
from kiosk.domain.forms import pick
from kiosk.ui.patient.window import PatientWindow
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient
from tests.ui.patient.test_kiosk_behaviour import SAM, check_in

# The tests stop and start the machine's one speech-dispatcher: under pytest-xdist they share one worker.
pytestmark = pytest.mark.xdist_group("speech-dispatcher")

MORGAN = ("Morgan", "Lee", dt.date(1995, 9, 14))  # a first visit: the consents come first
SPEECH_MS = 30_000  # the first kiosk also starts speech-dispatcher and loads its voices


def _stop_speech_dispatcher() -> None:
    """speech-dispatcher is started on demand by its first client; a daemon a killed client left hung would
    answer no later test, so each test starts from none (its own is spawned by the kiosk's first connection)."""
    subprocess.run(["pkill", "-9", "-x", "speech-dispatch"], check=False)  # the name is cut at 15 characters
    (Path.home() / ".cache" / "speech-dispatcher" / "speechd.sock").unlink(missing_ok=True)


@pytest.fixture
def speech(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    # A failure shows why the engine did not answer.
    caplog.set_level(logging.INFO, logger="kiosk.ui.widgets.read_aloud")
    if shutil.which("speech-dispatcher") is None:
        pytest.fail(
            "speech-dispatcher is not installed: run `bash scripts/test-services.sh start`, which installs it "
            "with its espeak-ng voices (English and Spanish)."
        )
    if os.environ.get("KIOSK_TEST_PULSE_SERVER"):
        os.environ["PULSE_SERVER"] = os.environ["KIOSK_TEST_PULSE_SERVER"]
    _stop_speech_dispatcher()
    yield
    _stop_speech_dispatcher()


def kiosk_with_engine(qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path, engine: str) -> PatientWindow:
    data_dir = make_data_dir(tmp_path / "data")
    settings = data_dir / "settings.toml"
    text = settings.read_text().replace("read_aloud = false", "read_aloud = true")
    settings.write_text(text.replace('speech_engine = ""', f'speech_engine = "{engine}"'))
    return open_kiosk(qtbot, data_dir)


@pytest.mark.usefixtures("speech")
def test_the_question_and_its_answers_are_read_in_the_patients_language(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path
) -> None:
    window = kiosk_with_engine(qtbot, make_data_dir, tmp_path, "")
    try:
        patient = Patient(qtbot, window)
        qtbot.waitUntil(window.read_aloud_button.isVisible, timeout=SPEECH_MS)
        assert window.read_aloud_button.text() == "Read aloud"
        patient.tap("Español")
        qtbot.waitUntil(window.read_aloud_button.isVisible)
        assert window.read_aloud_button.text() == "Leer en voz alta"
        patient.tap("Comenzar")
        patient.identify(*SAM, names=("Nombre", "Apellido", "Mes", "Día", "Año"))
        patient.tap("Siguiente")
        patient.tap("Sí, soy yo")
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.question, timeout=SPEECH_MS)
        item = window.backend.forms.get("phq9").item("q1")
        patient.tap("Leer en voz alta")
        spoken = window.read_aloud.last_text
        assert window.read_aloud.last_locale == "es_ES"
        assert pick(item.text, "es") in spoken
        for option in item.options:
            assert pick(option.label, "es") in spoken
        assert spoken.index(pick(item.text, "es")) < spoken.index(pick(item.options[0].label, "es"))
        # The keys of no keyboard, and nothing of the header, are read.
        assert "Leer en voz alta" not in spoken and "Letra más grande" not in spoken
        qtbot.waitUntil(lambda: window.read_aloud_button.text() == "Dejar de leer", timeout=SPEECH_MS)
        patient.tap("Dejar de leer")
        qtbot.waitUntil(lambda: not window.read_aloud.speaking, timeout=SPEECH_MS)
        assert window.read_aloud_button.text() == "Leer en voz alta"
    finally:
        window.shutdown()


@pytest.mark.usefixtures("speech")
def test_a_change_of_language_stops_the_reading(qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path) -> None:
    window = kiosk_with_engine(qtbot, make_data_dir, tmp_path, "")
    try:
        patient = Patient(qtbot, window)
        qtbot.waitUntil(window.read_aloud_button.isVisible, timeout=SPEECH_MS)
        patient.tap("Español")
        patient.tap("Leer en voz alta")
        qtbot.waitUntil(lambda: window.read_aloud_button.text() == "Dejar de leer", timeout=SPEECH_MS)
        patient.tap("English")  # the Spanish reading is of a screen no longer in Spanish
        assert not window.read_aloud.speaking
        assert window.read_aloud_button.text() == "Read aloud"
    finally:
        window.shutdown()


@pytest.mark.usefixtures("speech")
def test_a_consent_is_read_from_the_section_in_view(qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path) -> None:
    window = kiosk_with_engine(qtbot, make_data_dir, tmp_path, "")
    try:
        patient = Patient(qtbot, window)
        check_in(patient, *MORGAN)
        patient.tap("Yes, this is me")
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.consent, timeout=SPEECH_MS)
        qtbot.waitUntil(window.read_aloud_button.isVisible, timeout=SPEECH_MS)
        consent = window.consent
        form = consent.form
        assert form is not None
        blocks = consent_blocks(form.consent_text("en"))
        headings = [block.text for block in blocks if block.kind is BlockKind.HEADING]
        assert len(headings) >= 3, "a consent long enough to scroll"

        patient.tap("Read aloud")
        at_top = window.read_aloud.last_text
        assert headings[0] in at_top and headings[-1] not in at_top

        area = next(area for area in consent.findChildren(QScrollArea) if area.isVisible())
        bar = area.verticalScrollBar()
        bar.setValue(bar.maximum())
        qtbot.wait(50)
        patient.tap("Stop reading")
        qtbot.waitUntil(lambda: not window.read_aloud.speaking, timeout=SPEECH_MS)
        patient.tap("Read aloud")
        at_end = window.read_aloud.last_text
        assert headings[-1] in at_end and headings[0] not in at_end

        qtbot.waitUntil(lambda: window.read_aloud_button.text() == "Stop reading", timeout=SPEECH_MS)
        patient.tap("I agree")  # the signing page: the consent's text is no longer in view
        assert not window.read_aloud.speaking
        assert window.read_aloud_button.text() == "Read aloud"
    finally:
        window.shutdown()


def test_no_voice_for_the_language_hides_the_control(qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path) -> None:
    window = kiosk_with_engine(qtbot, make_data_dir, tmp_path, "mock")  # Qt's test engine: English voices only
    try:
        patient = Patient(qtbot, window)
        qtbot.waitUntil(window.read_aloud_button.isVisible, timeout=SPEECH_MS)
        patient.tap("Read aloud")
        assert "Start" in window.read_aloud.last_text
        patient.tap("Español")
        assert not window.read_aloud_button.isVisible()
        patient.tap("English")
        assert window.read_aloud_button.isVisible()
    finally:
        window.shutdown()


def test_a_machine_without_speech_shows_no_control(qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path) -> None:
    window = kiosk_with_engine(qtbot, make_data_dir, tmp_path, "nosuchengine")
    try:
        qtbot.wait(500)
        assert not window.read_aloud.available and not window.read_aloud_button.isVisible()
    finally:
        window.shutdown()


def test_a_speech_engine_that_never_answers_costs_the_button_not_the_screen(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """speech-dispatcher can stop answering its socket; making the engine then blocks, holding Python's lock.
    The kiosk asks a child process first: one that never answers is given up and the patient goes on."""
    from kiosk.ui.widgets import read_aloud

    if not read_aloud.sys.platform.startswith("linux"):
        pytest.skip("the probe guards the Linux speech-dispatcher plugin")
    monkeypatch.setattr(read_aloud, "_PROBE", "import time\ntime.sleep(600)\n")
    monkeypatch.setattr(read_aloud, "PROBE_SECONDS", 1)
    window = kiosk_with_engine(qtbot, make_data_dir, tmp_path, "")
    try:
        patient = Patient(qtbot, window)
        check_in(patient, *SAM)  # the screens answer while the probe hangs
        patient.tap("Yes, this is me")
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.question, timeout=SPEECH_MS)
        qtbot.waitUntil(lambda: window.read_aloud._probe is None, timeout=SPEECH_MS)  # killed after a second
        assert not window.read_aloud.available and not window.read_aloud_button.isVisible()
        window.show_screen(window.welcome)  # the next patient: the engine is asked once more
        assert window.read_aloud._probe is not None
        qtbot.waitUntil(lambda: window.read_aloud._probe is None, timeout=SPEECH_MS)
        assert not window.read_aloud_button.isVisible()
    finally:
        window.shutdown()


FAKE_PROBE = """
import pathlib, sys
tries = pathlib.Path(sys.argv[2])
before = int(tries.read_text()) if tries.exists() else 0
tries.write_text(str(before + 1))
print("" if before < EMPTY else "en_US es_ES", flush=True)
"""
"""A probe that answers with no voices EMPTY times (a speech-dispatcher it just started, still loading them on a busy
machine: seen in CI), then with voices; it counts its runs in the file named after the engine."""


def fake_probe(monkeypatch: pytest.MonkeyPatch, tries: Path, *, empty: int) -> None:
    from kiosk.ui.widgets import read_aloud

    if not read_aloud.sys.platform.startswith("linux"):
        pytest.skip("the probe guards the Linux speech-dispatcher plugin")
    monkeypatch.setattr(read_aloud, "_PROBE", FAKE_PROBE.replace("EMPTY", str(empty)))
    monkeypatch.setattr(read_aloud, "PROBE_AGAIN_MS", 50)
    real_start = read_aloud.QProcess.start

    def start(process: read_aloud.QProcess, program: str, arguments: list[str]) -> None:
        real_start(process, program, [*arguments, str(tries)])

    monkeypatch.setattr(read_aloud.QProcess, "start", start)


@pytest.mark.usefixtures("speech")
def test_an_engine_that_answers_with_no_voices_yet_is_asked_again(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries = tmp_path / "tries"
    fake_probe(monkeypatch, tries, empty=1)
    window = kiosk_with_engine(qtbot, make_data_dir, tmp_path, "")
    try:
        qtbot.waitUntil(window.read_aloud_button.isVisible, timeout=SPEECH_MS)
        # Asked again after the answer with no voices (once more if the engine then failed to connect on a busy
        # machine, which is asked again too).
        assert int(tries.read_text()) >= 2
    finally:
        window.shutdown()


def test_an_engine_with_no_voices_after_every_try_waits_for_the_next_patient(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.ui.widgets import read_aloud

    tries = tmp_path / "tries"
    fake_probe(monkeypatch, tries, empty=100)
    window = kiosk_with_engine(qtbot, make_data_dir, tmp_path, "")
    try:
        qtbot.waitUntil(lambda: window.read_aloud._gave_up, timeout=SPEECH_MS)
        assert tries.read_text() == str(read_aloud.PROBE_TRIES)
        assert not window.read_aloud_button.isVisible()
        window.show_screen(window.welcome)  # the next patient: asked again
        qtbot.waitUntil(lambda: tries.read_text() == str(read_aloud.PROBE_TRIES + 1), timeout=SPEECH_MS)
    finally:
        window.shutdown()


@pytest.mark.usefixtures("speech")
def test_an_engine_that_cannot_connect_after_the_probe_answered_is_asked_again(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen beside other tests on two workers: the probe answered with voices, then the engine's own connection
    failed ("Connection to speech-dispatcher failed") and the button never came for that patient."""
    from PySide6 import QtTextToSpeech

    from kiosk.ui.widgets import read_aloud

    if not read_aloud.sys.platform.startswith("linux"):
        pytest.skip("the probe guards the Linux speech-dispatcher plugin")
    monkeypatch.setattr(read_aloud, "PROBE_AGAIN_MS", 50)
    real = QtTextToSpeech.QTextToSpeech
    made: list[str] = []

    class FailsFirst(real):  # type: ignore[misc,valid-type]
        """The machine's engine, reported as failed the first time it is made."""

        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            made.append("failed" if not made else "connected")
            self._failed = made[-1] == "failed"

        def state(self) -> object:
            return real.State.Error if self._failed else super().state()

    monkeypatch.setattr(QtTextToSpeech, "QTextToSpeech", FailsFirst)
    window = kiosk_with_engine(qtbot, make_data_dir, tmp_path, "")
    try:
        qtbot.waitUntil(window.read_aloud_button.isVisible, timeout=SPEECH_MS)
        # Then connected (a busy machine's real engine may fail a try of its own: "Failed to initialize default
        # locale and voice." was seen once).
        assert made[0] == "failed" and made[-1] == "connected" and len(made) <= read_aloud.PROBE_TRIES
    finally:
        window.shutdown()
