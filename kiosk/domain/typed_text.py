"""What a typed text or date of birth may be before anything stores it: a sane length, characters that can
be stored, a date of birth that a living patient can have.

The kiosk's own keyboard cannot type a lone surrogate, a control character or ten megabytes, but the
services also serve the command line, CSV files and whatever calls them next; every text a person typed
passes through here once, so the rule is written once.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from enum import Enum

from kiosk.domain.refusals import RefusedError

MAX_NAME_LENGTH = 100
"""A first or last name, as typed at check-in, on a consent or in a CSV row."""

MAX_FULL_NAME_LENGTH = 2 * MAX_NAME_LENGTH + 1
"""A whole name typed at once (the name under a signature): a first and a last name."""

MAX_CHART_LENGTH = 64
"""A chart number from the practice's records."""

MAX_PHONE_LENGTH = 40
"""A phone number as written, extension included."""

MAX_LABEL_LENGTH = 128
"""A short label a person types for others to read: a staff member's name as staff see it."""


class TypedTextError(RefusedError, ValueError):
    """A typed text that cannot be stored; the message is one sentence naming what it is about."""

    def sentence(self) -> str:
        """The message as a sentence of its own: "The first name is longer than ..."."""
        message = str(self)
        return message[:1].upper() + message[1:]


def clean_typed_text(value: str, *, what: str, max_length: int) -> str:
    """`value` with its white space folded, or TypedTextError (too long, or holding characters that are
    not text: a lone surrogate, a control character)."""
    if len(value) > 4 * max_length:  # refuse a huge value before folding it
        raise TypedTextError(f"the {what} is longer than {max_length} characters")
    text = " ".join(value.split())
    if len(text) > max_length:
        raise TypedTextError(f"the {what} is longer than {max_length} characters")
    check_characters(text, what=what)
    return text


def check_characters(text: str, *, what: str, line_breaks: bool = False) -> None:
    """TypedTextError when `text` holds a character that is not text: a lone surrogate (cannot be stored as
    UTF-8) or a control character (line breaks and tabs allowed where `line_breaks`, in free-text answers)."""
    allowed = "\n\r\t" if line_breaks else ""
    for character in text:
        if 0xD800 <= ord(character) <= 0xDFFF or (unicodedata.category(character) == "Cc" and character not in allowed):
            raise TypedTextError(f"the {what} holds a character that is not text (U+{ord(character):04X})")


def capitalize_name(text: str) -> str:
    """A person's name with each all-lower-case word capitalised: "jordan lee" -> "Jordan Lee", "josé núñez-o'brien"
    -> "José Núñez-O'Brien". A word the person capitalised themselves ("McDonald", "de LA") is kept as typed, and
    so is everything that is not a name (medicine and dose free text never passes through here)."""

    def word(match: re.Match[str]) -> str:
        typed = match.group(0)
        if typed != typed.lower():
            return typed
        return re.sub(r"(^|[-'’])(\w)", lambda part: part.group(1) + part.group(2).upper(), typed)

    return re.sub(r"\S+", word, text)


MAX_AGE_YEARS = 120


class DateOfBirthProblem(Enum):
    """Why a real date cannot be a patient's date of birth; the screen and the CSV import word it."""

    IN_THE_FUTURE = "in the future"
    TOO_LONG_AGO = f"more than {MAX_AGE_YEARS} years ago"


def date_of_birth_problem(dob: dt.date, today: dt.date) -> DateOfBirthProblem | None:
    """None for a date a living patient can have been born on."""
    if dob > today:
        return DateOfBirthProblem.IN_THE_FUTURE
    if today.year - dob.year > MAX_AGE_YEARS:
        return DateOfBirthProblem.TOO_LONG_AGO
    return None
