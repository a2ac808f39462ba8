"""Seen while locked: the lock screen counts waiting urgent flags and holds (no names) within two seconds
of the tablet raising one, and a new urgent flag chimes and raises a notification naming no patient."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from PySide6.QtMultimedia import QSoundEffect
from pytestqt.qtbot import QtBot

from kiosk.domain.acknowledgements import WaitingCounts
from kiosk.resources import resource_path
from kiosk.services.backend import Backend, open_backend
from kiosk.services.flag_answers import waiting_counts
from kiosk.services.intake import begin_intake, record_answer
from kiosk.store.models import StaffRole
from kiosk.ui.staff.sign_in import LockView
from kiosk.ui.staff.waiting_alerts import CHIME_FILE, NOTIFICATION_TEXT, NOTIFICATION_TITLE
from tests.services.conftest import schedule
from tests.ui.staff.conftest import demo_identity, open_console
from tests.ui.staff.driver import Staff

COUNT_WITHIN_MS = 2000


def test_a_flag_raised_while_locked_is_counted_within_two_seconds_and_chimes(
    qtbot: QtBot, backend: Backend, tablet: Backend
) -> None:
    identity = demo_identity(backend, StaffRole.CLINICIAN)
    window = open_console(qtbot, backend, identity=identity)
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    qtbot.waitUntil(lambda: window.waiting.counts is not None, timeout=COUNT_WITHIN_MS)
    before = window.waiting.counts
    assert isinstance(before, WaitingCounts)
    with qtbot.waitSignal(window.locked, timeout=2000):
        staff.click("Lock")
    lock = window.lock_view
    assert isinstance(window.current_view(), LockView)
    # The lock screen says what waits, and nothing about whom.
    assert lock.waiting.isVisible()
    assert lock.waiting.text().endswith("sign in to see them") or lock.waiting.text() == "Nothing is waiting."

    # The tablet: a new patient checks in and answers PHQ-9 item 9 above 0.
    appointment_id = schedule(tablet, "Rosa", "Quintero", dt.date(1975, 5, 5), hour=15)
    intake_id = begin_intake(tablet, appointment_id, "en").intake_id
    raised = time.monotonic()
    record_answer(tablet, intake_id, "phq9", "q9", 2)
    expected = WaitingCounts(urgent=before.urgent + 1, holds=before.holds)
    qtbot.waitUntil(lambda: window.waiting.counts == expected, timeout=COUNT_WITHIN_MS)
    assert time.monotonic() - raised < COUNT_WITHIN_MS / 1000
    text = lock.waiting.text()
    assert text.startswith(f"{expected.urgent} urgent flag")
    assert "Quintero" not in text and "Rosa" not in text
    assert lock.waiting.property("tone") == "urgent"
    assert waiting_counts(backend, identity) == expected  # what the service says, as a second reading

    # The chime, with the bundled sound, was asked to play; the notification names no patient.
    alert = window.alert
    assert alert.chimes_requested == 1
    assert isinstance(alert.sound, QSoundEffect)
    assert alert.sound.source().toLocalFile() == str(resource_path(*CHIME_FILE))
    qtbot.waitUntil(lambda: alert.sound is not None and alert.sound.status() == QSoundEffect.Status.Ready)
    assert alert.notifications_shown == [(NOTIFICATION_TITLE, NOTIFICATION_TEXT)]

    # The console stays locked throughout: nothing of the board is on screen.
    assert window.is_locked and window.console is not None and not window.console.isVisible()


def test_no_chime_when_the_setting_is_off(qtbot: QtBot, tablet: Backend, data_dir: Path) -> None:
    settings = data_dir / "settings.toml"
    text = settings.read_text()
    assert "urgent_chime = true" in text
    settings.write_text(text.replace("urgent_chime = true", "urgent_chime = false"))
    quiet = open_backend(data_dir)
    try:
        window = open_console(qtbot, quiet, identity=demo_identity(quiet, StaffRole.CLINICIAN))
        qtbot.waitUntil(lambda: window.waiting.counts is not None, timeout=COUNT_WITHIN_MS)
        appointment_id = schedule(tablet, "Rosa", "Quintero", dt.date(1975, 5, 5), hour=15)
        record_answer(tablet, begin_intake(tablet, appointment_id, "en").intake_id, "phq9", "q9", 1)
        with qtbot.waitSignal(window.alert.alerted, timeout=COUNT_WITHIN_MS) as blocker:
            pass
        assert blocker.args == [False]
        assert window.alert.chimes_requested == 0 and window.alert.sound is None
        assert len(window.alert.notifications_shown) == 1
    finally:
        window.close()
        quiet.engine.dispose()
