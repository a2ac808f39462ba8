"""The intake review: everything the clinician needs before dosing, Mark reviewed, and the packet saved as a PDF."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from fhirclient.models.bundle import Bundle
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintDialog
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.domain.statuses import VisitStatus
from kiosk.services.backend import Backend
from kiosk.services.board import BoardRow
from kiosk.store.models import IntakeStatus, StaffRole
from tests.ui.staff.conftest import demo_identity, open_console
from tests.ui.staff.driver import Staff
from tests.ui.staff.scenario import check_in

APPOINTMENTS = "Appointments"


def open_review_of(staff: Staff, patient_name: str, status: VisitStatus = VisitStatus.SUBMITTED) -> None:
    staff.click_row(
        APPOINTMENTS,
        lambda row: isinstance(row, BoardRow) and row.patient_name == patient_name and row.status is status,
    )
    staff.click("Open intake review")
    review = staff.console.review
    assert review is not None
    staff.qtbot.waitUntil(lambda: review.review is not None and review.review.patient.full_name == patient_name)


def test_review_shows_everything_and_mark_reviewed_records_it(
    qtbot: QtBot, clinician_console: Staff, tablet: Backend
) -> None:
    staff = clinician_console
    check_in(tablet, "Chris O'Neil", phq=(2, 1, 1, 2, 0, 1, 1, 0, 0), checklist={"ride_home": "no"})
    open_review_of(staff, "Chris O'Neil")
    review = staff.console.review
    assert review is not None and review.isVisible()

    staff.wait_for_text("Intake review: Chris O'Neil")
    for text in (
        "8 of 27",  # PHQ-9 total with its band
        "Mild",
        "No earlier session",
        "No baseline yet (first session)",  # no response or remission judged at a first session
        "Hold: No ride home arranged: see staff before dosing.",
        "Little interest or pleasure in doing things",
        "More than half the days",
        "Consent for ketamine-assisted psychotherapy (IM ketamine)",
    ):
        assert staff.shows_text(text), text
    signatures = [label for label in staff.visible(QLabel) if label.accessibleName() == "Signature of Chris O'Neil"]
    assert len(signatures) == 3
    assert all(not label.pixmap().isNull() and label.pixmap().width() > 100 for label in signatures)
    assert not [field for field in review.findChildren(QLineEdit)], "nothing in the review can be edited"

    staff.click("Mark reviewed")
    qtbot.waitUntil(lambda: review.review is not None and review.review.status is IntakeStatus.REVIEWED, timeout=5000)
    staff.wait_for_text("reviewed by Dr. Alex Rivera (demo) at")
    assert not staff.button("Mark reviewed").isEnabled()
    assert [view.title for view in review.review.addenda] == ["Intake marked reviewed"]
    board = staff.console.board
    qtbot.waitUntil(
        lambda: (
            board.board is not None
            and any(
                row.status is VisitStatus.REVIEWED for row in board.board.rows if row.patient_name == "Chris O'Neil"
            )
        ),
        timeout=2500,
    )


def test_acknowledge_beside_the_banner_records_the_outcome_and_lists_the_addendum(
    qtbot: QtBot, clinician_console: Staff, tablet: Backend
) -> None:
    from PySide6.QtCore import QPoint

    from kiosk.ui.staff.acknowledge_dialog import AcknowledgeDialog

    staff = clinician_console
    check_in(tablet, "Morgan Lee", phq=(1, 1, 1, 1, 0, 0, 0, 0, 2))
    open_review_of(staff, "Morgan Lee")
    review = staff.console.review
    assert review is not None and review.review is not None
    staff.wait_for_text("Not acknowledged yet.", timeout=5000)
    banner = next(label for label in staff.visible(QLabel) if label.text().endswith("Not acknowledged yet."))
    button = staff.button("Acknowledge...")
    # Beside the banner: on the same line, to its right.
    assert abs(button.mapTo(review, button.rect().center()).y() - banner.mapTo(review, banner.rect().center()).y()) < 20
    staff.click("Acknowledge...")
    dialog = staff.wait_for_dialog(AcknowledgeDialog)
    choice = next(radio for radio in dialog.outcome_buttons if radio.text() == "escalated to prescriber")
    qtbot.mouseClick(choice, Qt.MouseButton.LeftButton, pos=QPoint(12, choice.height() // 2))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton, pos=dialog.save_button.rect().center())
    qtbot.waitUntil(lambda: review.review is not None and bool(review.review.addenda), timeout=10_000)
    assert any("acknowledged by Dr. Alex Rivera (demo)" in text and "escalated to prescriber" in text
               for text in staff.texts())  # fmt: skip
    assert [view.title for view in review.review.addenda] == ["Urgent flag acknowledged"]
    assert staff.shows_text("Urgent flag acknowledged")
    assert not staff.has_button("Acknowledge...")


def test_change_since_the_first_and_the_last_session(qtbot: QtBot, clinician_console: Staff, tablet: Backend) -> None:
    staff = clinician_console
    check_in(tablet, "Sam Taylor", phq=(1, 1, 0, 1, 0, 0, 1, 0, 0))  # 4; first was 19, last 7
    open_review_of(staff, "Sam Taylor")
    for text in ("4 of 27", "-15 (was 19)", "-3 (was 7)", "Yes: 50% or more below the first total", "not scored"):
        assert staff.shows_text(text), text


def test_save_packet_as_pdf(qtbot: QtBot, clinician_console: Staff, tablet: Backend, tmp_path: Path) -> None:
    staff = clinician_console
    check_in(tablet, "Ana García")
    open_review_of(staff, "Ana García")
    review = staff.console.review
    assert review is not None
    staff.click("Save packet as PDF...")
    target = tmp_path / "packet for the chart.pdf"
    staff.choose_file(target)
    qtbot.waitUntil(lambda: review.packet_output.saved_path == target, timeout=15000)
    assert target.read_bytes().startswith(b"%PDF")
    staff.wait_for_text(f"Saved the signed packet to {target}.")


def test_export_fhir_from_the_review(qtbot: QtBot, clinician_console: Staff, tablet: Backend, tmp_path: Path) -> None:
    staff = clinician_console
    check_in(tablet, "Ana García")
    open_review_of(staff, "Ana García")
    review = staff.console.review
    assert review is not None
    staff.click("Export FHIR...")
    target = tmp_path / "ana.fhir.json"
    staff.choose_file(target)
    qtbot.waitUntil(lambda: review.exported_path == target, timeout=15000)
    bundle = json.loads(target.read_bytes())
    Bundle(bundle, strict=True)
    patients = [entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == "Patient"]
    assert patients[0]["name"][0]["family"] == "García"
    staff.wait_for_text(f"Exported the intake as FHIR to {target}.")


def test_a_draft_cannot_be_marked_reviewed_or_printed(qtbot: QtBot, clinician_console: Staff, tablet: Backend) -> None:
    staff = clinician_console
    check_in(tablet, "Robin Park", submit=False)
    open_review_of(staff, "Robin Park", VisitStatus.CHECKING_IN)
    staff.wait_for_text("Draft: the patient is still checking in")
    for name in ("Mark reviewed", "Print packet", "Save packet as PDF...", "Export FHIR..."):
        assert not staff.button(name).isEnabled()


@pytest.mark.printing
def test_print_packet_from_the_review(qtbot: QtBot, backend: Backend, tablet: Backend) -> None:
    printer = os.environ.get("KIOSK_TEST_PRINTER")
    if not printer:
        pytest.fail(
            "KIOSK_TEST_PRINTER is not set: start the CUPS test queue with `bash scripts/test-services.sh start`."
        )
    check_in(tablet, "Sam Taylor")
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.CLINICIAN), printer=printer)
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    open_review_of(staff, "Sam Taylor")
    staff.click("Print packet")
    staff.wait_for_text(f"was printed on {printer}", timeout=60_000)


@pytest.mark.printing
def test_print_packet_to_a_printer_chosen_in_the_print_dialog(qtbot: QtBot, backend: Backend, tablet: Backend) -> None:
    printer = os.environ.get("KIOSK_TEST_PRINTER")
    if not printer:
        pytest.fail(
            "KIOSK_TEST_PRINTER is not set: start the CUPS test queue with `bash scripts/test-services.sh start`."
        )
    check_in(tablet, "Sam Taylor")
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.CLINICIAN))
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    open_review_of(staff, "Sam Taylor")
    staff.click("Print to...")
    dialog = staff.wait_for_dialog(QPrintDialog)
    printers = dialog.findChild(QComboBox, "printers")
    assert printers is not None
    assert printers.findText(printer) >= 0, [printers.itemText(i) for i in range(printers.count())]
    printers.setCurrentIndex(printers.findText(printer))
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton, pos=ok.rect().center())
    staff.wait_for_text(f"was printed on {printer}", timeout=60_000)


@pytest.mark.printing
def test_without_a_spooler_the_packet_is_painted_onto_the_chosen_printer(
    qtbot: QtBot, backend: Backend, tablet: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Windows path: no `lp`, so Qt renders each page onto the printer picked in the print dialog."""
    printer = os.environ.get("KIOSK_TEST_PRINTER")
    out = os.environ.get("KIOSK_TEST_PRINT_OUT")
    if not printer or not out:
        pytest.fail("KIOSK_TEST_PRINTER / KIOSK_TEST_PRINT_OUT are not set: run `bash scripts/test-services.sh start`.")
    monkeypatch.setattr("kiosk.ui.staff.packet_output.spooler_available", lambda: False)
    check_in(tablet, "Sam Taylor")
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.CLINICIAN))
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    open_review_of(staff, "Sam Taylor")
    staff.click("Print to...")
    dialog = staff.wait_for_dialog(QPrintDialog)
    printers = dialog.findChild(QComboBox, "printers")
    assert printers is not None
    printers.setCurrentIndex(printers.findText(printer))
    box = dialog.findChild(QDialogButtonBox)
    assert box is not None
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton, pos=ok.rect().center())
    staff.wait_for_text(f"pages) was sent to {printer}.", timeout=60_000)
