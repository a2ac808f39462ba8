"""A crash or power cut loses nothing the patient saw accepted: kill the kiosk with SIGKILL mid-PHQ-9,
start it again, check in, and find every earlier answer kept and the flow at the next question."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

PROCESS = Path(__file__).with_name("kiosk_process.py")
pytestmark = pytest.mark.slow


def run(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(PROCESS), str(data_dir), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_answers_survive_sigkill_and_the_flow_resumes(data_dir: Path) -> None:
    first = run(data_dir, "answer", "4")
    assert first.stdout is not None
    accepted = []
    for line in first.stdout:
        if line.startswith("answered"):
            accepted.append(line.split()[1])
        if line.strip() == "ready":
            break
    first.kill()  # SIGKILL on Linux (TerminateProcess on Windows): no clean-up code of the kiosk runs
    first.communicate(timeout=30)
    if sys.platform != "win32":
        assert first.returncode == -signal.SIGKILL
    assert accepted == ["q1", "q2", "q3", "q4"]

    second = run(data_dir, "resume")
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["resumed_at"] == "q5"
    assert report["chosen"] == {
        "q4": ["Nearly every day"],
        "q3": ["Not at all"],
        "q2": ["More than half the days"],
        "q1": ["Several days"],
    }
