"""A real backend on a real database for the service tests: a SQLite file, or the PostgreSQL test server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kiosk.services.backend import Backend, open_backend
from kiosk.services.patients import add_patient
from kiosk.settings import DEFAULT_SETTINGS
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment
from tests.conftest import FORMS_DIR


class FakeClock:
    """A clock the test moves by hand; starts at 08:00 local time today."""

    def __init__(self) -> None:
        local = dt.datetime.combine(dt.date.today(), dt.time(8, 0)).astimezone()
        self.now = local.astimezone(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


BackendFactory = Callable[..., Backend]


@pytest.fixture
def make_backend(tmp_path: Path, clock: FakeClock) -> Iterator[BackendFactory]:
    opened: list[Backend] = []

    def make(data_dir: Path | None = None, database_url: str = "") -> Backend:
        directory = data_dir or tmp_path / "data"
        directory.mkdir(parents=True, exist_ok=True)
        settings = directory / "settings.toml"
        if not settings.exists():
            settings.write_text(DEFAULT_SETTINGS.replace('url = ""', f'url = "{database_url}"'))
        backend = open_backend(directory, forms_dir=FORMS_DIR, clock=clock)
        opened.append(backend)
        return backend

    yield make
    for backend in opened:
        backend.engine.dispose()


@pytest.fixture
def backend(make_backend: BackendFactory) -> Backend:
    return make_backend()


def schedule(
    backend: Backend, first: str, last: str, dob: dt.date, visit_type: str = "im_ketamine", hour: int = 9
) -> int:
    """Add a patient with an appointment today at `hour`; returns the appointment id."""
    with unit_of_work(backend.db_factory) as db:
        patient = add_patient(
            db, backend.cipher, first_name=first, last_name=last, dob=dob, language="en", now=backend.now()
        )
        starts = dt.datetime.combine(backend.local_now().date(), dt.time(hour, 0)).astimezone()
        appointment = Appointment(
            patient_id=patient.id, starts_at=starts, visit_type=visit_type, status="scheduled", created_at=backend.now()
        )
        db.add(appointment)
        db.flush()
        return appointment.id
