"""Scoring beyond a plain sum: QIDS-SR16 style maximum-of-group terms, written purely as form data."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.loader import check_form_file
from kiosk.domain.scoring import score

OPTIONS = "\n".join(f'    - {{code: s{n}, score: {n}, label: {{en: "Score {n}"}}}}' for n in range(4))
ITEMS = "\n".join(
    f'  - {{id: q{n}, type: single_choice, text: {{en: "Item {n}"}}, options: zero_to_three}}' for n in range(1, 17)
)
QIDS_LIKE = f"""
id: qids_like
version: "1.0"
kind: questionnaire
languages: [en]
title: {{en: "QIDS-SR16 shaped test form"}}
option_sets:
  zero_to_three:
{OPTIONS}
items:
{ITEMS}
scoring:
  sum:
    - max: [q1, q2, q3, q4]
    - q5
    - max: [q6, q7, q8, q9]
    - q10
    - q11
    - q12
    - q13
    - q14
    - max: [q15, q16]
  bands:
    - {{min: 0, max: 5, code: none, label: {{en: "None"}}}}
    - {{min: 6, max: 10, code: mild, label: {{en: "Mild"}}}}
    - {{min: 11, max: 15, code: moderate, label: {{en: "Moderate"}}}}
    - {{min: 16, max: 20, code: severe, label: {{en: "Severe"}}}}
    - {{min: 21, max: 27, code: very_severe, label: {{en: "Very severe"}}}}
flags:
  - {{code: item12, level: urgent, when: "q12 > 0", message: {{en: "Suicide item above 0"}}}}
"""


def qids_total(values: list[int]) -> int:
    v = dict(enumerate(values, start=1))
    return (
        max(v[1], v[2], v[3], v[4])
        + v[5]
        + max(v[6], v[7], v[8], v[9])
        + sum(v[n] for n in range(10, 15))
        + max(v[15], v[16])
    )


def load(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "qids_like.yaml"
    path.write_text(QIDS_LIKE)
    form, problems = check_form_file(path)
    assert problems == [], problems
    assert form is not None
    return form


def test_range_is_worked_out_from_the_groups(tmp_path: Path) -> None:
    form = load(tmp_path)
    assert (form.scoring.minimum, form.scoring.maximum) == (0, 27)


@settings(max_examples=200)
@given(values=st.lists(st.integers(min_value=0, max_value=3), min_size=16, max_size=16))
def test_total_takes_the_maximum_of_each_group(tmp_path_factory, values: list[int]) -> None:  # type: ignore[no-untyped-def]
    form = load(tmp_path_factory.mktemp("qids"))
    result = score(form, {f"q{n}": f"s{value}" for n, value in enumerate(values, start=1)})
    assert result.total == qids_total(values)
    assert result.band is not None and result.band.contains(result.total)
    assert [f.code for f in result.flags] == (["item12"] if values[11] > 0 else [])


@settings(max_examples=150)
@given(cuts=st.lists(st.integers(min_value=-2, max_value=8), min_size=1, max_size=5))
def test_the_validator_accepts_bands_exactly_when_each_total_has_one_band(tmp_path_factory, cuts: list[int]) -> None:  # type: ignore[no-untyped-def]
    # A two-item form scores 0..6; bands are built from arbitrary (possibly bad) boundaries.
    starts = sorted(cuts)
    bands = [(start, (starts[i + 1] - 1) if i + 1 < len(starts) else 6) for i, start in enumerate(starts)]
    band_lines = "\n".join(
        f'    - {{min: {low}, max: {high}, code: b{i}, label: {{en: "B{i}"}}}}' for i, (low, high) in enumerate(bands)
    )
    text = f"""
id: two
version: "1.0"
kind: questionnaire
languages: [en]
title: {{en: "Two"}}
option_sets:
  o:
{OPTIONS}
items:
  - {{id: a, type: single_choice, text: {{en: "A"}}, options: o}}
  - {{id: b, type: single_choice, text: {{en: "B"}}, options: o}}
scoring:
  sum: [a, b]
  bands:
{band_lines}
"""
    path = tmp_path_factory.mktemp("bands") / "two.yaml"
    path.write_text(text)
    form, problems = check_form_file(path)
    exactly_one = all(sum(1 for low, high in bands if low <= t <= high) == 1 for t in range(7))
    inside = all(low >= 0 and high <= 6 for low, high in bands if low <= high)
    valid = exactly_one and inside and all(low <= high for low, high in bands)
    assert (form is not None) == valid, [str(p) for p in problems]
