"""The synthetic demo day: what it promises (trends, one past positive item 9), and twice adds nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from kiosk.services.backend import Backend
from kiosk.services.demo import DEMO_PATIENTS, SERIES, SERIES_SESSIONS, seed_demo
from kiosk.services.schedule import schedule_for_day
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Addendum, Appointment, Flag, Intake, IntakeStatus, Patient, StaffUser
from tests.conftest import REPO_ROOT, copy_demo
from tests.identities import front_desk
from tests.services.conftest import BackendFactory


def counts(backend: Backend) -> tuple[int, ...]:
    with unit_of_work(backend.db_factory) as db:
        return tuple(
            db.scalar(select(func.count()).select_from(model)) or 0
            for model in (Patient, Appointment, Intake, StaffUser)
        )


def test_the_demo_day_and_its_history(make_backend: BackendFactory, demo_template: Path, tmp_path: Path) -> None:
    """What the demo holds (the folder every UI test copies: tests/conftest.py seeds it with seed_demo)."""
    backend = make_backend(copy_demo(demo_template, tmp_path / "demo"))
    with unit_of_work(backend.db_factory) as db:
        assert db.scalar(select(func.count()).select_from(Patient)) == len(DEMO_PATIENTS)
        assert db.scalar(select(func.count()).select_from(Intake)) == len(SERIES) * SERIES_SESSIONS
    assert len(schedule_for_day(backend, front_desk())) == 10
    with unit_of_work(backend.db_factory) as db:
        urgent = db.scalars(select(Flag).where(Flag.level == "urgent")).all()
        past = db.execute(select(Intake.status, Intake.packet_pdf.is_not(None), Intake.id)).all()
        addenda = db.execute(select(Addendum.intake_id, Addendum.action)).all()
    assert len(urgent) == 1  # exactly one past positive PHQ-9 item 9, acknowledged by the demo clinician
    assert urgent[0].acknowledged_by == "demo-clinician"
    assert urgent[0].acknowledged_outcome
    # The past sessions were reviewed through the same services as the console: each has its signed packet
    # and a signed review addendum, and the acknowledged flag has its own.
    assert {status for status, _, _ in past} == {IntakeStatus.REVIEWED.value}
    assert all(has_packet for _, has_packet, _ in past)
    assert sorted(action for _, action in addenda).count("review") == len(past)
    assert len(addenda) == len(past) + 1


def test_running_it_twice_adds_nothing(backend: Backend) -> None:
    summary = seed_demo(backend)
    assert summary.patients_added == len(DEMO_PATIENTS)
    assert summary.intakes_added == len(SERIES) * SERIES_SESSIONS
    before = counts(backend)
    again = seed_demo(backend)
    assert (again.patients_added, again.appointments_added, again.intakes_added, again.staff_added) == (0, 0, 0, 0)
    assert counts(backend) == before


def test_reading_the_prepared_answers_loads_no_pdf_signing_or_password_library() -> None:
    """The patient walk's test driver reads prepared_patient_answers inside the kiosk process it drives (and its
    memory is measured): only seeding loads reportlab, pyHanko and argon2."""
    code = (
        "import sys\n"
        "from kiosk.services.demo import prepared_patient_answers\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'pyhanko', 'argon2', 'PIL'})\n"
        "assert not heavy, heavy\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
