"""The packet's input data refuses what would make a wrong or ambiguous record."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kiosk.documents.packet_data import ClinicInfo, FlagLine, PacketData, PatientInfo, VisitInfo
from tests.documents.conftest import CLOCK_TIME, consent_page


def test_consent_hash_must_match_its_text() -> None:
    page = consent_page("The text the patient saw.")
    assert len(page.text_sha256) == 64
    with pytest.raises(ValueError, match="does not match"):
        consent_page("The text the patient saw.", text_sha256="0" * 64)


def test_consent_hash_is_compared_case_insensitively() -> None:
    page = consent_page("Text.")
    assert consent_page("Text.", text_sha256=page.text_sha256.upper()).text == "Text."


def test_naive_times_are_refused() -> None:
    naive = datetime(2026, 1, 1, 9, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        VisitInfo("Session", scheduled_at=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        consent_page("Text.", signed_at=naive)


def test_flag_level_must_be_known() -> None:
    with pytest.raises(ValueError, match="urgent, hold or info"):
        FlagLine("critical", "x", CLOCK_TIME)  # type: ignore[arg-type]


def test_packet_language_is_english_or_spanish() -> None:
    with pytest.raises(ValueError, match="'en' or 'es'"):
        PacketData(
            language="fr",  # type: ignore[arg-type]
            clinic=ClinicInfo("Clinic", "1"),
            patient=PatientInfo("A B", date(1990, 1, 1)),
            visit=VisitInfo("Session", scheduled_at=CLOCK_TIME),
        )
