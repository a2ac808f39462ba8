"""Every audit action the kiosk writes has words for the audit view."""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.domain.audit_actions import ACTION_LABELS, action_label
from kiosk.services.audit_log import EXPORT_ACTIONS

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"
# action="x.y", and the two-way forms action="a.b" if c else "a.c".
CODE = re.compile(r'"([a-z]+\.[a-z_]+)"')
ACTION_LINE = re.compile(r"action=.*")


def written_actions() -> set[str]:
    found: set[str] = set()
    for path in KIOSK.rglob("*.py"):
        for line in ACTION_LINE.findall(path.read_text(encoding="utf-8")):
            found.update(CODE.findall(line))
    return found | set(EXPORT_ACTIONS)


def test_every_action_written_has_a_label() -> None:
    actions = written_actions()
    assert {"patient.trend_view", "flag.acknowledge", "flag.clear_hold_undone", "chart.print"} <= actions
    assert sorted(actions - ACTION_LABELS.keys()) == []


def test_labels_are_words() -> None:
    assert action_label("patient.trend_view") == "viewed patient chart"
    assert action_label("future.thing") == "future.thing"
