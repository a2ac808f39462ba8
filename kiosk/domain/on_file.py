"""What the kiosk may show a patient of a record kept on file: enough to recognise it, not to read it out.

A checklist asks "Is the emergency contact we have on file still correct?"; the patient sees "J. Lee,
(555) ...-0142" under it: the first initial and last name, the area code and the last four digits. Someone
reading over a shoulder in the waiting room learns no full name and no number to call.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\d")
_NOTE = re.compile(r"\([^)]*\)")


def mask_name(name: str) -> str:
    """ "Jordan Lee" -> "J. Lee"; a single name keeps only its initial ("J."); a note in brackets is left out."""
    words = _NOTE.sub(" ", name).split()
    if not words:
        return ""
    initial = f"{words[0][0].upper()}."
    return initial if len(words) == 1 else f"{initial} {words[-1]}"


def mask_phone(phone: str) -> str:
    """ "(555) 010-0142" -> "(555) ...-0142"; without an area code, only "...-0142"."""
    digits = "".join(_DIGITS.findall(phone))
    if len(digits) > 10 and digits.startswith("1"):
        digits = digits[1:]  # the US country code
    if len(digits) < 4:
        return "..."
    last = digits[-4:]
    return f"({digits[:3]}) ...-{last}" if len(digits) >= 10 else f"...-{last}"


def mask_contact(name: str, phone: str) -> str:
    """ "Jordan Lee", "(555) 010-0142" -> "J. Lee, (555) ...-0142"."""
    parts = [part for part in (mask_name(name), mask_phone(phone) if phone.strip() else "") if part]
    return ", ".join(parts)
