"""Render the staff console's main screens to PNG, to look at them as staff would.

    .venv/bin/python scripts/render_staff_screens.py [OUT_DIR]        (default: screenshots/)

Uses a throw-away data directory with the synthetic demo day, plus a busy morning made through the kiosk
services (an urgent flag, a hold, a severe score, an unmatched check-in), then an urgent flag Dr. Rivera
acknowledged and a hold cleared (with their signed addenda). Saves, at 1280x800 and 1920x1080 (the size in
each name): staff-sign-in, staff-board, staff-acknowledge-on-board and staff-acknowledge-dialog,
staff-lock-screen (with the waiting count), staff-review-acknowledged (and -full: the whole page, with its
addenda), staff-review, staff-review-hold, staff-chart, staff-schedule, staff-audit, staff-accounts and
staff-board-front-desk.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from kiosk.app import application  # noqa: E402
from kiosk.services.backend import open_backend  # noqa: E402
from kiosk.services.demo import DEMO_STAFF, seed_demo  # noqa: E402
from kiosk.services.staff_accounts import sign_in  # noqa: E402
from kiosk.settings import DEFAULT_SETTINGS  # noqa: E402
from kiosk.ui.staff.window import StaffWindow, build_staff_console  # noqa: E402
from kiosk.ui.theme import apply_theme  # noqa: E402
from tests.ui.staff.scenario import busy_morning, check_in  # noqa: E402

TIMEOUT_S = 20
SIZES = ((1280, 800), (1920, 1080))
"""The smallest console screen we support, and a common desktop one."""


def wait_until(app: QApplication, condition: Callable[[], bool]) -> None:
    """Let the event loop run (this is a script, not the app) until `condition` holds."""
    deadline = time.monotonic() + TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the console did not get there in time")
        app.processEvents()
        time.sleep(0.01)
    for _ in range(5):
        app.processEvents()


def save(app: QApplication, widget: QWidget, path: Path) -> Path:
    for _ in range(5):
        app.processEvents()
    widget.grab().save(str(path))
    print(path)
    return path


def console_for(
    app: QApplication, backend_dir: Path, username: str, password: str, size: tuple[int, int]
) -> StaffWindow:
    backend = open_backend(backend_dir)
    identity = sign_in(backend, username, password)
    window = build_staff_console(backend, identity=identity)
    window.resize(*size)
    window.show()
    assert window.console is not None
    board = window.console.board
    wait_until(app, lambda: board.board is not None)
    return window


def answered_morning(data_dir: Path, made: dict[str, int]) -> None:
    """Dr. Rivera acknowledges one urgent flag and clears one hold, as the board would, with their addenda."""
    from sqlalchemy import select

    from kiosk.services.flag_answers import acknowledge_urgent, clear_hold
    from kiosk.services.packets import PacketMaker
    from kiosk.store.engine import unit_of_work
    from kiosk.store.models import Flag

    backend = open_backend(data_dir)
    clinician = next(person for person in DEMO_STAFF if person.username == "dr.rivera")
    rivera = sign_in(backend, clinician.username, clinician.password)
    maker = PacketMaker(backend)
    with unit_of_work(backend.db_factory) as session:
        hold = session.scalars(select(Flag.id).where(Flag.intake_id == made["hold"], Flag.level == "hold")).first()
    urgent_intake = check_in(backend, "Elena Petrova", phq=(2, 2, 1, 2, 1, 1, 1, 0, 1))
    with unit_of_work(backend.db_factory) as session:
        urgent = session.scalars(select(Flag.id).where(Flag.intake_id == urgent_intake, Flag.level == "urgent")).one()
    acknowledge_urgent(backend, maker, rivera, urgent, "safety plan made", "Partner drives home and stays tonight.")
    if hold is not None:
        clear_hold(backend, maker, rivera, hold, "ride confirmed by phone with the driver")
    made["acknowledged"] = urgent_intake
    backend.engine.dispose()


def render_size(app: QApplication, data_dir: Path, made: dict[str, int], out: Path, size: tuple[int, int]) -> None:
    tag = f"{size[0]}x{size[1]}"

    def shot(widget: QWidget, name: str) -> Path:
        return save(app, widget, out / f"staff-{name}-{tag}.png")

    signing_in = build_staff_console(open_backend(data_dir))
    signing_in.resize(*size)
    signing_in.show()
    signing_in.sign_in_view.username.setText("dr.rivera")
    shot(signing_in, "sign-in")
    signing_in.close()

    clinician = next(person for person in DEMO_STAFF if person.username == "dr.rivera")
    window = console_for(app, data_dir, clinician.username, clinician.password, size)
    console = window.console
    assert console is not None and console.review is not None and console.chart is not None
    shot(window, "board")

    board = console.board
    waiting = next(row for row, line in enumerate(board.flags_model.rows) if line.needs_acknowledgement)
    board.flags_view.selectRow(waiting)
    board.acknowledge_button.click()
    wait_until(app, lambda: board.answer_dialog is not None and board.answer_dialog.isVisible())
    dialog = board.answer_dialog
    assert dialog is not None
    dialog.outcome_buttons[1].setChecked(True)
    dialog.note_field.setPlainText("Spoke with the patient; the prescriber is told.")
    shot(window, "acknowledge-on-board")
    shot(dialog, "acknowledge-dialog")
    dialog.reject()

    wait_until(app, lambda: window.waiting.counts is not None)
    window.lock()
    wait_until(app, window.lock_view.waiting.isVisible)
    shot(window, "lock-screen")
    window.lock_view.password.setText(clinician.password)
    window.lock_view.unlock_button.click()
    wait_until(app, lambda: not window.is_locked)

    review = console.review
    review.show_intake(made["acknowledged"])
    console.tabs.setCurrentWidget(review)
    wait_until(app, lambda: review.review is not None and review.review.intake_id == made["acknowledged"])
    shot(window, "review-acknowledged")
    page = review.scroll_area.widget()
    page.resize(page.width(), page.sizeHint().height())
    shot(page, "review-acknowledged-full")
    review.show_intake(made["returning"])
    wait_until(app, lambda: review.review is not None and review.review.intake_id == made["returning"])
    shot(window, "review")
    review.show_intake(made["hold"])
    wait_until(app, lambda: review.review is not None and review.review.intake_id == made["hold"])
    shot(window, "review-hold")

    chart = console.chart
    chart.picker.field.setText("Taylor")
    wait_until(app, lambda: bool(chart.picker.hits))
    chart.show_patient(chart.picker.hits[0].patient_id)
    console.tabs.setCurrentWidget(chart)
    wait_until(app, lambda: chart.trend is not None)
    shot(window, "chart")

    console.tabs.setCurrentWidget(console.schedule)
    wait_until(app, lambda: bool(console.schedule.entries))
    shot(window, "schedule")
    window.close()

    admin = next(person for person in DEMO_STAFF if person.username == "admin")
    window = console_for(app, data_dir, admin.username, admin.password, size)
    console = window.console
    assert console is not None and console.audit is not None and console.accounts is not None
    audit = console.audit
    console.tabs.setCurrentWidget(audit)
    wait_until(app, lambda: audit.chain is not None and audit.model.rowCount() > 0)
    shot(window, "audit")
    accounts = console.accounts
    console.tabs.setCurrentWidget(accounts)
    wait_until(app, lambda: accounts.model.rowCount() > 0)
    shot(window, "accounts")
    window.close()

    front_desk = next(person for person in DEMO_STAFF if person.username == "frontdesk")
    window = console_for(app, data_dir, front_desk.username, front_desk.password, size)
    shot(window, "board-front-desk")
    window.close()


def save_addendum(data_dir: Path, intake_id: int, out: Path) -> None:
    """The signed addendum of the acknowledgement as a PDF, and its page as poppler renders it (pdftoppm)."""
    import shutil
    import subprocess

    from kiosk.services.addenda import addendum_pdfs

    backend = open_backend(data_dir)
    pdf = out / "staff-addendum-acknowledged.pdf"
    pdf.write_bytes(addendum_pdfs(backend, intake_id)[-1])
    backend.engine.dispose()
    print(pdf)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(pdf), str(pdf.with_suffix(""))], check=True)
        print(pdf.with_suffix(".png"))


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    app = application()
    apply_theme(app, large_text=False, high_contrast=False)
    with tempfile.TemporaryDirectory(prefix="kiosk-staff-shots-") as folder:
        data_dir = Path(folder) / "data"
        data_dir.mkdir()
        (data_dir / "settings.toml").write_text(DEFAULT_SETTINGS)
        backend = open_backend(data_dir)
        seed_demo(backend)
        made = busy_morning(backend)
        backend.engine.dispose()
        answered_morning(data_dir, made)
        save_addendum(data_dir, made["acknowledged"], out)
        for size in SIZES:
            render_size(app, data_dir, made, out, size)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "screenshots"))
