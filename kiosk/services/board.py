"""The front-desk and clinician board: today's visits, check-ins that need a person, and flags in the
order they must be dealt with (the rules are kiosk.domain.board_rules; this module reads the records).

The console polls `board_signature` every second (a handful of aggregates over today's rows, reached
through indexes) and rebuilds the board with `board_for_day` only when the signature changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.domain.board_rules import (
    HEADLINES,
    BoardLine,
    front_desk_lines,
    severe_code,
    severe_message,
    shown_flags,
    sort_lines,
    worsened_code,
    worsening_message,
)
from kiosk.domain.forms import pick
from kiosk.domain.refusals import RefusedError
from kiosk.domain.scoring import ScoreResult
from kiosk.domain.series import SessionRef, earlier_sessions
from kiosk.domain.statuses import FlagLevel, visit_status
from kiosk.services.backend import Backend
from kiosk.services.checkin import local_day_bounds
from kiosk.services.permissions import Permission, StaffIdentity, allows, require
from kiosk.services.schedule import ScheduleEntry
from kiosk.services.trends import STAFF_LANGUAGE, questionnaire_scores, scored_questionnaires, submitted_sessions
from kiosk.store.audit import append_audit
from kiosk.store.engine import chunks, read_only_unit_of_work, unit_of_work
from kiosk.store.models import (
    Answer,
    Appointment,
    Arrival,
    ArrivalOutcome,
    Flag,
    Intake,
    Patient,
    StaffUser,
)


class BoardError(RefusedError):
    """A board action that does not apply, said in words staff can act on."""


@dataclass(frozen=True, slots=True)
class BoardRow(ScheduleEntry):
    """One appointment of the day, as the schedule shows it, with that visit's flag lines."""

    flags: tuple[BoardLine, ...]


@dataclass(frozen=True, slots=True)
class UnresolvedArrival:
    """A check-in the tablet could not match to exactly one appointment: the front desk must help."""

    arrival_id: int
    at: dt.datetime
    outcome: ArrivalOutcome
    typed_name: str
    typed_dob: dt.date


@dataclass(frozen=True, slots=True)
class Board:
    day: dt.date
    rows: tuple[BoardRow, ...]
    arrivals: tuple[UnresolvedArrival, ...]
    lines: tuple[BoardLine, ...]

    @property
    def urgent_count(self) -> int:
        return sum(1 for line in self.lines if line.needs_acknowledgement)


@dataclass(frozen=True, slots=True)
class _Visit:
    appointment: Appointment
    patient_name: str
    dob: dt.date
    intake: Intake | None


def _derived_lines(
    backend: Backend,
    db: Session,
    visits: Sequence[_Visit],
    stored_codes: Mapping[int, set[str]],
) -> dict[int, list[BoardLine]]:
    """Severe-band and worsening lines for each visit's newest intake, by appointment id."""
    current = [visit for visit in visits if visit.intake is not None]
    if not current:
        return {}
    forms = {form.id: form for form in scored_questionnaires(backend)}
    intake_ids = [visit.intake.id for visit in current if visit.intake is not None]
    scores = questionnaire_scores(backend, db, intake_ids)
    answered_at = _last_answer_times(db, intake_ids, list(forms))
    history = submitted_sessions(db, [visit.appointment.patient_id for visit in current])
    previous: dict[int, SessionRef] = {}
    for visit in current:
        assert visit.intake is not None
        earlier = earlier_sessions(
            history.get(visit.appointment.patient_id, []),
            intake_id=visit.intake.id,
            appointment_id=visit.appointment.id,
            before=visit.intake.started_at,
        )
        if earlier:
            previous[visit.intake.id] = earlier[-1]
    previous_scores = questionnaire_scores(backend, db, [ref.intake_id for ref in previous.values()])
    lines: dict[int, list[BoardLine]] = {}
    for visit in current:
        assert visit.intake is not None
        intake = visit.intake
        before = previous.get(intake.id)
        for form_id, result in scores.get(intake.id, {}).items():
            if result.total is None:
                continue
            title = pick(forms[form_id].title, STAFF_LANGUAGE)
            when = answered_at.get((intake.id, form_id), intake.updated_at)
            severe = severe_message(title, form_id, result, stored_codes.get(visit.appointment.id, set()))
            if severe is not None:
                lines.setdefault(visit.appointment.id, []).append(
                    _info_line(visit, form_id, severe_code(form_id), severe, when)
                )
            earlier_result: ScoreResult | None = (
                previous_scores.get(before.intake_id, {}).get(form_id) if before is not None else None
            )
            if before is not None and earlier_result is not None:
                worse = worsening_message(title, result.total, earlier_result.total, before.at)
                if worse is not None:
                    lines.setdefault(visit.appointment.id, []).append(
                        _info_line(visit, form_id, worsened_code(form_id), worse, when)
                    )
    return lines


def _info_line(visit: _Visit, form_id: str, code: str, message: str, when: dt.datetime) -> BoardLine:
    assert visit.intake is not None
    return BoardLine(
        level=FlagLevel.INFO,
        headline=HEADLINES[FlagLevel.INFO],
        message=message,
        code=code,
        form_id=form_id,
        happened_at=when.astimezone(),
        appointment_id=visit.appointment.id,
        intake_id=visit.intake.id,
        patient_id=visit.appointment.patient_id,
        patient_name=visit.patient_name,
        flag_id=None,
    )


def _last_answer_times(
    db: Session, intake_ids: Sequence[int], form_ids: Sequence[str]
) -> dict[tuple[int, str], dt.datetime]:
    times: dict[tuple[int, str], dt.datetime] = {}
    for part in chunks(sorted(set(intake_ids))):
        rows = db.execute(
            select(Answer.intake_id, Answer.form_id, func.max(Answer.answered_at).label("last"))
            .where(Answer.intake_id.in_(part), Answer.form_id.in_(list(form_ids)))
            .group_by(Answer.intake_id, Answer.form_id)
        )
        for row in rows:
            times[(row.intake_id, row.form_id)] = row.last
    return times


def board_for_day(backend: Backend, staff: StaffIdentity, day: dt.date | None = None) -> Board:
    """Everything the board shows for the local day (today by default), read in one transaction.

    A role without clinical access (the front desk) gets the holds and, for an urgent flag, only that a
    clinician must check in: no scores, no answers, no wording of a clinical flag.
    """
    require(staff, Permission.VIEW_SCHEDULE)
    clinical = allows(staff, Permission.VIEW_CLINICAL)
    day = day or backend.local_now().date()
    start, end = local_day_bounds(day)
    cipher = backend.cipher
    with read_only_unit_of_work(backend.db_factory) as db:
        pairs = db.execute(
            select(Appointment, Patient)
            .join(Patient, Patient.id == Appointment.patient_id)
            .where(Appointment.starts_at >= start, Appointment.starts_at < end)
            .order_by(Appointment.starts_at, Appointment.id)
        ).all()
        appointment_ids = [appointment.id for appointment, _ in pairs]
        intakes_by_appointment: dict[int, list[Intake]] = {}
        for part in chunks(appointment_ids):
            for intake in db.scalars(select(Intake).where(Intake.appointment_id.in_(part)).order_by(Intake.id)):
                assert intake.appointment_id is not None
                intakes_by_appointment.setdefault(intake.appointment_id, []).append(intake)
        all_intakes = {intake.id: intake for group in intakes_by_appointment.values() for intake in group}
        flags_by_intake: dict[int, list[Flag]] = {}
        for part in chunks(list(all_intakes)):
            for flag in db.scalars(select(Flag).where(Flag.intake_id.in_(part))):
                flags_by_intake.setdefault(flag.intake_id, []).append(flag)

        visits: list[_Visit] = []
        for appointment, patient in pairs:
            first = cipher.decrypt_text(patient.first_name_enc, context="patients.first_name")
            last = cipher.decrypt_text(patient.last_name_enc, context="patients.last_name")
            dob = dt.date.fromisoformat(cipher.decrypt_text(patient.dob_enc, context="patients.dob"))
            group = intakes_by_appointment.get(appointment.id, [])
            visits.append(_Visit(appointment, f"{first} {last}", dob, group[-1] if group else None))

        stored: dict[int, list[BoardLine]] = {}
        stored_codes: dict[int, set[str]] = {}
        for visit in visits:
            if visit.intake is None:
                continue
            flags = [
                flag
                for intake in intakes_by_appointment[visit.appointment.id]
                for flag in flags_by_intake.get(intake.id, [])
            ]
            chosen = shown_flags(flags, visit.intake.id)
            stored_codes[visit.appointment.id] = {flag.code for flag in chosen}
            stored[visit.appointment.id] = [_stored_line(flag, visit) for flag in chosen]
        answered_by = {line.acknowledged_by for lines in stored.values() for line in lines if line.acknowledged_by}
        names = {
            row.username: row.display_name
            for row in db.execute(
                select(StaffUser.username, StaffUser.display_name).where(StaffUser.username.in_(sorted(answered_by)))
            )
        }
        stored = {
            appointment_id: [
                dataclasses.replace(line, acknowledged_by_name=names.get(line.acknowledged_by, line.acknowledged_by))
                if line.acknowledged_by
                else line
                for line in lines
            ]
            for appointment_id, lines in stored.items()
        }
        derived = _derived_lines(backend, db, visits, stored_codes)
        arrivals = _unresolved_arrivals(backend, db, start, end)

    rows = []
    every_line: list[BoardLine] = []
    for visit in visits:
        appointment = visit.appointment
        lines = sort_lines([*stored.get(appointment.id, []), *derived.get(appointment.id, [])])
        if not clinical:
            lines = front_desk_lines(lines)
        every_line.extend(lines)
        visit_type = backend.settings.visit_type(appointment.visit_type)
        rows.append(
            BoardRow(
                appointment_id=appointment.id,
                starts_at=appointment.starts_at.astimezone(),
                patient_id=appointment.patient_id,
                patient_name=visit.patient_name,
                dob=visit.dob,
                visit_type=visit_type.id,
                visit_label=dict(visit_type.label),
                status=visit_status(appointment.status, visit.intake.status if visit.intake else None),
                intake_id=visit.intake.id if visit.intake else None,
                flags=lines,
            )
        )
    return Board(day=day, rows=tuple(rows), arrivals=arrivals, lines=sort_lines(every_line))


def _stored_line(flag: Flag, visit: _Visit) -> BoardLine:
    level = FlagLevel(flag.level)
    return BoardLine(
        level=level,
        headline=HEADLINES[level],
        message=flag.message,
        code=flag.code,
        form_id=flag.form_id,
        happened_at=flag.raised_at.astimezone(),
        appointment_id=visit.appointment.id,
        intake_id=flag.intake_id,
        patient_id=flag.patient_id,
        patient_name=visit.patient_name,
        flag_id=flag.id,
        acknowledged_at=flag.acknowledged_at.astimezone() if flag.acknowledged_at else None,
        acknowledged_by=flag.acknowledged_by,
        cleared_at=flag.cleared_at.astimezone() if flag.cleared_at else None,
        acknowledged_outcome=flag.acknowledged_outcome,
        acknowledged_note=flag.acknowledged_note,
    )


def _unresolved_arrivals(
    backend: Backend, db: Session, start: dt.datetime, end: dt.datetime
) -> tuple[UnresolvedArrival, ...]:
    cipher = backend.cipher
    rows = db.scalars(
        select(Arrival)
        .where(
            Arrival.at >= start,
            Arrival.at < end,
            Arrival.outcome != ArrivalOutcome.MATCHED.value,
            Arrival.resolved_at.is_(None),
        )
        .order_by(Arrival.at, Arrival.id)
    )
    return tuple(
        UnresolvedArrival(
            arrival_id=arrival.id,
            at=arrival.at.astimezone(),
            outcome=ArrivalOutcome(arrival.outcome),
            typed_name=" ".join(
                (
                    cipher.decrypt_text(arrival.typed_first_enc, context="arrivals.typed_first"),
                    cipher.decrypt_text(arrival.typed_last_enc, context="arrivals.typed_last"),
                )
            ),
            typed_dob=dt.date.fromisoformat(cipher.decrypt_text(arrival.typed_dob_enc, context="arrivals.typed_dob")),
        )
        for arrival in rows
    )


# ------------------------------------------------------------------------------------------ polling

BoardSignature = tuple[object, ...]


def board_signature(backend: Backend, staff: StaffIdentity, day: dt.date | None = None) -> BoardSignature:
    """A cheap fingerprint of everything the day's board shows; equal fingerprints mean nothing changed.

    Every kiosk write to an intake (answer, consent, flag raised or cleared, submit) also moves that
    intake's updated_at, so aggregates over the day's intakes see it. Acknowledgements and reviews set
    their own columns; arrivals and appointments are counted over the day. All rows are reached through
    the indexes on appointments.starts_at, intakes.appointment_id, flags.intake_id and arrivals.at, so
    the cost follows the size of the day, not of the database.
    """
    require(staff, Permission.VIEW_SCHEDULE)
    day = day or backend.local_now().date()
    start, end = local_day_bounds(day)
    todays_appointments = select(Appointment.id).where(Appointment.starts_at >= start, Appointment.starts_at < end)
    todays_intakes = select(Intake.id).where(Intake.appointment_id.in_(todays_appointments))
    intake_stats = select(
        func.count(Intake.id), func.max(Intake.id), func.max(Intake.updated_at), func.max(Intake.reviewed_at)
    ).where(Intake.appointment_id.in_(todays_appointments))
    flag_stats = select(
        func.count(Flag.id), func.max(Flag.id), func.max(Flag.acknowledged_at), func.count(Flag.acknowledged_at)
    ).where(Flag.intake_id.in_(todays_intakes))
    arrival_stats = select(func.count(Arrival.id), func.max(Arrival.id), func.count(Arrival.resolved_at)).where(
        Arrival.at >= start, Arrival.at < end
    )
    with read_only_unit_of_work(backend.db_factory) as db:
        # A moved or cancelled appointment changes none of the counts, so the day's few rows are read whole.
        appointments = tuple(
            tuple(row)
            for row in db.execute(
                select(Appointment.id, Appointment.starts_at, Appointment.status)
                .where(Appointment.starts_at >= start, Appointment.starts_at < end)
                .order_by(Appointment.id)
            )
        )
        counts = (
            *db.execute(intake_stats).one(),
            *db.execute(flag_stats).one(),
            *db.execute(arrival_stats).one(),
        )
    return (day.isoformat(), *counts, appointments)


# ------------------------------------------------------------------------------------------ arrivals


def resolve_arrival(backend: Backend, arrival_id: int, staff: StaffIdentity, appointment_id: int | None = None) -> None:
    """Mark an unmatched or ambiguous check-in as handled by the front desk, optionally naming the
    appointment it turned out to be; it then leaves the board."""
    require(staff, Permission.RESOLVE_ARRIVALS)
    actor = staff.username
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        arrival = db.get(Arrival, arrival_id)
        if arrival is None:
            raise BoardError(f"There is no check-in {arrival_id}; reload the board.")
        if arrival.resolved_at is not None:
            raise BoardError(f"This check-in was already handled by {arrival.resolved_by}.")
        patient_id = None
        if appointment_id is not None:
            appointment = db.get(Appointment, appointment_id)
            if appointment is None:
                raise BoardError(f"There is no appointment {appointment_id}; reload the board.")
            arrival.appointment_id = appointment.id
            patient_id = appointment.patient_id
        arrival.resolved_at = now
        arrival.resolved_by = actor
        append_audit(
            db,
            at=now,
            actor=actor,
            action="arrival.resolve",
            patient_id=patient_id,
            detail=f"arrival {arrival.id}" + (f" is appointment {appointment_id}" if appointment_id else ""),
        )
