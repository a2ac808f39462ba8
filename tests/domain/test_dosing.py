"""The session rules: monitoring minutes across clock changes and month ends, REMS due dates, the next reading
due, out-of-range readings, suggested medicines, typed vital signs."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.dosing import (
    DosingRuleError,
    ReadingMoment,
    VitalsLimits,
    dose_mg_per_kg,
    local_moment,
    monitoring_minutes,
    monitoring_shortfall,
    next_step,
    out_of_range,
    prefilled_answers,
    reading_items,
    record_items,
    rems_due,
    rems_overdue,
)
from kiosk.domain.loader import load_forms
from kiosk.domain.vitals import (
    BloodPressure,
    VitalsError,
    parse_blood_pressure,
    parse_heart_rate,
    parse_quantity,
    parse_spo2,
    parse_time_of_day,
)
from tests.conftest import FORMS_DIR

NEW_YORK = ZoneInfo("America/New_York")
LIBRARY = load_forms(FORMS_DIR)

times = st.builds(lambda m: f"{m // 60:02d}:{m % 60:02d}", st.integers(0, 24 * 60 - 1))
days = st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31))
zones = st.sampled_from(
    [ZoneInfo("America/New_York"), ZoneInfo("America/Los_Angeles"), ZoneInfo("Europe/London"), dt.UTC]
)


def test_monitoring_minutes_count_the_hour_the_clocks_skip_and_repeat() -> None:
    spring = dt.date(2026, 3, 8)  # New York: 02:00 becomes 03:00
    assert monitoring_minutes(spring, "01:00", "04:00", NEW_YORK) == 120
    autumn = dt.date(2026, 11, 1)  # New York: 02:00 becomes 01:00 again
    assert monitoring_minutes(autumn, "00:30", "02:30", NEW_YORK) == 180
    assert monitoring_minutes(dt.date(2026, 7, 1), "09:00", "11:00", NEW_YORK) == 120


def test_a_time_the_clocks_skipped_is_refused() -> None:
    with pytest.raises(DosingRuleError, match=r"^02:30 did not happen on 03/08/2026: the clocks went forward"):
        local_moment(dt.date(2026, 3, 8), "02:30", NEW_YORK)


def test_the_end_of_monitoring_before_dosing_is_refused() -> None:
    with pytest.raises(DosingRuleError, match=r"^The end of monitoring \(09:59\) is before dosing \(10:00\)"):
        monitoring_minutes(dt.date(2026, 5, 1), "10:00", "09:59", NEW_YORK)


@given(day=days, start=times, end=times, zone=zones)
def test_monitoring_minutes_are_the_minutes_that_passed(day: dt.date, start: str, end: str, zone: dt.tzinfo) -> None:
    try:
        first, last = local_moment(day, start, zone), local_moment(day, end, zone)
    except DosingRuleError:
        return  # a time that never happened is refused, tested above
    if last < first:
        with pytest.raises(DosingRuleError):
            monitoring_minutes(day, start, end, zone)
        return
    minutes = monitoring_minutes(day, start, end, zone)
    assert minutes == (last.astimezone(dt.UTC) - first.astimezone(dt.UTC)).total_seconds() // 60
    wall = (int(end[:2]) * 60 + int(end[3:])) - (int(start[:2]) * 60 + int(start[3:]))
    # Only a clock change moves the count away from the wall-clock difference, by at most an hour.
    assert abs(minutes - wall) <= 60
    if zone is dt.UTC:
        assert minutes == wall


@given(minutes=st.integers(0, 600), required=st.one_of(st.none(), st.integers(1, 300)))
def test_a_shortfall_is_named_exactly_when_monitoring_was_shorter(minutes: int, required: int | None) -> None:
    shortfall = monitoring_shortfall(minutes, required)
    assert (shortfall is not None) == (required is not None and minutes < required)
    if shortfall is not None:
        assert shortfall == f"monitoring lasted {minutes} minutes, less than the {required} required"


@pytest.mark.parametrize(
    ("session", "due"),
    [
        (dt.date(2026, 1, 28), dt.date(2026, 2, 4)),
        (dt.date(2026, 2, 25), dt.date(2026, 3, 4)),
        (dt.date(2028, 2, 25), dt.date(2028, 3, 3)),  # a leap year
        (dt.date(2026, 12, 29), dt.date(2027, 1, 5)),
        (dt.date(2026, 3, 6), dt.date(2026, 3, 13)),  # across the spring clock change: calendar days
    ],
)
def test_the_rems_form_is_due_seven_calendar_days_later(session: dt.date, due: dt.date) -> None:
    assert rems_due(session) == due


@given(session=days, offset=st.integers(0, 60), filed=st.one_of(st.none(), st.integers(0, 60)))
def test_overdue_means_past_the_seventh_day_and_not_filed(session: dt.date, offset: int, filed: int | None) -> None:
    today = session + dt.timedelta(days=offset)
    submitted = None if filed is None else session + dt.timedelta(days=filed)
    assert rems_due(session) - session == dt.timedelta(days=7)
    assert rems_overdue(session, today, submitted) == (submitted is None and offset > 7)


def test_the_forty_minute_reading_comes_due_then_discharge() -> None:
    dose = dt.datetime(2026, 3, 8, 9, 0, tzinfo=NEW_YORK)
    assert next_step(dose, (), dose + dt.timedelta(minutes=37), 120).text == "40-minute BP due in 3 min"
    assert next_step(dose, (), dose + dt.timedelta(minutes=36, seconds=30), 120).text == "40-minute BP due in 4 min"
    due_now = next_step(dose, (), dose + dt.timedelta(minutes=40), 120)
    assert (due_now.text, due_now.urgent) == ("40-minute BP due now", True)
    late = next_step(dose, (), dose + dt.timedelta(minutes=105), 120)
    assert (late.text, late.urgent) == ("40-minute BP overdue by 1 h 05 min", True)
    taken = {ReadingMoment.FORTY_MINUTES}
    assert next_step(dose, taken, dose + dt.timedelta(minutes=45), 120).text == "discharge check in 1 h 15 min"
    ready = next_step(dose, taken, dose + dt.timedelta(minutes=120), 120)
    assert ready.ready_for_discharge
    assert next_step(dose, taken, dose + dt.timedelta(minutes=61), None).ready_for_discharge


def test_out_of_range_readings_name_what_and_when() -> None:
    limits = VitalsLimits()
    assert out_of_range(limits, ReadingMoment.BEFORE_DOSING, BloodPressure(140, 90), 90) == ()
    assert out_of_range(limits, ReadingMoment.BEFORE_DOSING, BloodPressure(141, 80), 97) == (
        "blood pressure 141/80 is above 140/90 before dosing",
    )
    assert out_of_range(limits, ReadingMoment.FORTY_MINUTES, BloodPressure(130, 91), 89) == (
        "blood pressure 130/91 is above 140/90 about 40 minutes after dosing",
        "SpO2 89% is below 90% about 40 minutes after dosing",
    )


@given(systolic=st.integers(0, 500), diastolic=st.integers(0, 500))
def test_a_blood_pressure_is_accepted_only_when_it_can_be_one(systolic: int, diastolic: int) -> None:
    possible = 50 <= systolic <= 300 and 20 <= diastolic <= 200 and diastolic < systolic
    try:
        parsed = parse_blood_pressure(f"{systolic} / {diastolic}")
    except VitalsError as error:
        assert not possible
        assert str(error).startswith(f"Blood pressure {systolic}/{diastolic}: ")
        assert str(error).count(".") == 1
    else:
        assert possible
        assert parsed == BloodPressure(systolic, diastolic)


def test_typed_values() -> None:
    assert parse_time_of_day("9.05") == "09:05"
    assert parse_time_of_day(" 14:30 ") == "14:30"
    for bad in ("24:00", "12:60", "noon", "", None):
        with pytest.raises(VitalsError):
            parse_time_of_day(bad)
    assert parse_heart_rate("72") == 72
    assert parse_spo2(98) == 98
    for bad_rate in ("15", "72.5", "-", True):
        with pytest.raises(VitalsError):
            parse_heart_rate(bad_rate)
    with pytest.raises(VitalsError, match=r"^SpO2 101 % is outside 50-100 %"):
        parse_spo2("101")
    assert parse_quantity("56 mg", "mg", 28, 112) == 56
    assert parse_quantity("0.5", "mg/kg", 0, 5) == 0.5
    with pytest.raises(VitalsError, match="above the highest allowed"):
        parse_quantity("200", "mg", 28, 112)
    with pytest.raises(VitalsError, match="not a number"):
        parse_quantity("nan", "mg", None, None)
    assert dose_mg_per_kg(50, 72.5) == 0.69
    with pytest.raises(DosingRuleError):
        dose_mg_per_kg(50, 0)


def test_medicines_are_suggested_from_the_checklist_answers() -> None:
    form = LIBRARY.get("session_spravato")
    answers = {"checklist_spravato": {"substances_recent": "yes", "substances_which": ["opioids", "stimulants"]}}
    assert prefilled_answers(form, LIBRARY.forms, answers) == {
        "med_benzodiazepines": "no",
        "med_sedative_hypnotics": "no",
        "med_psychostimulants": "yes",
        "med_opioids": "yes",
    }
    assert prefilled_answers(form, LIBRARY.forms, {}) == {}
    assert prefilled_answers(form, LIBRARY.forms, {"checklist_spravato": {"substances_recent": "no"}}) == {
        "med_benzodiazepines": "no",
        "med_sedative_hypnotics": "no",
        "med_psychostimulants": "no",
        "med_opioids": "no",
    }


def test_a_reading_holds_the_vitals_group_and_the_record_holds_the_rest() -> None:
    form = LIBRARY.get("session_im_ketamine")
    assert [item.id for item in reading_items(form)] == ["blood_pressure", "heart_rate", "spo2"]
    ids = [item.id for item in record_items(form)]
    assert "blood_pressure" not in ids
    assert ids[:5] == ["weight_kg", "dose_mg", "injection_site", "lot_number", "dose_time"]
