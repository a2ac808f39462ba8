"""The board's rules: what a flag line says, which flags of a visit the board shows, the order lines are
dealt with in, and when a score earns a line of its own.

Flag lines are ordered so nothing urgent hides: an urgent flag nobody has acknowledged is always on top
(oldest first, it has waited longest), then holds ("see staff before dosing"), then information, each tier
in time order. An acknowledged urgent flag has been seen by a clinician, so it drops into the information
tier at its time. Two information lines are derived rather than stored: a questionnaire total in its
form's "severe" band (PHQ-9 20 or more) and a worsening of 5 points or more since the patient's previous
submitted session; a stored flag with the same code (phq9_severe) stands for the derived one.

Pure: kiosk.services.board reads the records and applies these rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from kiosk.domain.scoring import ScoreResult
from kiosk.domain.statuses import FlagLevel

SEVERE_BAND = "severe"
WORSENING_POINTS = 5
FRONT_DESK_URGENT_DETAIL = "A clinician has the details and must check in with the patient."
HEADLINES = {
    FlagLevel.URGENT: "Urgent: a clinician must check in",
    FlagLevel.HOLD: "See staff before dosing",
    FlagLevel.INFO: "For review",
}


@dataclass(frozen=True, slots=True)
class BoardLine:
    """One flag on the board, stored (flag_id set, can be acknowledged) or derived (flag_id None)."""

    level: FlagLevel
    headline: str
    message: str
    code: str
    form_id: str
    happened_at: dt.datetime
    appointment_id: int
    intake_id: int
    patient_id: int
    patient_name: str
    flag_id: int | None
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None
    cleared_at: dt.datetime | None = None
    acknowledged_by_name: str | None = None
    """The display name of whoever acknowledged (urgent) or cleared (hold) it, for the lasting marker."""
    acknowledged_outcome: str | None = None
    acknowledged_note: str | None = None

    @property
    def needs_acknowledgement(self) -> bool:
        return self.level is FlagLevel.URGENT and self.flag_id is not None and self.acknowledged_at is None

    @property
    def hold_waiting(self) -> bool:
        """A hold no one has cleared yet: the patient must see staff before dosing."""
        return self.level is FlagLevel.HOLD and self.acknowledged_at is None

    @property
    def tier(self) -> int:
        if self.needs_acknowledgement:
            return 0
        if self.hold_waiting:
            return 1
        return 2


def sort_lines(lines: Iterable[BoardLine]) -> tuple[BoardLine, ...]:
    """Unacknowledged urgent first, then holds, then the rest; each tier oldest first."""
    return tuple(sorted(lines, key=lambda line: (line.tier, line.happened_at, line.appointment_id, line.code)))


def front_desk_lines(lines: Iterable[BoardLine]) -> tuple[BoardLine, ...]:
    """What a role without clinical access may see of a visit's lines: its holds, and that an urgent flag
    waits for a clinician (not what it says); information lines and acknowledged urgent flags are clinical."""
    shown = []
    for line in lines:
        if line.level is FlagLevel.HOLD:
            shown.append(line)
        elif line.needs_acknowledgement:
            shown.append(replace(line, message=FRONT_DESK_URGENT_DETAIL, code="urgent", form_id=""))
    return tuple(shown)


class StoredFlag(Protocol):
    """What the board needs to know of a stored flag (kiosk.store.models.Flag has it)."""

    @property
    def id(self) -> int: ...
    @property
    def intake_id(self) -> int: ...
    @property
    def code(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def acknowledged_at(self) -> dt.datetime | None: ...
    @property
    def cleared_at(self) -> dt.datetime | None: ...


def _pending(flag: StoredFlag) -> bool:
    return flag.level == FlagLevel.URGENT.value and flag.acknowledged_at is None


F = TypeVar("F", bound=StoredFlag)


def shown_flags(flags: Sequence[F], newest_intake: int) -> list[F]:
    """The visit's flags as the board shows them: the newest intake's, plus any urgent flag of an
    earlier intake of the visit (a corrected one) that no clinician has acknowledged yet.

    A cleared hold or information flag no longer applies; a cleared urgent flag still waits for a clinician.
    """
    chosen: dict[str, F] = {}
    for flag in sorted(flags, key=lambda f: (f.intake_id, f.id)):
        if flag.intake_id != newest_intake and not _pending(flag):
            continue
        if flag.cleared_at is not None and flag.level != FlagLevel.URGENT.value:
            continue
        current = chosen.get(flag.code)
        if current is not None and _pending(current) and not _pending(flag):
            continue
        chosen[flag.code] = flag
    return list(chosen.values())


def severe_message(title: str, form_id: str, result: ScoreResult, stored_codes: Iterable[str]) -> str | None:
    """The line a total in the severe band earns, unless a stored flag of the same code already says it."""
    if result.total is None or result.band is None or result.band.code != SEVERE_BAND:
        return None
    if severe_code(form_id) in set(stored_codes):
        return None
    return f"{title}: total {result.total}, in the severe range: review today."


def severe_code(form_id: str) -> str:
    return f"{form_id}_{SEVERE_BAND}"


def worsened_code(form_id: str) -> str:
    return f"{form_id}_worsened"


def worsening_message(title: str, total: int | None, earlier_total: int | None, earlier_at: dt.datetime) -> str | None:
    """The line a rise of WORSENING_POINTS or more since the previous session earns, else None."""
    if total is None or earlier_total is None:
        return None
    rise = total - earlier_total
    if rise < WORSENING_POINTS:
        return None
    return (
        f"{title}: total {total}, up {rise} points since the previous session "
        f"({earlier_total} on {earlier_at.astimezone():%m/%d/%Y})."
    )
