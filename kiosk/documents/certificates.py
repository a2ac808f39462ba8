"""The clinic's signing certificate: created on first use, loaded for signing packets.

A clinic that has no certificate of its own gets one made on this machine: a clinic root CA
and a signing certificate issued by it, saved together as a PKCS#12 file. The root's private
key is discarded once the signing certificate is issued, so a stolen tablet cannot mint more
certificates; the root certificate itself is kept (clinic-root.pem) so that verification can
be pinned to this clinic (``verify_pdf(..., trust_roots=[...])``).

The PKCS#12 is protected by a random passphrase stored beside it in a file only the kiosk's
user may read (mode 0600). That protects the key as much as the file system does, no more: a
waiting-room tablet has no operator to type a passphrase when a packet is signed at night or
right after a restart. A clinic that installs a real certificate (from its own CA or a
commercial one) names its .p12 and passphrase file in the settings and load_signer() uses those.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1, translate_pyca_cryptography_key_to_asn1
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

log = logging.getLogger(__name__)

CERTIFICATES_DIR = "certificates"
P12_NAME = "clinic-signing.p12"
PASSPHRASE_NAME = "clinic-signing.passphrase"
ROOT_PEM_NAME = "clinic-root.pem"

KEY_BITS = 3072
"""RSA size for both keys: accepted by every PDF reader, and NIST's advice for use beyond 2030."""
ROOT_VALIDITY = timedelta(days=365 * 25)
SIGNING_VALIDITY = timedelta(days=365 * 10)


class CertificateError(Exception):
    """The clinic's certificate could not be made or loaded; the message says what to do."""


@dataclass(frozen=True)
class ClinicSigner:
    """A loaded signing identity: pyHanko's signer plus what the packet stamp and logs show of it."""

    signer: SimpleSigner
    common_name: str
    """Common name of the signing certificate; the stamp says "Digitally signed by <this>"."""
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]
    """The other certificates in the PKCS#12 (the clinic root for a generated certificate)."""


class _LoadedKeySigner(SimpleSigner):
    """pyHanko's SimpleSigner re-parses the private key for every signature, which for RSA runs
    OpenSSL's full key check (about 80 ms for 3072 bits). This keeps the parsed key instead."""

    def __init__(self, *, private_key: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        key = self._private_key
        if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
            return key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        result: bytes = super().sign_raw(data, digest_algorithm)
        return result


def _name(common_name: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]),
        ]
    )


def _issue_certificates(
    clinic_name: str, now: datetime
) -> tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate]:
    """A fresh root CA and a signing certificate issued by it; returns (signing key, signing cert, root cert)."""
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    root_name = _name(f"{clinic_name} Root CA", clinic_name)
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    root_cert = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(root_ski, critical=False)
        .sign(root_key, hashes.SHA256())
    )
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    signing_cert = (
        x509.CertificateBuilder()
        .subject_name(_name(clinic_name, clinic_name))
        .issuer_name(root_name)
        .public_key(signing_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + SIGNING_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(signing_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return signing_key, signing_cert, root_cert


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` readable by the owner only, atomically (a crash leaves no half-written file)."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def ensure_clinic_certificate(data_dir: Path, clinic_name: str, *, now: datetime | None = None) -> Path:
    """Path of the clinic's signing PKCS#12 in ``data_dir/certificates/``, created first if absent.

    Creating writes three files: clinic-signing.p12 (signing key and certificate, plus the root
    certificate), clinic-signing.passphrase (0600) and clinic-root.pem (public, for verifying).
    An existing certificate is never replaced.
    """
    if not clinic_name.strip():
        raise CertificateError("The clinic name is empty; set it in the settings before creating a certificate.")
    directory = data_dir / CERTIFICATES_DIR
    p12_path = directory / P12_NAME
    passphrase_path = directory / PASSPHRASE_NAME
    if p12_path.exists():
        if not passphrase_path.exists():
            raise CertificateError(
                f"The signing certificate {p12_path} exists but its passphrase file {passphrase_path} is "
                "missing. Restore the file from a backup, or move the certificate away to make a new one."
            )
        return p12_path
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    moment = now or datetime.now(UTC)
    signing_key, signing_cert, root_cert = _issue_certificates(clinic_name.strip(), moment)
    passphrase = secrets.token_urlsafe(32)
    bundle = pkcs12.serialize_key_and_certificates(
        name=clinic_name.strip().encode("utf-8"),
        key=signing_key,
        cert=signing_cert,
        cas=[root_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode("ascii")),
    )
    # The passphrase goes first: a crash in between leaves a passphrase without a certificate,
    # which the next start overwrites, never a certificate nobody can open.
    _write_private(passphrase_path, passphrase.encode("ascii") + b"\n")
    _write_private(p12_path, bundle)
    (directory / ROOT_PEM_NAME).write_bytes(root_cert.public_bytes(serialization.Encoding.PEM))
    log.info("created the clinic signing certificate %s for %r", p12_path, clinic_name)
    return p12_path


def clinic_root_certificate(data_dir: Path) -> x509.Certificate | None:
    """The generated clinic root (to pass to verify_pdf as a trust root), or None if there is none."""
    path = data_dir / CERTIFICATES_DIR / ROOT_PEM_NAME
    if not path.exists():
        return None
    return x509.load_pem_x509_certificate(path.read_bytes())


def load_signer(p12_path: Path, passphrase_path: Path) -> ClinicSigner:
    """Load the signing identity from a PKCS#12 file and the file holding its passphrase."""
    try:
        bundle = p12_path.read_bytes()
    except OSError as error:
        raise CertificateError(
            f"Cannot read the signing certificate {p12_path} ({error.strerror}). "
            "Check the certificate path in the settings."
        ) from error
    try:
        passphrase = passphrase_path.read_bytes().rstrip(b"\r\n")
    except OSError as error:
        raise CertificateError(
            f"Cannot read the certificate passphrase file {passphrase_path} ({error.strerror}). "
            "Check the passphrase file path in the settings."
        ) from error
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(bundle, passphrase or None)
    except ValueError as error:
        log.warning("could not open %s: %s", p12_path, error)
        raise CertificateError(
            f"The signing certificate {p12_path} could not be opened: the passphrase in {passphrase_path} is "
            "wrong or the file is not a PKCS#12 (.p12/.pfx) certificate."
        ) from error
    if key is None or certificate is None:
        raise CertificateError(
            f"The certificate file {p12_path} holds no private key and certificate pair; "
            "export the certificate again including its private key."
        )
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise CertificateError(
            f"The certificate in {p12_path} uses a {type(key).__name__} key; use an RSA or ECDSA certificate."
        )
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = str(names[0].value) if names else certificate.subject.rfc4514_string()
    chain_asn1 = [translate_pyca_cryptography_cert_to_asn1(extra) for extra in chain]
    registry = SimpleCertificateStore.from_certs(chain_asn1)  # type: ignore[no-untyped-call]
    signer = _LoadedKeySigner(
        private_key=key,
        signing_key=translate_pyca_cryptography_key_to_asn1(key),
        signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
        cert_registry=registry,
    )
    return ClinicSigner(signer=signer, common_name=common_name, certificate=certificate, chain=tuple(chain))
