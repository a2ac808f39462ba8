"""Importing a schedule file: the preview names each bad row and why, nothing is imported before the
front desk confirms, and importing the same file again adds nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.services.backend import Backend
from kiosk.services.schedule import schedule_for_day
from kiosk.ui.staff.csv_import import CsvImportDialog
from tests.identities import front_desk
from tests.ui.staff.driver import TIMEOUT_MS, Staff


def schedule_file(folder: Path, day: dt.date) -> Path:
    text = "\n".join(
        [
            "chart_number,first_name,last_name,date_of_birth,appointment_date,appointment_time,visit_type,language",
            f"NEW-0001,Alex,Morgan,1980-01-02,{day.isoformat()},9:00 AM,im_ketamine,en",
            f"NEW-0002,Bea,López,03/04/1975,{day:%m/%d/%Y},09:30,spravato,es",
            f",Cam,Nguyen,1990-13-40,{day.isoformat()},10:00,im_ketamine,en",
            f",Dee,Ross,1985-05-05,{day.isoformat()},25:00,im_ketamine,en",
            f",Eve,Stone,1970-07-07,{day.isoformat()},11:00,massage,en",
        ]
    )
    path = folder / "tomorrow.csv"
    path.write_text(text + "\n", encoding="utf-8")
    return path


def open_import(staff: Staff, path: Path) -> CsvImportDialog:
    staff.open_tab("Schedule")
    staff.click("Import CSV...")
    staff.choose_file(path)
    return staff.wait_for_dialog(CsvImportDialog)


def test_preview_lists_bad_rows_and_import_happens_once(
    qtbot: QtBot, front_desk_console: Staff, backend: Backend, tmp_path: Path
) -> None:
    staff = front_desk_console
    tomorrow = backend.local_now().date() + dt.timedelta(days=1)
    path = schedule_file(tmp_path, tomorrow)
    before = len(schedule_for_day(backend, front_desk(), tomorrow))

    dialog = open_import(staff, path)
    assert dialog.bad_reasons == {
        4: "date of birth 1990-13-40 is not a date (write YYYY-MM-DD or MM/DD/YYYY)",
        5: "appointment time 25:00 is not a time (write 14:30 or 2:30 PM)",
        6: "unknown visit type massage (the clinic's visit types: im_ketamine, spravato, integration)",
    }
    shown = {row[0]: row for row in staff.cell_texts("Rows in the file")}
    assert shown["4"][1] == "Cannot be imported" and "1990-13-40 is not a date" in shown["4"][5]
    assert shown["2"][1:3] == ["Ready to import", "Alex Morgan"]
    assert staff.shows_text("2 rows ready to import; 3 with problems")
    assert len(schedule_for_day(backend, front_desk(), tomorrow)) == before  # nothing before the confirmation

    staff.click("Import 2 appointments")
    qtbot.waitUntil(lambda: dialog.import_result is not None, timeout=TIMEOUT_MS)
    staff.wait_for_text("Imported 2 appointments (2 new patients).")
    assert staff.shows_text("3 rows left out")
    staff.click("Close")
    added = [entry.patient_name for entry in schedule_for_day(backend, front_desk(), tomorrow)]
    assert sorted(added[before:]) == ["Alex Morgan", "Bea López"]

    again = open_import(staff, path)
    assert again is not dialog
    shown = {row[0]: row for row in staff.cell_texts("Rows in the file")}
    assert shown["2"][1] == shown["3"][1] == "Already on the schedule"
    assert not staff.button("Import 0 appointments").isEnabled()
    staff.click("Cancel")
    assert len(schedule_for_day(backend, front_desk(), tomorrow)) == before + 2


def test_a_file_that_is_not_a_schedule_is_refused_whole(
    qtbot: QtBot, front_desk_console: Staff, tmp_path: Path
) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("name,when\nSam,today\n", encoding="utf-8")
    open_import(front_desk_console, path)
    front_desk_console.wait_for_text("Missing: first_name, last_name, date_of_birth")
    assert not front_desk_console.has_button("Import")
    front_desk_console.click("Close")
