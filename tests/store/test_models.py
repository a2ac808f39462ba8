"""The schema's own guarantees: allowed values, uniqueness, references and lazy PDF loading."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.store.engine import db_factory, unit_of_work
from kiosk.store.models import Answer, Appointment, Intake, Patient

NOW = datetime(2025, 2, 3, 10, 0, tzinfo=UTC)


def _patient(db: Session) -> Patient:
    patient = Patient(
        first_name_enc=b"f",
        last_name_enc=b"l",
        dob_enc=b"d",
        lookup_key="k" * 64,
        preferred_language="es",
        created_at=NOW,
    )
    db.add(patient)
    db.flush()
    return patient


def _intake(db: Session, patient: Patient) -> Intake:
    intake = Intake(
        patient_id=patient.id,
        visit_type="im_ketamine",
        language="es",
        started_at=NOW,
        updated_at=NOW,
        packet_pdf=b"%PDF-1.7 packet",
    )
    db.add(intake)
    db.flush()
    return intake


def _answer(intake: Intake, item_id: str) -> Answer:
    return Answer(
        intake_id=intake.id,
        form_id="phq9",
        form_version="1",
        item_id=item_id,
        language="es",
        value_enc=b"v",
        answered_at=NOW,
    )


def test_defaults_fill_in_statuses(migrated_engine: Engine) -> None:
    with unit_of_work(db_factory(migrated_engine)) as db:
        patient = _patient(db)
        intake = _intake(db, patient)
        appointment = Appointment(patient_id=patient.id, starts_at=NOW, visit_type="im_ketamine", created_at=NOW)
        db.add(appointment)
        db.flush()
        assert (intake.status, appointment.status) == ("draft", "scheduled")


def test_status_outside_the_enumeration_is_refused(migrated_engine: Engine) -> None:
    with (
        pytest.raises(IntegrityError, match=r"ck_intakes_status_allowed|CHECK constraint failed"),
        unit_of_work(db_factory(migrated_engine)) as db,
    ):
        intake = _intake(db, _patient(db))
        intake.status = "deleted"
        db.flush()


def test_an_item_is_answered_once_per_intake(migrated_engine: Engine) -> None:
    with pytest.raises(IntegrityError), unit_of_work(db_factory(migrated_engine)) as db:
        intake = _intake(db, _patient(db))
        db.add_all([_answer(intake, "item1"), _answer(intake, "item1")])
        db.flush()


def test_references_must_exist(migrated_engine: Engine) -> None:
    with pytest.raises(IntegrityError), unit_of_work(db_factory(migrated_engine)) as db:
        db.add(Appointment(patient_id=999, starts_at=NOW, visit_type="spravato", created_at=NOW))
        db.flush()


def test_deleting_a_draft_deletes_its_answers(migrated_engine: Engine) -> None:
    factory = db_factory(migrated_engine)
    with unit_of_work(factory) as db:
        intake = _intake(db, _patient(db))
        db.add_all([_answer(intake, "item1"), _answer(intake, "item2")])
    with unit_of_work(factory) as db:
        db.delete(db.get_one(Intake, intake.id))
    with unit_of_work(factory) as db:
        assert db.scalars(select(Answer)).all() == []


def test_packet_pdf_loads_only_when_asked_for(migrated_engine: Engine) -> None:
    factory = db_factory(migrated_engine)
    with unit_of_work(factory) as db:
        intake_id = _intake(db, _patient(db)).id
    with unit_of_work(factory) as db:
        intake = db.scalars(select(Intake).where(Intake.id == intake_id)).one()
        assert "packet_pdf" in inspect(intake).unloaded
        assert intake.packet_pdf == b"%PDF-1.7 packet"
