"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import DateTime, Engine, LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from kiosk.store.crypto import FieldCipher


class UTCDateTime(TypeDecorator[datetime]):
    """Stores an aware datetime as UTC and always returns it aware, in UTC.

    SQLite has no time zone support and would hand back naive values; PostgreSQL's timestamptz
    returns the session's zone. Naive datetimes are refused on the way in, because the kiosk
    cannot know which zone they meant.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"a naive datetime ({value.isoformat()}) cannot be stored; give it a time zone")
        in_utc = value.astimezone(UTC)
        # SQLite stores the text without an offset; every stored value is UTC, so text order is time order.
        return in_utc.replace(tzinfo=None) if dialect.name == "sqlite" else in_utc

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime from the database, got {type(value).__name__}")
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


CIPHER_ATTRIBUTE = "kiosk_field_cipher"


class CipherMissingError(RuntimeError):
    """An encrypted column was read or written through an engine that was never given the key."""


def attach_cipher(engine: Engine, cipher: FieldCipher) -> None:
    """Give the engine's encrypted columns their key (the dialect object belongs to this engine alone)."""
    setattr(engine.dialect, CIPHER_ATTRIBUTE, cipher)


def _cipher_of(dialect: Dialect, context: str) -> FieldCipher:
    cipher = getattr(dialect, CIPHER_ATTRIBUTE, None)
    if cipher is None:
        raise CipherMissingError(
            f"{context} is encrypted, but this database engine has no key; open it through open_backend"
        )
    return cast("FieldCipher", cipher)


class EncryptedBytes(TypeDecorator[bytes]):
    """Bytes encrypted with the field cipher on the way in and decrypted on the way out.

    Transparent for callers (``intake.packet_pdf = signed`` stays as it was), so no service can forget
    to encrypt. ``context`` ("table.column") is authenticated with each value, like every _enc column.
    Never compare these columns in SQL: each write has a fresh nonce.
    """

    impl = LargeBinary
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return _cipher_of(dialect, self.context).encrypt(bytes(value), context=self.context)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return _cipher_of(dialect, self.context).decrypt(_stored_bytes(value), context=self.context)


class EncryptedText(TypeDecorator[str]):
    """Text stored like EncryptedBytes (UTF-8 inside), e.g. a flag's code and message."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        return _cipher_of(dialect, self.context).encrypt(value, context=self.context)

    def process_result_value(self, value: Any | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return _cipher_of(dialect, self.context).decrypt_text(_stored_bytes(value), context=self.context)


def _stored_bytes(value: Any) -> bytes:
    """SQLite may hand back text for a value written in clear before 0003: it then fails to decrypt."""
    return value.encode("utf-8") if isinstance(value, str) else bytes(value)
