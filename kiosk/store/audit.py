"""The append-only, hash-chained audit log of every staff view, print, export and change.

Each entry's hash covers the previous entry's hash and its own fields, so altering, removing or
re-ordering any earlier entry breaks the chain from that point on, and verify_audit_chain finds it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kiosk.store.models import AuditEntry

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditChainReport:
    """The outcome of checking the whole chain; first_bad_id is None when it is intact."""

    intact: bool
    first_bad_id: int | None
    entries_checked: int


def audit_entry_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    patient_id: int | None,
    intake_id: int | None,
    detail: str,
) -> str:
    """SHA-256 (hex) over a canonical JSON of the entry, independent of database and time zone."""
    canonical = json.dumps(
        {
            "prev_hash": prev_hash,
            "at": _canonical_time(at),
            "actor": actor,
            "action": action,
            "patient_id": patient_id,
            "intake_id": intake_id,
            "detail": detail,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _canonical_time(at: datetime) -> str:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("audit times must be timezone-aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append_audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    patient_id: int | None = None,
    intake_id: int | None = None,
    detail: str = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction, chained onto the current last entry.

    ``detail`` is stored in clear text: refer to records by id, never copy health information in.
    """
    _lock_chain(session)
    last_hash = session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    prev_hash = last_hash if last_hash is not None else GENESIS_HASH
    # Stored values lose nothing below a microsecond, so hash exactly what will be read back.
    at_utc = at.astimezone(UTC)
    entry = AuditEntry(
        at=at_utc,
        actor=actor,
        action=action,
        patient_id=patient_id,
        intake_id=intake_id,
        detail=detail,
        prev_hash=prev_hash,
        entry_hash=audit_entry_hash(prev_hash, at_utc, actor, action, patient_id, intake_id, detail),
    )
    session.add(entry)
    session.flush()
    return entry


def _lock_chain(session: Session) -> None:
    """Serialise appenders, so two writers never read the same last hash.

    On SQLite every transaction already begins IMMEDIATE (it holds the write lock). On PostgreSQL
    this lock conflicts only with itself and writes, so readers of the log are not blocked.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"))


def verify_audit_chain(session: Session) -> AuditChainReport:
    """Recompute every hash in id order and report the first entry that does not fit the chain."""
    expected_prev = GENESIS_HASH
    checked = 0
    # Plain rows, not ORM objects: an entry already in this session must not hide the stored values.
    # Streamed in batches (a server-side cursor on PostgreSQL), closed even when returning early.
    query = (
        select(
            AuditEntry.id,
            AuditEntry.prev_hash,
            AuditEntry.entry_hash,
            AuditEntry.at,
            AuditEntry.actor,
            AuditEntry.action,
            AuditEntry.patient_id,
            AuditEntry.intake_id,
            AuditEntry.detail,
        )
        .order_by(AuditEntry.id)
        .execution_options(yield_per=500)
    )
    with session.execute(query) as rows:
        for row in rows:
            recomputed = audit_entry_hash(
                row.prev_hash, row.at, row.actor, row.action, row.patient_id, row.intake_id, row.detail
            )
            if row.prev_hash != expected_prev or recomputed != row.entry_hash:
                return AuditChainReport(intact=False, first_bad_id=row.id, entries_checked=checked)
            checked += 1
            expected_prev = row.entry_hash
    return AuditChainReport(intact=True, first_bad_id=None, entries_checked=checked)
