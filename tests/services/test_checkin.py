"""Matching a patient to today's appointment, and recording every arrival (matched or not)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from kiosk.domain.typed_text import TypedTextError
from kiosk.services.backend import Backend
from kiosk.services.checkin import identify
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Arrival, ArrivalOutcome
from tests.services.conftest import schedule

DOB = dt.date(1984, 3, 15)


def test_matching_ignores_case_accents_and_extra_spaces(backend: Backend) -> None:
    appointment_id = schedule(backend, "Ana", "García Núñez", DOB, "spravato")
    result = identify(backend, "  ANA ", "garcia   nunez", DOB)
    assert result.outcome is ArrivalOutcome.MATCHED
    assert result.match is not None
    assert result.match.appointment_id == appointment_id
    assert result.match.display_name == "Ana G."  # first name and last initial only
    assert result.match.visit_label["es"] == "Sesión de Spravato"


def test_no_appointment_today_is_unmatched_and_recorded(backend: Backend) -> None:
    schedule(backend, "Ana", "Garcia", DOB)
    result = identify(backend, "Ana", "Garcia", dt.date(1984, 3, 16))
    assert result.outcome is ArrivalOutcome.UNMATCHED
    assert result.match is None
    with unit_of_work(backend.db_factory) as db:
        arrival = db.scalars(select(Arrival)).one()
        assert arrival.outcome == "unmatched"
        assert backend.cipher.decrypt_text(arrival.typed_first_enc, context="arrivals.typed_first") == "Ana"


def test_two_appointments_today_is_ambiguous(backend: Backend) -> None:
    schedule(backend, "Sam", "Taylor", DOB, hour=9)
    schedule(backend, "Sam", "Taylor", DOB, hour=15)
    assert identify(backend, "Sam", "Taylor", DOB).outcome is ArrivalOutcome.AMBIGUOUS


def test_an_appointment_on_another_day_does_not_match(backend: Backend, clock) -> None:  # type: ignore[no-untyped-def]
    schedule(backend, "Sam", "Taylor", DOB)
    clock.advance(days=1)
    assert identify(backend, "Sam", "Taylor", DOB).outcome is ArrivalOutcome.UNMATCHED


@pytest.mark.parametrize(
    ("first", "words"),
    [("Sam\ud800", "holds a character that is not text (U+D800)"), ("x" * 10_000_000, "longer than 100 characters"),
     ("Sam\x00", "not text (U+0000)")],
    ids=["lone surrogate", "ten megabytes", "NUL"],
)  # fmt: skip
def test_a_name_that_cannot_be_stored_is_refused_and_nothing_is_recorded(
    backend: Backend, first: str, words: str
) -> None:
    with pytest.raises(TypedTextError, match=re.escape(words)):
        identify(backend, first, "Taylor", DOB)
    with unit_of_work(backend.db_factory) as db:
        assert db.scalar(select(func.count(Arrival.id))) == 0


def test_the_typed_name_is_kept_capitalised_as_names_are_written(backend: Backend) -> None:
    schedule(backend, "Jordan", "Lee", DOB)
    result = identify(backend, "jordan", "mcdonald-lee", dt.date(1990, 1, 1))
    assert result.outcome is ArrivalOutcome.UNMATCHED
    with unit_of_work(backend.db_factory) as db:
        arrival = db.scalars(select(Arrival)).one()
        assert backend.cipher.decrypt_text(arrival.typed_first_enc, context="arrivals.typed_first") == "Jordan"
        assert backend.cipher.decrypt_text(arrival.typed_last_enc, context="arrivals.typed_last") == "Mcdonald-Lee"
    assert identify(backend, "jordan", "lee", DOB).outcome is ArrivalOutcome.MATCHED
