"""Field-level encryption of personal health information, identical on SQLite and PostgreSQL.

Each protected column holds ``version byte + 12-byte random nonce + AES-256-GCM ciphertext``. The
column's name (its *context*, e.g. ``"patients.first_name"``) is authenticated as associated data,
so a value copied into another column, another row's column of a different kind, or altered in any
way fails to decrypt instead of being read as something else. Equality lookups (find a patient by
name and date of birth) use a keyed blind index, never the plaintext.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
NONCE_BYTES = 12
FORMAT_VERSION = 1

_ENCRYPTION_INFO = b"kiosk field encryption v1"
_BLIND_INDEX_INFO = b"kiosk blind index v1"
_FINGERPRINT_INFO = b"kiosk key fingerprint v1"

log = logging.getLogger(__name__)


class DecryptionError(Exception):
    """A stored value could not be decrypted: wrong key, wrong column, or altered data."""


class KeyMismatchError(DecryptionError):
    """The key in use is not the key this database was written with."""

    def __init__(self, detail: str = "") -> None:
        message = "the encryption key does not match this database"
        super().__init__(f"{message} ({detail})" if detail else message)


class KeyFileError(Exception):
    """The key file exists but cannot be used; staff must restore it, never replace it."""


def _derive(master_key: bytes, info: bytes) -> bytes:
    """Separate sub-keys per purpose so the encryption key is never also an HMAC key."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(master_key)


class FieldCipher:
    """Encrypts and decrypts single column values with one master key, passed in explicitly."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise ValueError(f"an encryption key is {KEY_BYTES} bytes, got {len(key)}")
        self._aead = AESGCM(_derive(key, _ENCRYPTION_INFO))
        self._index_key = _derive(key, _BLIND_INDEX_INFO)
        self._fingerprint = _derive(key, _FINGERPRINT_INFO)[:16].hex()

    @property
    def key_fingerprint(self) -> str:
        """A public identifier of the key (reveals nothing about it), recorded in the database."""
        return self._fingerprint

    def encrypt(self, plaintext: str | bytes, *, context: str) -> bytes:
        """Encrypt one value for the column named by ``context`` (str is stored as UTF-8)."""
        data = plaintext.encode("utf-8") if isinstance(plaintext, str) else plaintext
        nonce = secrets.token_bytes(NONCE_BYTES)
        header = bytes([FORMAT_VERSION])
        return header + nonce + self._aead.encrypt(nonce, data, _associated_data(context))

    def decrypt(self, token: bytes, *, context: str) -> bytes:
        """Return the plaintext bytes, or raise DecryptionError if anything does not match."""
        if len(token) < 1 + NONCE_BYTES + 16:
            raise DecryptionError(f"the stored value for {context} is too short to be encrypted data")
        if token[0] != FORMAT_VERSION:
            raise DecryptionError(f"the stored value for {context} has unknown format version {token[0]}")
        nonce, ciphertext = token[1 : 1 + NONCE_BYTES], token[1 + NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, ciphertext, _associated_data(context))
        except InvalidTag as error:
            raise DecryptionError(
                f"the stored value for {context} could not be decrypted: "
                "the encryption key is wrong, or the value was moved or altered"
            ) from error

    def decrypt_text(self, token: bytes, *, context: str) -> str:
        """Decrypt a value that was encrypted from a str."""
        return self.decrypt(token, context=context).decode("utf-8")

    def encrypt_json(self, value: Any, *, context: str) -> bytes:
        """Encrypt any JSON-serialisable value (answers, strokes, contacts)."""
        return self.encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")), context=context)

    def decrypt_json(self, token: bytes, *, context: str) -> Any:
        """Decrypt a value written by encrypt_json."""
        return json.loads(self.decrypt(token, context=context))

    def blind_index(self, value: str, *, context: str) -> str:
        """A keyed HMAC-SHA256 (hex) of an already normalised value, for equality lookups only.

        The same value under another context gives another index, so indexes of different
        columns cannot be correlated.
        """
        message = json.dumps([context, value], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return hmac.new(self._index_key, message, hashlib.sha256).hexdigest()


def _associated_data(context: str) -> bytes:
    return bytes([FORMAT_VERSION]) + context.encode("utf-8")


def load_or_create_key(path: Path) -> bytes:
    """Read the 32-byte master key, creating it (mode 0600, atomically) if there is none yet.

    An existing file is never replaced: losing the key makes every encrypted value unreadable.
    """
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # A hard link publishes the complete file under its final name, and fails rather than
            # overwrite a key another process created at the same moment.
            os.link(temporary, path)
        except FileExistsError:
            return _read_key(path)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_directory(path.parent)
    log.info("created a new encryption key at %s", path)
    return key


def _read_key(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise KeyFileError(
            f"The encryption key file {path} holds {len(key)} bytes, but a key is exactly {KEY_BYTES} bytes. "
            "Restore the key file from the clinic's backup; do not delete it, or the stored patient data "
            "can no longer be read."
        )
    return key


def _fsync_directory(directory: Path) -> None:
    """Make the new directory entry durable (POSIX only; Windows cannot open directories)."""
    if os.name != "posix":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
