"""Migration 0005 (dosing sessions): added on top of a 0004 database without touching its rows, constraints that
keep one session per intake and reading moments to the known ones, and a clean downgrade; on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.exc import IntegrityError

from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import create_engine_for, db_factory, unit_of_work
from kiosk.store.migrate import current_revision, downgrade_database, upgrade_database
from kiosk.store.models import DosingSession, Intake, Patient, SessionReading, SessionValue
from kiosk.store.types import attach_cipher
from tests.store.conftest import TEST_KEY

WHEN = datetime(2026, 3, 8, 9, 0, tzinfo=UTC)
DOSING_TABLES = {"dosing_sessions", "session_values", "session_readings"}


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _intake(engine: Engine) -> tuple[int, int]:
    with unit_of_work(db_factory(engine)) as db:
        patient = Patient(
            first_name_enc=b"f",
            last_name_enc=b"l",
            dob_enc=b"d",
            lookup_key="k" * 64,
            preferred_language="en",
            created_at=WHEN,
        )
        db.add(patient)
        db.flush()
        intake = Intake(
            patient_id=patient.id,
            visit_type="spravato",
            language="en",
            status="submitted",
            started_at=WHEN,
            updated_at=WHEN,
            submitted_at=WHEN,
        )
        db.add(intake)
        db.flush()
        return patient.id, intake.id


def _session(patient_id: int, intake_id: int) -> DosingSession:
    return DosingSession(
        intake_id=intake_id,
        patient_id=patient_id,
        form_id="session_spravato",
        form_version="1.0.0",
        session_date=date(2026, 3, 8),
        opened_at=WHEN,
        opened_by="nurse",
        rems_due=date(2026, 3, 15),
        rems_confirmation="REMS-1",
    )


def test_0005_adds_the_session_tables_to_a_0004_database_and_keeps_its_rows(database_url: str) -> None:
    engine = create_engine_for(database_url)
    attach_cipher(engine, FieldCipher(TEST_KEY))
    try:
        upgrade_database(engine, "0004")
        assert not DOSING_TABLES & _tables(engine)
        patient_id, intake_id = _intake(engine)
        upgrade_database(engine, "0005")
        assert current_revision(engine) == "0005"
        assert _tables(engine) >= DOSING_TABLES
        with unit_of_work(db_factory(engine)) as db:
            assert db.scalars(select(Intake.id)).one() == intake_id
            session = _session(patient_id, intake_id)
            db.add(session)
            db.flush()
            db.add(
                SessionValue(
                    session_id=session.id, item_id="lot_number", value_enc=b"\x01", entered_at=WHEN, entered_by="nurse"
                )
            )
            db.add(
                SessionReading(
                    session_id=session.id,
                    moment="before_dosing",
                    taken_at=WHEN,
                    taken_by="nurse",
                    values_enc=b"\x02",
                    proceed_reason="rested 5 minutes",
                    entered_at=WHEN,
                )
            )
        with unit_of_work(db_factory(engine)) as db:
            stored = db.scalars(select(DosingSession)).one()
            assert (stored.session_date, stored.rems_due, stored.rems_confirmation) == (
                date(2026, 3, 8),
                date(2026, 3, 15),
                "REMS-1",
            )
            assert db.scalars(select(SessionReading.proceed_reason)).one() == "rested 5 minutes"
    finally:
        engine.dispose()


@pytest.mark.parametrize("broken", ["second session for one intake", "unknown reading moment"])
def test_0005_constraints(database_url: str, broken: str) -> None:
    upgrade_database(database_url, "0005")
    engine = create_engine_for(database_url)
    attach_cipher(engine, FieldCipher(TEST_KEY))
    try:
        patient_id, intake_id = _intake(engine)
        with unit_of_work(db_factory(engine)) as db:
            session = _session(patient_id, intake_id)
            db.add(session)
            db.flush()
            session_id = session.id
        with pytest.raises(IntegrityError), unit_of_work(db_factory(engine)) as db:
            if broken == "second session for one intake":
                db.add(_session(patient_id, intake_id))
            else:
                db.add(
                    SessionReading(
                        session_id=session_id,
                        moment="lunch",
                        taken_at=WHEN,
                        taken_by="nurse",
                        values_enc=b"\x02",
                        entered_at=WHEN,
                    )
                )
            db.flush()
    finally:
        engine.dispose()


def test_0005_downgrades_to_0004_leaving_the_rest(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        upgrade_database(engine, "0005")
        before = _tables(engine)
        downgrade_database(engine, "0004")
        assert current_revision(engine) == "0004"
        assert _tables(engine) == before - DOSING_TABLES
    finally:
        engine.dispose()
