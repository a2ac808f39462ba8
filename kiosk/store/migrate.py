"""Bring a database schema up to date with Alembic, programmatically and without an alembic.ini.

The migration scripts ship inside the package (kiosk/store/migrations), so the installed app and
the PyInstaller build upgrade a clinic's database the same way a source checkout does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import SQLAlchemyError

from kiosk.store.engine import create_engine_for

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Any constant works; it only has to be the same for every process migrating one PostgreSQL database.
_PG_MIGRATION_LOCK_ID = 0x6B696F736B

log = logging.getLogger(__name__)


class MigrationError(Exception):
    """A migration could not be applied; the database was left as it was before."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config pointing at the packaged scripts, optionally bound to an open connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    """All known revisions, for listing and for tests that start from each of them."""
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    """The revision the code expects the database to be at."""
    head = script_directory().get_current_head()
    if head is None:
        raise MigrationError("the packaged migrations have no head revision")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for a database that was never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Upgrade to ``revision`` in one transaction: either every step is applied or none is.

    Pass a URL, or an Engine made by create_engine_for (whose SQLite transactions cover DDL).
    """
    _migrate(engine_or_url, lambda config: command.upgrade(config, revision), "upgraded", revision)


def downgrade_database(engine_or_url: Engine | str, revision: str) -> None:
    """Downgrade to ``revision`` (``"base"`` empties the schema) in one transaction."""
    _migrate(engine_or_url, lambda config: command.downgrade(config, revision), "downgraded", revision)


def _migrate(engine_or_url: Engine | str, step: Callable[[Config], None], verb: str, revision: str) -> None:
    owns_engine = isinstance(engine_or_url, str)
    engine = create_engine_for(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection, _sqlite_foreign_keys_suspended(connection), connection.begin():
            _take_migration_lock(connection)
            step(alembic_config(connection))
            _check_foreign_keys(connection)
        log.info("database %s %s to revision %s", where, verb, revision)
    except (SQLAlchemyError, CommandError) as error:
        log.exception("database %s could not be %s to revision %s", where, verb, revision)
        raise MigrationError(
            f"The database could not be {verb} to revision {revision}; nothing was changed. ({error})"
        ) from error
    finally:
        if owns_engine:
            engine.dispose()


def _take_migration_lock(connection: Connection) -> None:
    """Two tablets starting at once must not both migrate one PostgreSQL database.

    On SQLite the transaction began IMMEDIATE and already holds the only write lock.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:lock_id)"), {"lock_id": _PG_MIGRATION_LOCK_ID})


@contextmanager
def _sqlite_foreign_keys_suspended(connection: Connection) -> Iterator[None]:
    """Turn SQLite's foreign keys off while tables are rebuilt, as Alembic's batch mode requires.

    The pragma only takes effect outside a transaction, hence on the driver connection before
    BEGIN; it is switched back on before the connection returns to the pool.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver_connection = connection.connection.driver_connection
    if driver_connection is None:
        raise MigrationError("the SQLite connection was closed before migrating")
    driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver_connection.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    """With enforcement suspended, check every reference by hand before committing."""
    if connection.dialect.name != "sqlite":
        return
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        raise MigrationError(f"the migration would leave broken references: {violations[:5]}")
