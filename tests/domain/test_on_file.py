"""Tests for kiosk/domain/on_file.py: a record on file as a patient may see it."""

from __future__ import annotations

import pytest

from kiosk.domain.on_file import mask_contact, mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "phone", "shown"),
    [
        ("Jordan Lee", "(555) 010-0142", "J. Lee, (555) ...-0142"),
        ("Ana María García López", "+1 555 010 0102", "A. López, (555) ...-0102"),
        ("Jordan Example (synthetic)", "555-010-0199", "J. Example, (555) ...-0199"),
        ("cher", "0100 0142", "C., ...-0142"),
        ("Jordan Lee", "", "J. Lee"),
    ],
)
def test_a_contact_is_shown_recognisable_but_not_readable(name: str, phone: str, shown: str) -> None:
    assert mask_contact(name, phone) == shown


def test_nothing_of_the_full_number_or_first_name_is_left() -> None:
    shown = mask_contact("Jordan Lee", "(555) 010-0142")
    assert "Jordan" not in shown and "010" not in shown
    assert mask_name("  ") == ""
    assert mask_phone("12") == "..."
