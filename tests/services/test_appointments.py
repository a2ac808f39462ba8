"""Schedule changes (add, move, cancel, all audited) and the two-step CSV import of a day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kiosk.domain.schedule_csv import NewPatient, RowStatus
from kiosk.domain.statuses import VisitStatus
from kiosk.services.appointments import AppointmentError, add_appointment, cancel_appointment, move_appointment
from kiosk.services.backend import Backend
from kiosk.services.board import board_for_day, board_signature
from kiosk.services.history import generate_history
from kiosk.services.patients import add_patient
from kiosk.services.schedule_import import import_csv, preview_csv
from kiosk.services.staff_accounts import SignInError, verify_kiosk_pin
from kiosk.services.trends import patient_trend
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment, AuditEntry, Patient
from tests.identities import clinician, front_desk
from tests.services.conftest import BackendFactory
from tests.services.test_board import complete_visit

HEADER = "chart_number,first_name,last_name,date_of_birth,appointment_date,appointment_time,visit_type,phone,language"


def tomorrow(backend: Backend) -> dt.date:
    return backend.local_now().date() + dt.timedelta(days=1)


def day_file(backend: Backend) -> bytes:
    day = tomorrow(backend)
    us_day = f"{day:%m/%d/%Y}"
    lines = [
        HEADER,
        f"C-100,Sam,Taylor,1979-07-02,{day.isoformat()},09:00,im_ketamine,555-010-0101,en",
        f"C-101,José,Núñez,05/30/1968,{us_day},9:30 AM,spravato,,es",
        f",Morgan,Lee,1995-09-14,{day.isoformat()},1:00 pm,integration,,",
        f'C-103,"O\'Neil, Chris",,1982-04-27,{day.isoformat()},10:00,im_ketamine,,',
        f"C-104,Priya,Raman,1972-13-09,{day.isoformat()},10:30,im_ketamine,,",
        f"C-105,Elena,Petrova,1988-12-01,{day.isoformat()},noon,im_ketamine,,",
        f"C-106,Robin,Park,1975-08-08,{day.isoformat()},11:00,ketamine,,",
        f"C-100,Sam,Taylor,1979-07-02,{day.isoformat()},09:00,im_ketamine,,en",
        f"C-107,Lucía,Fernández,1999-02-18,{day.isoformat()},11:30,im_ketamine,12,",
        f"C-108,Ana,García,1984-03-15,{day.isoformat()},12:00,spravato,,fr",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def count(backend: Backend, model: type[Patient] | type[Appointment]) -> int:
    with unit_of_work(backend.db_factory) as db:
        return db.scalar(select(func.count()).select_from(model)) or 0


def test_preview_lists_each_row_as_ok_or_bad_with_the_reason(backend: Backend) -> None:
    preview = preview_csv(backend, day_file(backend), front_desk())
    assert preview.file_problem is None
    reasons = {row.line: (row.status, row.reason) for row in preview.rows}
    assert [line for line, (status, _) in reasons.items() if status is RowStatus.OK] == [2, 3, 4]
    assert reasons[5] == (RowStatus.BAD, "last name is missing")
    assert "date of birth 1972-13-09 is not a date (write YYYY-MM-DD or MM/DD/YYYY)" in reasons[6][1]
    assert reasons[7][1] == "appointment time noon is not a time (write 14:30 or 2:30 PM)"
    assert reasons[8][1].startswith("unknown visit type ketamine (the clinic's visit types: im_ketamine")
    assert reasons[9][1] == "duplicate of line 2 (same patient and time)"
    assert reasons[10][1] == "phone 12 does not look like a phone number"
    assert reasons[11][1] == "language fr is not one of en, es"
    ok = preview.ok_rows
    assert ok[1].patient == NewPatient("José", "Núñez", dt.date(1968, 5, 30), "es", "C-101", None)
    assert ok[1].starts_at is not None and (ok[1].starts_at.hour, ok[1].starts_at.minute) == (9, 30)
    assert ok[2].starts_at is not None and ok[2].starts_at.hour == 13
    assert count(backend, Appointment) == 0  # a preview writes nothing


def test_import_adds_the_good_rows_and_twice_adds_nothing(backend: Backend) -> None:
    data = day_file(backend)
    result = import_csv(backend, preview_csv(backend, data, front_desk()), front_desk("front-desk"))
    assert (result.patients_added, result.appointments_added, result.already_present) == (3, 3, 0)
    assert len(result.skipped) == 7
    board = board_for_day(backend, clinician(), tomorrow(backend))
    assert [(row.patient_name, row.visit_type) for row in board.rows] == [
        ("Sam Taylor", "im_ketamine"),
        ("José Núñez", "spravato"),
        ("Morgan Lee", "integration"),
    ]

    again = preview_csv(backend, data, front_desk())
    assert [row.status for row in again.rows[:3]] == [RowStatus.ALREADY_IMPORTED] * 3
    second = import_csv(backend, again, front_desk("front-desk"))
    assert (second.patients_added, second.appointments_added, second.already_present) == (0, 0, 3)
    # Even a stale preview (taken before the first import) adds nothing twice.
    import_csv(backend, preview_csv(backend, data, front_desk()), front_desk("front-desk"))
    assert count(backend, Appointment) == 3 and count(backend, Patient) == 3
    with unit_of_work(backend.db_factory) as db:
        actions = list(db.scalars(select(AuditEntry.action)))
    assert actions.count("appointment.add") == 3 and actions.count("schedule.import") == 3


def test_patients_on_file_are_matched_by_chart_then_by_name_and_birth_date(backend: Backend) -> None:
    with unit_of_work(backend.db_factory) as db:
        add_patient(
            db,
            backend.cipher,
            first_name="Sam",
            last_name="Taylor",
            dob=dt.date(1979, 7, 2),
            language="en",
            now=backend.now(),
            chart_number="C-100",
        )
        add_patient(
            db,
            backend.cipher,
            first_name="Morgan",
            last_name="Lee",
            dob=dt.date(1995, 9, 14),
            language="en",
            now=backend.now(),
        )
    result = import_csv(backend, preview_csv(backend, day_file(backend), front_desk()), front_desk("front-desk"))
    assert (result.patients_added, result.appointments_added) == (1, 3)
    assert count(backend, Patient) == 3


def test_a_chart_number_of_someone_else_is_refused(backend: Backend) -> None:
    with unit_of_work(backend.db_factory) as db:
        add_patient(
            db,
            backend.cipher,
            first_name="Kim",
            last_name="Other",
            dob=dt.date(1950, 1, 1),
            language="en",
            now=backend.now(),
            chart_number="C-100",
        )
    row = preview_csv(backend, day_file(backend), front_desk()).rows[0]
    assert row.status is RowStatus.BAD
    assert row.reason.startswith("Chart number C-100 belongs to another patient on file")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"first_name;last_name\nSam;Taylor\n", "Missing: date_of_birth, appointment_date"),
        (HEADER.encode("utf-16"), "not UTF-8 text"),
        (b"", "The file is empty"),
        (b"first_name,first_name,last_name\n", "Named twice: first_name"),
        (
            (HEADER + "\nC1," + "x" * 200_000 + ",T,1980-01-01,2026-12-05,9:00,im_ketamine,,en\n").encode(),
            "Line 2 cannot be read (field larger than field limit",
        ),
    ],
    ids=["semicolons without the dates", "UTF-16", "empty", "a column twice", "a 200 KB cell"],
)
def test_a_file_that_is_not_a_schedule_says_what_to_fix(backend: Backend, data: bytes, problem: str) -> None:
    preview = preview_csv(backend, data, front_desk())
    assert preview.file_problem is not None and problem in preview.file_problem
    assert preview.rows == ()
    with pytest.raises(AppointmentError):
        import_csv(backend, preview, front_desk("front-desk"))


@pytest.mark.parametrize(
    ("dob", "day", "reason"),
    [
        ("0001-01-01", None, "date of birth 0001-01-01 is more than 120 years ago"),
        ("2999-01-01", None, "date of birth 2999-01-01 is in the future"),
        ("1980-01-01", "0001-01-01", "appointment date 0001-01-01 is not between"),
        ("1980-01-01", "9999-12-31", "appointment date 9999-12-31 is not between"),
    ],
    ids=["born in year 1", "born in the future", "visit in year 1", "visit in year 9999"],
)
def test_implausible_dates_are_bad_rows_not_crashes(backend: Backend, dob: str, day: str | None, reason: str) -> None:
    when = day or (backend.local_now().date() + dt.timedelta(days=1)).isoformat()
    data = f"{HEADER}\nC1,Ann,Lee,{dob},{when},9:00,im_ketamine,,en\n".encode()
    (row,) = preview_csv(backend, data, front_desk()).rows
    assert row.status is RowStatus.BAD and reason in row.reason


def test_header_names_are_forgiving_and_unknown_columns_are_named(backend: Backend) -> None:
    day = tomorrow(backend)
    data = (
        "\ufeffFirst Name,Last Name,Date of Birth,Appointment Date,Appointment Time,Visit Type,Room\n"
        f"Sam,Taylor,07/02/1979,{day:%m/%d/%Y},14:30,im_ketamine,3\n"
    ).encode()
    preview = preview_csv(backend, data, front_desk())
    assert preview.warnings == ("Columns ignored (not used by the kiosk): room.",)
    assert [row.status for row in preview.rows] == [RowStatus.OK]


def test_add_move_and_cancel_are_audited(backend: Backend) -> None:
    start = dt.datetime.combine(backend.local_now().date(), dt.time(15, 0))  # naive: local time
    added = add_appointment(
        backend,
        patient=NewPatient("Sam", "Taylor", dt.date(1979, 7, 2)),
        starts_at=start,
        visit_type="im_ketamine",
        staff=front_desk("front-desk"),
    )
    assert added.starts_at == start.astimezone()
    moved = move_appointment(backend, added.appointment_id, start + dt.timedelta(hours=1), front_desk("front-desk"))
    assert moved.starts_at.hour == 16
    again = add_appointment(
        backend, patient=added.patient_id, starts_at=start, visit_type="integration", staff=front_desk("front-desk")
    )
    assert again.patient_id == added.patient_id
    cancelled = cancel_appointment(backend, again.appointment_id, front_desk("front-desk"))
    assert cancelled.status.value == "cancelled"
    statuses = [row.status for row in board_for_day(backend, clinician()).rows]
    assert statuses == [VisitStatus.CANCELLED, VisitStatus.NOT_ARRIVED]
    with pytest.raises(AppointmentError, match="was cancelled"):
        move_appointment(backend, again.appointment_id, start, front_desk("front-desk"))
    with pytest.raises(AppointmentError, match="Unknown visit type"):
        add_appointment(
            backend, patient=added.patient_id, starts_at=start, visit_type="nope", staff=front_desk("front-desk")
        )
    with unit_of_work(backend.db_factory) as db:
        entries = [(e.action, e.patient_id) for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert entries == [
        ("appointment.add", added.patient_id),
        ("appointment.move", added.patient_id),
        ("appointment.add", added.patient_id),
        ("appointment.cancel", added.patient_id),
    ]


def test_a_visit_already_checked_in_cannot_be_cancelled(backend: Backend) -> None:
    start = backend.now() + dt.timedelta(hours=1)
    added = add_appointment(
        backend,
        patient=NewPatient("Sam", "Taylor", dt.date(1979, 7, 2)),
        starts_at=start,
        visit_type="im_ketamine",
        staff=front_desk("front-desk"),
    )
    complete_visit(backend, added.appointment_id)
    with pytest.raises(AppointmentError, match="already checked in"):
        cancel_appointment(backend, added.appointment_id, front_desk("front-desk"))


@pytest.mark.postgres
def test_import_board_and_history_on_postgresql(make_backend: BackendFactory, postgres_url: str) -> None:
    backend = make_backend(database_url=postgres_url)
    assert backend.engine.dialect.name == "postgresql"
    data = day_file(backend)
    first = import_csv(backend, preview_csv(backend, data, front_desk()), front_desk("front-desk"))
    assert (first.patients_added, first.appointments_added) == (3, 3)
    assert (
        import_csv(backend, preview_csv(backend, data, front_desk()), front_desk("front-desk")).appointments_added == 0
    )
    day = tomorrow(backend)
    board = board_for_day(backend, clinician(), day)
    assert [row.patient_name for row in board.rows] == ["Sam Taylor", "José Núñez", "Morgan Lee"]
    signature = board_signature(backend, clinician(), day)
    assert board_signature(backend, clinician(), day) == signature
    move_appointment(
        backend, board.rows[0].appointment_id, board.rows[0].starts_at + dt.timedelta(hours=5), front_desk("desk")
    )
    assert board_signature(backend, clinician(), day) != signature
    assert [row.patient_name for row in board_for_day(backend, clinician(), day).rows][-1] == "Sam Taylor"
    # The bulk history (INSERT ... RETURNING in batches) and the shared PIN pad counter work there too.
    summary = generate_history(backend, intakes=60, patients=5)
    assert summary.long_series_patient_id is not None
    assert len(patient_trend(backend, summary.long_series_patient_id, clinician("dr-lee")).sessions) == 50
    with pytest.raises(SignInError, match="not right"):
        verify_kiosk_pin(backend, "0000")
