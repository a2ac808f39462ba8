"""The patient flow as plain Python: order of steps, conditional questions, crisis screen, resume, review."""

from __future__ import annotations

from functools import cache

from kiosk.domain.forms import FormKind
from kiosk.domain.loader import FormLibrary, load_forms
from kiosk.domain.visit_needs import ConsentReason, VisitTask
from kiosk.ui.patient.flow import PatientFlow, StepKind
from tests.conftest import FORMS_DIR

TASKS = (
    VisitTask("consent_im_ketamine", FormKind.CONSENT, ConsentReason.NEVER_SIGNED),
    VisitTask("phq9", FormKind.QUESTIONNAIRE),
    VisitTask("gad7", FormKind.QUESTIONNAIRE),
    VisitTask("checklist_im_ketamine", FormKind.CHECKLIST),
)


@cache
def forms() -> FormLibrary:
    return load_forms(FORMS_DIR)


def new_flow(answers: dict[str, dict[str, object]] | None = None, signed: frozenset[str] = frozenset()) -> PatientFlow:
    return PatientFlow(forms(), TASKS, answers or {}, signed)  # type: ignore[arg-type]


def answer_phq(flow: PatientFlow, scores: list[int]) -> None:
    codes = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    for number, value in enumerate(scores, start=1):
        flow.record("phq9", f"q{number}", codes[value])


def test_consent_first_then_one_question_per_step_then_review() -> None:
    steps = new_flow().steps()
    assert steps[0].kind is StepKind.CONSENT
    phq = [s for s in steps if s.form_id == "phq9"]
    assert [s.item_id for s in phq] == [f"q{n}" for n in range(1, 10)]  # no difficulty until something > 0
    assert (phq[2].number, phq[2].count) == (3, 9)
    assert steps[-1].kind is StepKind.REVIEW


def test_difficulty_appears_once_an_item_is_above_zero() -> None:
    flow = new_flow()
    answer_phq(flow, [0, 1])
    phq = [s for s in flow.steps() if s.form_id == "phq9"]
    assert phq[-1].item_id == "difficulty"
    assert phq[0].count == 10


def test_crisis_screen_comes_right_after_item9_before_the_difficulty_question() -> None:
    flow = new_flow()
    answer_phq(flow, [0] * 8 + [2])
    keys = [s.key for s in flow.steps()]
    crisis = keys.index("phq9/crisis")
    assert keys[crisis - 1 : crisis + 3] == ["phq9/q9", "phq9/crisis", "phq9/difficulty", "gad7/q1"]
    assert flow.crisis_answer_given()


def test_advancing_from_item9_shows_the_crisis_screen_then_the_difficulty_question() -> None:
    flow = new_flow(signed=frozenset({"consent_im_ketamine"}))
    answer_phq(flow, [1] * 8)
    assert flow.resume().key == "phq9/q9"
    flow.record("phq9", "q9", "LA6569-3")
    assert flow.advance().kind is StepKind.CRISIS
    assert flow.advance().key == "phq9/difficulty"
    assert flow.crisis_answer_given()


def test_no_crisis_screen_when_item9_is_zero() -> None:
    flow = new_flow()
    answer_phq(flow, [3] * 8 + [0])
    assert all(s.kind is not StepKind.CRISIS for s in flow.steps())
    assert not flow.crisis_answer_given()


def test_advance_and_back() -> None:
    flow = new_flow()
    assert flow.current.kind is StepKind.CONSENT
    flow.record_signed("consent_im_ketamine")
    assert flow.advance().key == "phq9/q1"
    flow.record("phq9", "q1", "LA6568-5")
    assert flow.advance().key == "phq9/q2"
    assert flow.back().key == "phq9/q1"
    assert flow.back().kind is StepKind.CONSENT
    assert not flow.can_go_back


def test_resume_goes_to_the_first_unanswered_question() -> None:
    flow = new_flow(signed=frozenset({"consent_im_ketamine"}))
    answer_phq(flow, [1, 2, 0])
    assert flow.resume().key == "phq9/q4"


def test_resume_skips_the_crisis_screen_already_seen() -> None:
    flow = new_flow(signed=frozenset({"consent_im_ketamine"}))
    answer_phq(flow, [0] * 8 + [1])
    flow.record("phq9", "difficulty", "LA6573-5")
    assert flow.resume().key == "gad7/q1"


def test_change_from_review_returns_to_review() -> None:
    flow = new_flow(signed=frozenset({"consent_im_ketamine"}))
    answer_phq(flow, [0] * 9)
    for number in range(1, 8):
        flow.record("gad7", f"q{number}", "LA6568-5")
    flow.go_to("phq9/q4", from_review=True)
    flow.record("phq9", "q4", "LA6569-3")
    # q4 > 0 makes the difficulty question apply: the patient is asked it before going back to review
    assert flow.advance().key == "phq9/difficulty"
    flow.record("phq9", "difficulty", "LA6572-7")
    assert flow.advance().kind is StepKind.REVIEW


def test_missing_lists_what_submit_needs() -> None:
    flow = new_flow()
    missing = {s.key for s in flow.missing()}
    assert "consent_im_ketamine/consent" in missing
    assert "phq9/q1" in missing


def _checklist_answers_with_ride_home_yes_and_no_driver() -> dict[str, dict[str, object]]:
    form = forms().get("checklist_im_ketamine")
    answers: dict[str, object] = {}
    for item in form.items:
        if item.type.value in ("display", "group"):
            continue
        if item.options:
            answers[item.id] = (
                "yes"
                if item.id in ("ride_home", "no_driving_agreed", "emergency_contact_correct")
                else ("no" if item.type.value == "yes_no" else item.options[0].code)
            )
    answers = {key: value for key, value in answers.items() if form.item(key).when is None}
    return {"checklist_im_ketamine": answers}


def test_an_empty_driver_group_is_not_done_so_resume_goes_there_and_review_names_it() -> None:
    """Walked away (or crashed, or changed "ride home" from Review) before the driver's name and phone:
    the flow must not call the group done, or Review enables a Submit the service refuses."""
    answers = _checklist_answers_with_ride_home_yes_and_no_driver()
    flow = new_flow(answers, signed=frozenset({"consent_im_ketamine"}))
    answer_phq(flow, [0] * 9)
    for number in range(1, 8):
        flow.record("gad7", f"q{number}", "LA6568-5")
    step = flow.resume()
    assert (step.form_id, step.item_id) == ("checklist_im_ketamine", "ride_details")
    assert [(s.item_id, item.id) for s, item in flow.missing_questions()] == [
        ("ride_details", "driver_name"),
        ("ride_details", "driver_phone"),
    ]
    flow.record("checklist_im_ketamine", "driver_name", "Jordan Lee")
    assert [item.id for _s, item in flow.missing_questions()] == ["driver_phone"]
    flow.record("checklist_im_ketamine", "driver_phone", "(555) 010-0142")
    assert flow.missing() == []
    assert flow.resume().kind is StepKind.REVIEW


FIRST_VISIT = (
    VisitTask("esign_consent", FormKind.CONSENT, ConsentReason.NEVER_SIGNED),
    VisitTask("consent_im_ketamine", FormKind.CONSENT, ConsentReason.NEVER_SIGNED),
    VisitTask("privacy_notice", FormKind.CONSENT, ConsentReason.NEVER_SIGNED),
    *TASKS[1:],
)


def test_a_question_about_a_consent_moves_on_and_leaves_it_due() -> None:
    flow = PatientFlow(forms(), FIRST_VISIT, {}, frozenset({"esign_consent"}))
    assert flow.resume().form_id == "consent_im_ketamine"
    step = flow.leave_consent_unsigned()
    assert (step.kind, step.form_id) == (StepKind.CONSENT, "privacy_notice")  # the next consent, then the rest
    assert [s.form_id for s in flow.missing() if s.kind is StepKind.CONSENT] == [
        "consent_im_ketamine",
        "privacy_notice",
    ]
    assert flow.resume().form_id == "consent_im_ketamine"  # coming back, it is where they start


def test_a_question_about_esign_moves_past_every_consent() -> None:
    """Nothing is signed on the screen before the consent to electronic signatures."""
    flow = PatientFlow(forms(), FIRST_VISIT, {}, frozenset())
    assert flow.resume().form_id == "esign_consent"
    step = flow.leave_consent_unsigned()
    assert (step.kind, step.form_id) == (StepKind.QUESTION, "phq9")
    assert flow.consents_ready_to_sign() == ["esign_consent"]
    flow.record_signed("esign_consent")
    assert flow.consents_ready_to_sign() == ["consent_im_ketamine", "privacy_notice"]


def test_a_question_asked_on_a_consent_opened_from_review_goes_back_to_review() -> None:
    flow = PatientFlow(forms(), FIRST_VISIT, {}, frozenset({"esign_consent"}))
    flow.go_to("privacy_notice/consent", from_review=True)
    assert flow.leave_consent_unsigned().kind is StepKind.REVIEW
    assert not flow.returning_to_review
