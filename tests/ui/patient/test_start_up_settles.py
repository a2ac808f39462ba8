"""Once every screen is made, the kiosk takes its start-up objects out of the cyclic collector's sight (kiosk/app.py,
`freeze_start_up_objects`), and what a sitting makes and drops is still collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import kiosk.app
from tests.ui.patient.conftest import open_kiosk
from tests.ui.patient.driver import Patient


@pytest.fixture
def freezing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(kiosk.app, "FREEZE_AFTER_START", True)
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process goes on building kiosks


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_start_up_is_frozen_once_every_screen_is_made_and_a_sittings_garbage_is_still_collected(
    qtbot: QtBot, data_dir: Path, freezing: None
) -> None:
    window = open_kiosk(qtbot, data_dir)
    assert gc.get_freeze_count() == 0
    with qtbot.waitSignal(window.screens_built, timeout=30_000):
        pass
    assert window.all_screens_built
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Qt's bindings, SQLAlchemy, the forms and the screens

    patient = Patient(qtbot, window)
    patient.tap("Start")
    made = Cycle()
    gone = weakref.ref(made)
    del made
    gc.collect()
    assert gone() is None  # garbage made after start-up is still found
    assert gc.get_freeze_count() <= frozen  # nothing of the sitting is frozen
    window.shutdown()
