"""What the waiting-room tablet does to today's visits, through the same services the kiosk calls.

Used by the console tests, the screenshot script and the benchmark to give the board something real to
show: a check-in with an urgent flag, a submitted intake with a hold, a clean one, an unmatched arrival.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from kiosk.domain.forms import FormKind
from kiosk.domain.scoring import AnswerData
from kiosk.services.backend import Backend
from kiosk.services.checkin import identify
from kiosk.services.demo import demo_signature, prepared_patient_answers
from kiosk.services.intake import begin_intake, record_answer, sign_consent, submit_intake
from kiosk.services.schedule import schedule_for_day
from kiosk.services.signature_image import strokes_to_png
from tests.identities import front_desk


def todays_appointment(backend: Backend, patient_name: str) -> int:
    """The id of today's appointment of the demo patient called `patient_name`."""
    for entry in schedule_for_day(backend, front_desk()):
        if entry.patient_name == patient_name:
            return entry.appointment_id
    raise LookupError(f"{patient_name} has no appointment today")


def answer_scores(backend: Backend, intake_id: int, form_id: str, scores: Sequence[int]) -> None:
    for number, value in enumerate(scores, start=1):
        record_answer(backend, intake_id, form_id, f"q{number}", value)
    if any(scores):
        record_answer(backend, intake_id, form_id, "difficulty", 1)


def check_in(
    backend: Backend,
    patient_name: str,
    *,
    phq: Sequence[int] = (1, 1, 1, 0, 1, 0, 1, 0, 0),
    gad: Sequence[int] = (1, 1, 0, 1, 0, 0, 1),
    checklist: Mapping[str, AnswerData] | None = None,
    submit: bool = True,
) -> int:
    """Check the patient in, sign what is due, answer everything (checklist answers overridable), submit."""
    state = begin_intake(backend, todays_appointment(backend, patient_name), "en")
    for task in state.tasks:
        if task.kind is FormKind.CONSENT:
            strokes = demo_signature(state.intake_id)
            sign_consent(
                backend,
                state.intake_id,
                task.form_id,
                typed_name=patient_name,
                strokes=strokes,
                signature_png=strokes_to_png(strokes),
                reading_started_at=backend.now() - dt.timedelta(minutes=3),
            )
        elif task.form_id == "phq9":
            answer_scores(backend, state.intake_id, "phq9", phq)
        elif task.form_id == "gad7":
            answer_scores(backend, state.intake_id, "gad7", gad)
        elif task.kind is FormKind.CHECKLIST:
            answers = dict(prepared_patient_answers(backend.forms.get(task.form_id)))
            answers.update(checklist or {})
            for item_id, value in answers.items():
                record_answer(backend, state.intake_id, task.form_id, item_id, value)
    if submit:
        submit_intake(backend, state.intake_id)
    return state.intake_id


def begin_with_item9(backend: Backend, patient_name: str) -> int:
    """A patient who has just started and answered PHQ-9 item 9 above 0: the kiosk raises an urgent flag."""
    state = begin_intake(backend, todays_appointment(backend, patient_name), "en")
    record_answer(backend, state.intake_id, "phq9", "q9", 1)
    return state.intake_id


def unmatched_arrival(backend: Backend) -> int:
    """Someone typed a name the schedule does not know."""
    return identify(backend, "Jamie", "Doe", dt.date(1990, 1, 1)).arrival_id


def busy_morning(backend: Backend) -> dict[str, int]:
    """A board with every kind of line: urgent, hold, clean submitted, in progress, unmatched arrival."""
    return {
        "returning": check_in(backend, "Sam Taylor", phq=(1, 1, 0, 1, 0, 0, 1, 0, 0)),
        "hold": check_in(backend, "Chris O'Neil", phq=(2, 1, 1, 2, 0, 1, 1, 0, 0), checklist={"ride_home": "no"}),
        "clean": check_in(backend, "Ana García", phq=(0, 1, 0, 0, 1, 0, 0, 0, 0)),
        "severe": check_in(backend, "Priya Raman", phq=(3, 3, 2, 3, 2, 2, 3, 2, 0), gad=(3, 2, 3, 2, 2, 3, 2)),
        "urgent": begin_with_item9(backend, "Morgan Lee"),
        "arrival": unmatched_arrival(backend),
    }
