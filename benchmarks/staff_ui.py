"""Staff console figures at clinic scale: board open, patient search and a 50-session chart, in the real UI.

    python3 dev.py bench staff_ui

The data folder gets the demo day plus a synthetic history of 100,000 intakes for 20,000 patients
(about 40 s to write, done once per run in a temporary folder). The console itself is measured in a child
process on Qt's offscreen platform (as the patient figures are), so the figures do not depend on a display:

- board open: build the console for a signed-in clinician (as the tablet's PIN does) until the first board
  is loaded and the window painted;
- patient search: the text of the chart's search field set until the matches are listed and painted (the
  patient index is built in the background after the board; its build time is reported too);
- chart open: a patient with 50 sessions chosen until both charts and the sessions table are painted.

Each is the median of several runs; nothing is asserted.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.run import Row, ms

if TYPE_CHECKING:
    from kiosk.ui.staff.console import ConsoleView

HISTORY_INTAKES = 100_000
HISTORY_PATIENTS = 20_000
RUNS = 7
QUERIES = ("garc", "taylor", "maya lee", "nú", "07/02/1979", "SYN-1-012345", "o'brien", "ros")
CLINICIAN = "dr.rivera"


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    screens = Path(__file__).resolve().parent.parent / "tests" / "offscreen_screens.json"
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={screens}"
    return env


def _history_folder(folder: Path) -> tuple[Path, int, float]:
    """A data folder with the demo day and the synthetic history; the long-series patient; seconds taken."""
    from kiosk.services.backend import open_backend
    from kiosk.services.demo import seed_demo
    from kiosk.services.history import generate_history
    from kiosk.settings import DEFAULT_SETTINGS

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(DEFAULT_SETTINGS)
    backend = open_backend(folder)
    seed_demo(backend)
    started = time.perf_counter()
    summary = generate_history(backend, HISTORY_INTAKES, HISTORY_PATIENTS)
    seconds = time.perf_counter() - started
    backend.engine.dispose()
    assert summary.long_series_patient_id is not None
    return folder, summary.long_series_patient_id, seconds


def benchmarks() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-staff-ui-") as folder:
        data_dir, long_series, seconds = _history_folder(Path(folder) / "data")
        result = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "probe", str(data_dir), str(long_series)],
            capture_output=True,
            text=True,
            env=_environment(),
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    scale = f"{HISTORY_INTAKES:,} intakes / {HISTORY_PATIENTS:,} patients"
    board, search, chart = report["board"], report["search"], report["chart"]
    return [
        Row(
            "console: board open (identity -> painted)",
            ms(statistics.median(board)),
            f"median of {len(board)}, first {ms(board[0])}; {scale} (history written in {seconds:.0f} s)",
        ),
        Row(
            "console: patient search (typed -> listed)",
            f"p50 {ms(statistics.median(search))} / max {ms(max(search))}",
            f"{len(search)} searches over {report['patients']:,} patients; index built in "
            f"{ms(report['index_build'])} in the background after the board",
        ),
        Row(
            "console: 50-session chart open (-> painted)",
            ms(statistics.median(chart)),
            f"median of {len(chart)}, first {ms(chart[0])}; PHQ-9 + GAD-7 charts and the sessions table",
        ),
    ]


# ------------------------------------------------------------------------------------------ child process


def _wait(app: object, done: Callable[[], object], timeout_s: float = 30.0) -> None:
    """Run the event loop until `done()` (a benchmark script may; the application never does)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(1)
    timer.timeout.connect(lambda: loop.quit() if done() else None)
    deadline = time.perf_counter() + timeout_s
    timer.start()
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the console did not get there in time")
        loop.exec()
    timer.stop()


def _board_loaded(console: ConsoleView) -> Callable[[], bool]:
    return lambda: console.board.board is not None


def probe(data_dir: Path, long_series: int) -> dict[str, object]:
    from kiosk.app import application
    from kiosk.services.backend import open_backend
    from kiosk.services.demo import DEMO_STAFF
    from kiosk.services.staff_accounts import sign_in
    from kiosk.ui.staff.window import DEFAULT_SIZE, build_staff_console
    from kiosk.ui.theme import apply_theme

    app = application()
    apply_theme(app, large_text=False, high_contrast=False)
    backend = open_backend(data_dir)
    password = next(person.password for person in DEMO_STAFF if person.username == CLINICIAN)
    identity = sign_in(backend, CLINICIAN, password)

    board_times: list[float] = []
    for _ in range(RUNS):
        started = time.perf_counter()
        window = build_staff_console(backend, identity=identity)
        window.resize(*DEFAULT_SIZE)
        window.show()
        console = window.console
        assert console is not None
        _wait(app, _board_loaded(console))
        window.repaint()
        board_times.append(time.perf_counter() - started)
        window.close()

    window = build_staff_console(backend, identity=identity)
    window.resize(*DEFAULT_SIZE)
    window.show()
    console = window.console
    assert console is not None and console.chart is not None
    _wait(app, _board_loaded(console))
    started = time.perf_counter()
    _wait(app, lambda: not window.runner.busy)  # the patient index, built after the board
    index_build = time.perf_counter() - started
    chart = console.chart
    console.tabs.setCurrentWidget(chart)
    _wait(app, lambda: not window.runner.busy)

    search_times: list[float] = []
    for query in QUERIES:
        shown: list[int] = []
        chart.picker.results_shown.connect(shown.append)
        started = time.perf_counter()
        chart.picker.field.setText(query)
        _wait(app, shown.__len__)
        window.repaint()
        search_times.append(time.perf_counter() - started)
        chart.picker.results_shown.disconnect(shown.append)

    chart_times: list[float] = []
    for _ in range(RUNS):
        opened: list[int] = []
        chart.chart_shown.connect(opened.append)
        started = time.perf_counter()
        chart.show_patient(long_series)
        _wait(app, opened.__len__)
        window.repaint()
        chart_times.append(time.perf_counter() - started)
        chart.chart_shown.disconnect(opened.append)
    assert chart.trend is not None and len(chart.trend.sessions) == 50
    window.close()
    backend.engine.dispose()
    from kiosk.services.patient_search import PatientIndex

    patients = len(PatientIndex.build(open_backend(data_dir)))
    return {
        "board": board_times,
        "search": search_times,
        "chart": chart_times,
        "index_build": index_build,
        "patients": patients,
    }


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "probe":
        print(json.dumps(probe(Path(sys.argv[2]), int(sys.argv[3]))))
    else:
        for row in benchmarks():
            print(f"{row.name}: {row.figure}  ({row.note})")
