"""Printing all of today's signed packets in one go on the CUPS test queue, with progress, Cancel, and
each failure named."""

from __future__ import annotations

import os
from pathlib import Path

import pypdf
import pytest
from PySide6.QtWidgets import QProgressDialog
from pytestqt.qtbot import QtBot

from kiosk.services.backend import Backend
from kiosk.store.models import StaffRole
from kiosk.ui.staff.batch_print import NOT_SENT, BatchPrintReport
from tests.services.test_print_service import job_output
from tests.ui.staff.conftest import demo_identity, open_console
from tests.ui.staff.driver import Staff
from tests.ui.staff.scenario import check_in

pytestmark = pytest.mark.printing
PRINT_TIMEOUT_MS = 90_000


@pytest.fixture
def test_printer() -> str:
    printer = os.environ.get("KIOSK_TEST_PRINTER")
    if not printer:
        pytest.fail(
            "KIOSK_TEST_PRINTER is not set: start the CUPS test queue with `bash scripts/test-services.sh start` "
            "and export the lines it prints."
        )
    return printer


def front_desk_with_printer(qtbot: QtBot, backend: Backend, printer: str) -> Staff:
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.FRONT_DESK), printer=printer)
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    return staff


def clinician_with_printer(qtbot: QtBot, backend: Backend, printer: str) -> Staff:
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.CLINICIAN), printer=printer)
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    return staff


def test_the_front_desk_prints_todays_consent_copies_on_the_test_queue(
    qtbot: QtBot, backend: Backend, tablet: Backend, test_printer: str
) -> None:
    check_in(tablet, "Sam Taylor")
    check_in(tablet, "Ana García")
    staff = front_desk_with_printer(qtbot, backend, test_printer)
    board = staff.console.board
    qtbot.waitUntil(lambda: len(board.printable_jobs()) == 2, timeout=2500)

    assert not staff.has_button("Print today's packets")  # the clinical packet is not the front desk's
    staff.click("Print today's consent copies")
    assert board.batch is not None
    assert board.batch.progress.labelText() == "Printing consent copy 1 of 2: 8:00 AM Sam Taylor"
    assert board.batch.progress.isVisible()
    assert not staff.button("Print today's consent copies").isEnabled()  # one batch at a time
    with qtbot.waitSignal(board.batch.finished, timeout=PRINT_TIMEOUT_MS) as finished:
        pass
    results = finished.args[0]
    assert [result.job.label for result in results] == ["8:00 AM Sam Taylor", "8:30 AM Ana García"]
    assert all(result.printed for result in results), [result.message for result in results]
    assert all(f"The consent copy of intake {result.job.intake_id} was printed on {test_printer}" in result.message
               for result in results)  # fmt: skip
    # What came out of the printer: the cover and the signed consents, nothing clinical.
    job_id = results[0].message.rsplit("(job ", 1)[1].rstrip(").")
    output = job_output(Path(os.environ["KIOSK_TEST_PRINT_OUT"]), job_id)
    try:
        printed = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(output).pages)
    finally:
        output.unlink()
    assert "Clinical pages withheld" in printed
    assert "PHQ-9" not in printed and "GAD-7" not in printed
    report = staff.wait_for_dialog(BatchPrintReport)
    staff.wait_for_text("2 of 2 packets printed.")
    staff.click("Close")
    assert not report.isVisible()
    assert staff.button("Print today's consent copies").isEnabled()


def test_failures_are_named_per_packet_and_cancel_stops_the_rest(
    qtbot: QtBot, backend: Backend, tablet: Backend, test_printer: str
) -> None:
    del test_printer  # the CUPS server must be there to refuse the unknown queue
    for name in ("Sam Taylor", "Ana García", "Priya Raman"):
        check_in(tablet, name)
    staff = front_desk_with_printer(qtbot, backend, "NoSuchQueue")
    board = staff.console.board
    qtbot.waitUntil(lambda: len(board.printable_jobs()) == 3, timeout=2500)
    staff.click("Print today's consent copies")
    assert board.batch is not None
    assert isinstance(board.batch.progress, QProgressDialog) and board.batch.progress.isVisible()
    staff.click("Cancel")  # the first packet is already on its way; the other two are not sent
    with qtbot.waitSignal(board.batch.finished, timeout=PRINT_TIMEOUT_MS) as finished:
        pass
    results = finished.args[0]
    assert [result.printed for result in results] == [False, False, False]
    assert results[0].sent and "NoSuchQueue" in results[0].message
    assert [result.message for result in results[1:]] == [NOT_SENT, NOT_SENT]
    staff.wait_for_text("0 of 3 packets printed; 1 not printed")
    assert staff.shows_text("2 not sent because printing was cancelled")


def test_a_clinician_prints_todays_signed_packets_on_the_test_queue(
    qtbot: QtBot, backend: Backend, tablet: Backend, test_printer: str
) -> None:
    check_in(tablet, "Sam Taylor")
    check_in(tablet, "Ana García")
    staff = clinician_with_printer(qtbot, backend, test_printer)
    board = staff.console.board
    qtbot.waitUntil(lambda: len(board.printable_jobs()) == 2, timeout=2500)

    staff.click("Print today's packets")
    assert board.batch is not None
    assert board.batch.progress.labelText() == "Printing packet 1 of 2: 8:00 AM Sam Taylor"
    assert board.batch.progress.isVisible()
    assert not staff.button("Print today's packets").isEnabled()  # one batch at a time
    with qtbot.waitSignal(board.batch.finished, timeout=PRINT_TIMEOUT_MS) as finished:
        pass
    results = finished.args[0]
    assert [result.job.label for result in results] == ["8:00 AM Sam Taylor", "8:30 AM Ana García"]
    assert all(result.printed for result in results), [result.message for result in results]
    assert all(f"was printed on {test_printer}" in result.message for result in results)
    report = staff.wait_for_dialog(BatchPrintReport)
    staff.wait_for_text("2 of 2 packets printed.")
    staff.click("Close")
    assert not report.isVisible()
    assert staff.button("Print today's packets").isEnabled()
