"""The states a visit, an intake, an arrival and a staff account can be in, decided once, and how a visit's
status follows from its appointment's and its intake's.

The store keeps them in CHECK-constrained columns, the services decide with them and the console shows
them, and the packet prints them, so they live here, below all of them.
"""

from __future__ import annotations

from enum import StrEnum


class FlagLevel(StrEnum):
    """How a raised flag is dealt with: urgent (a clinician checks in before anything else), hold (see staff
    before dosing), info (for the clinician's review)."""

    URGENT = "urgent"
    HOLD = "hold"
    INFO = "info"


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class IntakeStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"


class ArrivalOutcome(StrEnum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    AMBIGUOUS = "ambiguous"


class StaffRole(StrEnum):
    FRONT_DESK = "front_desk"
    CLINICIAN = "clinician"
    ADMIN = "admin"


class VisitStatus(StrEnum):
    """Where a visit of the day stands, as the schedule and the board show it."""

    NOT_ARRIVED = "not arrived"
    CHECKING_IN = "checking in"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    CANCELLED = "cancelled"


def visit_status(appointment_status: str, intake_status: str | None) -> VisitStatus:
    """Where a visit stands, from its appointment's status and its newest intake's (None: no intake yet)."""
    if appointment_status == AppointmentStatus.CANCELLED.value:
        return VisitStatus.CANCELLED
    if intake_status is None:
        return VisitStatus.NOT_ARRIVED
    return {
        IntakeStatus.DRAFT.value: VisitStatus.CHECKING_IN,
        IntakeStatus.SUBMITTED.value: VisitStatus.SUBMITTED,
        IntakeStatus.REVIEWED.value: VisitStatus.REVIEWED,
    }[intake_status]
