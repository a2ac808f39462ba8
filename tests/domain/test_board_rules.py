"""The board's rules without a database: which flags show, in what order, and which scores earn a line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.domain.board_rules import (
    BoardLine,
    severe_message,
    shown_flags,
    sort_lines,
    worsening_message,
)
from kiosk.domain.forms import Band
from kiosk.domain.scoring import ScoreResult
from kiosk.domain.statuses import FlagLevel

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Flag:
    id: int
    intake_id: int
    code: str
    level: str
    acknowledged_at: dt.datetime | None = None
    cleared_at: dt.datetime | None = None


def line(level: FlagLevel, minutes: int, *, flag_id: int | None = 1, acknowledged: bool = False) -> BoardLine:
    at = T0 + dt.timedelta(minutes=minutes)
    return BoardLine(
        level=level,
        headline="",
        message=f"{level} at {minutes}",
        code=f"c{minutes}",
        form_id="f",
        happened_at=at,
        appointment_id=1,
        intake_id=1,
        patient_id=1,
        patient_name="Sam Taylor",
        flag_id=flag_id,
        acknowledged_at=at if acknowledged else None,
    )


def test_unacknowledged_urgent_first_then_holds_then_the_rest_each_oldest_first() -> None:
    lines = [
        line(FlagLevel.INFO, 1),
        line(FlagLevel.HOLD, 5),
        line(FlagLevel.URGENT, 9),
        line(FlagLevel.URGENT, 2, acknowledged=True),
        line(FlagLevel.HOLD, 3),
        line(FlagLevel.URGENT, 7),
    ]
    assert [item.message for item in sort_lines(lines)] == [
        "urgent at 7",
        "urgent at 9",
        "hold at 3",
        "hold at 5",
        "info at 1",
        "urgent at 2",
    ]


def test_shown_flags_keep_the_newest_intake_and_any_unacknowledged_urgent_of_an_earlier_one() -> None:
    flags = [
        Flag(1, 10, "item9", "urgent"),
        Flag(2, 10, "ride", "hold"),
        Flag(3, 11, "ride", "hold", cleared_at=T0),
        Flag(4, 11, "food", "hold"),
        Flag(5, 10, "old_info", "info"),
        Flag(6, 11, "item9_again", "urgent", acknowledged_at=T0, cleared_at=T0),
    ]
    assert sorted(flag.id for flag in shown_flags(flags, newest_intake=11)) == [1, 4, 6]


def test_a_severe_total_earns_a_line_unless_a_stored_flag_says_it() -> None:
    severe = Band(20, 27, "severe", {"en": "Severe"})
    result = ScoreResult("phq9", "1", 22, severe, True, (), (), 27)
    assert severe_message("PHQ-9", "phq9", result, set()) == "PHQ-9: total 22, in the severe range: review today."
    assert severe_message("PHQ-9", "phq9", result, {"phq9_severe"}) is None
    mild = ScoreResult("phq9", "1", 7, Band(5, 9, "mild", {"en": "Mild"}), True, (), (), 27)
    assert severe_message("PHQ-9", "phq9", mild, set()) is None


def test_a_rise_of_five_points_or_more_earns_a_line() -> None:
    before = dt.datetime(2026, 2, 23, 15, 0).astimezone()
    assert worsening_message("GAD-7", 14, 10, before) is None
    assert (
        worsening_message("GAD-7", 15, 10, before)
        == "GAD-7: total 15, up 5 points since the previous session (10 on 02/23/2026)."
    )
    assert worsening_message("GAD-7", None, 10, before) is None
