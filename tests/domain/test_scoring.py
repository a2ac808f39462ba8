"""Totals, bands, completeness and flags of the shipped PHQ-9 and GAD-7, as CLINICAL.md defines them."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.forms import Form, ItemType
from kiosk.domain.loader import FormLibrary, load_forms
from kiosk.domain.scoring import AnswerError, AnswerSheet, normalize_answer, resolve_answers, score
from kiosk.domain.statuses import FlagLevel
from tests.conftest import FORMS_DIR

CODES = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]


@cache
def library() -> FormLibrary:
    return load_forms(FORMS_DIR)


def phq9() -> Form:
    return library().get("phq9")


def gad7() -> Form:
    return library().get("gad7")


def answers_with(scores: list[int]) -> dict[str, str | int | float | list[str]]:
    return {f"q{n}": CODES[value] for n, value in enumerate(scores, start=1)}


@pytest.mark.parametrize(
    ("scores", "total", "band"),
    [
        ([0] * 9, 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([1] * 9, 9, "mild"),
        ([2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate"),
        ([2, 2, 2, 2, 2, 2, 2, 1, 0], 15, "moderately_severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ([3] * 9, 27, "severe"),
    ],
)
def test_phq9_totals_and_bands(scores: list[int], total: int, band: str) -> None:
    result = score(phq9(), answers_with(scores))
    assert result.total == total
    assert result.band is not None and result.band.code == band


@pytest.mark.parametrize(
    ("scores", "band"),
    [([0] * 7, "minimal"), ([1] * 5 + [0, 0], "mild"), ([2] * 5 + [0, 0], "moderate"), ([3] * 5 + [0, 0], "severe")],
)
def test_gad7_bands(scores: list[int], band: str) -> None:
    result = score(gad7(), answers_with(scores))
    assert result.band is not None and result.band.code == band


def test_a_gap_means_no_total_never_zero() -> None:
    answers = answers_with([3, 3, 3, 3, 3, 3, 3, 3])  # q9 missing
    result = score(phq9(), answers)
    assert result.total is None
    assert result.band is None
    assert result.complete is False
    assert result.missing == ("q9",)


def test_item9_above_zero_is_urgent_whatever_the_total() -> None:
    result = score(phq9(), answers_with([0, 0, 0, 0, 0, 0, 0, 0, 1]))
    assert result.total == 1
    urgent = [flag for flag in result.flags if flag.level is FlagLevel.URGENT]
    assert [flag.code for flag in urgent] == ["phq9_item9_positive"]
    assert urgent[0].patient_screen == "crisis"


def test_item9_at_zero_raises_no_urgent_flag() -> None:
    result = score(phq9(), answers_with([3, 3, 3, 3, 3, 3, 3, 3, 0]))
    assert not [flag for flag in result.flags if flag.level is FlagLevel.URGENT]


def test_difficulty_is_asked_only_when_an_item_is_above_zero() -> None:
    form = phq9()
    difficulty = form.item("difficulty")
    assert not AnswerSheet(form, answers_with([0] * 9)).applies(difficulty)
    assert AnswerSheet(form, answers_with([0] * 8 + [1])).applies(difficulty)
    # all zero: the difficulty question is not asked, so nothing is left unanswered
    assert score(form, answers_with([0] * 9)).unanswered == ()
    some = answers_with([1] + [0] * 8)
    # The total stands (complete), and the unscored difficulty question is still to be answered.
    assert (score(form, some).complete, score(form, some).unanswered) == (True, ("difficulty",))
    some["difficulty"] = "LA6573-5"
    assert (score(form, some).complete, score(form, some).unanswered) == (True, ())


def test_difficulty_is_not_counted_in_the_total() -> None:
    answers = answers_with([1] * 9)
    answers["difficulty"] = "LA6574-3"
    assert score(phq9(), answers).total == 9


def test_answers_by_loinc_code_and_by_score() -> None:
    resolved = resolve_answers(phq9(), {"44250-9": 2, "q2": "LA6571-9", "44260-8": "1"})
    assert resolved == {"q1": "LA6570-1", "q2": "LA6571-9", "q9": "LA6569-3"}


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({"q1": 4}, "not an option of item 'q1'"),
        ({"q1": "often"}, "not an option"),
        ({"q99": 1}, "no item with id or code 'q99'"),
    ],
)
def test_bad_answers_are_refused_clearly(answers: dict[str, object], words: str) -> None:
    with pytest.raises(AnswerError) as caught:
        resolve_answers(phq9(), answers)
    assert words in str(caught.value)


def test_answer_types() -> None:
    checklist = library().get("checklist_im_ketamine")
    phone_items = [item for item in checklist.all_items() if item.type is ItemType.PHONE]
    assert phone_items, "the checklist asks for the driver's phone"
    assert normalize_answer(phone_items[0], "555 010 0188") == "(555) 010-0188"
    with pytest.raises(AnswerError):
        normalize_answer(phone_items[0], "call me")


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=9, max_size=9))
def test_phq9_total_is_the_sum_and_in_range(scores: list[int]) -> None:
    result = score(phq9(), answers_with(scores))
    assert result.total == sum(scores)
    assert 0 <= result.total <= 27


@given(st.lists(st.integers(min_value=0, max_value=3), min_size=7, max_size=7))
def test_gad7_total_is_the_sum_and_in_range(scores: list[int]) -> None:
    result = score(gad7(), answers_with(scores))
    assert result.total == sum(scores)
    assert 0 <= result.total <= 21


@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=3)), min_size=9, max_size=9))
def test_any_gap_in_phq9_means_incomplete(scores: list[int | None]) -> None:
    answers = {f"q{n}": CODES[value] for n, value in enumerate(scores, start=1) if value is not None}
    result = score(phq9(), answers)
    assert (result.total is None) == (None in scores)
    assert result.complete == (result.total is not None)


@pytest.mark.parametrize("form_id", ["phq9", "gad7"])
def test_every_possible_total_falls_in_exactly_one_band(form_id: str) -> None:
    scoring = library().get(form_id).scoring
    assert scoring is not None
    for total in range(scoring.minimum, scoring.maximum + 1):
        assert sum(1 for band in scoring.bands if band.contains(total)) == 1
    assert not any(band.contains(scoring.minimum - 1) or band.contains(scoring.maximum + 1) for band in scoring.bands)
