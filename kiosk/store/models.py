"""The database schema as SQLAlchemy 2 typed models.

Columns ending in ``_enc`` hold FieldCipher output (see kiosk.store.crypto); the services encrypt
and decrypt them with the context ``"<table>.<column without _enc>"``, e.g. ``"patients.first_name"``.
Enumerations are plain strings guarded by CHECK constraints, which behave the same on SQLite and
PostgreSQL; every constraint is named by the naming convention so Alembic can find it again.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

# Defined once in domain; re-exported here because every column that stores one is declared in this module.
from kiosk.domain.acknowledgements import AddendumAction as AddendumAction  # noqa: PLC0414
from kiosk.domain.dosing import ReadingMoment as ReadingMoment  # noqa: PLC0414
from kiosk.domain.statuses import AppointmentStatus as AppointmentStatus  # noqa: PLC0414
from kiosk.domain.statuses import ArrivalOutcome as ArrivalOutcome  # noqa: PLC0414

# Defined once in domain; re-exported here because every column that stores one is declared in this module.
from kiosk.domain.statuses import FlagLevel as FlagLevel  # noqa: PLC0414
from kiosk.domain.statuses import IntakeStatus as IntakeStatus  # noqa: PLC0414
from kiosk.domain.statuses import StaffRole as StaffRole  # noqa: PLC0414
from kiosk.store.types import CIPHER_ATTRIBUTE, CipherMissingError, EncryptedBytes, EncryptedText, UTCDateTime

if TYPE_CHECKING:
    from kiosk.store.crypto import FieldCipher

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose metadata names every constraint deterministically."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def _one_of(column: str, allowed: type[StrEnum]) -> CheckConstraint:
    """A portable CHECK constraint that keeps a string column within an enumeration."""
    values = ", ".join(f"'{member.value}'" for member in allowed)
    return CheckConstraint(f"{column} IN ({values})", name=f"{column}_allowed")


class StoreMeta(Base):
    """Facts about the database itself, such as the fingerprint of the key it was written with."""

    __tablename__ = "store_meta"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Patient(Base):
    __tablename__ = "patients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Encrypted; found by chart_key, a keyed blind index of the chart number (kept in step on flush,
    # see chart_index below), which is also what makes chart numbers unique.
    chart_number: Mapped[str | None] = mapped_column(EncryptedText("patients.chart_number"))
    chart_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    first_name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    last_name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    dob_enc: Mapped[bytes] = mapped_column(LargeBinary)
    lookup_key: Mapped[str] = mapped_column(String(64), index=True)
    preferred_language: Mapped[str] = mapped_column(String(16))
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    emergency_contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (_one_of("status", AppointmentStatus),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    visit_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=AppointmentStatus.SCHEDULED.value)
    source_ref: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Intake(Base):
    __tablename__ = "intakes"
    __table_args__ = (
        _one_of("status", IntakeStatus),
        # Leads with patient_id, so it also serves every lookup by patient alone.
        Index("ix_intakes_patient_id_submitted_at", "patient_id", "submitted_at"),
        Index("ix_intakes_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    visit_type: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=IntakeStatus.DRAFT.value)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("intakes.id"))
    resume_step: Mapped[str | None] = mapped_column(String(128))
    packet_sha256: Mapped[str | None] = mapped_column(String(64))
    # The SHA-256 is of the signed plaintext, so integrity is checked after decryption.
    packet_pdf: Mapped[bytes | None] = mapped_column(EncryptedBytes("intakes.packet_pdf"), deferred=True)


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("intake_id", "form_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"))
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16))
    value_enc: Mapped[bytes] = mapped_column(LargeBinary)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsentRecord(Base):
    __tablename__ = "consent_records"
    __table_args__ = (Index("ix_consent_records_patient_id_form_id", "patient_id", "form_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id"), index=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16))
    text_snapshot: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    typed_name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    signature_strokes_enc: Mapped[bytes] = mapped_column(LargeBinary)
    signature_png_enc: Mapped[bytes] = mapped_column(LargeBinary)
    reading_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    name_matches: Mapped[bool] = mapped_column(Boolean)
    # Added by migration 0005: set when the patient adopted the signature drawn earlier in the visit with an
    # explicit tap ("Sign with my signature") instead of drawing it on this consent; None when drawn here.
    signature_adopted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        _one_of("level", FlagLevel),
        Index("ix_flags_level_acknowledged_at", "level", "acknowledged_at"),
        Index("ix_flags_intake_id", "intake_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    form_id: Mapped[str] = mapped_column(String(64))
    # Encrypted: "phq9_item9_positive" next to a patient id is health information. The level stays in
    # clear, so the board can order and count flags without the key.
    code: Mapped[str] = mapped_column(EncryptedText("flags.code"))
    level: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(EncryptedText("flags.message"))
    detail_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    # Added by migration 0004: what the acknowledgement (urgent) or clearance (hold) said was done.
    acknowledged_outcome: Mapped[str | None] = mapped_column(EncryptedText("flags.acknowledged_outcome"))
    acknowledged_note: Mapped[str | None] = mapped_column(EncryptedText("flags.acknowledged_note"))


class Arrival(Base):
    __tablename__ = "arrivals"
    __table_args__ = (_one_of("outcome", ArrivalOutcome),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    typed_first_enc: Mapped[bytes] = mapped_column(LargeBinary)
    typed_last_enc: Mapped[bytes] = mapped_column(LargeBinary)
    typed_dob_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # Added by migration 0002: the front desk marks an unmatched or ambiguous arrival as handled.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    resolved_by: Mapped[str | None] = mapped_column(String(64))


class StaffUser(Base):
    __tablename__ = "staff_users"
    __table_args__ = (_one_of("role", StaffRole),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Added by migration 0004, for the accounts list.
    last_signed_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Addendum(Base):
    """A signed one-page PDF added to a packet after it was signed (migration 0004).

    The original packet never changes; each acknowledgement, hold clearance, review (and undoing one of
    them) adds an addendum naming the packet by its SHA-256. Stored encrypted like the packet.
    """

    __tablename__ = "addenda"
    __table_args__ = (_one_of("action", AddendumAction),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id"), index=True)
    patient_id: Mapped[int] = mapped_column(Integer)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flags.id"))
    action: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    packet_sha256: Mapped[str] = mapped_column(String(64))
    # Of the signed plaintext, like intakes.packet_sha256.
    sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(EncryptedBytes("addenda.pdf"), deferred=True)


class DosingSession(Base):
    """One dosing visit's staff record (migration 0005): opened for a submitted intake, one per intake.

    The times that drive the board (dosing, end of monitoring) and the REMS filing dates are kept in clear so
    the board can poll cheaply; what was given and observed is in session_values and session_readings,
    encrypted like answers.
    """

    __tablename__ = "dosing_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id"), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    form_id: Mapped[str] = mapped_column(String(64))
    form_version: Mapped[str] = mapped_column(String(32))
    session_date: Mapped[date] = mapped_column(Date, index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by: Mapped[str] = mapped_column(String(64))
    dose_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rems_due: Mapped[date | None] = mapped_column(Date)
    rems_submitted_on: Mapped[date | None] = mapped_column(Date)
    rems_submitted_by: Mapped[str | None] = mapped_column(String(64))
    rems_confirmation: Mapped[str | None] = mapped_column(EncryptedText("dosing_sessions.rems_confirmation"))


class SessionValue(Base):
    """One value of a session record (dose, lot number, an observation...), saved the moment it is entered."""

    __tablename__ = "session_values"
    __table_args__ = (UniqueConstraint("session_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("dosing_sessions.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(64))
    # Encrypted JSON like answers.value_enc, with the context "session_values.value".
    value_enc: Mapped[bytes] = mapped_column(LargeBinary)
    reason: Mapped[str | None] = mapped_column(EncryptedText("session_values.reason"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    entered_by: Mapped[str] = mapped_column(String(64))


class SessionReading(Base):
    """One vital-signs reading of a session: when it was taken, by whom, and (encrypted) what it showed."""

    __tablename__ = "session_readings"
    __table_args__ = (_one_of("moment", ReadingMoment), Index("ix_session_readings_session_id", "session_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("dosing_sessions.id", ondelete="CASCADE"))
    moment: Mapped[str] = mapped_column(String(32))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime)
    taken_by: Mapped[str] = mapped_column(String(64))
    # Encrypted JSON {item id: value}, context "session_readings.values".
    values_enc: Mapped[bytes] = mapped_column(LargeBinary)
    proceed_reason: Mapped[str | None] = mapped_column(EncryptedText("session_readings.proceed_reason"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """One append-only, hash-chained audit record; written only through kiosk.store.audit.

    patient_id and intake_id are plain integers, not foreign keys, so the log outlives any record.
    ``detail`` is stored in clear text and must not contain personal health information.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    # The two indexes below are added by migration 0002.
    patient_id: Mapped[int | None] = mapped_column(Integer, index=True)
    intake_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str] = mapped_column(Text)
    # Unique, so two writers can never both chain onto the same predecessor (a fork).
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The audit log's checkpoint: the id and MAC of its last entry, written in the same transaction.

    Kept outside the audit table so that cutting entries off the end of the log, or emptying it, no
    longer leaves a chain that checks out: the head still names the entry that must come last. One
    row (id 1); database triggers (migration 0003) refuse to delete it or move it backwards, and refuse
    every UPDATE and DELETE on audit_log once it exists.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_mac: Mapped[str] = mapped_column(String(64))


CHART_CONTEXT = "patients.chart"


def chart_index(cipher: FieldCipher, chart_number: str) -> str:
    """The blind index a chart number is looked up by: ``Patient.chart_key == chart_index(cipher, chart)``."""
    return cipher.blind_index(chart_number.strip(), context=CHART_CONTEXT)


@event.listens_for(Session, "before_flush")
def _keep_chart_keys(db: Session, _context: Any, _instances: Any) -> None:
    """Every patient written gets the chart_key of its chart number, so no caller can forget it."""
    patients = [obj for obj in (*db.new, *db.dirty) if isinstance(obj, Patient)]
    if not patients:
        return
    cipher = getattr(db.get_bind().dialect, CIPHER_ATTRIBUTE, None)
    if cipher is None:
        raise CipherMissingError("patients.chart_number is encrypted, but this database engine has no key")
    for patient in patients:
        patient.chart_key = chart_index(cipher, patient.chart_number) if patient.chart_number else None
