"""Patients: adding them with their identity encrypted, and finding them by name and date of birth.

Names and dates of birth are stored encrypted; matching uses a keyed blind index of the normalised
name and date, so "josé  NÚÑEZ" typed on the tablet finds "Jose Nunez" without the database ever
holding a name in clear text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.typed_text import (
    MAX_CHART_LENGTH,
    MAX_FULL_NAME_LENGTH,
    MAX_NAME_LENGTH,
    MAX_PHONE_LENGTH,
    clean_typed_text,
)
from kiosk.store.crypto import FieldCipher
from kiosk.store.models import Patient

LOOKUP_CONTEXT = "patients.lookup"


def normalize_name(text: str) -> str:
    """Casefolded, without accents, with runs of spaces collapsed: the form names are compared in."""
    decomposed = unicodedata.normalize("NFKD", text)
    without_marks = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(without_marks.casefold().split())


def lookup_key(cipher: FieldCipher, first_name: str, last_name: str, dob: dt.date) -> str:
    joined = "\x1f".join((normalize_name(first_name), normalize_name(last_name), dob.isoformat()))
    return cipher.blind_index(joined, context=LOOKUP_CONTEXT)


@dataclass(frozen=True, slots=True)
class EmergencyContact:
    name: str
    phone: str


@dataclass(frozen=True, slots=True)
class PatientView:
    """A patient's identity, decrypted, for screens and documents."""

    id: int
    first_name: str
    last_name: str
    dob: dt.date
    language: str
    chart_number: str | None
    phone: str | None
    emergency_contact: EmergencyContact | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def add_patient(
    db: Session,
    cipher: FieldCipher,
    *,
    first_name: str,
    last_name: str,
    dob: dt.date,
    language: str,
    now: dt.datetime,
    chart_number: str | None = None,
    phone: str | None = None,
    emergency_contact: EmergencyContact | None = None,
) -> Patient:
    """Store a new patient, identity encrypted. Every text is checked first (clean_typed_text): one too long
    or not text raises TypedTextError and nothing is stored."""
    first_name = clean_typed_text(first_name, what="first name", max_length=MAX_NAME_LENGTH)
    last_name = clean_typed_text(last_name, what="last name", max_length=MAX_NAME_LENGTH)
    if chart_number is not None:
        chart_number = clean_typed_text(chart_number, what="chart number", max_length=MAX_CHART_LENGTH)
    if phone is not None:
        phone = clean_typed_text(phone, what="phone number", max_length=MAX_PHONE_LENGTH)
    if emergency_contact is not None:
        emergency_contact = EmergencyContact(
            clean_typed_text(emergency_contact.name, what="emergency contact's name", max_length=MAX_FULL_NAME_LENGTH),
            clean_typed_text(emergency_contact.phone, what="emergency contact's phone", max_length=MAX_PHONE_LENGTH),
        )
    patient = Patient(
        chart_number=chart_number,
        first_name_enc=cipher.encrypt(first_name, context="patients.first_name"),
        last_name_enc=cipher.encrypt(last_name, context="patients.last_name"),
        dob_enc=cipher.encrypt(dob.isoformat(), context="patients.dob"),
        lookup_key=lookup_key(cipher, first_name, last_name, dob),
        preferred_language=language,
        phone_enc=cipher.encrypt(phone, context="patients.phone") if phone else None,
        emergency_contact_enc=(
            cipher.encrypt_json(
                {"name": emergency_contact.name, "phone": emergency_contact.phone},
                context="patients.emergency_contact",
            )
            if emergency_contact
            else None
        ),
        created_at=now,
    )
    db.add(patient)
    db.flush()
    return patient


def patient_view(cipher: FieldCipher, patient: Patient) -> PatientView:
    contact = None
    if patient.emergency_contact_enc is not None:
        raw = cipher.decrypt_json(patient.emergency_contact_enc, context="patients.emergency_contact")
        contact = EmergencyContact(name=str(raw["name"]), phone=str(raw["phone"]))
    return PatientView(
        id=patient.id,
        first_name=cipher.decrypt_text(patient.first_name_enc, context="patients.first_name"),
        last_name=cipher.decrypt_text(patient.last_name_enc, context="patients.last_name"),
        dob=dt.date.fromisoformat(cipher.decrypt_text(patient.dob_enc, context="patients.dob")),
        language=patient.preferred_language,
        chart_number=patient.chart_number,
        phone=cipher.decrypt_text(patient.phone_enc, context="patients.phone") if patient.phone_enc else None,
        emergency_contact=contact,
    )


def find_patients(db: Session, cipher: FieldCipher, first_name: str, last_name: str, dob: dt.date) -> list[Patient]:
    key = lookup_key(cipher, first_name, last_name, dob)
    return list(db.scalars(select(Patient).where(Patient.lookup_key == key)))
