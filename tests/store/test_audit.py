"""The audit log's keyed chain and head checkpoint: intact when appended normally, every kind of
tampering found, on SQLite and on PostgreSQL.

The tampering tests play an intruder who can write to the database directly (they first drop the
triggers, as such a person could) but does not hold the audit key.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from kiosk.store.audit import (
    GENESIS_HASH,
    AuditKeyMissingError,
    append_audit,
    audit_entry_mac,
    ensure_keyed_chain,
    legacy_entry_hash,
    verify_audit_chain,
)
from kiosk.store.engine import db_factory, unit_of_work
from kiosk.store.migrate import downgrade_database, upgrade_database
from kiosk.store.models import AuditEntry, AuditHead

START = datetime(2025, 5, 6, 14, 0, 0, 250000, tzinfo=UTC)
AUDIT_KEY = bytes(range(100, 132))
INTRUDER_KEY = bytes(range(32))
ACTIONS = ("intake.view", "packet.print", "flag.acknowledge", "chart.print", "staff.sign_out")

SQLITE_DROP = [
    "DROP TRIGGER audit_log_no_update",
    "DROP TRIGGER audit_log_no_delete",
    "DROP TRIGGER audit_head_no_delete",
    "DROP TRIGGER audit_head_forward_only",
]
POSTGRES_DROP = [
    "DROP TRIGGER audit_log_no_change ON audit_log",
    "DROP TRIGGER audit_log_no_truncate ON audit_log",
    "DROP TRIGGER audit_head_no_rewind ON audit_head",
    "DROP TRIGGER audit_head_no_truncate ON audit_head",
]


def _append(engine: Engine, count: int = 5) -> list[int]:
    factory = db_factory(engine, audit_key=AUDIT_KEY)
    ids = []
    for minutes in range(count):
        action = ACTIONS[minutes % len(ACTIONS)]
        with unit_of_work(factory) as db:
            entry = append_audit(
                db,
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
    with unit_of_work(db_factory(engine, audit_key=AUDIT_KEY)) as db:
        report = verify_audit_chain(db)
    assert report.intact == (report.problem == "")
    return report.intact, report.first_bad_id, report.entries_checked


def _problem(engine: Engine) -> str:
    with unit_of_work(db_factory(engine, audit_key=AUDIT_KEY)) as db:
        return verify_audit_chain(db).problem


def _tamper(engine: Engine, *statements: str, **params: object) -> None:
    """Drop the guards, as an intruder with database access could, then run the statements."""
    drops = POSTGRES_DROP if engine.dialect.name == "postgresql" else SQLITE_DROP
    with engine.begin() as connection:
        for drop in drops:
            connection.execute(text(drop))
        for statement in statements:
            connection.execute(text(statement), params)


def test_empty_log_is_intact(migrated_engine: Engine) -> None:
    assert _verify(migrated_engine) == (True, None, 0)


def test_appended_entries_form_an_intact_keyed_chain_with_a_head(migrated_engine: Engine) -> None:
    ids = _append(migrated_engine)
    assert _verify(migrated_engine) == (True, None, 5)
    with unit_of_work(db_factory(migrated_engine)) as db:
        entries = db.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        head = db.get(AuditHead, 1)
    assert [e.id for e in entries] == ids == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    assert entries[0].entry_hash == audit_entry_mac(
        AUDIT_KEY, GENESIS_HASH, 1, START, "dr.rivera", "intake.view", 7, 12, "intake.view from the staff console"
    )
    assert head is not None
    assert (head.last_seq, head.last_mac) == (5, entries[-1].entry_hash)


def test_edited_row_is_found(migrated_engine: Engine) -> None:
    ids = _append(migrated_engine)
    _tamper(migrated_engine, "UPDATE audit_log SET detail = 'nothing to see' WHERE id = :id", id=ids[2])
    assert _verify(migrated_engine) == (False, ids[2], 2)


def test_deleted_row_is_found_at_its_successor(migrated_engine: Engine) -> None:
    ids = _append(migrated_engine)
    _tamper(migrated_engine, "DELETE FROM audit_log WHERE id = :id", id=ids[1])
    assert _verify(migrated_engine) == (False, ids[2], 1)


def test_reordered_rows_are_found(migrated_engine: Engine) -> None:
    ids = _append(migrated_engine)
    # Swap the contents of entries 2 and 3, MACs and links included, so each row is self-consistent.
    _tamper(
        migrated_engine,
        "UPDATE audit_log SET id = 1000 WHERE id = :b",
        "UPDATE audit_log SET id = :b WHERE id = :c",
        "UPDATE audit_log SET id = :c WHERE id = 1000",
        b=ids[1],
        c=ids[2],
    )
    assert _verify(migrated_engine) == (False, ids[1], 1)


@pytest.mark.parametrize("cut", [1, 3])
def test_truncated_tail_is_found(migrated_engine: Engine, cut: int) -> None:
    ids = _append(migrated_engine)
    _tamper(migrated_engine, "DELETE FROM audit_log WHERE id > :last", last=ids[-1 - cut])
    assert _verify(migrated_engine) == (False, None, 5 - cut)
    assert "removed from the end" in _problem(migrated_engine)


def test_truncated_tail_with_the_head_rewound_by_hand_is_found(migrated_engine: Engine) -> None:
    """Rewinding the head to an earlier entry's values is refused by its trigger; the intruder who drops
    it and rewinds anyway still cannot compute a head MAC that differs from the entry they cut to."""
    ids = _append(migrated_engine)
    _tamper(
        migrated_engine,
        "DELETE FROM audit_log WHERE id > :last",
        "UPDATE audit_head SET last_seq = :last, last_mac = 'f' || substr(last_mac, 2)",
        last=ids[2],
    )
    assert _verify(migrated_engine) == (False, None, 3)


def test_deleting_everything_is_found(migrated_engine: Engine) -> None:
    _append(migrated_engine)
    _tamper(migrated_engine, "DELETE FROM audit_log")
    assert _verify(migrated_engine) == (False, None, 0)
    assert "no entry at all" in _problem(migrated_engine)


def test_deleting_everything_and_the_head_is_found(migrated_engine: Engine) -> None:
    factory = db_factory(migrated_engine, audit_key=AUDIT_KEY)
    with unit_of_work(factory) as db:
        ensure_keyed_chain(db, at=START)
    _append(migrated_engine)
    _tamper(migrated_engine, "DELETE FROM audit_log", "DELETE FROM audit_head")
    assert _verify(migrated_engine) == (False, None, 0)
    assert "head checkpoint is missing" in _problem(migrated_engine)


def test_appended_forged_row_is_found(migrated_engine: Engine) -> None:
    ids = _append(migrated_engine)
    with unit_of_work(db_factory(migrated_engine)) as db:
        head = db.get(AuditHead, 1)
        assert head is not None
        prev = head.last_mac
    forged_at = START + timedelta(hours=1)
    # The intruder knows the format but not the key: a MAC under a key of their own, head moved too.
    forged = audit_entry_mac(INTRUDER_KEY, prev, 6, forged_at, "dr.rivera", "intake.view", 9, None, "")
    _tamper(
        migrated_engine,
        "INSERT INTO audit_log (id, at, actor, action, patient_id, intake_id, detail, prev_hash, entry_hash) "
        "VALUES (6, :at, 'dr.rivera', 'intake.view', 9, NULL, '', :prev, :mac)",
        "UPDATE audit_head SET last_seq = 6, last_mac = :mac",
        at=forged_at.replace(tzinfo=None) if migrated_engine.dialect.name == "sqlite" else forged_at,
        prev=prev,
        mac=forged,
    )
    assert ids[-1] == 5
    assert _verify(migrated_engine) == (False, 6, 5)


def test_edit_then_rechain_without_the_key_is_found(migrated_engine: Engine) -> None:
    ids = _append(migrated_engine)
    with unit_of_work(db_factory(migrated_engine)) as db:
        rows = db.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        plain = [(r.id, r.at, r.actor, r.action, r.patient_id, r.intake_id, r.detail) for r in rows]
    plain[1] = (*plain[1][:6], "nothing to see")
    statements, params, prev = [], {}, GENESIS_HASH
    for n, (entry_id, at, actor, action, patient_id, intake_id, detail) in enumerate(plain):
        mac = audit_entry_mac(INTRUDER_KEY, prev, entry_id, at, actor, action, patient_id, intake_id, detail)
        statements.append(
            f"UPDATE audit_log SET detail = :d{n}, prev_hash = :p{n}, entry_hash = :m{n} WHERE id = {entry_id}"
        )
        params |= {f"d{n}": detail, f"p{n}": f"x{n}", f"m{n}": mac}
        prev = mac
    # Park the unique links first, then write the forged chain and head.
    finals = [f"UPDATE audit_log SET prev_hash = :q{n} WHERE id = {row[0]}" for n, row in enumerate(plain)]
    prev = GENESIS_HASH
    for n in range(len(plain)):
        params[f"q{n}"] = prev
        prev = str(params[f"m{n}"])
    params["head"] = prev
    _tamper(migrated_engine, *statements, *finals, "UPDATE audit_head SET last_mac = :head", **params)
    assert _verify(migrated_engine) == (False, ids[0], 0)


def test_triggers_refuse_update_and_delete_of_entries_and_rewinding_the_head(migrated_engine: Engine) -> None:
    _append(migrated_engine)
    refused = [
        "UPDATE audit_log SET detail = 'x' WHERE id = 2",
        "DELETE FROM audit_log WHERE id = 5",
        "DELETE FROM audit_log",
        "DELETE FROM audit_head",
        "UPDATE audit_head SET last_seq = 3",
    ]
    if migrated_engine.dialect.name == "postgresql":
        refused += ["TRUNCATE audit_log", "TRUNCATE audit_head"]
    for statement in refused:
        with pytest.raises((IntegrityError, DBAPIError), match="audit"), migrated_engine.begin() as connection:
            connection.execute(text(statement))
    assert _verify(migrated_engine) == (True, None, 5)


def test_two_entries_cannot_chain_onto_one_predecessor(migrated_engine: Engine) -> None:
    _append(migrated_engine, 1)
    with pytest.raises(IntegrityError), unit_of_work(db_factory(migrated_engine)) as db:
        db.add(
            AuditEntry(
                id=99,
                at=START,
                actor="intruder",
                action="intake.view",
                detail="",
                prev_hash=GENESIS_HASH,
                entry_hash="0" * 64,
            )
        )


def test_a_session_without_the_audit_key_cannot_write_or_check(migrated_engine: Engine) -> None:
    with unit_of_work(db_factory(migrated_engine)) as db:
        with pytest.raises(AuditKeyMissingError, match="no audit key"):
            append_audit(db, at=START, actor="x", action="y")
        with pytest.raises(AuditKeyMissingError):
            verify_audit_chain(db)


def test_a_log_from_before_0003_is_rechained_once_and_says_so(database_url: str) -> None:
    """Existing data migrates: the unkeyed log of revision 0002 is re-chained under the key, once."""
    upgrade_database(database_url, "0002")
    from kiosk.store.engine import create_engine_for

    engine = create_engine_for(database_url)
    try:
        prev = GENESIS_HASH
        with engine.begin() as connection:
            for n in range(3):
                at = START + timedelta(minutes=n)
                entry_hash = legacy_entry_hash(prev, at, "dr.rivera", "intake.view", n, None, "")
                connection.execute(
                    text(
                        "INSERT INTO audit_log (at, actor, action, patient_id, intake_id, detail, prev_hash, "
                        "entry_hash) VALUES (:at, 'dr.rivera', 'intake.view', :n, NULL, '', :prev, :h)"
                    ),
                    {
                        "at": at.replace(tzinfo=None) if engine.dialect.name == "sqlite" else at,
                        "n": n,
                        "prev": prev,
                        "h": entry_hash,
                    },
                )
                prev = entry_hash
        upgrade_database(database_url)
        factory = db_factory(engine, audit_key=AUDIT_KEY)
        with unit_of_work(factory) as db:
            assert ensure_keyed_chain(db, at=START + timedelta(days=1)) == 3
        with unit_of_work(factory) as db:
            assert ensure_keyed_chain(db, at=START + timedelta(days=2)) is None
            last = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
        assert (last.action, last.detail) == (
            "audit.rechain",
            "re-chained 3 entries under the audit key; the unkeyed chain was intact",
        )
        assert _verify(engine) == (True, None, 4)
        _append(engine, 1)
        assert _verify(engine) == (True, None, 5)
    finally:
        engine.dispose()


def test_downgrade_removes_the_guards(database_url: str) -> None:
    upgrade_database(database_url)
    downgrade_database(database_url, "0002")
    from kiosk.store.engine import create_engine_for

    engine = create_engine_for(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO audit_log (at, actor, action, detail, prev_hash, entry_hash) "
                    "VALUES (CURRENT_TIMESTAMP, 'a', 'b', '', 'p', 'h')"
                )
            )
            connection.execute(text("DELETE FROM audit_log"))
    finally:
        engine.dispose()


def test_mac_depends_on_the_instant_not_its_time_zone_and_on_the_key() -> None:
    eastern = START.astimezone(timezone(timedelta(hours=-5)))
    args = ("a" * 64, 1, START, "x", "y", None, None, "")
    assert audit_entry_mac(AUDIT_KEY, *args) == audit_entry_mac(
        AUDIT_KEY, "a" * 64, 1, eastern, "x", "y", None, None, ""
    )
    assert audit_entry_mac(AUDIT_KEY, *args) != audit_entry_mac(INTRUDER_KEY, *args)
    assert audit_entry_mac(AUDIT_KEY, *args) != audit_entry_mac(AUDIT_KEY, "a" * 64, 2, START, "x", "y", None, None, "")
    with pytest.raises(ValueError, match="timezone-aware"):
        audit_entry_mac(AUDIT_KEY, "a" * 64, 1, datetime(2025, 1, 1), "x", "y", None, None, "")
