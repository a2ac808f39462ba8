"""The clinic's keys wrapped with a passphrase, for the safe: scrypt stretches the passphrase into an
AES-256-GCM key that encrypts both key files (the PHI key and the audit key) as one JSON document.

The file on its own reveals nothing; with the passphrase it restores a data folder whose key was lost.
Any change to the file, or a wrong passphrase, fails authentication instead of giving a wrong key.
"""

from __future__ import annotations

import base64
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kiosk.store.crypto import KEY_BYTES

FORMAT = "kiosk-wrapped-keys-v1"
# scrypt at 2^17 x 8: about 0.3 s and 128 MiB per try, which a guesser pays for every passphrase.
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MIN_PASSPHRASE = 12
_AAD = FORMAT.encode("ascii")


class KeyWrapError(ValueError):
    """The wrapped key file cannot be read: wrong passphrase, altered file, or not such a file."""


def _stretch(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def wrap_keys(keys: dict[str, bytes], passphrase: str, *, n: int = SCRYPT_N) -> bytes:
    """The keys (name -> 32 bytes) as a passphrase-protected JSON document."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyWrapError(f"the passphrase must be at least {MIN_PASSPHRASE} characters long")
    for name, key in keys.items():
        if len(key) != KEY_BYTES:
            raise KeyWrapError(f"the {name} key is {len(key)} bytes, not {KEY_BYTES}")
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    payload = json.dumps({name: key.hex() for name, key in keys.items()}).encode("utf-8")
    sealed = AESGCM(_stretch(passphrase, salt, n, SCRYPT_R, SCRYPT_P)).encrypt(nonce, payload, _AAD)
    document = {
        "format": FORMAT,
        "kdf": {"name": "scrypt", "n": n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": base64.b64encode(salt).decode()},
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(sealed).decode(),
    }
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def unwrap_keys(data: bytes, passphrase: str) -> dict[str, bytes]:
    """The keys from a document written by wrap_keys; KeyWrapError in one sentence otherwise."""
    try:
        document = json.loads(data)
        if document.get("format") != FORMAT:
            raise KeyWrapError(f"this is not a wrapped key file (its format is {document.get('format')!r})")
        kdf = document["kdf"]
        if kdf.get("name") != "scrypt":
            raise KeyWrapError(f"unknown key derivation {kdf.get('name')!r}")
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(document["nonce"], validate=True)
        sealed = base64.b64decode(document["ciphertext"], validate=True)
        stretched = _stretch(passphrase, salt, int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
    except KeyWrapError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise KeyWrapError(f"this is not a readable wrapped key file ({error})") from None
    try:
        payload = AESGCM(stretched).decrypt(nonce, sealed, _AAD)
    except InvalidTag:
        raise KeyWrapError("the passphrase is wrong, or the wrapped key file was altered") from None
    keys = {name: bytes.fromhex(value) for name, value in json.loads(payload).items()}
    if any(len(key) != KEY_BYTES for key in keys.values()):
        raise KeyWrapError("the wrapped key file holds a key of the wrong length")
    return keys
