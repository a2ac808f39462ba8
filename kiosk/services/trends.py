"""Scores across a treatment series: a patient's submitted sessions, their totals, and change over time.

What counts as response and remission, and which sessions came before a visit, are kiosk.domain.series.
A corrected intake counts once, as its newest correction,
dated when the visit was first submitted. The board and the intake review use the helpers here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from kiosk.domain.forms import Form, FormKind, pick
from kiosk.domain.refusals import RefusedError
from kiosk.domain.scoring import ScoreResult, score
from kiosk.domain.series import SessionRef, change_markers
from kiosk.services.answer_records import answers_of_intakes
from kiosk.services.backend import Backend
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit
from kiosk.store.engine import chunks, unit_of_work
from kiosk.store.models import Intake, IntakeStatus, Patient

STAFF_LANGUAGE = "en"
DONE_STATUSES = (IntakeStatus.SUBMITTED.value, IntakeStatus.REVIEWED.value)


class UnknownPatientError(RefusedError, LookupError):
    """No patient with that id."""


# ------------------------------------------------------------------------------------------ shared helpers


def scored_questionnaires(backend: Backend) -> tuple[Form, ...]:
    """Questionnaires with a total, in the order the visit types ask them (PHQ-9, GAD-7, ...)."""
    order: dict[str, None] = {}
    for visit_type in backend.settings.visit_types:
        order.update(dict.fromkeys(visit_type.questionnaires))
    forms = [form for form in backend.forms.of_kind(FormKind.QUESTIONNAIRE) if form.scoring is not None]
    position = {form_id: index for index, form_id in enumerate(order)}
    return tuple(sorted(forms, key=lambda form: (position.get(form.id, len(position)), form.id)))


def submitted_sessions(db: Session, patient_ids: Sequence[int]) -> dict[int, list[SessionRef]]:
    """Each patient's submitted sessions, oldest first; a correction replaces the intake it corrects."""
    rows: list[Row[int, int, int | None, str, dt.datetime | None, int | None]] = []
    for part in chunks(sorted(set(patient_ids))):
        rows.extend(
            db.execute(
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


def questionnaire_scores(backend: Backend, db: Session, intake_ids: Sequence[int]) -> dict[int, dict[str, ScoreResult]]:
    """The score of every scored questionnaire each intake has answers to (absent: never started)."""
    forms = {form.id: form for form in scored_questionnaires(backend)}
    answers = answers_of_intakes(backend.cipher, db, intake_ids, list(forms))
    return {
        intake_id: {form_id: score(forms[form_id], values, STAFF_LANGUAGE) for form_id, values in by_form.items()}
        for intake_id, by_form in answers.items()
    }


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


def patient_trend(backend: Backend, patient_id: int, staff: StaffIdentity) -> PatientTrend:
    """Every submitted session's totals and the change markers, for the chart; audited as a chart view."""
    require(staff, Permission.VIEW_CLINICAL)
    cipher = backend.cipher
    forms = scored_questionnaires(backend)
    with unit_of_work(backend.db_factory) as db:
        patient = db.get(Patient, patient_id)
        if patient is None:
            raise UnknownPatientError(f"there is no patient {patient_id}")
        sessions = submitted_sessions(db, [patient_id]).get(patient_id, [])
        scores = questionnaire_scores(backend, db, [ref.intake_id for ref in sessions])
        append_audit(
            db,
            at=backend.now(),
            actor=staff.username,
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
