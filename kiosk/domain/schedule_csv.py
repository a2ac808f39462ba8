"""A day's schedule as a CSV file, read row by row: the columns, the dates and times as spreadsheets write
them, and what is wrong with a row in words the front desk can fix in the spreadsheet.

Pure: nothing here touches the store. The service (kiosk.services.schedule_import) then checks the good
rows against each other and against the patients and appointments on file, and imports them. The
columns are documented in docs/csv-import.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.domain.scoring import AnswerError, normalize_phone
from kiosk.domain.typed_text import MAX_CHART_LENGTH, MAX_NAME_LENGTH, date_of_birth_problem

REQUIRED_COLUMNS = ("first_name", "last_name", "date_of_birth", "appointment_date", "appointment_time", "visit_type")
ALL_COLUMNS = ("chart_number", *REQUIRED_COLUMNS[:3], *REQUIRED_COLUMNS[3:], "phone", "language")
BOOKING_WINDOW_PAST = dt.timedelta(days=366)
BOOKING_WINDOW_FUTURE = dt.timedelta(days=5 * 366)
"""A CSV row books a visit within a year back and five years ahead; a year-1 date is a typo, not a visit."""
TIME_PATTERN = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)
US_DATE_PATTERN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
ISO_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class NewPatient:
    """A patient to add, or to find if already on file (by chart number, else by name and birth date)."""

    first_name: str
    last_name: str
    dob: dt.date
    language: str = "en"
    chart_number: str | None = None
    phone: str | None = None


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


@dataclass(frozen=True, slots=True)
class ScheduleFile:
    """Every data row of a file read against the columns, the visit types and the languages, or the one
    problem that stops the whole file from being read as a schedule (`file_problem`)."""

    file_problem: str | None
    rows: tuple[CsvRow, ...] = ()
    warnings: tuple[str, ...] = ()


def read_schedule_file(
    data: bytes, *, visit_types: Sequence[str], languages: Sequence[str], today: dt.date
) -> ScheduleFile:
    """Read each row of a schedule file on its own (nothing compared with other rows or with the store)."""
    expected = ", ".join(ALL_COLUMNS)
    text = _decode(data)
    if text is None:
        return ScheduleFile(
            "The file is not UTF-8 text. In Excel use File > Save As > 'CSV UTF-8 (Comma delimited)', then try again.",
        )
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return ScheduleFile(f"The file is empty. The first line must name the columns: {expected}.")
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
        return ScheduleFile(f"{problem} The file's first line has: {found}.")
    unknown = [name for name in header if name and name not in ALL_COLUMNS]
    warnings = (f"Columns ignored (not used by the kiosk): {', '.join(unknown)}.",) if unknown else ()
    parsed: list[CsvRow] = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            parsed.append(
                _read_row(reader.line_num, header, record, visit_types=visit_types, languages=languages, today=today)
            )
    except csv.Error as error:
        return ScheduleFile(
            f"Line {reader.line_num} cannot be read ({error}): a value is far too long or a quotation mark is not "
            "closed. Fix the file and try again; nothing was imported.",
        )
    return ScheduleFile(None, tuple(parsed), warnings)


def _read_row(
    line: int,
    header: Sequence[str],
    record: Sequence[str],
    *,
    visit_types: Sequence[str],
    languages: Sequence[str],
    today: dt.date,
) -> CsvRow:
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
        dob_problem = date_of_birth_problem(dob, today)
        if dob_problem is not None:
            problems.append(f"date of birth {values['date_of_birth']} is {dob_problem.value}")
            dob = None
    except ValueError:
        shown = values["date_of_birth"] or "(empty)"
        problems.append(f"date of birth {shown} is not a date (write YYYY-MM-DD or MM/DD/YYYY)")
    try:
        day = parse_date(values["appointment_date"])
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
    known = list(visit_types)
    if visit_type not in known:
        shown = visit_type or "(empty)"
        problems.append(f"unknown visit type {shown} (the clinic's visit types: {', '.join(known)})")
    language = values.get("language", "").strip().lower() or "en"
    if language not in languages:
        problems.append(f"language {language} is not one of {', '.join(languages)}")
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
