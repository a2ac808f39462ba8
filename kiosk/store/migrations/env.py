"""Alembic environment: runs only on a connection handed over by kiosk.store.migrate.

There is no alembic.ini and no offline (SQL script) mode; the caller owns the connection and its
transaction, so a failed migration rolls back entirely.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from kiosk.store.models import Base
from kiosk.store.types import UTCDateTime


def render_item(type_: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    """Write UTCDateTime as the plain column type it creates, so old scripts never import app code."""
    if type_ == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_on(connection: Connection) -> None:
    """Configure Alembic for this connection; SQLite needs batch mode to alter tables."""
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    if context.is_offline_mode():
        raise RuntimeError("offline (--sql) migrations are not supported; use kiosk.store.migrate")
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("migrations run through kiosk.store.migrate.upgrade_database, which passes a connection")
    run_migrations_on(connection)


main()
