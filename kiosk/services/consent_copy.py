"""The front desk's copy of a packet: the cover (name, visit, "clinical pages withheld") and the signed
consents, nothing of scores, answers, flags or the checklist; signed by the clinic like the packet.

The clinical packet itself needs Permission.PRINT_CLINICAL_PACKET; this copy needs only
PRINT_CONSENT_COPY. It is made from the same packet data with every clinical part dropped before
rendering, so nothing clinical can reach the PDF, and it is not stored: it is made again when asked.
"""

from __future__ import annotations

import dataclasses

from kiosk.documents.render import render_packet
from kiosk.documents.signing import SignatureDetails, sign_pdf
from kiosk.services.backend import Backend
from kiosk.services.packet_content import packet_data_for
from kiosk.services.packets import PacketMaker
from kiosk.services.permissions import Permission, require
from kiosk.services.print_service import PrintOutcome, print_document
from kiosk.services.staff_accounts import StaffIdentity
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Intake

CONSENT_COPY_REASON = "Consent copy of an intake packet, signed by the clinic"


def consent_copy_pdf(backend: Backend, maker: PacketMaker, staff: StaffIdentity, intake_id: int) -> bytes:
    """The signed consent-only copy of a submitted intake's packet, audited."""
    require(staff, Permission.PRINT_CONSENT_COPY)
    data = packet_data_for(backend, intake_id)
    consent_only = dataclasses.replace(
        data, scores=(), flags=(), questionnaires=(), checklist=None, clinical_withheld=True
    )
    moment = backend.now().astimezone()
    signed = sign_pdf(
        render_packet(consent_only, clock=lambda: moment),
        maker.signer,
        when=moment,
        language=data.language,
        details=SignatureDetails(reason=CONSENT_COPY_REASON, location=backend.settings.clinic_name),
    )
    with unit_of_work(backend.db_factory) as session:
        intake = session.get_one(Intake, intake_id)
        append_audit(
            session,
            at=backend.now(),
            actor=staff.username,
            action="packet.consent_copy",
            patient_id=intake.patient_id,
            intake_id=intake.id,
            detail=f"{len(consent_only.consents)} signed consents, clinical pages withheld",
        )
    return signed


def print_consent_copy(
    backend: Backend,
    maker: PacketMaker,
    staff: StaffIdentity,
    intake_id: int,
    *,
    printer: str | None = None,
    timeout: float = 120.0,
) -> PrintOutcome:
    """Print the consent-only copy; every printing problem is an outcome with a message, as for the packet."""
    pdf = consent_copy_pdf(backend, maker, staff, intake_id)
    return print_document(
        backend, intake_id, staff.username, pdf, what="consent copy", printer=printer, timeout=timeout
    )
