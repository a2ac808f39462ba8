"""Whether an intake is the patient's first visit, which decides the words they read for a question.

A checklist question that says "since your last visit" has a first-visit wording (forms/README.md,
`first_visit_text`), and `Item.text_for` picks between the two. The patient's question and Review screens, the
signed packet and the staff review all ask `is_first_visit` which one the patient read, so what was answered is
what is printed and reviewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class VisitRecord:
    """What the first-visit rule reads of one of the patient's intakes."""

    intake_id: int
    appointment_id: int | None
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    supersedes_id: int | None = None


def is_first_visit(intake: VisitRecord, patient_intakes: Iterable[VisitRecord]) -> bool:
    """Whether no other visit of the patient had been submitted when this visit began.

    Fixed when the visit begins: a draft resumed later, its packet and its review read the same words, whatever
    else is submitted meanwhile (a draft left last week and finished by staff today does not change them). A
    correction is the visit it corrects (it supersedes it, for the same appointment) and began when that began:
    its answers were given to the words the original showed.
    """
    records = {record.intake_id: record for record in patient_intakes}
    records[intake.intake_id] = intake
    same_visit = {intake.intake_id}
    began = intake
    while began.supersedes_id is not None and began.supersedes_id not in same_visit:
        same_visit.add(began.supersedes_id)
        earlier = records.get(began.supersedes_id)
        if earlier is None:
            break
        began = earlier
    for other in records.values():
        if other.intake_id in same_visit or other.submitted_at is None:
            continue
        if intake.appointment_id is not None and other.appointment_id == intake.appointment_id:
            continue
        # Begun before this visit and submitted by the time it began (ids break a tie of equal times).
        if other.intake_id < began.intake_id and other.submitted_at <= began.started_at:
            return False
    return True
