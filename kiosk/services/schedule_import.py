"""Importing a day's schedule from a CSV file, in two steps: `preview_csv` reads the file and says, row by
row, what would be imported and what is wrong (in words the front desk can fix in the spreadsheet);
`import_csv` then adds only the good rows.

Reading a row is pure (kiosk.domain.schedule_csv); this module compares the rows with each other and with
the store, and writes. Importing the same file again adds nothing: patients are matched by chart number,
else by name and date of birth (the blind lookup key), and each appointment carries a source reference
made of the patient and the start time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.schedule_csv import CsvPreview, CsvRow, NewPatient, RowStatus, read_schedule_file, source_ref_for
from kiosk.services.appointments import AppointmentError, find_or_add_patient, match_patient
from kiosk.services.backend import Backend
from kiosk.services.patients import lookup_key
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit
from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import read_only_unit_of_work, unit_of_work
from kiosk.store.models import Appointment, AppointmentStatus, chart_index

IMPORT_BATCH = 200
"""At most this many rows are committed per transaction by import_csv."""
WRITE_SLICE_SECONDS = 0.05
"""A batch also ends once its transaction has held SQLite's write lock this long (each row is a few ms)."""
YIELD_SECONDS = 0.025
"""The pause between two batches, in which the tablets' waiting saves take the lock before the next batch."""


@dataclass(frozen=True, slots=True)
class CsvImportResult:
    patients_added: int
    appointments_added: int
    already_present: int
    skipped: tuple[CsvRow, ...]


def preview_csv(backend: Backend, data: bytes, staff: StaffIdentity) -> CsvPreview:
    """Check every row of a schedule file against the columns, the clinic's visit types and the patients
    on file; nothing is written."""
    require(staff, Permission.IMPORT_APPOINTMENTS)
    digest = hashlib.sha256(data).hexdigest()
    read = read_schedule_file(
        data,
        visit_types=[visit.id for visit in backend.settings.visit_types],
        languages=backend.settings.languages,
        today=backend.local_now().date(),
    )
    if read.file_problem is not None:
        return CsvPreview(digest, read.file_problem)
    rows = _check_against_file_and_store(backend, read.rows)
    return CsvPreview(digest, None, tuple(rows), read.warnings)


def _check_against_file_and_store(backend: Backend, rows: Sequence[CsvRow]) -> list[CsvRow]:
    """Duplicates within the file, chart numbers used for two people, and rows already imported."""
    cipher = backend.cipher
    checked: list[CsvRow] = []
    seen: dict[tuple[str, dt.datetime], int] = {}
    charts: dict[str, tuple[str, int]] = {}
    # Read-only: the preview of a 10,000-row file must not hold the write lock tablets save answers with.
    with read_only_unit_of_work(backend.db_factory) as db:
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
                status = _stored_status(db, cipher, person, row.starts_at, ref)
            except AppointmentError as error:
                checked.append(replace(row, status=RowStatus.BAD, problems=(str(error),)))
                continue
            checked.append(replace(row, status=status, source_ref=ref))
    return checked


def _stored_status(db: Session, cipher: FieldCipher, person: NewPatient, starts_at: dt.datetime, ref: str) -> RowStatus:
    """Already imported (same reference, or the same patient booked at the same time), or OK to import."""
    if db.scalars(select(Appointment.id).where(Appointment.source_ref == ref)).first() is not None:
        return RowStatus.ALREADY_IMPORTED
    patient = match_patient(db, cipher, person)
    if patient is not None:
        booked = db.scalars(
            select(Appointment.id).where(
                Appointment.patient_id == patient.id,
                Appointment.starts_at == starts_at,
                Appointment.status == AppointmentStatus.SCHEDULED.value,
            )
        ).first()
        if booked is not None:
            return RowStatus.ALREADY_IMPORTED
    return RowStatus.OK


def import_csv(backend: Backend, preview: CsvPreview, staff: StaffIdentity) -> CsvImportResult:
    """Add the good rows of a preview the front desk confirmed, in short transactions; bad rows are left out.

    Each row is checked again, so a file imported twice, or by two desks at once, adds nothing twice.
    """
    require(staff, Permission.IMPORT_APPOINTMENTS)
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
        with unit_of_work(backend.db_factory) as db:
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
                        _stored_status(db, backend.cipher, row.patient, row.starts_at, row.source_ref)
                        is not RowStatus.OK
                    ):
                        already += 1
                        continue
                    patient, added = find_or_add_patient(db, backend.cipher, row.patient, now)
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
                db.add(appointment)
                db.flush()
                appointments_added += 1
                append_audit(
                    db,
                    at=now,
                    actor=staff.username,
                    action="appointment.add",
                    patient_id=patient.id,
                    detail=f"appointment {appointment.id} {row.visit_type} from CSV line {row.line}",
                )
    with unit_of_work(backend.db_factory) as db:
        append_audit(
            db,
            at=now,
            actor=staff.username,
            action="schedule.import",
            detail=f"file sha256 {preview.file_sha256[:16]}: {appointments_added} appointments added, "
            f"{patients_added} patients added, {already} already there, {len(skipped)} rows left out",
        )
    return CsvImportResult(patients_added, appointments_added, already, tuple(skipped))
