"""A staff console on a copy of one seeded demo data folder, and a second backend standing in for the tablet.

Seeding the demo day and making the clinic's signing certificate take a few seconds, so they are done
once per test run in a template folder that each test copies.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import application
from kiosk.documents.certificates import ensure_clinic_certificate
from kiosk.services.backend import Backend, open_backend
from kiosk.services.demo import DEMO_STAFF
from kiosk.services.staff_accounts import StaffIdentity, sign_in
from kiosk.store.models import StaffRole
from kiosk.ui.staff.idle_lock import LOCK_AFTER_SECONDS
from kiosk.ui.staff.window import DEFAULT_SIZE, StaffWindow, build_staff_console
from kiosk.ui.theme import apply_theme
from tests.ui.patient.conftest import copy_demo_data_dir
from tests.ui.staff.driver import Staff


@pytest.fixture(scope="session")
def template_data_dir(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> Path:
    folder = copy_demo_data_dir(demo_template, tmp_path_factory.mktemp("staff-template") / "data")
    backend = open_backend(folder)
    ensure_clinic_certificate(folder, backend.settings.clinic_name)
    backend.engine.dispose()
    return folder


@pytest.fixture
def data_dir(template_data_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(template_data_dir, target)
    return target


@pytest.fixture
def backend(data_dir: Path) -> Iterator[Backend]:
    """The console's backend."""
    opened = open_backend(data_dir)
    yield opened
    opened.engine.dispose()


@pytest.fixture
def tablet(data_dir: Path) -> Iterator[Backend]:
    """A second backend on the same data folder: the waiting-room tablet saving answers."""
    opened = open_backend(data_dir)
    yield opened
    opened.engine.dispose()


def demo_identity(backend: Backend, role: StaffRole) -> StaffIdentity:
    person = next(person for person in DEMO_STAFF if person.role is role)
    return sign_in(backend, person.username, person.password)


def demo_password(role: StaffRole) -> tuple[str, str]:
    person = next(person for person in DEMO_STAFF if person.role is role)
    return person.username, person.password


def open_console(
    qtbot: QtBot,
    backend: Backend,
    *,
    identity: StaffIdentity | None = None,
    lock_after_seconds: float = LOCK_AFTER_SECONDS,
    printer: str | None = None,
) -> StaffWindow:
    apply_theme(application(), large_text=False, high_contrast=False)
    window = build_staff_console(backend, identity=identity, lock_after_seconds=lock_after_seconds, printer=printer)
    qtbot.addWidget(window)
    window.resize(*DEFAULT_SIZE)
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def clinician_console(qtbot: QtBot, backend: Backend) -> Staff:
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.CLINICIAN))
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    return staff


@pytest.fixture
def admin_console(qtbot: QtBot, backend: Backend) -> Staff:
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.ADMIN))
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    return staff


@pytest.fixture
def front_desk_console(qtbot: QtBot, backend: Backend) -> Staff:
    window = open_console(qtbot, backend, identity=demo_identity(backend, StaffRole.FRONT_DESK))
    staff = Staff(qtbot, window)
    staff.wait_for_board()
    return staff
