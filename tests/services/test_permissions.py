"""The role rule: front desk < clinician < admin, refusals name who, what and which role may."""

from __future__ import annotations

import pytest

from kiosk.services.permissions import ROLE_PERMISSIONS, Permission, RoleRefusedError, allows, require
from kiosk.services.staff_accounts import StaffIdentity
from kiosk.store.models import StaffRole


def _staff(role: StaffRole) -> StaffIdentity:
    return StaffIdentity(user_id=1, username="pat", display_name="Pat Demo", role=role)


def test_front_desk_never_gets_clinical_permissions() -> None:
    front_desk = _staff(StaffRole.FRONT_DESK)
    for permission in (Permission.VIEW_CLINICAL, Permission.PRINT_CLINICAL_PACKET, Permission.EXPORT_CLINICAL):
        assert not allows(front_desk, permission)
    assert allows(front_desk, Permission.VIEW_SCHEDULE)
    assert allows(front_desk, Permission.PRINT_CONSENT_COPY)


def test_roles_nest() -> None:
    assert ROLE_PERMISSIONS[StaffRole.FRONT_DESK] < ROLE_PERMISSIONS[StaffRole.CLINICIAN]
    assert ROLE_PERMISSIONS[StaffRole.CLINICIAN] < ROLE_PERMISSIONS[StaffRole.ADMIN]
    assert set(ROLE_PERMISSIONS[StaffRole.ADMIN]) == set(Permission)


def test_refusal_names_the_person_the_action_and_who_may() -> None:
    with pytest.raises(RoleRefusedError) as refused:
        require(_staff(StaffRole.CLINICIAN), Permission.MANAGE_ACCOUNTS)
    assert str(refused.value) == "Pat Demo (clinician) may not manage staff accounts; this needs the admin role."
    require(_staff(StaffRole.ADMIN), Permission.MANAGE_ACCOUNTS)
