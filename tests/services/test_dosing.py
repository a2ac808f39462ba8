"""Dosing sessions: opened only for a submitted intake without open holds, each value and reading stored at once
(encrypted, audited), bad input refused in one sentence with nothing stored, readings out of range and short
monitoring stored only with a reason, the checklist's answers suggested for the concomitant medicines, the
board's Monitoring lines and the REMS filing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kiosk.domain.dosing import ReadingMoment
from kiosk.services.backend import Backend
from kiosk.services.demo import prepared_patient_answers
from kiosk.services.dosing import (
    DosingError,
    ReasonNeededError,
    mark_rems_submitted,
    open_session,
    record_reading,
    record_value,
    session_of_intake,
    session_view,
    view_session,
)
from kiosk.services.dosing_lists import list_sessions, monitoring_today
from kiosk.services.flag_answers import clear_hold
from kiosk.services.intake import begin_intake, record_answer, submit_intake
from kiosk.services.packets import PacketMaker
from kiosk.services.permissions import RoleRefusedError
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry, DosingSession, Flag, SessionReading, SessionValue
from tests.identities import clinician, front_desk
from tests.services.conftest import BackendFactory, FakeClock, schedule
from tests.services.test_board import answer_questionnaire
from tests.services.test_intake import sign_all_consents

DOB = dt.date(1979, 7, 2)
NURSE = clinician("nurse-kim")


def checked_in(
    backend: Backend, visit_type: str = "spravato", *, substances: list[str] | None = None, submit: bool = True
) -> int:
    """A patient checked in for `visit_type` with every answer given; `substances` taken in the last 24 hours."""
    appointment_id = schedule(backend, "Sam", "Taylor", DOB, visit_type=visit_type)
    state = begin_intake(backend, appointment_id, "en")
    sign_all_consents(backend, state.intake_id, name="Sam Taylor")
    answer_questionnaire(backend, state.intake_id, "phq9", (1, 1, 0, 0, 0, 0, 0, 0, 0))
    answer_questionnaire(backend, state.intake_id, "gad7", (0,) * 7)
    checklist = backend.settings.visit_type(visit_type).checklist
    assert checklist is not None
    for item_id, value in prepared_patient_answers(backend.forms.get(checklist)):
        record_answer(backend, state.intake_id, checklist, item_id, value)
    if substances:
        record_answer(backend, state.intake_id, checklist, "substances_recent", "yes")
        record_answer(backend, state.intake_id, checklist, "substances_which", substances)
    if submit:
        submit_intake(backend, state.intake_id)
    return state.intake_id


def count(backend: Backend, model: type[SessionValue] | type[SessionReading] | type[DosingSession]) -> int:
    with unit_of_work(backend.db_factory) as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def actions(backend: Backend) -> list[str]:
    with unit_of_work(backend.db_factory) as db:
        return list(
            db.scalars(
                select(AuditEntry.action).where(AuditEntry.action.startswith("session.")).order_by(AuditEntry.id)
            )
        )


def dosed_session(backend: Backend, clock: FakeClock, visit_type: str = "spravato") -> int:
    """A session opened at 08:00 with a normal reading before dosing at 08:00 and the dose at 08:05."""
    session_id = open_session(backend, NURSE, checked_in(backend, visit_type))
    record_reading(
        backend,
        NURSE,
        session_id,
        "before_dosing",
        "08:00",
        {"blood_pressure": "128/82", "heart_rate": "72", "spo2": "98"},
    )
    clock.advance(minutes=5)
    record_value(backend, NURSE, session_id, "dose_time", "08:05")
    return session_id


def test_a_session_is_not_opened_for_an_intake_still_being_filled_in(backend: Backend) -> None:
    intake_id = checked_in(backend, submit=False)
    with pytest.raises(DosingError, match=r"^Intake \d+ is not submitted yet: .*\.$"):
        open_session(backend, NURSE, intake_id)
    assert count(backend, DosingSession) == 0


def test_an_open_hold_keeps_the_session_closed_until_a_clinician_clears_it(backend: Backend) -> None:
    intake_id = checked_in(backend, substances=["benzodiazepines"])
    with pytest.raises(DosingError, match=r"has 1 open hold \(see staff before dosing\)"):
        open_session(backend, NURSE, intake_id)
    assert count(backend, DosingSession) == 0
    with unit_of_work(backend.db_factory) as db:
        hold_id = db.scalars(select(Flag.id).where(Flag.intake_id == intake_id, Flag.level == "hold")).one()
    clear_hold(backend, PacketMaker(backend), NURSE, hold_id, "taken as prescribed; prescriber agrees")
    session_id = open_session(backend, NURSE, intake_id)
    assert open_session(backend, NURSE, intake_id) == session_id  # opening again finds the same session
    assert session_of_intake(backend, NURSE, intake_id) == session_id
    assert actions(backend) == ["session.open"]


def test_concomitant_medicines_are_suggested_from_the_checklist_and_confirmed_by_staff(backend: Backend) -> None:
    intake_id = checked_in(backend, substances=["benzodiazepines", "sleep_medicine"])
    with unit_of_work(backend.db_factory) as db:
        for flag in db.scalars(select(Flag).where(Flag.intake_id == intake_id, Flag.level == "hold")):
            flag.acknowledged_at, flag.acknowledged_by = flag.raised_at, "dr-lee"
    session_id = open_session(backend, NURSE, intake_id)
    view = session_view(backend, NURSE, session_id)
    assert view.suggested == {
        "med_benzodiazepines": "yes",
        "med_sedative_hypnotics": "yes",
        "med_psychostimulants": "no",
        "med_opioids": "no",
    }  # MAOIs: the checklist does not ask, so nothing is suggested
    assert "med_maois" in view.still_to_record
    assert "med_benzodiazepines" in view.still_to_record  # suggested is not recorded until confirmed
    view = record_value(backend, NURSE, session_id, "med_benzodiazepines", view.suggested["med_benzodiazepines"])
    assert view.values["med_benzodiazepines"] == "yes"
    assert "med_benzodiazepines" not in view.suggested
    assert view.entered_by["med_benzodiazepines"] == "nurse-kim"


def test_no_medicine_is_suggested_without_checklist_answers(backend: Backend) -> None:
    session_id = open_session(backend, NURSE, checked_in(backend))
    assert session_view(backend, NURSE, session_id).suggested == {
        "med_benzodiazepines": "no",
        "med_sedative_hypnotics": "no",
        "med_psychostimulants": "no",
        "med_opioids": "no",
    }


@pytest.mark.parametrize(
    ("item_id", "value", "sentence"),
    [
        ("lot_number", "   ", r"^Lot number: the answer is empty\.$"),
        ("dose", "100mg", r"^Dose: '100mg' is not an option of item 'dose'; choose one of: 56mg, 84mg, other\.$"),
        ("devices", "9", r"^Number of devices .*: '9' is above the highest allowed value 4\.$"),
        ("dose_time", "25:10", r"^Time of the first device: '25:10' is not a time of day: .*\.$"),
        ("discharge_time", "10:00", r"^Record the time of dosing before the end of monitoring\.$"),
        ("dose_other_mg", "60", r"^Other dose is recorded only when the answers before it call for it\.$"),
    ],
)
def test_bad_values_are_refused_in_one_sentence_and_nothing_is_stored(
    backend: Backend, item_id: str, value: str, sentence: str
) -> None:
    session_id = open_session(backend, NURSE, checked_in(backend))
    with pytest.raises(DosingError, match=sentence) as refused:
        record_value(backend, NURSE, session_id, item_id, value)
    assert str(refused.value).count(". ") == 0
    assert count(backend, SessionValue) == 0
    assert actions(backend) == ["session.open"]


@pytest.mark.parametrize(
    ("pressure", "sentence"),
    [
        ("400/20", r"^Blood pressure 400/20: the systolic \(top\) number must be between 50 and 300 mmHg\.$"),
        ("120/130", r"^Blood pressure 120/130: the diastolic \(bottom\) number must be below the systolic \(top\)\.$"),
        ("120/10", r"^Blood pressure 120/10: the diastolic \(bottom\) number must be between 20 and 200 mmHg\.$"),
        ("12080", r"^Blood pressure '12080' is not systolic/diastolic: type it such as 120/80\.$"),
        ("", r"^Blood pressure \(mmHg\): every reading needs one\.$"),
    ],
)
def test_impossible_blood_pressures_are_refused(backend: Backend, pressure: str, sentence: str) -> None:
    session_id = open_session(backend, NURSE, checked_in(backend))
    with pytest.raises(DosingError, match=sentence):
        record_reading(backend, NURSE, session_id, "before_dosing", "08:00", {"blood_pressure": pressure, "spo2": 98})
    assert count(backend, SessionReading) == 0


def test_each_value_is_stored_encrypted_the_moment_it_is_entered(backend: Backend, clock: FakeClock) -> None:
    session_id = dosed_session(backend, clock)
    record_value(backend, NURSE, session_id, "lot_number", "LOT-7Q2X9")
    with unit_of_work(backend.db_factory) as db:
        stored = db.scalars(select(SessionValue.value_enc).where(SessionValue.item_id == "lot_number")).one()
        readings = db.scalars(select(SessionReading.values_enc)).all()
    assert b"LOT-7Q2X9" not in stored
    assert all(b"128" not in values for values in readings)
    view = session_view(backend, NURSE, session_id)
    assert view.values["lot_number"] == "LOT-7Q2X9"
    assert view.values["dose_time"] == "08:05"
    assert view.dose_at == dt.datetime.combine(clock.now.astimezone().date(), dt.time(8, 5)).astimezone()
    assert view.reading(ReadingMoment.BEFORE_DOSING) is not None
    assert actions(backend) == ["session.open", "session.reading", "session.value", "session.value"]


def test_a_high_blood_pressure_before_dosing_needs_a_reason_to_proceed(backend: Backend) -> None:
    session_id = open_session(backend, NURSE, checked_in(backend))
    with pytest.raises(ReasonNeededError) as refused:
        record_reading(backend, NURSE, session_id, "before_dosing", "08:00", {"blood_pressure": "150/95", "spo2": 97})
    assert str(refused.value) == ("Blood pressure 150/95 is above 140/90 before dosing: record a reason to proceed.")
    assert count(backend, SessionReading) == 0
    view = record_reading(
        backend,
        NURSE,
        session_id,
        "before_dosing",
        "08:00",
        {"blood_pressure": "150/95", "spo2": 97},
        proceed_reason="rechecked after 5 minutes rest; prescriber weighed the risk",
    )
    (reading,) = view.readings
    assert reading.problems == ("blood pressure 150/95 is above 140/90 before dosing",)
    assert reading.proceed_reason == "rechecked after 5 minutes rest; prescriber weighed the risk"
    assert reading.taken_by == "nurse-kim"


def test_the_limits_are_settings(make_backend: object, tmp_path: object) -> None:
    from pathlib import Path

    from kiosk.settings import DEFAULT_SETTINGS

    assert callable(make_backend)
    assert isinstance(tmp_path, Path)
    folder = tmp_path / "strict"
    folder.mkdir()
    (folder / "settings.toml").write_text(DEFAULT_SETTINGS.replace("systolic_max = 140", "systolic_max = 125"))
    backend = make_backend(folder)
    session_id = open_session(backend, NURSE, checked_in(backend))
    with pytest.raises(ReasonNeededError, match="above 125/90"):
        record_reading(backend, NURSE, session_id, "before_dosing", "08:00", {"blood_pressure": "130/80", "spo2": 97})


def test_a_named_reading_is_taken_once_and_in_order(backend: Backend, clock: FakeClock) -> None:
    session_id = dosed_session(backend, clock)
    with pytest.raises(DosingError, match=r"already recorded \(at 08:00\); add this one as an extra reading\.$"):
        record_reading(backend, NURSE, session_id, "before_dosing", "08:01", {"blood_pressure": "120/80", "spo2": 98})
    with pytest.raises(DosingError, match="cannot be taken at 08:02, before the dose was given"):
        record_reading(backend, NURSE, session_id, "forty_minutes", "08:02", {"blood_pressure": "120/80", "spo2": 98})
    with pytest.raises(DosingError, match=r"later than now"):
        record_reading(backend, NURSE, session_id, "extra", "09:30", {"blood_pressure": "120/80", "spo2": 98})
    with pytest.raises(DosingError, match="not a reading moment"):
        record_reading(backend, NURSE, session_id, "lunch", "08:05", {"blood_pressure": "120/80", "spo2": 98})
    assert count(backend, SessionReading) == 1


def test_discharge_before_dosing_is_refused(backend: Backend, clock: FakeClock) -> None:
    session_id = dosed_session(backend, clock)
    with pytest.raises(DosingError, match=r"^The end of monitoring \(07:50\) is before dosing \(08:05\); check both"):
        record_value(backend, NURSE, session_id, "discharge_time", "07:50")
    assert "discharge_time" not in session_view(backend, NURSE, session_id).values


def test_short_spravato_monitoring_needs_a_reason_and_the_minutes_are_computed(
    backend: Backend, clock: FakeClock
) -> None:
    session_id = dosed_session(backend, clock)
    clock.advance(minutes=100)
    with pytest.raises(ReasonNeededError, match=r"^Monitoring lasted 95 minutes, less than the 120 required: give a"):
        record_value(backend, NURSE, session_id, "discharge_time", "09:40")
    view = record_value(
        backend, NURSE, session_id, "discharge_time", "09:40", reason="transferred to the emergency department"
    )
    assert view.monitoring_minutes == 95
    assert view.reasons["discharge_time"] == "transferred to the emergency department"
    # Moving the dose time keeps the reason while the session is still short, and drops it once it is not.
    view = record_value(backend, NURSE, session_id, "dose_time", "08:00")
    assert view.monitoring_minutes == 100
    assert view.reasons["discharge_time"] == "transferred to the emergency department"
    clock.advance(minutes=30)
    view = record_value(backend, NURSE, session_id, "discharge_time", "10:05")
    assert view.monitoring_minutes == 125
    assert "discharge_time" not in view.reasons


def test_im_ketamine_has_no_monitoring_minimum_and_works_out_mg_per_kg(backend: Backend, clock: FakeClock) -> None:
    session_id = dosed_session(backend, clock, "im_ketamine")
    record_value(backend, NURSE, session_id, "weight_kg", "72.5")
    view = record_value(backend, NURSE, session_id, "dose_mg", "50 mg")
    assert view.values["dose_mg"] == 50
    assert view.dose_mg_per_kg == 0.69
    clock.advance(minutes=50)
    view = record_value(backend, NURSE, session_id, "discharge_time", "08:50")
    assert view.monitoring_minutes == 45
    assert view.required_minutes is None
    assert not view.rems


def test_the_monitoring_section_counts_down_to_the_forty_minute_reading(backend: Backend, clock: FakeClock) -> None:
    session_id = dosed_session(backend, clock)
    clock.advance(minutes=37)
    (line,) = monitoring_today(backend, NURSE)
    assert line.session_id == session_id
    assert line.minutes_since_dosing == 37
    assert line.next_step is not None
    assert line.next_step.text == "40-minute BP due in 3 min"
    assert not line.next_step.urgent
    clock.advance(minutes=5)
    (line,) = monitoring_today(backend, NURSE)
    assert line.next_step is not None
    assert line.next_step.text == "40-minute BP overdue by 2 min"
    assert line.next_step.urgent
    record_reading(backend, NURSE, session_id, "forty_minutes", "08:46", {"blood_pressure": "138/88", "spo2": 97})
    (line,) = monitoring_today(backend, NURSE)
    assert line.next_step is not None
    assert line.next_step.text == "discharge check in 1 h 18 min"
    clock.advance(minutes=80)
    (line,) = monitoring_today(backend, NURSE)
    assert line.next_step is not None
    assert line.next_step.ready_for_discharge
    record_value(backend, NURSE, session_id, "discharge_time", "10:07")
    (line,) = monitoring_today(backend, NURSE)
    assert line.next_step is None
    assert line.ended_at is not None


def test_the_rems_form_is_due_in_seven_days_and_filed_with_a_confirmation(backend: Backend, clock: FakeClock) -> None:
    session_id = dosed_session(backend, clock)
    today = clock.now.astimezone().date()
    (summary,) = list_sessions(backend, NURSE, today)
    assert summary.rems_due == today + dt.timedelta(days=7)
    assert not summary.rems_overdue
    clock.advance(days=8)
    (summary,) = list_sessions(backend, NURSE, rems_only=True)
    assert summary.rems_overdue
    assert list_sessions(backend, NURSE, today + dt.timedelta(days=1)) == ()
    with pytest.raises(DosingError, match=r"^Confirmation number: "):
        mark_rems_submitted(backend, NURSE, session_id, today + dt.timedelta(days=8), "  ")
    with pytest.raises(DosingError, match="before the session"):
        mark_rems_submitted(backend, NURSE, session_id, today - dt.timedelta(days=1), "RX-1")
    view = mark_rems_submitted(backend, NURSE, session_id, today + dt.timedelta(days=8), "REMS-2026-000123")
    assert (view.rems_submitted_on, view.rems_submitted_by, view.rems_confirmation) == (
        today + dt.timedelta(days=8),
        "nurse-kim",
        "REMS-2026-000123",
    )
    (summary,) = list_sessions(backend, NURSE, rems_only=True)
    assert not summary.rems_overdue


def test_the_front_desk_may_not_record_dosing(backend: Backend) -> None:
    intake_id = checked_in(backend)
    with pytest.raises(RoleRefusedError):
        open_session(backend, front_desk(), intake_id)
    session_id = open_session(backend, NURSE, intake_id)
    with pytest.raises(RoleRefusedError):
        record_value(backend, front_desk(), session_id, "lot_number", "L1")
    with pytest.raises(RoleRefusedError):
        session_view(backend, front_desk(), session_id)


@pytest.mark.postgres
def test_a_whole_session_on_postgresql(make_backend: BackendFactory, postgres_url: str, clock: FakeClock) -> None:
    backend = make_backend(database_url=postgres_url)
    session_id = dosed_session(backend, clock)
    with pytest.raises(DosingError, match="diastolic"):
        record_reading(backend, NURSE, session_id, "extra", "08:05", {"blood_pressure": "120/130", "spo2": 98})
    clock.advance(minutes=40)
    record_reading(backend, NURSE, session_id, "forty_minutes", "08:45", {"blood_pressure": "130/80", "spo2": 97})
    clock.advance(minutes=85)
    view = record_value(backend, NURSE, session_id, "discharge_time", "10:10")
    assert view.monitoring_minutes == 125
    assert [reading.moment for reading in view.readings] == [ReadingMoment.BEFORE_DOSING, ReadingMoment.FORTY_MINUTES]
    (line,) = monitoring_today(backend, NURSE)
    assert line.next_step is None
    assert list_sessions(backend, NURSE)[0].rems_due == clock.now.astimezone().date() + dt.timedelta(days=7)


def test_opening_a_session_on_screen_and_listing_sessions_are_audited(backend: Backend, clock: FakeClock) -> None:
    session_id = dosed_session(backend, clock)
    before = actions(backend)
    session_view(backend, NURSE, session_id)  # what every save hands back: the save itself is audited
    list_sessions(backend, NURSE)  # what the board reads every few seconds
    assert actions(backend) == before
    assert view_session(backend, NURSE, session_id).id == session_id
    list_sessions(backend, NURSE, clock.now.astimezone().date(), audited=True)
    assert actions(backend) == [*before, "session.view", "session.list"]
    with unit_of_work(backend.db_factory) as db:
        details = db.scalars(select(AuditEntry.detail).where(AuditEntry.action.in_(["session.view", "session.list"])))
        assert list(details) == [f"session {session_id}", f"1 sessions of {clock.now.astimezone().date().isoformat()}"]


def test_a_session_is_opened_only_for_todays_check_in(backend: Backend, clock: FakeClock) -> None:
    intake_id = checked_in(backend)
    clock.advance(days=1)
    with pytest.raises(DosingError, match=r"^Intake \d+ was submitted on \d\d/\d\d/\d{4}: a session is opened for"):
        open_session(backend, NURSE, intake_id)
    assert count(backend, DosingSession) == 0


def test_a_reading_names_who_took_it(backend: Backend) -> None:
    session_id = open_session(backend, NURSE, checked_in(backend))
    values = {"blood_pressure": "118/76", "spo2": "99"}
    view = record_reading(backend, NURSE, session_id, "before_dosing", "08:00", values, taken_by="  Jo   Park, RN ")
    assert view.readings[0].taken_by == "Jo Park, RN"
    view = record_reading(backend, NURSE, session_id, "extra", "08:00", values)
    assert view.readings[1].taken_by == "nurse-kim"
    with pytest.raises(DosingError, match=r"^Taken by: the name is longer than 64 characters\.$"):
        record_reading(backend, NURSE, session_id, "extra", "08:00", values, taken_by="x" * 65)


def test_resolved_times_fall_between_dosing_and_the_end_of_monitoring(backend: Backend, clock: FakeClock) -> None:
    session_id = dosed_session(backend, clock)
    record_value(backend, NURSE, session_id, "sedation", "yes")
    with pytest.raises(DosingError, match=r"^Sedation resolved at \(08:00\) is before dosing \(08:05\); check both"):
        record_value(backend, NURSE, session_id, "sedation_resolved_time", "08:00")
    clock.advance(minutes=150)
    record_value(backend, NURSE, session_id, "sedation_resolved_time", "09:00")
    with pytest.raises(DosingError, match=r"^Sedation resolved at \(09:00\) is before dosing \(09:10\)"):
        record_value(backend, NURSE, session_id, "dose_time", "09:10")
    record_value(backend, NURSE, session_id, "discharge_time", "10:30")
    with pytest.raises(DosingError, match=r"is after the end of monitoring \(10:30\); check both times\.$"):
        record_value(backend, NURSE, session_id, "sedation_resolved_time", "10:31")
    assert session_view(backend, NURSE, session_id).values["sedation_resolved_time"] == "09:00"
