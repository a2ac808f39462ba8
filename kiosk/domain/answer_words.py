"""An answer in words, written once for everyone who shows one: the patient's Review screen, the staff
intake review, the packet and the question screen that shows a typed answer again.

Choices read as their option's label (several joined by "; "; a code the form no longer has reads as
the code itself, so nothing stored is hidden); dates as MM/DD/YYYY; anything typed as typed.
"""

from __future__ import annotations

import datetime as dt

from kiosk.domain.forms import Item, ItemType, pick
from kiosk.domain.scoring import AnswerData

LIST_SEPARATOR = "; "


def option_label(item: Item, code: str, language: str) -> str:
    """The option's label in `language`, or the code itself when the form has no such option."""
    option = item.option(code)
    return pick(option.label, language) if option is not None else code


def answer_label(item: Item, value: AnswerData | None, language: str) -> str | None:
    """The answer in words; None when the question was not answered (each screen says that its own way)."""
    if value is None:
        return None
    if isinstance(value, list):
        return LIST_SEPARATOR.join(option_label(item, str(code), language) for code in value)
    if item.options:
        return option_label(item, str(value), language)
    return answer_as_typed(item, value)


def answer_as_typed(item: Item, value: AnswerData) -> str:
    """A typed answer as the patient types it: a date as MM/DD/YYYY, a number or text as it is."""
    if item.type is ItemType.DATE and isinstance(value, str):
        try:
            date = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{date.month:02d}/{date.day:02d}/{date.year:04d}"
    return str(value)
