"""The synthetic history: encrypted like real data, shaped like real intakes, and written only once."""

from __future__ import annotations

from sqlalchemy import func, select

from kiosk.services.backend import Backend
from kiosk.services.board import board_for_day
from kiosk.services.history import LONG_SERIES_SESSIONS, generate_history
from kiosk.services.intake_review import intake_review
from kiosk.services.patient_search import PatientIndex
from kiosk.services.trends import patient_trend
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Answer, Flag, Intake, Patient
from tests.identities import clinician, front_desk


def test_history_is_written_once_encrypted_and_readable_by_the_services(backend: Backend) -> None:
    summary = generate_history(backend, intakes=120, patients=10, seed=3)
    assert (summary.patients_added, summary.intakes_added, summary.already_present) == (10, 120, False)
    again = generate_history(backend, intakes=120, patients=10, seed=3)
    assert again.already_present and again.intakes_added == 0
    with unit_of_work(backend.db_factory) as db:
        assert db.scalar(select(func.count()).select_from(Patient)) == 10
        assert db.scalar(select(func.count()).select_from(Intake)) == 120
        assert db.scalar(select(func.count()).select_from(Answer)) == summary.answers_added
        assert db.scalar(select(func.count()).select_from(Flag)) == summary.flags_added
        first_name = db.scalars(select(Patient.first_name_enc).limit(1)).one()
    assert first_name[0] == 1 and len(first_name) > 28  # version byte, nonce, ciphertext and tag

    assert summary.long_series_patient_id is not None
    trend = patient_trend(backend, summary.long_series_patient_id, clinician("dr-lee"))
    assert len(trend.sessions) == LONG_SERIES_SESSIONS
    assert all(isinstance(session.totals["phq9"], int) for session in trend.sessions)
    review = intake_review(backend, trend.sessions[-1].intake_id, clinician("dr-lee"))
    assert review.questionnaires[0].previous_total == trend.sessions[-2].totals["phq9"]
    assert len(PatientIndex.build(backend, front_desk())) == 10
    assert board_for_day(backend, clinician()).rows == ()  # all of it is in the past
