"""Reading a schedule file row by row, with no database: columns, dates and times as spreadsheets write them."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.domain.schedule_csv import NewPatient, RowStatus, parse_date, parse_time, read_schedule_file

TODAY = dt.date(2026, 3, 2)
HEADER = "chart_number,first_name,last_name,date_of_birth,appointment_date,appointment_time,visit_type,phone,language"


def read(*lines: str) -> tuple[str | None, list[tuple[int, RowStatus, str]]]:
    data = ("\n".join((HEADER, *lines)) + "\n").encode("utf-8")
    result = read_schedule_file(data, visit_types=["im_ketamine", "spravato"], languages=["en", "es"], today=TODAY)
    return result.file_problem, [(row.line, row.status, row.reason) for row in result.rows]


def test_times_are_read_as_the_front_desk_writes_them() -> None:
    assert parse_time("9:05") == dt.time(9, 5)
    assert parse_time("12:15 AM") == dt.time(0, 15)
    assert parse_time("12:15 p.m.") == dt.time(12, 15)
    assert parse_time("14:30:00") == dt.time(14, 30)
    for bad in ("25:00", "13:00 PM", "9", "9.30"):
        with pytest.raises(ValueError):
            parse_time(bad)


def test_dates_are_iso_or_us() -> None:
    assert parse_date("1979-07-02") == parse_date("07/02/1979") == parse_date(" 7/2/1979 ") == dt.date(1979, 7, 2)
    for bad in ("1979-7-2", "02.07.1979", "13/01/1979", ""):
        with pytest.raises(ValueError):
            parse_date(bad)


def test_each_row_is_read_on_its_own_with_every_problem_named() -> None:
    problem, rows = read(
        "C-1,José,Núñez,05/30/1968,2026-03-03,2:30 PM,spravato,,es",
        ",Sam,,1979-07-02,2026-03-03,noon,ketamine,12,fr",
        "C-2,Ana,García,1984-03-15,0001-01-01,09:00,im_ketamine,,",
    )
    assert problem is None
    assert rows[0] == (2, RowStatus.OK, "")
    assert rows[1][:2] == (3, RowStatus.BAD)
    assert rows[1][2].split("; ") == [
        "last name is missing",
        "appointment time noon is not a time (write 14:30 or 2:30 PM)",
        "unknown visit type ketamine (the clinic's visit types: im_ketamine, spravato)",
        "language fr is not one of en, es",
        "phone 12 does not look like a phone number",
    ]
    assert rows[2][2].startswith("appointment date 0001-01-01 is not between 2025-03-01 and ")


def test_a_good_row_says_who_and_when_in_local_time() -> None:
    data = f"{HEADER}\nC-1,José,Núñez,05/30/1968,2026-03-03,2:30 PM,spravato,,es\n".encode()
    (row,) = read_schedule_file(data, visit_types=["spravato"], languages=["en", "es"], today=TODAY).rows
    assert row.patient == NewPatient("José", "Núñez", dt.date(1968, 5, 30), "es", "C-1", None)
    assert row.starts_at == dt.datetime(2026, 3, 3, 14, 30).astimezone() and row.visit_type == "spravato"


def test_a_file_without_the_columns_is_one_problem_and_no_rows() -> None:
    result = read_schedule_file(b"name,when\nSam,9:00\n", visit_types=["spravato"], languages=["en"], today=TODAY)
    assert result.rows == ()
    assert result.file_problem is not None and "Missing: first_name, last_name, date_of_birth" in result.file_problem
