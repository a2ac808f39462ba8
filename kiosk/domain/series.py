"""A patient's treatment series: the submitted sessions, which of them came before a given visit, and what
counts as response and remission.

Patients in a ketamine series fill in the same screeners again and again, so change matters as much as
one score: response is a fall of 50% or more from the first (baseline) total, remission a total in the
form's lowest band (PHQ-9 below 5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.domain.forms import Form

RESPONSE_FRACTION = 0.5


@dataclass(frozen=True, slots=True)
class SessionRef:
    """One submitted visit of a patient: the intake that counts for it and when the visit was submitted."""

    intake_id: int
    patient_id: int
    appointment_id: int | None
    visit_type: str
    at: dt.datetime


def earlier_sessions(
    history: Iterable[SessionRef], *, intake_id: int, appointment_id: int | None, before: dt.datetime
) -> list[SessionRef]:
    """The sessions of a series that came before a visit, oldest first: submitted before `before`, and
    neither this intake nor another intake of the same appointment (a corrected one)."""
    return [
        ref
        for ref in history
        if ref.intake_id != intake_id
        and (appointment_id is None or ref.appointment_id != appointment_id)
        and ref.at < before
    ]


def is_response(baseline: int | None, total: int | None) -> bool:
    """A fall of 50% or more from a baseline above 0 (a baseline of 0 cannot fall)."""
    if baseline is None or total is None or baseline <= 0:
        return False
    return baseline - total >= RESPONSE_FRACTION * baseline


def is_remission(form: Form, total: int | None) -> bool:
    """A total within the form's lowest band: PHQ-9 and GAD-7 below 5."""
    if total is None or form.scoring is None or not form.scoring.bands:
        return False
    lowest = min(form.scoring.bands, key=lambda band: band.minimum)
    return total <= lowest.maximum


def change_markers(form: Form, baseline: int | None, total: int | None) -> tuple[bool, bool]:
    """(response, remission) of a session measured against an earlier baseline session's total. Both are
    changes over a course of treatment, so neither is marked without a baseline to change from: a
    patient's first session is never "in remission", however low its total."""
    if baseline is None or total is None:
        return False, False
    return is_response(baseline, total), is_remission(form, total)
