"""Booking and moving an appointment: the two forms the front desk fills in most.

A booking is for a patient on file (found with the patient search) or for a new patient typed in; the
service finds a typed patient who is already on file (by chart number, else name and birth date) instead
of adding them twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QDate, QDateTime, QTime, Signal, Slot
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QDialog, QFormLayout, QTabWidget, QVBoxLayout, QWidget

from kiosk.domain.schedule_csv import parse_date
from kiosk.services.appointments import (
    AppointmentView,
    NewPatient,
    add_appointment,
    move_appointment,
)
from kiosk.services.patient_search import PatientHit
from kiosk.services.schedule import ScheduleEntry
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import (
    StatusLine,
    add_row,
    button_row,
    date_and_time,
    line_edit,
    push_button,
    show_refusal,
    text_label,
    us_date,
)
from kiosk.ui.staff.patient_picker import PatientPicker, hit_text
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "es": "Spanish (Español)"}
SLOT_MINUTES = 30


def next_slot(day: dt.date, now: dt.datetime) -> dt.datetime:
    """The next half hour on `day` if it is today, else 9:00 that day (local, naive)."""
    if day == now.date():
        base = now.replace(second=0, microsecond=0, tzinfo=None)
        extra = SLOT_MINUTES - base.minute % SLOT_MINUTES
        return base + dt.timedelta(minutes=extra)
    return dt.datetime.combine(day, dt.time(9, 0))


def to_qdatetime(moment: dt.datetime) -> QDateTime:
    return QDateTime(QDate(moment.year, moment.month, moment.day), QTime(moment.hour, moment.minute))


def from_qdatetime(value: QDateTime) -> dt.datetime:
    """The local wall-clock time chosen (naive: the service takes it as the clinic's local time)."""
    day, time = value.date(), value.time()
    return dt.datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())


def _time_edit(name: str, moment: dt.datetime) -> QDateTimeEdit:
    edit = QDateTimeEdit(to_qdatetime(moment))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("MM/dd/yyyy h:mm AP")
    edit.setAccessibleName(name)
    return edit


def show_change_error(status: StatusLine, doing: str, error: Exception) -> None:
    show_refusal(status, doing, error)


class AddAppointmentDialog(QDialog):
    """Book a visit.

    Signals:
        added(object): the AppointmentView booked.
    """

    added = Signal(object)

    def __init__(self, context: StaffContext, day: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.patient: PatientHit | None = None
        self.setWindowTitle("Add appointment")
        self.setMinimumWidth(620)
        column = QVBoxLayout(self)
        self.who = QTabWidget()
        self.who.setAccessibleName("Patient")
        on_file = QWidget()
        on_file_column = QVBoxLayout(on_file)
        self.picker = PatientPicker(context.patients, list_height=170)
        self.picker.chosen.connect(self._on_picker_chosen)
        on_file_column.addWidget(self.picker)
        self.chosen_label = text_label("No patient chosen yet.", TextRole.HINT)
        on_file_column.addWidget(self.chosen_label)
        self.who.addTab(on_file, "Patient on file")
        new = QWidget()
        form = QFormLayout(new)
        self.first_name = line_edit("First name")
        self.last_name = line_edit("Last name")
        self.dob = line_edit("Date of birth", placeholder="MM/DD/YYYY")
        self.chart_number = line_edit("Chart number (optional)")
        self.phone = line_edit("Phone (optional)")
        self.language = QComboBox()
        for code in context.backend.settings.languages:
            self.language.addItem(LANGUAGE_NAMES.get(code, code), code)
        for name, field in (
            ("First name", self.first_name),
            ("Last name", self.last_name),
            ("Date of birth", self.dob),
            ("Chart number (optional)", self.chart_number),
            ("Phone (optional)", self.phone),
            ("Language", self.language),
        ):
            add_row(form, name, field)
        self.who.addTab(new, "New patient")
        column.addWidget(self.who)
        details = QFormLayout()
        self.when = _time_edit("Date and time", next_slot(day, context.backend.local_now()))
        self.visit_type = QComboBox()
        for visit in context.backend.settings.visit_types:
            self.visit_type.addItem(visit.label.get("en", visit.id), visit.id)
        add_row(details, "Date and time", self.when)
        add_row(details, "Visit type", self.visit_type)
        column.addLayout(details)
        self.status = StatusLine()
        column.addWidget(self.status)
        self.cancel_button = push_button("Cancel")
        self.add_button = push_button("Add appointment", ButtonRole.PRIMARY)
        column.addLayout(button_row(trailing=[self.cancel_button, self.add_button]))
        self.cancel_button.clicked.connect(self.reject)
        self.add_button.clicked.connect(self._on_add_button_clicked)

    @Slot(object)
    def _on_picker_chosen(self, hit: PatientHit) -> None:
        self.patient = hit
        self.chosen_label.setText(f"Chosen: {hit_text(hit)}")
        self.chosen_label.setAccessibleName(self.chosen_label.text())

    def _patient_choice(self) -> int | NewPatient | None:
        if self.who.currentIndex() == 0:
            if self.patient is None:
                self.status.show_error("Search for the patient and choose them in the list, or use New patient.")
                return None
            return self.patient.patient_id
        first, last = self.first_name.text().strip(), self.last_name.text().strip()
        if not first or not last:
            self.status.show_error("Type the new patient's first and last name.")
            return None
        try:
            dob = parse_date(self.dob.text())
        except ValueError:
            self.status.show_error("Type the date of birth as MM/DD/YYYY, for example 07/02/1979.")
            return None
        if dob >= self._context.backend.local_now().date():
            self.status.show_error("The date of birth must be in the past.")
            return None
        return NewPatient(
            first_name=first,
            last_name=last,
            dob=dob,
            language=str(self.language.currentData()),
            chart_number=self.chart_number.text().strip() or None,
            phone=self.phone.text().strip() or None,
        )

    @Slot()
    def _on_add_button_clicked(self) -> None:
        patient = self._patient_choice()
        if patient is None:
            return
        context = self._context
        starts_at = from_qdatetime(self.when.dateTime())
        visit_type = str(self.visit_type.currentData())
        self.add_button.setEnabled(False)

        def done(view: AppointmentView) -> None:
            self.add_button.setEnabled(True)
            self.added.emit(view)
            self.accept()

        def failed(error: Exception) -> None:
            self.add_button.setEnabled(True)
            show_change_error(self.status, "adding an appointment", error)

        context.runner.submit(
            lambda: add_appointment(
                context.backend, patient=patient, starts_at=starts_at, visit_type=visit_type, staff=context.identity
            ),
            done,
            failed,
        )


class MoveAppointmentDialog(QDialog):
    """Give an appointment a new date and time.

    Signals:
        moved(object): the AppointmentView after the move.
    """

    moved = Signal(object)

    def __init__(self, context: StaffContext, entry: ScheduleEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.entry = entry
        self.setWindowTitle("Move appointment")
        self.setMinimumWidth(480)
        column = QVBoxLayout(self)
        column.addWidget(
            text_label(
                f"{entry.patient_name} (born {us_date(entry.dob)}), now at {date_and_time(entry.starts_at)}.",
                TextRole.BODY,
            )
        )
        form = QFormLayout()
        naive = entry.starts_at.astimezone().replace(tzinfo=None)
        self.when = _time_edit("New date and time", naive)
        add_row(form, "New date and time", self.when)
        column.addLayout(form)
        self.status = StatusLine()
        column.addWidget(self.status)
        self.cancel_button = push_button("Cancel")
        self.move_button = push_button("Move", ButtonRole.PRIMARY)
        column.addLayout(button_row(trailing=[self.cancel_button, self.move_button]))
        self.cancel_button.clicked.connect(self.reject)
        self.move_button.clicked.connect(self._on_move_button_clicked)

    @Slot()
    def _on_move_button_clicked(self) -> None:
        context = self._context
        starts_at = from_qdatetime(self.when.dateTime())
        appointment_id = self.entry.appointment_id
        self.move_button.setEnabled(False)

        def done(view: object) -> None:
            self.move_button.setEnabled(True)
            self.moved.emit(view)
            self.accept()

        def failed(error: Exception) -> None:
            self.move_button.setEnabled(True)
            show_change_error(self.status, "moving an appointment", error)

        context.runner.submit(
            lambda: move_appointment(context.backend, appointment_id, starts_at, context.identity), done, failed
        )
