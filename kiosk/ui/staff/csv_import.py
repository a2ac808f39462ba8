"""Importing a day's schedule from a spreadsheet: first a preview saying row by row what would happen and
what is wrong, then the import, only after staff confirm it.

The service checks every row again when importing, so importing the same file twice, or from two desks,
adds nothing twice; the preview already shows such rows as "already on the schedule".
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from kiosk.domain.schedule_csv import CsvPreview, CsvRow, RowStatus
from kiosk.services.schedule_import import CsvImportResult, import_csv
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import (
    StatusLine,
    button_row,
    date_and_time,
    push_button,
    set_label,
    show_refusal,
    text_label,
)
from kiosk.ui.staff.rows_model import Column, RowsModel, table_view
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

STATUS_WORDS = {
    RowStatus.OK: "Ready to import",
    RowStatus.ALREADY_IMPORTED: "Already on the schedule",
    RowStatus.BAD: "Cannot be imported",
}


def row_patient(row: CsvRow) -> str:
    if row.patient is not None:
        return f"{row.patient.first_name} {row.patient.last_name}"
    return " ".join(part for part in (row.values.get("first_name", ""), row.values.get("last_name", "")) if part)


def row_when(row: CsvRow) -> str:
    if row.starts_at is not None:
        return date_and_time(row.starts_at)
    return " ".join(part for part in (row.values.get("appointment_date", ""), row.values.get("appointment_time", "")))


def row_tone(row: CsvRow) -> Tone | None:
    if row.status is RowStatus.BAD:
        return Tone.URGENT
    if row.status is RowStatus.ALREADY_IMPORTED:
        return Tone.QUIET
    return None


def preview_summary(preview: CsvPreview) -> str:
    ok, bad, already = len(preview.ok_rows), len(preview.bad_rows), len(preview.already_imported)
    parts = [f"{ok} row{'s' if ok != 1 else ''} ready to import"]
    if bad:
        parts.append(f"{bad} with problems (they are left out; the reason is on each row)")
    if already:
        parts.append(f"{already} already on the schedule (skipped)")
    return "; ".join(parts) + "."


def result_summary(result: CsvImportResult) -> str:
    text = (
        f"Imported {result.appointments_added} appointment{'s' if result.appointments_added != 1 else ''} "
        f"({result.patients_added} new patient{'s' if result.patients_added != 1 else ''})."
    )
    if result.already_present:
        text += f" {result.already_present} already on the schedule, not added again."
    if result.skipped:
        text += (
            f" {len(result.skipped)} row{'s' if len(result.skipped) != 1 else ''} left out: fix "
            f"{'them' if len(result.skipped) != 1 else 'it'} in the file and import it again (rows already imported "
            "are skipped)."
        )
    return text


class CsvImportDialog(QDialog):
    """The preview of one file, and the import once confirmed.

    Signals:
        imported(object): the CsvImportResult of a finished import.
    """

    imported = Signal(object)

    def __init__(self, context: StaffContext, path: Path, preview: CsvPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.preview = preview
        self.import_result: CsvImportResult | None = None
        self.setWindowTitle(f"Import {path.name}")
        self.setMinimumSize(980, 560)
        column = QVBoxLayout(self)
        column.setSpacing(10)
        column.addWidget(text_label(f"Schedule file: {path}", TextRole.HINT))
        self.summary = StatusLine()
        column.addWidget(self.summary)
        for warning in preview.warnings:
            column.addWidget(text_label(warning, TextRole.HINT))
        self.model = RowsModel[CsvRow](
            [
                Column("Line", lambda row: str(row.line)),
                Column("Result", lambda row: STATUS_WORDS[row.status], bold=lambda row: row.status is RowStatus.BAD),
                Column("Patient", row_patient),
                Column("Appointment", row_when),
                Column("Visit", lambda row: row.visit_type or row.values.get("visit_type", "")),
                Column("Problem", lambda row: row.reason),
            ],
            tone=row_tone,
        )
        self.model.set_rows(preview.rows)
        self.table = table_view(self.model, "Rows in the file")
        column.addWidget(self.table, 1)
        self.cancel_button = push_button("Cancel")
        self.import_button = push_button("Import", ButtonRole.PRIMARY)
        column.addLayout(button_row(trailing=[self.cancel_button, self.import_button]))
        self.cancel_button.clicked.connect(self.reject)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        if preview.file_problem is not None:
            self.summary.show_error(preview.file_problem)
            self.table.setVisible(False)
            self.import_button.setVisible(False)
            set_label(self.cancel_button, "Close")
            return
        count = len(preview.ok_rows)
        self.summary.show_message(preview_summary(preview), Tone.HOLD if preview.bad_rows else Tone.QUIET)
        set_label(self.import_button, f"Import {count} appointment{'s' if count != 1 else ''}")
        self.import_button.setEnabled(count > 0)
        if count:
            self.import_button.setDefault(True)

    @property
    def bad_reasons(self) -> dict[int, str]:
        """Line number to the reason, for every row that cannot be imported."""
        return {row.line: row.reason for row in self.preview.bad_rows}

    @Slot()
    def _on_import_button_clicked(self) -> None:
        context = self._context
        preview = self.preview
        self.import_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.summary.show_message("Importing…")
        context.runner.submit(
            lambda: import_csv(context.backend, preview, context.identity), self._on_done, self._on_failed
        )

    def _on_done(self, result: CsvImportResult) -> None:
        self.import_result = result
        self.summary.show_message(result_summary(result), Tone.HOLD if result.skipped else Tone.GOOD)
        self.import_button.setVisible(False)
        self.cancel_button.setEnabled(True)
        set_label(self.cancel_button, "Close")
        self.cancel_button.setDefault(True)
        self.imported.emit(result)

    def _on_failed(self, error: Exception) -> None:
        self.cancel_button.setEnabled(True)
        self.import_button.setEnabled(True)
        show_refusal(self.summary, "Nothing was imported", error)
