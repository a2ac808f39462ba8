"""The front desk's schedule changes: add, move and cancel an appointment, and import a day from a CSV file.

Each change is one audited unit of work. An import is two steps: `preview_csv` reads the file and says,
row by row, what would be imported and what is wrong (in words the front desk can fix in the
spreadsheet); `import_csv` then adds only the good rows. Importing the same file again adds nothing:
patients are matched by chart number, else by name and date of birth (the blind lookup key), and each
appointment carries a source reference made of the patient and the start time. The columns are
documented in docs/csv-import.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.scoring import AnswerError, normalize_phone
from kiosk.domain.typed_text import (
    MAX_CHART_LENGTH,
    MAX_NAME_LENGTH,
    TypedTextError,
    clean_typed_text,
    date_of_birth_problem,
)
from kiosk.services.backend import Backend
from kiosk.services.patients import add_patient, lookup_key
from kiosk.store.audit import append_audit
from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import read_only_unit_of_work, unit_of_work
from kiosk.store.models import Appointment, AppointmentStatus, Intake, IntakeStatus, Patient, chart_index

REQUIRED_COLUMNS = ("first_name", "last_name", "date_of_birth", "appointment_date", "appointment_time", "visit_type")
IMPORT_BATCH = 200
"""At most this many rows are committed per transaction by import_csv."""
WRITE_SLICE_SECONDS = 0.05
"""A batch also ends once its transaction has held SQLite's write lock this long (each row is a few ms)."""
YIELD_SECONDS = 0.025
"""The pause between two batches, in which the tablets' waiting saves take the lock before the next batch."""
ALL_COLUMNS = ("chart_number", *REQUIRED_COLUMNS[:3], *REQUIRED_COLUMNS[3:], "phone", "language")
BOOKING_WINDOW_PAST = dt.timedelta(days=366)
BOOKING_WINDOW_FUTURE = dt.timedelta(days=5 * 366)
"""A CSV row books a visit within a year back and five years ahead; a year-1 date is a typo, not a visit."""
TIME_PATTERN = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)
US_DATE_PATTERN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class AppointmentError(Exception):
    """A schedule change that cannot be made, said in words the front desk can act on."""


@dataclass(frozen=True, slots=True)
class NewPatient:
    """A patient to add, or to find if already on file (by chart number, else by name and birth date)."""

    first_name: str
    last_name: str
    dob: dt.date
    language: str = "en"
    chart_number: str | None = None
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class AppointmentView:
    appointment_id: int
    patient_id: int
    starts_at: dt.datetime
    visit_type: str
    status: AppointmentStatus
    source_ref: str | None


def _view(appointment: Appointment) -> AppointmentView:
    return AppointmentView(
        appointment_id=appointment.id,
        patient_id=appointment.patient_id,
        starts_at=appointment.starts_at.astimezone(),
        visit_type=appointment.visit_type,
        status=AppointmentStatus(appointment.status),
        source_ref=appointment.source_ref,
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    """A time the front desk typed without a zone is the clinic's local time."""
    return moment.astimezone() if moment.tzinfo is None else moment


def _check_visit_type(backend: Backend, visit_type: str) -> None:
    known = [visit.id for visit in backend.settings.visit_types]
    if visit_type not in known:
        raise AppointmentError(f"Unknown visit type {visit_type!r}; the clinic's visit types are: {', '.join(known)}.")


def _same_person(cipher: FieldCipher, patient: Patient, new: NewPatient) -> bool:
    return patient.lookup_key == lookup_key(cipher, new.first_name, new.last_name, new.dob)


def match_patient(session: Session, cipher: FieldCipher, new: NewPatient) -> Patient | None:
    """The patient on file for `new` (by chart number, else by name and date of birth), or None.

    Raises AppointmentError when the chart number belongs to someone else, or when two patients on file
    share the name and date of birth and no chart number tells them apart.
    """
    chart = new.chart_number
    if chart is not None:
        by_chart = session.scalars(select(Patient).where(Patient.chart_key == chart_index(cipher, chart))).first()
        if by_chart is not None:
            if not _same_person(cipher, by_chart, new):
                raise AppointmentError(
                    f"Chart number {chart} belongs to another patient on file (the name or date of birth differ); "
                    "check the chart number."
                )
            return by_chart
    key = lookup_key(cipher, new.first_name, new.last_name, new.dob)
    candidates = [
        patient
        for patient in session.scalars(select(Patient).where(Patient.lookup_key == key))
        if chart is None or patient.chart_number is None
    ]
    if len(candidates) > 1:
        raise AppointmentError(
            "Two or more patients on file share this name and date of birth; give the chart number to say which."
        )
    return candidates[0] if candidates else None


def find_or_add_patient(
    session: Session, cipher: FieldCipher, new: NewPatient, now: dt.datetime
) -> tuple[Patient, bool]:
    """The patient on file for `new` (given its chart number if it had none), or a newly added one.

    TypedTextError, before anything is stored, for a name, chart number or phone too long or not text."""
    new = replace(
        new,
        first_name=clean_typed_text(new.first_name, what="first name", max_length=MAX_NAME_LENGTH),
        last_name=clean_typed_text(new.last_name, what="last name", max_length=MAX_NAME_LENGTH),
        chart_number=(
            clean_typed_text(new.chart_number, what="chart number", max_length=MAX_CHART_LENGTH) or None
            if new.chart_number is not None
            else None
        ),
    )
    patient = match_patient(session, cipher, new)
    if patient is not None:
        if new.chart_number is not None and patient.chart_number is None:
            patient.chart_number = new.chart_number
        return patient, False
    patient = add_patient(
        session,
        cipher,
        first_name=new.first_name,
        last_name=new.last_name,
        dob=new.dob,
        language=new.language,
        now=now,
        chart_number=new.chart_number,
        phone=new.phone,
    )
    return patient, True


def add_appointment(
    backend: Backend,
    *,
    patient: int | NewPatient,
    starts_at: dt.datetime,
    visit_type: str,
    actor: str,
    source_ref: str | None = None,
) -> AppointmentView:
    """Book a visit for a patient on file (by id) or for a new one (added, or found if already there)."""
    _check_visit_type(backend, visit_type)
    now = backend.now()
    with unit_of_work(backend.sessions) as session:
        if isinstance(patient, NewPatient):
            try:
                record, _ = find_or_add_patient(session, backend.cipher, patient, now)
            except TypedTextError as error:
                raise AppointmentError(f"{error.sentence()}; nothing was added.") from None
        else:
            found = session.get(Patient, patient)
            if found is None:
                raise AppointmentError(f"There is no patient {patient}; search for the patient again.")
            record = found
        appointment = Appointment(
            patient_id=record.id,
            starts_at=_aware(starts_at),
            visit_type=visit_type,
            status=AppointmentStatus.SCHEDULED.value,
            source_ref=source_ref,
            created_at=now,
        )
        session.add(appointment)
        session.flush()
        append_audit(
            session,
            at=now,
            actor=actor,
            action="appointment.add",
            patient_id=record.id,
            detail=f"appointment {appointment.id} {visit_type}",
        )
        return _view(appointment)


def _changeable(session: Session, appointment_id: int, doing: str) -> Appointment:
    appointment = session.get(Appointment, appointment_id)
    if appointment is None:
        raise AppointmentError(f"There is no appointment {appointment_id}; reload the schedule.")
    if appointment.status == AppointmentStatus.CANCELLED.value:
        raise AppointmentError(f"This appointment was cancelled, so it cannot be {doing}; add a new one instead.")
    done = session.scalars(
        select(Intake.id).where(
            Intake.appointment_id == appointment_id,
            Intake.status.in_([IntakeStatus.SUBMITTED.value, IntakeStatus.REVIEWED.value]),
        )
    ).first()
    if done is not None:
        raise AppointmentError(
            f"The patient already checked in and submitted the intake for this visit, so it cannot be {doing}."
        )
    return appointment


def move_appointment(backend: Backend, appointment_id: int, starts_at: dt.datetime, actor: str) -> AppointmentView:
    """Give the appointment a new time (a naive time is taken as local)."""
    now = backend.now()
    with unit_of_work(backend.sessions) as session:
        appointment = _changeable(session, appointment_id, "moved")
        before = appointment.starts_at
        appointment.starts_at = _aware(starts_at)
        append_audit(
            session,
            at=now,
            actor=actor,
            action="appointment.move",
            patient_id=appointment.patient_id,
            detail=f"appointment {appointment.id} from {before.astimezone(dt.UTC):%Y-%m-%dT%H:%MZ} "
            f"to {appointment.starts_at.astimezone(dt.UTC):%Y-%m-%dT%H:%MZ}",
        )
        session.flush()
        return _view(appointment)


def cancel_appointment(backend: Backend, appointment_id: int, actor: str) -> AppointmentView:
    now = backend.now()
    with unit_of_work(backend.sessions) as session:
        appointment = _changeable(session, appointment_id, "cancelled")
        appointment.status = AppointmentStatus.CANCELLED.value
        append_audit(
            session,
            at=now,
            actor=actor,
            action="appointment.cancel",
            patient_id=appointment.patient_id,
            detail=f"appointment {appointment.id}",
        )
        session.flush()
        return _view(appointment)


# ------------------------------------------------------------------------------------------ CSV import


class RowStatus(StrEnum):
    OK = "ok"
    ALREADY_IMPORTED = "already on the schedule"
    BAD = "bad"


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data line of the file: what it says, and whether (and why not) it can be imported."""

    line: int
    status: RowStatus
    problems: tuple[str, ...]
    values: Mapping[str, str]
    patient: NewPatient | None = None
    starts_at: dt.datetime | None = None
    visit_type: str | None = None
    source_ref: str | None = None

    @property
    def reason(self) -> str:
        return "; ".join(self.problems)


@dataclass(frozen=True, slots=True)
class CsvPreview:
    """The whole file checked; `file_problem` is set when nothing in it can be read as a schedule."""

    file_sha256: str
    file_problem: str | None
    rows: tuple[CsvRow, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def ok_rows(self) -> tuple[CsvRow, ...]:
        return tuple(row for row in self.rows if row.status is RowStatus.OK)

    @property
    def bad_rows(self) -> tuple[CsvRow, ...]:
        return tuple(row for row in self.rows if row.status is RowStatus.BAD)

    @property
    def already_imported(self) -> tuple[CsvRow, ...]:
        return tuple(row for row in self.rows if row.status is RowStatus.ALREADY_IMPORTED)


@dataclass(frozen=True, slots=True)
class CsvImportResult:
    patients_added: int
    appointments_added: int
    already_present: int
    skipped: tuple[CsvRow, ...]


def parse_date(text: str) -> dt.date:
    """YYYY-MM-DD or MM/DD/YYYY (as US spreadsheets write it); ValueError otherwise."""
    text = text.strip()
    if ISO_DATE_PATTERN.match(text):
        return dt.date.fromisoformat(text)
    match = US_DATE_PATTERN.match(text)
    if match:
        month, day, year = (int(part) for part in match.groups())
        return dt.date(year, month, day)
    raise ValueError(text)


def parse_time(text: str) -> dt.time:
    """14:30, 14:30:00, 2:30 PM or 2:30pm; ValueError otherwise."""
    match = TIME_PATTERN.match(text.strip())
    if not match:
        raise ValueError(text)
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    meridiem = (match[4] or "").replace(".", "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError(text)
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return dt.time(hour, minute, second)


def source_ref_for(chart_key: str | None, key: str, starts_at: dt.datetime) -> str:
    """The appointment's import reference: the same row imported twice gets the same one.

    Made of blind indexes (the chart number's, else the name and birth date's), never a chart number:
    the reference is stored in clear.
    """
    who = chart_key or key
    return f"csv:{who}:{starts_at.astimezone(dt.UTC):%Y-%m-%dT%H:%MZ}"


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _header_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


def preview_csv(backend: Backend, data: bytes) -> CsvPreview:
    """Check every row of a schedule file against the columns, the clinic's visit types and the patients
    on file; nothing is written."""
    digest = hashlib.sha256(data).hexdigest()
    expected = ", ".join(ALL_COLUMNS)
    text = _decode(data)
    if text is None:
        return CsvPreview(
            digest,
            "The file is not UTF-8 text. In Excel use File > Save As > 'CSV UTF-8 (Comma delimited)', then try again.",
        )
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return CsvPreview(digest, f"The file is empty. The first line must name the columns: {expected}.")
    first = next(line for line in lines if line.strip())
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] = []
    for record in reader:
        if any(cell.strip() for cell in record):
            header = [_header_key(cell) for cell in record]
            break
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    doubled = sorted({column for column in header if column and header.count(column) > 1})
    if missing or doubled:
        found = ", ".join(name for name in header if name) or "nothing"
        problem = f"The first line must name the columns {expected} (any order)."
        if missing:
            problem += f" Missing: {', '.join(missing)}."
        if doubled:
            problem += f" Named twice: {', '.join(doubled)}."
        return CsvPreview(digest, f"{problem} The file's first line has: {found}.")
    unknown = [name for name in header if name and name not in ALL_COLUMNS]
    warnings = (f"Columns ignored (not used by the kiosk): {', '.join(unknown)}.",) if unknown else ()
    parsed: list[CsvRow] = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            parsed.append(_parse_row(backend, reader.line_num, header, record))
    except csv.Error as error:
        return CsvPreview(
            digest,
            f"Line {reader.line_num} cannot be read ({error}): a value is far too long or a quotation mark is not "
            "closed. Fix the file and try again; nothing was imported.",
        )
    rows = _check_against_file_and_store(backend, parsed)
    return CsvPreview(digest, None, tuple(rows), warnings)


def _parse_row(backend: Backend, line: int, header: Sequence[str], record: Sequence[str]) -> CsvRow:
    values = {name: (record[index].strip() if index < len(record) else "") for index, name in enumerate(header)}
    problems: list[str] = []
    if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
        problems.append("more values than there are columns (a comma inside a name? put the name in quotes)")
    first, last = " ".join(values["first_name"].split()), " ".join(values["last_name"].split())
    if not first:
        problems.append("first name is missing")
    if not last:
        problems.append("last name is missing")
    if len(first) > MAX_NAME_LENGTH or len(last) > MAX_NAME_LENGTH:
        problems.append(f"a name is longer than {MAX_NAME_LENGTH} characters")
    dob = day = None
    time = None
    try:
        dob = parse_date(values["date_of_birth"])
        dob_problem = date_of_birth_problem(dob, backend.local_now().date())
        if dob_problem is not None:
            problems.append(f"date of birth {values['date_of_birth']} is {dob_problem.value}")
            dob = None
    except ValueError:
        shown = values["date_of_birth"] or "(empty)"
        problems.append(f"date of birth {shown} is not a date (write YYYY-MM-DD or MM/DD/YYYY)")
    try:
        day = parse_date(values["appointment_date"])
        today = backend.local_now().date()
        if not today - BOOKING_WINDOW_PAST <= day <= today + BOOKING_WINDOW_FUTURE:
            problems.append(
                f"appointment date {values['appointment_date']} is not between "
                f"{today - BOOKING_WINDOW_PAST} and {today + BOOKING_WINDOW_FUTURE}"
            )
            day = None
    except ValueError:
        shown = values["appointment_date"] or "(empty)"
        problems.append(f"appointment date {shown} is not a date (write YYYY-MM-DD or MM/DD/YYYY)")
    try:
        time = parse_time(values["appointment_time"])
    except ValueError:
        shown = values["appointment_time"] or "(empty)"
        problems.append(f"appointment time {shown} is not a time (write 14:30 or 2:30 PM)")
    visit_type = values["visit_type"].strip()
    known = [visit.id for visit in backend.settings.visit_types]
    if visit_type not in known:
        shown = visit_type or "(empty)"
        problems.append(f"unknown visit type {shown} (the clinic's visit types: {', '.join(known)})")
    language = values.get("language", "").strip().lower() or "en"
    if language not in backend.settings.languages:
        problems.append(f"language {language} is not one of {', '.join(backend.settings.languages)}")
    phone = None
    if values.get("phone", "").strip():
        try:
            phone = normalize_phone(values["phone"])
        except AnswerError:
            problems.append(f"phone {values['phone']} does not look like a phone number")
    chart = values.get("chart_number", "").strip() or None
    if chart is not None and len(chart) > MAX_CHART_LENGTH:
        problems.append(f"chart number is longer than {MAX_CHART_LENGTH} characters")
    if problems or dob is None or day is None or time is None:
        return CsvRow(line, RowStatus.BAD, tuple(problems), values)
    starts_at = dt.datetime.combine(day, time).astimezone()
    patient = NewPatient(first, last, dob, language, chart, phone)
    return CsvRow(line, RowStatus.OK, (), values, patient, starts_at, visit_type)


def _check_against_file_and_store(backend: Backend, rows: Sequence[CsvRow]) -> list[CsvRow]:
    """Duplicates within the file, chart numbers used for two people, and rows already imported."""
    cipher = backend.cipher
    checked: list[CsvRow] = []
    seen: dict[tuple[str, dt.datetime], int] = {}
    charts: dict[str, tuple[str, int]] = {}
    # Read-only: the preview of a 10,000-row file must not hold the write lock tablets save answers with.
    with read_only_unit_of_work(backend.sessions) as session:
        for row in rows:
            if row.status is not RowStatus.OK:
                checked.append(row)
                continue
            assert row.patient is not None and row.starts_at is not None
            person = row.patient
            key = lookup_key(cipher, person.first_name, person.last_name, person.dob)
            ref = source_ref_for(
                chart_index(cipher, person.chart_number) if person.chart_number else None, key, row.starts_at
            )
            problems: list[str] = []
            identity = (person.chart_number or key, row.starts_at)
            if identity in seen:
                problems.append(f"duplicate of line {seen[identity]} (same patient and time)")
            else:
                seen[identity] = row.line
            if person.chart_number is not None:
                earlier = charts.setdefault(person.chart_number, (key, row.line))
                if earlier[0] != key:
                    problems.append(
                        f"chart number {person.chart_number} is used on line {earlier[1]} for a different name or "
                        "date of birth"
                    )
            if problems:
                checked.append(replace(row, status=RowStatus.BAD, problems=tuple(problems)))
                continue
            try:
                status = _stored_status(session, cipher, person, row.starts_at, ref)
            except AppointmentError as error:
                checked.append(replace(row, status=RowStatus.BAD, problems=(str(error),)))
                continue
            checked.append(replace(row, status=status, source_ref=ref))
    return checked


def _stored_status(
    session: Session, cipher: FieldCipher, person: NewPatient, starts_at: dt.datetime, ref: str
) -> RowStatus:
    """Already imported (same reference, or the same patient booked at the same time), or OK to import."""
    if session.scalars(select(Appointment.id).where(Appointment.source_ref == ref)).first() is not None:
        return RowStatus.ALREADY_IMPORTED
    patient = match_patient(session, cipher, person)
    if patient is not None:
        booked = session.scalars(
            select(Appointment.id).where(
                Appointment.patient_id == patient.id,
                Appointment.starts_at == starts_at,
                Appointment.status == AppointmentStatus.SCHEDULED.value,
            )
        ).first()
        if booked is not None:
            return RowStatus.ALREADY_IMPORTED
    return RowStatus.OK


def import_csv(backend: Backend, preview: CsvPreview, actor: str) -> CsvImportResult:
    """Add the good rows of a preview the front desk confirmed, in short transactions; bad rows are left out.

    Each row is checked again, so a file imported twice, or by two desks at once, adds nothing twice.
    """
    if preview.file_problem is not None:
        raise AppointmentError(preview.file_problem)
    now = backend.now()
    patients_added = appointments_added = already = 0
    skipped: list[CsvRow] = [row for row in preview.rows if row.status is RowStatus.BAD]
    rows = [row for row in preview.rows if row.status in (RowStatus.OK, RowStatus.ALREADY_IMPORTED)]
    # Committed in short batches (IMPORT_BATCH rows or WRITE_SLICE_SECONDS, whichever comes first) with a
    # pause between them, so the SQLite write lock is never held for long and a tablet that is waiting to
    # save an answer gets it before the next batch: tablets wait milliseconds, not the whole file. Each row
    # is idempotent (its source_ref), so an import cut short by a crash is completed by importing it again.
    position = 0
    while position < len(rows):
        if position:
            time.sleep(YIELD_SECONDS)
        with unit_of_work(backend.sessions) as session:
            began = time.monotonic()
            for count, row in enumerate(rows[position : position + IMPORT_BATCH], 1):
                if count > 1 and time.monotonic() - began >= WRITE_SLICE_SECONDS:
                    break
                position += 1
                if row.status is RowStatus.ALREADY_IMPORTED:
                    already += 1
                    continue
                assert row.patient is not None and row.starts_at is not None and row.visit_type and row.source_ref
                try:
                    if (
                        _stored_status(session, backend.cipher, row.patient, row.starts_at, row.source_ref)
                        is not RowStatus.OK
                    ):
                        already += 1
                        continue
                    patient, added = find_or_add_patient(session, backend.cipher, row.patient, now)
                except AppointmentError as error:
                    skipped.append(replace(row, status=RowStatus.BAD, problems=(str(error),)))
                    continue
                patients_added += added
                appointment = Appointment(
                    patient_id=patient.id,
                    starts_at=row.starts_at,
                    visit_type=row.visit_type,
                    status=AppointmentStatus.SCHEDULED.value,
                    source_ref=row.source_ref,
                    created_at=now,
                )
                session.add(appointment)
                session.flush()
                appointments_added += 1
                append_audit(
                    session,
                    at=now,
                    actor=actor,
                    action="appointment.add",
                    patient_id=patient.id,
                    detail=f"appointment {appointment.id} {row.visit_type} from CSV line {row.line}",
                )
    with unit_of_work(backend.sessions) as session:
        append_audit(
            session,
            at=now,
            actor=actor,
            action="schedule.import",
            detail=f"file sha256 {preview.file_sha256[:16]}: {appointments_added} appointments added, "
            f"{patients_added} patients added, {already} already there, {len(skipped)} rows left out",
        )
    return CsvImportResult(patients_added, appointments_added, already, tuple(skipped))
