"""The form model: questionnaires, consents and checklists as immutable values built from forms/*.yaml.

Everything here is already validated (see loader.py); code that receives a Form can rely on every
reference, language and score being present.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.domain.conditions import Condition
from kiosk.domain.statuses import FlagLevel


class FormKind(StrEnum):
    QUESTIONNAIRE = "questionnaire"
    CONSENT = "consent"
    CHECKLIST = "checklist"
    SESSION_RECORD = "session_record"
    """Staff-side: what is recorded during a dosing session (never shown to a patient)."""


class ItemType(StrEnum):
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    YES_NO = "yes_no"
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    PHONE = "phone"
    DISPLAY = "display"
    GROUP = "group"
    # Staff-side measurements, only in a session_record form (kiosk/domain/vitals.py checks their values).
    BLOOD_PRESSURE = "blood_pressure"
    HEART_RATE = "heart_rate"
    SPO2 = "spo2"
    TIME = "time"
    QUANTITY = "quantity"


SESSION_ITEM_TYPES = frozenset(
    {ItemType.BLOOD_PRESSURE, ItemType.HEART_RATE, ItemType.SPO2, ItemType.TIME, ItemType.QUANTITY}
)
"""Item types a session record may use and a patient form may not."""

CHOICE_TYPES = frozenset({ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE, ItemType.YES_NO})
ANSWERED_TYPES = frozenset(ItemType) - {ItemType.DISPLAY, ItemType.GROUP}


# Texts keyed by language code ("en", "es"); a validated form has every language it declares.
Localized = dict[str, str]


def pick(texts: Mapping[str, str], language: str) -> str:
    """The text in `language`, falling back to English and then to any language present."""
    if language in texts:
        return texts[language]
    if "en" in texts:
        return texts["en"]
    return next(iter(texts.values()), "")


ON_FILE_RECORDS = frozenset({"emergency_contact"})
"""What an item's `on_file` may name."""


@dataclass(frozen=True, slots=True)
class Option:
    code: str
    label: Localized
    score: int | None = None


YES_NO_OPTIONS: tuple[Option, ...] = (
    Option(code="yes", label={"en": "Yes", "es": "Sí"}, score=1),
    Option(code="no", label={"en": "No", "es": "No"}, score=0),
)


@dataclass(frozen=True, slots=True)
class Prefill:
    """A session-record yes/no answer suggested from the patient's own answers to another form (the checklist).

    "yes" when `when` holds over that form's answers, "no" when it does not; nothing when the intake has no
    answers to that form. Staff confirm it before it counts.
    """

    form_id: str
    when: Condition


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    type: ItemType
    text: Localized
    line: int
    help: Localized | None = None
    code: str | None = None
    options: tuple[Option, ...] = ()
    required: bool = True
    when: Condition | None = None
    children: tuple[Item, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 500
    unit: str | None = None
    """For a quantity: the unit its number is in ("mg", "mg/kg", "kg")."""
    prefill: Prefill | None = None
    person_name: bool = False
    """A text item that asks for a person's name: typed with capitals and stored capitalised ("Jordan Lee")."""
    first_visit_text: Localized | None = None
    """The question as a patient on their first visit reads it (no "since your last visit")."""
    on_file: str | None = None
    """A stored record this question asks about, shown to the patient masked under it (ON_FILE_RECORDS)."""

    def text_for(self, *, first_visit: bool) -> Localized:
        """The wording for this visit: the first-visit variant when there is one and this is a first visit
        (kiosk.domain.first_visit decides that). Every screen, packet and review that shows a question with its
        answer words it through here."""
        return self.first_visit_text if first_visit and self.first_visit_text is not None else self.text

    @property
    def is_answered_type(self) -> bool:
        return self.type in ANSWERED_TYPES

    def option(self, code: str) -> Option | None:
        return next((option for option in self.options if option.code == code), None)


@dataclass(frozen=True, slots=True)
class Band:
    minimum: int
    maximum: int
    code: str
    label: Localized

    def contains(self, total: int) -> bool:
        return self.minimum <= total <= self.maximum


@dataclass(frozen=True, slots=True)
class ScoreTerm:
    """One addend of a total: a single item's score, or the highest score among several items."""

    item_ids: tuple[str, ...]
    take_max: bool = False


@dataclass(frozen=True, slots=True)
class Scoring:
    terms: tuple[ScoreTerm, ...]
    bands: tuple[Band, ...]
    minimum: int
    maximum: int
    code: str | None = None

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item_id for term in self.terms for item_id in term.item_ids)

    def band_for(self, total: int) -> Band | None:
        return next((band for band in self.bands if band.contains(total)), None)


@dataclass(frozen=True, slots=True)
class FlagRule:
    code: str
    level: FlagLevel
    when: Condition
    message: Localized
    patient_screen: str | None = None


@dataclass(frozen=True, slots=True)
class Version:
    major: int
    minor: int
    patch: int = 0

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @classmethod
    def parse(cls, text: str) -> Version:
        parts = text.split(".")
        if not 2 <= len(parts) <= 3 or not all(part.isdigit() for part in parts):
            raise ValueError(f"{text!r} is not a version such as 1.0 or 1.2.3")
        numbers = [int(part) for part in parts]
        return cls(*numbers)


@dataclass(frozen=True, slots=True)
class Form:
    id: str
    version: Version
    kind: FormKind
    languages: tuple[str, ...]
    title: Localized
    source: str
    instructions: Localized | None = None
    step_title: Localized | None = None
    """What the patient's progress line calls this part of the visit ("How you have been feeling")."""
    copyright: Localized | None = None
    codes: dict[str, str] = field(default_factory=dict)
    items: tuple[Item, ...] = ()
    scoring: Scoring | None = None
    flags: tuple[FlagRule, ...] = ()
    body: Localized | None = None
    monitoring_minutes: int | None = None
    """Session record: the least monitoring from dosing to the end of monitoring (the REMS: 120)."""
    rems: bool = False
    """Session record: the session is reported on the Spravato REMS Patient Monitoring Form."""
    # Built once in __post_init__: every item in order, and each item by id and by code.
    _flat: tuple[Item, ...] = field(default=(), init=False, repr=False, compare=False)
    _by_key: dict[str, Item] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        flat = tuple(entry for item in self.items for entry in (item, *item.children))
        by_key: dict[str, Item] = {}
        for item in flat:
            if item.code:
                by_key.setdefault(item.code, item)
        by_key.update({item.id: item for item in flat})
        object.__setattr__(self, "_flat", flat)
        object.__setattr__(self, "_by_key", by_key)

    def all_items(self) -> tuple[Item, ...]:
        """Every item in order, with the children of a group right after it."""
        return self._flat

    def answerable_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.all_items() if item.is_answered_type)

    def item(self, item_id: str) -> Item:
        item = self._by_key.get(item_id)
        if item is None or item.id != item_id:
            raise KeyError(f"form {self.id} has no item {item_id!r}")
        return item

    def find_item(self, key: str) -> Item | None:
        """An item by id or by its code (e.g. a LOINC code)."""
        return self._by_key.get(key)

    def consent_text(self, language: str) -> str:
        return pick(self.body or {}, language)


def text_sha256(text: str) -> str:
    """The hash kept with a signed consent: SHA-256 of the exact text shown, UTF-8 encoded."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
