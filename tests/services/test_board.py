"""The board: one row per visit, unmatched check-ins, flag lines in the order staff must act on them,
and a cheap signature that changes exactly when the kiosk saved something the board shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from kiosk.domain.statuses import FlagLevel, VisitStatus
from kiosk.services.backend import Backend
from kiosk.services.board import BoardError, board_for_day, board_signature, resolve_arrival
from kiosk.services.checkin import identify
from kiosk.services.demo import prepared_patient_answers
from kiosk.services.flag_answers import acknowledge_urgent, mark_reviewed_signed
from kiosk.services.intake import begin_intake, record_answer, submit_intake
from kiosk.services.intake_review import intake_review
from kiosk.services.packets import PacketMaker
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment
from tests.identities import clinician, front_desk
from tests.services.conftest import FakeClock, schedule
from tests.services.test_intake import sign_all_consents

DOB = dt.date(1979, 7, 2)


def patient_of(backend: Backend, appointment_id: int) -> int:
    with unit_of_work(backend.db_factory) as db:
        return db.get_one(Appointment, appointment_id).patient_id


def book(backend: Backend, patient_id: int, starts_at: dt.datetime, visit_type: str = "im_ketamine") -> int:
    with unit_of_work(backend.db_factory) as db:
        appointment = Appointment(
            patient_id=patient_id, starts_at=starts_at, visit_type=visit_type, status="scheduled", created_at=starts_at
        )
        db.add(appointment)
        db.flush()
        return appointment.id


def answer_questionnaire(backend: Backend, intake_id: int, form_id: str, scores: Sequence[int]) -> None:
    for number, value in enumerate(scores, start=1):
        record_answer(backend, intake_id, form_id, f"q{number}", value)
    if any(scores):
        record_answer(backend, intake_id, form_id, "difficulty", 1)


def complete_visit(
    backend: Backend,
    appointment_id: int,
    phq: Sequence[int] = (0,) * 9,
    gad: Sequence[int] = (0,) * 7,
    *,
    submit: bool = True,
    name: str = "Sam Taylor",
) -> int:
    """Check in, sign what is due, answer PHQ-9/GAD-7 with these item scores and a clean checklist."""
    state = begin_intake(backend, appointment_id, "en")
    sign_all_consents(backend, state.intake_id, name=name)
    answer_questionnaire(backend, state.intake_id, "phq9", phq)
    answer_questionnaire(backend, state.intake_id, "gad7", gad)
    checklist = backend.settings.visit_type(state.visit_type).checklist
    if checklist:
        for item_id, value in prepared_patient_answers(backend.forms.get(checklist)):
            record_answer(backend, state.intake_id, checklist, item_id, value)
    if submit:
        submit_intake(backend, state.intake_id)
    return state.intake_id


def past_visit(
    backend: Backend,
    clock: FakeClock,
    patient_id: int,
    days_ago: int,
    phq: Sequence[int],
    gad: Sequence[int] = (0,) * 7,
) -> int:
    """A visit submitted `days_ago` days ago, with the clock moved back and forward again."""
    clock.advance(days=-days_ago)
    try:
        appointment_id = book(backend, patient_id, clock.now + dt.timedelta(minutes=30))
        return complete_visit(backend, appointment_id, phq, gad)
    finally:
        clock.advance(days=days_ago)


def test_one_row_per_visit_with_its_status(backend: Backend, clock: FakeClock) -> None:
    waiting = schedule(backend, "Sam", "Taylor", DOB, hour=9)
    checking = schedule(backend, "Ana", "García", dt.date(1984, 3, 15), hour=10)
    done = schedule(backend, "Lee", "Park", dt.date(1990, 1, 1), hour=11)
    reviewed = schedule(backend, "Kai", "Ito", dt.date(1991, 2, 2), hour=12)
    begin_intake(backend, checking, "es")
    complete_visit(backend, done, name="Lee Park")
    mark_reviewed_signed(
        backend, PacketMaker(backend), clinician("dr-lee"), complete_visit(backend, reviewed, name="Kai Ito")
    )
    board = board_for_day(backend, clinician())
    assert [(row.patient_name, row.status) for row in board.rows] == [
        ("Sam Taylor", VisitStatus.NOT_ARRIVED),
        ("Ana García", VisitStatus.CHECKING_IN),
        ("Lee Park", VisitStatus.SUBMITTED),
        ("Kai Ito", VisitStatus.REVIEWED),
    ]
    first = board.rows[0]
    assert first.appointment_id == waiting and first.dob == DOB and first.intake_id is None
    assert first.visit_label["en"] == "IM ketamine session"
    assert first.starts_at.hour == 9
    assert board.rows[2].intake_id is not None


def test_flag_lines_urgent_unacknowledged_on_top_then_holds_then_time(backend: Backend, clock: FakeClock) -> None:
    ride = schedule(backend, "Sam", "Taylor", DOB, hour=9)
    crisis = schedule(backend, "Ana", "García", dt.date(1984, 3, 15), hour=10)
    seen = schedule(backend, "Lee", "Park", dt.date(1990, 1, 1), hour=11)

    seen_intake = begin_intake(backend, seen, "en").intake_id
    record_answer(backend, seen_intake, "phq9", "q9", 2)  # urgent, raised first
    clock.advance(minutes=1)
    ride_intake = begin_intake(backend, ride, "en").intake_id
    record_answer(backend, ride_intake, "checklist_im_ketamine", "ride_home", "no")  # hold
    clock.advance(minutes=1)
    record_answer(backend, ride_intake, "checklist_im_ketamine", "medication_changed", "yes")  # info
    clock.advance(minutes=1)
    crisis_intake = begin_intake(backend, crisis, "en").intake_id
    record_answer(backend, crisis_intake, "phq9", "q9", 1)  # urgent, raised last

    board = board_for_day(backend, clinician())
    assert [(line.patient_name, line.level, line.needs_acknowledgement) for line in board.lines] == [
        ("Lee Park", FlagLevel.URGENT, True),
        ("Ana García", FlagLevel.URGENT, True),
        ("Sam Taylor", FlagLevel.HOLD, False),
        ("Sam Taylor", FlagLevel.INFO, False),
    ]
    assert board.lines[2].headline == "See staff before dosing"
    assert "No ride home arranged" in board.lines[2].message
    assert board.urgent_count == 2

    flag_id = board.lines[0].flag_id
    assert flag_id is not None
    clock.advance(minutes=1)
    acknowledge_urgent(backend, PacketMaker(backend), clinician("dr-lee"), flag_id, "safety plan made")
    board = board_for_day(backend, clinician())
    # Acknowledged, Lee's flag drops into time order below the hold; it happened before the info line.
    assert [(line.patient_name, line.level) for line in board.lines] == [
        ("Ana García", FlagLevel.URGENT),
        ("Sam Taylor", FlagLevel.HOLD),
        ("Lee Park", FlagLevel.URGENT),
        ("Sam Taylor", FlagLevel.INFO),
    ]
    assert board.lines[2].acknowledged_by == "dr-lee"
    lee_row = next(row for row in board.rows if row.patient_name == "Lee Park")
    assert [line.code for line in lee_row.flags] == ["phq9_item9_positive"]


def test_a_cleared_urgent_flag_stays_until_acknowledged_but_a_cleared_hold_goes(backend: Backend) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    intake_id = begin_intake(backend, appointment_id, "en").intake_id
    record_answer(backend, intake_id, "phq9", "q9", 1)
    record_answer(backend, intake_id, "phq9", "q9", 0)
    record_answer(backend, intake_id, "checklist_im_ketamine", "ride_home", "no")
    record_answer(backend, intake_id, "checklist_im_ketamine", "ride_home", "yes")
    lines = board_for_day(backend, clinician()).lines
    assert [(line.code, line.cleared_at is not None) for line in lines] == [("phq9_item9_positive", True)]


def test_severe_band_and_worsening_are_derived_info_lines(backend: Backend, clock: FakeClock) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB, hour=9)
    patient_id = patient_of(backend, appointment_id)
    past_visit(backend, clock, patient_id, 14, phq=(1, 1, 1, 1, 0, 0, 0, 0, 0), gad=(3,) * 7)
    past_visit(backend, clock, patient_id, 7, phq=(1, 1, 1, 0, 0, 0, 0, 0, 0), gad=(3,) * 7)
    complete_visit(backend, appointment_id, phq=(2, 2, 2, 2, 0, 0, 0, 0, 0), gad=(3,) * 7)
    lines = board_for_day(backend, clinician()).lines
    derived = {line.code: line for line in lines if line.flag_id is None}
    # PHQ-9 rose from 3 (last week, not the baseline of 4) to 8; GAD-7 is 21 (severe) both times: not worse.
    assert set(derived) == {"phq9_worsened", "gad7_severe"}
    assert "up 5 points" in derived["phq9_worsened"].message
    assert all(line.level is FlagLevel.INFO for line in derived.values())
    stored = {line.code for line in lines if line.flag_id is not None}
    assert stored == {"gad7_further_evaluation"}


def test_a_stored_severe_flag_stands_for_the_derived_one(backend: Backend) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    complete_visit(backend, appointment_id, phq=(3, 3, 3, 3, 3, 3, 2, 0, 0))
    codes = [line.code for line in board_for_day(backend, clinician()).lines]
    assert codes.count("phq9_severe") == 1


def test_unmatched_check_ins_wait_on_the_board_until_resolved(backend: Backend, clock: FakeClock) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    identify(backend, "Sam", "Taylor", DOB)  # matched: not listed
    clock.advance(minutes=3)
    identify(backend, "Samuel", "Taylor", DOB)
    arrivals = board_for_day(backend, clinician()).arrivals
    assert [(a.typed_name, a.typed_dob) for a in arrivals] == [("Samuel Taylor", DOB)]
    assert arrivals[0].at == clock.now.astimezone()
    resolve_arrival(backend, arrivals[0].arrival_id, front_desk("front-desk"), appointment_id=appointment_id)
    assert board_for_day(backend, clinician()).arrivals == ()
    with pytest.raises(BoardError, match="already handled by front-desk"):
        resolve_arrival(backend, arrivals[0].arrival_id, front_desk("front-desk"))


def test_another_day_is_another_board(backend: Backend) -> None:
    schedule(backend, "Sam", "Taylor", DOB)
    tomorrow = backend.local_now().date() + dt.timedelta(days=1)
    assert board_for_day(backend, clinician(), tomorrow).rows == ()
    assert len(board_for_day(backend, clinician()).rows) == 1


def test_signature_changes_after_each_kiosk_save_and_not_otherwise(backend: Backend, clock: FakeClock) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    schedule(backend, "Ana", "García", dt.date(1984, 3, 15), hour=10)
    signatures = [board_signature(backend, clinician())]

    def changed() -> bool:
        clock.advance(seconds=1)
        signatures.append(board_signature(backend, clinician()))
        return signatures[-1] != signatures[-2]

    assert not changed()  # nothing saved: the same signature
    intake_id = begin_intake(backend, appointment_id, "en").intake_id
    assert changed()
    record_answer(backend, intake_id, "phq9", "q1", 1)
    assert changed()
    assert not changed()
    record_answer(backend, intake_id, "phq9", "q1", 2)  # an answer changed in place
    assert changed()
    record_answer(backend, intake_id, "phq9", "q9", 1)
    assert changed()
    flag_id = board_for_day(backend, clinician()).lines[0].flag_id  # reading the board changes nothing
    assert not changed()
    intake_review(backend, intake_id, clinician("dr-lee"))  # nor does opening the intake (an audited view)
    assert not changed()
    assert flag_id is not None
    acknowledge_urgent(backend, PacketMaker(backend), clinician("dr-lee"), flag_id, "safety plan made")
    assert changed()
    identify(backend, "Nobody", "Known", DOB)
    assert changed()
    arrival_id = board_for_day(backend, clinician()).arrivals[0].arrival_id
    resolve_arrival(backend, arrival_id, front_desk("front-desk"))
    assert changed()
    with unit_of_work(backend.db_factory) as db:
        db.get_one(Appointment, appointment_id).starts_at += dt.timedelta(minutes=30)
    assert changed()
    # A visit on another day is not on today's board.
    book(backend, patient_of(backend, appointment_id), clock.now + dt.timedelta(days=3))
    assert not changed()


def test_a_consent_declined_or_questioned_at_the_tablet_shows_on_the_board_at_once(backend: Backend) -> None:
    from kiosk.services.intake import ask_about_consent, decline_consent

    appointment = schedule(backend, "Sam", "Taylor", DOB, hour=9)
    intake_id = begin_intake(backend, appointment, "en").intake_id
    decline_consent(backend, intake_id, "consent_im_ketamine")
    ask_about_consent(backend, intake_id, "privacy_notice")
    lines = [(line.level, line.code, line.form_id) for line in board_for_day(backend, clinician()).lines]
    assert lines == [
        (FlagLevel.HOLD, "consent_declined", "consent_im_ketamine"),
        (FlagLevel.INFO, "consent_question", "privacy_notice"),
    ]
    # The front desk, where the patient is sent, sees the hold too.
    desk = [(line.code, line.headline) for line in board_for_day(backend, front_desk()).lines]
    assert desk == [("consent_declined", "See staff before dosing")]
