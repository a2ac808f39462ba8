"""Tie a database to the key it was written with, so a wrong key is caught at start-up.

Without this, a restored database opened with another key file would only fail later, one
unreadable value at a time, possibly after new records were written with the wrong key.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from kiosk.store.crypto import FieldCipher, KeyMismatchError
from kiosk.store.models import StoreMeta

KEY_FINGERPRINT = "key_fingerprint"


def ensure_key_matches(db: Session, cipher: FieldCipher) -> None:
    """Record the key's fingerprint in a database that has none; raise KeyMismatchError if it differs."""
    recorded = db.get(StoreMeta, KEY_FINGERPRINT)
    if recorded is None:
        db.add(StoreMeta(name=KEY_FINGERPRINT, value=cipher.key_fingerprint))
        db.flush()
        return
    if recorded.value != cipher.key_fingerprint:
        raise KeyMismatchError(
            f"database key fingerprint {recorded.value}, key file fingerprint {cipher.key_fingerprint}"
        )


def recorded_meta(engine: Engine, name: str) -> str | None:
    """A store_meta value, read without creating anything: None for a database not made yet.

    Used before the keys are loaded, to refuse making a fresh key for a database that already has one.
    """
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return None
    with engine.connect() as connection:
        if not inspect(connection).has_table(StoreMeta.__tablename__):
            return None
        value = connection.execute(select(StoreMeta.value).where(StoreMeta.name == name)).scalar()
        connection.rollback()
    return value
