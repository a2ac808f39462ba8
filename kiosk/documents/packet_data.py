"""The plain data a consent packet is rendered from.

The services layer maps one submitted intake (database rows, scores, raised flags) to a
PacketData; render_packet() turns it into PDF bytes. Everything here is already worded for
people and in the packet's language: the renderer adds only its own fixed labels, so what the
packet says about a patient is decided in one place (the services mapping), never here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from kiosk.domain.forms import text_sha256
from kiosk.domain.statuses import FlagLevel

PacketLanguage = Literal["en", "es"]
"""Language of the packet's fixed labels; the patient's intake language."""


Point = tuple[float, float]
Stroke = tuple[Point, ...]
"""One pen-down-to-pen-up line of a drawn signature, in signature-pad coordinates (y grows downwards)."""


def _require_aware(value: datetime, what: str) -> None:
    """A packet is a legal record: a time without its UTC offset is ambiguous, so it is refused."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime, got {value!r}")


@dataclass(frozen=True)
class ClinicInfo:
    name: str
    phone: str
    address: str = ""


@dataclass(frozen=True)
class PatientInfo:
    name: str
    """The name as the patient entered it (first and last), printed on every page."""
    date_of_birth: date


@dataclass(frozen=True)
class VisitInfo:
    visit_type: str
    """Worded for people, e.g. "IM ketamine session 3"."""
    scheduled_at: datetime
    submitted_at: datetime | None = None
    reference: str = ""
    """The intake's identifier as staff look it up (printed on the cover)."""

    def __post_init__(self) -> None:
        _require_aware(self.scheduled_at, "VisitInfo.scheduled_at")
        if self.submitted_at is not None:
            _require_aware(self.submitted_at, "VisitInfo.submitted_at")


@dataclass(frozen=True)
class ScoreSummary:
    """One questionnaire's result at this visit, and how it moved across the treatment series.

    ``total`` is None when an item was left unanswered: the packet then says "incomplete",
    never a total that counts the gap as 0. Changes are this total minus the earlier one, and
    None when there is no earlier complete score (or this one is incomplete).
    """

    form_title: str
    total: int | None
    band_label: str | None
    max_total: int
    change_from_first: int | None = None
    change_from_last: int | None = None


@dataclass(frozen=True)
class FlagLine:
    level: FlagLevel
    message: str
    """What staff read, e.g. "PHQ-9 item 9 answered above 0: a clinician checks in today"."""
    raised_at: datetime

    def __post_init__(self) -> None:
        if self.level not in tuple(FlagLevel):
            raise ValueError(f"FlagLine.level must be urgent, hold or info, got {self.level!r}")
        object.__setattr__(self, "level", FlagLevel(self.level))
        _require_aware(self.raised_at, "FlagLine.raised_at")


@dataclass(frozen=True)
class ConsentPage:
    """One consent signed at this visit, exactly as the patient saw and signed it.

    ``text`` is the snapshot shown on the kiosk (a blank line separates paragraphs, a line
    starting "## " is a heading). ``text_sha256`` must be the SHA-256 of that text in UTF-8; a
    mismatch means the record and the text disagree, so it is refused rather than printed.
    The signature is printed from ``signature_png`` when given, else drawn from ``strokes``.
    """

    title: str
    version: str
    language: str
    """Language the consent was shown in, as a word for people ("English", "Español")."""
    text: str
    text_sha256: str
    reading_started_at: datetime
    signed_at: datetime
    typed_name: str
    signature_png: bytes | None = None
    strokes: tuple[Stroke, ...] = ()
    signature_adopted_at: datetime | None = None
    """When the signer adopted, with a tap, the signature drawn on an earlier consent of the visit (else None)."""

    def __post_init__(self) -> None:
        _require_aware(self.reading_started_at, "ConsentPage.reading_started_at")
        _require_aware(self.signed_at, "ConsentPage.signed_at")
        if self.signature_adopted_at is not None:
            _require_aware(self.signature_adopted_at, "ConsentPage.signature_adopted_at")
        actual = text_sha256(self.text)
        if actual != self.text_sha256.lower():
            raise ValueError(
                f"consent {self.title!r} v{self.version}: text_sha256 {self.text_sha256} does not match "
                f"the SHA-256 of its text ({actual})"
            )


@dataclass(frozen=True)
class AnswerLine:
    """One questionnaire item: its number as printed, the question, the answer worded, its score.

    ``answer`` is None when the item was not answered; ``score`` is None for unscored items
    (such as the PHQ-9 difficulty question) and for unanswered ones.
    """

    number: str
    question: str
    answer: str | None
    score: int | None = None


@dataclass(frozen=True)
class QuestionnairePage:
    title: str
    items: tuple[AnswerLine, ...]
    total: int | None
    band: str | None
    copyright: str = ""
    instructions: str = ""
    """The stem shown above every item ("Over the last 2 weeks, how often...")."""
    max_total: int | None = None
    version: str = ""


@dataclass(frozen=True)
class FollowUp:
    """A follow-up question asked because of an answer (e.g. "Which one?", the driver's phone)."""

    question: str
    answer: str | None


@dataclass(frozen=True)
class ChecklistLine:
    question: str
    answer: str | None
    follow_ups: tuple[FollowUp, ...] = ()
    hold: bool = False
    """True when this answer put the visit on hold ("see staff before dosing")."""
    hold_reason: str = ""


@dataclass(frozen=True)
class ChecklistPage:
    title: str
    lines: tuple[ChecklistLine, ...]
    version: str = ""


@dataclass(frozen=True)
class PacketData:
    """Everything one consent packet shows; render_packet() is a pure function of this (and a clock)."""

    language: PacketLanguage
    clinic: ClinicInfo
    patient: PatientInfo
    visit: VisitInfo
    scores: tuple[ScoreSummary, ...] = ()
    flags: tuple[FlagLine, ...] = ()
    consents: tuple[ConsentPage, ...] = ()
    questionnaires: tuple[QuestionnairePage, ...] = ()
    checklist: ChecklistPage | None = None
    clinical_withheld: bool = False
    """A consent-only copy (for the front desk): the cover says the clinical pages are withheld, and there
    must be none of them in the data."""

    def __post_init__(self) -> None:
        if self.clinical_withheld and (self.scores or self.flags or self.questionnaires or self.checklist):
            raise ValueError("a consent-only copy cannot hold scores, flags, questionnaires or the checklist")
        if self.language not in ("en", "es"):
            raise ValueError(f"PacketData.language must be 'en' or 'es', got {self.language!r}")
