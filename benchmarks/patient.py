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
        walls, insides = [], []
        for _ in range(STARTS):
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, str(PROBE), str(data_dir), "startup"],
                capture_output=True,
                text=True,
                env=_environment(),
                check=True,
            )
            walls.append(time.perf_counter() - started)
            insides.append(float(result.stdout.split()[1]))
        rows.append(
            Row(
                "cold start to painted Welcome",
                ms(statistics.median(walls)),
                f"median of {STARTS} whole-process runs (in-process from interpreter start: "
                f"{ms(statistics.median(insides))})",
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
                f"{len(taps)} taps; includes the save on the worker thread and the 300 ms answer beat",
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
            Row("peak memory after a full walk", f"{report['peak_kib'] / 1024:.0f} MiB", "max RSS of the kiosk process")
        )
    return rows
