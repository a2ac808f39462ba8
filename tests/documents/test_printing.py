"""Printing through CUPS: a real job on the test queue, and the clear messages for what goes wrong.

The CUPS test queue comes from scripts/test-services.sh (KIOSK_TEST_PRINTER, a cups-pdf queue
that writes each job as a PDF into KIOSK_TEST_PRINT_OUT). Queues made here for the failure cases
are named KioskPDFTest-<random> and deleted afterwards.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pypdf
import pytest

from kiosk.documents.printing import print_pdf

CUPS_PDF_MODEL = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"


@dataclass(frozen=True)
class PrintService:
    printer: str
    output_dir: Path


@pytest.fixture
def print_service() -> PrintService:
    printer = os.environ.get("KIOSK_TEST_PRINTER")
    output = os.environ.get("KIOSK_TEST_PRINT_OUT")
    if not printer or not output:
        pytest.fail(
            "KIOSK_TEST_PRINTER and KIOSK_TEST_PRINT_OUT are not set: start the CUPS test queue with "
            "`bash scripts/test-services.sh start` and export the lines it prints."
        )
    return PrintService(printer, Path(output))


def lpadmin(*arguments: str) -> None:
    subprocess.run(["lpadmin", *arguments], check=True, capture_output=True, text=True)


@pytest.fixture
def temporary_queue() -> Iterator[str]:
    name = f"KioskPDFTest-{secrets.token_hex(4)}"
    lpadmin("-p", name, "-E", "-v", "cups-pdf:/", "-m", CUPS_PDF_MODEL)
    try:
        yield name
    finally:
        lpadmin("-x", name)


@pytest.fixture
def sample_pdf_file(sample_pdf: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "packet.pdf"
    path.write_bytes(sample_pdf)
    return path


def wait_for_output(directory: Path, title: str, deadline: float) -> Path:
    """cups-pdf names its output after the job title; wait for the file to be complete."""
    while True:
        found = sorted(directory.glob(f"{title}*.pdf"))
        if found:
            try:
                pypdf.PdfReader(found[0])
                return found[0]
            except pypdf.errors.PdfReadError:
                pass  # still being written
        if time.monotonic() > deadline:
            raise AssertionError(f"no output PDF named {title}* appeared in {directory}")
        time.sleep(0.1)


@pytest.mark.printing
def test_a_packet_prints_completely(print_service: PrintService, sample_pdf_file: Path, sample_pdf: bytes) -> None:
    title = f"kiosk-test-{secrets.token_hex(4)}"
    result = print_pdf(sample_pdf_file, print_service.printer, title=title, timeout=60)
    assert result.succeeded, result.message
    assert result.state == "completed"
    assert result.job_id is not None and result.job_id.startswith(f"{print_service.printer}-")
    output = wait_for_output(print_service.output_dir, title, time.monotonic() + 30)
    try:
        expected_pages = len(pypdf.PdfReader(BytesIO(sample_pdf)).pages)
        assert len(pypdf.PdfReader(output).pages) == expected_pages
    finally:
        output.unlink()


@pytest.mark.printing
def test_an_unknown_printer_is_named(sample_pdf_file: Path, print_service: PrintService) -> None:
    missing = f"NoSuchPrinter-{secrets.token_hex(3)}"
    result = print_pdf(sample_pdf_file, missing)
    assert not result.succeeded
    assert result.state == "not_submitted"
    assert result.job_id is None
    assert result.message == (
        f'The printer "{missing}" is not known to this computer. Check the printer name in the kiosk settings, '
        "or add the printer in the system's printer settings."
    )


@pytest.mark.printing
def test_a_paused_queue_says_how_to_resume_it(
    sample_pdf_file: Path, temporary_queue: str, print_service: PrintService
) -> None:
    subprocess.run(["cupsdisable", "-r", "Out of paper", temporary_queue], check=True)
    result = print_pdf(sample_pdf_file, temporary_queue)
    assert not result.succeeded
    assert result.state == "not_submitted"
    assert result.message == (
        f'The printer "{temporary_queue}" is paused in the print system ("Out of paper"). Resume it in the '
        f"system's printer settings (or run: cupsenable {temporary_queue}), then print again."
    )


@pytest.mark.printing
def test_a_queue_refusing_jobs_says_how_to_open_it(
    sample_pdf_file: Path, temporary_queue: str, print_service: PrintService
) -> None:
    subprocess.run(["cupsreject", temporary_queue], check=True)
    result = print_pdf(sample_pdf_file, temporary_queue)
    assert result.state == "not_submitted"
    assert f"cupsaccept {temporary_queue}" in result.message


@pytest.mark.printing
def test_a_job_the_printer_aborts_is_reported_as_failed(
    sample_pdf_file: Path, temporary_queue: str, print_service: PrintService
) -> None:
    # A serial port that does not exist: the backend fails at once, and with this error policy
    # CUPS aborts the job instead of retrying it.
    lpadmin(
        "-p",
        temporary_queue,
        "-v",
        "serial:/dev/kiosk-no-such-port?baud=9600",
        "-o",
        "printer-error-policy=abort-job",
    )
    result = print_pdf(sample_pdf_file, temporary_queue, title="kiosk-test-abort", timeout=30)
    assert not result.succeeded
    assert result.state == "failed"
    assert result.job_id is not None and result.job_id in result.message
    assert "failed and nothing may have printed" in result.message
    assert "Unable to open serial port" in result.message


@pytest.mark.printing
def test_a_job_stuck_in_the_queue_times_out_with_advice(
    sample_pdf_file: Path, temporary_queue: str, print_service: PrintService
) -> None:
    # The same unreachable port with CUPS' retry policy: the job waits in the queue for a retry.
    lpadmin(
        "-p", temporary_queue, "-v", "serial:/dev/kiosk-no-such-port?baud=9600", "-o", "printer-error-policy=retry-job"
    )
    result = print_pdf(sample_pdf_file, temporary_queue, title="kiosk-test-stuck", timeout=1.5, poll_interval=0.2)
    assert not result.succeeded
    assert result.state == "timed_out"
    assert result.job_id is not None
    assert f"has not finished job {result.job_id} after 2 seconds" in result.message
    assert f"cancel {result.job_id}" in result.message


def test_without_cups_commands_it_points_to_the_print_dialog(
    sample_pdf_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = print_pdf(sample_pdf_file, "AnyPrinter")
    assert result.state == "not_submitted"
    assert "lp and lpstat were not found" in result.message
    assert "On Windows, packets are printed through the print dialog instead." in result.message


def test_a_missing_file_is_not_sent(tmp_path: Path) -> None:
    result = print_pdf(tmp_path / "gone.pdf", "AnyPrinter")
    assert result.state == "not_submitted"
    assert "is missing" in result.message
