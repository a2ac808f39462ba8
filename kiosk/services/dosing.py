"""The dosing session use cases: open a session for a checked-in patient, record each value and each vital-signs
reading the moment it is entered, read a session back, and note the REMS form filed (the lists are dosing_lists).

Each call is one unit of work (like a patient's answer): checked first, then stored and audited in its own
committed transaction, or refused with DosingError (one sentence for staff) and nothing stored. The rules are
kiosk.domain.dosing and kiosk.domain.vitals; what a session records is the visit type's session_record form
in forms/ (`session_<visit type>`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.dosing import (
    DosingRuleError,
    ReadingMoment,
    VitalsLimits,
    dose_mg_per_kg,
    local_moment,
    monitoring_minutes,
    monitoring_shortfall,
    out_of_range,
    prefilled_answers,
    reading_items,
    record_items,
    rems_due,
    rems_overdue,
)
from kiosk.domain.forms import Form, FormKind, Item, ItemType, pick
from kiosk.domain.refusals import RefusedError
from kiosk.domain.scoring import AnswerData, AnswerError, AnswerSheet, normalize_answer
from kiosk.domain.statuses import FlagLevel, IntakeStatus
from kiosk.domain.typed_text import TypedTextError, clean_typed_text
from kiosk.domain.vitals import BloodPressure, parse_blood_pressure, parse_time_of_day
from kiosk.services.answer_records import intake_answers
from kiosk.services.backend import Backend
from kiosk.services.patients import patient_view
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit
from kiosk.store.engine import read_only_unit_of_work, unit_of_work
from kiosk.store.models import DosingSession, Flag, Intake, Patient, SessionReading, SessionValue

VALUE_CONTEXT = "session_values.value"
READING_CONTEXT = "session_readings.values"
MAX_REASON_LENGTH = 500
MAX_CONFIRMATION_LENGTH = 64
MAX_TAKER_LENGTH = 64
"""session_readings.taken_by is String(64)."""


class DosingError(RefusedError):
    """A dosing-session request refused, said in one sentence staff can act on; nothing was stored."""


class ReasonNeededError(DosingError):
    """The value is possible but outside what is expected (a high blood pressure, a short monitoring time):
    it is stored only with a reason."""


@dataclass(frozen=True, slots=True)
class ReadingView:
    id: int
    moment: ReadingMoment
    taken_at: dt.datetime
    taken_by: str
    values: Mapping[str, AnswerData]
    problems: tuple[str, ...]
    proceed_reason: str | None

    @property
    def blood_pressure(self) -> BloodPressure | None:
        for value in self.values.values():
            if isinstance(value, str) and "/" in value:
                return parse_blood_pressure(value)
        return None


@dataclass(frozen=True, slots=True)
class SessionView:
    """One session as the screen, the command line and the REMS form see it: plain data."""

    id: int
    intake_id: int
    patient_id: int
    patient_name: str
    first_name: str
    last_name: str
    date_of_birth: dt.date
    visit_type: str
    form_id: str
    form_version: str
    session_date: dt.date
    opened_at: dt.datetime
    opened_by: str
    dose_at: dt.datetime | None
    ended_at: dt.datetime | None
    values: Mapping[str, AnswerData]
    reasons: Mapping[str, str]
    entered_by: Mapping[str, str]
    readings: tuple[ReadingView, ...]
    suggested: Mapping[str, str]
    """Yes/no values the patient's checklist suggests, not yet confirmed by staff."""
    still_to_record: tuple[str, ...]
    """Required items that apply and have no value yet, by id."""
    monitoring_minutes: int | None
    required_minutes: int | None
    rems: bool
    rems_due: dt.date | None
    rems_submitted_on: dt.date | None
    rems_submitted_by: str | None
    rems_confirmation: str | None
    dose_mg_per_kg: float | None

    def reading(self, moment: ReadingMoment) -> ReadingView | None:
        return next((reading for reading in self.readings if reading.moment is moment), None)

    def rems_overdue(self, today: dt.date) -> bool:
        return self.rems and rems_overdue(self.session_date, today, self.rems_submitted_on)

    @property
    def peak_blood_pressure(self) -> BloodPressure | None:
        pressures = [bp for reading in self.readings if (bp := reading.blood_pressure) is not None]
        return max(pressures, key=lambda bp: (bp.systolic, bp.diastolic)) if pressures else None


def session_form_id(visit_type: str) -> str:
    """The session record form of a visit type: `session_<visit type>` in forms/."""
    return f"session_{visit_type}"


def vitals_limits(backend: Backend) -> VitalsLimits:
    settings = backend.settings
    return VitalsLimits(
        systolic_max=settings.dosing_systolic_max,
        diastolic_max=settings.dosing_diastolic_max,
        spo2_min=settings.dosing_spo2_min,
    )


# ------------------------------------------------------------------------------------------ helpers


def session_row(db: Session, session_id: int) -> DosingSession:
    session = db.get(DosingSession, session_id)
    if session is None:
        raise DosingError(f"There is no dosing session {session_id}.")
    return session


def session_form(backend: Backend, form_id: str) -> Form:
    if form_id not in backend.forms:
        raise DosingError(f"The session record form {form_id} is not in the forms folder; restore it to go on.")
    return backend.forms.get(form_id)


def _label(item: Item) -> str:
    return pick(item.text, "en")


def _sentence(what: str, message: str) -> str:
    message = message.rstrip(".")
    if message[:1].isupper() and not message.startswith(("SpO2", "Blood", "Heart")):
        message = message[0].lower() + message[1:]
    if message.startswith(("Blood pressure", "Heart rate", "SpO2")):
        return f"{message}."
    return f"{what}: {message}."


def _reason(text: str) -> str:
    try:
        return clean_typed_text(text, what="reason", max_length=MAX_REASON_LENGTH)
    except TypedTextError as error:
        raise DosingError(_sentence("Reason", str(error))) from None


def _values(backend: Backend, db: Session, session_id: int) -> dict[str, SessionValue]:
    rows = db.scalars(select(SessionValue).where(SessionValue.session_id == session_id))
    return {row.item_id: row for row in rows}


def _decrypted(backend: Backend, rows: Mapping[str, SessionValue]) -> dict[str, AnswerData]:
    result: dict[str, AnswerData] = {}
    for item_id, row in rows.items():
        value: AnswerData = backend.cipher.decrypt_json(row.value_enc, context=VALUE_CONTEXT)
        result[item_id] = value
    return result


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone().date()


# ------------------------------------------------------------------------------------------ open


def open_session(backend: Backend, staff: StaffIdentity, intake_id: int) -> int:
    """The dosing session of a checked-in patient's submitted intake: opened now, or the one already open.

    Refused while the intake is not submitted or a "see staff before dosing" hold is neither resolved nor
    cleared by a clinician with a reason.
    """
    require(staff, Permission.RECORD_DOSING)
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        intake = db.get(Intake, intake_id)
        if intake is None:
            raise DosingError(f"There is no intake {intake_id}.")
        existing = db.scalars(select(DosingSession.id).where(DosingSession.intake_id == intake_id)).first()
        if existing is not None:
            return existing
        if intake.status == IntakeStatus.DRAFT.value:
            raise DosingError(
                f"Intake {intake_id} is not submitted yet: the patient finishes check-in before a session is opened."
            )
        submitted_day = local_date(intake.submitted_at) if intake.submitted_at else None
        if submitted_day is not None and submitted_day != local_date(now):
            raise DosingError(
                f"Intake {intake_id} was submitted on {submitted_day:%m/%d/%Y}: a session is opened for the patient "
                "checked in today."
            )
        if intake.supersedes_id is None and _has_correction(db, intake_id):
            raise DosingError(f"Intake {intake_id} was corrected; open the session from the corrected intake.")
        holds = db.scalars(
            select(Flag.id).where(
                Flag.intake_id == intake_id,
                Flag.level == FlagLevel.HOLD.value,
                Flag.cleared_at.is_(None),
                Flag.acknowledged_at.is_(None),
            )
        ).all()
        if holds:
            count = len(holds)
            raise DosingError(
                f"Intake {intake_id} has {count} open hold{'s' if count > 1 else ''} (see staff before dosing): "
                "a clinician clears each with a reason before the session is opened."
            )
        form = session_form(backend, session_form_id(intake.visit_type))
        if form.kind is not FormKind.SESSION_RECORD:
            raise DosingError(f"The form {form.id} is not a session record.")
        day = local_date(now)
        session = DosingSession(
            intake_id=intake_id,
            patient_id=intake.patient_id,
            form_id=form.id,
            form_version=str(form.version),
            session_date=day,
            opened_at=now,
            opened_by=staff.username,
            rems_due=rems_due(day) if form.rems else None,
        )
        db.add(session)
        db.flush()
        append_audit(
            db,
            at=now,
            actor=staff.username,
            action="session.open",
            patient_id=intake.patient_id,
            intake_id=intake_id,
            detail=f"session {session.id} ({form.id} {form.version})",
        )
        return session.id


def _has_correction(db: Session, intake_id: int) -> bool:
    return db.scalars(select(Intake.id).where(Intake.supersedes_id == intake_id)).first() is not None


def session_of_intake(backend: Backend, staff: StaffIdentity, intake_id: int) -> int | None:
    """The session opened for an intake, if any."""
    require(staff, Permission.RECORD_DOSING)
    with read_only_unit_of_work(backend.db_factory) as db:
        return db.scalars(select(DosingSession.id).where(DosingSession.intake_id == intake_id)).first()


# ------------------------------------------------------------------------------------------ values


def record_value(
    backend: Backend, staff: StaffIdentity, session_id: int, item_id: str, raw_value: object, reason: str = ""
) -> SessionView:
    """Check and store one value of the session record in its own transaction; the session as it now stands.

    Raises DosingError (ReasonNeededError when a reason would let it through) and stores nothing.
    """
    require(staff, Permission.RECORD_DOSING)
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        session = session_row(db, session_id)
        form = session_form(backend, session.form_id)
        items = {item.id: item for item in record_items(form)}
        item = items.get(item_id)
        if item is None:
            raise DosingError(f"The {form.id} record has no value {item_id!r}.")
        try:
            value = normalize_answer(item, raw_value)
        except AnswerError as error:
            raise DosingError(_sentence(_label(item), str(error))) from None
        rows = _values(backend, db, session_id)
        values = _decrypted(backend, rows)
        values[item_id] = value
        sheet = AnswerSheet(form, values)
        if not sheet.applies(item):
            raise DosingError(f"{_label(item)} is recorded only when the answers before it call for it.")
        given_reason = _reason(reason) if reason.strip() else None
        dose_at, ended_at, shortfall = _clock(session, form, values, now)
        # The reason for a short monitoring time is kept with the end of monitoring.
        discharge_row = rows.get("discharge_time")
        reason_kept = item_id == "dose_time" and discharge_row is not None and bool(discharge_row.reason)
        if (
            shortfall is not None
            and item_id in ("dose_time", "discharge_time")
            and given_reason is None
            and not reason_kept
        ):
            raise ReasonNeededError(f"{shortfall.capitalize()}: give a reason to record this time.")
        row = rows.get(item_id)
        encrypted = backend.cipher.encrypt_json(value, context=VALUE_CONTEXT)
        if row is None:
            row = SessionValue(
                session_id=session_id, item_id=item_id, value_enc=encrypted, entered_at=now, entered_by=staff.username
            )
            db.add(row)
        else:
            row.value_enc, row.entered_at, row.entered_by = encrypted, now, staff.username
        if item_id == "discharge_time":
            row.reason = given_reason if shortfall is not None else None
        elif item_id == "dose_time" and discharge_row is not None:
            discharge_row.reason = (given_reason or discharge_row.reason) if shortfall is not None else None
        elif given_reason is not None:
            raise DosingError(f"{_label(item)} takes no reason; a reason goes with a time or a reading.")
        session.dose_at, session.ended_at = dose_at, ended_at
        append_audit(
            db,
            at=now,
            actor=staff.username,
            action="session.value",
            patient_id=session.patient_id,
            intake_id=session.intake_id,
            detail=f"session {session_id}: {item_id}" + (" (with a reason)" if given_reason else ""),
        )
    return session_view(backend, staff, session_id)


def _clock(
    session: DosingSession, form: Form, values: Mapping[str, AnswerData], now: dt.datetime
) -> tuple[dt.datetime | None, dt.datetime | None, str | None]:
    """Dosing and end-of-monitoring moments from the typed times, and why a reason is needed (short monitoring).

    Raises DosingError when the end of monitoring comes without, or before, the time of dosing, or another time
    of the record (sedation resolved at ...) falls outside the two.
    """
    dose_time, end_time = values.get("dose_time"), values.get("discharge_time")
    day = session.session_date
    try:
        dose_at = local_moment(day, str(dose_time)) if dose_time is not None else None
        ended_at = local_moment(day, str(end_time)) if end_time is not None else None
        if end_time is not None and dose_time is None:
            raise DosingError("Record the time of dosing before the end of monitoring.")
        if dose_at is not None and dose_at > now + dt.timedelta(minutes=5):
            raise DosingError(f"The time of dosing ({dose_time}) is later than now; check the time.")
        for item in record_items(form):
            typed = values.get(item.id)
            if item.type is not ItemType.TIME or item.id in ("dose_time", "discharge_time") or typed is None:
                continue
            at = local_moment(day, str(typed))
            if dose_at is not None and at < dose_at:
                raise DosingError(f"{_label(item)} ({typed}) is before dosing ({dose_time}); check both times.")
            if ended_at is not None and at > ended_at:
                raise DosingError(
                    f"{_label(item)} ({typed}) is after the end of monitoring ({end_time}); check both times."
                )
        if dose_time is not None and end_time is not None:
            minutes = monitoring_minutes(day, str(dose_time), str(end_time))
            return dose_at, ended_at, monitoring_shortfall(minutes, form.monitoring_minutes)
    except DosingRuleError as error:
        raise DosingError(str(error)) from None
    return dose_at, ended_at, None


# ------------------------------------------------------------------------------------------ readings


def record_reading(
    backend: Backend,
    staff: StaffIdentity,
    session_id: int,
    moment: ReadingMoment | str,
    taken_time: str,
    values: Mapping[str, object],
    proceed_reason: str = "",
    taken_by: str = "",
) -> SessionView:
    """Check and store one vital-signs reading (taken at `taken_time`, "HH:MM", by `taken_by`: a name, or when
    empty the signed-in `staff`, who is the one audited either way).

    A reading outside the settings' limits is stored only with a proceed reason (ReasonNeededError otherwise).
    """
    require(staff, Permission.RECORD_DOSING)
    now = backend.now()
    try:
        when = ReadingMoment(moment)
    except ValueError:
        choices = ", ".join(m.value for m in ReadingMoment)
        raise DosingError(f"{str(moment)[:40]!r} is not a reading moment; choose one of: {choices}.") from None
    try:
        taken_hhmm = parse_time_of_day(taken_time)
    except ValueError as error:
        raise DosingError(_sentence("Time taken", str(error))) from None
    try:
        taker = clean_typed_text(taken_by, what="name", max_length=MAX_TAKER_LENGTH) or staff.username
    except TypedTextError as error:
        raise DosingError(_sentence("Taken by", str(error))) from None
    with unit_of_work(backend.db_factory) as db:
        session = session_row(db, session_id)
        form = session_form(backend, session.form_id)
        items = {item.id: item for item in reading_items(form)}
        unknown = sorted(set(values) - set(items))
        if unknown:
            raise DosingError(f"A reading holds {', '.join(items)}; {', '.join(unknown)} is not one of them.")
        stored: dict[str, AnswerData] = {}
        for item in items.values():
            raw = values.get(item.id)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                if item.required:
                    raise DosingError(f"{_label(item)}: every reading needs one.")
                continue
            try:
                stored[item.id] = normalize_answer(item, raw)
            except AnswerError as error:
                raise DosingError(_sentence(_label(item), str(error))) from None
        try:
            taken_at = local_moment(session.session_date, taken_hhmm)
        except DosingRuleError as error:
            raise DosingError(str(error)) from None
        if taken_at > now + dt.timedelta(minutes=5):
            raise DosingError(f"The reading's time ({taken_hhmm}) is later than now; check the time.")
        if when is not ReadingMoment.EXTRA:
            earlier = db.scalars(
                select(SessionReading).where(
                    SessionReading.session_id == session_id, SessionReading.moment == when.value
                )
            ).first()
            if earlier is not None:
                raise DosingError(
                    f"A reading {when.label} is already recorded (at {earlier.taken_at.astimezone():%H:%M}); "
                    "add this one as an extra reading."
                )
        if session.dose_at is not None:
            if when is ReadingMoment.BEFORE_DOSING and taken_at > session.dose_at:
                raise DosingError(f"A reading before dosing cannot be taken at {taken_hhmm}, after the dose was given.")
            if when in (ReadingMoment.FORTY_MINUTES, ReadingMoment.BEFORE_DISCHARGE) and taken_at < session.dose_at:
                raise DosingError(f"A reading {when.label} cannot be taken at {taken_hhmm}, before the dose was given.")
        elif when in (ReadingMoment.FORTY_MINUTES, ReadingMoment.BEFORE_DISCHARGE):
            raise DosingError(f"Record the time of dosing before a reading {when.label}.")
        problems = _reading_problems(backend, form, when, stored)
        reason = _reason(proceed_reason) if proceed_reason.strip() else None
        if problems and reason is None:
            raise ReasonNeededError(f"{'; '.join(problems).capitalize()}: record a reason to proceed.")
        reading = SessionReading(
            session_id=session_id,
            moment=when.value,
            taken_at=taken_at,
            taken_by=taker,
            values_enc=backend.cipher.encrypt_json(stored, context=READING_CONTEXT),
            proceed_reason=reason,
            entered_at=now,
        )
        db.add(reading)
        db.flush()
        append_audit(
            db,
            at=now,
            actor=staff.username,
            action="session.reading",
            patient_id=session.patient_id,
            intake_id=session.intake_id,
            detail=f"session {session_id}: reading {reading.id} ({when.value})"
            + (" out of range, proceeded with a reason" if problems else ""),
        )
    return session_view(backend, staff, session_id)


def _reading_problems(
    backend: Backend, form: Form, moment: ReadingMoment, values: Mapping[str, AnswerData]
) -> tuple[str, ...]:
    pressure: BloodPressure | None = None
    spo2: int | None = None
    for item in reading_items(form):
        value = values.get(item.id)
        if value is None:
            continue
        if item.type is ItemType.BLOOD_PRESSURE:
            pressure = parse_blood_pressure(value)
        elif item.type is ItemType.SPO2 and isinstance(value, int):
            spo2 = value
    return out_of_range(vitals_limits(backend), moment, pressure, spo2)


# ------------------------------------------------------------------------------------------ reading back


def session_view(backend: Backend, staff: StaffIdentity, session_id: int) -> SessionView:
    require(staff, Permission.RECORD_DOSING)
    with read_only_unit_of_work(backend.db_factory) as db:
        return read_session(backend, db, session_row(db, session_id))


def view_session(backend: Backend, staff: StaffIdentity, session_id: int) -> SessionView:
    """A session opened on screen: as session_view, and audited as a view (each save is audited on its own)."""
    require(staff, Permission.RECORD_DOSING)
    with unit_of_work(backend.db_factory) as db:
        session = session_row(db, session_id)
        view = read_session(backend, db, session)
        append_audit(
            db,
            at=backend.now(),
            actor=staff.username,
            action="session.view",
            patient_id=session.patient_id,
            intake_id=session.intake_id,
            detail=f"session {session_id}",
        )
    return view


def read_session(backend: Backend, db: Session, session: DosingSession) -> SessionView:
    form = session_form(backend, session.form_id)
    intake = db.get(Intake, session.intake_id)
    assert intake is not None
    patient_row = db.get(Patient, session.patient_id)
    assert patient_row is not None
    patient = patient_view(backend.cipher, patient_row)
    rows = _values(backend, db, session.id)
    values = _decrypted(backend, rows)
    reading_rows = db.scalars(
        select(SessionReading)
        .where(SessionReading.session_id == session.id)
        .order_by(SessionReading.taken_at, SessionReading.id)
    ).all()
    readings = []
    for row in reading_rows:
        stored: dict[str, AnswerData] = backend.cipher.decrypt_json(row.values_enc, context=READING_CONTEXT)
        moment = ReadingMoment(row.moment)
        readings.append(
            ReadingView(
                id=row.id,
                moment=moment,
                taken_at=row.taken_at,
                taken_by=row.taken_by,
                values=stored,
                problems=_reading_problems(backend, form, moment, stored),
                proceed_reason=row.proceed_reason,
            )
        )
    sheet = AnswerSheet(form, values)
    still = tuple(
        item.id for item in record_items(form) if item.required and item.id not in values and sheet.applies(item)
    )
    suggested = {
        item_id: value
        for item_id, value in prefilled_answers(
            form, backend.forms.forms, intake_answers(backend.cipher, db, session.intake_id)
        ).items()
        if item_id not in values
    }
    minutes = None
    if "dose_time" in values and "discharge_time" in values:
        try:
            minutes = monitoring_minutes(session.session_date, str(values["dose_time"]), str(values["discharge_time"]))
        except DosingRuleError:
            minutes = None
    per_kg = None
    dose, weight = values.get("dose_mg"), values.get("weight_kg")
    if isinstance(dose, int | float) and isinstance(weight, int | float):
        per_kg = dose_mg_per_kg(float(dose), float(weight))
    return SessionView(
        id=session.id,
        intake_id=session.intake_id,
        patient_id=session.patient_id,
        patient_name=f"{patient.first_name} {patient.last_name}",
        first_name=patient.first_name,
        last_name=patient.last_name,
        date_of_birth=patient.dob,
        visit_type=intake.visit_type,
        form_id=session.form_id,
        form_version=session.form_version,
        session_date=session.session_date,
        opened_at=session.opened_at,
        opened_by=session.opened_by,
        dose_at=session.dose_at,
        ended_at=session.ended_at,
        values=values,
        reasons={item_id: row.reason for item_id, row in rows.items() if row.reason},
        entered_by={item_id: row.entered_by for item_id, row in rows.items()},
        readings=tuple(readings),
        suggested=suggested,
        still_to_record=still,
        monitoring_minutes=minutes,
        required_minutes=form.monitoring_minutes,
        rems=form.rems,
        rems_due=session.rems_due,
        rems_submitted_on=session.rems_submitted_on,
        rems_submitted_by=session.rems_submitted_by,
        rems_confirmation=session.rems_confirmation,
        dose_mg_per_kg=per_kg,
    )


# ------------------------------------------------------------------------------------------ REMS filing


def mark_rems_submitted(
    backend: Backend, staff: StaffIdentity, session_id: int, submitted_on: dt.date, confirmation: str
) -> SessionView:
    """Record that the REMS Patient Monitoring Form was filed on `submitted_on`, with the REMS's confirmation."""
    require(staff, Permission.RECORD_DOSING)
    now = backend.now()
    try:
        number = clean_typed_text(confirmation, what="confirmation number", max_length=MAX_CONFIRMATION_LENGTH)
    except TypedTextError as error:
        raise DosingError(_sentence("Confirmation number", str(error))) from None
    if not number:
        raise DosingError("Confirmation number: type the number the REMS gave when the form was filed.")
    with unit_of_work(backend.db_factory) as db:
        session = session_row(db, session_id)
        if session.rems_due is None:
            raise DosingError(f"Session {session_id} is not a REMS session; there is no form to file.")
        if submitted_on < session.session_date:
            raise DosingError(
                f"The form cannot be filed on {submitted_on:%m/%d/%Y}, before the session on "
                f"{session.session_date:%m/%d/%Y}."
            )
        if submitted_on > local_date(now):
            raise DosingError(f"{submitted_on:%m/%d/%Y} is in the future; give the day the form was filed.")
        session.rems_submitted_on = submitted_on
        session.rems_submitted_by = staff.username
        session.rems_confirmation = number
        append_audit(
            db,
            at=now,
            actor=staff.username,
            action="session.rems_submitted",
            patient_id=session.patient_id,
            intake_id=session.intake_id,
            detail=f"session {session_id}: REMS form filed on {submitted_on.isoformat()}",
        )
    return session_view(backend, staff, session_id)
