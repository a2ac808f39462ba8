"""Encrypted columns: packets and flag codes/messages are ciphertext in the database, readable through
the models with the key; values a database from before 0003 holds in clear are encrypted once."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from kiosk.store.at_rest import encrypt_clear_values
from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import create_engine_for, db_factory, unit_of_work
from kiosk.store.files import protect_data_dir, write_private
from kiosk.store.migrate import upgrade_database
from kiosk.store.models import Flag, Intake, Patient, chart_index
from kiosk.store.types import CipherMissingError, attach_cipher
from tests.store.conftest import TEST_KEY

NOW = datetime(2025, 5, 6, 14, 0, tzinfo=UTC)
PDF = b"%PDF-1.4 Jordan Example 1979-07-02 ... %%EOF"


def _insert_raw(
    engine: Engine, packet: bytes, code: str | bytes, message: str | bytes, chart: str | bytes | None = None
) -> None:
    """An intake with a packet and a flag, written past the models (as revision 0002 stored them)."""
    when = NOW.replace(tzinfo=None) if engine.dialect.name == "sqlite" else NOW
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO patients (id, first_name_enc, last_name_enc, dob_enc, lookup_key, preferred_language,"
                " created_at, chart_number) VALUES (1, :b, :b, :b, 'k', 'en', :at, :chart)"
            ),
            {"b": b"x", "at": when, "chart": chart},
        )
        connection.execute(
            text(
                "INSERT INTO intakes (id, patient_id, visit_type, language, status, started_at, updated_at,"
                " packet_sha256, packet_pdf) VALUES (1, 1, 'im_ketamine', 'en', 'submitted', :at, :at, 'h', :pdf)"
            ),
            {"at": when, "pdf": packet},
        )
        connection.execute(
            text(
                "INSERT INTO flags (id, intake_id, patient_id, form_id, code, level, message, raised_at)"
                " VALUES (1, 1, 1, 'phq9', :code, 'urgent', :message, :at)"
            ),
            {"at": when, "code": code, "message": message},
        )


def _raw(engine: Engine) -> tuple[bytes, bytes, bytes]:
    with engine.connect() as connection:
        pdf = connection.execute(text("SELECT packet_pdf FROM intakes")).scalar_one()
        code, message = connection.execute(text("SELECT code, message FROM flags")).one()
    return bytes(pdf), bytes(code), bytes(message)


def test_packets_and_flags_are_ciphertext_in_the_database(migrated_engine: Engine) -> None:
    cipher = FieldCipher(TEST_KEY)
    _insert_raw(
        migrated_engine,
        cipher.encrypt(PDF, context="intakes.packet_pdf"),
        cipher.encrypt("placeholder", context="flags.code"),
        cipher.encrypt("placeholder", context="flags.message"),
    )
    with unit_of_work(db_factory(migrated_engine)) as db:
        flag = db.get(Flag, 1)
        assert flag is not None
        flag.code, flag.message = "phq9_item9_positive", "Thoughts of self-harm: see the patient now"
        intake = db.get(Intake, 1)
        assert intake is not None and intake.packet_pdf == PDF
    pdf, code, message = _raw(migrated_engine)
    assert b"%PDF" not in pdf and b"Jordan" not in pdf
    assert b"phq9" not in code and b"self-harm" not in message
    with unit_of_work(db_factory(migrated_engine)) as db:
        assert db.scalars(select(Flag.code)).one() == "phq9_item9_positive"


def test_an_engine_without_the_key_refuses_instead_of_writing_clear(database_url: str) -> None:
    upgrade_database(database_url)
    engine = create_engine_for(database_url)
    try:
        _insert_raw(engine, b"placeholder", "c", "m")
        with (
            pytest.raises(CipherMissingError, match=r"flags\.code is encrypted"),
            unit_of_work(db_factory(engine)) as db,
        ):
            db.scalars(select(Flag.code)).all()
    finally:
        engine.dispose()


def test_clear_values_from_before_0003_are_encrypted_once(database_url: str) -> None:
    upgrade_database(database_url, "0002")
    engine = create_engine_for(database_url)
    try:
        _insert_raw(engine, PDF, "phq9_item9_positive", "Thoughts of self-harm", "C-1042")
        upgrade_database(database_url)
        cipher = FieldCipher(TEST_KEY)
        attach_cipher(engine, cipher)
        factory = db_factory(engine)
        with unit_of_work(factory) as db:
            assert encrypt_clear_values(db, cipher, at=NOW.isoformat()) == 4
        with unit_of_work(factory) as db:
            assert encrypt_clear_values(db, cipher, at=NOW.isoformat()) == 0
            flag = db.get(Flag, 1)
            intake = db.get(Intake, 1)
            assert flag is not None and intake is not None
            assert (flag.code, flag.message, intake.packet_pdf) == ("phq9_item9_positive", "Thoughts of self-harm", PDF)
            found = db.scalars(select(Patient).where(Patient.chart_key == chart_index(cipher, "C-1042"))).one()
            assert found.chart_number == "C-1042"
        with engine.connect() as connection:
            assert b"C-1042" not in bytes(connection.execute(text("SELECT chart_number FROM patients")).scalar_one())
        pdf, code, message = _raw(engine)
        assert b"%PDF" not in pdf and b"phq9" not in code and b"self-harm" not in message
    finally:
        engine.dispose()


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_data_folder_is_made_private_and_exports_are_written_0600(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    (data_dir / "logs").mkdir(parents=True)
    (data_dir / "logs" / "kiosk.log").write_text("x")
    data_dir.chmod(0o755)
    (data_dir / "logs" / "kiosk.log").chmod(0o644)
    protect_data_dir(data_dir)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "logs").stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "logs" / "kiosk.log").stat().st_mode) == 0o600
    (data_dir / "later.txt").write_text("made after")
    assert stat.S_IMODE((data_dir / "later.txt").stat().st_mode) == 0o600
    target = tmp_path / "packet.pdf"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_private(target, PDF)
    assert target.read_bytes() == PDF
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
