"""A patient's scores over a treatment series: totals per session, bands, baseline, response and remission."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.services.backend import Backend
from kiosk.services.intake import start_correction, submit_intake
from kiosk.services.trends import UnknownPatientError, patient_trend
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry
from tests.identities import clinician
from tests.services.conftest import FakeClock, schedule
from tests.services.test_board import answer_questionnaire, past_visit, patient_of

DOB = dt.date(1979, 7, 2)


def phq(total: int) -> tuple[int, ...]:
    """PHQ-9 item scores adding up to `total`, item 9 kept at 0."""
    scores = [0] * 9
    for index in range(total):
        scores[index % 8] += 1
    return tuple(scores)


def test_the_series_marks_baseline_response_and_remission(backend: Backend, clock: FakeClock) -> None:
    patient_id = patient_of(backend, schedule(backend, "Sam", "Taylor", DOB))
    for days_ago, total in ((35, 18), (28, 14), (21, 10), (14, 9), (7, 4)):
        past_visit(backend, clock, patient_id, days_ago, phq=phq(total), gad=(1,) * 7)
    trend = patient_trend(backend, patient_id, clinician("dr-lee"))

    assert trend.patient_name == "Sam Taylor" and trend.dob == DOB
    assert [session.totals["phq9"] for session in trend.sessions] == [18, 14, 10, 9, 4]
    assert [session.totals["gad7"] for session in trend.sessions] == [7] * 5
    assert trend.sessions[0].day == (clock.now - dt.timedelta(days=35)).astimezone().date()
    series = trend.series_for("phq9")
    assert series is not None
    assert series.baseline == 18
    assert [point.response for point in series.points] == [False, False, False, True, True]
    assert [point.remission for point in series.points] == [False, False, False, False, True]
    assert [point.change_from_baseline for point in series.points] == [0, -4, -8, -9, -14]
    assert series.first_response is series.points[3]
    assert series.first_remission is series.points[4]
    assert (series.minimum, series.maximum) == (0, 27)
    assert [(band.minimum, band.maximum, band.code) for band in series.bands][-1] == (20, 27, "severe")
    assert [series.form_id for series in trend.series] == ["phq9", "gad7"]


def test_a_patient_without_sessions_has_an_empty_chart_and_the_view_is_audited(backend: Backend) -> None:
    patient_id = patient_of(backend, schedule(backend, "Sam", "Taylor", DOB))
    trend = patient_trend(backend, patient_id, clinician("dr-lee"))
    assert trend.sessions == () and trend.series == ()
    with unit_of_work(backend.db_factory) as db:
        entry = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert (entry.actor, entry.action, entry.patient_id) == ("dr-lee", "patient.trend_view", patient_id)
    with pytest.raises(UnknownPatientError):
        patient_trend(backend, 999, clinician("dr-lee"))


def test_a_corrected_session_counts_once_with_the_corrected_total(backend: Backend, clock: FakeClock) -> None:
    patient_id = patient_of(backend, schedule(backend, "Sam", "Taylor", DOB))
    first = past_visit(backend, clock, patient_id, 7, phq=phq(12))
    correction = start_correction(backend, first, clinician("dr-lee")).intake_id
    answer_questionnaire(backend, correction, "phq9", phq(6))
    submit_intake(backend, correction)
    trend = patient_trend(backend, patient_id, clinician("dr-lee"))
    assert [(s.intake_id, s.totals["phq9"]) for s in trend.sessions] == [(correction, 6)]
    assert trend.sessions[0].day == (clock.now - dt.timedelta(days=7)).astimezone().date()


def test_a_low_first_session_is_not_marked_remission(backend: Backend, clock: FakeClock) -> None:
    from kiosk.domain.series import change_markers

    phq = backend.forms.get("phq9")
    assert change_markers(phq, None, 2) == (False, False)
    assert change_markers(phq, 20, 2) == (True, True)
    assert change_markers(phq, 20, 12) == (False, False)
