"""Render the staff console's main screens to PNG, to look at them as staff would.

    .venv/bin/python scripts/render_staff_screens.py [OUT_DIR]        (default: screenshots/)

Uses a throw-away data directory with the synthetic demo day, plus a busy morning made through the kiosk
services (an urgent flag, a hold, a severe score, an unmatched check-in). Saves, at 1440x900:
staff-sign-in.png, staff-board.png, staff-board-front-desk.png, staff-review.png (a returning patient),
staff-review-hold.png and staff-review-full.png (a new patient with a hold; the whole page),
staff-chart.png, staff-schedule.png, staff-audit.png and staff-accounts.png.
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
from kiosk.ui.staff.window import DEFAULT_SIZE, StaffWindow, build_staff_console  # noqa: E402
from kiosk.ui.theme import apply_theme  # noqa: E402
from tests.ui.staff.scenario import busy_morning  # noqa: E402

TIMEOUT_S = 20


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


def console_for(app: QApplication, backend_dir: Path, username: str, password: str) -> StaffWindow:
    backend = open_backend(backend_dir)
    identity = sign_in(backend, username, password)
    window = build_staff_console(backend, identity=identity)
    window.resize(*DEFAULT_SIZE)
    window.show()
    assert window.console is not None
    board = window.console.board
    wait_until(app, lambda: board.board is not None)
    return window


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

        signing_in = build_staff_console(open_backend(data_dir))
        signing_in.resize(*DEFAULT_SIZE)
        signing_in.show()
        signing_in.sign_in_view.username.setText("dr.rivera")
        save(app, signing_in, out / "staff-sign-in.png")
        signing_in.close()

        clinician = next(person for person in DEMO_STAFF if person.username == "dr.rivera")
        window = console_for(app, data_dir, clinician.username, clinician.password)
        console = window.console
        assert console is not None and console.review is not None and console.chart is not None
        save(app, window, out / "staff-board.png")

        review = console.review
        review.show_intake(made["returning"])
        console.tabs.setCurrentWidget(review)
        wait_until(app, lambda: review.review is not None)
        save(app, window, out / "staff-review.png")
        review.show_intake(made["hold"])
        wait_until(app, lambda: review.review is not None and review.review.intake_id == made["hold"])
        save(app, window, out / "staff-review-hold.png")
        page = review.scroll_area.widget()
        page.resize(page.width(), page.sizeHint().height())
        save(app, page, out / "staff-review-full.png")

        chart = console.chart
        chart.picker.field.setText("Taylor")
        wait_until(app, lambda: bool(chart.picker.hits))
        chart.show_patient(chart.picker.hits[0].patient_id)
        console.tabs.setCurrentWidget(chart)
        wait_until(app, lambda: chart.trend is not None)
        save(app, window, out / "staff-chart.png")

        console.tabs.setCurrentWidget(console.schedule)
        wait_until(app, lambda: bool(console.schedule.entries))
        save(app, window, out / "staff-schedule.png")
        window.close()

        admin = next(person for person in DEMO_STAFF if person.username == "admin")
        window = console_for(app, data_dir, admin.username, admin.password)
        console = window.console
        assert console is not None and console.audit is not None and console.accounts is not None
        audit = console.audit
        console.tabs.setCurrentWidget(audit)
        wait_until(app, lambda: audit.chain is not None and audit.model.rowCount() > 0)
        save(app, window, out / "staff-audit.png")
        accounts = console.accounts
        console.tabs.setCurrentWidget(accounts)
        wait_until(app, lambda: accounts.model.rowCount() > 0)
        save(app, window, out / "staff-accounts.png")
        window.close()

        front_desk = next(person for person in DEMO_STAFF if person.username == "frontdesk")
        window = console_for(app, data_dir, front_desk.username, front_desk.password)
        save(app, window, out / "staff-board-front-desk.png")
        window.close()
        backend.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "screenshots"))
