"""Bulk work commits in batches, so no single write transaction holds SQLite's lock for the whole job:
the CSV import commits IMPORT_BATCH rows at a time and the synthetic history PATIENT_BATCH patients."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from kiosk.services import schedule_import
from kiosk.services.backend import Backend
from kiosk.services.history import PATIENT_BATCH, generate_history
from kiosk.services.schedule_import import IMPORT_BATCH, import_csv, preview_csv
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment, Patient
from tests.identities import front_desk
from tests.services.test_appointments import HEADER


@contextmanager
def counted_commits(backend: Backend) -> Iterator[list[int]]:
    commits: list[int] = []

    def on_commit(_connection: object) -> None:
        commits.append(1)

    event.listen(backend.engine, "commit", on_commit)
    try:
        yield commits
    finally:
        event.remove(backend.engine, "commit", on_commit)


def test_a_large_csv_import_commits_in_batches_and_imports_every_row(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schedule_import, "WRITE_SLICE_SECONDS", 60.0)
    day = backend.local_now().date() + dt.timedelta(days=1)
    rows = 2 * IMPORT_BATCH + 50
    lines = [HEADER] + [
        f"B-{n},Pat{n},Batch,1980-01-01,{day.isoformat()},{8 + n % 10}:{n % 60:02d},im_ketamine,,en"
        for n in range(rows)
    ]
    preview = preview_csv(backend, ("\n".join(lines) + "\n").encode("utf-8"), front_desk())
    with counted_commits(backend) as commits:
        result = import_csv(backend, preview, front_desk("front-desk"))
    assert result.appointments_added == rows
    # Three batches of rows and the summary entry: four write transactions, none of them the whole file.
    assert len(commits) == 4
    with unit_of_work(backend.db_factory) as db:
        assert db.scalar(select(func.count(Appointment.id))) == rows
        assert db.scalar(select(func.count(Patient.id))) == rows
    again = import_csv(
        backend, preview_csv(backend, ("\n".join(lines) + "\n").encode("utf-8"), front_desk()), front_desk("front-desk")
    )
    assert (again.appointments_added, again.already_present) == (0, rows)


def test_a_batch_also_ends_when_it_has_held_the_write_lock_long_enough(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slow rows (a busy disk) end the batch by time, never by the row count alone; a pause follows each."""
    monkeypatch.setattr(schedule_import, "WRITE_SLICE_SECONDS", 0.0)
    pauses: list[float] = []
    monkeypatch.setattr(schedule_import.time, "sleep", pauses.append)
    day = backend.local_now().date() + dt.timedelta(days=1)
    lines = [HEADER] + [f"S-{n},Pat{n},Slice,1980-01-01,{day.isoformat()},9:{n:02d},im_ketamine,,en" for n in range(5)]
    preview = preview_csv(backend, ("\n".join(lines) + "\n").encode("utf-8"), front_desk())
    with counted_commits(backend) as commits:
        result = import_csv(backend, preview, front_desk("front-desk"))
    assert result.appointments_added == 5
    # One row per transaction (the first row of a batch is always taken), then the summary entry.
    assert len(commits) == 5 + 1
    assert pauses == [schedule_import.YIELD_SECONDS] * 4


def test_the_synthetic_history_commits_per_batch_of_patients(backend: Backend) -> None:
    patients = 3 * PATIENT_BATCH
    with counted_commits(backend) as commits:
        summary = generate_history(backend, intakes=4 * patients, patients=patients)
    assert summary.patients_added == patients
    # The claim, one transaction per batch, and the final record.
    assert len(commits) == 1 + 3 + 1
    assert generate_history(backend, intakes=10, patients=5).already_present
