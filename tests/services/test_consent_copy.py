"""The front desk's consent-only copy: cover and signed consents, nothing clinical, signed; the clinical
packet stays a clinician's."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pypdf
import pytest

from kiosk.documents.certificates import clinic_root_certificate
from kiosk.documents.verification import verify_pdf
from kiosk.services.backend import Backend
from kiosk.services.consent_copy import consent_copy_pdf
from kiosk.services.packets import PacketMaker
from kiosk.store.models import StaffRole
from tests.services.conftest import BackendFactory
from tests.services.test_flag_answers import audit, checked_in, person
from tests.services.test_packets import install_certificate, make_certificate_source


@pytest.fixture(scope="module")
def certificate_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_certificate_source(tmp_path_factory)


@pytest.fixture
def backend(make_backend: BackendFactory, certificate_source: Path, tmp_path: Path) -> Backend:
    install_certificate(certificate_source, tmp_path / "data")
    return make_backend(tmp_path / "data")


def page_texts(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pypdf.PdfReader(BytesIO(pdf)).pages]


def test_front_desk_gets_the_cover_and_signed_consents_and_nothing_clinical(backend: Backend) -> None:
    desk = person(backend, "desk", "Front Desk", StaffRole.FRONT_DESK)
    intake_id = checked_in(backend, item9=2, ride_home="no")
    maker = PacketMaker(backend)
    copy = consent_copy_pdf(backend, maker, desk, intake_id)
    clinical = maker.packet_bytes(intake_id, actor="test")

    pages = page_texts(copy)
    cover = pages[0]
    assert "consent copy" in cover and "Clinical pages withheld" in cover
    assert "Sam Taylor" in cover and "IM ketamine session" in cover
    full = page_texts(clinical)
    consent_pages = len(full) - len(pages)
    assert consent_pages > 0 and len(pages) > 1  # the consents are there, the clinical pages are not
    everything = " ".join(pages)
    clinical_words = ("PHQ-9", "GAD-7", "URGENT", "HOLD:", "better off dead", "No ride home arranged", "Total")
    for word in clinical_words:
        assert word not in everything, word
        assert word in " ".join(full), word  # the same words are in the clinical packet: a positive control
    report = verify_pdf(copy, trust_roots=[clinic_root_certificate(backend.data_dir)])
    assert report.signer_verified, report.describe()
    assert [entry.actor for entry in audit(backend, "packet.consent_copy")] == ["desk"]
