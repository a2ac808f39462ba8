"""Patient kiosk figures: cold start to a painted Welcome, tap to next question painted, peak memory."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.run import Row, ms, percentile

PROBE = Path(__file__).with_name("kiosk_probe.py")
STARTS = 9


def _environment() -> dict[str, str]:
    """Headless Qt with a tablet-sized virtual screen (touch events outside the screen are dropped)."""
    env = dict(os.environ)
    screens = Path(__file__).resolve().parent.parent / "tests" / "offscreen_screens.json"
    env["QT_QPA_PLATFORM"] = f"offscreen:configfile={screens}"
    return env


def _seeded(folder: Path) -> Path:
    from kiosk.services.backend import open_backend
    from kiosk.services.demo import seed_demo
    from kiosk.settings import DEFAULT_SETTINGS

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(DEFAULT_SETTINGS)
    backend = open_backend(folder)
    seed_demo(backend)
    backend.engine.dispose()
    return folder


def benchmarks() -> list[Row]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-patient-") as folder:
        data_dir = _seeded(Path(folder) / "data")
        walls, insides, ready = [], [], []
        for _ in range(STARTS):
            started = time.perf_counter()
            with subprocess.Popen(
                [sys.executable, str(PROBE), str(data_dir), "startup"],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                env=_environment(),
            ) as process:
                assert process.stdout is not None
                line = process.stdout.readline()  # "painted <seconds since interpreter start>"
                walls.append(time.perf_counter() - started)
                insides.append(float(line.split()[1]))
                ready.append(int(process.stdout.readline().split()[1]))
                process.stdout.read()
                process.wait()
        rows.append(
            Row(
                "cold start to painted Welcome",
                ms(statistics.median(walls)),
                f"median of {STARTS} whole-process runs (in-process from interpreter start: "
                f"{ms(statistics.median(insides))})",
            )
        )
        rows.append(
            Row(
                "memory of a kiosk ready for patients",
                f"{statistics.median(ready) / 1024:.0f} MiB",
                "max RSS once Welcome is painted and the database is open",
            )
        )
        walk = subprocess.run(
            [sys.executable, str(PROBE), str(data_dir), "walk"],
            capture_output=True,
            text=True,
            env=_environment(),
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        report = json.loads(walk.stdout.strip().splitlines()[-1])
        taps, switches = report["tap_to_paint"], report["switch_to_paint"]
        rows.append(
            Row(
                "tap answer -> next question painted",
                f"p50 {ms(percentile(taps, 0.5))} / p95 {ms(percentile(taps, 0.95))}",
                f"{len(taps)} taps; the save on the worker thread, then the 300 ms beat that lets the patient see "
                "their choice taken",
            )
        )
        rows.append(
            Row(
                "screen change (switch -> painted)",
                f"p50 {ms(percentile(switches, 0.5))} / p95 {ms(percentile(switches, 0.95))}",
                "from the answer being committed to the next question on screen",
            )
        )
        rows.append(
            Row(
                "peak memory after a full walk",
                f"{report['peak_kib'] / 1024:.0f} MiB",
                "max RSS of the kiosk process after Submit, with the tapping test driver loaded in it too; "
                "packets are made in a child process",
            )
        )
    return rows
