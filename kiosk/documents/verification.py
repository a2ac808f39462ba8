"""Checking a signed packet: is it the document the clinic signed, unchanged, and who signed it.

verify_pdf() never raises for a bad file: whatever it is given (a tampered packet, an unsigned
PDF, a photo renamed .pdf) it returns a report whose ``problem`` says in plain words what is
wrong. The ``kiosk verify`` command exits 0 only when the report is intact and the signer verified.

Nothing here touches the network: certificate paths are built from the certificates in the
file and the trust roots given, and revocation is not looked up (the clinic's own certificate
has no revocation service, and a packet must be checkable on an offline machine).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from cryptography import x509
from pyhanko.keys.internal import translate_pyca_cryptography_cert_to_asn1
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

log = logging.getLogger(__name__)

PDF_HEADER_WINDOW = 1024
"""PDF readers accept the %PDF- header anywhere in the first 1024 bytes (ISO 32000-2, annex)."""


@dataclass(frozen=True)
class VerificationReport:
    """The outcome of checking one PDF's signature, for a person and for the exit code.

    ``intact`` is True only when the file carries a signature that is mathematically valid,
    covers the whole file (nothing was added after signing) and, when trust roots were given,
    was made with a certificate issued under one of them. ``issuer_trusted`` is None when no
    trust roots were given: the signature can then be intact while nobody vouched for the signer.
    """

    intact: bool
    signer_common_name: str | None = None
    signing_time: datetime | None = None
    modified_after_signing: bool = False
    issuer_trusted: bool | None = None
    problem: str | None = None

    @property
    def signer_verified(self) -> bool:
        """Intact and issued under a trusted clinic root: the only outcome that proves who signed."""
        return self.intact and self.issuer_trusted is True

    def describe(self) -> str:
        """One paragraph for staff (and for ``kiosk verify``) saying what was found."""
        who = self.signer_common_name or "an unknown signer"
        when = f" on {self.signing_time.isoformat(sep=' ', timespec='seconds')}" if self.signing_time else ""
        if self.intact and self.issuer_trusted is None:
            # Anyone can make a certificate that carries the clinic's name: without the clinic's root
            # the name proves nothing, so this is never reported as plain "Intact" (issue #10).
            return (
                f"Signature intact, signer not verified: signed by a certificate named {who}{when}, and not "
                "changed since. The signer's certificate was not checked against the clinic's root certificate, "
                "so this does not prove which clinic signed it; check it with --root clinic-root.pem."
            )
        if self.intact:
            return f"Intact: signed by {who}{when}, and not changed since."
        if self.problem:
            return f"Not intact: {self.problem}"
        return "Not intact."


def _common_name(certificate: Any) -> str | None:
    try:
        subject = certificate.subject.native
    except (AttributeError, ValueError):
        return None
    name = subject.get("common_name")
    return str(name) if name else None


def _failure(problem: str, **known: Any) -> VerificationReport:
    return VerificationReport(intact=False, problem=problem, **known)


def verify_pdf(data: bytes, *, trust_roots: Sequence[x509.Certificate] | None = None) -> VerificationReport:
    """Check the digital signature(s) of a PDF given as bytes.

    ``trust_roots`` are the certificates the signer must chain up to, normally the clinic's own
    root (``certificates.clinic_root_certificate``). Without them the report says whether the file
    is unchanged since signing, with ``issuer_trusted=None``.
    """
    if b"%PDF-" not in data[:PDF_HEADER_WINDOW]:
        return _failure("This file is not a PDF document, so it cannot carry a PDF signature.")
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        signatures = reader.embedded_regular_signatures
    except Exception as error:  # pyHanko raises many types for a broken file; every one means "damaged"
        log.info("could not read PDF for verification: %r", error)
        return _failure("The PDF file is damaged and cannot be read, so its signature cannot be checked.")
    if not signatures:
        return _failure("The document has no digital signature: it was never signed, or the signature was removed.")

    given_roots = [translate_pyca_cryptography_cert_to_asn1(root) for root in trust_roots or ()]
    reports = [_verify_guarded(signature, given_roots, trust_roots is not None) for signature in signatures]
    failed = [report for report in reports if not report.intact]
    # The clinic signs once; if a file somehow carries several signatures, all must hold, and the
    # first failing one is the one to explain.
    return failed[0] if failed else reports[0]


def _verify_guarded(signature: Any, given_roots: list[Any], trust_checked: bool) -> VerificationReport:
    """Verify one signature; reading its embedded certificates can itself fail on a damaged file."""
    try:
        roots = given_roots if trust_checked else _embedded_roots(signature)
        return _verify_one(signature, roots, trust_checked=trust_checked)
    except Exception as error:  # damaged certificates raise ValueError, UnicodeDecodeError, pyHanko errors...
        log.info("signature could not be read: %r", error)
        return _failure("The signature in this file is damaged or of a kind that cannot be checked.")


def _embedded_roots(signature: Any) -> list[Any]:
    """Self-signed certificates the signature carries with it (a generated clinic root travels in the file).

    Used only when the caller names no trust roots, so that the certificate chain is still built
    and checked; the report then leaves ``issuer_trusted`` as None, because a root that comes
    inside the file vouches for nothing.
    """
    candidates = [getattr(signature, "signer_cert", None), *getattr(signature, "other_embedded_certs", [])]
    return [cert for cert in candidates if cert is not None and cert.self_signed in ("yes", "maybe")]


def _verify_one(signature: Any, roots: list[Any], *, trust_checked: bool) -> VerificationReport:
    signer_name = _common_name(getattr(signature, "signer_cert", None))
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(signature, context)
    except Exception as error:  # a structurally broken signature raises rather than reporting
        log.info("signature validation raised: %r", error)
        return _failure(
            "The signature in this file is damaged or of a kind that cannot be checked.",
            signer_common_name=signer_name,
        )
    known: dict[str, Any] = {
        "signer_common_name": signer_name,
        "signing_time": status.signer_reported_dt,
        "modified_after_signing": status.coverage != SignatureCoverageLevel.ENTIRE_FILE,
        "issuer_trusted": status.trusted if trust_checked else None,
    }
    if not status.intact:
        return _failure(
            "The document was changed after it was signed: its content no longer matches the signature.",
            **{**known, "modified_after_signing": True},
        )
    if not status.valid:
        return _failure(
            "The signature does not match the certificate it claims to be made with; it may be forged.", **known
        )
    if known["modified_after_signing"]:
        return _failure(
            "Changes were added to the file after it was signed, so what you see may not be what was signed.",
            **known,
        )
    if trust_checked and not status.trusted:
        return _failure(
            f"The signature is unchanged, but the certificate that made it ({signer_name or 'unknown'}) was not "
            "issued by this clinic's certificate authority.",
            **known,
        )
    return VerificationReport(intact=True, **known)
