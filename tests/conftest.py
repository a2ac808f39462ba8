"""Test configuration shared by every test: headless Qt, and no test ever touches real user data."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url

REPO_ROOT = Path(__file__).resolve().parent.parent

# Qt must never try to open a real display in tests; this runs before any test module imports PySide6.
# The offscreen screen is made 1920x1920 (its default is 800x600) so that touch events, which Qt routes
# by screen position, reach windows of tablet size in either orientation.
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).with_name('offscreen_screens.json')}"
os.environ.setdefault("QT_SCALE_FACTOR", "1")
# The console's chime plays into the null sink of the test services' PulseAudio server (there is no sound
# card here); without a server, QtMultimedia warns and the strict Qt log fails the test.
if os.environ.get("KIOSK_TEST_PULSE_SERVER"):
    os.environ["PULSE_SERVER"] = os.environ["KIOSK_TEST_PULSE_SERVER"]
FORMS_DIR = REPO_ROOT / "forms"


# ------------------------------------------------------------------------------------------- the demo
# Seeding the demo (ten patients, their treatment series with signed packets: some 600 commits) takes
# seconds; copying the folder takes milliseconds. It is seeded once per run (per worker under xdist) and
# every test that needs it gets a copy of its own.


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo seeded, its key and default settings; never opened by a test itself."""
    from kiosk.services.backend import open_backend
    from kiosk.services.demo import seed_demo
    from kiosk.settings import DEFAULT_SETTINGS

    folder = tmp_path_factory.mktemp("demo-template") / "data"
    folder.mkdir()
    (folder / "settings.toml").write_text(DEFAULT_SETTINGS)
    backend = open_backend(folder)
    try:
        seed_demo(backend)
    finally:
        backend.engine.dispose()
    return folder


def copy_demo(template: Path, target: Path) -> Path:
    """A data folder of the test's own at `target`, copied from the seeded demo `template`."""
    shutil.copytree(template, target)
    return target


@pytest.fixture(autouse=True, scope="session")
def _no_frozen_start_up() -> None:
    """A test process builds hundreds of kiosks: freezing each one's start-up objects would keep every window's
    cycles for the whole run (tests/test_app.py tests the freeze itself)."""
    import kiosk.app

    kiosk.app.FREEZE_AFTER_START = False


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point every user-data location at a temporary folder so no test reads or writes real settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "localappdata"))


# ------------------------------------------------------------------------------------------- PostgreSQL
# The database is created once per test run on the server from scripts/test-services.sh (found through
# KIOSK_TEST_PG_URL), emptied before each test that uses it, and dropped at the end. Without that server
# the postgres tests fail and say how to start it; they are never skipped.

PG_URL_VARIABLE = "KIOSK_TEST_PG_URL"
PG_MISSING_MESSAGE = (
    f"{PG_URL_VARIABLE} is not set, so the PostgreSQL tests cannot run. Start the test services with "
    "`bash scripts/test-services.sh start` and export the KIOSK_TEST_* lines it prints "
    "(`python3 dev.py test` does both)."
)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The admin URL of the test server; fails the test (never skips) when it is not configured."""
    url = os.environ.get(PG_URL_VARIABLE)
    if not url:
        pytest.fail(PG_MISSING_MESSAGE, pytrace=False)
    return url


@pytest.fixture(scope="session")
def postgres_database_url(postgres_server_url: str) -> Iterator[str]:
    """A uniquely named database for this test run, dropped afterwards even if tests failed."""
    name = f"kiosk_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture
def postgres_url(postgres_database_url: str) -> str:
    """The run's PostgreSQL database with an empty public schema, as a never-migrated clinic has."""
    engine = create_engine(postgres_database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()
    return postgres_database_url
