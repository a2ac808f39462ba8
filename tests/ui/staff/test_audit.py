"""The audit view: the chain reported intact, a raw change to the log found and named, filters, and
entries fetched a page at a time as the admin scrolls."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from kiosk.services.audit_log import AuditRecord
from kiosk.services.backend import Backend
from kiosk.ui.staff import audit
from kiosk.ui.staff.audit import AuditView
from kiosk.ui.staff.style import Tone
from tests.ui.staff.driver import TIMEOUT_MS, Staff

TABLE = "Audit entries"


def open_audit(staff: Staff) -> AuditView:
    staff.open_tab("Audit")
    view = staff.console.audit
    assert view is not None
    staff.qtbot.waitUntil(lambda: view.chain is not None and view.model.rowCount() > 0, timeout=TIMEOUT_MS)
    return view


def test_chain_intact_then_a_raw_update_is_caught_at_its_entry(
    qtbot: QtBot, admin_console: Staff, data_dir: Path
) -> None:
    staff = admin_console
    view = open_audit(staff)
    assert view.chain is not None and view.chain.intact
    staff.wait_for_text(f"Audit log intact: {view.chain.entries_checked} entries checked.")
    assert view.chain_status.tone == "good"

    victim = 12
    with sqlite3.connect(data_dir / "kiosk.sqlite3") as connection:
        # An intruder with write access to the file drops the guard first (migration 0003).
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET actor = 'someone-else' WHERE id = ?", (victim,))
    staff.click("Check the chain")
    qtbot.waitUntil(lambda: view.chain is not None and not view.chain.intact, timeout=TIMEOUT_MS)
    staff.wait_for_text(f"Audit log BROKEN at entry {victim}")
    assert view.chain_status.tone == "urgent"
    assert view.chain.first_bad is not None and view.chain.first_bad.entry_id == victim
    staff.click("Apply filter")
    qtbot.waitUntil(lambda: view.model.shown_count() == view.model.total > 0, timeout=TIMEOUT_MS)
    rows = [row for row in staff.rows(TABLE) if isinstance(row, AuditRecord)]
    bad_row = next(number for number, row in enumerate(rows) if row.entry_id == victim)
    model = staff.table(TABLE).model()
    assert model.index(bad_row, 0).data(Qt.ItemDataRole.BackgroundRole) == Tone.URGENT.background


def test_filter_by_person(qtbot: QtBot, admin_console: Staff) -> None:
    staff = admin_console
    view = open_audit(staff)
    view.person.setCurrentText("demo-clinician")
    assert view.person.accessibleName() == "Person"
    staff.click("Apply filter")
    qtbot.waitUntil(lambda: view.model.total > 0 and view.model.rowCount() == view.model.total, timeout=TIMEOUT_MS)
    assert {row.actor for row in staff.rows(TABLE) if isinstance(row, AuditRecord)} == {"demo-clinician"}


def test_filter_by_patient_found_by_name(qtbot: QtBot, admin_console: Staff) -> None:
    staff = admin_console
    view = open_audit(staff)
    staff.type_into("Find a patient", "okafor")
    qtbot.waitUntil(lambda: len(view.picker.hits) == 1, timeout=TIMEOUT_MS)
    staff.press_enter(staff.field("Find a patient"))
    staff.wait_for_text("Showing entries about Okafor, Daniel")
    staff.click("Apply filter")
    patient_id = view.picker.hits[0].patient_id
    qtbot.waitUntil(
        lambda: view.model.rowCount() > 0 and all(row.patient_id == patient_id for row in view.model.rows),
        timeout=TIMEOUT_MS,
    )
    actions = {row.action for row in view.model.rows}
    assert {"intake.submit", "flag.acknowledge", "intake.review"} <= actions
    # What the person reads: the patient's name and the action in words, not numbers and codes.
    columns = [view.model.headerData(column, Qt.Orientation.Horizontal) for column in range(view.model.columnCount())]
    action_column, patient_column = columns.index("Action"), columns.index("Patient")
    shown = {view.model.index(row, action_column).data() for row in range(view.model.rowCount())}
    assert {"patient submitted the check-in", "acknowledged an urgent flag", "marked an intake reviewed"} <= shown
    assert view.model.index(0, patient_column).data() == f"Daniel Okafor ({patient_id})"


def test_older_entries_are_fetched_as_the_table_scrolls(
    qtbot: QtBot, admin_console: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit, "PAGE_SIZE", 10)
    staff = admin_console
    view = open_audit(staff)
    staff.click("Apply filter")
    qtbot.waitUntil(lambda: view.model.rowCount() == 10, timeout=TIMEOUT_MS)
    assert view.model.total > 30
    table = staff.table(TABLE)
    for _ in range(3):
        shown = view.model.rowCount()
        table.scrollToBottom()
        qtbot.waitUntil(lambda shown=shown: view.model.rowCount() > shown, timeout=TIMEOUT_MS)
    ids = [row.entry_id for row in view.model.rows]
    assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids)) >= 40


def test_filter_by_date(qtbot: QtBot, admin_console: Staff, backend: Backend) -> None:
    staff = admin_console
    view = open_audit(staff)
    today = backend.local_now().date()
    qtbot.mouseClick(view.from_check, Qt.MouseButton.LeftButton, pos=view.from_check.rect().center())
    assert view.from_date.isEnabled()
    view.from_date.setDate(QDate(today.year, today.month, today.day))
    staff.click("Apply filter")
    qtbot.waitUntil(lambda: view.model.rowCount() == view.model.total > 0, timeout=TIMEOUT_MS)
    assert {row.at.date() for row in view.model.rows} == {today}
    tomorrow = today + dt.timedelta(days=1)
    view.from_date.setDate(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
    staff.click("Apply filter")
    staff.wait_for_text("0 matching entries, newest first.")
