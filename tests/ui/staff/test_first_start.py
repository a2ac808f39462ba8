"""The first start of a clinic with no admin: the wizard makes the admin account and signs them in."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.services.backend import Backend, open_backend
from kiosk.services.staff_accounts import list_staff_users
from kiosk.settings import DEFAULT_SETTINGS
from kiosk.store.models import StaffRole
from kiosk.ui.staff.first_start import FirstStartWizard
from kiosk.ui.staff.sign_in import SignInView
from tests.identities import admin
from tests.ui.staff.conftest import open_console
from tests.ui.staff.driver import Staff


def test_first_start_makes_the_admin_and_signs_them_in(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = tmp_path / "new-clinic"
    data_dir.mkdir()
    (data_dir / "settings.toml").write_text(DEFAULT_SETTINGS)
    backend = open_backend(data_dir)
    try:
        window = open_console(qtbot, backend)
        staff = Staff(qtbot, window)
        qtbot.waitUntil(lambda: isinstance(window.current_view(), FirstStartWizard), timeout=5000)
        staff.wait_for_text("Nobody has an admin account yet")
        staff.click("Next")
        staff.type_into("Username", "dana.lee")
        staff.type_into("Full name", "Dana Lee")
        staff.type_into("Password", "clinic-admin-2026")
        staff.type_into("Repeat the password", "clinic-admin-2O26")
        staff.click("Create admin account")
        staff.wait_for_text("The two passwords are not the same")

        staff.type_into("Password", "short")
        staff.type_into("Repeat the password", "short")
        staff.click("Create admin account")
        staff.wait_for_text("at least 8 characters")

        staff.type_into("Password", "clinic-admin-2026")
        staff.type_into("Repeat the password", "clinic-admin-2026")
        staff.click("Create admin account")
        qtbot.waitUntil(lambda: window.console is not None, timeout=5000)
        assert staff.console.tab_names()[-1] == "Settings"
        staff.wait_for_text("Signed in as Dana Lee, admin")
        users = list_staff_users(backend, admin())
        assert [(user.username, user.role) for user in users] == [("dana.lee", StaffRole.ADMIN)]
    finally:
        backend.engine.dispose()


def test_a_clinic_with_an_admin_starts_at_the_sign_in(qtbot: QtBot, backend: Backend) -> None:
    window = open_console(qtbot, backend)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=5000)
    assert isinstance(window.current_view(), SignInView)
