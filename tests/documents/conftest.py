"""Fixtures shared by the document tests: a clinic certificate, packet data and rendered packets.

Making a certificate (two RSA keys) and rendering the sample packet take a noticeable fraction of
a second, so they are made once per test session; every test treats them as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kiosk.documents.certificates import ClinicSigner, ensure_clinic_certificate, load_signer
from kiosk.documents.packet_data import (
    AnswerLine,
    ChecklistLine,
    ChecklistPage,
    ClinicInfo,
    ConsentPage,
    FlagLine,
    FollowUp,
    PacketData,
    PatientInfo,
    QuestionnairePage,
    ScoreSummary,
    VisitInfo,
)
from kiosk.documents.render import render_packet
from kiosk.domain.forms import text_sha256
from tests.documents.sample import SAMPLE_CLOCK_TIME, sample_clock, sample_packet_data

EASTERN = timezone(timedelta(hours=-5))
CLOCK_TIME = datetime(2026, 2, 9, 14, 30, 15, tzinfo=EASTERN)
CLINIC_NAME = "Clínica Ñandú Wellness"


def fixed_clock() -> datetime:
    return CLOCK_TIME


@dataclass(frozen=True)
class ClinicIdentity:
    data_dir: Path
    p12_path: Path
    passphrase_path: Path
    signer: ClinicSigner


@pytest.fixture(scope="session")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> ClinicIdentity:
    data_dir = tmp_path_factory.mktemp("clinic-data")
    p12_path = ensure_clinic_certificate(data_dir, CLINIC_NAME)
    passphrase_path = p12_path.with_name("clinic-signing.passphrase")
    return ClinicIdentity(data_dir, p12_path, passphrase_path, load_signer(p12_path, passphrase_path))


def consent_page(text: str, *, title: str = "Consent for treatment", **overrides: object) -> ConsentPage:
    values: dict[str, object] = {
        "title": title,
        "version": "2.1.0",
        "language": "English",
        "text": text,
        "text_sha256": text_sha256(text),
        "reading_started_at": CLOCK_TIME - timedelta(minutes=20),
        "signed_at": CLOCK_TIME - timedelta(minutes=15, seconds=3),
        "typed_name": "Jordan Example",
        "strokes": (((10.0, 10.0), (40.0, 30.0), (80.0, 12.0)), ((90.0, 20.0),)),
    }
    values.update(overrides)
    return ConsentPage(**values)


def small_packet(**overrides: object) -> PacketData:
    """A short packet with one of everything, for tests that look at one part of the layout."""
    values: dict[str, object] = {
        "language": "en",
        "clinic": ClinicInfo(name=CLINIC_NAME, phone="(555) 010-2030"),
        "patient": PatientInfo(name="Jordan Example", date_of_birth=date(1990, 4, 2)),
        "visit": VisitInfo(
            visit_type="IM ketamine session 1",
            scheduled_at=CLOCK_TIME - timedelta(minutes=5),
            submitted_at=CLOCK_TIME - timedelta(minutes=2),
            reference="INT-42",
        ),
        "scores": (ScoreSummary("PHQ-9", 12, "Moderate", 27, -6, -2),),
        "flags": (FlagLine("hold", "No ride home arranged: see staff before dosing.", CLOCK_TIME),),
        "consents": (consent_page("## What it is\nA short consent.\n\nA second paragraph."),),
        "questionnaires": (
            QuestionnairePage(
                title="PHQ-9",
                items=(AnswerLine("1", "Little interest or pleasure in doing things", "Several days", 1),),
                total=12,
                band="Moderate",
                copyright="Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues.",
                max_total=27,
            ),
        ),
        "checklist": ChecklistPage(
            title="Before your session",
            lines=(
                ChecklistLine(
                    "Do you have a ride home arranged?",
                    "No",
                    hold=True,
                    hold_reason="No ride home arranged: see staff before dosing.",
                ),
                ChecklistLine(
                    "Any new medicine?",
                    "Yes",
                    follow_ups=(FollowUp("Which medicine?", "Sertraline 100 mg"),),
                ),
            ),
        ),
    }
    values.update(overrides)
    return PacketData(**values)


@pytest.fixture(scope="session")
def sample_data() -> PacketData:
    return sample_packet_data("en")


@pytest.fixture(scope="session")
def sample_pdf(sample_data: PacketData) -> bytes:
    return render_packet(sample_data, clock=sample_clock)


@pytest.fixture(scope="session")
def signed_sample_pdf(sample_pdf: bytes, clinic: ClinicIdentity) -> bytes:
    from kiosk.documents.signing import sign_pdf

    return sign_pdf(sample_pdf, clinic.signer, when=SAMPLE_CLOCK_TIME)
