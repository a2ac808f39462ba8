"""A kiosk built exactly as `kiosk run --data-dir DIR` builds it, on a copy of the seeded demo folder
(tests/ui/conftest.py seeds it once per run)."""

from __future__ import annotations

import functools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import build_kiosk
from kiosk.settings import DEFAULT_SETTINGS
from kiosk.ui.patient.window import PatientWindow
from tests.ui.patient.driver import Patient

MakeDataDir = Callable[..., Path]


def copy_demo_data_dir(
    template: Path,
    path: Path,
    *,
    idle_seconds: int = 600,
    countdown: int = 30,
    input_guard_ms: int = 0,
    answer_beat_ms: int = 10,
) -> Path:
    """A copy of the seeded demo folder at `path`, with the careful driver's kiosk settings: a short beat and no
    input guard (it taps once, after every wait); the people-like tests give the real guard and beat."""
    shutil.copytree(template, path, dirs_exist_ok=True)
    settings = (
        DEFAULT_SETTINGS.replace("answer_beat_ms = 300", f"answer_beat_ms = {answer_beat_ms}")
        .replace("input_guard_ms = 400", f"input_guard_ms = {input_guard_ms}")
        .replace("idle_seconds = 90", f"idle_seconds = {idle_seconds}")
        .replace("idle_countdown_seconds = 30", f"idle_countdown_seconds = {countdown}")
        # Read aloud starts a speech engine (a probe process, then speech-dispatcher) in every kiosk; only the
        # read-aloud tests need one (tests/ui/patient/test_read_aloud.py turns it back on).
        .replace("read_aloud = true", "read_aloud = false")
    )
    (path / "settings.toml").write_text(settings)
    return path


@pytest.fixture
def make_data_dir(demo_template: Path) -> MakeDataDir:
    """`make_data_dir(path, idle_seconds=..., ...)`: a seeded demo folder of this test's own (a copy)."""
    return functools.partial(copy_demo_data_dir, demo_template)


@pytest.fixture
def data_dir(make_data_dir: MakeDataDir, tmp_path: Path) -> Path:
    return make_data_dir(tmp_path / "kiosk-data")


def open_kiosk(qtbot: QtBot, data_dir: Path, size: tuple[int, int] = (1280, 800)) -> PatientWindow:
    window = build_kiosk(data_dir)
    assert isinstance(window, PatientWindow)
    qtbot.addWidget(window)
    window.allow_close = True  # pytest-qt closes the widgets it was given at the end of the test
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def kiosk(qtbot: QtBot, data_dir: Path) -> Iterator[PatientWindow]:
    window = open_kiosk(qtbot, data_dir)
    yield window
    window.shutdown()


@pytest.fixture
def patient(qtbot: QtBot, kiosk: PatientWindow) -> Patient:
    return Patient(qtbot, kiosk)
