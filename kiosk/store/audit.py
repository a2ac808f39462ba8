"""The append-only, keyed and checkpointed audit log of every staff view, print, export and change.

Each entry's MAC is an HMAC-SHA256, under the audit key, of the previous entry's MAC, its own id and
its fields. Altering, removing or re-ordering any entry breaks the chain from that point on, and
without the audit key nobody can compute a chain that fits again (a plain hash could simply be
recomputed). The head checkpoint (kiosk.store.models.AuditHead: the last id and MAC) is written in the
same transaction as each entry, so cutting entries off the end, or emptying the table, is found too.

The audit key is a secret of its own (``secrets/audit.key``), apart from the PHI key: someone who may
read patient data for a restore need not be able to rewrite the log, and the reverse. It travels with
each database session in ``db.info[AUDIT_KEY_INFO]`` (see kiosk.store.engine.db_factory), so the
services that append entries need not pass it along.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kiosk.store.models import AuditEntry, AuditHead, StoreMeta

GENESIS_HASH = "0" * 64
AUDIT_KEY_INFO = "audit_key"
HEAD_ID = 1
# Recorded once the existing log has been re-chained under the audit key (migration 0003).
KEYED_MARKER = "audit_chain_keyed_at"
LEGACY_CHECK = "audit_chain_legacy_check"


class AuditKeyMissingError(RuntimeError):
    """A database session without the audit key tried to write or check the log (a wiring mistake)."""


@dataclass(frozen=True)
class AuditChainReport:
    """The outcome of checking the whole chain.

    ``first_bad_id`` names the first entry that does not fit, or is None when the fault is not in
    one entry (the end of the log was cut off, or the head is missing); ``problem`` says it in words.
    """

    intact: bool
    first_bad_id: int | None
    entries_checked: int
    problem: str = ""


def audit_key_of(db: Session) -> bytes:
    key = db.info.get(AUDIT_KEY_INFO)
    if not isinstance(key, bytes) or not key:
        raise AuditKeyMissingError(
            "this database session has no audit key; open it through kiosk.services.backend.open_backend"
        )
    return key


def audit_entry_mac(
    key: bytes,
    prev_hash: str,
    entry_id: int,
    at: datetime,
    actor: str,
    action: str,
    patient_id: int | None,
    intake_id: int | None,
    detail: str,
) -> str:
    """HMAC-SHA256 (hex) over a canonical JSON of the entry, independent of database and time zone."""
    canonical = json.dumps(
        {
            "prev_hash": prev_hash,
            "id": entry_id,
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
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def legacy_entry_hash(
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    patient_id: int | None,
    intake_id: int | None,
    detail: str,
) -> str:
    """The unkeyed SHA-256 of revisions before 0003, used only to check an old log before re-chaining."""
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
    db: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    patient_id: int | None = None,
    intake_id: int | None = None,
    detail: str = "",
) -> AuditEntry:
    """Append one entry in the caller's transaction, chained onto the head, and move the head.

    ``detail`` is stored in clear text: refer to records by id, never copy health information in.
    """
    key = audit_key_of(db)
    _lock_chain(db)
    head = db.get(AuditHead, HEAD_ID, populate_existing=True)
    if head is None:
        # Only a log that was never written (ensure_keyed_chain adds the head to every older one).
        prev_hash, entry_id = GENESIS_HASH, (db.scalar(select(func.max(AuditEntry.id))) or 0) + 1
    else:
        prev_hash, entry_id = head.last_mac, head.last_seq + 1
    # Stored values lose nothing below a microsecond, so MAC exactly what will be read back.
    at_utc = at.astimezone(UTC)
    mac = audit_entry_mac(key, prev_hash, entry_id, at_utc, actor, action, patient_id, intake_id, detail)
    entry = AuditEntry(
        id=entry_id,
        at=at_utc,
        actor=actor,
        action=action,
        patient_id=patient_id,
        intake_id=intake_id,
        detail=detail,
        prev_hash=prev_hash,
        entry_hash=mac,
    )
    db.add(entry)
    db.flush()
    if head is None:
        db.add(AuditHead(id=HEAD_ID, last_seq=entry_id, last_mac=mac))
    else:
        head.last_seq, head.last_mac = entry_id, mac
    db.flush()
    return entry


def _lock_chain(db: Session) -> None:
    """Serialise appenders, so two writers never read the same head.

    On SQLite every writing transaction begins IMMEDIATE (it holds the write lock). On PostgreSQL
    this lock conflicts only with itself and writes, so readers of the log are not blocked.
    """
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"))


def verify_audit_chain(db: Session) -> AuditChainReport:
    """Recompute every MAC in id order, then check that the log ends where the head says it does."""
    key = audit_key_of(db)
    expected_prev = GENESIS_HASH
    checked = 0
    last_id: int | None = None
    # Plain rows, not ORM objects: an entry already in this database session must not hide the stored values.
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
    with db.execute(query) as rows:
        for row in rows:
            recomputed = audit_entry_mac(
                key, row.prev_hash, row.id, row.at, row.actor, row.action, row.patient_id, row.intake_id, row.detail
            )
            if row.prev_hash != expected_prev or not hmac.compare_digest(recomputed, row.entry_hash):
                return AuditChainReport(
                    False,
                    row.id,
                    checked,
                    f"entry {row.id} does not fit the chain: it, or the one before it, was altered or removed",
                )
            checked += 1
            expected_prev = row.entry_hash
            last_id = row.id
    head = db.execute(select(AuditHead.last_seq, AuditHead.last_mac).where(AuditHead.id == HEAD_ID)).first()
    if head is None:
        if checked == 0 and db.get(StoreMeta, KEYED_MARKER) is None:
            return AuditChainReport(True, None, 0)
        return AuditChainReport(
            False, None, checked, "the audit head checkpoint is missing: it was deleted, and the log may have been cut"
        )
    if last_id != head.last_seq or expected_prev != head.last_mac:
        ends = f"entry {last_id}" if last_id is not None else "no entry at all"
        return AuditChainReport(
            False,
            None,
            checked,
            f"the log ends at {ends} but its head checkpoint says entry {head.last_seq}: "
            "entries were removed from the end, or the head was altered",
        )
    return AuditChainReport(True, None, checked)


def ensure_keyed_chain(db: Session, *, at: datetime) -> int | None:
    """Re-chain a log written before revision 0003 under the audit key, once; return how many entries.

    Returns None when there is nothing to do (already keyed, or the log was never written). The old
    unkeyed chain is checked first and the result is recorded, in words, in the re-chaining entry
    itself and in store_meta, so that re-chaining can never quietly launder an earlier alteration.
    A log that was keyed once and has lost its head is left alone for verify to report.
    """
    key = audit_key_of(db)
    _lock_chain(db)
    if db.get(AuditHead, HEAD_ID) is not None or db.get(StoreMeta, KEYED_MARKER) is not None:
        return None
    entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    if not entries:
        # From now on a missing head means the log was emptied, not that it was never written.
        db.add(StoreMeta(name=KEYED_MARKER, value=at.astimezone(UTC).isoformat()))
        db.flush()
        return None
    legacy = "intact"
    expected_prev = GENESIS_HASH
    for entry in entries:
        recomputed = legacy_entry_hash(
            entry.prev_hash, entry.at, entry.actor, entry.action, entry.patient_id, entry.intake_id, entry.detail
        )
        if entry.prev_hash != expected_prev or recomputed != entry.entry_hash:
            legacy = f"broken at entry {entry.id}"
            break
        expected_prev = entry.entry_hash
    # The unique prev_hash must never collide half way: park every row on a placeholder first.
    for entry in entries:
        entry.prev_hash = f"rechain-{entry.id}"
    db.flush()
    prev = GENESIS_HASH
    for entry in entries:
        entry.prev_hash = prev
        entry.entry_hash = audit_entry_mac(
            key, prev, entry.id, entry.at, entry.actor, entry.action, entry.patient_id, entry.intake_id, entry.detail
        )
        prev = entry.entry_hash
    db.flush()
    db.add(AuditHead(id=HEAD_ID, last_seq=entries[-1].id, last_mac=prev))
    db.add(StoreMeta(name=KEYED_MARKER, value=at.astimezone(UTC).isoformat()))
    db.add(StoreMeta(name=LEGACY_CHECK, value=legacy))
    db.flush()
    append_audit(
        db,
        at=at,
        actor="system",
        action="audit.rechain",
        detail=f"re-chained {len(entries)} entries under the audit key; the unkeyed chain was {legacy}",
    )
    return len(entries)
