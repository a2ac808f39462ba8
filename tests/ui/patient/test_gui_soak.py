"""The crash soak of the real kiosk process (scripts/gui_soak.py), a short run: a few SIGKILLs at random
moments, then every answer the kiosk acknowledged is in the database and each intake it touched is completed
and submitted by a later run. The full run (`scripts/gui_soak.py --kills 120`) kills it a hundred times."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = pytest.mark.slow
SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "gui_soak.py"


def _soak_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gui_soak", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gui_soak"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_killed_kiosks_lose_no_acknowledged_answer_and_every_intake_is_submitted(tmp_path: Path) -> None:
    soak = _soak_module()
    lines: list[str] = []
    figures = soak.run_soak(3, seed=2, work_dir=tmp_path, log=lines.append)
    assert figures.kills == 3, lines
    assert figures.answers_acknowledged > 0, lines
    assert (figures.answers_lost, figures.consents_lost, figures.intakes_not_submittable) == (0, 0, 0), (
        figures.problems,
        lines,
    )
    assert figures.intakes_submitted >= 1, lines
