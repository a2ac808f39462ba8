"""The front desk's schedule changes: add, move and cancel an appointment, each one audited unit of work.

A day imported from a CSV file is kiosk.services.schedule_import; both find a patient on file the same
way (match_patient: by chart number, else by name and date of birth through the blind lookup key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.refusals import RefusedError
from kiosk.domain.schedule_csv import NewPatient
from kiosk.domain.typed_text import MAX_CHART_LENGTH, MAX_NAME_LENGTH, TypedTextError, clean_typed_text
from kiosk.services.backend import Backend
from kiosk.services.patients import add_patient, lookup_key
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit
from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment, AppointmentStatus, Intake, IntakeStatus, Patient, chart_index

__all__ = [
    "AppointmentError",
    "AppointmentView",
    "NewPatient",
    "add_appointment",
    "cancel_appointment",
    "find_or_add_patient",
    "match_patient",
    "move_appointment",
]


class AppointmentError(RefusedError):
    """A schedule change that cannot be made, said in words the front desk can act on."""


@dataclass(frozen=True, slots=True)
class AppointmentView:
    appointment_id: int
    patient_id: int
    starts_at: dt.datetime
    visit_type: str
    status: AppointmentStatus
    source_ref: str | None


def _view(appointment: Appointment) -> AppointmentView:
    return AppointmentView(
        appointment_id=appointment.id,
        patient_id=appointment.patient_id,
        starts_at=appointment.starts_at.astimezone(),
        visit_type=appointment.visit_type,
        status=AppointmentStatus(appointment.status),
        source_ref=appointment.source_ref,
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    """A time the front desk typed without a zone is the clinic's local time."""
    return moment.astimezone() if moment.tzinfo is None else moment


def _check_visit_type(backend: Backend, visit_type: str) -> None:
    known = [visit.id for visit in backend.settings.visit_types]
    if visit_type not in known:
        raise AppointmentError(f"Unknown visit type {visit_type!r}; the clinic's visit types are: {', '.join(known)}.")


def _same_person(cipher: FieldCipher, patient: Patient, new: NewPatient) -> bool:
    return patient.lookup_key == lookup_key(cipher, new.first_name, new.last_name, new.dob)


def match_patient(db: Session, cipher: FieldCipher, new: NewPatient) -> Patient | None:
    """The patient on file for `new` (by chart number, else by name and date of birth), or None.

    Raises AppointmentError when the chart number belongs to someone else, or when two patients on file
    share the name and date of birth and no chart number tells them apart.
    """
    chart = new.chart_number
    if chart is not None:
        by_chart = db.scalars(select(Patient).where(Patient.chart_key == chart_index(cipher, chart))).first()
        if by_chart is not None:
            if not _same_person(cipher, by_chart, new):
                raise AppointmentError(
                    f"Chart number {chart} belongs to another patient on file (the name or date of birth differ); "
                    "check the chart number."
                )
            return by_chart
    key = lookup_key(cipher, new.first_name, new.last_name, new.dob)
    candidates = [
        patient
        for patient in db.scalars(select(Patient).where(Patient.lookup_key == key))
        if chart is None or patient.chart_number is None
    ]
    if len(candidates) > 1:
        raise AppointmentError(
            "Two or more patients on file share this name and date of birth; give the chart number to say which."
        )
    return candidates[0] if candidates else None


def find_or_add_patient(db: Session, cipher: FieldCipher, new: NewPatient, now: dt.datetime) -> tuple[Patient, bool]:
    """The patient on file for `new` (given its chart number if it had none), or a newly added one.

    TypedTextError, before anything is stored, for a name, chart number or phone too long or not text."""
    new = replace(
        new,
        first_name=clean_typed_text(new.first_name, what="first name", max_length=MAX_NAME_LENGTH),
        last_name=clean_typed_text(new.last_name, what="last name", max_length=MAX_NAME_LENGTH),
        chart_number=(
            clean_typed_text(new.chart_number, what="chart number", max_length=MAX_CHART_LENGTH) or None
            if new.chart_number is not None
            else None
        ),
    )
    patient = match_patient(db, cipher, new)
    if patient is not None:
        if new.chart_number is not None and patient.chart_number is None:
            patient.chart_number = new.chart_number
        return patient, False
    patient = add_patient(
        db,
        cipher,
        first_name=new.first_name,
        last_name=new.last_name,
        dob=new.dob,
        language=new.language,
        now=now,
        chart_number=new.chart_number,
        phone=new.phone,
    )
    return patient, True


def add_appointment(
    backend: Backend,
    *,
    patient: int | NewPatient,
    starts_at: dt.datetime,
    visit_type: str,
    staff: StaffIdentity,
    source_ref: str | None = None,
) -> AppointmentView:
    """Book a visit for a patient on file (by id) or for a new one (added, or found if already there)."""
    require(staff, Permission.MANAGE_APPOINTMENTS)
    _check_visit_type(backend, visit_type)
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        if isinstance(patient, NewPatient):
            try:
                record, _ = find_or_add_patient(db, backend.cipher, patient, now)
            except TypedTextError as error:
                raise AppointmentError(f"{error.sentence()}; nothing was added.") from None
        else:
            found = db.get(Patient, patient)
            if found is None:
                raise AppointmentError(f"There is no patient {patient}; search for the patient again.")
            record = found
        appointment = Appointment(
            patient_id=record.id,
            starts_at=_aware(starts_at),
            visit_type=visit_type,
            status=AppointmentStatus.SCHEDULED.value,
            source_ref=source_ref,
            created_at=now,
        )
        db.add(appointment)
        db.flush()
        append_audit(
            db,
            at=now,
            actor=staff.username,
            action="appointment.add",
            patient_id=record.id,
            detail=f"appointment {appointment.id} {visit_type}",
        )
        return _view(appointment)


def _changeable(db: Session, appointment_id: int, doing: str) -> Appointment:
    appointment = db.get(Appointment, appointment_id)
    if appointment is None:
        raise AppointmentError(f"There is no appointment {appointment_id}; reload the schedule.")
    if appointment.status == AppointmentStatus.CANCELLED.value:
        raise AppointmentError(f"This appointment was cancelled, so it cannot be {doing}; add a new one instead.")
    done = db.scalars(
        select(Intake.id).where(
            Intake.appointment_id == appointment_id,
            Intake.status.in_([IntakeStatus.SUBMITTED.value, IntakeStatus.REVIEWED.value]),
        )
    ).first()
    if done is not None:
        raise AppointmentError(
            f"The patient already checked in and submitted the intake for this visit, so it cannot be {doing}."
        )
    return appointment


def move_appointment(
    backend: Backend, appointment_id: int, starts_at: dt.datetime, staff: StaffIdentity
) -> AppointmentView:
    """Give the appointment a new time (a naive time is taken as local)."""
    require(staff, Permission.MANAGE_APPOINTMENTS)
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        appointment = _changeable(db, appointment_id, "moved")
        before = appointment.starts_at
        appointment.starts_at = _aware(starts_at)
        append_audit(
            db,
            at=now,
            actor=staff.username,
            action="appointment.move",
            patient_id=appointment.patient_id,
            detail=f"appointment {appointment.id} from {before.astimezone(dt.UTC):%Y-%m-%dT%H:%MZ} "
            f"to {appointment.starts_at.astimezone(dt.UTC):%Y-%m-%dT%H:%MZ}",
        )
        db.flush()
        return _view(appointment)


def cancel_appointment(backend: Backend, appointment_id: int, staff: StaffIdentity) -> AppointmentView:
    require(staff, Permission.MANAGE_APPOINTMENTS)
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        appointment = _changeable(db, appointment_id, "cancelled")
        appointment.status = AppointmentStatus.CANCELLED.value
        append_audit(
            db,
            at=now,
            actor=staff.username,
            action="appointment.cancel",
            patient_id=appointment.patient_id,
            detail=f"appointment {appointment.id}",
        )
        db.flush()
        return _view(appointment)
