"""A database remembers which key wrote it and refuses any other."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from kiosk.store.crypto import FieldCipher, KeyMismatchError
from kiosk.store.engine import db_factory, unit_of_work
from kiosk.store.keycheck import KEY_FINGERPRINT, ensure_key_matches
from kiosk.store.models import StoreMeta


def test_first_key_is_recorded_then_accepted(migrated_engine: Engine, cipher: FieldCipher) -> None:
    factory = db_factory(migrated_engine)
    with unit_of_work(factory) as db:
        ensure_key_matches(db, cipher)
    with unit_of_work(factory) as db:
        ensure_key_matches(db, cipher)
        recorded = db.scalars(select(StoreMeta).where(StoreMeta.name == KEY_FINGERPRINT)).all()
    assert [row.value for row in recorded] == [cipher.key_fingerprint]


def test_another_key_is_refused(migrated_engine: Engine, cipher: FieldCipher) -> None:
    factory = db_factory(migrated_engine)
    with unit_of_work(factory) as db:
        ensure_key_matches(db, cipher)
    with (
        pytest.raises(KeyMismatchError, match="the encryption key does not match this database"),
        unit_of_work(factory) as db,
    ):
        ensure_key_matches(db, FieldCipher(bytes(32)))
