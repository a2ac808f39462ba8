"""The clinician's review of one intake: scores with change, every answer in words, consents, checklist holds."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.domain.forms import text_sha256
from kiosk.domain.statuses import FlagLevel
from kiosk.services.backend import Backend
from kiosk.services.intake import UnknownIntakeError, begin_intake, record_answer
from kiosk.services.intake_review import intake_review
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry, IntakeStatus
from tests.identities import clinician
from tests.services.conftest import FakeClock, schedule
from tests.services.test_board import complete_visit, past_visit, patient_of

DOB = dt.date(1979, 7, 2)


def test_scores_change_response_and_remission(backend: Backend, clock: FakeClock) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    patient_id = patient_of(backend, appointment_id)
    past_visit(backend, clock, patient_id, 21, phq=(2, 2, 2, 2, 2, 2, 2, 2, 0), gad=(2,) * 7)  # 16, 14
    past_visit(backend, clock, patient_id, 7, phq=(1, 1, 1, 1, 1, 1, 1, 1, 0), gad=(1,) * 7)  # 8, 7
    intake_id = complete_visit(backend, appointment_id, phq=(1, 1, 1, 1, 0, 0, 0, 0, 0), gad=(1, 1, 1, 1, 1, 1, 0))
    review = intake_review(backend, intake_id, clinician("dr-lee"))

    assert review.patient.full_name == "Sam Taylor"
    assert review.status is IntakeStatus.SUBMITTED
    assert review.visit_label["en"] == "IM ketamine session"
    phq, gad = review.questionnaires
    assert (phq.form_id, phq.total, phq.band_code, phq.band_label) == ("phq9", 4, "minimal", "Minimal")
    assert (phq.baseline_total, phq.previous_total) == (16, 8)
    assert (phq.change_from_baseline, phq.change_from_previous) == (-12, -4)
    assert phq.response and phq.remission
    assert (gad.total, gad.baseline_total, gad.previous_total) == (6, 14, 7)
    assert gad.response and not gad.remission
    first = phq.items[0]
    assert first.question == "Little interest or pleasure in doing things"
    assert (first.answer_label, first.score) == ("Several days", 1)
    difficulty = phq.items[-1]
    assert difficulty.item_id == "difficulty" and difficulty.answer_label == "Somewhat difficult"


def test_an_incomplete_questionnaire_has_no_total(backend: Backend) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    intake_id = begin_intake(backend, appointment_id, "en").intake_id
    record_answer(backend, intake_id, "phq9", "q1", 3)
    phq = intake_review(backend, intake_id, clinician("dr-lee")).questionnaires[0]
    assert phq.incomplete and phq.total is None and phq.band_code is None
    assert not phq.response and not phq.remission
    assert "q9" in phq.missing
    assert [(item.item_id, item.answer_label) for item in phq.items[:2]] == [("q1", "Nearly every day"), ("q2", None)]


def test_consents_are_shown_with_text_hash_name_and_signature(backend: Backend) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    intake_id = complete_visit(backend, appointment_id, name="Samuel T")
    review = intake_review(backend, intake_id, clinician("dr-lee"))
    consent = next(c for c in review.consents if c.form_id == "consent_im_ketamine")
    form = backend.forms.get("consent_im_ketamine")
    assert consent.text_sha256 == text_sha256(form.consent_text("en"))
    assert (consent.version, consent.language, consent.typed_name) == (str(form.version), "en", "Samuel T")
    assert consent.name_matches is False
    assert consent.signature_png.startswith(b"\x89PNG")
    assert consent.reading_started_at <= consent.signed_at
    assert {flag.code for flag in review.flags} == {"consent_name_mismatch"}


def test_checklist_answers_explain_their_holds(backend: Backend) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    intake_id = complete_visit(backend, appointment_id, submit=False)
    record_answer(backend, intake_id, "checklist_im_ketamine", "ride_home", "no")
    review = intake_review(backend, intake_id, clinician("dr-lee"))
    assert review.checklist is not None
    lines = {line.item_id: line for line in review.checklist.lines}
    assert lines["ride_home"].answer_label == "No"
    assert lines["ride_home"].holds == ("No ride home arranged: see staff before dosing.",)
    assert lines["food_recent"].holds == ()
    assert "driver_name" not in lines  # asked only when a ride is arranged
    assert [flag.level for flag in review.checklist.holds] == [FlagLevel.HOLD]


def test_opening_an_intake_is_audited_as_a_view(backend: Backend) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    intake_id = complete_visit(backend, appointment_id)
    intake_review(backend, intake_id, clinician("dr-lee"))
    with unit_of_work(backend.db_factory) as db:
        entry = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.actor, entry.action, entry.intake_id) == ("dr-lee", "intake.view", intake_id)
    with pytest.raises(UnknownIntakeError):
        intake_review(backend, 999, clinician("dr-lee"))


def test_a_first_session_has_no_response_or_remission_without_a_baseline(backend: Backend) -> None:
    """The first session's PHQ-9 of 2 is in the lowest band, yet nothing has remitted: there is no baseline."""
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    intake_id = complete_visit(backend, appointment_id, phq=(1, 1, 0, 0, 0, 0, 0, 0, 0))
    phq = intake_review(backend, intake_id, clinician("dr-lee")).questionnaires[0]
    assert phq.total == 2 and phq.band_code == "minimal"
    assert not phq.has_baseline
    assert (phq.response, phq.remission) == (False, False)


def test_each_checklist_question_reads_as_the_patient_read_it(backend: Backend, clock: FakeClock) -> None:
    """A first visit is reviewed in the first-visit wording the kiosk showed; a later visit in the usual one."""
    first_visit = complete_visit(backend, schedule(backend, "Morgan", "Lee", dt.date(1995, 9, 14)), name="Morgan Lee")
    returning = schedule(backend, "Sam", "Taylor", DOB, hour=10)
    past_visit(backend, clock, patient_of(backend, returning), 7, phq=(0,) * 9)
    later_visit = complete_visit(backend, returning)

    def questions(intake_id: int) -> dict[str, str]:
        checklist = intake_review(backend, intake_id, clinician("dr-lee")).checklist
        assert checklist is not None
        return {line.item_id: line.question for line in checklist.lines}

    first, later = questions(first_visit), questions(later_visit)
    assert first["medication_changed"].startswith("In the last 4 weeks, have you started")
    assert first["emergency_contact_correct"] == "Is the emergency contact we have on file for you correct?"
    assert later["medication_changed"].startswith("Since your last visit, have you started")
    assert later["emergency_contact_correct"] == "Is the emergency contact we have on file for you still correct?"
    assert first["ride_home"] == later["ride_home"]  # a question with one wording reads the same for both
