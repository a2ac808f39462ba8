"""The board keeps itself current: a flag the tablet raises is on top within two seconds without a click,
a clinician's acknowledgement takes it off the top, and the front desk sees no clinical detail."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from pytestqt.qtbot import QtBot

from kiosk.domain.board_rules import BoardLine
from kiosk.domain.statuses import FlagLevel
from kiosk.services.backend import Backend
from kiosk.services.board import BoardRow, UnresolvedArrival
from kiosk.ui.staff.acknowledge_dialog import AcknowledgeDialog
from kiosk.ui.staff.board import FRONT_DESK_URGENT_DETAIL
from kiosk.ui.staff.rows_model import Column, RowsModel
from kiosk.ui.staff.style import Tone
from tests.ui.staff.driver import Staff
from tests.ui.staff.scenario import begin_with_item9, check_in, unmatched_arrival

FLAGS = "Needs attention"
APPOINTMENTS = "Appointments"


def lines(staff: Staff) -> list[BoardLine]:
    return [line for line in staff.rows(FLAGS) if isinstance(line, BoardLine)]


def test_a_flag_raised_on_the_tablet_is_on_top_within_two_seconds(
    qtbot: QtBot, clinician_console: Staff, tablet: Backend
) -> None:
    staff = clinician_console
    check_in(tablet, "Sam Taylor", checklist={"ride_home": "no"})  # a hold, already on the board
    qtbot.waitUntil(lambda: any(line.level is FlagLevel.HOLD for line in lines(staff)), timeout=2500)

    begin_with_item9(tablet, "Morgan Lee")  # what the kiosk does when item 9 is answered above 0

    qtbot.waitUntil(lambda: bool(lines(staff)) and lines(staff)[0].needs_acknowledgement, timeout=2500)
    top = lines(staff)[0]
    assert top.patient_name == "Morgan Lee"
    first_row = staff.cell_texts(FLAGS)[0]
    assert first_row[2] == "Urgent: a clinician must check in"
    assert "PHQ-9 item 9" in first_row[3]
    model = staff.table(FLAGS).model()
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) == Tone.URGENT.background
    assert staff.cell_texts(FLAGS)[1][2] == "See staff before dosing"


def answer_in_dialog(qtbot: QtBot, staff: Staff, outcome: str, note: str = "") -> None:
    """Choose the outcome (a radio button) or type the reason, type the note, and save, as a person does."""
    dialog = staff.wait_for_dialog(AcknowledgeDialog)
    if dialog.urgent:
        button = next(button for button in dialog.outcome_buttons if button.text() == outcome)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(12, button.height() // 2))
    else:
        staff.type_into("Reason", outcome)
    if note:
        qtbot.mouseClick(dialog.note_field, Qt.MouseButton.LeftButton, pos=dialog.note_field.rect().center())
        qtbot.keyClicks(dialog.note_field, note)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton, pos=dialog.save_button.rect().center())


def test_acknowledge_asks_what_was_done_and_leaves_a_lasting_marker(
    qtbot: QtBot, clinician_console: Staff, tablet: Backend
) -> None:
    staff = clinician_console
    check_in(tablet, "Sam Taylor", checklist={"ride_home": "no"})
    begin_with_item9(tablet, "Morgan Lee")
    qtbot.waitUntil(lambda: bool(lines(staff)) and lines(staff)[0].needs_acknowledgement, timeout=2500)
    assert not staff.button("Acknowledge...").isEnabled()  # nothing chosen yet

    staff.click_row(FLAGS, lambda line: isinstance(line, BoardLine) and line.needs_acknowledgement)
    staff.click("Acknowledge...")
    answer_in_dialog(qtbot, staff, "safety plan made", "Partner drives home.")

    qtbot.waitUntil(lambda: not any(line.needs_acknowledgement for line in lines(staff)), timeout=5000)
    assert lines(staff)[0].level is FlagLevel.HOLD
    acknowledged = next(line for line in lines(staff) if line.level is FlagLevel.URGENT)
    assert acknowledged.acknowledged_by == "dr.rivera" and acknowledged.acknowledged_at is not None
    assert acknowledged.acknowledged_outcome == "safety plan made"
    staff.wait_for_text("Acknowledged the urgent flag of Morgan Lee (safety plan made); a signed addendum was added")
    row = staff.cell_texts(FLAGS)[lines(staff).index(acknowledged)]
    assert row[2] == "Urgent: acknowledged"
    disclosed, answered = acknowledged.happened_at, acknowledged.acknowledged_at
    marker = (
        f"disclosed {disclosed:%H:%M}, acknowledged by Dr. Alex Rivera (demo) {answered:%H:%M}: safety plan made "
        "(Partner drives home.)"
    )
    assert row[3].endswith(marker[0].upper() + marker[1:])
    # The appointment keeps the marker for the day instead of dropping to "for review".
    visits = {cells[1]: cells for cells in staff.cell_texts(APPOINTMENTS)}
    assert visits["Morgan Lee"][5] == marker[0].upper() + marker[1:]

    # The same person can take it back at once; it is urgent and on top again.
    staff.click_row(FLAGS, lambda line: isinstance(line, BoardLine) and line.flag_id == acknowledged.flag_id)
    staff.click("Undo")
    qtbot.waitUntil(lambda: bool(lines(staff)) and lines(staff)[0].needs_acknowledgement, timeout=5000)
    staff.wait_for_text("Undone: the flag of Morgan Lee is open again")


def test_a_hold_is_cleared_with_a_reason_before_dosing(qtbot: QtBot, clinician_console: Staff, tablet: Backend) -> None:
    staff = clinician_console
    check_in(tablet, "Sam Taylor", checklist={"ride_home": "no"})
    qtbot.waitUntil(lambda: any(line.hold_waiting for line in lines(staff)), timeout=2500)
    staff.click_row(FLAGS, lambda line: isinstance(line, BoardLine) and line.hold_waiting)
    assert not staff.button("Acknowledge...").isEnabled()
    staff.click("Clear hold...")
    answer_in_dialog(qtbot, staff, "ride confirmed by phone")
    qtbot.waitUntil(lambda: not any(line.hold_waiting for line in lines(staff)), timeout=5000)
    cleared = next(line for line in lines(staff) if line.level is FlagLevel.HOLD)
    assert cleared.acknowledged_at is not None
    visits = {cells[1]: cells for cells in staff.cell_texts(APPOINTMENTS)}
    assert visits["Sam Taylor"][5] == f"Hold cleared by Dr. Alex Rivera (demo) {cleared.acknowledged_at:%H:%M}: " + (
        "ride confirmed by phone"
    )


def test_front_desk_sees_status_and_holds_but_no_clinical_detail(
    qtbot: QtBot, front_desk_console: Staff, tablet: Backend
) -> None:
    staff = front_desk_console
    check_in(tablet, "Sam Taylor", checklist={"ride_home": "no"})
    check_in(tablet, "Priya Raman", phq=(3, 3, 2, 3, 2, 2, 3, 2, 0))  # severe: an information line for clinicians
    begin_with_item9(tablet, "Morgan Lee")
    qtbot.waitUntil(lambda: len(lines(staff)) == 2, timeout=2500)

    texts = staff.cell_texts(FLAGS)
    assert texts[0][2:] == ["Urgent: a clinician must check in", FRONT_DESK_URGENT_DETAIL]
    assert texts[1][2:] == ["See staff before dosing", "No ride home arranged: see staff before dosing."]
    assert not any("PHQ-9" in cell for row in texts for cell in row)
    visits = {row[1]: row for row in staff.cell_texts(APPOINTMENTS)}
    assert visits["Priya Raman"][4:] == ["Submitted", ""]
    assert visits["Morgan Lee"][4:] == ["Checking in", "Urgent: clinician needed"]
    for name in ("Acknowledge...", "Clear hold...", "Undo", "Review this intake", "Open intake review", "Open chart"):
        assert not staff.has_button(name)


def test_an_unmatched_check_in_is_shown_until_the_front_desk_handles_it(
    qtbot: QtBot, front_desk_console: Staff, tablet: Backend
) -> None:
    staff = front_desk_console
    unmatched_arrival(tablet)
    qtbot.waitUntil(staff.console.board.arrivals_view.isVisible, timeout=2500)
    staff.click_row("Check-ins that need the front desk", lambda arrival: isinstance(arrival, UnresolvedArrival))
    staff.click("Mark as handled")
    qtbot.waitUntil(lambda: not staff.console.board.arrivals_view.isVisible(), timeout=2500)
    staff.wait_for_text("The check-in of Jamie Doe is marked as handled.")


def test_the_board_lists_today_in_time_order_and_keeps_the_choice_across_reloads(
    qtbot: QtBot, clinician_console: Staff, tablet: Backend
) -> None:
    staff = clinician_console
    rows = [row for row in staff.rows(APPOINTMENTS) if isinstance(row, BoardRow)]
    assert len(rows) == 10
    assert [row.starts_at for row in rows] == sorted(row.starts_at for row in rows)
    staff.click_row(APPOINTMENTS, lambda row: isinstance(row, BoardRow) and row.patient_name == "Robin Park")
    board = staff.console.board
    with qtbot.waitSignal(board.loaded, timeout=2500):
        check_in(tablet, "Ana García")
    chosen = board.selected_visit()
    assert chosen is not None and chosen.patient_name == "Robin Park"


def test_rows_arrive_in_batches_as_the_view_scrolls() -> None:
    model = RowsModel[int]([Column("Number", str)], batch=10)
    model.set_rows(range(25))
    root = QModelIndex()
    assert (model.rowCount(), model.canFetchMore(root)) == (10, True)
    model.fetchMore(root)
    model.fetchMore(root)
    assert (model.rowCount(), model.canFetchMore(root)) == (25, False)
    assert model.index(24, 0).data() == "24"


def test_needs_attention_shows_four_whole_lines_then_scrolls_visibly(
    qtbot: QtBot, clinician_console: Staff, tablet: Backend
) -> None:
    staff = clinician_console
    staff.window.resize(1280, 800)  # the smallest console screen we support, with a check-in to handle too
    unmatched_arrival(tablet)
    check_in(tablet, "Sam Taylor", checklist={"ride_home": "no"})
    check_in(tablet, "Ana García", checklist={"ride_home": "no"})
    check_in(tablet, "Priya Raman", phq=(3, 3, 2, 3, 2, 2, 3, 2, 0))
    begin_with_item9(tablet, "Morgan Lee")
    qtbot.waitUntil(lambda: len(lines(staff)) >= 5, timeout=2500)
    view = staff.table(FLAGS)
    model = view.model()
    qtbot.waitUntil(lambda: view.visualRect(model.index(3, 0)).bottom() <= view.viewport().height(), timeout=2500)
    for row in range(4):
        rect = view.visualRect(model.index(row, 0))
        assert rect.top() >= 0 and rect.bottom() <= view.viewport().height(), f"line {row + 1} is cut off"
    # More lines than fit: the scroll bar shows, and the heading says how many there are.
    assert view.verticalScrollBar().isVisible()
    assert staff.shows_text(f"Needs attention: {model.rowCount()} lines")
    # The buttons are not drawn over the table.
    button = staff.button("Acknowledge...")
    assert (
        button.mapTo(staff.window, button.rect().bottomLeft()).y() < view.mapTo(staff.window, view.rect().topLeft()).y()
    )
