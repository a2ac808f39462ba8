"""The flow's "what is left" and the service's submit check are one rule: for any set of answers a patient
can leave behind (walking away, a crash, a change from Review), Review enables Submit exactly when the
service would accept the intake."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.domain.forms import Form, ItemType
from kiosk.domain.scoring import AnswerData, AnswerSheet
from kiosk.ui.patient.flow import PatientFlow
from tests.ui.patient.test_flow import TASKS, forms


def _possible_answers(form: Form) -> dict[str, list[AnswerData]]:
    choices: dict[str, list[AnswerData]] = {}
    for item in form.answerable_items():
        if item.type in (ItemType.SINGLE_CHOICE, ItemType.YES_NO):
            choices[item.id] = [option.code for option in item.options]
        elif item.type is ItemType.MULTI_CHOICE:
            choices[item.id] = [[item.options[0].code]]
        elif item.type is ItemType.PHONE:
            choices[item.id] = ["(555) 010-0142"]
        else:
            choices[item.id] = ["Jordan Lee"]
    return choices


@st.composite
def left_behind(draw: st.DrawFn) -> dict[str, dict[str, AnswerData]]:
    answers: dict[str, dict[str, AnswerData]] = {}
    for task in TASKS[1:]:
        form = forms().get(task.form_id)
        answers[form.id] = {
            item_id: draw(st.sampled_from(values))
            for item_id, values in _possible_answers(form).items()
            if draw(st.booleans())
        }
    return answers


@settings(max_examples=300, deadline=None)
@given(left_behind())
def test_review_enables_submit_exactly_when_submit_would_accept(answers: dict[str, dict[str, AnswerData]]) -> None:
    flow = PatientFlow(forms(), TASKS, answers, frozenset({"consent_im_ketamine"}))
    service_missing = [
        item_id
        for task in TASKS[1:]
        for item_id in AnswerSheet(forms().get(task.form_id), answers[task.form_id]).unanswered_required()
    ]
    assert (flow.missing() == []) == (service_missing == [])
    assert sorted(item.id for _step, item in flow.missing_questions()) == sorted(service_missing)
