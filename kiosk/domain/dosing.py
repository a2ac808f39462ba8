"""The rules of a dosing session, decided once: which readings are due and when, what is out of range, how long
monitoring lasted, when the REMS Patient Monitoring Form is due, and which answers the patient's checklist
suggests. Pure: kiosk.services.dosing reads and writes the records and applies these rules.

Times of day are typed as "HH:MM" on the session's date in the clinic's time zone; every duration is worked
out between time-zone-aware moments, so a session across a clock change counts the minutes that passed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.forms import Form, Item
from kiosk.domain.refusals import RefusedError
from kiosk.domain.scoring import AnswerData, AnswerSheet
from kiosk.domain.vitals import BloodPressure, minutes_of_day

FORTY_MINUTE_READING = 40
"""Minutes after dosing the second blood pressure is due (CLINICAL.md: "about 40 minutes after")."""
REMS_DAYS = 7
"""The REMS Patient Monitoring Form is filed within 7 calendar days of the session."""
DISCHARGE_CHECK_MINUTES = 60
"""Without a minimum in the form (IM ketamine: the effect lasts about an hour), when the board first asks
whether the patient is ready for discharge."""
SOON_MINUTES = 5
"""A reading due within this many minutes is shown as coming due."""


class DosingRuleError(RefusedError, ValueError):
    """A session value that breaks a rule of the session, said in one sentence."""


class ReadingMoment(StrEnum):
    BEFORE_DOSING = "before_dosing"
    FORTY_MINUTES = "forty_minutes"
    BEFORE_DISCHARGE = "before_discharge"
    EXTRA = "extra"

    @property
    def label(self) -> str:
        return MOMENT_LABELS[self]


MOMENT_LABELS = {
    ReadingMoment.BEFORE_DOSING: "before dosing",
    ReadingMoment.FORTY_MINUTES: "about 40 minutes after dosing",
    ReadingMoment.BEFORE_DISCHARGE: "before discharge",
    ReadingMoment.EXTRA: "extra reading",
}


@dataclass(frozen=True, slots=True)
class VitalsLimits:
    """Above or below these a reading needs an explicit "proceed" with a reason (settings: [dosing])."""

    systolic_max: int = 140
    diastolic_max: int = 90
    spo2_min: int = 90


def out_of_range(
    limits: VitalsLimits, moment: ReadingMoment, pressure: BloodPressure | None, spo2: int | None
) -> tuple[str, ...]:
    """What is out of range in one reading, each as a phrase ("blood pressure 150/95 is above 140/90 before
    dosing"); empty when nothing is."""
    problems: list[str] = []
    if pressure is not None and (pressure.systolic > limits.systolic_max or pressure.diastolic > limits.diastolic_max):
        problems.append(
            f"blood pressure {pressure} is above {limits.systolic_max}/{limits.diastolic_max} {moment.label}"
        )
    if spo2 is not None and spo2 < limits.spo2_min:
        problems.append(f"SpO2 {spo2}% is below {limits.spo2_min}% {moment.label}")
    return tuple(problems)


# ---------------------------------------------------------------------------------------------- clock


def local_moment(day: dt.date, hhmm: str, zone: dt.tzinfo | None = None) -> dt.datetime:
    """The moment "HH:MM" on `day` in `zone` (None: the machine's local zone), time-zone-aware.

    Compare or subtract such moments in UTC: Python subtracts two datetimes that share a tzinfo as wall-clock
    times.

    A time that never happened on that day (the hour skipped when clocks go forward) is refused; in the hour
    that happens twice when clocks go back, the first is meant.
    """
    minutes = minutes_of_day(hhmm)
    naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    if zone is None:
        return naive.astimezone()
    aware = naive.replace(tzinfo=zone, fold=0)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        raise DosingRuleError(f"{hhmm} did not happen on {day:%m/%d/%Y}: the clocks went forward at that hour.")
    return aware


def monitoring_minutes(day: dt.date, dose_hhmm: str, end_hhmm: str, zone: dt.tzinfo | None = None) -> int:
    """Whole minutes from dosing (the first device) to the end of monitoring, both on `day`.

    Raises DosingRuleError when the end is before dosing.
    """
    # In UTC: two datetimes sharing one ZoneInfo subtract as wall-clock times, blind to a clock change between.
    start = local_moment(day, dose_hhmm, zone).astimezone(dt.UTC)
    end = local_moment(day, end_hhmm, zone).astimezone(dt.UTC)
    if end < start:
        raise DosingRuleError(f"The end of monitoring ({end_hhmm}) is before dosing ({dose_hhmm}); check both times.")
    return int((end - start).total_seconds() // 60)


def monitoring_shortfall(minutes: int, required: int | None) -> str | None:
    """Why a monitoring time needs a reason (None when it does not)."""
    if required is None or minutes >= required:
        return None
    return f"monitoring lasted {minutes} minutes, less than the {required} required"


# ---------------------------------------------------------------------------------------------- REMS


def rems_due(session_day: dt.date) -> dt.date:
    """The last day to file the REMS Patient Monitoring Form: 7 calendar days after the session."""
    return session_day + dt.timedelta(days=REMS_DAYS)


def rems_overdue(session_day: dt.date, today: dt.date, submitted_on: dt.date | None) -> bool:
    """Past its due date and not filed (a form filed late is no longer overdue; its date says it was late)."""
    return submitted_on is None and today > rems_due(session_day)


# ---------------------------------------------------------------------------------------------- board


@dataclass(frozen=True, slots=True)
class NextStep:
    """What the board says next for a patient being monitored, and whether it is late."""

    text: str
    due_at: dt.datetime
    urgent: bool
    ready_for_discharge: bool = False


def _in_words(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def next_step(
    dose_at: dt.datetime,
    taken: Collection[ReadingMoment],
    now: dt.datetime,
    required_minutes: int | None,
) -> NextStep:
    """The next thing due for a dosed patient not yet discharged: the 40-minute reading, then discharge."""
    if ReadingMoment.FORTY_MINUTES not in taken:
        due = dose_at + dt.timedelta(minutes=FORTY_MINUTE_READING)
        left = math.ceil((due - now).total_seconds() / 60)
        if left > 0:
            return NextStep(f"40-minute BP due in {_in_words(left)}", due, urgent=False)
        if left == 0:
            return NextStep("40-minute BP due now", due, urgent=True)
        return NextStep(f"40-minute BP overdue by {_in_words(-left)}", due, urgent=True)
    wait = required_minutes if required_minutes is not None else DISCHARGE_CHECK_MINUTES
    due = dose_at + dt.timedelta(minutes=wait)
    left = math.ceil((due - now).total_seconds() / 60)
    if left > 0:
        return NextStep(f"discharge check in {_in_words(left)}", due, urgent=False)
    return NextStep("ready for discharge check", due, urgent=False, ready_for_discharge=True)


def minutes_since(start: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((now - start).total_seconds() // 60))


# ---------------------------------------------------------------------------------------------- values


def dose_mg_per_kg(dose_mg: float, weight_kg: float) -> float:
    """The IM dose per kilogram of body weight, to two decimals."""
    if weight_kg <= 0:
        raise DosingRuleError("The body weight must be above 0 kg to work out the dose per kilogram.")
    return round(dose_mg / weight_kg, 2)


def prefilled_answers(
    form: Form, sources: Mapping[str, Form], answers_by_form: Mapping[str, Mapping[str, AnswerData]]
) -> dict[str, str]:
    """The yes/no answers the patient's own answers suggest (item id -> "yes"/"no"), for staff to confirm.

    An item is suggested only when the intake has answers to the form its prefill reads (`sources`: the forms
    by id).
    """
    suggested: dict[str, str] = {}
    for item in form.all_items():
        if item.prefill is None:
            continue
        source = sources.get(item.prefill.form_id)
        source_answers = answers_by_form.get(item.prefill.form_id)
        if source is None or not source_answers:
            continue
        sheet = AnswerSheet(source, source_answers)
        suggested[item.id] = "yes" if item.prefill.when.evaluate(sheet.lookup) else "no"
    return suggested


def record_items(form: Form) -> tuple[Item, ...]:
    """The items of a session record that take one value each (not the vitals group, which is per reading)."""
    vitals = {child.id for item in form.items if item.id == "vitals" for child in (item, *item.children)}
    return tuple(item for item in form.answerable_items() if item.id not in vitals)


def reading_items(form: Form) -> tuple[Item, ...]:
    """What one vital-signs reading holds."""
    return next((item.children for item in form.items if item.id == "vitals"), ())
