"""The condition language: parsing, errors with columns, and evaluation with unanswered items."""

from __future__ import annotations

import pytest

from kiosk.domain.conditions import ConditionError, ItemValue, parse_condition

ANSWERS = {
    "q1": ItemValue(number=0, text="LA6568-5"),
    "q2": ItemValue(number=2, text="LA6570-1"),
    "ride": ItemValue(number=0, text="no"),
    "subs": ItemValue(number=2, text=None, codes=frozenset({"alcohol", "cannabis"})),
}


def lookup(name: str) -> ItemValue | None:
    return ANSWERS.get(name)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("q2 > 0", True),
        ("q1 > 0", False),
        ("max(q1, q2, q3) > 0", True),
        ("max(q1, q3) > 0", False),
        ("sum(q1, q2) == 2", True),
        ("count(q1, q2, q3) == 2", True),
        ('ride == "no"', True),
        ('ride in ["yes", "unsure"]', False),
        ('not (ride == "yes") and q2 >= 2', True),
        ("q3 > 0 or q2 == 2", True),
        ("answered(q3)", False),
        ("answered(q1)", True),
        ('has(subs, "alcohol")', True),
        ('has(subs, "opioids")', False),
        ("q3 == 0", False),  # an unanswered item compares false, never as 0
        ("q3 != 0", False),
        ("q1 == -1", False),
    ],
)
def test_evaluation(source: str, expected: bool) -> None:
    assert parse_condition(source).evaluate(lookup) is expected


def test_names_lists_every_item_once() -> None:
    assert parse_condition("max(q1, q2) > 0 and q1 < 3 or answered(q9)").names == ("q1", "q2", "q9")


@pytest.mark.parametrize(
    ("source", "words", "column"),
    [
        ("", "empty", 1),
        ("q1 >", "expected an item name", 5),
        ("q1 >>= 2", "found '>='", 5),
        ("q1", "a comparison", 1),
        ("open(q1) > 0", "unknown function 'open'", 1),
        ("q1 > 0 and", "expected an item name", 11),
        ("(q1 > 0", "expected ')'", 8),
        ("q1 $ 2", "unexpected character '$'", 4),
        ("q1 in [q2]", "only numbers and quoted codes", 10),
        ("has(q1) ", "has() takes an item name and a quoted code", 1),
    ],
)
def test_errors_say_what_and_where(source: str, words: str, column: int) -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition(source)
    assert words in str(caught.value)
    assert caught.value.column == column


def test_no_python_is_ever_evaluated() -> None:
    with pytest.raises(ConditionError):
        parse_condition("__import__('os').system('true') > 0")
