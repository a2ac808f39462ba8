"""An answer in words, the same for the patient's Review, the staff review and the packet."""

from __future__ import annotations

import dataclasses

from kiosk.domain.answer_words import answer_as_typed, answer_label
from kiosk.domain.forms import ItemType
from kiosk.domain.loader import load_forms
from kiosk.domain.scoring import is_scored, item_score, question_numbers
from kiosk.resources import forms_dir

FORMS = load_forms(forms_dir())
PHQ9 = FORMS.get("phq9")
CHECKLIST = FORMS.get("checklist_im_ketamine")


def test_choices_read_as_their_labels_in_the_language_asked() -> None:
    item = PHQ9.item("q1")
    assert answer_label(item, "LA6569-3", "en") == "Several days"
    assert answer_label(item, "LA6569-3", "es") == "Varios días"
    which = CHECKLIST.item("substances_which")
    assert answer_label(which, ["alcohol", "cannabis"], "en") == "Alcohol; Cannabis (marijuana)"


def test_an_unknown_code_is_shown_as_stored_and_unanswered_is_none() -> None:
    assert answer_label(PHQ9.item("q1"), "LA-gone", "en") == "LA-gone"
    assert answer_label(PHQ9.item("q1"), None, "en") is None


def test_typed_answers_as_typed_and_dates_as_month_day_year() -> None:
    text = CHECKLIST.item("medication_which")
    assert answer_label(text, "Sertraline 50 mg", "en") == "Sertraline 50 mg"
    date = dataclasses.replace(text, type=ItemType.DATE)
    assert answer_label(date, "2026-04-27", "en") == answer_as_typed(date, "2026-04-27") == "04/27/2026"
    assert answer_as_typed(date, "not a date") == "not a date"


def test_which_items_are_scored_is_decided_once() -> None:
    assert [item.id for item in PHQ9.answerable_items() if is_scored(PHQ9, item.id)] == [f"q{n}" for n in range(1, 10)]
    difficulty = next(item for item in PHQ9.answerable_items() if not is_scored(PHQ9, item.id))
    assert item_score(PHQ9, difficulty, difficulty.options[0].code) is None
    assert item_score(PHQ9, PHQ9.item("q1"), "LA6569-3") == 1
    assert item_score(PHQ9, PHQ9.item("q1"), None) is None
    assert question_numbers(PHQ9)[difficulty.id] == 10
    assert not is_scored(CHECKLIST, "food_recent")
