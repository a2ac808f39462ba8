"""The schedule of any day: book, move and cancel appointments, and import a day from a CSV file."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import QDate, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDateEdit, QFileDialog, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.domain.schedule_csv import CsvPreview
from kiosk.domain.statuses import VisitStatus
from kiosk.services.appointments import AppointmentView, cancel_appointment
from kiosk.services.schedule import ScheduleEntry, schedule_for_day
from kiosk.services.schedule_import import preview_csv
from kiosk.ui.staff.appointment_dialogs import AddAppointmentDialog, MoveAppointmentDialog, show_change_error
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import (
    StatusLine,
    button_row,
    clock_time,
    date_and_time,
    fit_date_edit,
    push_button,
    show_refusal,
    text_label,
    us_date,
)
from kiosk.ui.staff.csv_import import CsvImportDialog
from kiosk.ui.staff.dialogs import ConfirmDialog
from kiosk.ui.staff.rows_model import Column, RowsModel, selected_row, table_view
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

CHANGEABLE = (VisitStatus.NOT_ARRIVED, VisitStatus.CHECKING_IN)


def _to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class ScheduleView(QWidget):
    """A day's appointments with the front desk's changes; reloads whenever it is shown or changed."""

    def __init__(self, context: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.entries: tuple[ScheduleEntry, ...] = ()
        self.dialog: AddAppointmentDialog | MoveAppointmentDialog | ConfirmDialog | None = None
        self.file_dialog: QFileDialog | None = None
        self.import_dialog: CsvImportDialog | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 12)
        column.setSpacing(8)
        top = QHBoxLayout()
        self.title = text_label("Schedule", TextRole.TITLE, wrap=False)
        top.addWidget(self.title)
        top.addStretch(1)
        self.previous_button = push_button("Previous day")
        today = context.backend.local_now().date()
        self.day_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dddd MM/dd/yyyy")
        self.day_edit.setAccessibleName("Day")
        fit_date_edit(self.day_edit)
        self.next_button = push_button("Next day")
        self.today_button = push_button("Today")
        for widget in (self.previous_button, self.day_edit, self.next_button, self.today_button):
            top.addWidget(widget)
        column.addLayout(top)
        self.model = RowsModel[ScheduleEntry](
            [
                Column("Time", lambda entry: clock_time(entry.starts_at)),
                Column("Patient", lambda entry: entry.patient_name),
                Column("Date of birth", lambda entry: us_date(entry.dob)),
                Column("Visit", lambda entry: entry.visit_label.get("en", entry.visit_type)),
                Column("Status", lambda entry: entry.status.value.capitalize()),
            ],
            tone=lambda entry: Tone.QUIET if entry.status is VisitStatus.CANCELLED else None,
        )
        self.table = table_view(self.model, "Appointments of the day")
        column.addWidget(self.table, 1)
        self.add_button = push_button("Add appointment...", ButtonRole.PRIMARY)
        self.move_button = push_button("Move...")
        self.cancel_button = push_button("Cancel appointment")
        self.import_button = push_button("Import CSV...")
        column.addLayout(
            button_row(self.add_button, self.move_button, self.cancel_button, trailing=[self.import_button])
        )
        self.status = StatusLine()
        column.addWidget(self.status)

        self.previous_button.clicked.connect(lambda: self.day_edit.setDate(self.day_edit.date().addDays(-1)))
        self.next_button.clicked.connect(lambda: self.day_edit.setDate(self.day_edit.date().addDays(1)))
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self.day_edit.dateChanged.connect(self.reload)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.move_button.clicked.connect(self._on_move_button_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        selection = self.table.selectionModel()
        assert selection is not None
        selection.selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    @property
    def day(self) -> dt.date:
        return _to_date(self.day_edit.date())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    @Slot()
    def reload(self) -> None:
        context, day = self._context, self.day
        self.title.setText(f"Schedule, {day:%A} {us_date(day)}")
        self.title.setAccessibleName(self.title.text())
        context.runner.submit(
            lambda: schedule_for_day(context.backend, context.identity, day), self._on_loaded, self._on_load_failed
        )

    def _on_loaded(self, entries: tuple[ScheduleEntry, ...]) -> None:
        chosen = selected_row(self.table)
        self.entries = entries
        self.model.set_rows(entries)
        if isinstance(chosen, ScheduleEntry):
            for number, entry in enumerate(self.model.rows[: self.model.shown_count()]):
                if entry.appointment_id == chosen.appointment_id:
                    self.table.selectRow(number)
        self._update_buttons()

    def _on_load_failed(self, error: Exception) -> None:
        show_refusal(self.status, "The schedule could not be read", error, "Choose the day again to retry.")

    def selected_entry(self) -> ScheduleEntry | None:
        entry = selected_row(self.table)
        return entry if isinstance(entry, ScheduleEntry) else None

    @Slot()
    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        changeable = entry is not None and entry.status in CHANGEABLE
        self.move_button.setEnabled(changeable)
        self.cancel_button.setEnabled(changeable)

    @Slot()
    def _on_today_button_clicked(self) -> None:
        today = self._context.backend.local_now().date()
        self.day_edit.setDate(QDate(today.year, today.month, today.day))

    # ----------------------------------------------------------------------------------- changes

    @Slot()
    def _on_add_button_clicked(self) -> None:
        dialog = AddAppointmentDialog(self._context, self.day, self)
        dialog.added.connect(self._on_dialog_added)
        self.dialog = dialog
        dialog.open()

    def _on_dialog_added(self, view: AppointmentView) -> None:
        self.status.show_message(f"Booked for {date_and_time(view.starts_at)}.", Tone.GOOD)
        local_day = view.starts_at.astimezone().date()
        if local_day != self.day:
            self.day_edit.setDate(QDate(local_day.year, local_day.month, local_day.day))
        else:
            self.reload()

    @Slot()
    def _on_move_button_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        dialog = MoveAppointmentDialog(self._context, entry, self)
        dialog.moved.connect(self._on_dialog_moved)
        self.dialog = dialog
        dialog.open()

    def _on_dialog_moved(self, view: AppointmentView) -> None:
        self.status.show_message(f"Moved to {date_and_time(view.starts_at)}.", Tone.GOOD)
        self.reload()

    @Slot()
    def _on_cancel_button_clicked(self) -> None:
        entry = self.selected_entry()
        if entry is None:
            return
        dialog = ConfirmDialog(
            "Cancel appointment",
            f"Cancel the {clock_time(entry.starts_at)} appointment of {entry.patient_name} on "
            f"{us_date(entry.starts_at.astimezone().date())}? It stays on the schedule marked cancelled.",
            "Cancel appointment",
            "Keep it",
            self,
        )
        dialog.accepted.connect(lambda: self._cancel(entry))
        self.dialog = dialog
        dialog.open()

    def _cancel(self, entry: ScheduleEntry) -> None:
        context = self._context

        def done(_: object) -> None:
            self.status.show_message(f"Cancelled the appointment of {entry.patient_name}.", Tone.GOOD)
            self.reload()

        context.runner.submit(
            lambda: cancel_appointment(context.backend, entry.appointment_id, context.identity),
            done,
            lambda error: show_change_error(self.status, "cancelling an appointment", error),
        )

    # ----------------------------------------------------------------------------------- import

    @Slot()
    def _on_import_button_clicked(self) -> None:
        dialog = QFileDialog(self, "Import CSV", str(Path.home()), "CSV files (*.csv);;All files (*)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self._on_file_dialog_file_selected)
        self.file_dialog = dialog
        dialog.open()

    @Slot(str)
    def _on_file_dialog_file_selected(self, chosen: str) -> None:
        if not chosen:
            return
        path = Path(chosen)
        context = self._context

        def read() -> CsvPreview:
            return preview_csv(context.backend, path.read_bytes(), context.identity)

        def failed(error: Exception) -> None:
            if isinstance(error, OSError):
                log.warning("reading the schedule file %s failed: %s", path, error)
                self.status.show_error(f"{path} could not be read ({error.strerror or error}). Check the file.")
            else:
                log.error("checking the schedule file %s failed", path, exc_info=error)
                self.status.show_error(f"The file could not be checked: {error}")

        self.status.show_message(f"Checking {path.name}…")
        context.runner.submit(read, lambda preview: self._on_previewed(path, preview), failed)

    def _on_previewed(self, path: Path, preview: CsvPreview) -> None:
        self.status.clear_message()
        dialog = CsvImportDialog(self._context, path, preview, self)
        dialog.imported.connect(self._on_import_dialog_imported)
        self.import_dialog = dialog
        dialog.open()

    def _on_import_dialog_imported(self, _: object) -> None:
        self.reload()
