"""A kiosk built exactly as `kiosk run --data-dir DIR` builds it, on a seeded demo database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import build_kiosk
from kiosk.services.backend import open_backend
from kiosk.services.demo import seed_demo
from kiosk.settings import DEFAULT_SETTINGS
from kiosk.ui.patient.window import PatientWindow
from tests.ui.patient.driver import Patient


def make_data_dir(
    path: Path, *, idle_seconds: int = 600, countdown: int = 30, input_guard_ms: int = 0, answer_beat_ms: int = 10
) -> Path:
    """The careful driver's kiosk: a short beat and no input guard (it taps once, after every wait); the
    people-like tests give the real guard and beat."""
    path.mkdir(parents=True, exist_ok=True)
    settings = (
        DEFAULT_SETTINGS.replace("answer_beat_ms = 300", f"answer_beat_ms = {answer_beat_ms}")
        .replace("input_guard_ms = 400", f"input_guard_ms = {input_guard_ms}")
        .replace("idle_seconds = 90", f"idle_seconds = {idle_seconds}")
        .replace("idle_countdown_seconds = 30", f"idle_countdown_seconds = {countdown}")
    )
    (path / "settings.toml").write_text(settings)
    backend = open_backend(path)
    seed_demo(backend)
    backend.engine.dispose()
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
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
