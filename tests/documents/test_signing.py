"""Signing packets: PAdES B-B, incremental, with the visible stamp in the cover's corner."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

import pypdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from kiosk.documents.render import SIGNATURE_STAMP_BOX
from kiosk.documents.signing import SIGNATURE_FIELD, SigningError, render_signature_stamp, sign_pdf
from tests.documents.conftest import CLINIC_NAME, CLOCK_TIME, ClinicIdentity
from tests.documents.sample import SAMPLE_CLOCK_TIME


def test_signing_appends_to_the_original_bytes(sample_pdf: bytes, signed_sample_pdf: bytes) -> None:
    assert signed_sample_pdf.startswith(sample_pdf)
    assert len(signed_sample_pdf) > len(sample_pdf)


def test_signature_is_pades_and_covers_the_whole_file(signed_sample_pdf: bytes) -> None:
    reader = PdfFileReader(BytesIO(signed_sample_pdf))
    (signature,) = reader.embedded_regular_signatures
    assert signature.field_name == SIGNATURE_FIELD
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.self_reported_timestamp == SAMPLE_CLOCK_TIME
    start, length, second_start, second_length = signature.sig_object["/ByteRange"]
    assert start == 0
    assert start + length < second_start, "only the signature itself is left out"
    assert second_start + second_length == len(signed_sample_pdf)
    assert signature.signer_cert.subject.native["common_name"] == CLINIC_NAME


def test_the_visible_stamp_sits_in_the_box_the_cover_leaves_free(signed_sample_pdf: bytes) -> None:
    page = pypdf.PdfReader(BytesIO(signed_sample_pdf)).pages[0]
    widgets = [annotation.get_object() for annotation in page["/Annots"]]  # type: ignore[union-attr]
    (widget,) = [widget for widget in widgets if widget.get("/FT") == "/Sig"]
    assert [round(float(value)) for value in widget["/Rect"]] == list(SIGNATURE_STAMP_BOX)
    assert "/AP" in widget, "the signature has a visible appearance"


def test_stamp_names_the_clinic_and_time_in_the_packet_language() -> None:
    stamp = render_signature_stamp(CLINIC_NAME, CLOCK_TIME, "es")
    text = pypdf.PdfReader(BytesIO(stamp)).pages[0].extract_text()
    assert "Firmado digitalmente por" in text
    assert CLINIC_NAME in text
    assert "9 feb 2026, 14:30:15 (UTC-05:00)" in text


def test_signing_time_must_be_timezone_aware(sample_pdf: bytes, clinic: ClinicIdentity) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign_pdf(sample_pdf, clinic.signer, when=datetime(2026, 1, 1, 9, 0))


def test_bytes_that_are_not_a_pdf_cannot_be_signed(clinic: ClinicIdentity) -> None:
    with pytest.raises(SigningError, match="could not be processed"):
        sign_pdf(b"this is not a PDF at all", clinic.signer, when=CLOCK_TIME)
