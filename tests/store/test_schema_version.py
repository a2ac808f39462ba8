"""The cheap start-up check agrees with Alembic about the newest schema."""

from __future__ import annotations

from sqlalchemy import Engine

from kiosk.store.engine import create_engine_for
from kiosk.store.migrate import head_revision, upgrade_database
from kiosk.store.schema_version import HEAD_REVISION, recorded_revision, upgrade_if_needed


def test_the_head_constant_is_the_newest_migration() -> None:
    assert head_revision() == HEAD_REVISION


def test_an_empty_database_is_migrated_and_a_current_one_is_left_alone(sqlite_url: str) -> None:
    engine: Engine = create_engine_for(sqlite_url)
    try:
        assert recorded_revision(engine) is None
        upgrade_if_needed(engine)
        assert recorded_revision(engine) == HEAD_REVISION
        upgrade_if_needed(engine)  # nothing to do: no error, still at head
        assert recorded_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()


def test_an_older_database_is_upgraded(sqlite_url: str) -> None:
    upgrade_database(sqlite_url, "0001")
    engine = create_engine_for(sqlite_url)
    try:
        assert recorded_revision(engine) == "0001"
        upgrade_if_needed(engine)
        assert recorded_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()
