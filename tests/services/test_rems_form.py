"""The REMS Patient Monitoring Form: made only from a complete Spravato session, every field CLINICAL.md lists
read back from the signed PDF field by field (pypdf), the signature checked by the kiosk and by poppler's pdfsig."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select

from kiosk.documents.certificates import clinic_root_certificate
from kiosk.documents.verification import verify_pdf
from kiosk.services.backend import Backend
from kiosk.services.demo_sessions import seed_demo_session
from kiosk.services.dosing import DosingError, mark_rems_submitted, open_session, record_value, session_view
from kiosk.services.rems_form import make_rems_form, rems_due_words
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry
from tests.services.conftest import BackendFactory, FakeClock
from tests.services.test_dosing import NURSE, checked_in
from tests.services.test_packets import install_certificate, make_certificate_source


@pytest.fixture(scope="module")
def certificate_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_certificate_source(tmp_path_factory)


@pytest.fixture
def backend(make_backend: BackendFactory, certificate_source: Path, tmp_path: Path) -> Backend:
    install_certificate(certificate_source, tmp_path / "data")
    return make_backend(tmp_path / "data")


def yesterday(clock: FakeClock) -> dt.date:
    return clock.now.astimezone().date() - dt.timedelta(days=1)


def completed_session(backend: Backend, clock: FakeClock, visit_type: str = "spravato") -> int:
    """A patient checked in yesterday at 08:00, the session recorded 09:10-11:21, as the demo records it (SYNTHETIC
    values); the clock is back at today 08:00 afterwards."""
    day = yesterday(clock)
    clock.advance(days=-1)
    intake_id = checked_in(backend, visit_type)
    clock.advance(days=1)
    session_id = seed_demo_session(backend, NURSE, intake_id, day, visit_type)
    assert session_id is not None
    return session_id


EXPECTED_FIELDS = {
    "patient_first_name": "Sam",
    "patient_middle_initial": "",
    "patient_last_name": "Taylor",
    "patient_date_of_birth": "07/02/1979",
    "patient_sex": "Female",
    "first_treatment": "No",
    "rems_enrolled": "Yes",
    "med_benzodiazepines": "No",
    "med_sedative_hypnotics": "No",
    "med_psychostimulants": "No",
    "med_maois": "No",
    "med_opioids": "No",
    "provider_name": "Dr. Alex Rivera (demo)",
    "provider_phone": "(555) 010-0199",
    "provider_email": "rivera.demo@example.org",
    "setting_name": "Riverside Ketamine Clinic (demo)",
    "setting_address": "100 Example Street, Springfield",
    "dose": "84 mg",
    "lot_number": "DEMO-LOT-84A (synthetic)",
    "total_monitoring_minutes": "125",
    "ready_to_leave_minutes": "75",
    "vitals_acceptable_before": "Yes",
    "vitals_acceptable_end": "Yes",
    "bp_before_dosing": "132/84 mmHg",
    "bp_40_minutes": "146/92 mmHg",
    "bp_end": "128/82 mmHg",
    "sedation": "Yes",
    "dissociation": "Yes",
    "respiratory_depression": "No",
}


def test_the_signed_rems_form_holds_every_field(backend: Backend, clock: FakeClock, tmp_path: Path) -> None:
    session_id = completed_session(backend, clock)
    pdf = make_rems_form(backend, NURSE, session_id)
    reader = pypdf.PdfReader(BytesIO(pdf))
    fields = {name: str(value) if value is not None else "" for name, value in reader.get_form_text_fields().items()}
    assert fields == {**EXPECTED_FIELDS, "treatment_date": f"{yesterday(clock):%m/%d/%Y}"}
    assert reader.metadata is not None
    assert reader.metadata.title == "Spravato REMS Patient Monitoring Form"
    text = " ".join(page.extract_text() for page in reader.pages)
    for label in ("Monoamine oxidase inhibitors (MAOIs)", "Total minutes, first device to end of monitoring"):
        assert label in " ".join(text.split())
    for name in fields:
        assert reader.get_fields() is not None
        flags = int(reader.get_fields()[name].get("/Ff", 0))
        assert flags & 1, f"{name} is not read-only"
    report = verify_pdf(pdf, trust_roots=[clinic_root_certificate(backend.data_dir)])
    assert report.intact and report.signer_verified and not report.modified_after_signing
    with unit_of_work(backend.db_factory) as db:
        audit = db.scalars(select(AuditEntry.detail).where(AuditEntry.action == "session.rems_form")).one()
    assert audit.startswith(f"session {session_id}: REMS form")
    path = tmp_path / "rems.pdf"
    path.write_bytes(pdf)
    pdfsig = shutil.which("pdfsig")
    assert pdfsig is not None, "poppler-utils (pdfsig) is part of the test services"
    checked = subprocess.run([pdfsig, str(path)], capture_output=True, text=True, check=False)
    assert "Signature Validation: Signature is Valid." in checked.stdout
    assert "Total document signed" in checked.stdout
    tampered = pdf.replace(b"DEMO-LOT-84A", b"DEMO-LOT-99Z")
    assert tampered != pdf
    assert not verify_pdf(tampered).intact


def test_a_short_session_prints_its_reason(backend: Backend, clock: FakeClock) -> None:
    session_id = completed_session(backend, clock)
    record_value(
        backend, NURSE, session_id, "discharge_time", "11:00", reason="left against advice after prescriber review"
    )
    reader = pypdf.PdfReader(BytesIO(make_rems_form(backend, NURSE, session_id)))
    fields = reader.get_form_text_fields()
    assert fields["total_monitoring_minutes"] == "105"
    assert fields["short_monitoring_reason"] == "left against advice after prescriber review"


def test_an_incomplete_session_says_what_the_form_still_needs(backend: Backend) -> None:
    session_id = open_session(backend, NURSE, checked_in(backend))
    record_value(backend, NURSE, session_id, "lot_number", "L-1")
    with pytest.raises(DosingError) as refused:
        make_rems_form(backend, NURSE, session_id)
    message = str(refused.value)
    assert message.startswith(f"The REMS form of session {session_id} still needs: patient's sex, ")
    assert "lot number" not in message
    assert message.endswith("the reading about 40 minutes after dosing, the reading before discharge.")


def test_an_im_ketamine_session_has_no_rems_form(backend: Backend, clock: FakeClock) -> None:
    session_id = completed_session(backend, clock, "im_ketamine")
    with pytest.raises(DosingError, match=r"^Session \d+ \(IM ketamine session\) has no REMS form"):
        make_rems_form(backend, NURSE, session_id)


def test_due_submitted_and_overdue_in_words(backend: Backend, clock: FakeClock) -> None:
    session_id = completed_session(backend, clock)
    day = yesterday(clock)
    view = session_view(backend, NURSE, session_id)
    assert rems_due_words(view, day) == f"due {day + dt.timedelta(days=7):%m/%d/%Y}"
    assert rems_due_words(view, day + dt.timedelta(days=8)) == f"overdue since {day + dt.timedelta(days=7):%m/%d/%Y}"
    view = mark_rems_submitted(backend, NURSE, session_id, day + dt.timedelta(days=1), "REMS-000123")
    assert rems_due_words(view, day + dt.timedelta(days=30)) == (
        f"submitted on {day + dt.timedelta(days=1):%m/%d/%Y} by nurse-kim (confirmation REMS-000123)"
    )
