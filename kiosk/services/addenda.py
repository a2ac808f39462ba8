"""Signed addenda to a packet: made when a person acts on a signed intake, stored encrypted with it, listed
for the review, printed after the packet and checked by `kiosk verify`.

Making one reads what it must say in one unit of work, renders and signs outside any transaction (like the
packet) and hands the signed bytes back: the caller stores them in the same unit of work as the action they
record (see flag_answers), so an action is never on record without its addendum, nor the other way round.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.documents.addendum import AddendumData, render_addendum
from kiosk.documents.signing import SignatureDetails, sign_pdf
from kiosk.domain.acknowledgements import ACTION_TITLES, AddendumAction
from kiosk.services.backend import Backend
from kiosk.services.patients import patient_view
from kiosk.services.permissions import Permission, require
from kiosk.services.staff_accounts import StaffIdentity
from kiosk.store.audit import append_audit
from kiosk.store.engine import read_only_unit_of_work, unit_of_work
from kiosk.store.models import Addendum, Appointment, Intake, Patient

if TYPE_CHECKING:
    from kiosk.services.packets import PacketMaker

# The packet module is imported where it is used: it reads the review's wording, and the review lists addenda.

ADDENDUM_SIGNATURE_REASON = "Addendum to an intake packet, signed by the clinic"


@dataclass(frozen=True, slots=True)
class AddendumView:
    """One stored addendum as the review lists it."""

    addendum_id: int
    intake_id: int
    action: AddendumAction
    title: str
    created_at: dt.datetime
    created_by: str
    packet_sha256: str
    sha256: str


@dataclass(frozen=True, slots=True)
class SignedAddendum:
    """A rendered and signed addendum, not yet stored."""

    intake_id: int
    patient_id: int
    flag_id: int | None
    action: AddendumAction
    at: dt.datetime
    by: str
    packet_sha256: str
    pdf: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


@dataclass(frozen=True, slots=True)
class AddendumRequest:
    """What an addendum says besides the packet and patient, which are read from the intake."""

    intake_id: int
    flag_id: int | None
    action: AddendumAction
    about: str
    outcome: str | None = None
    note: str | None = None
    outcome_label: str = "Outcome"


def packet_exists_for(backend: Backend, intake_id: int) -> bool:
    """Whether the intake is past submission, so it has (or can have) a signed packet to add to."""
    from kiosk.services.packet_content import PACKET_STATUSES

    with read_only_unit_of_work(backend.db_factory) as session:
        status = session.scalar(select(Intake.status).where(Intake.id == intake_id))
    return status in PACKET_STATUSES


def sign_addendum(
    backend: Backend,
    maker: PacketMaker,
    staff: StaffIdentity,
    request: AddendumRequest,
    at: dt.datetime,
    *,
    signed_at: dt.datetime | None = None,
) -> SignedAddendum:
    """Render and sign the addendum for `request` (what happened at `at`, signed at `signed_at`, by default
    the same); the packet is made first if the submitted intake has none stored yet."""
    from kiosk.services.packet_content import packet_reference

    packet = maker.packet_bytes(request.intake_id, actor=staff.username)
    packet_sha256 = hashlib.sha256(packet).hexdigest()
    with read_only_unit_of_work(backend.db_factory) as session:
        intake = session.get_one(Intake, request.intake_id)
        patient = patient_view(backend.cipher, session.get_one(Patient, intake.patient_id))
        appointment = session.get(Appointment, intake.appointment_id) if intake.appointment_id else None
        earlier = session.scalar(select(func.count(Addendum.id)).where(Addendum.intake_id == intake.id)) or 0
        patient_id = intake.patient_id
        visit_type = intake.visit_type
        when = appointment.starts_at if appointment is not None else intake.started_at
    try:
        visit_label = backend.settings.visit_type(visit_type).label.get("en", visit_type)
    except KeyError:
        visit_label = visit_type
    data = AddendumData(
        clinic_name=backend.settings.clinic_name,
        patient_name=patient.full_name,
        date_of_birth=patient.dob,
        visit=f"{visit_label}, {when.astimezone():%m/%d/%Y %H:%M}",
        packet_reference=packet_reference(request.intake_id),
        packet_sha256=packet_sha256,
        packet_signed_at=None,
        number=earlier + 1,
        title=ACTION_TITLES[request.action],
        about=request.about,
        by_name=staff.display_name,
        by_username=staff.username,
        at=at.astimezone(),
        outcome=request.outcome,
        note=request.note,
        outcome_label=request.outcome_label,
    )
    signed = sign_pdf(
        render_addendum(data),
        maker.signer,
        when=(signed_at or at).astimezone(),
        details=SignatureDetails(reason=ADDENDUM_SIGNATURE_REASON, location=backend.settings.clinic_name),
    )
    return SignedAddendum(
        intake_id=request.intake_id,
        patient_id=patient_id,
        flag_id=request.flag_id,
        action=request.action,
        at=at,
        by=staff.username,
        packet_sha256=packet_sha256,
        pdf=signed,
    )


def store_addendum(session: Session, addendum: SignedAddendum) -> Addendum:
    """Add the signed addendum in the caller's unit of work, with its audit entry."""
    row = Addendum(
        intake_id=addendum.intake_id,
        patient_id=addendum.patient_id,
        flag_id=addendum.flag_id,
        action=addendum.action.value,
        created_at=addendum.at,
        created_by=addendum.by,
        packet_sha256=addendum.packet_sha256,
        sha256=addendum.sha256,
        pdf=addendum.pdf,
    )
    session.add(row)
    session.flush()
    append_audit(
        session,
        at=addendum.at,
        actor=addendum.by,
        action="addendum.create",
        patient_id=addendum.patient_id,
        intake_id=addendum.intake_id,
        detail=f"addendum {row.id} ({addendum.action.value}) to packet sha256 {addendum.packet_sha256}, "
        f"sha256 {addendum.sha256}",
    )
    return row


def addenda_of(backend: Backend, staff: StaffIdentity, intake_id: int) -> tuple[AddendumView, ...]:
    """The intake's addenda, oldest first (no PDF bytes)."""
    require(staff, Permission.VIEW_CLINICAL)
    with read_only_unit_of_work(backend.db_factory) as session:
        return addendum_views(session, intake_id)


def addendum_views(session: Session, intake_id: int) -> tuple[AddendumView, ...]:
    """The intake's addenda in the caller's unit of work, oldest first (no PDF bytes)."""
    rows = session.execute(
        select(
            Addendum.id,
            Addendum.action,
            Addendum.created_at,
            Addendum.created_by,
            Addendum.packet_sha256,
            Addendum.sha256,
        )
        .where(Addendum.intake_id == intake_id)
        .order_by(Addendum.created_at, Addendum.id)
    ).all()
    return tuple(
        AddendumView(
            addendum_id=row.id,
            intake_id=intake_id,
            action=AddendumAction(row.action),
            title=ACTION_TITLES[AddendumAction(row.action)],
            created_at=row.created_at.astimezone(),
            created_by=row.created_by,
            packet_sha256=row.packet_sha256,
            sha256=row.sha256,
        )
        for row in rows
    )


def addendum_pdfs(backend: Backend, intake_id: int) -> list[bytes]:
    """The intake's signed addenda, oldest first, checked against their stored SHA-256.

    For callers that already decided the person may have the packet (printing, saving): the addenda go
    wherever the packet goes.
    """
    with read_only_unit_of_work(backend.db_factory) as session:
        rows = session.execute(
            select(Addendum.id, Addendum.sha256, Addendum.pdf)
            .where(Addendum.intake_id == intake_id)
            .order_by(Addendum.created_at, Addendum.id)
        ).all()
    pdfs = []
    for row in rows:
        if hashlib.sha256(row.pdf).hexdigest() != row.sha256:
            raise AddendumIntegrityError(
                f"Addendum {row.id} of intake {intake_id} does not match its recorded SHA-256; it was not printed. "
                "Restore the database from a backup."
            )
        pdfs.append(bytes(row.pdf))
    return pdfs


def addendum_pdf(backend: Backend, staff: StaffIdentity, addendum_id: int) -> bytes:
    """One signed addendum, to save or open; audited as an export."""
    require(staff, Permission.PRINT_CLINICAL_PACKET)
    with unit_of_work(backend.db_factory) as session:
        row = session.get(Addendum, addendum_id)
        if row is None:
            raise LookupError(f"there is no addendum {addendum_id}")
        pdf = bytes(row.pdf)
        append_audit(
            session,
            at=backend.now(),
            actor=staff.username,
            action="addendum.export",
            patient_id=row.patient_id,
            intake_id=row.intake_id,
            detail=f"addendum {row.id}, sha256 {row.sha256}",
        )
    return pdf


class AddendumIntegrityError(RuntimeError):
    """A stored addendum no longer matches its hash; said in words staff can act on."""
