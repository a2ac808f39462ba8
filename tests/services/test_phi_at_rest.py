"""Nothing readable without the key: after a full intake with its signed packet, no byte of the data
folder (files, the database's WAL, every cell of every table, and every compressed stream inside any
PDF found there) holds the patient's name, date of birth, phone, typed answers or flag codes."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import stat
import zlib
from io import BytesIO
from pathlib import Path

import pypdf
import pytest

from kiosk.domain.forms import ItemType
from kiosk.services.backend import Backend
from kiosk.services.packets import PacketMaker
from kiosk.services.patients import add_patient
from kiosk.store.engine import SQLITE_FILE_NAME, unit_of_work
from kiosk.store.models import Appointment
from tests.services.conftest import BackendFactory
from tests.services.test_packets import certificate_source, install_certificate, visit

__all__ = ["certificate_source"]  # a module-scoped fixture, imported for use here

FIRST, LAST = "Marisol", "Quintanilla"
DOB = dt.date(1979, 7, 2)
PHONE = "503-555-0147"
CHART = "QX-771234"
TYPED = "Zolpidemexample nightly"
NEEDLES = [
    FIRST,
    LAST,
    f"{FIRST} {LAST}",
    "1979-07-02",
    "07/02/1979",
    "7/2/1979",
    "02/07/1979",
    "19790702",
    "Jul 2, 1979",
    "July 2, 1979",
    "2 jul 1979",
    PHONE,
    "5035550147",
    "555-0147",
    "Zolpidemexample",
    "phq9_item9",
    CHART,
    "771234",
]
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def expanded(blob: bytes) -> list[bytes]:
    """The blob, every zlib stream inside it (PDF FlateDecode streams) decompressed, and the text and
    metadata pypdf reads from it if it is a PDF (subset fonts do not show text as plain bytes)."""
    parts = [blob]
    start = blob.find(b"%PDF-")
    if start >= 0:
        try:
            reader = pypdf.PdfReader(BytesIO(blob[start:]))
            parts += [page.extract_text().encode("utf-8") for page in reader.pages]
            parts.append(repr(dict(reader.metadata or {})).encode("utf-8"))
        except (pypdf.errors.PdfReadError, ValueError):
            pass
    for match in _STREAM.finditer(blob):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return parts


def findings(name: str, blob: bytes) -> list[str]:
    found = []
    for part in expanded(blob):
        low = part.lower()
        for needle in NEEDLES:
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                if needle.lower().encode(encoding) in low:
                    found.append(f"{needle!r} ({encoding}) in {name}")
    return found


@pytest.fixture
def backend(make_backend: BackendFactory, certificate_source: Path, tmp_path: Path) -> Backend:
    install_certificate(certificate_source, tmp_path / "data")
    return make_backend(tmp_path / "data")


def full_intake_with_packet(backend: Backend) -> int:
    with unit_of_work(backend.db_factory) as db:
        patient = add_patient(
            db,
            backend.cipher,
            first_name=FIRST,
            last_name=LAST,
            dob=DOB,
            language="en",
            now=backend.now(),
            phone=PHONE,
            chart_number=CHART,
        )
        starts = dt.datetime.combine(backend.local_now().date(), dt.time(9, 0)).astimezone()
        appointment = Appointment(
            patient_id=patient.id, starts_at=starts, visit_type="im_ketamine", status="scheduled", created_at=starts
        )
        db.add(appointment)
        db.flush()
        appointment_id = appointment.id
    form = backend.forms.get("checklist_im_ketamine")
    typed = {item.id: TYPED for item in form.all_items() if item.type is ItemType.TEXT}
    assert typed, "the checklist has a typed-text question to scan for"
    # PHQ-9 item 9 answered positive, so a crisis flag is raised and stored.
    intake_id = visit(backend, appointment_id, name=f"{FIRST} {LAST}", phq=(1, 1, 1, 1, 1, 1, 1, 1, 2), checklist=typed)
    PacketMaker(backend).make(intake_id)
    return intake_id


def test_no_phi_in_any_byte_of_the_data_folder(backend: Backend) -> None:
    intake_id = full_intake_with_packet(backend)
    packet = PacketMaker(backend).packet_bytes(intake_id, actor="test")
    # The scan would find these, so it can fail: the packet itself holds all of them.
    assert findings("the decrypted packet", packet)
    assert any("Zolpidemexample" in finding for finding in findings("the decrypted packet", packet))

    data_dir = backend.data_dir
    found: list[str] = []
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert any(path.name.endswith("-wal") for path in files), "scanned while the WAL still holds the writes"
    for path in files:
        found += findings(str(path.relative_to(data_dir)), path.read_bytes())
    with sqlite3.connect(f"file:{data_dir / SQLITE_FILE_NAME}?mode=ro", uri=True) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        cells = 0
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                for column, value in enumerate(row):
                    cells += 1
                    blob = value if isinstance(value, bytes) else str(value).encode("utf-8")
                    found += findings(f"{table} column {column}", blob)
    assert cells > 300
    assert found == []


def test_the_data_folder_and_its_files_are_private(backend: Backend) -> None:
    full_intake_with_packet(backend)
    data_dir = backend.data_dir
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    for path in data_dir.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_dir():
            assert mode == 0o700, path
        else:
            assert mode == 0o600, path
    assert {"kiosk.sqlite3", "kiosk.sqlite3-wal", "kiosk.sqlite3-shm"} <= {p.name for p in data_dir.iterdir()}
