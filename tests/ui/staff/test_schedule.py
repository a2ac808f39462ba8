"""The schedule: book a patient on file and a new one, move a visit, cancel one after confirming."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDateTimeEdit, QListView, QTabWidget
from pytestqt.qtbot import QtBot

from kiosk.domain.statuses import VisitStatus
from kiosk.services.appointments import AppointmentView
from kiosk.services.backend import Backend
from kiosk.services.schedule import ScheduleEntry, schedule_for_day
from kiosk.ui.staff.appointment_dialogs import AddAppointmentDialog, MoveAppointmentDialog, to_qdatetime
from kiosk.ui.staff.dialogs import ConfirmDialog
from tests.identities import front_desk
from tests.ui.staff.driver import TIMEOUT_MS, Staff

TABLE = "Appointments of the day"


def test_book_a_patient_on_file_then_move_and_cancel(qtbot: QtBot, front_desk_console: Staff, backend: Backend) -> None:
    staff = front_desk_console
    staff.open_tab("Schedule")
    staff.click("Add appointment...")
    dialog = staff.wait_for_dialog(AddAppointmentDialog)
    staff.type_into("Find a patient", "okafor")
    results = next(view for view in staff.visible(QListView) if view.accessibleName() == "Matching patients")
    qtbot.waitUntil(lambda: results.model().rowCount() == 1, timeout=TIMEOUT_MS)
    qtbot.mouseClick(
        results.viewport(), Qt.MouseButton.LeftButton, pos=results.visualRect(results.model().index(0, 0)).center()
    )
    staff.wait_for_text("Chosen: Okafor, Daniel")
    today = backend.local_now().date()
    dialog.when.setDateTime(to_qdatetime(dt.datetime.combine(today, dt.time(16, 30))))
    with qtbot.waitSignal(dialog.added, timeout=TIMEOUT_MS) as booked:
        staff.click("Add appointment")
    assert isinstance(booked.args[0], AppointmentView)
    staff.wait_for_text("Booked for")
    late = [entry for entry in schedule_for_day(backend, front_desk()) if entry.starts_at.hour == 16]
    assert [entry.patient_name for entry in late] == ["Daniel Okafor"]

    staff.click_row(TABLE, lambda entry: isinstance(entry, ScheduleEntry) and entry.starts_at.hour == 16)
    staff.click("Move...")
    move = staff.wait_for_dialog(MoveAppointmentDialog)
    edit = next(widget for widget in move.findChildren(QDateTimeEdit) if widget.accessibleName() == "New date and time")
    edit.setDateTime(to_qdatetime(dt.datetime.combine(today, dt.time(17, 0))))
    staff.click("Move")
    staff.wait_for_text("Moved to")
    moved = next(
        entry for entry in schedule_for_day(backend, front_desk()) if entry.appointment_id == late[0].appointment_id
    )
    assert (moved.starts_at.hour, moved.starts_at.minute) == (17, 0)

    staff.click_row(TABLE, lambda entry: isinstance(entry, ScheduleEntry) and entry.starts_at.hour == 17)
    staff.click("Cancel appointment")
    staff.wait_for_dialog(ConfirmDialog)
    staff.click("Keep it")
    assert next(
        e for e in schedule_for_day(backend, front_desk()) if e.appointment_id == moved.appointment_id
    ).status is (VisitStatus.NOT_ARRIVED)
    staff.click("Cancel appointment")
    staff.wait_for_dialog(ConfirmDialog)
    staff.click("Cancel appointment")
    staff.wait_for_text("Cancelled the appointment of Daniel Okafor.")
    cancelled = next(e for e in schedule_for_day(backend, front_desk()) if e.appointment_id == moved.appointment_id)
    assert cancelled.status is VisitStatus.CANCELLED


def test_book_a_new_patient_and_refuse_a_bad_birth_date(
    qtbot: QtBot, front_desk_console: Staff, backend: Backend
) -> None:
    staff = front_desk_console
    staff.open_tab("Schedule")
    staff.click("Add appointment...")
    dialog = staff.wait_for_dialog(AddAppointmentDialog)
    tabs = next(widget for widget in dialog.findChildren(QTabWidget) if widget.accessibleName() == "Patient")
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    staff.type_into("First name", "Jordan")
    staff.type_into("Last name", "Avery")
    staff.type_into("Date of birth", "13/45/1990")
    staff.click("Add appointment")
    staff.wait_for_text("Type the date of birth as MM/DD/YYYY")
    staff.type_into("Date of birth", "02/29/1988")
    with qtbot.waitSignal(dialog.added, timeout=TIMEOUT_MS):
        staff.click("Add appointment")
    assert any(
        entry.patient_name == "Jordan Avery" for entry in schedule_for_day(backend, front_desk(), dialog_day(dialog))
    )


def dialog_day(dialog: AddAppointmentDialog) -> dt.date:
    chosen = dialog.when.date()
    return dt.date(chosen.year(), chosen.month(), chosen.day())


def test_the_day_box_shows_the_whole_date(qtbot: QtBot, front_desk_console: Staff) -> None:
    from PySide6.QtWidgets import QLineEdit

    staff = front_desk_console
    staff.open_tab("Schedule")
    edit = staff.console.schedule.day_edit
    qtbot.waitUntil(edit.isVisible, timeout=TIMEOUT_MS)
    edit.setDate(edit.date().fromString("12/28/2026", "MM/dd/yyyy"))  # a Monday; Wednesday is widest
    edit.setDate(edit.date().addDays(2))
    shown = edit.findChild(QLineEdit)
    assert shown is not None and edit.text() == "Wednesday 12/30/2026"
    assert shown.fontMetrics().horizontalAdvance(edit.text()) <= shown.contentsRect().width()
