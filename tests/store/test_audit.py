"""The audit log's hash chain: intact when appended normally, and tampering is located."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError

from kiosk.store.audit import GENESIS_HASH, append_audit, audit_entry_hash, verify_audit_chain
from kiosk.store.engine import session_factory, unit_of_work
from kiosk.store.models import AuditEntry

START = datetime(2025, 5, 6, 14, 0, 0, 250000, tzinfo=UTC)


def _append_three(engine: Engine) -> list[int]:
    factory = session_factory(engine)
    ids = []
    for minutes, action in enumerate(("intake.view", "packet.print", "flag.acknowledge")):
        with unit_of_work(factory) as session:
            entry = append_audit(
                session,
                at=START + timedelta(minutes=minutes),
                actor="dr.rivera",
                action=action,
                patient_id=7,
                intake_id=12,
                detail=f"{action} from the staff console",
            )
            ids.append(entry.id)
    return ids


def _verify(engine: Engine) -> tuple[bool, int | None, int]:
    with unit_of_work(session_factory(engine)) as session:
        report = verify_audit_chain(session)
    return report.intact, report.first_bad_id, report.entries_checked


def test_empty_log_is_intact(migrated_engine: Engine) -> None:
    assert _verify(migrated_engine) == (True, None, 0)


def test_appended_entries_form_an_intact_chain(migrated_engine: Engine) -> None:
    ids = _append_three(migrated_engine)
    assert _verify(migrated_engine) == (True, None, 3)
    with unit_of_work(session_factory(migrated_engine)) as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [e.id for e in entries] == ids
    assert entries[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    first = entries[0]
    assert first.entry_hash == audit_entry_hash(
        GENESIS_HASH, START, "dr.rivera", "intake.view", 7, 12, "intake.view from the staff console"
    )


def test_altered_row_is_found(migrated_engine: Engine) -> None:
    ids = _append_three(migrated_engine)
    with migrated_engine.begin() as connection:
        connection.execute(text("UPDATE audit_log SET detail = 'nothing to see' WHERE id = :id"), {"id": ids[1]})
    assert _verify(migrated_engine) == (False, ids[1], 1)


def test_removed_row_is_found_at_its_successor(migrated_engine: Engine) -> None:
    ids = _append_three(migrated_engine)
    with migrated_engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[1]})
    assert _verify(migrated_engine) == (False, ids[2], 1)


def test_rehashed_row_still_breaks_the_chain_after_it(migrated_engine: Engine) -> None:
    ids = _append_three(migrated_engine)
    forged_hash = audit_entry_hash(
        GENESIS_HASH, START, "dr.rivera", "intake.view", 7, 12, "forged without the next entry"
    )
    with migrated_engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_log SET detail = 'forged without the next entry', entry_hash = :h WHERE id = :id"),
            {"h": forged_hash, "id": ids[0]},
        )
    assert _verify(migrated_engine) == (False, ids[1], 1)


def test_two_entries_cannot_chain_onto_one_predecessor(migrated_engine: Engine) -> None:
    _append_three(migrated_engine)
    with pytest.raises(IntegrityError), unit_of_work(session_factory(migrated_engine)) as session:
        session.add(
            AuditEntry(
                at=START,
                actor="intruder",
                action="intake.view",
                detail="",
                prev_hash=GENESIS_HASH,
                entry_hash=audit_entry_hash(GENESIS_HASH, START, "intruder", "intake.view", None, None, ""),
            )
        )


def test_hash_depends_on_the_instant_not_its_time_zone() -> None:
    eastern = START.astimezone(timezone(timedelta(hours=-5)))
    assert audit_entry_hash("a" * 64, START, "x", "y", None, None, "") == audit_entry_hash(
        "a" * 64, eastern, "x", "y", None, None, ""
    )
    assert audit_entry_hash("a" * 64, START, "x", "y", None, None, "") != audit_entry_hash(
        "a" * 64, START + timedelta(microseconds=1), "x", "y", None, None, ""
    )
    with pytest.raises(ValueError, match="timezone-aware"):
        audit_entry_hash("a" * 64, datetime(2025, 1, 1), "x", "y", None, None, "")
