"""The dosing sessions as lists: the day's sessions (`kiosk sessions`), the board's Monitoring lines and its cheap
signature, the REMS forms still to file, and each patient's sessions for the chart's series view.

Reads only; the records are written by kiosk.services.dosing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from kiosk.domain.dosing import NextStep, ReadingMoment, minutes_since, next_step, rems_overdue
from kiosk.domain.forms import pick
from kiosk.domain.scoring import AnswerData
from kiosk.services.backend import Backend
from kiosk.services.dosing import SessionView, read_session, session_form
from kiosk.services.patients import patient_view
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit
from kiosk.store.engine import read_only_unit_of_work, unit_of_work
from kiosk.store.models import DosingSession, Intake, Patient, SessionReading, SessionValue


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One line of `kiosk sessions` and the REMS list."""

    id: int
    intake_id: int
    patient_name: str
    visit_type: str
    session_date: dt.date
    dose_at: dt.datetime | None
    ended_at: dt.datetime | None
    rems_due: dt.date | None
    rems_submitted_on: dt.date | None
    rems_overdue: bool


@dataclass(frozen=True, slots=True)
class MonitoringLine:
    """A patient dosed today, as the board's Monitoring section shows them."""

    session_id: int
    patient_name: str
    dose_at: dt.datetime
    minutes_since_dosing: int
    next_step: NextStep | None
    """None once monitoring has ended."""
    ended_at: dt.datetime | None
    taken: frozenset[ReadingMoment] = frozenset()
    required_minutes: int | None = None

    def at(self, now: dt.datetime) -> MonitoringLine:
        """The same line as it reads at `now` (the board ticks every second without asking the database)."""
        step = None if self.ended_at is not None else next_step(self.dose_at, self.taken, now, self.required_minutes)
        return dataclasses.replace(self, minutes_since_dosing=minutes_since(self.dose_at, now), next_step=step)


def list_sessions(
    backend: Backend,
    staff: StaffIdentity,
    day: dt.date | None = None,
    *,
    rems_only: bool = False,
    audited: bool = False,
) -> tuple[SessionSummary, ...]:
    """The sessions of `day` (every day when None), oldest first; with `rems_only`, those with a REMS form.

    Unaudited, like the board it feeds; `kiosk sessions`, which prints names, audits with `audited=True`.
    """
    require(staff, Permission.RECORD_DOSING)
    today = backend.local_now().date()
    with read_only_unit_of_work(backend.db_factory) as db:
        query = select(DosingSession).order_by(DosingSession.session_date, DosingSession.id)
        if day is not None:
            query = query.where(DosingSession.session_date == day)
        if rems_only:
            query = query.where(DosingSession.rems_due.is_not(None))
        result = []
        for session in db.scalars(query):
            intake = db.get(Intake, session.intake_id)
            patient_row = db.get(Patient, session.patient_id)
            assert intake is not None and patient_row is not None
            patient = patient_view(backend.cipher, patient_row)
            result.append(
                SessionSummary(
                    id=session.id,
                    intake_id=session.intake_id,
                    patient_name=f"{patient.first_name} {patient.last_name}",
                    visit_type=intake.visit_type,
                    session_date=session.session_date,
                    dose_at=session.dose_at,
                    ended_at=session.ended_at,
                    rems_due=session.rems_due,
                    rems_submitted_on=session.rems_submitted_on,
                    rems_overdue=session.rems_due is not None
                    and rems_overdue(session.session_date, today, session.rems_submitted_on),
                )
            )
    if audited:
        with unit_of_work(backend.db_factory) as db:
            append_audit(
                db,
                at=backend.now(),
                actor=staff.username,
                action="session.list",
                detail=f"{len(result)} sessions"
                + (f" of {day.isoformat()}" if day else "")
                + (" (REMS)" if rems_only else ""),
            )
    return tuple(result)


def monitoring_today(backend: Backend, staff: StaffIdentity) -> tuple[MonitoringLine, ...]:
    """Patients dosed today: time since dosing and the next reading due, or when monitoring ended."""
    require(staff, Permission.RECORD_DOSING)
    now = backend.now()
    today = backend.local_now().date()
    lines = []
    with read_only_unit_of_work(backend.db_factory) as db:
        sessions = db.scalars(
            select(DosingSession)
            .where(DosingSession.session_date == today, DosingSession.dose_at.is_not(None))
            .order_by(DosingSession.dose_at)
        ).all()
        for session in sessions:
            assert session.dose_at is not None
            form = session_form(backend, session.form_id)
            taken = {
                ReadingMoment(moment)
                for moment in db.scalars(select(SessionReading.moment).where(SessionReading.session_id == session.id))
            }
            patient_row = db.get(Patient, session.patient_id)
            assert patient_row is not None
            patient = patient_view(backend.cipher, patient_row)
            step = (
                None
                if session.ended_at is not None
                else next_step(session.dose_at, taken, now, form.monitoring_minutes)
            )
            lines.append(
                MonitoringLine(
                    session_id=session.id,
                    patient_name=f"{patient.first_name} {patient.last_name}",
                    dose_at=session.dose_at,
                    minutes_since_dosing=minutes_since(session.dose_at, now),
                    next_step=step,
                    ended_at=session.ended_at,
                    taken=frozenset(taken),
                    required_minutes=form.monitoring_minutes,
                )
            )
    return tuple(lines)


def dosing_signature(backend: Backend, staff: StaffIdentity) -> tuple[object, ...]:
    """A cheap fingerprint of what the board's Monitoring and REMS sections show; equal means nothing changed.

    Every value, reading and filing moves one of these aggregates (the ids only grow; a changed value moves the
    newest entry time), so the board reloads those sections only when one moved.
    """
    require(staff, Permission.RECORD_DOSING)
    today = backend.local_now().date()
    with read_only_unit_of_work(backend.db_factory) as db:
        sessions = db.execute(
            select(
                func.count(DosingSession.id),
                func.max(DosingSession.id),
                func.count(DosingSession.dose_at),
                func.max(DosingSession.dose_at),
                func.count(DosingSession.ended_at),
                func.max(DosingSession.ended_at),
                func.count(DosingSession.rems_submitted_on),
            )
        ).one()
        values = db.execute(
            select(
                select(func.max(SessionValue.entered_at)).scalar_subquery(),
                select(func.max(SessionReading.id)).scalar_subquery(),
            )
        ).one()
    return (today.isoformat(), *sessions, *values)


def rems_worklist(backend: Backend, staff: StaffIdentity) -> tuple[SessionSummary, ...]:
    """REMS forms still to file, overdue first, then by due date."""
    unfiled = [
        summary for summary in list_sessions(backend, staff, rems_only=True) if summary.rems_submitted_on is None
    ]
    return tuple(sorted(unfiled, key=lambda summary: (not summary.rems_overdue, summary.rems_due, summary.id)))


@dataclass(frozen=True, slots=True)
class DosingSummaryLine:
    """One dosing session in the patient chart's series, in words."""

    intake_id: int
    session_id: int
    dose: str
    peak_blood_pressure: str
    sedation: str
    dissociation: str


def dose_words(backend: Backend, view: SessionView) -> str:
    """ "84 mg", "Other: 70 mg", or for IM "40 mg (0.51 mg/kg)"; empty before the dose is recorded."""
    form = session_form(backend, view.form_id)
    dose = view.values.get("dose")
    if dose is not None and form.find_item("dose") is not None:
        if dose == "other":
            other = view.values.get("dose_other_mg")
            return f"Other: {other} mg" if other is not None else "Other"
        option = form.item("dose").option(str(dose))
        return pick(option.label, "en").split(" (")[0] if option is not None else str(dose)
    milligrams = view.values.get("dose_mg")
    if milligrams is None:
        return ""
    per_kg = f" ({view.dose_mg_per_kg:g} mg/kg)" if view.dose_mg_per_kg is not None else ""
    return f"{milligrams} mg{per_kg}"


def _yes_no_words(value: AnswerData | None) -> str:
    return {"yes": "yes", "no": "no"}.get(str(value), "")


def dosing_series(backend: Backend, staff: StaffIdentity, patient_id: int) -> dict[int, DosingSummaryLine]:
    """Each dosing session of a patient by intake: the dose, the highest blood pressure, sedation (with the deepest
    MOAA/S) and dissociation, for the chart's sessions table."""
    require(staff, Permission.VIEW_CLINICAL)
    result: dict[int, DosingSummaryLine] = {}
    with read_only_unit_of_work(backend.db_factory) as db:
        sessions = db.scalars(select(DosingSession).where(DosingSession.patient_id == patient_id)).all()
        for session in sessions:
            view = read_session(backend, db, session)
            peak = view.peak_blood_pressure
            sedation = _yes_no_words(view.values.get("sedation"))
            depth = view.values.get("sedation_moaas")
            if sedation == "yes" and depth is not None:
                sedation = f"yes (MOAA/S {depth})"
            result[session.intake_id] = DosingSummaryLine(
                intake_id=session.intake_id,
                session_id=session.id,
                dose=dose_words(backend, view),
                peak_blood_pressure=f"{peak} mmHg" if peak is not None else "",
                sedation=sedation,
                dissociation=_yes_no_words(view.values.get("dissociation")),
            )
    return result
