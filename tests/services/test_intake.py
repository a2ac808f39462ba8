"""Answers are committed one by one, flags are stored the moment they arise, submitted intakes are locked."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import select

from kiosk.domain.forms import text_sha256
from kiosk.domain.scoring import AnswerError
from kiosk.domain.statuses import FlagLevel
from kiosk.services.backend import Backend
from kiosk.services.demo import prepared_patient_answers
from kiosk.services.intake import (
    IncompleteIntakeError,
    IntakeLockedError,
    ask_about_consent,
    begin_intake,
    decline_consent,
    intake_state,
    record_answer,
    sign_consent,
    start_correction,
    submit_intake,
)
from kiosk.services.signature_image import strokes_to_png
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Answer, AuditEntry, ConsentRecord, Intake
from tests.identities import clinician
from tests.services.conftest import BackendFactory, schedule

DOB = dt.date(1979, 7, 2)
STROKES = [[(0.1, 0.5), (0.3, 0.3), (0.5, 0.7), (0.9, 0.4)]]


def start(backend: Backend, visit_type: str = "im_ketamine") -> int:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB, visit_type)
    return begin_intake(backend, appointment_id, "en").intake_id


def sign_all_consents(backend: Backend, intake_id: int, name: str = "Sam Taylor") -> None:
    for task in intake_state(backend, intake_id).tasks:
        if task.kind.value == "consent":
            sign_consent(
                backend,
                intake_id,
                task.form_id,
                typed_name=name,
                strokes=STROKES,
                signature_png=strokes_to_png(STROKES),
                reading_started_at=backend.now(),
            )


def answer_everything(backend: Backend, intake_id: int) -> None:
    sign_all_consents(backend, intake_id)
    answer_everything_but_consents(backend, intake_id)


def answer_everything_but_consents(backend: Backend, intake_id: int) -> None:
    for form_id in ("phq9", "gad7"):
        for item in backend.forms.get(form_id).answerable_items():
            if item.id != "difficulty":
                record_answer(backend, intake_id, form_id, item.id, 0)
    for item_id, value in prepared_patient_answers(backend.forms.get("checklist_im_ketamine")):
        record_answer(backend, intake_id, "checklist_im_ketamine", item_id, value)


def test_each_answer_is_committed_at_once(backend: Backend) -> None:
    intake_id = start(backend)
    record_answer(backend, intake_id, "phq9", "q1", 2)
    # A second, independent connection sees it: nothing waits for submit.
    path = backend.settings.effective_database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        assert raw.execute("select item_id from answers").fetchall() == [("q1",)]
    assert intake_state(backend, intake_id).answers_for("phq9") == {"q1": "LA6570-1"}


def test_a_changed_answer_replaces_the_old_one(backend: Backend) -> None:
    intake_id = start(backend)
    record_answer(backend, intake_id, "phq9", "q1", 2)
    record_answer(backend, intake_id, "phq9", "q1", "LA6568-5")
    assert intake_state(backend, intake_id).answers_for("phq9") == {"q1": "LA6568-5"}


def test_item9_flag_is_stored_at_the_moment_of_the_answer(backend: Backend) -> None:
    intake_id = start(backend)
    outcome = record_answer(backend, intake_id, "phq9", "q9", 1)
    assert outcome.patient_screens == ("crisis",)
    flags = intake_state(backend, intake_id).flags
    assert [(f.code, f.level) for f in flags] == [("phq9_item9_positive", FlagLevel.URGENT)]
    # Changing the answer marks the flag cleared but keeps it for the clinician to see.
    record_answer(backend, intake_id, "phq9", "q9", 0)
    flag = intake_state(backend, intake_id).flags[0]
    assert flag.cleared_at is not None
    assert flag.acknowledged_at is None


def test_checklist_hold_is_stored_as_it_happens(backend: Backend) -> None:
    intake_id = start(backend)
    form = backend.forms.get("checklist_im_ketamine")
    ride = next(item for item in form.all_items() if "ride" in item.id)
    outcome = record_answer(backend, intake_id, form.id, ride.id, "no")
    assert [f.level for f in outcome.raised] == [FlagLevel.HOLD]
    assert intake_state(backend, intake_id).flags[0].level is FlagLevel.HOLD


def test_a_bad_value_is_refused_and_nothing_is_stored(backend: Backend) -> None:
    intake_id = start(backend)
    with pytest.raises(AnswerError):
        record_answer(backend, intake_id, "phq9", "q1", 7)
    assert intake_state(backend, intake_id).answers == {}


def test_a_draft_is_resumed_with_its_answers(backend: Backend) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    first = begin_intake(backend, appointment_id, "en")
    record_answer(backend, first.intake_id, "phq9", "q1", 1)
    record_answer(backend, first.intake_id, "phq9", "q2", 3)
    again = begin_intake(backend, appointment_id, "es")
    assert again.intake_id == first.intake_id
    assert again.answers_for("phq9") == {"q1": "LA6569-3", "q2": "LA6571-9"}
    assert again.language == "es"


def test_submit_refuses_an_incomplete_intake(backend: Backend) -> None:
    intake_id = start(backend)
    record_answer(backend, intake_id, "phq9", "q1", 1)
    with pytest.raises(IncompleteIntakeError) as caught:
        submit_intake(backend, intake_id)
    assert "consent_im_ketamine" in caught.value.missing
    assert "phq9/q2" in caught.value.missing
    assert intake_state(backend, intake_id).status.value == "draft"


def test_a_submitted_intake_cannot_be_changed(backend: Backend) -> None:
    intake_id = start(backend)
    answer_everything(backend, intake_id)
    submitted = submit_intake(backend, intake_id)
    assert submitted.status.value == "submitted"
    before = intake_state(backend, intake_id).answers
    with pytest.raises(IntakeLockedError, match="cannot be changed; a correction is a new intake"):
        record_answer(backend, intake_id, "phq9", "q1", 3)
    with pytest.raises(IntakeLockedError):
        sign_all_consents(backend, intake_id)
    assert intake_state(backend, intake_id).answers == before


def test_a_correction_is_a_new_record_pointing_at_the_old(backend: Backend) -> None:
    intake_id = start(backend)
    answer_everything(backend, intake_id)
    record_answer(backend, intake_id, "phq9", "q9", 1)
    record_answer(backend, intake_id, "phq9", "difficulty", "LA6573-5")
    submit_intake(backend, intake_id)
    correction = start_correction(backend, intake_id, clinician("dr-lee"))
    assert correction.intake_id != intake_id
    assert correction.answers == intake_state(backend, intake_id).answers
    # The correction raises what its answers raise, so the board shows the hold or flag at once.
    assert {(f.code, f.level) for f in correction.flags} == {("phq9_item9_positive", FlagLevel.URGENT)}
    record_answer(backend, correction.intake_id, "phq9", "q1", 3)
    with unit_of_work(backend.db_factory) as db:
        assert db.get_one(Intake, correction.intake_id).supersedes_id == intake_id
    assert intake_state(backend, intake_id).answers_for("phq9")["q1"] == "LA6568-5"


def test_a_consent_keeps_text_hash_version_language_name_strokes_and_image(backend: Backend) -> None:
    intake_id = start(backend)
    sign_all_consents(backend, intake_id, name="sam  TAYLOR")
    form = backend.forms.get("consent_im_ketamine")
    with unit_of_work(backend.db_factory) as db:
        record = db.scalars(select(ConsentRecord).where(ConsentRecord.form_id == form.id)).one()
        assert record.text_snapshot == form.consent_text("en")
        assert record.text_sha256 == text_sha256(form.consent_text("en"))
        assert record.form_version == str(form.version)
        assert record.language == "en"
        assert record.name_matches is True
        strokes = backend.cipher.decrypt_json(record.signature_strokes_enc, context="consent_records.signature_strokes")
        assert strokes == [[[0.1, 0.5], [0.3, 0.3], [0.5, 0.7], [0.9, 0.4]]]
        png = backend.cipher.decrypt(record.signature_png_enc, context="consent_records.signature_png")
        assert png.startswith(b"\x89PNG")


def test_a_name_that_does_not_match_is_kept_and_marked_for_staff(backend: Backend) -> None:
    intake_id = start(backend)
    sign_all_consents(backend, intake_id, name="Samuel T")
    state = intake_state(backend, intake_id)
    assert state.signed_consents == {"consent_im_ketamine", "privacy_notice", "esign_consent"}
    assert {f.code for f in state.flags} == {"consent_name_mismatch"}


def test_returning_patient_is_not_asked_to_sign_again(backend: Backend) -> None:
    intake_id = start(backend)
    answer_everything(backend, intake_id)
    submit_intake(backend, intake_id)
    with unit_of_work(backend.db_factory) as db:
        patient_id = db.get_one(Intake, intake_id).patient_id
    from kiosk.store.models import Appointment

    with unit_of_work(backend.db_factory) as db:
        later = Appointment(
            patient_id=patient_id,
            starts_at=backend.now(),
            visit_type="im_ketamine",
            status="scheduled",
            created_at=backend.now(),
        )
        db.add(later)
        db.flush()
        later_id = later.id
    state = begin_intake(backend, later_id, "en")
    assert [t.form_id for t in state.tasks] == ["phq9", "gad7", "checklist_im_ketamine"]


def test_personal_health_information_is_encrypted_at_rest(backend: Backend) -> None:
    intake_id = start(backend)
    form = backend.forms.get("checklist_im_ketamine")
    text_item = next(item for item in form.all_items() if item.type.value == "text")
    record_answer(backend, intake_id, form.id, text_item.id, "Sertraline 50 mg")
    sign_all_consents(backend, intake_id)
    backend.engine.dispose()
    raw = (backend.data_dir / "kiosk.sqlite3").read_bytes()
    wal = backend.data_dir / "kiosk.sqlite3-wal"
    raw += wal.read_bytes() if wal.exists() else b""
    for secret in (b"Taylor", b"1979-07-02", b"Sam Taylor", b"Sertraline"):
        assert secret not in raw


def test_a_wrong_key_refuses_to_open(make_backend: BackendFactory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kiosk.store.crypto import KeyMismatchError

    backend = make_backend()
    backend.engine.dispose()
    key = backend.data_dir / "secrets" / "phi.key"
    key.write_bytes(bytes(32))
    with pytest.raises(KeyMismatchError):
        make_backend()
    with unit_of_work(backend.db_factory) as db:
        assert db.scalars(select(Answer)).all() == []


def audit_actions(backend: Backend, intake_id: int) -> list[tuple[str, str]]:
    with unit_of_work(backend.db_factory) as db:
        entries = db.scalars(select(AuditEntry).where(AuditEntry.intake_id == intake_id).order_by(AuditEntry.id))
        return [(entry.action, entry.detail) for entry in entries]


def test_i_do_not_agree_is_a_hold_naming_the_consent_audited_and_nothing_signed(backend: Backend) -> None:
    intake_id = start(backend)
    declined = decline_consent(backend, intake_id, "consent_im_ketamine")
    decline_consent(backend, intake_id, "consent_im_ketamine")  # tapped twice: one hold, two audit entries
    state = intake_state(backend, intake_id)
    assert state.signed_consents == frozenset()
    (flag,) = state.flags
    assert (flag.code, flag.level, flag.form_id) == ("consent_declined", FlagLevel.HOLD, "consent_im_ketamine")
    assert "did not agree" in flag.message and backend.forms.get("consent_im_ketamine").title["en"] in flag.message
    assert audit_actions(backend, intake_id) == [("consent.decline", f"flag {declined.id}")] * 2
    # Still due: submit refuses, naming the consent (the service's rule: every due consent is signed first).
    answer_everything_but_consents(backend, intake_id)
    with pytest.raises(IncompleteIntakeError) as refused:
        submit_intake(backend, intake_id)
    assert refused.value.missing == ("esign_consent", "consent_im_ketamine", "privacy_notice")
    # After talking with staff the patient signs after all: the hold is cleared, and submit goes through.
    sign_all_consents(backend, intake_id)
    state = intake_state(backend, intake_id)
    assert [f.cleared_at is not None for f in state.flags if f.code == "consent_declined"] == [True]
    assert submit_intake(backend, intake_id).status.value == "submitted"


def test_i_have_a_question_is_an_info_flag_and_the_consent_stays_due(backend: Backend) -> None:
    intake_id = start(backend)
    asked = ask_about_consent(backend, intake_id, "privacy_notice")
    state = intake_state(backend, intake_id)
    (flag,) = state.flags
    assert (flag.code, flag.level, flag.form_id) == ("consent_question", FlagLevel.INFO, "privacy_notice")
    assert "question about" in flag.message and backend.forms.get("privacy_notice").title["en"] in flag.message
    assert audit_actions(backend, intake_id) == [("consent.question", f"flag {asked.id}")]
    answer_everything_but_consents(backend, intake_id)
    with pytest.raises(IncompleteIntakeError) as refused:
        submit_intake(backend, intake_id)
    assert "privacy_notice" in refused.value.missing
    with pytest.raises(ValueError, match="not a consent"):
        ask_about_consent(backend, intake_id, "phq9")


def test_a_question_or_a_no_on_a_submitted_intake_is_refused(backend: Backend) -> None:
    intake_id = start(backend)
    answer_everything(backend, intake_id)
    submit_intake(backend, intake_id)
    with pytest.raises(IntakeLockedError):
        decline_consent(backend, intake_id, "esign_consent")
    with pytest.raises(IntakeLockedError):
        ask_about_consent(backend, intake_id, "esign_consent")


def test_an_adopted_signature_is_kept_per_consent_with_its_adoption_time(backend: Backend, clock) -> None:  # type: ignore[no-untyped-def]
    intake_id = start(backend)
    drawn = [[(0.1, 0.5), (0.3, 0.3), (0.5, 0.7), (0.9, 0.4)], [(0.2, 0.6), (0.4, 0.6)]]
    png = strokes_to_png(drawn)
    for number, form_id in enumerate(("esign_consent", "consent_im_ketamine", "privacy_notice")):
        sign_consent(
            backend,
            intake_id,
            form_id,
            typed_name="Sam Taylor",
            strokes=drawn,
            signature_png=png,
            reading_started_at=backend.now(),
            adopted=number > 0,
        )
        clock.advance(minutes=2)
    with unit_of_work(backend.db_factory) as db:
        records = {r.form_id: r for r in db.scalars(select(ConsentRecord).where(ConsentRecord.intake_id == intake_id))}
        assert records["esign_consent"].signature_adopted_at is None  # drawn on it
        for form_id in ("consent_im_ketamine", "privacy_notice"):
            record = records[form_id]
            assert record.signature_adopted_at == record.signed_at
            strokes = backend.cipher.decrypt_json(
                record.signature_strokes_enc, context="consent_records.signature_strokes"
            )
            assert len(strokes) == 2 and strokes[0] == [[0.1, 0.5], [0.3, 0.3], [0.5, 0.7], [0.9, 0.4]]
            assert record.text_sha256 == text_sha256(backend.forms.get(form_id).consent_text("en"))
        assert records["consent_im_ketamine"].signed_at < records["privacy_notice"].signed_at
        assert len({r.text_sha256 for r in records.values()}) == 3
