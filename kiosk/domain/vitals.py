"""What a typed vital sign or time of day may be, decided once for the session screen, the command line and
the service: a blood pressure "120/80", a heart rate, an SpO2, a time of day "14:05", a number with a unit.

Each check either returns the value to store or raises VitalsError with one sentence a nurse can act on.
The ranges are what a monitor can plausibly show, not clinical limits: those (e.g. above 140/90 before
dosing) are settings, judged in kiosk/domain/dosing.py.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from kiosk.domain.refusals import RefusedError

SYSTOLIC_RANGE = (50, 300)
DIASTOLIC_RANGE = (20, 200)
HEART_RATE_RANGE = (20, 250)
SPO2_RANGE = (50, 100)

_BP = re.compile(r"^\s*([0-9]{1,4})\s*/\s*([0-9]{1,4})\s*$")
_TIME = re.compile(r"^\s*([0-9]{1,2})\s*[:.h]\s*([0-9]{2})\s*$")


class VitalsError(RefusedError, ValueError):
    """A typed value that cannot be what it claims to be, said in one sentence."""


@dataclass(frozen=True, slots=True, order=True)
class BloodPressure:
    systolic: int
    diastolic: int

    def __str__(self) -> str:
        return f"{self.systolic}/{self.diastolic}"


def parse_blood_pressure(raw: Any) -> BloodPressure:
    """ "120/80" (or a BloodPressure) checked: both numbers in range and the diastolic below the systolic."""
    text = "" if raw is None else str(raw)
    match = _BP.match(text)
    if match is None:
        raise VitalsError(f"Blood pressure {text[:20]!r} is not systolic/diastolic: type it such as 120/80.")
    systolic, diastolic = int(match.group(1)), int(match.group(2))
    low, high = SYSTOLIC_RANGE
    if not low <= systolic <= high:
        raise VitalsError(
            f"Blood pressure {systolic}/{diastolic}: the systolic (top) number must be between {low} and {high} mmHg."
        )
    low, high = DIASTOLIC_RANGE
    if not low <= diastolic <= high:
        raise VitalsError(
            f"Blood pressure {systolic}/{diastolic}: the diastolic (bottom) number must be between {low} and "
            f"{high} mmHg."
        )
    if diastolic >= systolic:
        raise VitalsError(
            f"Blood pressure {systolic}/{diastolic}: the diastolic (bottom) number must be below the systolic (top)."
        )
    return BloodPressure(systolic, diastolic)


def _whole(raw: Any, what: str, unit: str, bounds: tuple[int, int]) -> int:
    text = str(raw).strip() if raw is not None else ""
    if isinstance(raw, bool) or not re.fullmatch(r"[0-9]{1,4}", text):
        raise VitalsError(f"{what} {text[:20]!r} is not a whole number of {unit}.")
    value = int(text)
    low, high = bounds
    if not low <= value <= high:
        raise VitalsError(f"{what} {value} {unit} is outside {low}-{high} {unit}; check the monitor and type it again.")
    return value


def parse_heart_rate(raw: Any) -> int:
    return _whole(raw, "Heart rate", "beats per minute", HEART_RATE_RANGE)


def parse_spo2(raw: Any) -> int:
    return _whole(raw, "SpO2", "%", SPO2_RANGE)


def parse_time_of_day(raw: Any) -> str:
    """ "9:05", "09.05" or "14:30" as "HH:MM" (24-hour clock)."""
    text = str(raw) if raw is not None else ""
    match = _TIME.match(text)
    if match is None:
        raise VitalsError(f"{text[:20]!r} is not a time of day: type it as hours:minutes, such as 14:05.")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        raise VitalsError(f"{text.strip()!r} is not a time of day: hours go to 23 and minutes to 59.")
    return f"{hours:02d}:{minutes:02d}"


def minutes_of_day(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def parse_quantity(raw: Any, unit: str, minimum: float | None, maximum: float | None) -> int | float:
    """A number in `unit`; whole numbers are kept whole (so "56" is stored as 56, not 56.0)."""
    text = str(raw).strip() if raw is not None else ""
    if text.endswith(unit):
        text = text[: -len(unit)].strip()
    try:
        value = float(text)
    except ValueError:
        raise VitalsError(f"{text[:20]!r} is not a number of {unit}.") from None
    if isinstance(raw, bool) or not math.isfinite(value):
        raise VitalsError(f"{text[:20]!r} is not a number of {unit}.")
    if minimum is not None and value < minimum:
        raise VitalsError(f"{value:g} {unit} is below the lowest allowed, {minimum:g} {unit}.")
    if maximum is not None and value > maximum:
        raise VitalsError(f"{value:g} {unit} is above the highest allowed, {maximum:g} {unit}.")
    return int(value) if value.is_integer() else round(value, 3)
