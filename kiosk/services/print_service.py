"""Printing an intake's signed packet on the clinic printer, with a message staff can act on.

The stored packet is written to a private temporary file in the data folder (the spooler reads a
file), sent to the CUPS queue and followed until the job ends. Whatever happens, the packet stays
stored on the intake, so a failed print is simply printed again. The queue only ever sees "intake
<id>" as the job title: print queues are visible to everyone who uses the print server, so no
patient name goes there. Printing blocks while the job runs; the UI calls this off the GUI thread.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from kiosk.documents.printing import PrintState, print_pdf
from kiosk.services.addenda import addendum_pdfs
from kiosk.services.backend import Backend
from kiosk.services.packets import PacketMaker
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Intake

log = logging.getLogger(__name__)

SPOOL_DIR = "print-spool"
"""Folder in the data directory for packets on their way to the printer (removed after each job)."""

_DEFAULT_DESTINATION = re.compile(r"system default destination:\s*(\S+)")
_NO_PRINTER_MESSAGE = (
    "No printer is chosen: the kiosk settings name none ([kiosk] printer) and this computer has no default "
    "printer. Set a default printer in the system's printer settings, or name one in the kiosk settings, then "
    "print again."
)


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """How printing one packet ended, with the message to show staff."""

    intake_id: int
    printed: bool
    state: PrintState
    message: str
    printer: str | None
    job_id: str | None = None


def default_printer() -> str | None:
    """The system's default print queue (``lpstat -d``), or None when there is none or no CUPS."""
    if shutil.which("lpstat") is None:
        return None
    environment = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    try:
        answer = subprocess.run(
            ["lpstat", "-d"], capture_output=True, text=True, env=environment, timeout=15, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        log.warning("could not ask CUPS for the default printer: %s", error)
        return None
    match = _DEFAULT_DESTINATION.search(answer.stdout)
    return match.group(1) if match else None


def job_title(intake_id: int) -> str:
    """The print job's name in the queue: the intake number, never the patient's name."""
    return f"intake {intake_id}"


def _write_spool_file(data_dir: Path, intake_id: int, pdf: bytes) -> Path:
    """The packet as a file only this user can read, for the spooler to pick up."""
    directory = data_dir / SPOOL_DIR
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"intake-{intake_id}-{secrets.token_hex(4)}.pdf"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pdf)
    return path


def _audit(backend: Backend, intake_id: int, actor: str, detail: str) -> None:
    with unit_of_work(backend.db_factory) as db:
        intake = db.get_one(Intake, intake_id)
        append_audit(
            db,
            at=backend.now(),
            actor=actor,
            action="packet.print",
            patient_id=intake.patient_id,
            intake_id=intake.id,
            detail=detail,
        )


def print_packet(
    backend: Backend,
    intake_id: int,
    staff: StaffIdentity,
    *,
    printer: str | None = None,
    maker: PacketMaker | None = None,
    timeout: float = 120.0,
) -> PrintOutcome:
    """Print the intake's signed packet (made first if it has none), then its signed addenda, as one job,
    and wait for the job to end.

    ``printer`` overrides the settings' printer; with neither, the system default is used. Raises
    UnknownIntakeError or PacketError (a draft) like the packet functions; every printing problem is
    returned as an outcome whose message says what to do, and is audited.
    """
    require(staff, Permission.PRINT_CLINICAL_PACKET)
    actor = staff.username
    packets = maker or PacketMaker(backend)
    pdf = packets.packet_bytes(intake_id, actor=actor)
    addenda = addendum_pdfs(backend, intake_id)
    document = joined_for_print([pdf, *addenda]) if addenda else pdf
    what = "packet" if not addenda else f"packet with {len(addenda)} addend{'um' if len(addenda) == 1 else 'a'}"
    return print_document(backend, intake_id, actor, document, what=what, printer=printer, timeout=timeout)


def joined_for_print(pdfs: list[bytes]) -> bytes:
    """Several signed PDFs as one print job, in order. Only for paper: the joined file carries no valid
    signature (each part keeps its own, stored apart)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(BytesIO(pdf)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _prefix(what: str) -> str:
    """The audit detail names what was printed unless it was the packet alone (as it always said)."""
    return "" if what == "packet" else f"{what}, "


def print_document(
    backend: Backend,
    intake_id: int,
    actor: str,
    pdf: bytes,
    *,
    what: str = "packet",
    printer: str | None = None,
    timeout: float = 120.0,
) -> PrintOutcome:
    """Send one of the intake's documents (already allowed to `actor`) to the printer and follow the job."""
    queue = printer or backend.settings.printer or default_printer()
    if not queue:
        log.warning("not printing intake %d: no printer in the settings and no system default", intake_id)
        _audit(backend, intake_id, actor, f"{_prefix(what)}not printed: no printer chosen")
        return PrintOutcome(intake_id, printed=False, state="not_submitted", message=_NO_PRINTER_MESSAGE, printer=None)

    path = _write_spool_file(backend.data_dir, intake_id, pdf)
    try:
        result = print_pdf(path, queue, title=job_title(intake_id), timeout=timeout)
    finally:
        path.unlink(missing_ok=True)

    job = f", job {result.job_id}" if result.job_id else ""
    _audit(backend, intake_id, actor, f"{_prefix(what)}printer {queue}: {result.state}{job}")
    if result.succeeded and result.message.startswith("Printed"):
        message = f"The {what} of intake {intake_id} was printed on {queue} (job {result.job_id})."
    elif result.succeeded:  # sent, but CUPS could not say how the job ended
        message = f"Intake {intake_id} on {queue}: {result.message}"
    else:
        message = f"{result.message} The {what} stays saved with the intake, so it can be printed again."
    return PrintOutcome(
        intake_id=intake_id,
        printed=result.succeeded,
        state=result.state,
        message=message,
        printer=queue,
        job_id=result.job_id,
    )
