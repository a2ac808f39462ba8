"""What a typed text may be before anything stores it: a sane length, and characters that can be stored.

The kiosk's own keyboard cannot type a lone surrogate, a control character or ten megabytes, but the
services also serve the command line, CSV files and whatever calls them next; every text a person typed
passes through here once, so the rule is written once.
"""

from __future__ import annotations

import unicodedata

MAX_NAME_LENGTH = 100
"""A first or last name, as typed at check-in, on a consent or in a CSV row."""


class TypedTextError(ValueError):
    """A typed text that cannot be stored; the message is one sentence naming what it is about."""


def clean_typed_text(value: str, *, what: str, max_length: int) -> str:
    """`value` with its white space folded, or TypedTextError (too long, or holding characters that are
    not text: a lone surrogate, a control character)."""
    if len(value) > 4 * max_length:  # refuse a huge value before folding it
        raise TypedTextError(f"the {what} is longer than {max_length} characters")
    text = " ".join(value.split())
    if len(text) > max_length:
        raise TypedTextError(f"the {what} is longer than {max_length} characters")
    for character in text:
        if 0xD800 <= ord(character) <= 0xDFFF or unicodedata.category(character) == "Cc":
            raise TypedTextError(f"the {what} holds a character that is not text (U+{ord(character):04X})")
    return text
