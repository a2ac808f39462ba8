"""A clinician's answer to a flag, and the review of an intake, each recorded with a signed addendum.

Acknowledging an urgent flag says what was done (an outcome from the settings' list) with an optional note;
clearing a "see staff before dosing" hold says why. Who and when are recorded on the flag and in the audit
log, and a signed addendum naming the packet is stored in the same unit of work. The person who answered
can undo it for a short while (domain.acknowledgements.UNDO_WINDOW); the undoing is audited and gets its
own addendum, so paper and screen never disagree.

The outcome and note are health information: they are stored encrypted and never written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.domain.acknowledgements import (
    AddendumAction,
    WaitingCounts,
    checked_answer,
    undo_refusal,
)
from kiosk.domain.refusals import RefusedError
from kiosk.domain.statuses import FlagLevel
from kiosk.services.addenda import (
    AddendumRequest,
    SignedAddendum,
    packet_exists_for,
    sign_addendum,
    store_addendum,
)
from kiosk.services.backend import Backend
from kiosk.services.checkin import local_day_bounds
from kiosk.services.packets import PacketMaker
from kiosk.services.permissions import Permission, require
from kiosk.services.staff_accounts import StaffIdentity
from kiosk.store.audit import append_audit
from kiosk.store.engine import read_only_unit_of_work, unit_of_work
from kiosk.store.models import Addendum, Appointment, Flag, Intake, IntakeStatus, StaffRole, StaffUser


class FlagAnswerError(RefusedError):
    """An acknowledgement, clearance, undo or review that does not apply; one sentence for staff."""


@dataclass(frozen=True, slots=True)
class FlagAnswer:
    """What was recorded, for the console to confirm in words."""

    flag_id: int
    intake_id: int
    at: dt.datetime
    addendum_sha256: str | None
    """None while the intake is still a draft: the addendum is made with the packet."""


def _flag(session: Session, flag_id: int) -> Flag:
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise FlagAnswerError(f"There is no flag {flag_id}; reload the board.")
    return flag


@dataclass(frozen=True, slots=True)
class _FlagFacts:
    intake_id: int
    level: FlagLevel
    message: str
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    outcome: str | None


def _facts(backend: Backend, flag_id: int) -> _FlagFacts:
    with read_only_unit_of_work(backend.db_factory) as session:
        flag = _flag(session, flag_id)
        return _FlagFacts(
            intake_id=flag.intake_id,
            level=FlagLevel(flag.level),
            message=flag.message,
            acknowledged_at=flag.acknowledged_at,
            acknowledged_by=flag.acknowledged_by,
            outcome=flag.acknowledged_outcome,
        )


def _signed_if_packet(
    backend: Backend, maker: PacketMaker, staff: StaffIdentity, request: AddendumRequest, now: dt.datetime
) -> SignedAddendum | None:
    return sign_addendum(backend, maker, staff, request, now) if packet_exists_for(backend, request.intake_id) else None


def _answer(
    backend: Backend,
    maker: PacketMaker,
    staff: StaffIdentity,
    flag_id: int,
    level: FlagLevel,
    outcome: str,
    note: str,
) -> FlagAnswer:
    is_urgent = level is FlagLevel.URGENT
    require(staff, Permission.ACKNOWLEDGE_FLAGS if is_urgent else Permission.CLEAR_HOLDS)
    chosen, kept_note = checked_answer(outcome, note, backend.settings.acknowledgement_outcomes if is_urgent else None)
    facts = _facts(backend, flag_id)
    if facts.level is not level:
        raise FlagAnswerError(
            "This flag is not urgent; only urgent flags are acknowledged."
            if is_urgent
            else "This flag is not a hold; only holds are cleared before dosing."
        )
    if facts.acknowledged_at is not None:
        raise FlagAnswerError(
            f"This flag was already {'acknowledged' if is_urgent else 'cleared'} by {facts.acknowledged_by}."
        )
    now = backend.now()
    action = AddendumAction.ACKNOWLEDGE if is_urgent else AddendumAction.CLEAR_HOLD
    request = AddendumRequest(
        intake_id=facts.intake_id,
        flag_id=flag_id,
        action=action,
        about=facts.message,
        outcome=chosen,
        note=kept_note,
        outcome_label="Outcome" if is_urgent else "Reason",
    )
    # A flag raised while the patient is still checking in is answered at once; its addendum follows when
    # the packet is made at submission (addenda_for_earlier_answers).
    addendum = (
        sign_addendum(backend, maker, staff, request, now) if packet_exists_for(backend, facts.intake_id) else None
    )
    with unit_of_work(backend.db_factory) as session:
        flag = _flag(session, flag_id)
        if flag.acknowledged_at is not None:  # someone else answered while the addendum was being signed
            raise FlagAnswerError(f"This flag was just answered by {flag.acknowledged_by}; reload to see it.")
        flag.acknowledged_at = now
        flag.acknowledged_by = staff.username
        flag.acknowledged_outcome = chosen
        flag.acknowledged_note = kept_note
        append_audit(
            session,
            at=now,
            actor=staff.username,
            action="flag.acknowledge" if is_urgent else "flag.clear_hold",
            patient_id=flag.patient_id,
            intake_id=flag.intake_id,
            detail=f"flag {flag.id}, with an outcome{' and a note' if kept_note else ''}"
            + ("" if addendum else "; addendum follows the packet"),
        )
        if addendum is not None:
            store_addendum(session, addendum)
    return FlagAnswer(
        flag_id=flag_id, intake_id=facts.intake_id, at=now, addendum_sha256=addendum.sha256 if addendum else None
    )


def acknowledge_urgent(
    backend: Backend, maker: PacketMaker, staff: StaffIdentity, flag_id: int, outcome: str, note: str = ""
) -> FlagAnswer:
    """Record that `staff` acted on an urgent flag: `outcome` from the settings' list, an optional note."""
    return _answer(backend, maker, staff, flag_id, FlagLevel.URGENT, outcome, note)


def clear_hold(
    backend: Backend, maker: PacketMaker, staff: StaffIdentity, flag_id: int, reason: str, note: str = ""
) -> FlagAnswer:
    """Record that `staff` cleared a "see staff before dosing" hold, and why."""
    return _answer(backend, maker, staff, flag_id, FlagLevel.HOLD, reason, note)


def undo_answer(backend: Backend, maker: PacketMaker, staff: StaffIdentity, flag_id: int) -> FlagAnswer:
    """Take back an acknowledgement or clearance: only its author, only within the undo window."""
    facts = _facts(backend, flag_id)
    is_urgent = facts.level is FlagLevel.URGENT
    require(staff, Permission.ACKNOWLEDGE_FLAGS if is_urgent else Permission.CLEAR_HOLDS)
    now = backend.now()
    refusal = undo_refusal(facts.acknowledged_by, facts.acknowledged_at, staff.username, now)
    if refusal is not None:
        raise FlagAnswerError(refusal)
    assert facts.acknowledged_at is not None
    what = "acknowledgement" if is_urgent else "clearance"
    request = AddendumRequest(
        intake_id=facts.intake_id,
        flag_id=flag_id,
        action=AddendumAction.ACKNOWLEDGE_UNDONE if is_urgent else AddendumAction.CLEAR_HOLD_UNDONE,
        about=facts.message,
        outcome=f"The {what} of {facts.acknowledged_at.astimezone():%m/%d/%Y %H:%M} "
        f"(“{facts.outcome or ''}”) is withdrawn; the flag is open again.",
        outcome_label="Withdrawn",
    )
    addendum = (
        sign_addendum(backend, maker, staff, request, now) if packet_exists_for(backend, facts.intake_id) else None
    )
    with unit_of_work(backend.db_factory) as session:
        flag = _flag(session, flag_id)
        if flag.acknowledged_at != facts.acknowledged_at or flag.acknowledged_by != staff.username:
            raise FlagAnswerError("This flag changed meanwhile; reload to see it.")
        flag.acknowledged_at = None
        flag.acknowledged_by = None
        flag.acknowledged_outcome = None
        flag.acknowledged_note = None
        append_audit(
            session,
            at=now,
            actor=staff.username,
            action="flag.acknowledge_undone" if is_urgent else "flag.clear_hold_undone",
            patient_id=flag.patient_id,
            intake_id=flag.intake_id,
            detail=f"flag {flag.id}, answered {facts.acknowledged_at.isoformat(timespec='seconds')}",
        )
        if addendum is not None:
            store_addendum(session, addendum)
    return FlagAnswer(
        flag_id=flag_id, intake_id=facts.intake_id, at=now, addendum_sha256=addendum.sha256 if addendum else None
    )


def mark_reviewed_signed(backend: Backend, maker: PacketMaker, staff: StaffIdentity, intake_id: int) -> FlagAnswer:
    """Mark a submitted intake reviewed, with its signed addendum, in one unit of work."""
    require(staff, Permission.MARK_REVIEWED)
    with read_only_unit_of_work(backend.db_factory) as session:
        intake = session.get(Intake, intake_id)
        if intake is None:
            raise FlagAnswerError(f"There is no intake {intake_id}.")
        status = intake.status
    if status != IntakeStatus.SUBMITTED.value:
        raise FlagAnswerError(f"Intake {intake_id} is {status}; only a submitted intake can be marked reviewed.")
    now = backend.now()
    addendum: SignedAddendum = sign_addendum(
        backend,
        maker,
        staff,
        AddendumRequest(intake_id=intake_id, flag_id=None, action=AddendumAction.REVIEW, about="The whole intake"),
        now,
    )
    with unit_of_work(backend.db_factory) as session:
        intake = session.get_one(Intake, intake_id)
        if intake.status != IntakeStatus.SUBMITTED.value:
            raise FlagAnswerError(f"Intake {intake_id} was just marked {intake.status} by {intake.reviewed_by}.")
        intake.status = IntakeStatus.REVIEWED.value
        intake.reviewed_at = now
        intake.reviewed_by = staff.username
        append_audit(
            session, at=now, actor=staff.username, action="intake.review", patient_id=intake.patient_id,
            intake_id=intake.id,
        )  # fmt: skip
        store_addendum(session, addendum)
    return FlagAnswer(flag_id=0, intake_id=intake_id, at=now, addendum_sha256=addendum.sha256)


# ------------------------------------------------------------------------------------------ while locked


def waiting_counts(backend: Backend, staff: StaffIdentity, day: dt.date | None = None) -> WaitingCounts:
    """How many of the day's urgent flags wait for acknowledgement and holds for clearing: two numbers, no
    names, cheap enough to poll every second (the flags of the day's intakes, reached through indexes)."""
    require(staff, Permission.VIEW_HOLDS)
    day = day or backend.local_now().date()
    start, end = local_day_bounds(day)
    todays_intakes = select(Intake.id).where(
        Intake.appointment_id.in_(
            select(Appointment.id).where(Appointment.starts_at >= start, Appointment.starts_at < end)
        )
    )
    replaced = select(Intake.supersedes_id).where(Intake.supersedes_id.is_not(None))
    waiting = Flag.intake_id.in_(todays_intakes) & Flag.acknowledged_at.is_(None)
    with read_only_unit_of_work(backend.db_factory) as session:
        urgent = session.scalar(select(func.count(Flag.id)).where(waiting, Flag.level == FlagLevel.URGENT.value))
        holds = session.scalar(
            select(func.count(Flag.id)).where(
                waiting,
                Flag.level == FlagLevel.HOLD.value,
                Flag.cleared_at.is_(None),
                Flag.intake_id.not_in(replaced),
            )
        )
    return WaitingCounts(urgent=urgent or 0, holds=holds or 0)


def addenda_for_earlier_answers(backend: Backend, maker: PacketMaker, intake_id: int) -> int:
    """Sign the addenda of the answers given while the intake was still a draft (an urgent flag is
    acknowledged while the patient is still on the tablet); called once its packet exists. Returns how many."""
    if not packet_exists_for(backend, intake_id):
        return 0
    with read_only_unit_of_work(backend.db_factory) as session:
        answered = [
            (
                flag.id,
                FlagLevel(flag.level),
                flag.message,
                flag.acknowledged_at,
                flag.acknowledged_outcome,
                flag.acknowledged_note,
                flag.acknowledged_by,
            )
            for flag in session.scalars(
                select(Flag).where(Flag.intake_id == intake_id, Flag.acknowledged_at.is_not(None)).order_by(Flag.id)
            )
        ]
        signed = {
            row.flag_id
            for row in session.execute(
                select(Addendum.flag_id, Addendum.created_at).where(
                    Addendum.intake_id == intake_id,
                    Addendum.action.in_([AddendumAction.ACKNOWLEDGE.value, AddendumAction.CLEAR_HOLD.value]),
                )
            )
            if row.flag_id is not None
        }
        people = {user.username: user for user in session.scalars(select(StaffUser))}
    made = 0
    for flag_id, level, message, at, outcome, note, username in answered:
        if flag_id in signed or at is None or username is None or username not in people:
            continue
        user = people[username]
        person = StaffIdentity(user.id, user.username, user.display_name, StaffRole(user.role))
        is_urgent = level is FlagLevel.URGENT
        request = AddendumRequest(
            intake_id=intake_id,
            flag_id=flag_id,
            action=AddendumAction.ACKNOWLEDGE if is_urgent else AddendumAction.CLEAR_HOLD,
            about=message,
            outcome=outcome,
            note=note,
            outcome_label="Outcome" if is_urgent else "Reason",
        )
        addendum = sign_addendum(backend, maker, person, request, at, signed_at=backend.now())
        with unit_of_work(backend.db_factory) as session:
            store_addendum(session, addendum)
        made += 1
    return made
