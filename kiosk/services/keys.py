"""The clinic's keys in and out of the safe: export wraps both key files with a passphrase, import
puts them back into a data folder whose keys were lost (checked against the database first).

Export reads keys that unlock every record, so it needs an admin's sign-in (Permission.BACKUP) and is
audited. Import runs exactly when the kiosk cannot open (its key is missing), so it cannot ask for a
sign-in; it needs the wrapped file, its passphrase and write access to the data folder, and it only
ever writes a key the database was written with.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.services.backend import AUDIT_KEY_FILE, KEY_FILE, Backend
from kiosk.services.permissions import Permission, require
from kiosk.services.staff_accounts import StaffIdentity
from kiosk.settings import load_settings
from kiosk.store.audit import append_audit
from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import create_engine_for, unit_of_work
from kiosk.store.files import PRIVATE_DIR, protect_data_dir, write_private
from kiosk.store.keycheck import KEY_FINGERPRINT, recorded_meta
from kiosk.store.keywrap import KeyWrapError, unwrap_keys, wrap_keys

__all__ = ["KeyWrapError", "export_keys", "import_keys"]

_FILES = {"phi": KEY_FILE, "audit": AUDIT_KEY_FILE}


def export_keys(backend: Backend, staff: StaffIdentity, passphrase: str) -> bytes:
    """Both keys of this data folder, wrapped with ``passphrase`` (KeyWrapError if it is too short)."""
    require(staff, Permission.BACKUP)
    keys = {name: (backend.data_dir / path).read_bytes() for name, path in _FILES.items()}
    wrapped = wrap_keys(keys, passphrase)
    with unit_of_work(backend.db_factory) as db:
        append_audit(db, at=backend.now(), actor=staff.username, action="key.export", detail="wrapped keys")
    return wrapped


def import_keys(data_dir: Path, wrapped: bytes, passphrase: str) -> list[str]:
    """Write the keys from ``wrapped`` into data_dir/secrets; return the files written.

    Refused (KeyWrapError, one sentence, nothing written) when the passphrase is wrong, when the PHI
    key is not the one the database records, or when a key file already there holds another key.
    """
    keys = unwrap_keys(wrapped, passphrase)
    if set(keys) != set(_FILES):
        raise KeyWrapError(f"the wrapped key file holds {sorted(keys)}, not the PHI and audit keys")
    protect_data_dir(data_dir)
    engine = create_engine_for(load_settings(data_dir).effective_database_url)
    try:
        recorded = recorded_meta(engine, KEY_FINGERPRINT)
    finally:
        engine.dispose()
    fingerprint = FieldCipher(keys["phi"]).key_fingerprint
    if recorded is not None and recorded != fingerprint:
        raise KeyWrapError(
            f"this is not the key the database in {data_dir} was written with (database {recorded}, "
            f"wrapped key {fingerprint}); find the wrapped key file of this clinic"
        )
    for name, relative in _FILES.items():
        path = data_dir / relative
        if path.exists() and path.read_bytes() != keys[name]:
            raise KeyWrapError(f"{path} already holds a different key; it was not replaced")
    written = []
    for name, relative in _FILES.items():
        path = data_dir / relative
        path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        if not path.exists():
            write_private(path, keys[name])
            written.append(str(relative))
    return written
