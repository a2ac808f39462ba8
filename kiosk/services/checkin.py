"""Check-in: matching a patient at the tablet to today's appointment, and recording every arrival.

Exactly one scheduled appointment today for the typed name and date of birth is a match. None or
several is a kind "please see the front desk", and the arrival is recorded either way so the front
desk sees an unmatched check-in on the board.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from kiosk.domain.typed_text import MAX_NAME_LENGTH, capitalize_name, clean_typed_text
from kiosk.services.backend import Backend
from kiosk.services.patients import find_patients
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment, AppointmentStatus, Arrival, ArrivalOutcome


@dataclass(frozen=True, slots=True)
class AppointmentMatch:
    """What "Is this you?" may show: first name, last initial, time and visit type, nothing more."""

    appointment_id: int
    patient_id: int
    display_name: str
    starts_at: dt.datetime
    visit_type: str
    visit_label: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CheckinResult:
    outcome: ArrivalOutcome
    arrival_id: int
    match: AppointmentMatch | None


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants at which the local calendar day starts and ends."""
    start = dt.datetime.combine(day, dt.time.min).astimezone()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min).astimezone()
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def identify(backend: Backend, first_name: str, last_name: str, dob: dt.date) -> CheckinResult:
    """Match the typed identity to today's appointments and record the arrival, in one transaction.

    A name that cannot be stored (too long, not text) is refused with TypedTextError before anything is.
    """
    # Kept as the patient's name is written ("jordan" typed on a hardware keyboard is kept as "Jordan").
    first_name = capitalize_name(clean_typed_text(first_name, what="first name", max_length=MAX_NAME_LENGTH))
    last_name = capitalize_name(clean_typed_text(last_name, what="last name", max_length=MAX_NAME_LENGTH))
    cipher = backend.cipher
    start, end = local_day_bounds(backend.local_now().date())
    with unit_of_work(backend.db_factory) as db:
        patients = find_patients(db, cipher, first_name, last_name, dob)
        by_id = {patient.id: patient for patient in patients}
        appointments = (
            list(
                db.scalars(
                    select(Appointment)
                    .where(
                        Appointment.patient_id.in_(list(by_id)),
                        Appointment.starts_at >= start,
                        Appointment.starts_at < end,
                        Appointment.status == AppointmentStatus.SCHEDULED.value,
                    )
                    .order_by(Appointment.starts_at)
                )
            )
            if by_id
            else []
        )
        if len(appointments) == 1:
            outcome = ArrivalOutcome.MATCHED
        elif appointments:
            outcome = ArrivalOutcome.AMBIGUOUS
        else:
            outcome = ArrivalOutcome.UNMATCHED
        appointment = appointments[0] if outcome is ArrivalOutcome.MATCHED else None
        arrival = Arrival(
            at=backend.now(),
            outcome=outcome.value,
            appointment_id=appointment.id if appointment else None,
            typed_first_enc=cipher.encrypt(first_name.strip(), context="arrivals.typed_first"),
            typed_last_enc=cipher.encrypt(last_name.strip(), context="arrivals.typed_last"),
            typed_dob_enc=cipher.encrypt(dob.isoformat(), context="arrivals.typed_dob"),
        )
        db.add(arrival)
        db.flush()
        match = None
        if appointment is not None:
            patient = by_id[appointment.patient_id]
            first = cipher.decrypt_text(patient.first_name_enc, context="patients.first_name")
            last = cipher.decrypt_text(patient.last_name_enc, context="patients.last_name")
            visit = backend.settings.visit_type(appointment.visit_type)
            match = AppointmentMatch(
                appointment_id=appointment.id,
                patient_id=patient.id,
                display_name=f"{first} {last[:1]}.",
                starts_at=appointment.starts_at.astimezone(),
                visit_type=visit.id,
                visit_label=dict(visit.label),
            )
        return CheckinResult(outcome=outcome, arrival_id=arrival.id, match=match)
