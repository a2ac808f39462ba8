"""Scores across a treatment series: a patient's submitted sessions, their totals, and change over time.

Patients in a ketamine series fill in the same screeners again and again, so change matters as much as
one score (CLINICAL.md): response is a fall of 50% or more from the first (baseline) total, remission a
total in the form's lowest band (PHQ-9 below 5). A corrected intake counts once, as its newest correction,
dated when the visit was first submitted. The board and the intake review use the helpers here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from kiosk.domain.forms import Form, FormKind, pick
from kiosk.domain.scoring import AnswerData, ScoreResult, score
from kiosk.services.backend import Backend
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Answer, Intake, IntakeStatus, Patient

STAFF_LANGUAGE = "en"
RESPONSE_FRACTION = 0.5
# Keeps each IN (...) list well under SQLite's limit on bound parameters.
IN_CHUNK = 900
DONE_STATUSES = (IntakeStatus.SUBMITTED.value, IntakeStatus.REVIEWED.value)


class UnknownPatientError(LookupError):
    """No patient with that id."""


# ------------------------------------------------------------------------------------------ shared helpers


@dataclass(frozen=True, slots=True)
class SessionRef:
    """One submitted visit of a patient: the intake that counts for it and when the visit was submitted."""

    intake_id: int
    patient_id: int
    appointment_id: int | None
    visit_type: str
    at: dt.datetime


def chunks(values: Sequence[int], size: int = IN_CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def scored_questionnaires(backend: Backend) -> tuple[Form, ...]:
    """Questionnaires with a total, in the order the visit types ask them (PHQ-9, GAD-7, ...)."""
    order: dict[str, None] = {}
    for visit_type in backend.settings.visit_types:
        order.update(dict.fromkeys(visit_type.questionnaires))
    forms = [form for form in backend.forms.of_kind(FormKind.QUESTIONNAIRE) if form.scoring is not None]
    position = {form_id: index for index, form_id in enumerate(order)}
    return tuple(sorted(forms, key=lambda form: (position.get(form.id, len(position)), form.id)))


def submitted_sessions(session: Session, patient_ids: Sequence[int]) -> dict[int, list[SessionRef]]:
    """Each patient's submitted sessions, oldest first; a correction replaces the intake it corrects."""
    rows: list[Row[int, int, int | None, str, dt.datetime | None, int | None]] = []
    for part in chunks(sorted(set(patient_ids))):
        rows.extend(
            session.execute(
                select(
                    Intake.id,
                    Intake.patient_id,
                    Intake.appointment_id,
                    Intake.visit_type,
                    Intake.submitted_at,
                    Intake.supersedes_id,
                ).where(Intake.patient_id.in_(part), Intake.status.in_(DONE_STATUSES))
            ).all()
        )
    by_id = {row.id: row for row in rows}
    superseded = {row.supersedes_id for row in rows if row.supersedes_id is not None}
    result: dict[int, list[SessionRef]] = {}
    for row in rows:
        if row.id in superseded:
            continue
        root = row
        while root.supersedes_id is not None and root.supersedes_id in by_id:
            root = by_id[root.supersedes_id]
        assert root.submitted_at is not None
        result.setdefault(row.patient_id, []).append(
            SessionRef(row.id, row.patient_id, row.appointment_id, row.visit_type, root.submitted_at)
        )
    for sessions in result.values():
        sessions.sort(key=lambda ref: (ref.at, ref.intake_id))
    return result


def questionnaire_answers(
    backend: Backend, session: Session, intake_ids: Sequence[int], form_ids: Sequence[str]
) -> dict[int, dict[str, dict[str, AnswerData]]]:
    """Decrypted answers by intake, form and item, for the named forms only."""
    result: dict[int, dict[str, dict[str, AnswerData]]] = {}
    cipher = backend.cipher
    for part in chunks(sorted(set(intake_ids))):
        rows = session.execute(
            select(Answer.intake_id, Answer.form_id, Answer.item_id, Answer.value_enc).where(
                Answer.intake_id.in_(part), Answer.form_id.in_(list(form_ids))
            )
        )
        for row in rows:
            value = cipher.decrypt_json(row.value_enc, context="answers.value")
            result.setdefault(row.intake_id, {}).setdefault(row.form_id, {})[row.item_id] = value
    return result


def questionnaire_scores(
    backend: Backend, session: Session, intake_ids: Sequence[int]
) -> dict[int, dict[str, ScoreResult]]:
    """The score of every scored questionnaire each intake has answers to (absent: never started)."""
    forms = {form.id: form for form in scored_questionnaires(backend)}
    answers = questionnaire_answers(backend, session, intake_ids, list(forms))
    return {
        intake_id: {form_id: score(forms[form_id], values, STAFF_LANGUAGE) for form_id, values in by_form.items()}
        for intake_id, by_form in answers.items()
    }


def is_response(baseline: int | None, total: int | None) -> bool:
    """A fall of 50% or more from a baseline above 0 (a baseline of 0 cannot fall)."""
    if baseline is None or total is None or baseline <= 0:
        return False
    return baseline - total >= RESPONSE_FRACTION * baseline


def is_remission(form: Form, total: int | None) -> bool:
    """A total within the form's lowest band: PHQ-9 and GAD-7 below 5."""
    if total is None or form.scoring is None or not form.scoring.bands:
        return False
    lowest = min(form.scoring.bands, key=lambda band: band.minimum)
    return total <= lowest.maximum


def change_markers(form: Form, baseline: int | None, total: int | None) -> tuple[bool, bool]:
    """(response, remission) of a session measured against an earlier baseline session's total. Both are
    changes over a course of treatment, so neither is marked without a baseline to change from: a
    patient's first session is never "in remission", however low its total."""
    if baseline is None or total is None:
        return False, False
    return is_response(baseline, total), is_remission(form, total)


def local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone().date()


# ------------------------------------------------------------------------------------------ the chart


@dataclass(frozen=True, slots=True)
class BandRange:
    """One band of a form, for shading the chart."""

    minimum: int
    maximum: int
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class TrendPoint:
    intake_id: int
    at: dt.datetime
    day: dt.date
    total: int | None
    band_code: str | None
    change_from_baseline: int | None
    response: bool
    remission: bool


@dataclass(frozen=True, slots=True)
class TrendSeries:
    """One questionnaire across the sessions: a point per session (total None when incomplete)."""

    form_id: str
    title: str
    minimum: int
    maximum: int
    bands: tuple[BandRange, ...]
    baseline: int | None
    points: tuple[TrendPoint, ...]

    @property
    def first_response(self) -> TrendPoint | None:
        return next((point for point in self.points if point.response), None)

    @property
    def first_remission(self) -> TrendPoint | None:
        return next((point for point in self.points if point.remission), None)


@dataclass(frozen=True, slots=True)
class SessionTotals:
    """One submitted session: its date and each questionnaire's total (None when incomplete or not asked)."""

    intake_id: int
    at: dt.datetime
    day: dt.date
    visit_type: str
    totals: Mapping[str, int | None]


@dataclass(frozen=True, slots=True)
class PatientTrend:
    patient_id: int
    patient_name: str
    dob: dt.date
    sessions: tuple[SessionTotals, ...]
    series: tuple[TrendSeries, ...]

    def series_for(self, form_id: str) -> TrendSeries | None:
        return next((series for series in self.series if series.form_id == form_id), None)


def _series(form: Form, sessions: Sequence[SessionRef], scores: Mapping[int, Mapping[str, ScoreResult]]) -> TrendSeries:
    assert form.scoring is not None
    totals = [scores.get(ref.intake_id, {}).get(form.id) for ref in sessions]
    baseline = next((result.total for result in totals if result is not None and result.total is not None), None)
    points = []
    seen_baseline = False
    for ref, result in zip(sessions, totals, strict=True):
        total = result.total if result is not None else None
        response, remission = change_markers(form, baseline if seen_baseline else None, total)
        seen_baseline = seen_baseline or total is not None
        points.append(
            TrendPoint(
                intake_id=ref.intake_id,
                at=ref.at.astimezone(),
                day=local_day(ref.at),
                total=total,
                band_code=result.band.code if result is not None and result.band is not None else None,
                change_from_baseline=total - baseline if total is not None and baseline is not None else None,
                response=response,
                remission=remission,
            )
        )
    return TrendSeries(
        form_id=form.id,
        title=pick(form.title, STAFF_LANGUAGE),
        minimum=form.scoring.minimum,
        maximum=form.scoring.maximum,
        bands=tuple(
            BandRange(band.minimum, band.maximum, band.code, pick(band.label, STAFF_LANGUAGE))
            for band in form.scoring.bands
        ),
        baseline=baseline,
        points=tuple(points),
    )


def patient_trend(backend: Backend, patient_id: int, actor: str) -> PatientTrend:
    """Every submitted session's totals and the change markers, for the chart; audited as a chart view."""
    cipher = backend.cipher
    forms = scored_questionnaires(backend)
    with unit_of_work(backend.sessions) as session:
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise UnknownPatientError(f"there is no patient {patient_id}")
        sessions = submitted_sessions(session, [patient_id]).get(patient_id, [])
        scores = questionnaire_scores(backend, session, [ref.intake_id for ref in sessions])
        append_audit(
            session,
            at=backend.now(),
            actor=actor,
            action="patient.trend_view",
            patient_id=patient_id,
            detail=f"{len(sessions)} sessions",
        )
        first = cipher.decrypt_text(patient.first_name_enc, context="patients.first_name")
        last = cipher.decrypt_text(patient.last_name_enc, context="patients.last_name")
        dob = dt.date.fromisoformat(cipher.decrypt_text(patient.dob_enc, context="patients.dob"))
    asked = [form for form in forms if any(form.id in scores.get(ref.intake_id, {}) for ref in sessions)]
    session_totals = tuple(
        SessionTotals(
            intake_id=ref.intake_id,
            at=ref.at.astimezone(),
            day=local_day(ref.at),
            visit_type=ref.visit_type,
            totals={
                form.id: result.total if (result := scores.get(ref.intake_id, {}).get(form.id)) else None
                for form in asked
            },
        )
        for ref in sessions
    )
    return PatientTrend(
        patient_id=patient_id,
        patient_name=f"{first} {last}",
        dob=dob,
        sessions=session_totals,
        series=tuple(_series(form, sessions, scores) for form in asked),
    )
