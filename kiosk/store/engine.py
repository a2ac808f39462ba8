"""Engine and session setup: one code path for the embedded SQLite file and a clinic PostgreSQL server.

SQLite is made durable and transactional on every new connection: WAL journal, synchronous=FULL
(an answer the patient saw accepted survives a power cut), foreign keys enforced, and a busy
timeout so a second process waits instead of failing. Python's sqlite3 driver would otherwise
skip BEGIN before SELECT and DDL statements; SQLAlchemy emits BEGIN itself instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_FILE_NAME = "kiosk.sqlite3"
BUSY_TIMEOUT_MS = 5000

log = logging.getLogger(__name__)


def sqlite_url_for(data_dir: Path) -> str:
    """The URL of the embedded database inside the clinic's data directory."""
    url = URL.create("sqlite+pysqlite", database=str(data_dir / SQLITE_FILE_NAME))
    return url.render_as_string(hide_password=False)


def create_engine_for(url: str) -> Engine:
    """An Engine for a SQLite or PostgreSQL URL, configured for this application's durability rules."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        # The bare scheme means psycopg2, which is not a dependency; psycopg 3 is.
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(parsed)
    return create_engine(parsed, pool_pre_ping=True)


def _create_sqlite_engine(url: URL) -> Engine:
    engine = create_engine(url)
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _connection_record: Any) -> None:
    """Set the pragmas on each new connection, while it is still outside any transaction."""
    # None hands transaction control to SQLAlchemy (see _begin_sqlite_transaction); it also
    # lets journal_mode change, which SQLite refuses inside a transaction.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        journal_mode = cursor.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()
    if str(journal_mode).lower() not in ("wal", "memory"):
        log.warning(
            "SQLite refused the WAL journal (got %r); the database may be on a network drive, "
            "which SQLite does not support safely",
            journal_mode,
        )


def _begin_sqlite_transaction(connection: Connection) -> None:
    """Emit BEGIN IMMEDIATE for every SQLAlchemy transaction, unless AUTOCOMMIT was asked for.

    IMMEDIATE takes the write lock at the start, so a transaction that reads and then writes can
    never fail half way because another process wrote in between; it waits (busy_timeout) instead.
    """
    if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: Engine, *, audit_key: bytes | None = None) -> sessionmaker[Session]:
    """Sessions whose objects stay readable after commit (they are turned into frozen data anyway).

    ``audit_key`` rides along in each session's ``info`` for kiosk.store.audit, which refuses to
    append to or check the log without it.
    """
    info = {"audit_key": audit_key} if audit_key is not None else {}
    return sessionmaker(bind=engine, expire_on_commit=False, info=info)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One session and one transaction for one user action: commit on success, roll back on error."""
    with factory() as session, session.begin():
        yield session
