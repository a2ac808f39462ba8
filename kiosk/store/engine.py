"""Engine and unit-of-work setup: one code path for the embedded SQLite file and a clinic PostgreSQL server.

SQLite is made durable and transactional on every new connection: WAL journal, synchronous=FULL
(an answer the patient saw accepted survives a power cut), foreign keys enforced, and a busy
timeout so a second process waits instead of failing. Python's sqlite3 driver would otherwise
skip BEGIN before SELECT and DDL statements; SQLAlchemy emits BEGIN itself instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

IN_CHUNK = 900
"""Keeps each IN (...) list well under SQLite's limit on bound parameters."""
SQLITE_FILE_NAME = "kiosk.sqlite3"
READ_ONLY_OPTION = "kiosk_read_only"
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
    options = connection.get_execution_options()
    if options.get("isolation_level") == "AUTOCOMMIT":
        return
    # A reader takes no lock at BEGIN and only a WAL snapshot at its first read: it never waits for a
    # writer, and a writer never waits for it (see read_only_unit_of_work).
    connection.exec_driver_sql("BEGIN DEFERRED" if options.get(READ_ONLY_OPTION) else "BEGIN IMMEDIATE")


def db_factory(engine: Engine, *, audit_key: bytes | None = None) -> sessionmaker[Session]:
    """Database sessions (`db`) whose objects stay readable after commit (they are turned into frozen data anyway).

    ``audit_key`` rides along in each database unit of work's ``info`` for kiosk.store.audit, which refuses to
    append to or check the log without it.
    """
    info = {"audit_key": audit_key} if audit_key is not None else {}
    return sessionmaker(bind=engine, expire_on_commit=False, info=info)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One database session (`db`) and one transaction for one user action: commit on success, roll back on error."""
    with factory() as db, db.begin():
        yield db


@contextmanager
def read_only_unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One database session and one read-only transaction, for work that only looks: the board's poll, previews,
    searches, reports.

    On SQLite it begins DEFERRED, so it never takes the write lock that tablets saving answers need (a
    poll every second under IMMEDIATE made every save queue behind it). On PostgreSQL the transaction is
    READ ONLY, and on SQLite the connection is query_only for its length: a reader that tries to write
    fails instead. It ends with a commit of nothing, which (unlike a rollback) leaves the objects read
    usable afterwards, like unit_of_work's.
    """
    bind = factory.kw["bind"]
    if not isinstance(bind, Engine):
        raise TypeError("read_only_unit_of_work needs a db_factory bound to an Engine")
    sqlite = bind.dialect.name == "sqlite"
    with factory(bind=bind.execution_options(**{READ_ONLY_OPTION: True})) as db, db.begin():
        db.execute(text("PRAGMA query_only = ON" if sqlite else "SET TRANSACTION READ ONLY"))
        # Held directly, so the pragma is undone even when the database session failed and refuses statements.
        driver = db.connection().connection.dbapi_connection
        try:
            yield db
        finally:
            if sqlite and driver is not None:
                driver.execute("PRAGMA query_only = OFF")


def chunks(values: Sequence[int], size: int = IN_CHUNK) -> Iterable[Sequence[int]]:
    """`values` in slices of at most `size`, one IN (...) list each."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
