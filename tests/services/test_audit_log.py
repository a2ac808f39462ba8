"""The admin's audit view: filtered pages, and the hash chain found intact, then broken where it was altered."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from kiosk.services.audit_log import audit_entries, audit_status
from kiosk.services.backend import Backend
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work
from tests.identities import admin
from tests.services.conftest import FakeClock


def write(backend: Backend, actor: str, action: str, patient_id: int | None = None) -> None:
    with unit_of_work(backend.db_factory) as db:
        append_audit(db, at=backend.now(), actor=actor, action=action, patient_id=patient_id)


def test_entries_are_filtered_and_paged_newest_first(backend: Backend, clock: FakeClock) -> None:
    write(backend, "dr-lee", "intake.view", patient_id=1)
    clock.advance(days=1)
    write(backend, "front-desk", "appointment.add", patient_id=2)
    write(backend, "dr-lee", "patient.trend_view", patient_id=2)
    write(backend, "dr-lee", "intake.view", patient_id=2)

    page = audit_entries(backend, admin(), limit=2)
    assert page.total == 4
    assert [entry.action for entry in page.entries] == ["intake.view", "patient.trend_view"]
    assert [e.action for e in audit_entries(backend, admin(), limit=2, offset=2).entries] == [
        "appointment.add",
        "intake.view",
    ]
    assert audit_entries(backend, admin(), actor="dr-lee").total == 3
    assert audit_entries(backend, admin(), actor="dr-lee", patient_id=2).total == 2
    today = backend.local_now().date()
    yesterday = today - dt.timedelta(days=1)
    assert audit_entries(backend, admin(), day_from=today).total == 3
    only_yesterday = audit_entries(backend, admin(), day_from=yesterday, day_to=yesterday)
    assert [(e.actor, e.patient_id) for e in only_yesterday.entries] == [("dr-lee", 1)]
    with pytest.raises(ValueError, match="limit"):
        audit_entries(backend, admin(), limit=0)


def test_the_chain_is_intact_then_broken_at_the_altered_entry(backend: Backend) -> None:
    for number in range(5):
        write(backend, "dr-lee", "intake.view", patient_id=number)
    status = audit_status(backend)
    assert status.intact and status.entries_checked == 5 and status.first_bad is None
    assert status.message == "Audit log intact: 5 entries checked."

    with unit_of_work(backend.db_factory) as db:
        third = db.execute(text("SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 2")).scalar_one()
        # An intruder with write access drops the guard first (migration 0003).
        db.execute(text("DROP TRIGGER audit_log_no_update"))
        db.execute(text("UPDATE audit_log SET actor = 'someone-else' WHERE id = :id"), {"id": third})
    status = audit_status(backend)
    assert not status.intact
    assert status.first_bad is not None and status.first_bad.entry_id == third
    assert status.first_bad.actor == "someone-else"
    assert status.entries_checked == 2
    assert f"BROKEN at entry {third}" in status.message
