"""The first-visit rule (kiosk/domain/first_visit.py): no other visit submitted when this one began, fixed from
then on; a correction is the visit it corrects."""

from __future__ import annotations

import datetime as dt

from kiosk.domain.first_visit import VisitRecord, is_first_visit

MONDAY = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def visit(
    intake_id: int,
    started_at: dt.datetime,
    submitted_at: dt.datetime | None = None,
    *,
    appointment_id: int | None = None,
    supersedes_id: int | None = None,
) -> VisitRecord:
    return VisitRecord(
        intake_id,
        appointment_id if appointment_id is not None else intake_id,
        started_at,
        submitted_at,
        supersedes_id,
    )


def test_a_patient_with_no_other_intake_is_on_a_first_visit() -> None:
    today = visit(1, MONDAY)
    assert is_first_visit(today, [today])
    assert is_first_visit(today, [])


def test_a_visit_submitted_before_this_one_began_makes_it_a_later_visit() -> None:
    last_week = visit(1, MONDAY - 7 * DAY, MONDAY - 7 * DAY + dt.timedelta(hours=1))
    today = visit(2, MONDAY)
    assert not is_first_visit(today, [last_week, today])
    assert is_first_visit(last_week, [last_week, today])  # the earlier one itself stays a first visit


def test_a_draft_never_submitted_is_not_a_visit() -> None:
    abandoned = visit(1, MONDAY - 7 * DAY)
    assert is_first_visit(visit(2, MONDAY), [abandoned])


def test_what_is_submitted_after_a_visit_began_does_not_change_its_words() -> None:
    """A draft of last week finished by staff today: today's patient has read the first-visit words since morning."""
    abandoned_then_finished = visit(1, MONDAY - 7 * DAY, MONDAY + dt.timedelta(hours=2))
    today = visit(2, MONDAY)
    assert is_first_visit(today, [abandoned_then_finished, today])


def test_a_correction_is_the_visit_it_corrects() -> None:
    first = visit(1, MONDAY - 14 * DAY, MONDAY - 14 * DAY + dt.timedelta(hours=1), appointment_id=10)
    second = visit(2, MONDAY - 7 * DAY, MONDAY - 7 * DAY + dt.timedelta(hours=1), appointment_id=20)
    # Begun today, after both were submitted, from a copy of the first visit's answers.
    correction = visit(3, MONDAY, appointment_id=10, supersedes_id=1)
    assert is_first_visit(correction, [first, second, correction])
    correction_of_second = visit(4, MONDAY, appointment_id=20, supersedes_id=2)
    assert not is_first_visit(correction_of_second, [first, second, correction_of_second])


def test_equal_times_are_ordered_by_which_intake_began_first() -> None:
    earlier = visit(1, MONDAY, MONDAY)
    later = visit(2, MONDAY)
    assert not is_first_visit(later, [earlier, later])
    assert is_first_visit(visit(1, MONDAY), [visit(2, MONDAY, MONDAY)])
