"""The states a visit, an intake, an arrival and a staff account can be in, decided once.

The store keeps them in CHECK-constrained columns, the services decide with them and the console shows
them, so they live here, below all three (FlagLevel lives beside the forms, which declare flags).
"""

from __future__ import annotations

from enum import StrEnum


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
