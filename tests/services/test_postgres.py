"""The same services on the real PostgreSQL server: only the database URL changes (DESIGN.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.domain.statuses import VisitStatus
from kiosk.services.checkin import identify
from kiosk.services.demo import prepared_patient_answers, seed_demo
from kiosk.services.intake import IntakeLockedError, begin_intake, intake_state, record_answer, submit_intake
from kiosk.services.schedule import schedule_for_day
from tests.identities import front_desk
from tests.services.conftest import BackendFactory
from tests.services.test_intake import sign_all_consents

pytestmark = pytest.mark.postgres


def test_a_whole_check_in_on_postgresql(make_backend: BackendFactory, postgres_url: str) -> None:
    backend = make_backend(database_url=postgres_url)
    assert backend.engine.dialect.name == "postgresql"
    summary = seed_demo(backend)
    assert summary.patients_added == 10
    assert seed_demo(backend).patients_added == 0  # twice adds nothing

    match = identify(backend, "ana", "GARCIA", dt.date(1984, 3, 15)).match
    assert match is not None
    state = begin_intake(backend, match.appointment_id, "es")
    sign_all_consents(backend, state.intake_id, name="Ana García")
    for form_id in ("phq9", "gad7"):
        for item in backend.forms.get(form_id).answerable_items():
            if item.id != "difficulty":
                outcome = record_answer(backend, state.intake_id, form_id, item.id, 1 if item.id == "q9" else 0)
    assert outcome is not None
    assert [f.code for f in intake_state(backend, state.intake_id).flags] == ["phq9_item9_positive"]
    for form_id in ("phq9", "gad7"):
        record_answer(backend, state.intake_id, form_id, "difficulty", 1)
    checklist = backend.forms.get("checklist_spravato")
    for item_id, value in prepared_patient_answers(checklist):
        record_answer(backend, state.intake_id, checklist.id, item_id, value)
    submit_intake(backend, state.intake_id)
    with pytest.raises(IntakeLockedError):
        record_answer(backend, state.intake_id, "phq9", "q1", 3)
    statuses = {entry.patient_name: entry.status for entry in schedule_for_day(backend, front_desk())}
    assert statuses["Ana García"] is VisitStatus.SUBMITTED
    assert statuses["Sam Taylor"] is VisitStatus.NOT_ARRIVED
