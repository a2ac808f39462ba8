"""What a clinician's answer to a flag says, decided once: the outcomes offered, how long an answer can
be taken back, and how the board and the lock screen word it.

An urgent flag is acknowledged with an outcome (what was done) and an optional note; a "see staff before
dosing" hold is cleared with a reason. Both are a staff answer to a flag, recorded with who and when, and
both can be undone for a short time by the person who gave them (a slip of the finger), never later and
never by someone else: after that, the answer stands on paper as a signed addendum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.refusals import RefusedError

DEFAULT_ACKNOWLEDGEMENT_OUTCOMES: tuple[str, ...] = (
    "spoke with patient: safe to proceed",
    "safety plan made",
    "escalated to prescriber",
    "emergency services called",
    "patient left before contact",
)
"""The outcomes offered when acknowledging an urgent flag, unless the settings list others."""

UNDO_WINDOW = dt.timedelta(minutes=10)
"""How long the person who acknowledged a flag (or cleared a hold) can take it back."""

NOTE_MAX_LENGTH = 500
"""A note is a sentence or two for the record, not a clinical letter."""


class AddendumAction(StrEnum):
    """What a signed addendum records; stored in addenda.action."""

    ACKNOWLEDGE = "acknowledge"
    ACKNOWLEDGE_UNDONE = "acknowledge_undone"
    CLEAR_HOLD = "clear_hold"
    CLEAR_HOLD_UNDONE = "clear_hold_undone"
    REVIEW = "review"


ACTION_TITLES: dict[AddendumAction, str] = {
    AddendumAction.ACKNOWLEDGE: "Urgent flag acknowledged",
    AddendumAction.ACKNOWLEDGE_UNDONE: "Acknowledgement withdrawn",
    AddendumAction.CLEAR_HOLD: "Hold cleared before dosing",
    AddendumAction.CLEAR_HOLD_UNDONE: "Hold clearance withdrawn",
    AddendumAction.REVIEW: "Intake marked reviewed",
}


class AnswerRefusedError(RefusedError, ValueError):
    """An outcome, reason or note that cannot be recorded; the message is one sentence for staff."""


def checked_answer(outcome: str, note: str, outcomes: tuple[str, ...] | None) -> tuple[str, str | None]:
    """The outcome and note as stored: the outcome one of `outcomes` (any non-empty text when None, as for a
    hold's reason), the note trimmed and optional."""
    chosen = outcome.strip()
    if not chosen:
        raise AnswerRefusedError("Choose what was done (or type the reason) before saving.")
    if outcomes is not None and chosen not in outcomes:
        raise AnswerRefusedError(f"“{chosen}” is not one of the outcomes in the settings; choose one from the list.")
    if len(chosen) > NOTE_MAX_LENGTH:
        raise AnswerRefusedError(f"The reason is longer than {NOTE_MAX_LENGTH} characters; shorten it.")
    text = note.strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise AnswerRefusedError(f"The note is longer than {NOTE_MAX_LENGTH} characters; shorten it.")
    if any(ord(character) < 32 and character not in "\n\t" for character in text + chosen):
        raise AnswerRefusedError("The text holds a control character; type it again.")
    return chosen, text or None


def undo_refusal(answered_by: str | None, answered_at: dt.datetime | None, person: str, now: dt.datetime) -> str | None:
    """Why `person` may not undo this answer now, or None when they may."""
    if answered_at is None or answered_by is None:
        return "There is nothing to undo: this flag has no answer recorded."
    if answered_by != person:
        return "Only the person who recorded this answer can undo it."
    if now - answered_at > UNDO_WINDOW:
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        return f"An answer can be undone only within {minutes} minutes; it now stands on the record."
    return None


@dataclass(frozen=True, slots=True)
class WaitingCounts:
    """How many urgent flags and holds are waiting for a person: no names, no details."""

    urgent: int
    holds: int

    @property
    def any(self) -> bool:
        return bool(self.urgent or self.holds)


def _counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def waiting_sentence(counts: WaitingCounts) -> str:
    """The lock screen's line: "1 urgent flag, 2 holds: sign in to see them" (nothing about who)."""
    if not counts.any:
        return "Nothing is waiting."
    parts = []
    if counts.urgent:
        parts.append(_counted(counts.urgent, "urgent flag", "urgent flags"))
    if counts.holds:
        parts.append(_counted(counts.holds, "hold", "holds"))
    them = "it" if counts.urgent + counts.holds == 1 else "them"
    return f"{', '.join(parts)}: sign in to see {them}"


def acknowledged_marker(
    raised_at: dt.datetime, by_name: str, at: dt.datetime, outcome: str | None, note: str | None
) -> str:
    """The board's lasting line: "disclosed 07:52, acknowledged by Dr. Rivera 07:58: safety plan made"."""
    text = f"disclosed {raised_at:%H:%M}, acknowledged by {by_name} {at:%H:%M}"
    if outcome:
        text += f": {outcome}"
    if note:
        text += f" ({note})"
    return text


def cleared_marker(by_name: str, at: dt.datetime, reason: str | None, note: str | None) -> str:
    """A hold a person cleared: "cleared by Dr. Rivera 08:03: ride confirmed by phone"."""
    text = f"cleared by {by_name} {at:%H:%M}"
    if reason:
        text += f": {reason}"
    if note:
        text += f" ({note})"
    return text
