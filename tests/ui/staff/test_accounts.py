"""The admin's accounts: add one, reset a password (which lifts a lock), set a PIN, disable and enable."""

from __future__ import annotations

import contextlib

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.services.backend import Backend
from kiosk.services.staff_accounts import SignInError, StaffUserView, list_staff_users, sign_in, verify_kiosk_pin
from kiosk.store.models import StaffRole
from kiosk.ui.staff.accounts import AccountsView, AddAccountDialog, SecretDialog
from kiosk.ui.staff.dialogs import ConfirmDialog
from tests.identities import admin
from tests.ui.staff.conftest import demo_password
from tests.ui.staff.driver import TIMEOUT_MS, Staff

TABLE = "Staff accounts"


def user_named(name: str) -> object:
    return lambda user: isinstance(user, StaffUserView) and user.username == name


def account(backend: Backend, name: str) -> StaffUserView:
    return next(user for user in list_staff_users(backend, admin()) if user.username == name)


def open_accounts(staff: Staff) -> AccountsView:
    staff.open_tab("Accounts")
    view = staff.console.accounts
    assert view is not None
    staff.qtbot.waitUntil(lambda: view.model.rowCount() == 3, timeout=TIMEOUT_MS)
    return view


def test_add_an_account_then_set_its_pin_and_reset_its_password(
    qtbot: QtBot, admin_console: Staff, backend: Backend
) -> None:
    staff = admin_console
    view = open_accounts(staff)
    staff.click("Add account...")
    dialog = staff.wait_for_dialog(AddAccountDialog)
    staff.type_into("Username", "Casey.Nurse")
    staff.type_into("Full name", "Casey Nurse")
    dialog.role.setCurrentIndex(dialog.role.findData(StaffRole.CLINICIAN.value))
    staff.type_into("Password", "casey-2026-ok")
    staff.type_into("Repeat the password", "casey-2026-ok")
    staff.click("Add account")
    staff.wait_for_text("Added the account casey.nurse.")
    qtbot.waitUntil(lambda: view.model.rowCount() == 4, timeout=TIMEOUT_MS)
    assert account(backend, "casey.nurse").role is StaffRole.CLINICIAN
    columns = [view.model.headerData(c, Qt.Orientation.Horizontal) for c in range(view.model.columnCount())]
    last = columns.index("Last sign-in")
    by_name = {row.username: view.model.index(n, last).data() for n, row in enumerate(view.model.rows)}
    assert by_name["casey.nurse"] == "Never"
    admin = demo_password(StaffRole.ADMIN)[0]
    assert by_name[admin] != "Never"  # the admin signed in to open this console

    staff.click_row(TABLE, user_named("casey.nurse"))
    staff.click("Set PIN...")
    staff.wait_for_dialog(SecretDialog)
    staff.type_into("PIN", "12ab")
    staff.type_into("Repeat the PIN", "12ab")
    staff.click("Set PIN")
    staff.wait_for_text("A PIN is 4 to 8 digits")
    staff.type_into("PIN", "4821")
    staff.type_into("Repeat the PIN", "4821")
    staff.click("Set PIN")
    staff.wait_for_text("The PIN of casey.nurse was set.")
    assert verify_kiosk_pin(backend, "4821").username == "casey.nurse"

    for _ in range(5):
        with contextlib.suppress(SignInError):
            sign_in(backend, "casey.nurse", "wrong password")
    staff.click("Reset password...")  # the row is still chosen after the reload
    staff.wait_for_dialog(SecretDialog)
    staff.type_into("New password", "casey-new-2026")
    staff.type_into("Repeat the new password", "casey-new-2026")
    staff.click("Reset password")
    staff.wait_for_text("The password of casey.nurse was reset.")
    assert sign_in(backend, "casey.nurse", "casey-new-2026").username == "casey.nurse"


def test_disable_asks_first_and_enable_brings_the_account_back(
    qtbot: QtBot, admin_console: Staff, backend: Backend
) -> None:
    staff = admin_console
    open_accounts(staff)
    staff.click_row(TABLE, user_named("frontdesk"))
    staff.click("Disable")
    staff.wait_for_dialog(ConfirmDialog)
    staff.click("Disable")
    staff.wait_for_text("The account frontdesk is disabled.")
    assert account(backend, "frontdesk").disabled
    qtbot.waitUntil(lambda: staff.button("Enable").isEnabled(), timeout=TIMEOUT_MS)
    staff.click("Enable")
    staff.wait_for_text("The account frontdesk is enabled.")
    assert not account(backend, "frontdesk").disabled


def test_the_last_admin_cannot_be_disabled(qtbot: QtBot, admin_console: Staff, backend: Backend) -> None:
    staff = admin_console
    open_accounts(staff)
    staff.click_row(TABLE, user_named("admin"))
    staff.click("Disable")
    staff.wait_for_dialog(ConfirmDialog)
    staff.click("Disable")
    staff.wait_for_text("'admin' is the only enabled admin")
    assert not account(backend, "admin").disabled
