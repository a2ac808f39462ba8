"""The day's schedule: appointments with their patients and check-in status, for the front desk."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from kiosk.domain.statuses import VisitStatus, visit_status
from kiosk.services.backend import Backend
from kiosk.services.checkin import local_day_bounds
from kiosk.services.patients import patient_view
from kiosk.services.permissions import Permission, require
from kiosk.services.staff_accounts import StaffIdentity
from kiosk.store.audit import append_audit
from kiosk.store.engine import read_only_unit_of_work, unit_of_work
from kiosk.store.models import Appointment, Intake, Patient


@dataclass(frozen=True, slots=True)
class ScheduleEntry:
    appointment_id: int
    starts_at: dt.datetime
    patient_id: int
    patient_name: str
    dob: dt.date
    visit_type: str
    visit_label: Mapping[str, str]
    status: VisitStatus
    intake_id: int | None


def schedule_for_day(backend: Backend, staff: StaffIdentity, day: dt.date | None = None) -> tuple[ScheduleEntry, ...]:
    """Every appointment of the local day, in time order, with its newest intake's status."""
    require(staff, Permission.VIEW_SCHEDULE)
    start, end = local_day_bounds(day or backend.local_now().date())
    with read_only_unit_of_work(backend.db_factory) as db:
        rows = db.execute(
            select(Appointment, Patient)
            .join(Patient, Patient.id == Appointment.patient_id)
            .where(Appointment.starts_at >= start, Appointment.starts_at < end)
            .order_by(Appointment.starts_at, Appointment.id)
        ).all()
        ids = [appointment.id for appointment, _ in rows]
        newest: dict[int, Intake] = {}
        if ids:
            for intake in db.scalars(select(Intake).where(Intake.appointment_id.in_(ids)).order_by(Intake.id)):
                assert intake.appointment_id is not None
                newest[intake.appointment_id] = intake
        entries = []
        for appointment, patient in rows:
            view = patient_view(backend.cipher, patient)
            visit = backend.settings.visit_type(appointment.visit_type)
            latest = newest.get(appointment.id)
            entries.append(
                ScheduleEntry(
                    appointment_id=appointment.id,
                    starts_at=appointment.starts_at.astimezone(),
                    patient_id=patient.id,
                    patient_name=view.full_name,
                    dob=view.dob,
                    visit_type=visit.id,
                    visit_label=dict(visit.label),
                    status=visit_status(appointment.status, latest.status if latest else None),
                    intake_id=latest.id if latest else None,
                )
            )
        return tuple(entries)


def schedule_for_staff(backend: Backend, staff: StaffIdentity, day: dt.date | None = None) -> tuple[ScheduleEntry, ...]:
    """The day's schedule for a signed-in person whose role may see it; the listing is audited (it names
    patients and their dates of birth)."""
    require(staff, Permission.VIEW_SCHEDULE)
    shown = day or backend.local_now().date()
    entries = schedule_for_day(backend, staff, shown)
    with unit_of_work(backend.db_factory) as db:
        append_audit(
            db, at=backend.now(), actor=staff.username, action="schedule.view", detail=f"{shown}: {len(entries)} rows"
        )
    return entries
