"""Signed-in staff for tests that call services directly: services take a StaffIdentity and check its role
(kiosk.services.permissions), so each test says who is acting. The username is what the audit log records."""

from __future__ import annotations

from kiosk.services.permissions import StaffIdentity
from kiosk.store.models import StaffRole


def staff(username: str, role: StaffRole) -> StaffIdentity:
    return StaffIdentity(user_id=0, username=username, display_name=username.title(), role=role)


def front_desk(username: str = "front-desk") -> StaffIdentity:
    return staff(username, StaffRole.FRONT_DESK)


def clinician(username: str = "dr-lee") -> StaffIdentity:
    return staff(username, StaffRole.CLINICIAN)


def admin(username: str = "admin") -> StaffIdentity:
    return staff(username, StaffRole.ADMIN)
