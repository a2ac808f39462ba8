"""Answers, totals, bands, completeness, and the flags and holds a set of answers raises.

A scored item left unanswered means there is no total: the result says "incomplete" and never counts the
gap as 0 (forms/README.md, "Scoring"). Nothing here presents a score as "safe".
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.domain import vitals
from kiosk.domain.conditions import ItemValue
from kiosk.domain.forms import SESSION_ITEM_TYPES, Band, Form, Item, ItemType, pick
from kiosk.domain.refusals import RefusedError
from kiosk.domain.statuses import FlagLevel
from kiosk.domain.typed_text import TypedTextError, capitalize_name, check_characters

# What the store keeps for an answer: an option code, a list of codes, a text, or a number.
AnswerData = str | int | float | list[str]

PHONE_PATTERN = re.compile(r"^\+?[0-9 ().-]{7,20}$")
MIN_PHONE_DIGITS = 7
MAX_PHONE_DIGITS = 15


class AnswerError(RefusedError, ValueError):
    """An answer that does not fit its item, said in words a person can act on."""


@dataclass(frozen=True, slots=True)
class RaisedFlag:
    code: str
    level: FlagLevel
    message: str
    form_id: str
    patient_screen: str | None = None

    def as_json(self) -> dict[str, str]:
        return {"level": self.level.value, "code": self.code, "message": self.message}


@dataclass(frozen=True, slots=True)
class ScoreResult:
    form_id: str
    version: str
    total: int | None
    band: Band | None
    complete: bool
    """A scored form: its total stands (true exactly when `total` is not None). Unscored: nothing required is
    left unanswered."""
    missing: tuple[str, ...]
    """Scored items without an answer (each one withholds the total)."""
    flags: tuple[RaisedFlag, ...]
    maximum: int | None
    unanswered: tuple[str, ...] = ()
    """Required items that apply and have no answer yet, scored or not (e.g. the difficulty question)."""

    def as_json(self, language: str = "en") -> dict[str, Any]:
        return {
            "form": self.form_id,
            "version": self.version,
            "total": self.total,
            "band": self.band.code if self.band else None,
            "band_label": pick(self.band.label, language) if self.band else None,
            "complete": self.complete,
            "missing": list(self.missing),
            "unanswered": list(self.unanswered),
            "flags": [flag.as_json() for flag in self.flags],
        }


# ------------------------------------------------------------------------------------------- answers


def normalize_answer(item: Item, raw: Any) -> AnswerData:
    """Check `raw` against `item` and return what is stored. Choices may be named by code or by score."""
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.YES_NO):
        return _choice_code(item, raw)
    if item.type is ItemType.MULTI_CHOICE:
        values = raw if isinstance(raw, list) else [raw]
        codes = [_choice_code(item, value) for value in values]
        return list(dict.fromkeys(codes))
    if item.type is ItemType.NUMBER:
        return _number(item, raw)
    if item.type is ItemType.DATE:
        return _date(raw)
    if item.type is ItemType.PHONE:
        return normalize_phone(raw)
    if item.type in SESSION_ITEM_TYPES:
        return _measurement(item, raw)
    if item.type is ItemType.TEXT:
        text = str(raw).strip() if raw is not None else ""
        if not text:
            raise AnswerError("the answer is empty")
        if len(text) > item.max_length:
            raise AnswerError(f"the answer is longer than {item.max_length} characters")
        try:
            check_characters(text, what="answer", line_breaks=True)
        except TypedTextError as error:
            raise AnswerError(str(error)) from None
        return capitalize_name(text) if item.person_name else text
    raise AnswerError(f"item {item.id!r} is not a question and takes no answer")


def _measurement(item: Item, raw: Any) -> AnswerData:
    """A session record's vital sign, time of day or quantity, checked by kiosk.domain.vitals."""
    try:
        if item.type is ItemType.BLOOD_PRESSURE:
            return str(vitals.parse_blood_pressure(raw))
        if item.type is ItemType.HEART_RATE:
            return vitals.parse_heart_rate(raw)
        if item.type is ItemType.SPO2:
            return vitals.parse_spo2(raw)
        if item.type is ItemType.TIME:
            return vitals.parse_time_of_day(raw)
        return vitals.parse_quantity(raw, item.unit or "", item.minimum, item.maximum)
    except vitals.VitalsError as error:
        raise AnswerError(str(error)) from None


def _choice_code(item: Item, raw: Any) -> str:
    if item.type is ItemType.YES_NO and isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, str):
        if item.option(raw) is not None:
            return raw
        lowered = raw.strip().lower()
        match = next((option for option in item.options if option.code.lower() == lowered), None)
        if match is not None:
            return match.code
        if re.fullmatch(r"-?[0-9]{1,9}", lowered):  # ASCII digits only: "²".isdigit() is true
            raw = int(lowered)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        matches = [option for option in item.options if option.score is not None and option.score == raw]
        if len(matches) == 1:
            return matches[0].code
    allowed = ", ".join(
        f"{option.code}" + (f" (score {option.score})" if option.score is not None else "") for option in item.options
    )
    raise AnswerError(f"{raw!r} is not an option of item {item.id!r}; choose one of: {allowed}")


def _number(item: Item, raw: Any) -> int | float:
    try:
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        raise AnswerError(f"{str(raw)[:40]!r} is not a number") from None
    if not math.isfinite(value):
        raise AnswerError(f"{str(raw)[:40]!r} is not a number")
    if item.minimum is not None and value < item.minimum:
        raise AnswerError(f"{raw!r} is below the lowest allowed value {item.minimum:g}")
    if item.maximum is not None and value > item.maximum:
        raise AnswerError(f"{raw!r} is above the highest allowed value {item.maximum:g}")
    return int(value) if value.is_integer() else value


def _date(raw: Any) -> str:
    try:
        return dt.date.fromisoformat(str(raw)).isoformat()
    except ValueError:
        raise AnswerError(f"{raw!r} is not a date written as YYYY-MM-DD") from None


def normalize_phone(raw: Any) -> str:
    """A phone number as typed, tidied; refused when it cannot be a phone number."""
    text = " ".join(str(raw or "").split())
    digits = re.sub(r"\D", "", text)
    if not PHONE_PATTERN.match(text) or not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        raise AnswerError(f"{text!r} does not look like a phone number")
    if len(digits) == 10 and not text.startswith("+"):
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return text


def item_value(item: Item, answer: AnswerData | None) -> ItemValue | None:
    """How a stored answer looks to conditions."""
    if answer is None:
        return None
    if isinstance(answer, list):
        return ItemValue(number=float(len(answer)), text=None, codes=frozenset(answer))
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.YES_NO):
        option = item.option(str(answer))
        score = float(option.score) if option is not None and option.score is not None else None
        return ItemValue(number=score, text=str(answer), codes=frozenset({str(answer)}))
    if isinstance(answer, int | float):
        return ItemValue(number=float(answer), text=str(answer))
    return ItemValue(number=None, text=answer)


# ------------------------------------------------------------------------------------------- flow


class AnswerSheet:
    """A form's answers by item id, with the questions that apply given those answers."""

    def __init__(self, form: Form, answers: Mapping[str, AnswerData | None]) -> None:
        self.form = form
        self.answers = {key: value for key, value in answers.items() if value is not None}
        self._values: dict[str, ItemValue | None] = {}

    def lookup(self, name: str) -> ItemValue | None:
        """The answer to `name` as conditions see it; None when unanswered or not asked."""
        if name in self._values:
            return self._values[name]
        item = self.form.find_item(name)
        value = None if item is None or not self.applies(item) else item_value(item, self.answers.get(item.id))
        self._values[name] = value
        return value

    def applies(self, item: Item) -> bool:
        """Whether `item` is asked, given the answers so far (conditions only look back)."""
        return item.when is None or item.when.evaluate(self.lookup)

    def group_applies(self, item: Item) -> bool:
        parent = next((p for p in self.form.items if item in p.children), None)
        return (parent is None or self.applies(parent)) and self.applies(item)

    def questions(self) -> tuple[Item, ...]:
        """The items a patient sees now, one screen each: top-level items that apply (groups whole)."""
        return tuple(item for item in self.form.items if self.applies(item))

    def unanswered_in(self, item: Item) -> tuple[str, ...]:
        """The required questions of one screen (a question, or each question of a group) that apply now and
        have no answer.

        The one rule for "is this screen done": the patient flow moves on and resumes by it, Review names
        what is left by it, and submit refuses by it (through unanswered_required), so a patient can never
        reach Submit on an intake the service would refuse (e.g. "ride home: yes" with the driver's name and
        phone still empty after a walk-away, a crash or a change from Review).
        """
        questions = item.children if item.type is ItemType.GROUP else (item,)
        return tuple(
            question.id
            for question in questions
            if question.required
            and question.is_answered_type
            and self.group_applies(question)
            and question.id not in self.answers
        )

    def unanswered_required(self) -> tuple[str, ...]:
        """Every required question of the form that applies now and has no answer, in form order."""
        return tuple(item_id for item in self.form.items if self.applies(item) for item_id in self.unanswered_in(item))


def score(form: Form, answers: Mapping[str, AnswerData | None], language: str = "en") -> ScoreResult:
    """Total, band, completeness and raised flags of `answers` to `form`."""
    sheet = AnswerSheet(form, answers)
    total: int | None = None
    band: Band | None = None
    missing: tuple[str, ...] = ()
    if form.scoring is not None:
        missing = tuple(item_id for item_id in form.scoring.item_ids if sheet.lookup(item_id) is None)
        if not missing:
            total = _total(form, sheet)
            band = form.scoring.band_for(total)
    unanswered = sheet.unanswered_required()
    complete = total is not None if form.scoring is not None else not unanswered
    flags = raised_flags(form, sheet, total, language)
    return ScoreResult(
        form_id=form.id,
        version=str(form.version),
        total=total,
        band=band,
        complete=complete,
        missing=missing,
        flags=flags,
        maximum=form.scoring.maximum if form.scoring else None,
        unanswered=unanswered,
    )


def is_scored(form: Form, item_id: str) -> bool:
    """Whether the item's answer counts toward the form's total (PHQ-9's difficulty question does not)."""
    return form.scoring is not None and item_id in form.scoring.item_ids


def item_score(form: Form, item: Item, value: AnswerData | None) -> int | None:
    """The points an answer adds to the form's total; None when unanswered or when the item is not scored."""
    if value is None or isinstance(value, list) or not is_scored(form, item.id):
        return None
    option = item.option(str(value))
    return option.score if option is not None else None


def question_numbers(form: Form) -> dict[str, int]:
    """Each answerable question's number as the form prints it (1 for the first question asked)."""
    return {item.id: number for number, item in enumerate(form.answerable_items(), start=1)}


def holds_by_item(form: Form, holds: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Which question each standing hold is about: for each question a hold rule of `form` looks at, the
    messages of those holds. `holds` are (code, message) pairs of the form's standing holds."""
    rules = {rule.code: rule for rule in form.flags}
    by_item: dict[str, list[str]] = {}
    for code, message in holds:
        rule = rules.get(code)
        for name in rule.when.names if rule is not None else ():
            target = form.find_item(name)
            if target is not None:
                by_item.setdefault(target.id, []).append(message)
    return by_item


def _total(form: Form, sheet: AnswerSheet) -> int:
    assert form.scoring is not None
    total = 0
    for term in form.scoring.terms:
        scores = [value.number for item_id in term.item_ids if (value := sheet.lookup(item_id)) is not None]
        numbers = [int(number) for number in scores if number is not None]
        total += max(numbers) if term.take_max else numbers[0]
    return total


def raised_flags(form: Form, sheet: AnswerSheet, total: int | None, language: str = "en") -> tuple[RaisedFlag, ...]:
    def lookup(name: str) -> ItemValue | None:
        if name == "total":
            return ItemValue(number=float(total), text=None) if total is not None else None
        return sheet.lookup(name)

    return tuple(
        RaisedFlag(
            code=rule.code,
            level=rule.level,
            message=pick(rule.message, language),
            form_id=form.id,
            patient_screen=rule.patient_screen,
        )
        for rule in form.flags
        if rule.when.evaluate(lookup)
    )


def resolve_answers(form: Form, raw_answers: Mapping[str, Any]) -> dict[str, AnswerData]:
    """Map answers keyed by item id or code (e.g. LOINC) to stored values; every problem is an AnswerError."""
    resolved: dict[str, AnswerData] = {}
    for key, raw in raw_answers.items():
        item = form.find_item(str(key))
        if item is None:
            raise AnswerError(f"form {form.id!r} has no item with id or code {key!r}")
        if not item.is_answered_type:
            raise AnswerError(f"item {item.id!r} of form {form.id!r} is not a question")
        if raw is None:
            continue
        try:
            resolved[item.id] = normalize_answer(item, raw)
        except AnswerError as error:
            raise AnswerError(f"answer to {key!r}: {error}") from None
    return resolved


def parse_answers_json(text: str) -> dict[str, Any]:
    """Parse the `--answers` JSON object of the command line, with a clear message when it is not one."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise AnswerError(
            f"--answers is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except ValueError:  # Python reads no integer of more than 4,300 digits
        raise AnswerError(
            "--answers holds a number thousands of digits long; an answer is a small number such as 2"
        ) from None
    except RecursionError:
        raise AnswerError('--answers is nested too deeply; give one flat object such as {"q1": 2}') from None
    if not isinstance(value, dict):
        raise AnswerError('--answers must be a JSON object such as {"q1": 2, "q9": 0}')
    return value
