"""Backing the clinic up and restoring it: who may, what goes in, and the audit entries.

`create_backup` (admin; Permission.BACKUP) copies a SQLite data folder while the tablets keep saving and
seals it with the PHI key (kiosk/store/backup.py says how). A PostgreSQL clinic backs its database up
with the server's own tools (pg_dump), which the README's "Backups" section describes; the kiosk refuses
rather than pretend to copy a server it does not own.

`restore_backup` runs into an empty folder, exactly when there is no clinic to sign in to, so it asks
for no sign-in: whoever holds the backup and the clinic's key can already read everything in it. The
restored folder's audit chain is checked before anything is said to be restored, and the restore is
the first new entry in it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kiosk.documents.certificates import CERTIFICATES_DIR
from kiosk.services.backend import AUDIT_KEY_FILE, KEY_FILE, Backend
from kiosk.services.permissions import Permission, require
from kiosk.services.staff_accounts import StaffIdentity
from kiosk.settings import SETTINGS_FILE
from kiosk.store.audit import append_audit
from kiosk.store.backup import (
    DATABASE_MEMBER,
    BackupError,
    BackupSummary,
    Progress,
    copy_sqlite_online,
    no_progress,
    read_backup,
    remove_tree,
    write_backup,
)
from kiosk.store.engine import read_only_unit_of_work, unit_of_work
from kiosk.store.files import PRIVATE_DIR, protect_data_dir, write_private
from kiosk.store.models import Appointment, AuditEntry, Intake

__all__ = ["BackupError", "RestoreSummary", "create_backup", "restore_backup"]


@dataclass(frozen=True, slots=True)
class RestoreSummary:
    data_dir: Path
    created: str
    appointments: int
    intakes: int
    audit_entries: int


def _sqlite_file(backend: Backend) -> Path:
    url = make_url(backend.settings.effective_database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"this clinic's database is on a {url.get_backend_name()} server, which `kiosk backup` does not copy: "
            "back it up with the server's pg_dump and keep the key file with `kiosk key export` "
            "(README, Backups)"
        )
    if not url.database:
        raise BackupError("the database is in memory; there is nothing on disk to back up")
    return Path(url.database)


def _counts(backend: Backend) -> dict[str, int]:
    with read_only_unit_of_work(backend.db_factory) as db:
        return {
            "appointments": db.scalar(select(func.count(Appointment.id))) or 0,
            "intakes": db.scalar(select(func.count(Intake.id))) or 0,
            "audit_entries": db.scalar(select(func.count(AuditEntry.id))) or 0,
        }


def create_backup(
    backend: Backend, staff: StaffIdentity, output: Path, *, progress: Progress = no_progress
) -> BackupSummary:
    """Write an encrypted, checked backup of this data folder to `output`; refuse by role or on PostgreSQL."""
    require(staff, Permission.BACKUP)
    database = _sqlite_file(backend)
    if output.exists():
        raise BackupError(f"{output} already exists; choose a new file name (a backup never overwrites one)")
    if not output.parent.is_dir():
        raise BackupError(f"the folder {output.parent} does not exist")
    data_dir = backend.data_dir
    phi_key = (data_dir / KEY_FILE).read_bytes()
    started = backend.now()
    with unit_of_work(backend.db_factory) as db:
        append_audit(db, at=started, actor=staff.username, action="backup.start", detail=f"to {output.name}")
    work = data_dir / f".backup-{secrets.token_hex(6)}"
    work.mkdir(mode=PRIVATE_DIR)
    try:
        progress("copying the database", 0, database.stat().st_size)
        copied = work / DATABASE_MEMBER
        copy_sqlite_online(database, copied)
        progress("copying the database", copied.stat().st_size, copied.stat().st_size)
        members: dict[str, Path] = {DATABASE_MEMBER: copied}
        settings_file = data_dir / SETTINGS_FILE
        if settings_file.is_file():
            members[SETTINGS_FILE] = settings_file
        members[AUDIT_KEY_FILE.as_posix()] = data_dir / AUDIT_KEY_FILE
        certificates = data_dir / CERTIFICATES_DIR
        if certificates.is_dir():
            for path in sorted(certificates.rglob("*")):
                if path.is_file():
                    members[path.relative_to(data_dir).as_posix()] = path
        summary = write_backup(
            output,
            members=members,
            phi_key=phi_key,
            created=started,
            details={"created": started.isoformat(), "by": staff.username, **_counts(backend)},
            progress=progress,
        )
    finally:
        remove_tree(work)
    with unit_of_work(backend.db_factory) as db:
        append_audit(
            db,
            at=backend.now(),
            actor=staff.username,
            action="backup.create",
            detail=f"{output.name}: {summary.size} bytes, sha256 {summary.sha256}",
        )
    return summary


def restore_backup(
    backup: Path, phi_key: bytes, data_dir: Path, *, actor: str, progress: Progress = no_progress
) -> RestoreSummary:
    """Restore `backup` into the empty folder `data_dir` with the clinic's PHI key; check it opens and that
    its audit chain is intact. Nothing is left in `data_dir` when anything fails."""
    from kiosk.services.audit_log import audit_status
    from kiosk.services.backend import open_backend

    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(f"{data_dir} is not empty; restore into a new, empty folder")
    created_folder = not data_dir.exists()
    protect_data_dir(data_dir)
    try:
        manifest = read_backup(backup, phi_key, data_dir, progress=progress)
        (data_dir / KEY_FILE).parent.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        write_private(data_dir / KEY_FILE, phi_key)
        backend = open_backend(data_dir)
        try:
            status = audit_status(backend)
            if not status.intact:
                raise BackupError(f"the restored audit log is not intact: {status.message}")
            with unit_of_work(backend.db_factory) as db:
                append_audit(
                    db,
                    at=backend.now(),
                    actor=actor,
                    action="backup.restore",
                    detail=f"from {backup.name} made {manifest.get('created', '?')}",
                )
            counts = _counts(backend)
        finally:
            backend.engine.dispose()
    except BaseException:
        _empty(data_dir, remove_folder=created_folder)
        raise
    return RestoreSummary(
        data_dir=data_dir,
        created=str(manifest.get("created", "")),
        appointments=counts["appointments"],
        intakes=counts["intakes"],
        audit_entries=counts["audit_entries"],
    )


def _empty(data_dir: Path, *, remove_folder: bool) -> None:
    if remove_folder:
        remove_tree(data_dir)
        return
    for child in data_dir.iterdir():
        if child.is_dir():
            remove_tree(child)
        else:
            child.unlink(missing_ok=True)
