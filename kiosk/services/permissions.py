"""What each staff role may do, decided once, and the refusal every service raises when a role may not.

Services are the guard: every use case that reads or changes patient data or accounts takes the signed-in
``StaffIdentity`` and calls :func:`require` before touching the store. The console and the command line
only hide what a role cannot use; hiding is a convenience, this module is the rule.

Roles nest: the front desk runs the day (schedule, arrivals, "see staff before dosing" holds, a
consent-only packet copy) and never sees scores, answers or the clinical packet; a clinician adds
everything clinical; the clinic admin adds accounts, settings, the audit log and backups.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.refusals import RefusedError
from kiosk.domain.statuses import StaffRole


@dataclass(frozen=True, slots=True)
class StaffIdentity:
    """Who is signed in: enough for the console to greet them, check their role and name them in the audit."""

    user_id: int
    username: str
    display_name: str
    role: StaffRole

    @property
    def is_admin(self) -> bool:
        return self.role is StaffRole.ADMIN

    @property
    def can_review(self) -> bool:
        """Clinicians (and admins) acknowledge flags and review intakes; the front desk does not."""
        return self.role in (StaffRole.CLINICIAN, StaffRole.ADMIN)


class Permission(StrEnum):
    """One thing a service lets a person do; the value is how a refusal names it."""

    VIEW_SCHEDULE = "see the schedule"
    MANAGE_APPOINTMENTS = "change appointments"
    IMPORT_APPOINTMENTS = "import appointments"
    RESOLVE_ARRIVALS = "match arrivals to appointments"
    VIEW_HOLDS = "see which patients must see staff before dosing"
    PRINT_CONSENT_COPY = "print the consent-only packet copy"
    VIEW_CLINICAL = "see scores, answers and flags"
    ACKNOWLEDGE_FLAGS = "acknowledge urgent flags"
    CLEAR_HOLDS = "clear pre-session holds"
    MARK_REVIEWED = "mark an intake reviewed"
    START_CORRECTION = "correct a submitted intake"
    PRINT_CLINICAL_PACKET = "print or save the clinical packet"
    EXPORT_CLINICAL = "export clinical records"
    RECORD_DOSING = "record dosing sessions"
    MANAGE_ACCOUNTS = "manage staff accounts"
    EDIT_SETTINGS = "change the kiosk's settings"
    VIEW_AUDIT = "read the audit log"
    BACKUP = "back up and restore the clinic's data"


_FRONT_DESK = frozenset(
    {
        Permission.VIEW_SCHEDULE,
        Permission.MANAGE_APPOINTMENTS,
        Permission.IMPORT_APPOINTMENTS,
        Permission.RESOLVE_ARRIVALS,
        Permission.VIEW_HOLDS,
        Permission.PRINT_CONSENT_COPY,
    }
)
_CLINICIAN = _FRONT_DESK | {
    Permission.VIEW_CLINICAL,
    Permission.ACKNOWLEDGE_FLAGS,
    Permission.CLEAR_HOLDS,
    Permission.MARK_REVIEWED,
    Permission.START_CORRECTION,
    Permission.PRINT_CLINICAL_PACKET,
    Permission.EXPORT_CLINICAL,
    Permission.RECORD_DOSING,
}
_ADMIN = _CLINICIAN | {
    Permission.MANAGE_ACCOUNTS,
    Permission.EDIT_SETTINGS,
    Permission.VIEW_AUDIT,
    Permission.BACKUP,
}

ROLE_PERMISSIONS: dict[StaffRole, frozenset[Permission]] = {
    StaffRole.FRONT_DESK: _FRONT_DESK,
    StaffRole.CLINICIAN: frozenset(_CLINICIAN),
    StaffRole.ADMIN: frozenset(_ADMIN),
}

ROLE_LABELS: dict[StaffRole, str] = {
    StaffRole.FRONT_DESK: "front desk",
    StaffRole.CLINICIAN: "clinician",
    StaffRole.ADMIN: "admin",
}


class RoleRefusedError(RefusedError, PermissionError):
    """A staff member's role does not allow what they asked; the message says who, what and which role may."""

    def __init__(self, staff: StaffIdentity, permission: Permission) -> None:
        allowed = [ROLE_LABELS[role] for role, granted in ROLE_PERMISSIONS.items() if permission in granted]
        super().__init__(
            f"{staff.display_name} ({ROLE_LABELS[staff.role]}) may not {permission.value}; "
            f"this needs the {' or '.join(allowed)} role."
        )
        self.staff = staff
        self.permission = permission


def allows(staff: StaffIdentity, permission: Permission) -> bool:
    """Whether the role may; for the UI to hide what it cannot use (the services still call require)."""
    return permission in ROLE_PERMISSIONS[staff.role]


def require(staff: StaffIdentity, permission: Permission) -> None:
    """Refuse with RoleRefusedError unless the staff member's role grants the permission."""
    if not allows(staff, permission):
        raise RoleRefusedError(staff, permission)
