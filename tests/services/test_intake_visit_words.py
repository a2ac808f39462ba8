"""Words that fit the visit (kiosk/services/intake.py): whether this is the patient's first visit, and the
records on file a checklist asks about, masked for the patient's eyes."""

from __future__ import annotations

import datetime as dt

from kiosk.services.backend import Backend
from kiosk.services.intake import begin_intake, submit_intake
from kiosk.services.patients import EmergencyContact, add_patient
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment, Intake
from tests.services.conftest import FakeClock, schedule
from tests.services.test_intake import answer_everything


def _another_appointment(backend: Backend, patient_id: int) -> int:
    with unit_of_work(backend.db_factory) as db:
        appointment = Appointment(
            patient_id=patient_id,
            starts_at=backend.now() + dt.timedelta(days=7),
            visit_type="im_ketamine",
            status="scheduled",
            created_at=backend.now(),
        )
        db.add(appointment)
        db.flush()
        return appointment.id


def test_the_first_visit_is_first_until_an_intake_is_submitted(backend: Backend, clock: FakeClock) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", dt.date(1979, 7, 2))
    first = begin_intake(backend, appointment_id, "en")
    assert first.first_visit
    with unit_of_work(backend.db_factory) as db:
        patient_id = db.get_one(Intake, first.intake_id).patient_id
    # A draft left half done is not a visit: the next one is still the first.
    clock.advance(days=7)
    assert begin_intake(backend, _another_appointment(backend, patient_id), "en").first_visit
    answer_everything(backend, first.intake_id)
    submit_intake(backend, first.intake_id)
    assert begin_intake(backend, appointment_id, "en").first_visit  # the submitted one itself was a first visit
    clock.advance(days=7)
    assert not begin_intake(backend, _another_appointment(backend, patient_id), "en").first_visit


def test_the_emergency_contact_on_file_is_handed_over_masked(backend: Backend) -> None:
    with unit_of_work(backend.db_factory) as db:
        patient = add_patient(
            db,
            backend.cipher,
            first_name="Rosa",
            last_name="Diaz",
            dob=dt.date(1990, 1, 2),
            language="es",
            now=backend.now(),
            emergency_contact=EmergencyContact(name="Jordan Lee", phone="(555) 010-0142"),
        )
        patient_id = patient.id
    state = begin_intake(backend, _another_appointment(backend, patient_id), "es")
    assert state.on_file == {"emergency_contact": "J. Lee, (555) ...-0142"}
    without = begin_intake(backend, schedule(backend, "Sam", "Taylor", dt.date(1979, 7, 2)), "en")
    assert without.on_file == {}
