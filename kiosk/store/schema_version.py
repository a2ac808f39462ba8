"""The schema version the code expects, checked with one query so that starting an up-to-date kiosk
does not load Alembic (about 80 ms and 17 MB); Alembic runs only when there is something to migrate."""

from __future__ import annotations

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

HEAD_REVISION = "0006"
"""The newest migration in kiosk/store/migrations/versions; tests/store/test_schema_version.py keeps it true."""


def recorded_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or None for a database never migrated."""
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def upgrade_if_needed(engine: Engine) -> None:
    if recorded_revision(engine) == HEAD_REVISION:
        return
    from kiosk.store.migrate import upgrade_database

    upgrade_database(engine)
