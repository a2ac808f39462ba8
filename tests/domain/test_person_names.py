"""Names are kept as names are written ("jordan lee" -> "Jordan Lee"); medicine and dose free text never is."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.domain.forms import ItemType
from kiosk.domain.loader import check_form_file, load_forms
from kiosk.domain.scoring import normalize_answer
from kiosk.domain.typed_text import capitalize_name
from tests.conftest import FORMS_DIR


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("jordan lee", "Jordan Lee"),
        ("josé núñez-o'brien", "José Núñez-O'Brien"),
        ("McDonald", "McDonald"),
        ("ana de LA cruz", "Ana De LA Cruz"),
        ("ñandú", "Ñandú"),
    ],
)
def test_each_all_lower_case_word_of_a_name_is_capitalised(typed: str, kept: str) -> None:
    assert capitalize_name(typed) == kept


def test_the_checklists_store_names_capitalised_and_medicines_as_typed() -> None:
    forms = load_forms(FORMS_DIR)
    for form_id in ("checklist_im_ketamine", "checklist_spravato"):
        form = forms.get(form_id)
        assert normalize_answer(form.item("driver_name"), "jordan lee") == "Jordan Lee"
        medicine = form.item("medication_which")
        assert medicine.type is ItemType.TEXT and not medicine.person_name
        typed = "sertraline 50 mg to 100 mg, twice a day?"
        assert normalize_answer(medicine, typed) == typed
    contact = forms.get("checklist_im_ketamine").item("emergency_contact_name")
    assert normalize_answer(contact, "sam o'neil") == "Sam O'Neil"


def test_person_name_only_on_text_items(tmp_path: Path) -> None:
    source = (Path(__file__).parent / "broken_forms" / "valid_mini.yaml").read_text()
    broken = source.replace("    options: frequency\n", "    options: frequency\n    person_name: true\n", 1)
    path = tmp_path / "mini.yaml"
    path.write_text(broken)
    form, problems = check_form_file(path)
    assert form is None
    assert any(p.line == 16 and "only a text item can be a 'person_name'" in p.message for p in problems), problems
