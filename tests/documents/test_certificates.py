"""The clinic certificate made on first use, and loading a signer from a PKCS#12."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12

from kiosk.documents.certificates import (
    CertificateError,
    clinic_root_certificate,
    ensure_clinic_certificate,
    load_signer,
)
from tests.documents.conftest import CLINIC_NAME, ClinicIdentity


def test_first_use_creates_certificate_passphrase_and_root(clinic: ClinicIdentity) -> None:
    directory = clinic.data_dir / "certificates"
    assert clinic.p12_path == directory / "clinic-signing.p12"
    assert stat.S_IMODE(os.stat(clinic.passphrase_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(clinic.p12_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    root = clinic_root_certificate(clinic.data_dir)
    assert root is not None
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_an_existing_certificate_is_kept(clinic: ClinicIdentity) -> None:
    before = clinic.p12_path.read_bytes()
    assert ensure_clinic_certificate(clinic.data_dir, "Another Name") == clinic.p12_path
    assert clinic.p12_path.read_bytes() == before


def test_signer_names_the_clinic_and_chains_to_the_root(clinic: ClinicIdentity) -> None:
    signer = clinic.signer
    assert signer.common_name == CLINIC_NAME
    root = clinic_root_certificate(clinic.data_dir)
    assert root is not None
    assert signer.chain == (root,)
    signer.certificate.verify_directly_issued_by(root)
    usage = signer.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert signer.certificate.not_valid_before_utc <= datetime.now(UTC) <= signer.certificate.not_valid_after_utc


def test_the_root_private_key_is_not_kept(clinic: ClinicIdentity) -> None:
    passphrase = clinic.passphrase_path.read_bytes().strip()
    key, certificate, others = pkcs12.load_key_and_certificates(clinic.p12_path.read_bytes(), passphrase)
    assert key is not None and certificate is not None
    assert len(others) == 1
    for path in (clinic.data_dir / "certificates").iterdir():
        assert b"PRIVATE KEY" not in path.read_bytes()


def test_wrong_passphrase_says_what_to_check(clinic: ClinicIdentity, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.passphrase"
    wrong.write_text("not-it\n")
    with pytest.raises(CertificateError, match=r"passphrase .* is wrong"):
        load_signer(clinic.p12_path, wrong)


def test_missing_files_are_named(tmp_path: Path, clinic: ClinicIdentity) -> None:
    with pytest.raises(CertificateError, match="Cannot read the signing certificate"):
        load_signer(tmp_path / "missing.p12", clinic.passphrase_path)
    with pytest.raises(CertificateError, match="Cannot read the certificate passphrase file"):
        load_signer(clinic.p12_path, tmp_path / "missing.passphrase")


def test_certificate_without_its_passphrase_file_is_reported(tmp_path: Path) -> None:
    p12 = ensure_clinic_certificate(tmp_path, "Small Clinic")
    p12.with_name("clinic-signing.passphrase").unlink()
    with pytest.raises(CertificateError, match=r"passphrase file .* is missing"):
        ensure_clinic_certificate(tmp_path, "Small Clinic")


def test_empty_clinic_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match="clinic name is empty"):
        ensure_clinic_certificate(tmp_path, "  ")


def test_an_installed_ecdsa_certificate_can_sign(tmp_path: Path) -> None:
    """A clinic may install a certificate of its own; an ECDSA one works like the generated RSA one."""
    from datetime import timedelta

    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bought Certificate Clinic")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    p12 = tmp_path / "bought.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"bought", key, certificate, None, serialization.BestAvailableEncryption(b"secret")
        )
    )
    (tmp_path / "bought.pass").write_text("secret\n")
    signer = load_signer(p12, tmp_path / "bought.pass")
    assert signer.common_name == "Bought Certificate Clinic"

    from kiosk.documents.render import render_packet
    from kiosk.documents.signing import sign_pdf
    from kiosk.documents.verification import verify_pdf
    from tests.documents.conftest import CLOCK_TIME, fixed_clock, small_packet

    signed = sign_pdf(render_packet(small_packet(), clock=fixed_clock), signer, when=CLOCK_TIME)
    report = verify_pdf(signed, trust_roots=[certificate])
    assert report.intact and report.issuer_trusted, report.problem
