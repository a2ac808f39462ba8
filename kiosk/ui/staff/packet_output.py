"""What staff can do with one signed packet: print it on the clinic's printer, print it to a printer chosen
in Qt's print dialog, or save it as a PDF file. Used by the intake review; the day's batch print sends each
packet through the same `print_packet_job`.

Everything runs on the slow runner, so a slow printer never freezes the console; each outcome is said on
the view's status line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from kiosk.services.addenda import addendum_pdfs
from kiosk.services.audit_log import record_staff_action
from kiosk.services.permissions import Permission, allows
from kiosk.services.print_service import PrintOutcome, joined_for_print, print_packet
from kiosk.ui.qt_printing import QtPrintError, print_pdf_with_qt, spooler_available
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import StatusLine, push_button, save_pdf_dialog
from kiosk.ui.staff.style import Tone

log = logging.getLogger(__name__)


def print_packet_job(context: StaffContext, intake_id: int, printer: str | None) -> Callable[[], PrintOutcome]:
    """The slow-runner job that prints one intake's signed packet on `printer` (None: the system default)."""
    return lambda: print_packet(context.backend, intake_id, context.identity, printer=printer, maker=context.packets)


class PacketOutput(QObject):
    """The three packet buttons of a view and what they do, for the packet chosen with `show_packet`.

    Attributes the tests read: `file_dialog` and `print_dialog` while open, `saved_path` after a save.
    """

    def __init__(self, context: StaffContext, view: QWidget, status: StatusLine) -> None:
        super().__init__(view)
        self._context = context
        self._view = view
        self._status = status
        self._intake_id: int | None = None
        self._patient_id: int | None = None
        self.file_dialog: QFileDialog | None = None
        self.print_dialog: QPrintDialog | None = None
        self.dialog_printer: QPrinter | None = None
        self.saved_path: Path | None = None
        self.print_button = push_button("Print packet")
        self.print_to_button = push_button("Print to...")
        self.save_button = push_button("Save packet as PDF...")
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.print_to_button.clicked.connect(self._on_print_to_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.show_packet(None, None)

    @property
    def buttons(self) -> tuple[QPushButton, QPushButton, QPushButton]:
        return self.print_button, self.print_to_button, self.save_button

    def show_packet(self, intake_id: int | None, patient_id: int | None) -> None:
        """The packet the buttons act on; None (a draft, or nothing chosen) disables them. A role that may not
        print the clinical packet does not see them (the services refuse it anyway)."""
        self._intake_id, self._patient_id = intake_id, patient_id
        allowed = allows(self._context.identity, Permission.PRINT_CLINICAL_PACKET)
        for button in self.buttons:
            button.setVisible(allowed)
            button.setEnabled(allowed and intake_id is not None)

    # ----------------------------------------------------------------------------------- print

    @Slot()
    def _on_print_button_clicked(self) -> None:
        """One tap for the front desk: the printer named in the settings (or the system default)."""
        self._send_to_printer(self._context.printer)

    @Slot()
    def _on_print_to_button_clicked(self) -> None:
        """Choose the printer in Qt's print dialog; the signed PDF then goes to that queue through the spooler,
        as it is (vector, exact), or to a file when "Print to File" is chosen."""
        if self._intake_id is None:
            return
        printer = QPrinter()
        if self._context.printer:
            printer.setPrinterName(self._context.printer)
        dialog = QPrintDialog(printer, self._view)
        dialog.setWindowTitle("Print packet to")
        self.dialog_printer = printer
        dialog.accepted.connect(lambda: self._on_print_dialog_accepted(printer))
        self.print_dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.show()

    def _on_print_dialog_accepted(self, printer: QPrinter) -> None:
        if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and printer.outputFileName():
            self._on_file_dialog_file_selected(printer.outputFileName())
        elif spooler_available():
            self._send_to_printer(printer.printerName() or None)
        else:
            self._print_with_qt(printer)

    def _print_with_qt(self, printer: QPrinter) -> None:
        """No spooler (Windows): render the signed packet's pages onto the chosen printer, on the slow worker."""
        intake_id, patient_id = self._intake_id, self._patient_id
        if intake_id is None:
            return
        context = self._context
        name = printer.printerName() or "the printer"

        def job() -> int:
            packet = context.packets.stored(intake_id, context.identity)
            addenda = addendum_pdfs(context.backend, intake_id)
            pages = print_pdf_with_qt(joined_for_print([packet, *addenda]) if addenda else packet, printer)
            record_staff_action(
                context.backend, context.identity, "packet.print", patient_id=patient_id, detail=f"intake {intake_id}"
            )
            return pages

        def done(pages: object) -> None:
            self._status.show_message(f"The packet ({pages} pages) was sent to {name}.", Tone.GOOD)

        def failed(error: Exception) -> None:
            if isinstance(error, QtPrintError):
                self._status.show_error(str(error))
            else:
                log.error("printing the packet of intake %d through Qt failed", intake_id, exc_info=error)
                self._status.show_error(f"The packet was not printed: {error}")

        self._status.show_message(f"Sending the packet to {name}…")
        context.slow_runner.submit(job, done, failed)

    def _send_to_printer(self, printer_name: str | None) -> None:
        intake_id = self._intake_id
        if intake_id is None:
            return
        self.print_button.setEnabled(False)
        self._status.show_message("Sending the packet to the printer…")

        def done(outcome: PrintOutcome) -> None:
            self.print_button.setEnabled(True)
            self._status.show_message(outcome.message, Tone.GOOD if outcome.printed else Tone.HOLD)

        def failed(error: Exception) -> None:
            log.error("printing the packet of intake %d failed", intake_id, exc_info=error)
            self.print_button.setEnabled(True)
            self._status.show_error(f"The packet was not printed: {error}")

        self._context.slow_runner.submit(print_packet_job(self._context, intake_id, printer_name), done, failed)

    # ----------------------------------------------------------------------------------- save

    @Slot()
    def _on_save_button_clicked(self) -> None:
        if self._intake_id is None:
            return
        name = f"intake-{self._intake_id}-packet.pdf"
        self.file_dialog = save_pdf_dialog(self._view, "Save packet as PDF", name, self._on_file_dialog_file_selected)

    @Slot(str)
    def _on_file_dialog_file_selected(self, chosen: str) -> None:
        intake_id = self._intake_id
        if intake_id is None or not chosen:
            return
        path = Path(chosen)
        context = self._context

        def save() -> Path:
            pdf = context.packets.stored(intake_id, context.identity)
            path.write_bytes(pdf)
            return path

        def done(saved: Path) -> None:
            self.saved_path = saved
            self.save_button.setEnabled(True)
            self._status.show_message(f"Saved the signed packet to {saved}.", Tone.GOOD)

        def failed(error: Exception) -> None:
            self.save_button.setEnabled(True)
            if isinstance(error, OSError):
                log.warning("saving a packet to %s failed: %s", path, error)
                reason = error.strerror or str(error)
                self._status.show_error(f"The packet could not be written to {path} ({reason}). Choose another folder.")
            else:
                log.error("making the packet of intake %d failed", intake_id, exc_info=error)
                self._status.show_error(f"The packet could not be saved: {error}")

        self.save_button.setEnabled(False)
        self._status.show_message("Saving the signed packet…")
        context.slow_runner.submit(save, done, failed)
