"""Finding a patient by part of a name, a chart number or a date of birth, although names are encrypted.

Names are stored AES-GCM encrypted per field, so the database cannot compare them (no LIKE) and the
blind lookup key only answers "exactly this name and birth date". The console therefore keeps a
PatientIndex: every patient's name and birth date decrypted once, in one query, held in the console's
memory, and searched there (any part of a name, ignoring case and accents). Refreshing it reads only
patients added since (by id), so the console can call `refresh` before each search.

The trade-off: the console's memory holds every patient's name and birth date in clear text while it
runs (about 18 MB for 20,000 patients, never written anywhere), and it pays a one-off build when it
starts (about 0.25 s for 20,000 patients on the 2-core reference machine; a search then takes a few
milliseconds). A change to an existing patient's name is seen at the next full build, since ids only
tell what is new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from kiosk.domain.schedule_csv import parse_date
from kiosk.services.backend import Backend
from kiosk.services.patients import normalize_name
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.engine import read_only_unit_of_work
from kiosk.store.models import Patient

DEFAULT_LIMIT = 50


@dataclass(frozen=True, slots=True)
class PatientHit:
    patient_id: int
    first_name: str
    last_name: str
    dob: dt.date
    chart_number: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class _Entry:
    hit: PatientHit
    text: str  # " first last chart", normalised, with a leading space so " word" finds a word start
    sort_key: tuple[str, str, int]


def _entry(hit: PatientHit) -> _Entry:
    names = normalize_name(f"{hit.first_name} {hit.last_name} {hit.chart_number or ''}")
    return _Entry(hit, f" {names}", (normalize_name(hit.last_name), normalize_name(hit.first_name), hit.patient_id))


def _parse_dob(token: str) -> dt.date | None:
    try:
        return parse_date(token)
    except ValueError:
        return None


class PatientIndex:
    """Every patient's decrypted name, chart number and birth date, searchable in memory.

    Built by `PatientIndex.build(backend)`, kept by the console, brought up to date with `refresh`.
    Searching never touches the database; refreshing replaces the entry list in one assignment, so a
    search running at the same time sees either the old list or the new one.
    """

    def __init__(self) -> None:
        self._entries: tuple[_Entry, ...] = ()
        self._max_id = 0

    @classmethod
    def build(cls, backend: Backend, staff: StaffIdentity) -> PatientIndex:
        index = cls()
        index.refresh(backend, staff)
        return index

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def max_patient_id(self) -> int:
        return self._max_id

    def refresh(self, backend: Backend, staff: StaffIdentity) -> int:
        """Add the patients created since the last build or refresh; returns how many were added."""
        require(staff, Permission.VIEW_SCHEDULE)
        cipher = backend.cipher
        with read_only_unit_of_work(backend.db_factory) as db:
            rows = db.execute(
                select(Patient.id, Patient.first_name_enc, Patient.last_name_enc, Patient.dob_enc, Patient.chart_number)
                .where(Patient.id > self._max_id)
                .order_by(Patient.id)
            ).all()
        added = [
            _entry(
                PatientHit(
                    patient_id=row.id,
                    first_name=cipher.decrypt_text(row.first_name_enc, context="patients.first_name"),
                    last_name=cipher.decrypt_text(row.last_name_enc, context="patients.last_name"),
                    dob=dt.date.fromisoformat(cipher.decrypt_text(row.dob_enc, context="patients.dob")),
                    chart_number=row.chart_number,
                )
            )
            for row in rows
        ]
        if added:
            # Kept in display order (last, first name), so a search can stop at the first `limit` matches.
            self._entries = tuple(sorted((*self._entries, *added), key=lambda entry: entry.sort_key))
            self._max_id = added[-1].hit.patient_id
        return len(added)

    def search(self, query: str, limit: int = DEFAULT_LIMIT) -> tuple[PatientHit, ...]:
        """Patients whose name or chart number contains every word typed (any case, accents ignored),
        and whose birth date is any date typed (MM/DD/YYYY or YYYY-MM-DD). Names starting with the
        words come first, then by last and first name."""
        tokens = normalize_name(query).split()
        if not tokens:
            return ()
        dates = {date for token in tokens if (date := _parse_dob(token)) is not None}
        words = [token for token in tokens if _parse_dob(token) is None]
        if len(dates) > 1:
            return ()
        dob = next(iter(dates), None)
        starts = [f" {word}" for word in words]
        leading: list[PatientHit] = []
        inside: list[PatientHit] = []
        for entry in self._entries:
            if dob is not None and entry.hit.dob != dob:
                continue
            if all(start in entry.text for start in starts):
                leading.append(entry.hit)
                if len(leading) == limit:
                    break
            elif len(inside) < limit and all(word in entry.text for word in words):
                inside.append(entry.hit)
        return tuple([*leading, *inside][:limit])
