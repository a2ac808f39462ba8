"""Signing in: the refusal message, the lockout after five wrong passwords, and the way in."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.services.backend import Backend
from kiosk.services.staff_accounts import MAX_FAILED_ATTEMPTS
from kiosk.store.models import StaffRole
from kiosk.ui.staff.sign_in import SignInView
from tests.ui.staff.conftest import demo_password, open_console
from tests.ui.staff.driver import Staff


def sign_in_with(staff: Staff, username: str, password: str) -> None:
    staff.type_into("Username", username)
    staff.type_into("Password", password)
    staff.click("Sign in")


def test_wrong_password_says_so_and_the_right_one_opens_the_console(qtbot: QtBot, backend: Backend) -> None:
    staff = Staff(qtbot, open_console(qtbot, backend))
    assert staff.window.current_view() is staff.window.sign_in_view
    username, password = demo_password(StaffRole.CLINICIAN)

    sign_in_with(staff, username, "not-the-password")
    staff.wait_for_text("The username or password is not right")
    assert staff.field("Password").text() == ""
    assert staff.window.console is None

    sign_in_with(staff, username, password)
    qtbot.waitUntil(lambda: staff.window.console is not None, timeout=5000)
    staff.wait_for_text("Signed in as Dr. Alex Rivera (demo), clinician")
    assert staff.console.tab_names() == ["Board", "Schedule", "Intake review", "Patient chart", "Dosing session"]


def test_five_wrong_passwords_lock_the_account_and_say_for_how_long(qtbot: QtBot, backend: Backend) -> None:
    staff = Staff(qtbot, open_console(qtbot, backend))
    username, password = demo_password(StaffRole.FRONT_DESK)
    view = staff.window.sign_in_view
    for attempt in range(1, MAX_FAILED_ATTEMPTS + 1):
        sign_in_with(staff, username, f"wrong-{attempt}")
        qtbot.waitUntil(lambda: view.sign_in_button.isEnabled() and view.status.isVisible(), timeout=5000)
    assert "locked for 5 min" in view.status.text()

    sign_in_with(staff, username, password)  # even the right password waits out the lock
    staff.wait_for_text("This account is locked")
    assert staff.window.console is None


def test_enter_in_the_password_field_signs_in(qtbot: QtBot, backend: Backend) -> None:
    staff = Staff(qtbot, open_console(qtbot, backend))
    username, password = demo_password(StaffRole.ADMIN)
    staff.type_into("Username", username)
    field = staff.type_into("Password", password)
    staff.press_enter(field)
    qtbot.waitUntil(lambda: staff.window.console is not None, timeout=5000)
    assert staff.console.tab_names()[-3:] == ["Audit", "Accounts", "Settings"]


def test_an_empty_field_is_named_before_anything_is_checked(qtbot: QtBot, backend: Backend) -> None:
    staff = Staff(qtbot, open_console(qtbot, backend))
    staff.type_into("Username", "admin")
    staff.click("Sign in")
    assert isinstance(staff.window.current_view(), SignInView)
    assert staff.shows_text("Type your username and your password")
