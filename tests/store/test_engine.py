"""Engine setup: durable SQLite pragmas on every connection, real transactions, one unit of work."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, inspect, make_url, select, text
from sqlalchemy.exc import DBAPIError

from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import (
    create_engine_for,
    db_factory,
    read_only_unit_of_work,
    sqlite_url_for,
    unit_of_work,
)
from kiosk.store.migrate import upgrade_database
from kiosk.store.models import Patient, chart_index
from kiosk.store.types import attach_cipher
from tests.store.conftest import TEST_KEY

NOW = datetime(2025, 3, 4, 15, 30, tzinfo=UTC)


def _patient(chart_number: str) -> Patient:
    return Patient(
        chart_number=chart_number,
        first_name_enc=b"f",
        last_name_enc=b"l",
        dob_enc=b"d",
        lookup_key="k" * 64,
        preferred_language="en",
        created_at=NOW,
    )


def _driver(connection: Connection) -> Any:
    """The sqlite3 connection under a SQLAlchemy one."""
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None
    return driver_connection


def _pragmas(connection: Any) -> tuple[object, ...]:
    cursor = connection.cursor()
    try:
        return tuple(
            cursor.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        )
    finally:
        cursor.close()


def test_sqlite_url_points_into_the_data_directory(tmp_path: Path) -> None:
    url = sqlite_url_for(tmp_path)
    assert make_url(url).get_backend_name() == "sqlite"
    assert make_url(url).database == str(tmp_path / "kiosk.sqlite3")
    engine = create_engine_for(url)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE probe (id INTEGER)")
            connection.commit()
    finally:
        engine.dispose()
    assert (tmp_path / "kiosk.sqlite3").is_file()


def test_pragmas_are_set_on_every_new_connection(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    try:
        # Three connections held at once are three distinct DBAPI connections from the pool.
        with engine.connect() as first, engine.connect() as second, engine.connect() as third:
            raw = [_driver(c) for c in (first, second, third)]
            assert len({id(r) for r in raw}) == 3
            assert [_pragmas(r) for r in raw] == [("wal", 2, 1, 5000)] * 3
        engine.dispose()
        with engine.connect() as after_dispose:
            assert _pragmas(_driver(after_dispose)) == ("wal", 2, 1, 5000)
    finally:
        engine.dispose()


def test_begin_is_emitted_before_reads(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            # The plain sqlite3 driver would not have started a transaction for a SELECT.
            assert _driver(connection).in_transaction
    finally:
        engine.dispose()


def test_ddl_is_transactional(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE probe (id INTEGER)")
            connection.rollback()
            tables = connection.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
            assert tables.all() == []
    finally:
        engine.dispose()


def test_transactions_take_the_write_lock_at_begin(sqlite_url: str, tmp_path: Path) -> None:
    engine = create_engine_for(sqlite_url)
    other = sqlite3.connect(tmp_path / "kiosk.sqlite3", timeout=0, isolation_level=None)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()
        engine.dispose()


def test_autocommit_connections_run_outside_a_transaction(sqlite_url: str) -> None:
    engine = create_engine_for(sqlite_url)
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("CREATE TABLE probe (id INTEGER)")
            assert not _driver(connection).in_transaction
            connection.rollback()
            assert connection.exec_driver_sql("SELECT count(*) FROM probe").scalar_one() == 0
    finally:
        engine.dispose()


def test_committed_row_survives_dispose_and_reopen(sqlite_url: str) -> None:
    upgrade_database(sqlite_url)
    engine = create_engine_for(sqlite_url)
    attach_cipher(engine, FieldCipher(TEST_KEY))
    with unit_of_work(db_factory(engine)) as db:
        db.add(_patient("C-1"))
    engine.dispose()

    reopened = create_engine_for(sqlite_url)
    attach_cipher(reopened, FieldCipher(TEST_KEY))
    try:
        with unit_of_work(db_factory(reopened)) as db:
            stored = db.scalars(select(Patient)).one()
            assert (stored.chart_number, stored.created_at) == ("C-1", NOW)
    finally:
        reopened.dispose()


def test_unit_of_work_rolls_back_on_error(migrated_engine: Engine) -> None:
    factory = db_factory(migrated_engine)
    with pytest.raises(RuntimeError, match="printer jammed"), unit_of_work(factory) as db:
        db.add(_patient("C-2"))
        db.flush()
        raise RuntimeError("printer jammed")
    with unit_of_work(factory) as db:
        assert db.scalars(select(Patient)).all() == []


def test_objects_stay_readable_after_commit(migrated_engine: Engine) -> None:
    with unit_of_work(db_factory(migrated_engine)) as db:
        patient = _patient("C-3")
        db.add(patient)
    assert not inspect(patient).expired
    assert patient.id is not None
    assert patient.chart_number == "C-3"
    assert patient.chart_key == chart_index(FieldCipher(TEST_KEY), "C-3")


def test_postgresql_urls_use_psycopg_3() -> None:
    for url in ("postgresql://kiosk@db.clinic.lan/kiosk", "postgresql+psycopg://kiosk@db.clinic.lan/kiosk"):
        engine = create_engine_for(url)
        try:
            assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")
        finally:
            engine.dispose()


def test_a_reader_never_holds_the_write_lock(migrated_engine: Engine) -> None:
    """While a read-only unit of work is open (after reading), another writer commits without waiting."""
    factory = db_factory(migrated_engine)
    writer = create_engine_for(migrated_engine.url.render_as_string(hide_password=False))
    attach_cipher(writer, FieldCipher(TEST_KEY))
    try:
        with read_only_unit_of_work(factory) as reader:
            assert reader.scalars(select(Patient)).all() == []
            with unit_of_work(db_factory(writer)) as db:
                db.add(_patient("R-1"))
            if migrated_engine.dialect.name == "sqlite":
                # SQLite: the reader keeps its WAL snapshot; the write shows in the next unit of work.
                assert reader.scalars(select(Patient)).all() == []
        with read_only_unit_of_work(factory) as reader:
            assert [p.chart_number for p in reader.scalars(select(Patient))] == ["R-1"]
    finally:
        writer.dispose()


def test_a_read_only_unit_of_work_refuses_to_write(migrated_engine: Engine) -> None:
    factory = db_factory(migrated_engine)
    with pytest.raises(DBAPIError, match=r"read-only|readonly"), read_only_unit_of_work(factory) as db:
        db.add(_patient("R-2"))
        db.flush()
    with unit_of_work(factory) as db:
        assert db.scalars(select(Patient)).all() == []
        db.add(_patient("R-3"))  # the connection went back to the pool writable
    with read_only_unit_of_work(factory) as db:
        (patient,) = db.scalars(select(Patient))
    assert patient.chart_number == "R-3"  # still readable after the block
