"""File permissions for everything the kiosk writes: only the account that runs the kiosk may read it.

The database, its WAL and shared-memory files, the logs and the exports hold (or hint at) health
information, and the key files unlock it; on a shared computer any other account could otherwise read
them. The data folder is made 0700, its files 0600, and the process's umask 077 so that every file the
kiosk creates later (SQLite's -wal and -shm, rotated logs, exports) starts private too.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def protect_data_dir(data_dir: Path) -> None:
    """Set the umask to 077 and make data_dir 0700 and everything already in it private (POSIX only)."""
    if os.name != "posix":
        return
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(PRIVATE_DIR)
    for root, directories, files in os.walk(data_dir):
        for name in directories:
            (Path(root) / name).chmod(PRIVATE_DIR)
        for name in files:
            path = Path(root) / name
            if not path.is_symlink():
                path.chmod(PRIVATE_FILE)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as a 0600 file, atomically (never a half-written or readable file)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, PRIVATE_FILE)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
