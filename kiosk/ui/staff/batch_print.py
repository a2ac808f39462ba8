"""Printing the day's signed packets in one go: one at a time, with progress, Cancel, and a report naming
every packet that did not print and why.

Each packet is printed by packet_output's `print_packet_job` (as from the intake review) on the slow
runner (it waits until the printer has the job), so the console stays responsive and the board keeps
refreshing. Cancel stops after the packet being printed; a job already handed to the printer cannot be
taken back from here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QProgressDialog, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kiosk.services.consent_copy import print_consent_copy
from kiosk.services.permissions import Permission, allows
from kiosk.services.print_service import PrintOutcome
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import button_row, grid_table, push_button, set_label, text_label
from kiosk.ui.staff.packet_output import print_packet_job
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

NOT_SENT = "Not sent: printing was cancelled before this packet."


@dataclass(frozen=True, slots=True)
class PacketJob:
    """One packet to print, and how staff recognise it ('8:00 AM Sam Taylor')."""

    intake_id: int
    label: str


@dataclass(frozen=True, slots=True)
class PacketPrintResult:
    job: PacketJob
    printed: bool
    sent: bool
    message: str


class BatchPrint(QObject):
    """Prints `jobs` in order and reports each outcome.

    Signals:
        finished(object): the tuple of PacketPrintResult, one per job (cancelled ones included).
    """

    finished = Signal(object)

    def __init__(self, context: StaffContext, jobs: Sequence[PacketJob], parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self.jobs = tuple(jobs)
        self.results: list[PacketPrintResult] = []
        self.cancelled = False
        self.report: BatchPrintReport | None = None
        # The front desk prints consent-only copies; the clinical packet is a clinician's (services decide).
        self.clinical = allows(context.identity, Permission.PRINT_CLINICAL_PACKET)
        self.what = "packet" if self.clinical else "consent copy"
        self.progress = QProgressDialog(parent)
        self.progress.setWindowTitle("Printing today's packets" if self.clinical else "Printing today's consent copies")
        # Not modal: a modal QProgressDialog runs processEvents() inside setValue(), and staff may keep
        # using the console meanwhile; the board's print button stays off until this batch ends.
        self.progress.setWindowModality(Qt.WindowModality.NonModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setRange(0, len(self.jobs))
        self.progress.setMinimumWidth(480)
        self.cancel_button = QPushButton()
        set_label(self.cancel_button, "Cancel")
        self.progress.setCancelButton(self.cancel_button)
        self.progress.canceled.connect(self._on_progress_canceled)

    def start(self) -> None:
        self.progress.setValue(0)
        self.progress.show()
        self._next()

    @Slot()
    def _on_progress_canceled(self) -> None:
        self.cancelled = True
        set_label(self.cancel_button, "Cancelling…")
        self.cancel_button.setEnabled(False)
        self.progress.setLabelText("Cancelling: waiting for the packet being printed to reach the printer…")

    def _next(self) -> None:
        done = len(self.results)
        if done == len(self.jobs) or self.cancelled:
            self._finish()
            return
        job = self.jobs[done]
        text = f"Printing {self.what} {done + 1} of {len(self.jobs)}: {job.label}"
        self.progress.setLabelText(text)
        self.progress.setAccessibleName(text)
        context = self._context
        job_call: Callable[[], PrintOutcome]
        if self.clinical:
            job_call = print_packet_job(context, job.intake_id, context.printer)
        else:

            def job_call() -> PrintOutcome:
                return print_consent_copy(
                    context.backend, context.packets, context.identity, job.intake_id, printer=context.printer
                )

        context.slow_runner.submit(
            job_call,
            lambda outcome: self._on_printed(job, outcome),
            lambda error: self._on_failed(job, error),
        )

    def _on_printed(self, job: PacketJob, outcome: PrintOutcome) -> None:
        self._record(PacketPrintResult(job, outcome.printed, True, outcome.message))

    def _on_failed(self, job: PacketJob, error: Exception) -> None:
        log.error("printing the packet of intake %d failed", job.intake_id, exc_info=error)
        message = str(error) or type(error).__name__
        self._record(PacketPrintResult(job, False, True, f"Not printed: {message}"))

    def _record(self, result: PacketPrintResult) -> None:
        self.results.append(result)
        self.progress.setValue(len(self.results))
        self._next()

    def _finish(self) -> None:
        for job in self.jobs[len(self.results) :]:
            self.results.append(PacketPrintResult(job, False, False, NOT_SENT))
        self.progress.hide()
        self.progress.deleteLater()
        results = tuple(self.results)
        parent = self.parent()
        assert isinstance(parent, QWidget)
        self.report = BatchPrintReport(results, parent)
        self.report.open()
        self.finished.emit(results)


def summary(results: Sequence[PacketPrintResult]) -> str:
    printed = sum(1 for result in results if result.printed)
    failed = sum(1 for result in results if result.sent and not result.printed)
    skipped = sum(1 for result in results if not result.sent)
    parts = [f"{printed} of {len(results)} packets printed"]
    if failed:
        parts.append(f"{failed} not printed (see why below; each packet stays saved and can be printed again)")
    if skipped:
        parts.append(f"{skipped} not sent because printing was cancelled")
    return "; ".join(parts) + "."


class BatchPrintReport(QDialog):
    """What happened to each packet, failures named, so staff know exactly which to print again."""

    def __init__(self, results: Sequence[PacketPrintResult], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Printing finished")
        self.setMinimumSize(760, 360)
        self.results = tuple(results)
        column = QVBoxLayout(self)
        everything_printed = all(result.printed for result in results)
        self.summary = text_label(summary(results), TextRole.BODY)
        self.summary.setProperty("tone", (Tone.GOOD if everything_printed else Tone.HOLD).name.lower())
        column.addWidget(self.summary)
        rows = [
            (result.job.label, "Printed" if result.printed else "Not printed", result.message) for result in results
        ]
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_table(("Packet", "Result", "What happened"), rows, stretch=2))
        column.addWidget(scroll, 1)
        self.close_button = push_button("Close", ButtonRole.PRIMARY)
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        column.addLayout(button_row(trailing=[self.close_button]))
