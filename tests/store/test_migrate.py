"""Migrations: every revision upgrades to a schema identical to the models, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, LargeBinary, String, column, insert, inspect, select, table

from kiosk.store.engine import create_engine_for, db_factory, unit_of_work
from kiosk.store.migrate import (
    MigrationError,
    current_revision,
    downgrade_database,
    head_revision,
    script_directory,
    upgrade_database,
)
from kiosk.store.models import Arrival, Base
from kiosk.store.types import UTCDateTime

# Every revision except the newest, oldest first, plus "base" (a database never migrated).
_SCRIPTS = script_directory()
EARLIER_REVISIONS = ["base"] + [
    script.revision
    for script in reversed(list(_SCRIPTS.walk_revisions()))
    if script.revision != _SCRIPTS.get_current_head()
]
WHEN = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
# The arrivals table as revision 0001 created it, before the resolved_* columns existed.
ARRIVALS_AT_0001 = table(
    "arrivals",
    column("at", UTCDateTime()),
    column("outcome", String()),
    column("typed_first_enc", LargeBinary()),
    column("typed_last_enc", LargeBinary()),
    column("typed_dob_enc", LargeBinary()),
)


def _schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def _table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_there_are_several_revisions_in_one_line() -> None:
    revisions = list(script_directory().walk_revisions())
    assert len(revisions) >= 2
    assert len(script_directory().get_heads()) == 1
    assert EARLIER_REVISIONS[:2] == ["base", "0001"]
    assert head_revision() not in EARLIER_REVISIONS


def test_empty_database_upgrades_to_head_matching_the_models(database_url: str) -> None:
    upgrade_database(database_url)
    engine = create_engine_for(database_url)
    try:
        assert current_revision(engine) == head_revision()
        assert _schema_differences(engine) == []
        assert {table.name for table in Base.metadata.sorted_tables} <= _table_names(engine)
    finally:
        engine.dispose()


@pytest.mark.parametrize("start", EARLIER_REVISIONS)
def test_each_earlier_revision_upgrades_to_head(database_url: str, start: str) -> None:
    engine = create_engine_for(database_url)
    try:
        if start != "base":
            upgrade_database(engine, start)
        assert current_revision(engine) == (None if start == "base" else start)
        assert _schema_differences(engine) != []
        upgrade_database(engine)
        assert current_revision(engine) == head_revision()
        assert _schema_differences(engine) == []
    finally:
        engine.dispose()


def test_rows_written_at_0001_survive_the_upgrade(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        upgrade_database(engine, "0001")
        with engine.begin() as connection:
            connection.execute(
                insert(ARRIVALS_AT_0001).values(
                    at=WHEN, outcome="unmatched", typed_first_enc=b"\x01", typed_last_enc=b"\x02", typed_dob_enc=b"\x03"
                )
            )
        upgrade_database(engine)
        with unit_of_work(db_factory(engine)) as db:
            arrival = db.scalars(select(Arrival)).one()
            assert (arrival.at, arrival.outcome, arrival.typed_dob_enc) == (WHEN, "unmatched", b"\x03")
            assert (arrival.resolved_at, arrival.resolved_by) == (None, None)
    finally:
        engine.dispose()


def test_downgrade_to_base_and_back(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        upgrade_database(engine)
        downgrade_database(engine, "base")
        assert current_revision(engine) is None
        assert _table_names(engine) <= {"alembic_version"}
        upgrade_database(engine)
        assert _schema_differences(engine) == []
    finally:
        engine.dispose()


def test_a_failing_migration_changes_nothing(database_url: str) -> None:
    engine = create_engine_for(database_url)
    try:
        # A stray table makes 0001 fail part way, after it has created several other tables.
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE flags (id INTEGER PRIMARY KEY)")
        with pytest.raises(MigrationError, match="could not be upgraded to revision head; nothing was changed"):
            upgrade_database(engine)
        assert _table_names(engine) == {"flags"}
        assert current_revision(engine) is None
    finally:
        engine.dispose()


def test_unknown_revision_is_reported(sqlite_url: str) -> None:
    with pytest.raises(MigrationError, match="revision 9999"):
        upgrade_database(sqlite_url, "9999")


def test_foreign_keys_are_enforced_again_after_migrating(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    try:
        upgrade_database(engine)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    finally:
        engine.dispose()
