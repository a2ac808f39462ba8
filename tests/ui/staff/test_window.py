"""The console window: role-dependent tabs, the quiet-spell lock (content hidden, same password to unlock),
and signing out."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QListView, QTableView
from pytestqt.qtbot import QtBot

from kiosk.services.backend import Backend
from kiosk.store.models import StaffRole
from kiosk.ui.staff.dialogs import ConfirmDialog
from kiosk.ui.staff.sign_in import LockView, SignInView
from tests.ui.staff.conftest import demo_identity, demo_password, open_console
from tests.ui.staff.driver import Staff


def test_each_role_gets_only_its_tabs(qtbot: QtBot, backend: Backend) -> None:
    expected = {
        StaffRole.FRONT_DESK: ["Board", "Schedule"],
        StaffRole.CLINICIAN: ["Board", "Schedule", "Intake review", "Patient chart", "Dosing session"],
        StaffRole.ADMIN: [
            "Board",
            "Schedule",
            "Intake review",
            "Patient chart",
            "Dosing session",
            "Audit",
            "Accounts",
            "Settings",
        ],
    }
    for role, tabs in expected.items():
        window = open_console(qtbot, backend, identity=demo_identity(backend, role))
        assert Staff(qtbot, window).console.tab_names() == tabs
        window.close()


def test_quiet_console_locks_hides_everything_and_opens_again_for_the_same_password(
    qtbot: QtBot, backend: Backend
) -> None:
    identity = demo_identity(backend, StaffRole.CLINICIAN)
    _, password = demo_password(StaffRole.CLINICIAN)
    window = open_console(qtbot, backend, identity=identity, lock_after_seconds=0.6)
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    console = staff.console
    staff.open_tab("Schedule")
    staff.click_row("Appointments of the day", lambda entry: True)
    staff.click("Cancel appointment")
    dialog = staff.wait_for_dialog(ConfirmDialog)

    with qtbot.waitSignal(window.locked, timeout=3000):
        pass  # nobody touches anything
    assert isinstance(window.current_view(), LockView)
    assert not console.isVisible()
    assert not dialog.isVisible()
    assert not any("Sam Taylor" in text for text in staff.texts())

    staff.type_into("Password", "not-my-password")
    staff.click("Unlock")
    staff.wait_for_text("The username or password is not right")
    assert not console.isVisible()

    staff.type_into("Password", password)
    with qtbot.waitSignal(window.unlocked, timeout=5000):
        staff.click("Unlock")
    assert console.isVisible()
    assert dialog.isVisible()  # the half-done cancellation is still there to finish or keep
    assert window.identity == identity


def test_activity_keeps_the_console_open(qtbot: QtBot, backend: Backend) -> None:
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.ADMIN), lock_after_seconds=1.0)
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    for tab in ("Schedule", "Board", "Schedule"):
        qtbot.wait(400)
        staff.open_tab(tab)
    assert not window.is_locked
    window.lock_after_seconds = 0.3
    qtbot.waitSignal(window.locked, timeout=3000).wait()
    assert window.is_locked


def test_sign_out_from_the_lock_screen_leaves_nothing_of_the_person(qtbot: QtBot, backend: Backend) -> None:
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.ADMIN))
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    with qtbot.waitSignal(window.locked, timeout=2000):
        qtbot.keyClick(staff.console.board.visits_view, "l", modifier=Qt.KeyboardModifier.ControlModifier)
    staff.click("Sign out")
    assert isinstance(window.current_view(), SignInView)
    assert window.console is None and window.identity is None
    assert staff.field("Username").text() == ""

    username, password = demo_password(StaffRole.FRONT_DESK)
    staff.type_into("Username", username)
    staff.type_into("Password", password)
    staff.click("Sign in")
    qtbot.waitUntil(lambda: window.console is not None, timeout=5000)
    assert staff.console.tab_names() == ["Board", "Schedule"]


def test_every_control_is_named_as_it_reads(qtbot: QtBot, backend: Backend) -> None:
    """A screen reader (and these tests) find each control by the words shown on or beside it."""
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.ADMIN))
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    for tab in staff.console.tab_names():
        staff.open_tab(tab)
        for button in staff.visible(QAbstractButton):
            if button.text():
                assert button.accessibleName() == button.text().replace("&&", "&"), button.text()
        captions = {label.text() for label in staff.visible(QLabel)}
        for field in staff.visible(QLineEdit):
            if field.objectName() == "qt_spinbox_lineedit":
                continue  # the text part of a date field, named by the date field itself
            assert field.accessibleName() in captions, field.accessibleName()
        for view in [*staff.visible(QTableView), *staff.visible(QListView)]:
            assert view.accessibleName(), f"an unnamed list or table on {tab}"
