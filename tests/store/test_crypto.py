"""Field encryption: values round-trip, are bound to their column, and refuse the wrong key."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.store.crypto import (
    FORMAT_VERSION,
    KEY_BYTES,
    NONCE_BYTES,
    DecryptionError,
    FieldCipher,
    KeyFileError,
    load_or_create_key,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))


@given(st.text())
def test_text_round_trips(value: str) -> None:
    cipher = FieldCipher(KEY)
    token = cipher.encrypt(value, context="patients.first_name")
    assert cipher.decrypt_text(token, context="patients.first_name") == value


def test_bytes_and_json_round_trip() -> None:
    cipher = FieldCipher(KEY)
    png = b"\x89PNG\r\n\x1a\n\x00\xff"
    strokes = [[{"x": 1.5, "y": 2, "t": 0}], [{"x": 3, "y": 4, "t": 12}]]
    contact = {"name": "José Núñez", "phone": "+1 555 0100"}
    assert cipher.decrypt(cipher.encrypt(png, context="c.png"), context="c.png") == png
    assert cipher.decrypt_json(cipher.encrypt_json(strokes, context="c.s"), context="c.s") == strokes
    assert cipher.decrypt_json(cipher.encrypt_json(contact, context="c.e"), context="c.e") == contact


def test_token_format_is_version_nonce_ciphertext_and_nonce_is_fresh() -> None:
    cipher = FieldCipher(KEY)
    first = cipher.encrypt("Ada", context="patients.first_name")
    second = cipher.encrypt("Ada", context="patients.first_name")
    assert first[0] == FORMAT_VERSION
    assert len(first) == 1 + NONCE_BYTES + len(b"Ada") + 16  # 16-byte GCM tag
    assert b"Ada" not in first
    assert first[1 : 1 + NONCE_BYTES] != second[1 : 1 + NONCE_BYTES]
    assert first != second


def test_value_moved_to_another_column_does_not_decrypt() -> None:
    cipher = FieldCipher(KEY)
    token = cipher.encrypt("Lovelace", context="patients.last_name")
    with pytest.raises(DecryptionError, match=r"patients\.first_name could not be decrypted"):
        cipher.decrypt(token, context="patients.first_name")


def test_altered_value_does_not_decrypt() -> None:
    cipher = FieldCipher(KEY)
    token = bytearray(cipher.encrypt("1990-01-31", context="patients.dob"))
    token[-1] ^= 0x01
    with pytest.raises(DecryptionError, match="altered"):
        cipher.decrypt(bytes(token), context="patients.dob")


def test_wrong_key_fails_with_a_clear_error() -> None:
    token = FieldCipher(KEY).encrypt("Ada", context="patients.first_name")
    with pytest.raises(DecryptionError, match="the encryption key is wrong"):
        FieldCipher(OTHER_KEY).decrypt(token, context="patients.first_name")


def test_unknown_format_version_and_short_values_are_refused() -> None:
    cipher = FieldCipher(KEY)
    token = cipher.encrypt("x", context="t.c")
    with pytest.raises(DecryptionError, match="unknown format version 2"):
        cipher.decrypt(bytes([2]) + token[1:], context="t.c")
    with pytest.raises(DecryptionError, match="too short"):
        cipher.decrypt(token[:20], context="t.c")


def test_key_of_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes, got 16"):
        FieldCipher(bytes(16))


def test_blind_index_is_stable_keyed_and_per_context() -> None:
    index = FieldCipher(KEY).blind_index("ada|lovelace|1815-12-10", context="patients.lookup")
    assert index == FieldCipher(KEY).blind_index("ada|lovelace|1815-12-10", context="patients.lookup")
    assert len(index) == 64
    assert int(index, 16) >= 0
    assert index != FieldCipher(OTHER_KEY).blind_index("ada|lovelace|1815-12-10", context="patients.lookup")
    assert index != FieldCipher(KEY).blind_index("ada|lovelace|1815-12-10", context="arrivals.lookup")
    assert index != FieldCipher(KEY).blind_index("ada|lovelace|1815-12-11", context="patients.lookup")


def test_key_fingerprint_identifies_the_key_without_revealing_it() -> None:
    fingerprint = FieldCipher(KEY).key_fingerprint
    assert fingerprint == FieldCipher(KEY).key_fingerprint
    assert fingerprint != FieldCipher(OTHER_KEY).key_fingerprint
    assert KEY.hex()[:32] != fingerprint


def test_key_file_is_created_once_private_and_reused(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "kiosk.key"
    key = load_or_create_key(path)
    assert len(key) == KEY_BYTES
    assert path.read_bytes() == key
    assert load_or_create_key(path) == key
    assert [p.name for p in path.parent.iterdir()] == ["kiosk.key"]
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_existing_key_file_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.key"
    path.write_bytes(OTHER_KEY)
    assert load_or_create_key(path) == OTHER_KEY


def test_key_file_of_wrong_size_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.key"
    path.write_bytes(b"not a key\n")
    with pytest.raises(KeyFileError, match=r"holds 10 bytes.*exactly 32 bytes.*Restore the key file") as error:
        load_or_create_key(path)
    assert str(path) in str(error.value)
    assert path.read_bytes() == b"not a key\n"
