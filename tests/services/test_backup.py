"""Backups that restore: an online copy taken while a tablet keeps saving, sealed with the clinic's key,
checked after writing, refused when damaged, and restored into an empty folder whose audit log is intact
and whose schedule is the one that was backed up."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.services.backend import AUDIT_KEY_FILE, KEY_FILE, Backend
from kiosk.services.backup import BackupError, create_backup, restore_backup
from kiosk.services.intake import begin_intake, record_answer
from kiosk.services.permissions import RoleRefusedError
from kiosk.services.schedule import schedule_for_day
from kiosk.services.staff_accounts import StaffIdentity, create_staff_user, sign_in
from kiosk.store.backup import CHUNK_BYTES, MAGIC
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Answer, AuditEntry, StaffRole
from tests.identities import admin, front_desk
from tests.services.conftest import BackendFactory, schedule

PASSWORD = "correct horse battery staple"


def _staff(backend: Backend, role: StaffRole) -> StaffIdentity:
    name = role.value.replace("_", "")
    create_staff_user(backend, admin("setup"), username=name, display_name=name, role=role, password=PASSWORD)
    return sign_in(backend, name, PASSWORD)


def _answer_ids(backend: Backend) -> set[int]:
    with unit_of_work(backend.db_factory) as db:
        return set(db.scalars(select(Answer.id)))


def test_a_backup_taken_while_a_tablet_saves_restores_with_the_same_schedule_and_an_intact_log(
    make_backend: BackendFactory, tmp_path: Path
) -> None:
    backend = make_backend()
    admin = _staff(backend, StaffRole.ADMIN)
    appointments = [schedule(backend, f"Pat{n}", "Backup", dt.date(1970 + n, 1, 2), hour=8 + n) for n in range(3)]
    tablet = make_backend(backend.data_dir)  # a second process's engine on the same file, as a tablet has
    intake = begin_intake(tablet, appointments[0], "en").intake_id
    items = [f"q{n}" for n in range(1, 10)]
    acknowledged: list[int] = []
    stop = threading.Event()

    def keep_saving() -> None:
        index = 0
        while not stop.is_set():
            record_answer(tablet, intake, "phq9", items[index % len(items)], index % 4)
            acknowledged.append(index)
            index += 1

    record_answer(tablet, intake, "phq9", "q1", 1)
    before = _answer_ids(backend)
    writer = threading.Thread(target=keep_saving)
    writer.start()
    try:
        phases: list[str] = []
        summary = create_backup(
            backend, admin, tmp_path / "clinic.kbak", progress=lambda phase, _done, _total: phases.append(phase)
        )
    finally:
        stop.set()
        writer.join()
    assert acknowledged, "the tablet saved nothing while the backup ran"
    assert {"copying the database", "encrypting", "checking"} <= set(phases)
    assert (tmp_path / "clinic.kbak").stat().st_mode & 0o777 == 0o600
    phi_key = (backend.data_dir / KEY_FILE).read_bytes()
    raw = (tmp_path / "clinic.kbak").read_bytes()
    assert raw.startswith(MAGIC) and summary.size == len(raw)
    assert phi_key not in raw and phi_key.hex().encode() not in raw
    assert b"Pat0" not in raw and b"SQLite format" not in raw and b"[clinic]" not in raw

    restored_dir = tmp_path / "restored"
    result = restore_backup(tmp_path / "clinic.kbak", phi_key, restored_dir, actor="cli:test")
    assert result.appointments == 3
    restored = make_backend(restored_dir)
    assert [(e.patient_name, e.starts_at, e.status) for e in schedule_for_day(restored, front_desk())] == [
        (e.patient_name, e.starts_at, e.status) for e in schedule_for_day(backend, front_desk())
    ]
    assert before <= _answer_ids(restored) <= _answer_ids(backend)
    assert (restored_dir / AUDIT_KEY_FILE).read_bytes() == (backend.data_dir / AUDIT_KEY_FILE).read_bytes()
    with unit_of_work(restored.db_factory) as db:
        actions = list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["backup.start", "backup.restore"]
    with unit_of_work(backend.db_factory) as db:
        assert db.scalars(select(AuditEntry.action).order_by(AuditEntry.id.desc())).first() == "backup.create"
    for path in restored_dir.rglob("*"):
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path


def test_only_an_admin_backs_up_and_never_over_an_existing_file(make_backend: BackendFactory, tmp_path: Path) -> None:
    backend = make_backend()
    clinician = _staff(backend, StaffRole.CLINICIAN)
    with pytest.raises(RoleRefusedError, match="back up"):
        create_backup(backend, clinician, tmp_path / "x.kbak")
    assert not (tmp_path / "x.kbak").exists()
    admin = _staff(backend, StaffRole.ADMIN)
    (tmp_path / "taken.kbak").write_bytes(b"an older backup")
    with pytest.raises(BackupError, match="already exists"):
        create_backup(backend, admin, tmp_path / "taken.kbak")
    assert (tmp_path / "taken.kbak").read_bytes() == b"an older backup"


def test_a_postgresql_clinic_is_told_to_use_pg_dump(make_backend: BackendFactory, tmp_path: Path) -> None:
    backend = make_backend()
    admin = _staff(backend, StaffRole.ADMIN)
    elsewhere = replace(backend, settings=replace(backend.settings, database_url="postgresql+psycopg://h/k"))
    with pytest.raises(BackupError, match="pg_dump"):
        create_backup(elsewhere, admin, tmp_path / "pg.kbak")
    assert not (tmp_path / "pg.kbak").exists()


@pytest.fixture
def one_backup(make_backend: BackendFactory, tmp_path: Path) -> tuple[Path, bytes]:
    backend = make_backend()
    schedule(backend, "Ana", "Ruiz", dt.date(1980, 1, 2))
    path = create_backup(backend, _staff(backend, StaffRole.ADMIN), tmp_path / "one.kbak").path
    return path, (backend.data_dir / KEY_FILE).read_bytes()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: data[: len(data) - 40], "ends early|altered"),
        (lambda data: data[:-1] + bytes([data[-1] ^ 1]), "altered or damaged"),
        (lambda data: data + b"extra", "after its end"),
        (lambda data: b"PK" + data, "not a kiosk backup"),
        (lambda data: data.replace(b'"format": "kiosk-backup-v1"', b'"format": "kiosk-backup-v9"'), "unknown"),
    ],
    ids=["cut short", "flipped bit", "appended", "not a backup", "unknown format"],
)
def test_a_damaged_backup_restores_nothing(
    one_backup: tuple[Path, bytes], tmp_path: Path, damage: object, message: str
) -> None:
    path, key = one_backup
    damaged = tmp_path / "damaged.kbak"
    damaged.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    target = tmp_path / "target"
    with pytest.raises(BackupError, match=message):
        restore_backup(damaged, key, target, actor="cli:test")
    assert not target.exists()


def test_a_wrong_key_or_a_folder_in_use_restores_nothing(one_backup: tuple[Path, bytes], tmp_path: Path) -> None:
    path, key = one_backup
    with pytest.raises(BackupError, match="not the one the backup was made with"):
        restore_backup(path, bytes(32), tmp_path / "wrong-key", actor="cli:test")
    assert not (tmp_path / "wrong-key").exists()
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "settings.toml").write_text("# somebody's")
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(path, key, busy, actor="cli:test")
    assert [p.name for p in busy.iterdir()] == ["settings.toml"]


def test_a_large_database_is_sealed_in_many_chunks(make_backend: BackendFactory, tmp_path: Path) -> None:
    backend = make_backend()
    filler = backend.data_dir / "certificates" / "filler.bin"
    filler.parent.mkdir(exist_ok=True)
    filler.write_bytes(bytes(range(256)) * (3 * CHUNK_BYTES // 256))
    path = create_backup(backend, _staff(backend, StaffRole.ADMIN), tmp_path / "big.kbak").path
    restored = tmp_path / "big"
    restore_backup(path, (backend.data_dir / KEY_FILE).read_bytes(), restored, actor="cli:test")
    assert (restored / "certificates" / "filler.bin").read_bytes() == filler.read_bytes()
