"""Keys handled with care: a lost key file is never silently replaced, and the keys go to the safe
wrapped with a passphrase and come back from it into a data folder that lost them."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kiosk.services.backend import AUDIT_KEY_FILE, KEY_FILE, SetupError
from kiosk.services.keys import KeyWrapError, export_keys, import_keys
from kiosk.services.patients import patient_view
from kiosk.services.permissions import RoleRefusedError
from kiosk.services.staff_accounts import create_staff_user, sign_in
from kiosk.store.audit import verify_audit_chain
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment, AuditEntry, Patient, StaffRole
from tests.identities import admin
from tests.services.conftest import BackendFactory, schedule

PASSPHRASE = "correct horse battery staple"


def test_a_missing_key_next_to_a_database_is_refused_and_none_is_made(make_backend: BackendFactory) -> None:
    backend = make_backend()
    schedule(backend, "Ana", "Ruiz", dt.date(1980, 1, 2))
    backend.engine.dispose()
    for key_file, what in ((KEY_FILE, "encryption key"), (AUDIT_KEY_FILE, "audit key")):
        path = backend.data_dir / key_file
        saved = path.read_bytes()
        path.unlink()
        with pytest.raises(SetupError, match=f"The {what} file .* is missing, .* Restore the key"):
            make_backend(backend.data_dir)
        assert not path.exists()
        path.write_bytes(saved)
    assert make_backend(backend.data_dir).data_dir == backend.data_dir


def test_a_first_start_still_makes_its_keys(make_backend: BackendFactory) -> None:
    backend = make_backend()
    assert (backend.data_dir / KEY_FILE).stat().st_size == 32
    assert (backend.data_dir / AUDIT_KEY_FILE).stat().st_size == 32
    assert (backend.data_dir / KEY_FILE).read_bytes() != (backend.data_dir / AUDIT_KEY_FILE).read_bytes()


def test_export_then_import_restores_a_folder_that_lost_its_keys(make_backend: BackendFactory) -> None:
    backend = make_backend()
    create_staff_user(
        backend, admin("setup"), username="boss", display_name="Boss", role=StaffRole.ADMIN, password=PASSPHRASE
    )
    create_staff_user(
        backend, admin("setup"), username="desk", display_name="Desk", role=StaffRole.FRONT_DESK, password=PASSPHRASE
    )
    with pytest.raises(RoleRefusedError):
        export_keys(backend, sign_in(backend, "desk", PASSPHRASE), PASSPHRASE)
    with pytest.raises(KeyWrapError, match="at least 12"):
        export_keys(backend, sign_in(backend, "boss", PASSPHRASE), "short")
    wrapped = export_keys(backend, sign_in(backend, "boss", PASSPHRASE), PASSPHRASE)
    phi_key = (backend.data_dir / KEY_FILE).read_bytes()
    assert phi_key not in wrapped and phi_key.hex().encode() not in wrapped
    appointment = schedule(backend, "Ana", "Ruiz", dt.date(1980, 1, 2))
    with unit_of_work(backend.db_factory) as db:
        patient_id = db.get_one(Appointment, appointment).patient_id
    backend.engine.dispose()
    (backend.data_dir / KEY_FILE).unlink()
    (backend.data_dir / AUDIT_KEY_FILE).unlink()

    with pytest.raises(KeyWrapError, match="passphrase is wrong"):
        import_keys(backend.data_dir, wrapped, "not the passphrase at all")
    with pytest.raises(KeyWrapError, match="not a readable"):
        import_keys(backend.data_dir, b"{}" + wrapped, PASSPHRASE)
    assert not (backend.data_dir / KEY_FILE).exists()
    assert sorted(import_keys(backend.data_dir, wrapped, PASSPHRASE)) == sorted([str(KEY_FILE), str(AUDIT_KEY_FILE)])
    assert import_keys(backend.data_dir, wrapped, PASSPHRASE) == []

    restored = make_backend(backend.data_dir)
    with unit_of_work(restored.db_factory) as db:
        assert patient_view(restored.cipher, db.get_one(Patient, patient_id)).first_name == "Ana"
        assert verify_audit_chain(db).intact
        actions = list(db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert "key.export" in actions


def test_import_refuses_another_clinics_keys(
    make_backend: BackendFactory, tmp_path_factory: pytest.TempPathFactory
) -> None:
    ours = make_backend()
    theirs = make_backend(tmp_path_factory.mktemp("other") / "data")
    create_staff_user(
        theirs, admin("setup"), username="boss", display_name="Boss", role=StaffRole.ADMIN, password=PASSPHRASE
    )
    wrapped = export_keys(theirs, sign_in(theirs, "boss", PASSPHRASE), PASSPHRASE)
    ours.engine.dispose()
    (ours.data_dir / KEY_FILE).unlink()
    (ours.data_dir / AUDIT_KEY_FILE).unlink()
    with pytest.raises(KeyWrapError, match="not the key the database"):
        import_keys(ours.data_dir, wrapped, PASSPHRASE)
    assert not (ours.data_dir / KEY_FILE).exists()
