"""Printing a stored packet through the CUPS test queue, and the staff messages when it cannot print.

The queue comes from scripts/test-services.sh (KIOSK_TEST_PRINTER, a cups-pdf queue writing each job as
a PDF into KIOSK_TEST_PRINT_OUT). Queues made here for the paused case are named KioskPDFTest-<random>
and deleted afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pypdf
import pytest

from kiosk.services.backend import Backend
from kiosk.services.packets import PacketMaker
from kiosk.services.print_service import SPOOL_DIR, print_packet
from kiosk.settings import DEFAULT_SETTINGS
from tests.identities import admin, clinician
from tests.services.conftest import BackendFactory, schedule
from tests.services.test_packets import (
    audit_entries,
    install_certificate,
    make_certificate_source,
    stored_columns,
    visit,
)

pytestmark = pytest.mark.printing

DOB = dt.date(1979, 7, 2)
CUPS_PDF_MODEL = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"


@pytest.fixture(scope="module")
def certificate_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_certificate_source(tmp_path_factory)


@pytest.fixture
def print_queue() -> tuple[str, Path]:
    printer = os.environ.get("KIOSK_TEST_PRINTER")
    output = os.environ.get("KIOSK_TEST_PRINT_OUT")
    if not printer or not output:
        pytest.fail(
            "KIOSK_TEST_PRINTER and KIOSK_TEST_PRINT_OUT are not set: start the CUPS test queue with "
            "`bash scripts/test-services.sh start` and export the lines it prints."
        )
    return printer, Path(output)


@pytest.fixture
def backend(
    make_backend: BackendFactory, certificate_source: Path, tmp_path: Path, print_queue: tuple[str, Path]
) -> Backend:
    """A clinic whose settings name the test queue as its printer."""
    data_dir = tmp_path / "data"
    install_certificate(certificate_source, data_dir)
    (data_dir / "settings.toml").write_text(DEFAULT_SETTINGS.replace('printer = ""', f'printer = "{print_queue[0]}"'))
    return make_backend(data_dir)


@pytest.fixture
def paused_queue() -> Iterator[str]:
    name = f"KioskPDFTest-{secrets.token_hex(4)}"
    subprocess.run(["lpadmin", "-p", name, "-E", "-v", "cups-pdf:/", "-m", CUPS_PDF_MODEL], check=True)
    subprocess.run(["cupsdisable", "-r", "Out of paper", name], check=True)
    try:
        yield name
    finally:
        subprocess.run(["lpadmin", "-x", name], check=True)


def job_output(directory: Path, job_id: str) -> Path:
    """The PDF cups-pdf wrote for ``job_id`` ("KioskPDF-12" -> "...-job_12.pdf"), once it is complete."""
    number = job_id.rsplit("-", 1)[1]
    deadline = time.monotonic() + 30
    while True:
        found = sorted(directory.glob(f"*-job_{number}.pdf"))
        if found:
            try:
                pypdf.PdfReader(found[0])
                return found[0]
            except pypdf.errors.PdfReadError:
                pass  # still being written
        if time.monotonic() > deadline:
            raise AssertionError(f"no output PDF for job {job_id} appeared in {directory}")
        time.sleep(0.1)


def test_a_packet_prints_on_the_settings_printer(backend: Backend, print_queue: tuple[str, Path]) -> None:
    printer, output_dir = print_queue
    intake_id = visit(backend, schedule(backend, "Sam", "Taylor", DOB))
    outcome = print_packet(backend, intake_id, clinician("front-desk"), timeout=60)

    assert outcome.printed, outcome.message
    assert outcome.state == "completed"
    assert outcome.printer == printer
    assert outcome.job_id is not None
    assert outcome.message == f"The packet of intake {intake_id} was printed on {printer} (job {outcome.job_id})."
    output = job_output(output_dir, outcome.job_id)
    try:
        stored, _ = stored_columns(backend, intake_id)
        assert stored is not None  # the packet was made for the print, and stays stored
        assert len(pypdf.PdfReader(output).pages) == len(pypdf.PdfReader(BytesIO(stored)).pages)
        # The queue (and so the output's name) knows the intake number, never the patient.
        assert output.name.startswith(f"intake_{intake_id}")
        assert "Taylor" not in output.name and "Sam" not in output.name
    finally:
        output.unlink()
    assert [entry.detail for entry in audit_entries(backend, "packet.print")] == [
        f"printer {printer}: completed, job {outcome.job_id}"
    ]
    assert [entry.actor for entry in audit_entries(backend, "packet.create")] == ["front-desk"]
    assert list((backend.data_dir / SPOOL_DIR).iterdir()) == []


def test_an_unknown_printer_is_named_and_the_packet_stays(backend: Backend) -> None:
    intake_id = visit(backend, schedule(backend, "Sam", "Taylor", DOB))
    result = PacketMaker(backend).make(intake_id)
    missing = f"NoSuchPrinter-{secrets.token_hex(3)}"
    outcome = print_packet(backend, intake_id, clinician("front-desk"), printer=missing)

    assert not outcome.printed
    assert outcome.state == "not_submitted"
    assert outcome.job_id is None
    assert outcome.message == (
        f'The printer "{missing}" is not known to this computer. Check the printer name in the kiosk settings, '
        "or add the printer in the system's printer settings. The packet stays saved with the intake, so it "
        "can be printed again."
    )
    assert stored_columns(backend, intake_id)[1] == result.sha256
    assert [entry.detail for entry in audit_entries(backend, "packet.print")] == [f"printer {missing}: not_submitted"]
    assert list((backend.data_dir / SPOOL_DIR).iterdir()) == []


def test_a_paused_printer_says_how_to_resume_and_the_packet_prints_afterwards(
    backend: Backend, paused_queue: str, print_queue: tuple[str, Path]
) -> None:
    intake_id = visit(backend, schedule(backend, "Sam", "Taylor", DOB))
    maker = PacketMaker(backend)
    outcome = print_packet(backend, intake_id, clinician("front-desk"), printer=paused_queue, maker=maker)
    assert outcome.state == "not_submitted"
    assert f'The printer "{paused_queue}" is paused in the print system ("Out of paper")' in outcome.message
    assert f"cupsenable {paused_queue}" in outcome.message
    assert outcome.message.endswith("The packet stays saved with the intake, so it can be printed again.")
    stored = stored_columns(backend, intake_id)[0]

    subprocess.run(["cupsenable", paused_queue], check=True)
    again = print_packet(backend, intake_id, clinician("front-desk"), printer=paused_queue, maker=maker, timeout=60)
    assert again.printed, again.message
    assert again.job_id is not None
    job_output(print_queue[1], again.job_id).unlink()
    assert stored_columns(backend, intake_id)[0] == stored  # the same signed packet, not a new one
    assert [entry.detail.split(":")[1].split(",")[0].strip() for entry in audit_entries(backend, "packet.print")] == [
        "not_submitted",
        "completed",
    ]


def test_a_packet_prints_with_its_addenda_after_it(backend: Backend, print_queue: tuple[str, Path]) -> None:
    from kiosk.services.flag_answers import mark_reviewed_signed
    from kiosk.services.packets import PacketMaker
    from kiosk.services.staff_accounts import create_staff_user
    from kiosk.store.models import StaffRole

    _, output_dir = print_queue
    rivera = create_staff_user(
        backend, admin(), username="rivera", display_name="Dr. Rivera", role=StaffRole.CLINICIAN,
        password="long password 1",
    )  # fmt: skip
    intake_id = visit(backend, schedule(backend, "Sam", "Taylor", DOB))
    mark_reviewed_signed(backend, PacketMaker(backend), rivera, intake_id)
    outcome = print_packet(backend, intake_id, rivera, timeout=60)
    assert outcome.printed and outcome.job_id is not None, outcome.message
    assert outcome.message.startswith(f"The packet with 1 addendum of intake {intake_id} was printed")
    output = job_output(output_dir, outcome.job_id)
    try:
        pages = [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(output).pages]
    finally:
        output.unlink()
    stored, _ = stored_columns(backend, intake_id)
    assert stored is not None
    packet_pages = len(pypdf.PdfReader(BytesIO(stored)).pages)
    assert len(pages) == packet_pages + 1
    assert "Addendum to the signed intake packet" in pages[-1] and "Intake marked reviewed" in pages[-1]
    assert all("Addendum to the signed intake packet" not in page for page in pages[:-1])
