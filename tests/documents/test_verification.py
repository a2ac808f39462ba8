"""Verifying signed packets: intact, tampered, unsigned, not a PDF, trusted or not, and poppler agrees."""

from __future__ import annotations

import subprocess
from io import BytesIO
from pathlib import Path

from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from kiosk.documents.certificates import clinic_root_certificate, ensure_clinic_certificate
from kiosk.documents.verification import VerificationReport, verify_pdf
from tests.documents.conftest import CLINIC_NAME, ClinicIdentity
from tests.documents.sample import SAMPLE_CLOCK_TIME


def clinic_root(clinic: ClinicIdentity) -> x509.Certificate:
    root = clinic_root_certificate(clinic.data_dir)
    assert root is not None
    return root


def test_a_signed_packet_is_intact(signed_sample_pdf: bytes) -> None:
    report = verify_pdf(signed_sample_pdf)
    assert report == VerificationReport(
        intact=True,
        signer_common_name=CLINIC_NAME,
        signing_time=SAMPLE_CLOCK_TIME,
        modified_after_signing=False,
        issuer_trusted=None,
        problem=None,
    )
    assert "not checked against the clinic's root certificate" in report.describe()
    assert report.describe().startswith("Signature intact, signer not verified: ")
    assert not report.signer_verified


def test_a_self_made_certificate_with_the_clinics_name_is_never_verified(
    sample_pdf: bytes, clinic: ClinicIdentity, tmp_path: Path
) -> None:
    """The forgery of issue #10: anyone can make a certificate that says the clinic's name."""
    from kiosk.documents.certificates import load_signer
    from kiosk.documents.signing import sign_pdf

    forged_p12 = ensure_clinic_certificate(tmp_path, CLINIC_NAME)
    forger = load_signer(forged_p12, forged_p12.with_name("clinic-signing.passphrase"))
    forged = sign_pdf(sample_pdf, forger, when=SAMPLE_CLOCK_TIME)
    alone = verify_pdf(forged)
    assert alone.intact and alone.signer_common_name == CLINIC_NAME
    assert not alone.signer_verified
    assert alone.describe().startswith(
        f"Signature intact, signer not verified: signed by a certificate named {CLINIC_NAME}"
    )
    checked = verify_pdf(forged, trust_roots=[clinic_root(clinic)])
    assert not checked.intact and not checked.signer_verified and checked.issuer_trusted is False


def test_the_clinic_root_vouches_for_its_packets(signed_sample_pdf: bytes, clinic: ClinicIdentity) -> None:
    report = verify_pdf(signed_sample_pdf, trust_roots=[clinic_root(clinic)])
    assert report.intact and report.issuer_trusted is True and report.signer_verified
    assert report.describe() == (
        f"Intact: signed by {CLINIC_NAME} on {SAMPLE_CLOCK_TIME.isoformat(sep=' ')}, and not changed since."
    )


def test_another_clinics_root_does_not(signed_sample_pdf: bytes, tmp_path: Path) -> None:
    ensure_clinic_certificate(tmp_path, "Some Other Clinic")
    other_root = clinic_root_certificate(tmp_path)
    assert other_root is not None
    report = verify_pdf(signed_sample_pdf, trust_roots=[other_root])
    assert not report.intact
    assert report.issuer_trusted is False
    assert not report.modified_after_signing
    assert report.problem is not None and "was not issued by this clinic's certificate authority" in report.problem


def test_flipping_one_byte_inside_the_signed_range_is_detected(signed_sample_pdf: bytes) -> None:
    # A byte inside the first content stream: the file still parses, only the signed digest changes.
    position = signed_sample_pdf.index(b"stream\n", 200) + 50
    tampered = bytearray(signed_sample_pdf)
    tampered[position] ^= 0x01
    report = verify_pdf(bytes(tampered))
    assert not report.intact
    assert report.modified_after_signing
    assert report.signer_common_name == CLINIC_NAME
    assert report.problem == (
        "The document was changed after it was signed: its content no longer matches the signature."
    )


def test_changes_appended_after_signing_are_detected(signed_sample_pdf: bytes) -> None:
    writer = IncrementalPdfFileWriter(BytesIO(signed_sample_pdf))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    appended = BytesIO()
    writer.write(appended)
    report = verify_pdf(appended.getvalue())
    assert not report.intact
    assert report.modified_after_signing
    assert report.problem is not None and "added to the file after it was signed" in report.problem


def test_an_unsigned_pdf_fails(sample_pdf: bytes) -> None:
    report = verify_pdf(sample_pdf)
    assert not report.intact
    assert report.problem == (
        "The document has no digital signature: it was never signed, or the signature was removed."
    )
    assert report.describe().startswith("Not intact: The document has no digital signature")


def test_bytes_that_are_not_a_pdf_get_a_clear_message() -> None:
    report = verify_pdf(b"\x89PNG\r\n\x1a\n not a pdf")
    assert not report.intact
    assert report.problem == "This file is not a PDF document, so it cannot carry a PDF signature."


def test_a_damaged_pdf_gets_a_clear_message() -> None:
    report = verify_pdf(b"%PDF-1.7\nthis is where the objects should be")
    assert not report.intact
    assert report.problem == "The PDF file is damaged and cannot be read, so its signature cannot be checked."


def test_poppler_pdfsig_accepts_the_signature(signed_sample_pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_sample_pdf)
    result = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, check=False, env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"}
    )
    assert "Signature is Valid." in result.stdout, result.stdout + result.stderr
    assert "Certificate issuer isn't Trusted." in result.stdout
    assert f"Signer Certificate Common Name: {CLINIC_NAME}" in result.stdout
    assert "Total document signed" in result.stdout
    assert "ETSI.CAdES.detached" in result.stdout
