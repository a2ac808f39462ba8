"""Printing a packet through the system spooler (CUPS): submit with ``lp``, follow the job to its end.

Why the spooler and not Qt (QPdfDocument -> QPrinter): the spooler receives the signed PDF
itself, so the paper copy is the exact vector document with nothing rasterized, and CUPS gives
a job id whose fate can be followed, so staff learn whether the packet actually printed. On
Windows there is no CUPS; printing there goes through the Qt print dialog path in the UI.

print_pdf() blocks while it polls (up to ``timeout``); the UI runs it off the GUI thread. It
never raises for a printing problem: the PrintResult's message tells staff what to do.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.documents.cups_ipp import IppError, job_state

log = logging.getLogger(__name__)

PrintState = Literal["completed", "failed", "timed_out", "not_submitted"]

_REQUEST_ID = re.compile(r"request id is (\S+)-(\d+)")
_COMMAND_TIMEOUT = 15.0
_NO_CUPS_MESSAGE = (
    "This computer has no CUPS print commands (lp and lpstat were not found). On Windows, packets are "
    "printed through the print dialog instead. On Linux or macOS, install CUPS (on Debian or Ubuntu: "
    "sudo apt install cups-client) and print again."
)


@dataclass(frozen=True)
class PrintResult:
    """How a print request ended, with a message written for front-desk staff."""

    succeeded: bool
    state: PrintState
    message: str
    job_id: str | None = None
    """The CUPS job ("KioskPDF-12") once submitted; staff can look it up or cancel it."""


def _run(arguments: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run a CUPS command with English output, since its messages are parsed."""
    environment = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    return subprocess.run(
        list(arguments), capture_output=True, text=True, env=environment, timeout=_COMMAND_TIMEOUT, check=False
    )


def _not_submitted(message: str) -> PrintResult:
    return PrintResult(succeeded=False, state="not_submitted", message=message)


def _printer_problem(printer: str) -> str | None:
    """Why ``printer`` cannot take a job now (unknown, paused, refusing jobs), or None when it can."""
    status = _run(["lpstat", "-p", printer])
    output = f"{status.stdout}\n{status.stderr}"
    if status.returncode != 0 or not status.stdout.strip():
        if "scheduler is not running" in output or "Bad file descriptor" in output or "Connection refused" in output:
            return (
                "The print service (CUPS) is not running on this computer. Start it (for example: "
                "sudo systemctl start cups) and print again."
            )
        return (
            f'The printer "{printer}" is not known to this computer. Check the printer name in the kiosk '
            "settings, or add the printer in the system's printer settings."
        )
    first_line = status.stdout.strip().splitlines()[0]
    if " disabled" in first_line:
        detail = _printer_detail(status.stdout)
        return (
            f'The printer "{printer}" is paused in the print system{detail}. Resume it in the system\'s printer '
            f"settings (or run: cupsenable {printer}), then print again."
        )
    accepting = _run(["lpstat", "-a", printer])
    if "not accepting" in accepting.stdout:
        return (
            f'The printer "{printer}" is set to refuse new jobs. Allow jobs again in the system\'s printer '
            f"settings (or run: cupsaccept {printer}), then print again."
        )
    return None


def _printer_detail(lpstat_output: str) -> str:
    """The reason CUPS gives for a printer's state (the indented line under it), as a clause."""
    lines = [line.strip() for line in lpstat_output.splitlines()[1:] if line.strip()]
    reason = lines[0] if lines else ""
    generic = {"", "paused", "rejecting jobs", "reason unknown"}
    return "" if reason.lower() in generic else f' ("{reason}")'


def _finished_jobs(printer: str) -> set[str]:
    """Ids of the jobs of ``printer`` that have left the queue (printed, aborted or canceled)."""
    listing = _run(["lpstat", "-W", "completed", "-o", printer])
    return {line.split()[0] for line in listing.stdout.splitlines() if line.strip()}


def _final_result(job_id: str, number: int, printer: str) -> PrintResult:
    try:
        final = job_state(number)
    except IppError as error:
        # The job left the queue but its end state cannot be read (an unusual CUPS setup): say so.
        log.warning("print job %s left the queue; its final state could not be read: %s", job_id, error)
        return PrintResult(
            succeeded=True,
            state="completed",
            job_id=job_id,
            message=(
                f"The packet was sent to the printer (job {job_id}). The print system did not say whether "
                "it printed: please check the printer."
            ),
        )
    if final.state == "completed":
        return PrintResult(succeeded=True, state="completed", job_id=job_id, message=f"Printed (job {job_id}).")
    said = f' The printer said: "{final.printer_message}".' if final.printer_message else ""
    log.warning(
        "print job %s ended %s: reasons=%s message=%r", job_id, final.state, final.reasons, final.printer_message
    )
    what = "was canceled" if final.state == "canceled" else "failed"
    return PrintResult(
        succeeded=False,
        state="failed",
        job_id=job_id,
        message=(
            f'The print job {job_id} on "{printer}" {what} and nothing may have printed.{said} Check that the '
            "printer is switched on, connected and has paper, then print again."
        ),
    )


def print_pdf(
    pdf_path: Path,
    printer: str,
    *,
    title: str = "Intake packet",
    copies: int = 1,
    timeout: float = 120.0,
    poll_interval: float = 0.5,
) -> PrintResult:
    """Send the PDF at ``pdf_path`` to the CUPS queue ``printer`` and wait until the job ends.

    ``title`` names the job in the queue (keep patient names out of it: queues are visible to
    every user of the print server). Returns when the job completed, failed, or ``timeout``
    seconds passed with the job still queued.
    """
    if shutil.which("lp") is None or shutil.which("lpstat") is None:
        return _not_submitted(_NO_CUPS_MESSAGE)
    if not pdf_path.is_file():
        return _not_submitted(f"The packet file {pdf_path} is missing, so there is nothing to print.")
    problem = _printer_problem(printer)
    if problem is not None:
        log.warning("not printing to %s: %s", printer, problem)
        return _not_submitted(problem)

    submitted = _run(["lp", "-d", printer, "-t", title, "-n", str(max(1, copies)), "--", str(pdf_path)])
    match = _REQUEST_ID.search(submitted.stdout)
    if submitted.returncode != 0 or match is None:
        detail = (submitted.stderr or submitted.stdout).strip()
        log.warning("lp refused %s for %s: %s", pdf_path, printer, detail)
        return _not_submitted(
            f'The printer "{printer}" did not accept the packet ({detail or "no reason given"}). '
            "Check the printer in the system's printer settings, then print again."
        )
    job_id = f"{match.group(1)}-{match.group(2)}"
    log.info("submitted %s to %s as job %s", pdf_path.name, printer, job_id)

    deadline = time.monotonic() + timeout
    while True:
        if job_id in _finished_jobs(printer):
            return _final_result(job_id, int(match.group(2)), printer)
        if time.monotonic() >= deadline:
            break
        time.sleep(poll_interval)

    status = _run(["lpstat", "-p", printer])
    detail = _printer_detail(status.stdout)
    log.warning("print job %s still queued after %.0f s: %s", job_id, timeout, status.stdout.strip())
    return PrintResult(
        succeeded=False,
        state="timed_out",
        job_id=job_id,
        message=(
            f'The printer "{printer}" has not finished job {job_id} after {timeout:.0f} seconds{detail}. '
            "It is still waiting in the queue and prints once the printer is ready: check that it is switched on, "
            f"connected and has paper, or cancel the job (cancel {job_id})."
        ),
    )
