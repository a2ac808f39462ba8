"""Databases for the store tests: a fresh SQLite file per test, or the run's PostgreSQL database
(the postgres fixtures live in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import create_engine_for, sqlite_url_for
from kiosk.store.migrate import upgrade_database
from kiosk.store.types import attach_cipher

TEST_KEY = bytes(range(32))
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgres", id="postgres", marks=pytest.mark.postgres)]


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
    """An engine on a database upgraded to the newest schema, its encrypted columns keyed by TEST_KEY."""
    upgrade_database(database_url)
    engine = create_engine_for(database_url)
    attach_cipher(engine, FieldCipher(TEST_KEY))
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(TEST_KEY)
