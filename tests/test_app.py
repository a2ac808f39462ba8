"""The kiosk's start-up stays lean: `kiosk run` loads nothing the patient screens do not need.

Not a timed test (times are for benchmarks/): a fresh process runs the real command and lists `sys.modules` at
the first paint of Welcome and once the database is open; the staff console, the PDF and signing libraries,
Alembic (when there is nothing to migrate) and Qt modules the tablet never shows must not be among them.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.resources import forms_dir
from kiosk.services.backend import open_backend
from kiosk.services.forms_cache import load_forms_cached
from kiosk.settings import DEFAULT_SETTINGS
from tests.conftest import REPO_ROOT

DENIED_AT_START = (
    "kiosk.ui.staff",  # the staff console: imported when staff open it
    "kiosk.documents",  # packets are rendered and signed in a child process
    "reportlab",
    "pyhanko",
    "alembic",  # only when the database needs migrating
    "PySide6.QtCharts",
    "PySide6.QtPdf",
    "PySide6.QtPrintSupport",
    "PySide6.QtMultimedia",  # the staff console's chime
    "PySide6.QtWebEngineCore",
    "PySide6.QtQml",
    "PySide6.QtQuick",
)
DENIED_WITH_FORMS_CACHED = ("yaml", "kiosk.domain.loader")
"""The forms come from the pre-validated cache once they were validated (kiosk/services/forms_cache.py)."""
DENIED_BEFORE_FIRST_PAINT = ("PySide6.QtTextToSpeech",)
"""Read aloud is loaded when it is first used or after Welcome is painted, never before the first paint."""

SNAPSHOTS = """
import json, sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
import kiosk.app as app_module  # `kiosk run` imports it too; importing it first adds nothing

snapshots = {}
build = app_module.build_patient_window

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and "painted" not in snapshots:
            snapshots["painted"] = sorted(sys.modules)
        return False

def build_and_watch(*args, **kwargs):
    window = build(*args, **kwargs)

    def ready():
        if window.handle.is_open and "painted" in snapshots:
            poll.stop()
            snapshots["ready"] = sorted(sys.modules)
            window.allow_close = True
            window.shutdown()
            QApplication.exit(0)

    poll = QTimer(window)
    poll.timeout.connect(ready)
    poll.start(5)
    window.welcome.installEventFilter(FirstPaint(window))
    return window

app_module.build_patient_window = build_and_watch
from kiosk.cli import main
code = main(["--data-dir", sys.argv[1], "run", "--windowed"])
print(json.dumps(snapshots))
sys.exit(code)
"""


def start_kiosk(data_dir: Path) -> dict[str, list[str]]:
    """`kiosk run --windowed` in a fresh process: the modules loaded at first paint and once ready."""
    result = subprocess.run(
        [sys.executable, "-c", SNAPSHOTS, str(data_dir)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    snapshots: dict[str, list[str]] = json.loads(result.stdout.strip().splitlines()[-1])
    return snapshots


def denied(modules: list[str], prefixes: tuple[str, ...]) -> list[str]:
    return [name for name in modules if any(name == p or name.startswith(p + ".") for p in prefixes)]


def data_folder(folder: Path, *, migrated: bool) -> Path:
    folder.mkdir()
    (folder / "settings.toml").write_text(DEFAULT_SETTINGS, encoding="utf-8")
    if migrated:
        open_backend(folder).engine.dispose()
        load_forms_cached(forms_dir(), folder / "cache")  # as the previous start left it
    return folder


# These start `kiosk run` with read aloud on (as a clinic's default), whose probe starts speech-dispatcher: never
# beside the read-aloud tests, which stop every speech-dispatcher between tests (xdist_group).
@pytest.mark.slow
@pytest.mark.xdist_group("speech-dispatcher")
def test_kiosk_start_loads_nothing_from_the_deny_list(tmp_path: Path) -> None:
    snapshots = start_kiosk(data_folder(tmp_path / "data", migrated=True))
    # The snapshots were taken where they claim: Welcome built, and the database opened on the worker.
    assert "kiosk.ui.patient.welcome" in snapshots["painted"]
    assert "kiosk.store.engine" in snapshots["ready"]
    assert denied(snapshots["ready"], DENIED_AT_START + DENIED_WITH_FORMS_CACHED) == []
    assert denied(snapshots["painted"], DENIED_AT_START + DENIED_BEFORE_FIRST_PAINT) == []


@pytest.mark.slow
@pytest.mark.xdist_group("speech-dispatcher")
def test_a_start_that_migrates_loads_alembic_and_is_seen_to(tmp_path: Path) -> None:
    """The positive control: a module imported lazily on the worker thread does show in the snapshot, and a first
    start validates the forms (PyYAML) before it caches them."""
    snapshots = start_kiosk(data_folder(tmp_path / "new", migrated=False))
    assert denied(snapshots["ready"], ("alembic",)) != []
    assert denied(snapshots["painted"], ("yaml",)) != []
    assert denied(snapshots["ready"], DENIED_AT_START[:4]) == []


RUN_UNTIL_STOPPED = """
import sys
from PySide6.QtCore import QTimer
import kiosk.app as app_module

build = app_module.build_patient_window

def build_and_say_ready(*args, **kwargs):
    window = build(*args, **kwargs)

    def ready():
        if window.handle.is_open and getattr(window, "all_screens_built", True):
            poll.stop()
            print("ready", flush=True)

    poll = QTimer(window)
    poll.timeout.connect(ready)
    poll.start(20)
    return window

app_module.build_patient_window = build_and_say_ready
from kiosk.cli import main
code = main(["--data-dir", sys.argv[1], "run", "--windowed"])
print("exited", code, flush=True)
sys.exit(code)
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="a service manager's SIGTERM is a POSIX signal")
def test_sigterm_closes_the_kiosk_the_orderly_way(tmp_path: Path) -> None:
    """A service manager stopping the kiosk (SIGTERM) gets an orderly close and exit code 0, not a process killed
    where it stood: the window closes through its shutdown, which finishes the service calls already sent."""
    folder = data_folder(tmp_path / "data", migrated=True)
    settings = folder / "settings.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("read_aloud = true", "read_aloud = false"))
    with subprocess.Popen(
        [sys.executable, "-c", RUN_UNTIL_STOPPED, str(folder)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as kiosk:
        assert kiosk.stdout is not None
        assert kiosk.stdout.readline().strip() == "ready"
        kiosk.send_signal(signal.SIGTERM)
        out, err = kiosk.communicate(timeout=60)
    assert kiosk.returncode == 0, err
    assert out.split() == ["exited", "0"]
    log = (folder / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "Closing the kiosk: SIGTERM received" in log
    assert "Traceback" not in log and "Traceback" not in err
