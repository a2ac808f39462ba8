"""Every service that stores a text a person (or a file, or a script) gave it caps its length and refuses what
is not text, in one sentence, before anything is stored: a ten-megabyte name was once stored as a
ten-megabyte row. The rule is written once (kiosk/domain/typed_text.py); these tests call each service."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from kiosk.domain.scoring import AnswerError
from kiosk.domain.typed_text import TypedTextError
from kiosk.services.appointments import AppointmentError, NewPatient, add_appointment
from kiosk.services.backend import Backend
from kiosk.services.intake import begin_intake, record_answer, sign_consent
from kiosk.services.settings_admin import read_settings_text, save_settings_text, settings_path
from kiosk.services.signature_image import strokes_to_png
from kiosk.services.staff_accounts import SignInError, StaffAccountError, create_staff_user, sign_in
from kiosk.settings import SettingsError
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Answer, Appointment, ConsentRecord, Patient, StaffRole, StaffUser
from tests.identities import admin, front_desk
from tests.services.conftest import schedule

TEN_MB = "x" * 10_000_000
DOB = dt.date(1979, 7, 2)
STROKES = [[(0.1, 0.5), (0.3, 0.3), (0.5, 0.7), (0.9, 0.4)]]


def count(backend: Backend, model: type[object]) -> int:
    with unit_of_work(backend.db_factory) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize(
    ("new", "words"),
    [
        (NewPatient(TEN_MB, "Taylor", DOB), "The first name is longer than 100 characters; nothing was added."),
        (NewPatient("Sam", "Tay\ud800lor", DOB), "The last name holds a character that is not text (U+D800)"),
        (NewPatient("Sam", "Taylor", DOB, chart_number=TEN_MB), "The chart number is longer than 64 characters"),
    ],
    ids=["ten-megabyte name", "lone surrogate", "ten-megabyte chart number"],
)
def test_a_new_patient_with_a_text_that_cannot_be_stored_is_refused(
    backend: Backend, new: NewPatient, words: str
) -> None:
    start = backend.local_now().replace(hour=10, minute=0)
    with pytest.raises(AppointmentError, match=re.escape(words)):
        add_appointment(backend, patient=new, starts_at=start, visit_type="im_ketamine", staff=front_desk())
    assert count(backend, Patient) == 0 and count(backend, Appointment) == 0


@pytest.fixture
def intake_id(backend: Backend) -> int:
    return begin_intake(backend, schedule(backend, "Sam", "Taylor", DOB), "en").intake_id


@pytest.mark.parametrize(
    ("typed_name", "strokes", "words"),
    [
        (TEN_MB, STROKES, "the name typed under the signature is longer than 201 characters"),
        ("Sam \ud800", STROKES, "the name typed under the signature holds a character that is not text"),
        ("Sam Taylor", [[(0.5, 0.5)] * 50_001], "the signature has 50001 points; at most 50000 are kept"),
    ],
    ids=["ten-megabyte name", "lone surrogate", "fifty thousand points"],
)
def test_a_signature_no_pad_draws_is_refused(
    backend: Backend, intake_id: int, typed_name: str, strokes: list[list[tuple[float, float]]], words: str
) -> None:
    with pytest.raises(TypedTextError, match=re.escape(words)):
        sign_consent(
            backend,
            intake_id,
            "privacy_notice",
            typed_name=typed_name,
            strokes=strokes,
            signature_png=strokes_to_png(STROKES),
            reading_started_at=backend.now(),
        )
    assert count(backend, ConsentRecord) == 0


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (TEN_MB, "the answer is longer than"),
        ("aspirin \ud800", "the answer holds a character that is not text (U+D800)"),
        ("aspirin\x1b[2J", "the answer holds a character that is not text (U+001B)"),
    ],
    ids=["ten megabytes", "lone surrogate", "escape sequence"],
)
def test_a_free_text_answer_that_cannot_be_stored_is_refused(
    backend: Backend, intake_id: int, value: str, words: str
) -> None:
    with pytest.raises(AnswerError, match=re.escape(words)):
        record_answer(backend, intake_id, "checklist_im_ketamine", "medication_which", value)
    assert count(backend, Answer) == 0
    # Line breaks are text: a list of medicines may take several lines.
    record_answer(backend, intake_id, "checklist_im_ketamine", "medication_which", "aspirin\nvitamin D")
    assert count(backend, Answer) == 1


@pytest.mark.parametrize(
    ("name", "password", "words"),
    [
        (TEN_MB, "a fine password", "The name as staff see it is longer than 128 characters."),
        ("Dana\x00Lee", "a fine password", "The name as staff see it holds a character that is not text (U+0000)."),
        ("Dana Lee", "x" * 1025, "The password must be at most 1024 characters long."),
        ("Dana Lee", "a fine \ud800 password", "The password holds a character that is not text (U+D800)"),
    ],
    ids=["ten-megabyte name", "NUL in the name", "long password", "lone surrogate in the password"],
)
def test_an_account_with_a_text_that_cannot_be_stored_is_refused(
    backend: Backend, name: str, password: str, words: str
) -> None:
    with pytest.raises(StaffAccountError, match=re.escape(words)):
        create_staff_user(
            backend, admin(), username="dana", display_name=name, role=StaffRole.CLINICIAN, password=password
        )
    assert count(backend, StaffUser) == 0


@pytest.mark.parametrize(("username", "password"), [("dana\ud800", "a fine password"), ("dana", "\ud800" * 3)])
def test_a_sign_in_with_a_lone_surrogate_is_refused_like_a_wrong_password(
    backend: Backend, username: str, password: str
) -> None:
    create_staff_user(
        backend, admin(), username="dana", display_name="Dana", role=StaffRole.ADMIN, password="a fine password"
    )
    with pytest.raises(SignInError, match="username or password is not right"):
        sign_in(backend, username, password)


@pytest.mark.parametrize(
    ("text", "words"),
    [("# " + TEN_MB, "characters long; settings are at most 1,000,000. Nothing was saved."), ("# \ud800", "lone")],
    ids=["ten megabytes", "lone surrogate"],
)
def test_settings_that_cannot_be_settings_are_not_saved(backend: Backend, text: str, words: str) -> None:
    before = read_settings_text(backend, admin())
    with pytest.raises(SettingsError, match=re.escape(words)):
        save_settings_text(backend, before + text, admin())
    assert settings_path(backend).read_text(encoding="utf-8") == before
