"""Every kind of broken form file gets one clear `file:line: problem`, and a broken form is never loaded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.domain.forms import FormKind
from kiosk.domain.loader import FormsInvalidError, check_form_file, check_forms, load_forms
from tests.conftest import FORMS_DIR

BROKEN = Path(__file__).parent / "broken_forms"

# file -> (line, words the message must contain)
FAULTS = {
    "yaml_syntax_error.yaml": (5, "YAML syntax error"),
    "missing_id.yaml": (1, "has no 'id'"),
    "duplicate_item_id.yaml": (16, "item id 'q1' is used twice"),
    "unknown_item_type.yaml": (13, "type 'slider' is not one of"),
    "option_without_score.yaml": (21, "needs a numeric score (missing for: a2)"),
    "bands_overlap.yaml": (24, "overlaps band 'low'"),
    "bands_gap.yaml": (24, "no band holds totals 2-2"),
    "flag_unknown_item.yaml": (28, "names 'q7', which is not an item"),
    "condition_looks_forward.yaml": (15, "not an earlier item"),
    "language_missing.yaml": (18, "has no 'es' text"),
    "choice_without_options.yaml": (12, "needs 'options'"),
    "duplicate_option_codes.yaml": (10, "option code 'a1' is used twice"),
    "empty_consent_text.yaml": (10, "consent text (body) has an empty 'es' text"),
    "version_not_a_version.yaml": (2, "'one point oh' is not a version"),
    "not_utf8.yaml": (8, "not UTF-8"),
    "condition_syntax_error.yaml": (28, "condition 'q2 >>= 2'"),
    "unknown_key.yaml": (15, "unknown key 'optoins'"),
    "unknown_flag_level.yaml": (27, "flag level 'critical'"),
    "unknown_kind.yaml": (3, "kind 'survey'"),
    "unknown_option_set.yaml": (15, "no option set named 'frequencies'"),
}


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_each_fault_is_reported_with_file_line_and_reason(name: str) -> None:
    path = BROKEN / name
    form, problems = check_form_file(path)
    line, words = FAULTS[name]
    assert form is None
    assert any(p.line == line and words in p.message for p in problems), [str(p) for p in problems]
    assert all(str(p).startswith(f"{path}:") for p in problems)


def test_the_unbroken_original_is_valid() -> None:
    form, problems = check_form_file(BROKEN / "valid_mini.yaml")
    assert problems == []
    assert form is not None and form.id == "mini"


def test_two_files_with_one_id() -> None:
    forms, problems = check_forms(BROKEN / "two_files_one_id")
    assert [str(p).split("/")[-1] for p in problems] == ["b.yaml:1: id 'mini' is already used by a.yaml"]
    assert [f.id for f in forms] == ["mini"]


def test_a_folder_with_one_broken_form_is_refused_whole(tmp_path: Path) -> None:
    shutil.copy(BROKEN / "valid_mini.yaml", tmp_path / "mini.yaml")
    shutil.copy(BROKEN / "bands_gap.yaml", tmp_path / "other.yaml")
    (tmp_path / "other.yaml").write_text((tmp_path / "other.yaml").read_text().replace("id: mini", "id: other"))
    with pytest.raises(FormsInvalidError) as caught:
        load_forms(tmp_path)
    assert len(caught.value.problems) == 1
    assert "other.yaml:24:" in str(caught.value)


def test_every_problem_of_a_file_is_listed_not_just_the_first(tmp_path: Path) -> None:
    text = (BROKEN / "valid_mini.yaml").read_text()
    text = text.replace('version: "1.0.0"', 'version: "x"').replace("type: single_choice", "type: dial", 1)
    (tmp_path / "two.yaml").write_text(text)
    _, problems = check_form_file(tmp_path / "two.yaml")
    assert {p.line for p in problems} >= {2, 13}


def test_empty_and_missing_folders(tmp_path: Path) -> None:
    assert "no form files" in check_forms(tmp_path)[1][0].message
    assert "does not exist" in check_forms(tmp_path / "nope")[1][0].message


def test_shipped_forms_are_all_valid() -> None:
    library = load_forms(FORMS_DIR)
    kinds = {form.id: form.kind for form in library.forms.values()}
    assert kinds["phq9"] is FormKind.QUESTIONNAIRE
    assert kinds["gad7"] is FormKind.QUESTIONNAIRE
    for consent in ("consent_im_ketamine", "consent_spravato", "privacy_notice", "esign_consent"):
        assert kinds[consent] is FormKind.CONSENT
    for checklist in ("checklist_im_ketamine", "checklist_spravato"):
        assert kinds[checklist] is FormKind.CHECKLIST
    for form in library.forms.values():
        assert set(form.languages) == {"en", "es"}


def _mini_with(tmp_path: Path, item_lines: str) -> list[str]:
    """Problems of the valid mini form (as a checklist, or as it is) with `item_lines` added to its item q1."""
    text = (BROKEN / "valid_mini.yaml").read_text()
    text = text.replace(
        '    text: {en: "First", es: "Primero"}\n', '    text: {en: "First", es: "Primero"}\n' + item_lines, 1
    )
    (tmp_path / "mini.yaml").write_text(text)
    _, problems = check_form_file(tmp_path / "mini.yaml")
    return [problem.message for problem in problems]


def test_first_visit_text_needs_every_language_and_is_not_for_a_questionnaire(tmp_path: Path) -> None:
    missing = _mini_with(tmp_path, '    first_visit_text: {en: "First time"}\n')
    assert any("first-visit text of item 'q1' has no 'es' text" in message for message in missing)
    reworded = _mini_with(tmp_path, '    first_visit_text: {en: "First time", es: "Primera vez"}\n')
    assert any("asked word for word; first_visit_text is for checklists" in message for message in reworded)


def test_on_file_names_a_known_record(tmp_path: Path) -> None:
    assert any(
        "on_file 'address' is not one of: emergency_contact" in message
        for message in _mini_with(tmp_path, "    on_file: address\n")
    )
    assert _mini_with(tmp_path, "    on_file: emergency_contact\n") == []


def test_the_shipped_checklists_have_first_visit_words_for_since_your_last_visit() -> None:
    library = load_forms(FORMS_DIR)
    for form in library.forms.values():
        for item in form.all_items():
            if "last visit" in item.text["en"]:
                assert item.first_visit_text is not None, (form.id, item.id)
                assert "last visit" not in item.first_visit_text["en"]
                assert "última visita" not in item.first_visit_text["es"]
    contact = library.get("checklist_im_ketamine").item("emergency_contact_correct")
    assert contact.on_file == "emergency_contact"
