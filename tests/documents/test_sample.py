"""The synthetic demo packet used for looking at the layout and for benchmarks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kiosk.documents.verification import verify_pdf
from kiosk.resources import forms_dir
from tests.documents.conftest import ClinicIdentity
from tests.documents.sample import sample_packet_data, signed_sample_packet


@pytest.mark.parametrize("language", ["en", "es"])
def test_sample_has_every_part_the_packet_can_show(language: str) -> None:
    data = sample_packet_data(language)  # type: ignore[arg-type]
    assert data.language == language
    assert len(data.consents) == 2
    assert all(len(consent.text) > 2000 for consent in data.consents), "real-length consent texts"
    assert [len(page.items) for page in data.questionnaires] == [10, 8], "PHQ-9 and GAD-7, each with difficulty"
    assert all(line.answer is not None for page in data.questionnaires for line in page.items)
    assert {flag.level for flag in data.flags} == {"urgent", "hold", "info"}
    assert data.checklist is not None and any(line.hold for line in data.checklist.lines)
    assert data.consents[0].strokes and data.consents[0].signature_png is None
    assert data.consents[1].signature_png is not None


def test_sample_is_deterministic() -> None:
    assert sample_packet_data("en") == sample_packet_data("en")


def test_missing_consent_files_are_replaced_by_long_synthetic_text(tmp_path: Path) -> None:
    for name in ("phq9.yaml", "gad7.yaml", "checklist_im_ketamine.yaml"):
        shutil.copy(forms_dir() / name, tmp_path / name)
    data = sample_packet_data("en", forms_directory=tmp_path)
    assert all("About this sample" in consent.text and len(consent.text) > 2000 for consent in data.consents)


def test_missing_instruments_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"phq9\.yaml"):
        sample_packet_data("en", forms_directory=tmp_path)


def test_signed_sample_packet_verifies(clinic: ClinicIdentity) -> None:
    report = verify_pdf(signed_sample_packet(sample_packet_data("es"), clinic.signer))
    assert report.intact, report.problem
