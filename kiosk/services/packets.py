"""Consent packets of submitted intakes: rendered, signed and stored (what a packet says is
kiosk.services.packet_content).

The packet is rendered with the intake's submission time as its clock, so rendering the same records
again gives byte-identical unsigned PDF bytes; the signed file keeps those bytes as its first part
(a PDF signature is an incremental update) and only the signature after them differs.

Making a packet reads the records in one unit of work, renders and signs outside any transaction
(rendering takes a noticeable fraction of a second and must not hold the database's write lock),
then stores the signed PDF, its SHA-256 and the audit entry in one unit of work.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from io import BytesIO

from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select

from kiosk.documents.certificates import (
    PASSPHRASE_NAME,
    CertificateError,
    ClinicSigner,
    ensure_clinic_certificate,
    load_signer,
)
from kiosk.documents.render import render_packet
from kiosk.documents.signing import SignatureDetails, sign_pdf
from kiosk.services.backend import Backend
from kiosk.services.intake import KIOSK_ACTOR
from kiosk.services.packet_content import local_time, packet_data, packet_intake
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Intake

log = logging.getLogger(__name__)

_SIGNATURE_REASON = {
    "en": "Intake packet signed by the clinic",
    "es": "Paquete de admisión firmado por la clínica",
}


@dataclass(frozen=True, slots=True)
class PacketResult:
    """What was stored: the signed PDF's SHA-256 (hex), its size in bytes and its page count."""

    intake_id: int
    sha256: str
    size: int
    pages: int


def render_unsigned(backend: Backend, intake_id: int) -> bytes:
    """The packet before signing: the first bytes of every signed packet of these records."""
    with unit_of_work(backend.db_factory) as db:
        intake = packet_intake(db, intake_id)
        data = packet_data(backend, db, intake)
        assert intake.submitted_at is not None
        moment = local_time(intake.submitted_at)
    return render_packet(data, clock=lambda: moment)


# ------------------------------------------------------------------------------------------ signing


def clinic_signer(backend: Backend) -> ClinicSigner:
    """The clinic's signer: the certificate named in the settings, else the one made for this data folder.

    Raises CertificateError with a message for staff when it cannot be loaded.
    """
    settings = backend.settings
    certificate, passphrase = settings.signing_certificate, settings.signing_passphrase_file
    if certificate is not None or passphrase is not None:
        if certificate is None or passphrase is None:
            raise CertificateError(
                "The settings name only one of [signing] certificate and passphrase_file; give both, or leave "
                "both empty to use the certificate the kiosk makes for the clinic."
            )
        return load_signer(certificate, passphrase)
    p12 = ensure_clinic_certificate(backend.data_dir, settings.clinic_name)
    return load_signer(p12, p12.with_name(PASSPHRASE_NAME))


def _page_count(pdf: bytes) -> int:
    count = PdfFileReader(BytesIO(pdf), strict=False).root["/Pages"]["/Count"]
    return int(count)


def _make(backend: Backend, intake_id: int, signer: ClinicSigner, actor: str) -> tuple[PacketResult, bytes]:
    with unit_of_work(backend.db_factory) as db:
        intake = packet_intake(db, intake_id)
        data = packet_data(backend, db, intake)
        assert intake.submitted_at is not None
        moment = local_time(intake.submitted_at)
    unsigned = render_packet(data, clock=lambda: moment)
    signed = sign_pdf(
        unsigned,
        signer,
        when=local_time(backend.now()),
        language=data.language,
        details=SignatureDetails(reason=_SIGNATURE_REASON[data.language], location=backend.settings.clinic_name),
    )
    result = PacketResult(
        intake_id=intake_id, sha256=hashlib.sha256(signed).hexdigest(), size=len(signed), pages=_page_count(signed)
    )
    with unit_of_work(backend.db_factory) as db:
        intake = packet_intake(db, intake_id)
        intake.packet_pdf = signed
        intake.packet_sha256 = result.sha256
        append_audit(
            db,
            at=backend.now(),
            actor=actor,
            action="packet.create",
            patient_id=intake.patient_id,
            intake_id=intake.id,
            detail=f"signed packet: {result.pages} pages, {result.size} bytes, sha256 {result.sha256}",
        )
    log.info("packet for intake %d: %d pages, %d bytes", intake_id, result.pages, result.size)
    return result, signed


class PacketMaker:
    """Makes and hands out packets, keeping the clinic's signer loaded between packets.

    Loading the signing certificate takes tens of milliseconds, so the composition root keeps one
    PacketMaker for the life of the application instead of loading the certificate per packet.
    """

    def __init__(self, backend: Backend, signer: ClinicSigner | None = None) -> None:
        self._backend = backend
        self._signer = signer

    @property
    def signer(self) -> ClinicSigner:
        if self._signer is None:
            self._signer = clinic_signer(self._backend)
        return self._signer

    def make(self, intake_id: int, *, actor: str = KIOSK_ACTOR) -> PacketResult:
        """Render, sign and store the packet of a submitted intake (replacing a stored one)."""
        return _make(self._backend, intake_id, self.signer, actor)[0]

    def packet_bytes(self, intake_id: int, *, actor: str) -> bytes:
        """The stored signed packet, made first if the intake has none yet. Not audited as an export:
        callers that hand the bytes out (export, print) write their own audit entry."""
        with unit_of_work(self._backend.db_factory) as db:
            packet_intake(db, intake_id)
            stored = db.scalars(select(Intake.packet_pdf).where(Intake.id == intake_id)).one()
        if stored is not None:
            return stored
        log.info("intake %d has no stored packet; making it now", intake_id)
        return _make(self._backend, intake_id, self.signer, actor)[1]

    def stored(self, intake_id: int, staff: StaffIdentity) -> bytes:
        """The signed packet for saving or sending elsewhere, audited as an export by the staff member."""
        require(staff, Permission.PRINT_CLINICAL_PACKET)
        actor = staff.username
        pdf = self.packet_bytes(intake_id, actor=actor)
        backend = self._backend
        with unit_of_work(backend.db_factory) as db:
            intake = packet_intake(db, intake_id)
            append_audit(
                db,
                at=backend.now(),
                actor=actor,
                action="packet.export",
                patient_id=intake.patient_id,
                intake_id=intake.id,
                detail=f"sha256 {hashlib.sha256(pdf).hexdigest()}",
            )
        return pdf


def make_packet(
    backend: Backend, intake_id: int, *, signer: ClinicSigner | None = None, actor: str = KIOSK_ACTOR
) -> PacketResult:
    """Render, sign and store the packet of one submitted intake; see PacketMaker to keep the signer."""
    return PacketMaker(backend, signer).make(intake_id, actor=actor)


def stored_packet(
    backend: Backend, intake_id: int, staff: StaffIdentity, *, signer: ClinicSigner | None = None
) -> bytes:
    """The intake's signed packet (made now if missing), audited as an export by ``staff``."""
    return PacketMaker(backend, signer).stored(intake_id, staff)
