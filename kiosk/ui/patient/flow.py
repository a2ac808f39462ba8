"""Which screen comes next in a patient's intake: plain Python, no Qt, driven by unit tests directly.

The steps are recomputed from the forms and the answers each time, because an answer can make a later
question apply or not (the difficulty question, a follow-up such as "which medication?"). A step is
identified by a key such as "phq9/q3", so the position survives that recomputation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.forms import Form, FormKind, Item, ItemType, Localized
from kiosk.domain.library import FormLibrary
from kiosk.domain.scoring import AnswerData, AnswerSheet, score
from kiosk.domain.visit_needs import VisitTask, consents_ready_to_sign


class StepKind(StrEnum):
    CONSENT = "consent"
    QUESTION = "question"
    CRISIS = "crisis"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Step:
    kind: StepKind
    form_id: str
    item_id: str | None = None
    number: int = 0  # 1-based position among the questions of its form
    count: int = 0  # questions of its form that apply now

    @property
    def key(self) -> str:
        if self.kind is StepKind.QUESTION:
            return f"{self.form_id}/{self.item_id}"
        return f"{self.form_id}/{self.kind.value}"


REVIEW_STEP = Step(StepKind.REVIEW, form_id="")


def _has_any_answer(item: Item, answers: Mapping[str, AnswerData]) -> bool:
    """Whether the patient has answered anything on this screen (so has been past it)."""
    questions = item.children if item.type is ItemType.GROUP else (item,)
    return any(question.id in answers for question in questions)


class PatientFlow:
    """The ordered steps of one intake and where the patient is among them."""

    def __init__(
        self,
        forms: FormLibrary,
        tasks: tuple[VisitTask, ...],
        answers: Mapping[str, Mapping[str, AnswerData]],
        signed_consents: frozenset[str],
        *,
        first_visit: bool = False,
        on_file: Mapping[str, str] | None = None,
    ) -> None:
        self.forms = forms
        self.first_visit = first_visit
        self.on_file: dict[str, str] = dict(on_file or {})
        self.tasks = tasks
        self.answers: dict[str, dict[str, AnswerData]] = {form_id: dict(a) for form_id, a in answers.items()}
        self.signed: set[str] = set(signed_consents)
        self.seen_displays: set[str] = set()
        self.position = 0
        self.returning_to_review = False

    # ----------------------------------------------------------------------------------- the steps

    def steps(self) -> list[Step]:
        steps: list[Step] = []
        for task in self.tasks:
            form = self.forms.get(task.form_id)
            if task.kind is FormKind.CONSENT:
                steps.append(Step(StepKind.CONSENT, form.id))
                continue
            questions = AnswerSheet(form, self.answers.get(form.id, {})).questions()
            form_steps = [
                Step(StepKind.QUESTION, form.id, item.id, number, len(questions))
                for number, item in enumerate(questions, start=1)
            ]
            after = self.crisis_screen_after(form, questions)
            if after is not None:
                form_steps.insert(after, Step(StepKind.CRISIS, form.id))
            steps.extend(form_steps)
        steps.append(REVIEW_STEP)
        return steps

    def crisis_screen_due(self, form: Form) -> bool:
        """Whether this form's answers raise a flag that asks for the crisis message."""
        result = score(form, self.answers.get(form.id, {}))
        return any(flag.patient_screen == "crisis" for flag in result.flags)

    def crisis_screen_after(self, form: Form, questions: tuple[Item, ...]) -> int | None:
        """How many of the form's question screens come before the crisis message, or None when none is due.

        The message comes right after the question that raised its flag (PHQ-9 item 9), before anything else
        is asked (the unscored difficulty question): a patient who has just said so is told at once that
        someone will come. A flag on the total, which only the whole form decides, puts it after the form.
        """
        result = score(form, self.answers.get(form.id, {}))
        raised = {flag.code for flag in result.flags if flag.patient_screen == "crisis"}
        if not raised:
            return None
        screens = [{question.id, *(child.id for child in question.children)} for question in questions]
        after = 0
        for rule in form.flags:
            if rule.code not in raised:
                continue
            if "total" in rule.when.names:
                return len(questions)
            for name in rule.when.names:
                target = form.find_item(name)  # a condition may name an item by its code
                item_id = target.id if target is not None else name
                found = next((index for index, ids in enumerate(screens) if item_id in ids), None)
                after = max(after, len(questions) if found is None else found + 1)
        return after

    def crisis_answer_given(self) -> bool:
        """Whether any questionnaire of this intake has an answer that asks for the crisis message."""
        return any(
            self.crisis_screen_due(self.forms.get(task.form_id))
            for task in self.tasks
            if task.kind is not FormKind.CONSENT
        )

    def item_text(self, item: Item) -> Localized:
        """The question's words for this visit: a first visit reads the first-visit variant, if it has one."""
        return item.text_for(first_visit=self.first_visit)

    def visit_parts(self) -> list[tuple[str, ...]]:
        """The parts of the visit the progress line counts: the consents together, then each questionnaire and
        checklist. Made from the visit's tasks, which are fixed when the intake begins, so "Step 2 of 4" keeps
        its total whatever the answers open or close."""
        consents = tuple(task.form_id for task in self.tasks if task.kind is FormKind.CONSENT)
        others: list[tuple[str, ...]] = [(task.form_id,) for task in self.tasks if task.kind is not FormKind.CONSENT]
        return [consents, *others] if consents else others

    def part_of(self, form_id: str) -> tuple[int, int]:
        """(number, total) of the part of the visit that `form_id` belongs to, 1-based."""
        parts = self.visit_parts()
        number = next(index for index, part in enumerate(parts, start=1) if form_id in part)
        return number, len(parts)

    @property
    def current(self) -> Step:
        steps = self.steps()
        return steps[min(self.position, len(steps) - 1)]

    def index_of(self, key: str) -> int | None:
        return next((index for index, step in enumerate(self.steps()) if step.key == key), None)

    def is_done(self, step: Step) -> bool:
        if step.kind is StepKind.CONSENT:
            return step.form_id in self.signed
        if step.kind is StepKind.QUESTION:
            assert step.item_id is not None
            item = self.forms.get(step.form_id).item(step.item_id)
            if item.type is ItemType.DISPLAY:
                return step.key in self.seen_displays or self._later_answered(step)
            form = self.forms.get(step.form_id)
            return not AnswerSheet(form, self.answers.get(step.form_id, {})).unanswered_in(item)
        if step.kind is StepKind.CRISIS:
            return step.key in self.seen_displays
        return False

    # ----------------------------------------------------------------------------------- moving

    def resume(self) -> Step:
        """Go to the first step not yet done: where a patient who left (or whose tablet crashed) stopped.

        The crisis message is not shown again on resume: its flag is already on the staff board.
        """
        for index, step in enumerate(self.steps()):
            if step.kind is not StepKind.CRISIS and not self.is_done(step):
                self.position = index
                return step
        self.position = len(self.steps()) - 1
        return self.current

    def advance(self) -> Step:
        """Move on from the current step (after it was answered, signed or read)."""
        step = self.current
        if step.kind is StepKind.CRISIS or (
            step.kind is StepKind.QUESTION and self._item(step).type is ItemType.DISPLAY
        ):
            self.seen_displays.add(step.key)
        if self.returning_to_review:
            # After a change made from the review, ask only what the change made necessary, then go back.
            steps = self.steps()
            pending = next(
                (
                    i
                    for i, later in enumerate(steps)
                    if later.form_id == step.form_id
                    and later.kind in (StepKind.QUESTION, StepKind.CRISIS)
                    and not self.is_done(later)
                ),
                None,
            )
            if pending is not None:
                self.position = pending
                return self.current
            self.returning_to_review = False
            self.position = len(steps) - 1
            return self.current
        index = self.index_of(step.key)
        self.position = (index if index is not None else self.position) + 1
        return self.current

    def leave_consent_unsigned(self) -> Step:
        """Move on from the current consent without a signature (the patient has a question about it) to the next
        step still to do.

        It stays due (Review names it and waits for it). While the electronic-signature consent is unsigned no
        other consent may be signed on the screen, so a question about it moves on past every consent.
        """
        step = self.current
        assert step.kind is StepKind.CONSENT
        steps = self.steps()
        if self.returning_to_review:  # came from Review to sign it: back to Review, where it still waits
            self.returning_to_review = False
            self.position = len(steps) - 1
            return self.current
        index = self.index_of(step.key)
        start = (index if index is not None else self.position) + 1
        ready = set(self.consents_ready_to_sign())
        for later in range(start, len(steps)):
            candidate = steps[later]
            if candidate.kind is StepKind.CRISIS or self.is_done(candidate):
                continue  # already done (a resumed intake): on to what is still to do
            if candidate.kind is not StepKind.CONSENT or candidate.form_id in ready:
                self.position = later
                return self.current
        self.position = len(steps) - 1
        return self.current

    def consents_ready_to_sign(self) -> list[str]:
        """The unsigned consents the patient may sign now (kiosk.domain.visit_needs decides)."""
        due = [task.form_id for task in self.tasks if task.kind is FormKind.CONSENT]
        return consents_ready_to_sign(due, self.signed)

    def back(self) -> Step:
        self.position = max(0, self.position - 1)
        return self.current

    def go_to(self, key: str, *, from_review: bool = False) -> Step:
        index = self.index_of(key)
        if index is None:
            raise KeyError(f"no step {key!r} in this intake")
        self.position = index
        self.returning_to_review = from_review
        return self.current

    @property
    def can_go_back(self) -> bool:
        return self.position > 0

    # ----------------------------------------------------------------------------------- record

    def record(self, form_id: str, item_id: str, value: AnswerData) -> None:
        self.answers.setdefault(form_id, {})[item_id] = value

    def record_signed(self, form_id: str) -> None:
        self.signed.add(form_id)

    def answer(self, form_id: str, item_id: str) -> AnswerData | None:
        return self.answers.get(form_id, {}).get(item_id)

    def _later_answered(self, step: Step) -> bool:
        """Whether the patient already answered a question after this one in the same form."""
        answers = self.answers.get(step.form_id, {})
        form = self.forms.get(step.form_id)
        items = [item.id for item in form.items]
        assert step.item_id is not None
        later = items[items.index(step.item_id) + 1 :]
        return any(_has_any_answer(form.item(item_id), answers) for item_id in later)

    def _item(self, step: Step) -> Item:
        assert step.item_id is not None
        return self.forms.get(step.form_id).item(step.item_id)

    def missing_questions(self) -> list[tuple[Step, Item]]:
        """Each required question still without an answer, with the screen that asks it (for Review)."""
        found: list[tuple[Step, Item]] = []
        for step in self.missing():
            if step.kind is StepKind.QUESTION:
                form = self.forms.get(step.form_id)
                sheet = AnswerSheet(form, self.answers.get(step.form_id, {}))
                found.extend((step, form.item(item_id)) for item_id in sheet.unanswered_in(self._item(step)))
        return found

    def missing(self) -> list[Step]:
        """Steps still to do before the intake can be submitted."""
        return [
            step
            for step in self.steps()
            if step.kind in (StepKind.CONSENT, StepKind.QUESTION)
            and not self.is_done(step)
            and not (step.kind is StepKind.QUESTION and self._item(step).type is ItemType.DISPLAY)
        ]
