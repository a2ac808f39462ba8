"""The dosing session on the console, driven as a nurse does: open it from the board for a checked-in patient,
type the vital signs (a high reading needs a reason), type the time of dosing, watch the 40-minute reading come
due on the board's Monitoring section as a fake clock moves, record the dose with the keyboard, see the REMS
form overdue in red and save it as a signed PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QTableView
from pytestqt.qtbot import QtBot

from kiosk.services.backend import Backend, open_backend
from kiosk.services.board import BoardRow
from kiosk.services.dosing_lists import MonitoringLine, SessionSummary
from kiosk.store.models import StaffRole
from kiosk.ui.staff.style import Tone
from tests.services.conftest import FakeClock
from tests.ui.staff.conftest import demo_identity, open_console
from tests.ui.staff.driver import TIMEOUT_MS, Staff
from tests.ui.staff.scenario import check_in
from tests.ui.staff.test_patient_chart import open_chart

MONITORING = "Monitoring"
REMS = "REMS forms to file"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def timed_backend(data_dir: Path, clock: FakeClock) -> Iterator[Backend]:
    """The console's backend on the fake clock (the tablet's too), so minutes pass when the test says so."""
    opened = open_backend(data_dir, clock=clock)
    yield opened
    opened.engine.dispose()


def console(qtbot: QtBot, backend: Backend) -> Staff:
    staff = Staff(qtbot, open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.CLINICIAN)))
    staff.wait_for_board()
    return staff


def session_of(staff: Staff) -> object:
    dosing = staff.console.dosing
    assert dosing is not None
    return dosing.session


def test_a_nurse_records_a_session_and_the_board_counts_down_to_the_40_minute_reading(
    qtbot: QtBot, timed_backend: Backend, clock: FakeClock
) -> None:
    staff = console(qtbot, timed_backend)
    check_in(timed_backend, "Ana García")  # the tablet: submitted, no holds
    staff.click_row(
        "Appointments",
        lambda row: isinstance(row, BoardRow) and row.patient_name == "Ana García" and row.intake_id is not None,
    )
    staff.click("Open dosing session")
    staff.wait_for_text("Dosing session: Ana García · Spravato session")
    dosing = staff.console.dosing
    assert dosing is not None
    assert staff.shows_text("Not dosed yet: take the reading before dosing, then record the time of dosing.")

    staff.type_into("Time taken", "08:00")
    staff.type_into("Taken by", "Jo Park, RN")
    staff.type_into("Blood pressure (mmHg)", "150/95")
    staff.type_into("SpO2 (%)", "98")
    staff.click("Record reading")
    staff.wait_for_text(
        "Blood pressure 150/95 is above 140/90 before dosing: record a reason to proceed. Type it under Reason and "
        "choose 'Save with this reason'."
    )
    assert staff.rows("Readings") == []
    staff.type_into("Reason", "rested 5 minutes; prescriber weighed the risk")
    staff.click("Save with this reason")
    qtbot.waitUntil(lambda: len(staff.rows("Readings")) == 1, timeout=TIMEOUT_MS)
    assert staff.table("Readings").model().index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == Tone.URGENT.background
    assert "Proceeded: rested 5 minutes" in staff.cell_texts("Readings")[0][4]
    assert staff.cell_texts("Readings")[0][3] == "Jo Park, RN"

    staff.type_into("Time of the first device", "07:99")
    staff.press_enter(staff.field("Time of the first device"))
    staff.wait_for_text("Time of the first device: '07:99' is not a time of day: hours go to 23 and minutes to 59.")
    staff.type_into("Time of the first device", "8.05")
    staff.press_enter(staff.field("Time of the first device"))
    staff.wait_for_text("Saved: Time of the first device.")
    assert staff.field("Time of the first device").text() == "08:05"  # as stored

    dose = next(box for box in staff.visible(QComboBox) if box.accessibleName() == "Dose")
    # Tabbed to, then chosen with the arrow keys (the offscreen platform cannot show the drop-down list); each
    # choice the arrows land on is saved, as a tap on it would be.
    dose.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(dose, Qt.Key.Key_Down)
    qtbot.keyClick(dose, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: dosing.session is not None and dosing.session.values.get("dose") == "84mg")
    staff.wait_for_text("Saved: Dose.")

    clock.advance(minutes=42)  # 08:42: 37 minutes after the first device
    staff.wait_for_text("Dosed 8:05 AM · 37 min since dosing · 40-minute BP due in 3 min")
    staff.open_tab("Board")
    expected = ["Ana García", "8:05 AM", "37 min", "40-minute BP due in 3 min"]
    qtbot.waitUntil(lambda: staff.cell_texts(MONITORING)[:1] == [expected], timeout=2500)
    clock.advance(minutes=5)
    qtbot.waitUntil(lambda: staff.cell_texts(MONITORING)[0][3] == "40-minute BP overdue by 2 min", timeout=2500)
    model = staff.table(MONITORING).model()
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == Tone.URGENT.background

    staff.click_row(MONITORING, lambda row: isinstance(row, MonitoringLine) and row.patient_name == "Ana García")
    staff.click("Show session")
    staff.wait_for_text("Dosing session: Ana García · Spravato session")
    # Opened again from the board: the time field holds now, as staff would type it.
    qtbot.waitUntil(lambda: staff.field("Time taken").text() == "08:47", timeout=TIMEOUT_MS)
    staff.type_into("Blood pressure (mmHg)", "132/84")
    staff.type_into("SpO2 (%)", "97")
    staff.click("Record reading")
    qtbot.waitUntil(lambda: len(staff.rows("Readings")) == 2, timeout=TIMEOUT_MS)
    staff.wait_for_text("Dosed 8:05 AM · 42 min since dosing · discharge check in 1 h 18 min")
    assert staff.cell_texts("Readings")[1][:3] == [
        "8:47 AM",
        "About 40 minutes after",
        "Blood pressure 132/84 · SpO2 97",
    ]
    staff.open_tab("Board")
    qtbot.waitUntil(lambda: staff.cell_texts(MONITORING)[0][3] == "discharge check in 1 h 18 min", timeout=TIMEOUT_MS)

    # Discharge after 100 minutes: shorter than the REMS's 120, so it is saved only with a reason.
    clock.advance(minutes=58)  # 09:45
    staff.click_row(MONITORING, lambda row: isinstance(row, MonitoringLine) and row.patient_name == "Ana García")
    staff.click("Show session")
    staff.type_into("End of monitoring (discharge)", "09:45")
    staff.press_enter(staff.field("End of monitoring (discharge)"))
    staff.wait_for_text(
        "Monitoring lasted 100 minutes, less than the 120 required: give a reason to record this time. Type it under "
        "Reason and choose 'Save with this reason'."
    )
    assert dosing.session is not None and "discharge_time" not in dosing.session.values
    staff.type_into("Reason", "transferred to the emergency department")
    staff.click("Save with this reason")
    staff.wait_for_text("Saved: End of monitoring (discharge).")
    staff.wait_for_text("Dosed 8:05 AM · monitoring ended 9:45 AM (100 minutes)")
    assert staff.shows_text("Reason: transferred to the emergency department")
    staff.open_tab("Board")
    qtbot.waitUntil(lambda: staff.cell_texts(MONITORING)[0][3] == "monitoring ended 9:45 AM", timeout=TIMEOUT_MS)


def test_the_rems_list_shows_an_overdue_form_in_red_and_saves_it_signed(
    qtbot: QtBot, timed_backend: Backend, clock: FakeClock, tmp_path: Path
) -> None:
    clock.advance(days=1)  # the demo's Spravato session of a week ago was due yesterday
    staff = console(qtbot, timed_backend)
    qtbot.waitUntil(lambda: bool(staff.rows(REMS)), timeout=TIMEOUT_MS)
    (row,) = staff.cell_texts(REMS)
    due = clock.now.astimezone().date() - dt.timedelta(days=1)
    assert row[1:] == ["Ana García", f"{due:%m/%d/%Y}", f"overdue since {due:%m/%d/%Y}"]
    model = staff.table(REMS).model()
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == Tone.URGENT.background
    assert staff.shows_text("REMS forms to file: 1 overdue")

    staff.click_row(REMS, lambda summary: isinstance(summary, SessionSummary))
    staff.click("Open REMS session")
    staff.wait_for_text(f"REMS form overdue since {due:%m/%d/%Y}. The form can be made.")
    assert staff.shows_text("Dosed 9:15 AM · monitoring ended 11:20 AM (125 minutes)")
    staff.click("Save REMS form as PDF...")
    target = tmp_path / "rems.pdf"
    staff.choose_file(target)
    dosing = staff.console.dosing
    assert dosing is not None
    qtbot.waitUntil(lambda: dosing.saved_path == target, timeout=15000)
    fields = pypdf.PdfReader(BytesIO(target.read_bytes())).get_form_text_fields()
    assert (fields["patient_last_name"], fields["lot_number"]) == ("García", "DEMO-LOT-84A (synthetic)")

    staff.type_into("Confirmation number", "REMS-000321")
    staff.click("Mark REMS form filed today")
    staff.wait_for_text("Saved: the REMS form filed.")
    assert staff.shows_text(
        f"REMS form submitted on {clock.now.astimezone():%m/%d/%Y} by dr.rivera (confirmation REMS-000321)."
    )
    staff.open_tab("Board")
    qtbot.waitUntil(lambda: staff.rows(REMS) == [], timeout=TIMEOUT_MS)


def test_a_session_is_not_opened_while_the_intake_has_an_open_hold(qtbot: QtBot, timed_backend: Backend) -> None:
    staff = console(qtbot, timed_backend)
    check_in(timed_backend, "Ana García", checklist={"ride_home": "no"})
    staff.click_row(
        "Appointments",
        lambda row: isinstance(row, BoardRow) and row.patient_name == "Ana García" and row.intake_id is not None,
    )
    staff.click("Open dosing session")
    staff.wait_for_text(
        "has 1 open hold (see staff before dosing): a clinician clears each with a reason",
    )


def test_the_chart_shows_each_dosing_session_in_the_series(qtbot: QtBot, clinician_console: Staff) -> None:
    open_chart(clinician_console, "Ana Gar", "García, Ana")
    model = clinician_console.table("Sessions").model()
    headers = [model.headerData(column, Qt.Orientation.Horizontal) for column in range(model.columnCount())]
    assert headers[-5:] == ["Dose", "Peak BP", "Sedation", "Dissociation", "Response and remission"]
    rows = clinician_console.cell_texts("Sessions")
    assert [row[-5:-1] for row in rows[:4]] == [["", "", "", ""]] * 4  # sessions with no dosing record
    assert rows[4][-5:-1] == ["84 mg", "146/92 mmHg", "yes (MOAA/S 4)", "yes"]

    open_chart(clinician_console, "Sam Tay", "Taylor, Sam")
    qtbot.waitUntil(lambda: clinician_console.cell_texts("Sessions")[4][-5] == "40 mg (0.51 mg/kg)", timeout=TIMEOUT_MS)
    assert clinician_console.cell_texts("Sessions")[4][-4:-1] == ["138/88 mmHg", "no", "yes"]


def test_the_front_desk_sees_no_dosing_sections(front_desk_console: Staff) -> None:
    staff = front_desk_console
    assert not staff.has_button("Open dosing session")
    assert "Dosing session" not in staff.console.tab_names()
    names = [table.accessibleName() for table in staff.visible(QTableView)]
    assert MONITORING not in names and REMS not in names
    assert "Appointments" in names
