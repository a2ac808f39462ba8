"""Databases for the store tests: a fresh SQLite file per test, and a throwaway PostgreSQL database.

The PostgreSQL database is created once per test run on the server from scripts/test-services.sh
(found through KIOSK_TEST_PG_URL), emptied before each test that uses it, and dropped at the end.
Without that server the postgres tests fail and say how to start it; they are never skipped.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url

from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import create_engine_for, sqlite_url_for
from kiosk.store.migrate import upgrade_database

PG_URL_VARIABLE = "KIOSK_TEST_PG_URL"
PG_MISSING_MESSAGE = (
    f"{PG_URL_VARIABLE} is not set, so the PostgreSQL tests cannot run. Start the test services with "
    "`bash scripts/test-services.sh start` and export the KIOSK_TEST_* lines it prints "
    "(`python3 dev.py test` does both)."
)

BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


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


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file of its own for each test, in the layout the app uses."""
    return sqlite_url_for(tmp_path)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend; the PostgreSQL one is only set up when that case runs."""
    fixture = "postgres_url" if request.param == "postgres" else "sqlite_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def migrated_engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database upgraded to the newest schema."""
    upgrade_database(database_url)
    engine = create_engine_for(database_url)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(bytes(range(32)))
