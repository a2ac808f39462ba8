"""Clinician actions on a submitted intake: acknowledge a flag, mark the intake reviewed. Both audited."""

from __future__ import annotations

from kiosk.domain.refusals import RefusedError
from kiosk.services.backend import Backend
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Flag, Intake, IntakeStatus


class ReviewError(RefusedError):
    """A review action that does not apply, said in words staff can act on."""


def acknowledge_flag(backend: Backend, flag_id: int, staff: StaffIdentity) -> None:
    """Record who saw an urgent flag and when; it then leaves the top of the board."""
    require(staff, Permission.ACKNOWLEDGE_FLAGS)
    actor = staff.username
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        flag = db.get(Flag, flag_id)
        if flag is None:
            raise ReviewError(f"there is no flag {flag_id}")
        if flag.acknowledged_at is not None:
            raise ReviewError(f"flag {flag_id} was already acknowledged by {flag.acknowledged_by}")
        flag.acknowledged_at = now
        flag.acknowledged_by = actor
        append_audit(
            db,
            at=now,
            actor=actor,
            action="flag.acknowledge",
            patient_id=flag.patient_id,
            intake_id=flag.intake_id,
            detail=f"flag {flag.id} {flag.code}",
        )


def mark_reviewed(backend: Backend, intake_id: int, staff: StaffIdentity) -> None:
    require(staff, Permission.MARK_REVIEWED)
    actor = staff.username
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        intake = db.get(Intake, intake_id)
        if intake is None:
            raise ReviewError(f"there is no intake {intake_id}")
        if intake.status != IntakeStatus.SUBMITTED.value:
            raise ReviewError(f"intake {intake_id} is {intake.status}; only a submitted intake can be marked reviewed")
        intake.status = IntakeStatus.REVIEWED.value
        intake.reviewed_at = now
        intake.reviewed_by = actor
        append_audit(db, at=now, actor=actor, action="intake.review", patient_id=intake.patient_id, intake_id=intake.id)
