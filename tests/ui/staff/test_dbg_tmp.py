import faulthandler, sys
from pytestqt.qtbot import QtBot
from kiosk.services.backend import Backend
from kiosk.store.models import StaffRole
from kiosk.ui.staff.dialogs import ConfirmDialog
from tests.ui.staff.conftest import demo_identity, open_console
from tests.ui.staff.driver import Staff

def test_dbg(qtbot: QtBot, backend: Backend) -> None:
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.CLINICIAN), lock_after_seconds=0.6)
    window.destroyed.connect(lambda: print("WINDOW DESTROYED", flush=True))
    window.runner.destroyed.connect(lambda: print("RUNNER DESTROYED", flush=True))
    window.slow_runner.destroyed.connect(lambda: print("SLOW RUNNER DESTROYED", flush=True))
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    print("A", flush=True)
    staff.open_tab("Schedule")
    print("B", flush=True)
    staff.click_row("Appointments of the day", lambda entry: True)
    print("C", flush=True)
    staff.click("Cancel appointment")
    print("D", flush=True)
    dialog = staff.wait_for_dialog(ConfirmDialog)
    print("E", flush=True)
    with qtbot.waitSignal(window.locked, timeout=3000):
        pass
    print("F", flush=True)
