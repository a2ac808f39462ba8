"""Session record forms are checked like every other form: measurement items only in a session record, a unit
for every quantity, the two monitoring times and a vitals group with a blood pressure, prefill that names a
real form and its items."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.domain.forms import FormKind, ItemType
from kiosk.domain.loader import check_form_file, check_forms, load_forms
from tests.conftest import FORMS_DIR

HEAD = """id: session_test
version: "1.0"
kind: {kind}
languages: [en]
title: {{en: "Session"}}
"""
GOOD_ITEMS = """items:
  - {id: dose_time, type: time, text: {en: "Dose given"}}
  - id: vitals
    type: group
    text: {en: "Vitals"}
    items:
      - {id: bp, type: blood_pressure, text: {en: "BP"}}
      - {id: pulse, type: heart_rate, text: {en: "HR"}}
      - {id: sat, type: spo2, text: {en: "SpO2"}}
  - {id: dose_mg, type: quantity, unit: mg, min: 1, max: 100, text: {en: "Dose"}}
  - {id: discharge_time, type: time, text: {en: "Discharge"}}
"""


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "session_test.yaml"
    path.write_text(text)
    form, problems = check_form_file(path)
    assert (form is None) == bool(problems)
    return [f"{problem.line}: {problem.message}" for problem in problems]


def test_the_shipped_session_records_load() -> None:
    library = load_forms(FORMS_DIR)
    spravato = library.get("session_spravato")
    assert spravato.kind is FormKind.SESSION_RECORD
    assert (spravato.monitoring_minutes, spravato.rems) == (120, True)
    assert spravato.item("dose_time").type is ItemType.TIME
    assert spravato.item("med_opioids").prefill is not None
    im = library.get("session_im_ketamine")
    assert (im.monitoring_minutes, im.rems) == (None, False)
    assert im.item("dose_mg").unit == "mg"


def test_a_good_session_record_has_no_problems(tmp_path: Path) -> None:
    assert _problems(tmp_path, HEAD.format(kind="session_record") + "monitoring_minutes: 60\n" + GOOD_ITEMS) == []


def test_measurements_belong_to_session_records_only(tmp_path: Path) -> None:
    problems = _problems(tmp_path, HEAD.format(kind="checklist") + GOOD_ITEMS)
    assert "7: item 'dose_time': a time item belongs only in a session_record form" in problems
    assert "12: item 'bp': a blood_pressure item belongs only in a session_record form" in problems
    assert "15: item 'dose_mg': a quantity item belongs only in a session_record form" in problems


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("unit: mg, ", ""), "15: item 'dose_mg': a quantity needs a 'unit'"),
        (
            ('type: time, text: {en: "Discharge"}', 'type: text, text: {en: "Discharge"}'),
            "6: a session record needs a time item 'discharge_time'",
        ),
        (("type: blood_pressure", "type: number"), "8: the group 'vitals' needs a blood_pressure item"),
        (("id: vitals", "id: readings"), "6: a session record needs a top-level group 'vitals'"),
        (
            ("id: sat, type: spo2,", "id: sat, type: spo2, unit: '%',"),
            "14: item 'sat': only a quantity item takes 'unit'",
        ),
    ],
)
def test_what_the_session_service_relies_on_is_checked(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    text = HEAD.format(kind="session_record") + GOOD_ITEMS.replace(*change)
    assert expected in _problems(tmp_path, text)


def test_monitoring_minutes_and_rems_are_checked(tmp_path: Path) -> None:
    text = HEAD.format(kind="session_record") + "monitoring_minutes: -5\nrems: maybe\n" + GOOD_ITEMS
    assert _problems(tmp_path, text) == [
        "6: 'monitoring_minutes' must be a positive whole number",
        "7: 'rems' must be true or false",
    ]


def test_prefill_must_name_a_form_of_the_folder_and_its_items(tmp_path: Path) -> None:
    checklist = (FORMS_DIR / "checklist_spravato.yaml").read_text()
    (tmp_path / "checklist_spravato.yaml").write_text(checklist)
    record = (
        HEAD.format(kind="session_record")
        + GOOD_ITEMS
        + (
            '  - id: med_one\n    type: yes_no\n    text: {en: "One"}\n'
            "    prefill: {form: checklist_spravato, when: 'has(substances_which, \"opioids\")'}\n"
            '  - id: med_two\n    type: yes_no\n    text: {en: "Two"}\n'
            "    prefill: {form: checklist_spravato, when: 'has(pills, \"opioids\")'}\n"
            '  - id: med_three\n    type: yes_no\n    text: {en: "Three"}\n'
            "    prefill: {form: checklist_nowhere, when: 'has(pills, \"opioids\")'}\n"
        )
    )
    (tmp_path / "session_test.yaml").write_text(record)
    _, problems = check_forms(tmp_path)
    messages = sorted(f"{Path(p.file).name}:{p.line}: {p.message}" for p in problems)
    assert messages == [
        "session_test.yaml:21: item 'med_two': the prefill condition names 'pills', which is not an item of "
        "checklist_spravato",
        "session_test.yaml:25: item 'med_three': prefill names form 'checklist_nowhere', which is not in this folder",
    ]


def test_only_a_session_records_yes_no_item_takes_prefill(tmp_path: Path) -> None:
    record = (
        HEAD.format(kind="session_record")
        + GOOD_ITEMS
        + '  - id: med_four\n    type: text\n    text: {en: "Four"}\n'
        + "    prefill: {form: checklist_spravato, when: 'has(substances_which, \"opioids\")'}\n"
    )
    assert _problems(tmp_path, record) == [
        "20: item 'med_four': only a yes_no item of a session_record form takes 'prefill'"
    ]
