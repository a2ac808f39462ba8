"""The demo's dosing sessions: one completed Spravato session and one IM ketamine session, SYNTHETIC, recorded
through the same service calls a nurse's typing makes, each at the time it would have been typed.

Every free-text value says it is synthetic (the lot numbers start with DEMO-), so no demo record passes for a
real one. The Spravato session's REMS form is left to file, so the REMS list has something to show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from kiosk.services.backend import Backend
from kiosk.services.dosing import open_session, record_reading, record_value, session_view
from kiosk.services.permissions import StaffIdentity

DEMO_PROVIDER = "Dr. Alex Rivera (demo)"


class _SteppedClock:
    """A clock the seeding moves forward as the session goes on."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    hours, minutes = hhmm.split(":")
    return dt.datetime.combine(day, dt.time(int(hours), int(minutes))).astimezone()


# (time typed, what was typed): a value "item=value", a reading "@moment time bp hr spo2 [reason]".
SPRAVATO_STEPS: tuple[tuple[str, str], ...] = (
    ("09:10", "patient_sex=female"),
    ("09:10", "provider_name=" + DEMO_PROVIDER),
    ("09:10", "provider_phone=(555) 010-0199"),
    ("09:10", "provider_email=rivera.demo@example.org"),
    ("09:10", "rems_enrolled=yes"),
    ("09:10", "first_treatment=no"),
    ("09:11", "med_benzodiazepines=no"),
    ("09:11", "med_sedative_hypnotics=no"),
    ("09:11", "med_psychostimulants=no"),
    ("09:11", "med_maois=no"),
    ("09:11", "med_opioids=no"),
    ("09:12", "@before_dosing 09:12 132/84 76 98"),
    ("09:13", "vitals_ok_before=yes"),
    ("09:14", "dose=84mg"),
    ("09:14", "devices=3"),
    ("09:14", "lot_number=DEMO-LOT-84A (synthetic)"),
    ("09:15", "dose_time=09:15"),
    ("09:56", "@forty_minutes 09:55 146/92 80 97 asymptomatic; rechecked in 15 minutes as the prescriber asked"),
    ("10:11", "@extra 10:10 136/86 78 98"),
    ("10:20", "sedation=yes"),
    ("10:20", "sedation_moaas=4"),
    ("10:20", "sedation_resolved_time=10:20"),
    ("10:36", "dissociation=yes"),
    ("10:36", "dissociation_resolved_time=10:35"),
    ("10:36", "respiratory_depression=no"),
    ("11:15", "@before_discharge 11:15 128/82 72 98"),
    ("11:16", "vitals_ok_end=yes"),
    ("11:16", "adverse_events=Mild nausea, resolved without treatment (synthetic demo)."),
    ("11:16", "serious_adverse_event=no"),
    ("11:18", "criteria_resolved=yes"),
    ("11:18", "criteria_baseline=yes"),
    ("11:18", "criteria_escort=yes"),
    ("11:18", "criteria_instructions=yes"),
    ("11:20", "discharge_time=11:20"),
    ("11:20", "discharge_decided_by=" + DEMO_PROVIDER),
    ("11:21", "ready_to_leave_minutes=75"),
)

IM_KETAMINE_STEPS: tuple[tuple[str, str], ...] = (
    ("09:10", "weight_kg=78.4"),
    ("09:12", "@before_dosing 09:12 124/80 70 99"),
    ("09:14", "dose_mg=40"),
    ("09:14", "injection_site=deltoid_left"),
    ("09:14", "lot_number=DEMO-LOT-IM7 (synthetic)"),
    ("09:15", "dose_time=09:15"),
    ("09:56", "@forty_minutes 09:55 138/88 80 97"),
    ("10:06", "sedation=no"),
    ("10:06", "dissociation=yes"),
    ("10:06", "dissociation_resolved_time=10:05"),
    ("10:06", "respiratory_depression=no"),
    ("10:25", "@before_discharge 10:25 126/82 72 98"),
    ("10:26", "serious_adverse_event=no"),
    ("10:28", "criteria_baseline=yes"),
    ("10:28", "criteria_vitals=yes"),
    ("10:28", "criteria_nausea=yes"),
    ("10:28", "criteria_escort=yes"),
    ("10:28", "criteria_instructions=yes"),
    ("10:30", "discharge_time=10:30"),
    ("10:30", "discharge_decided_by=" + DEMO_PROVIDER),
)

STEPS = {"spravato": SPRAVATO_STEPS, "im_ketamine": IM_KETAMINE_STEPS}


def seed_demo_session(
    backend: Backend, staff: StaffIdentity, intake_id: int, day: dt.date, visit_type: str
) -> int | None:
    """Record the demo session of a submitted demo intake on `day`; None for a visit type with none."""
    steps = STEPS.get(visit_type)
    if steps is None:
        return None
    clock = _SteppedClock(_at(day, "09:10"))
    past = dataclasses.replace(backend, clock=clock)
    session_id = open_session(past, staff, intake_id)
    if session_view(past, staff, session_id).values:
        return session_id  # recorded before
    for typed_at, step in steps:
        clock.at = _at(day, typed_at)
        if step.startswith("@"):
            moment, taken, pressure, rate, spo2, *reason = step[1:].split(" ")
            values = {"blood_pressure": pressure, "heart_rate": rate, "spo2": spo2}
            record_reading(past, staff, session_id, moment, taken, values, proceed_reason=" ".join(reason))
        else:
            item_id, value = step.split("=", 1)
            record_value(past, staff, session_id, item_id, value)
    return session_id
