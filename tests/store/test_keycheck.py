"""A database remembers which key wrote it and refuses any other."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from kiosk.store.crypto import FieldCipher, KeyMismatchError
from kiosk.store.engine import session_factory, unit_of_work
from kiosk.store.keycheck import KEY_FINGERPRINT, ensure_key_matches
from kiosk.store.models import StoreMeta


def test_first_key_is_recorded_then_accepted(migrated_engine: Engine, cipher: FieldCipher) -> None:
    factory = session_factory(migrated_engine)
    with unit_of_work(factory) as session:
        ensure_key_matches(session, cipher)
    with unit_of_work(factory) as session:
        ensure_key_matches(session, cipher)
        recorded = session.scalars(select(StoreMeta).where(StoreMeta.name == KEY_FINGERPRINT)).all()
    assert [row.value for row in recorded] == [cipher.key_fingerprint]


def test_another_key_is_refused(migrated_engine: Engine, cipher: FieldCipher) -> None:
    factory = session_factory(migrated_engine)
    with unit_of_work(factory) as session:
        ensure_key_matches(session, cipher)
    with (
        pytest.raises(KeyMismatchError, match="the encryption key does not match this database"),
        unit_of_work(factory) as session,
    ):
        ensure_key_matches(session, FieldCipher(bytes(32)))
