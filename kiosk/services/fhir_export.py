"""An intake as a FHIR R4 Bundle, and the forms as Questionnaires, written to files on request.

Nothing is sent anywhere: the clinic takes the files to its EHR. Exporting is a staff action on patient
data, so it needs the clinician's EXPORT_CLINICAL permission and is written to the audit log. Resource ids
are derived from the intake's own ids, and the JSON is written with sorted keys, so exporting the same
intake twice gives the same bytes (for a fixed stored packet).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.fhir_questionnaire import (
    CANONICAL_BASE,
    LOINC,
    JsonObject,
    canonical_reference,
    fhir_item_type,
    item_options,
    option_coding,
    questionnaire,
)
from kiosk.domain.forms import Form, FormKind, Item, ItemType, pick
from kiosk.domain.refusals import RefusedError
from kiosk.domain.scoring import AnswerData, AnswerSheet, score
from kiosk.domain.statuses import FlagLevel
from kiosk.services.answer_records import decrypt_answer
from kiosk.services.backend import Backend
from kiosk.services.intake import UnknownIntakeError
from kiosk.services.packets import PacketMaker
from kiosk.services.patients import PatientView, patient_view
from kiosk.services.permissions import Permission, require
from kiosk.services.staff_accounts import StaffIdentity
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Answer, ConsentRecord, Flag, Intake, IntakeStatus, Patient

CHART_SYSTEM = f"{CANONICAL_BASE}/sid/chart-number"
INTAKE_SYSTEM = f"{CANONICAL_BASE}/sid/intake"
SCREENING_PROFILE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-screening-assessment"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
FLAG_PRIORITY = "http://hl7.org/fhir/StructureDefinition/flag-priority"
FLAG_PRIORITY_CODES = "http://hl7.org/fhir/flag-priority-code"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://loinc.org"
PROVENANCE_PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SIGNATURE_TYPE = "urn:iso-astm:E1762-95:2013"
FLAG_SYSTEM = f"{CANONICAL_BASE}/CodeSystem/flags"
CONSENT_LOINC = "59284-0"  # Patient Consent
PACKET_LOINC = "64292-6"  # Release of information consent (the signed packet)
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


class FhirExportError(RefusedError):
    """An export that cannot be made, said so staff can act (which intake, and why)."""


@dataclass(frozen=True, slots=True)
class BundleExport:
    intake_id: int
    json_bytes: bytes
    resource_count: int


def to_json_bytes(resource: Mapping[str, Any]) -> bytes:
    """Sorted keys and fixed separators, so one resource always has one byte form."""
    return (json.dumps(resource, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def questionnaire_files(backend: Backend) -> list[tuple[str, bytes, tuple[str, ...]]]:
    """(file name, JSON bytes, omitted conditions) of one Questionnaire per form; forms are not PHI."""
    files = []
    for form_id in sorted(backend.forms.forms):
        exported = questionnaire(backend.forms.get(form_id))
        files.append((f"Questionnaire-{form_id}.json", to_json_bytes(exported.resource), exported.omitted))
    return files


# ---------------------------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class _IntakeRecord:
    intake_id: int
    status: IntakeStatus
    language: str
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    visit_type: str
    patient: PatientView
    answers: Mapping[str, Mapping[str, AnswerData]]
    answered_at: Mapping[str, dt.datetime]
    consents: tuple[ConsentRecord, ...]
    flags: tuple[Flag, ...]


def _read(backend: Backend, db: Session, intake_id: int) -> _IntakeRecord:
    cipher = backend.cipher
    intake = db.get(Intake, intake_id)
    if intake is None:
        raise UnknownIntakeError(f"there is no intake {intake_id}")
    answers: dict[str, dict[str, AnswerData]] = {}
    answered_at: dict[str, dt.datetime] = {}
    for row in db.scalars(select(Answer).where(Answer.intake_id == intake_id).order_by(Answer.id)):
        answers.setdefault(row.form_id, {})[row.item_id] = decrypt_answer(cipher, row.value_enc)
        latest = answered_at.get(row.form_id)
        answered_at[row.form_id] = row.answered_at if latest is None else max(latest, row.answered_at)
    consents = tuple(
        db.scalars(select(ConsentRecord).where(ConsentRecord.intake_id == intake_id).order_by(ConsentRecord.id))
    )
    flags = tuple(db.scalars(select(Flag).where(Flag.intake_id == intake_id).order_by(Flag.id)))
    return _IntakeRecord(
        intake_id=intake.id,
        status=IntakeStatus(intake.status),
        language=intake.language,
        started_at=intake.started_at,
        submitted_at=intake.submitted_at,
        visit_type=intake.visit_type,
        patient=patient_view(cipher, db.get_one(Patient, intake.patient_id)),
        answers=answers,
        answered_at=answered_at,
        consents=consents,
        flags=flags,
    )


# ---------------------------------------------------------------------------------------------- resources


def _patient(record: _IntakeRecord) -> JsonObject:
    patient = record.patient
    identifiers: list[JsonObject] = [{"system": f"{CANONICAL_BASE}/sid/patient", "value": str(patient.id)}]
    if patient.chart_number:
        identifiers.insert(
            0,
            {
                "system": CHART_SYSTEM,
                "value": patient.chart_number,
                "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
            },
        )
    resource: JsonObject = {
        "resourceType": "Patient",
        "id": f"patient-{patient.id}",
        "identifier": identifiers,
        "name": [{"use": "official", "family": patient.last_name, "given": [patient.first_name]}],
        "birthDate": patient.dob.isoformat(),
        "communication": [
            {
                "language": {
                    "coding": [{"system": "urn:ietf:bcp:47", "code": patient.language}],
                    "text": LANGUAGE_NAMES.get(patient.language, patient.language),
                },
                "preferred": True,
            }
        ],
    }
    if patient.phone:
        resource["telecom"] = [{"system": "phone", "value": patient.phone}]
    return resource


def _answer_values(form: Form, item: Item, value: AnswerData) -> list[JsonObject]:
    if item.type in (ItemType.SINGLE_CHOICE, ItemType.YES_NO, ItemType.MULTI_CHOICE):
        codes = value if isinstance(value, list) else [str(value)]
        options = {option.code: option for option in item_options(item)}
        return [{"valueCoding": option_coding(form, options[code])} for code in codes if code in options]
    if item.type is ItemType.NUMBER:
        return [{"valueDecimal": value}]
    if item.type is ItemType.DATE:
        return [{"valueDate": str(value)}]
    return [{"valueString": str(value)}]


def _response_items(
    form: Form, items: Sequence[Item], sheet: AnswerSheet, answers: Mapping[str, AnswerData]
) -> list[JsonObject]:
    """Answered items in the form's order, a group's answers nested under it (as the Questionnaire has them)."""
    result: list[JsonObject] = []
    for item in items:
        if item.type is ItemType.GROUP:
            if not sheet.group_applies(item):
                continue
            children = _response_items(form, item.children, sheet, answers)
            if children:
                result.append({"linkId": item.id, "text": pick(item.text, "en"), "item": children})
            continue
        if not item.is_answered_type or item.id not in answers or not sheet.group_applies(item):
            continue
        values = _answer_values(form, item, answers[item.id])
        if values:
            result.append({"linkId": item.id, "text": pick(item.text, "en"), "answer": values})
    return result


def _response(record: _IntakeRecord, form: Form, complete: bool) -> JsonObject:
    answers = record.answers.get(form.id, {})
    sheet = AnswerSheet(form, answers)
    authored = record.answered_at.get(form.id) or record.submitted_at or record.started_at
    resource: JsonObject = {
        "resourceType": "QuestionnaireResponse",
        "id": f"qr-{record.intake_id}-{form.id}",
        "identifier": {"system": INTAKE_SYSTEM, "value": f"{record.intake_id}/{form.id}"},
        "questionnaire": canonical_reference(form),
        "status": "completed" if complete else "in-progress",
        "subject": {"reference": f"Patient/patient-{record.patient.id}"},
        "authored": _instant(authored),
        "author": {"reference": f"Patient/patient-{record.patient.id}"},
        "language": record.language,
    }
    items = _response_items(form, form.items, sheet, answers)
    if items:
        resource["item"] = items
    return resource


def _total_observation(record: _IntakeRecord, form: Form, total: int, band_label: str | None) -> JsonObject:
    assert form.scoring is not None
    code = form.scoring.code or form.id
    system = LOINC if form.scoring.code else f"{CANONICAL_BASE}/CodeSystem/totals"
    when = _instant(record.answered_at.get(form.id) or record.submitted_at or record.started_at)
    resource: JsonObject = {
        "resourceType": "Observation",
        "id": f"total-{record.intake_id}-{form.id}",
        "meta": {"profile": [SCREENING_PROFILE]},
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}],
        "code": {"coding": [{"system": system, "code": code}], "text": f"{pick(form.title, 'en')} total score"},
        "subject": {"reference": f"Patient/patient-{record.patient.id}"},
        "effectiveDateTime": when,
        "issued": when,
        "performer": [{"reference": f"Patient/patient-{record.patient.id}"}],
        "valueInteger": total,
        "derivedFrom": [{"reference": f"QuestionnaireResponse/qr-{record.intake_id}-{form.id}"}],
    }
    if band_label:
        resource["interpretation"] = [{"text": band_label}]
    return resource


def _flag(record: _IntakeRecord, flag: Flag) -> JsonObject:
    level = FlagLevel(flag.level)
    active = flag.cleared_at is None
    resource: JsonObject = {
        "resourceType": "Flag",
        "id": f"flag-{flag.id}",
        "status": "active" if active else "inactive",
        "category": [
            {
                "coding": [
                    {"system": FLAG_CATEGORY, "code": "clinical", "display": "Clinical"},
                ],
                "text": {
                    FlagLevel.URGENT: "urgent",
                    FlagLevel.HOLD: "see staff before dosing",
                    FlagLevel.INFO: "for the clinician",
                }[level],
            }
        ],
        "code": {"coding": [{"system": FLAG_SYSTEM, "code": flag.code}], "text": flag.message},
        "subject": {"reference": f"Patient/patient-{record.patient.id}"},
        "period": {"start": _instant(flag.raised_at)},
    }
    if flag.cleared_at is not None:
        resource["period"]["end"] = _instant(flag.cleared_at)
    priority = {FlagLevel.URGENT: "PH", FlagLevel.HOLD: "PM", FlagLevel.INFO: "PL"}[level]
    resource["extension"] = [
        {"url": FLAG_PRIORITY, "valueCodeableConcept": {"coding": [{"system": FLAG_PRIORITY_CODES, "code": priority}]}}
    ]
    return resource


def _consent(record: _IntakeRecord, consent: ConsentRecord, forms: Mapping[str, Form]) -> JsonObject:
    form = forms.get(consent.form_id)
    title = pick(form.title, "en") if form is not None else consent.form_id
    resource: JsonObject = {
        "resourceType": "Consent",
        "id": f"consent-{consent.id}",
        "status": "active",
        "scope": {"coding": [{"system": CONSENT_SCOPE, "code": "treatment", "display": "Treatment"}]},
        "category": [{"coding": [{"system": CONSENT_CATEGORY, "code": CONSENT_LOINC}], "text": title}],
        "patient": {"reference": f"Patient/patient-{record.patient.id}"},
        "dateTime": _instant(consent.signed_at),
        "performer": [{"reference": f"Patient/patient-{record.patient.id}"}],
        "sourceAttachment": {
            "contentType": "text/plain; charset=utf-8",
            "language": consent.language,
            "title": f"{title} v{consent.form_version}",
            # Attachment.hash is SHA-1 in R4; the SHA-256 the kiosk keeps goes in an identifier below.
            "creation": _instant(consent.signed_at),
        },
        "identifier": [
            {"system": "urn:ietf:rfc:6920", "value": f"ni:///sha-256;{consent.text_sha256}"},
            {"system": f"{CANONICAL_BASE}/sid/consent-text-sha256", "value": consent.text_sha256},
        ],
        "policy": [{"uri": f"{CANONICAL_BASE}/Questionnaire/{consent.form_id}|{consent.form_version}"}],
        "provision": {"type": "permit", "period": {"start": _instant(consent.signed_at)}},
    }
    return resource


def _document(record: _IntakeRecord, pdf: bytes) -> JsonObject:
    sha256 = hashlib.sha256(pdf).hexdigest()
    return {
        "resourceType": "DocumentReference",
        "id": f"packet-{record.intake_id}",
        "masterIdentifier": {"system": "urn:ietf:rfc:6920", "value": f"ni:///sha-256;{sha256}"},
        "status": "current",
        "type": {"coding": [{"system": LOINC, "code": PACKET_LOINC}], "text": "Signed consent packet"},
        "subject": {"reference": f"Patient/patient-{record.patient.id}"},
        "date": _instant(record.submitted_at or record.started_at),
        "description": f"Signed consent packet of intake {record.intake_id} (PAdES), SHA-256 {sha256}",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(pdf).decode("ascii"),
                    "size": len(pdf),
                    "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),  # R4 Attachment.hash is SHA-1
                    "title": f"intake-{record.intake_id}-packet.pdf",
                }
            }
        ],
    }


def _provenance(record: _IntakeRecord, consent: ConsentRecord) -> JsonObject:
    patient = f"Patient/patient-{record.patient.id}"
    return {
        "resourceType": "Provenance",
        "id": f"provenance-consent-{consent.id}",
        "target": [{"reference": f"Consent/consent-{consent.id}"}],
        "recorded": _instant(consent.signed_at),
        "agent": [
            {
                "type": {"coding": [{"system": PROVENANCE_PARTICIPANT, "code": "author"}]},
                "who": {"reference": patient},
            }
        ],
        "signature": [
            {
                "type": [{"system": SIGNATURE_TYPE, "code": "1.2.840.10065.1.12.1.7", "display": "Consent Signature"}],
                "when": _instant(consent.signed_at),
                "who": {"reference": patient},
                "sigFormat": "image/png",
            }
        ],
    }


def _entries(backend: Backend, record: _IntakeRecord, pdf: bytes | None) -> list[JsonObject]:
    forms = backend.forms
    visit = backend.settings.visit_type(record.visit_type)
    resources: list[JsonObject] = [_patient(record)]
    for form_id in visit.questionnaires:
        if form_id not in forms or form_id not in record.answers:
            continue
        form = forms.get(form_id)
        result = score(form, record.answers[form_id], "en")
        resources.append(_response(record, form, result.complete and not result.unanswered))
        if result.total is not None and form.scoring is not None:
            band = pick(result.band.label, "en") if result.band else None
            resources.append(_total_observation(record, form, result.total, band))
    if visit.checklist and visit.checklist in forms and visit.checklist in record.answers:
        form = forms.get(visit.checklist)
        if form.kind is FormKind.CHECKLIST:
            sheet = AnswerSheet(form, record.answers[form.id])
            resources.append(_response(record, form, not sheet.unanswered_required()))
    resources.extend(_flag(record, flag) for flag in record.flags if flag.level != FlagLevel.INFO.value)
    form_map = {form_id: forms.get(form_id) for form_id in forms.forms}
    for consent in record.consents:
        resources.append(_consent(record, consent, form_map))
        resources.append(_provenance(record, consent))
    if pdf is not None:
        resources.append(_document(record, pdf))
    return resources


def _bundle(record: _IntakeRecord, resources: list[JsonObject], transaction: bool) -> JsonObject:
    entries: list[JsonObject] = []
    for resource in resources:
        kind = resource["resourceType"]
        entry: JsonObject = {"fullUrl": f"{CANONICAL_BASE}/{kind}/{resource['id']}", "resource": resource}
        if transaction:
            entry["request"] = {"method": "PUT", "url": f"{kind}/{resource['id']}"}
        entries.append(entry)
    return {
        "resourceType": "Bundle",
        "id": f"intake-{record.intake_id}",
        "identifier": {"system": INTAKE_SYSTEM, "value": str(record.intake_id)},
        "type": "transaction" if transaction else "collection",
        "timestamp": _instant(record.submitted_at or record.started_at),
        "entry": entries,
    }


# ---------------------------------------------------------------------------------------------- use cases


def export_intake(
    backend: Backend,
    staff: StaffIdentity,
    intake_id: int,
    *,
    transaction: bool = False,
    include_drafts: bool = False,
    packets: PacketMaker | None = None,
) -> BundleExport:
    """The intake as one Bundle, audited as an export by `staff` (clinicians and admins only).

    A draft is refused unless `include_drafts`: what a patient left half-way is not a record to send on.
    """
    require(staff, Permission.EXPORT_CLINICAL)
    with unit_of_work(backend.db_factory) as db:
        record = _read(backend, db, intake_id)
    if record.status is IntakeStatus.DRAFT and not include_drafts:
        raise FhirExportError(
            f"intake {intake_id} is a draft (not submitted); nothing was exported (use --include-drafts to export it)"
        )
    pdf = None
    if record.status is not IntakeStatus.DRAFT:
        pdf = (packets or PacketMaker(backend)).packet_bytes(intake_id, actor=staff.username)
    resources = _entries(backend, record, pdf)
    data = to_json_bytes(_bundle(record, resources, transaction))
    with unit_of_work(backend.db_factory) as db:
        append_audit(
            db,
            at=backend.now(),
            actor=staff.username,
            action="fhir.export",
            patient_id=record.patient.id,
            intake_id=intake_id,
            detail=f"{len(resources)} resources, sha256 {hashlib.sha256(data).hexdigest()}",
        )
    return BundleExport(intake_id=intake_id, json_bytes=data, resource_count=len(resources))


def intakes_of_day(backend: Backend, staff: StaffIdentity, day: dt.date, *, include_drafts: bool = False) -> list[int]:
    """Ids of the intakes started on `day` (clinic's local day), submitted ones only unless `include_drafts`."""
    require(staff, Permission.EXPORT_CLINICAL)
    start = dt.datetime.combine(day, dt.time(0, 0)).astimezone()
    end = start + dt.timedelta(days=1)
    statuses = [status.value for status in IntakeStatus if include_drafts or status is not IntakeStatus.DRAFT]
    with unit_of_work(backend.db_factory) as db:
        rows = db.scalars(
            select(Intake.id)
            .where(Intake.started_at >= start, Intake.started_at < end, Intake.status.in_(statuses))
            .order_by(Intake.id)
        )
        return list(rows)


__all__ = [
    "BundleExport",
    "FhirExportError",
    "export_intake",
    "fhir_item_type",
    "intakes_of_day",
    "questionnaire_files",
    "to_json_bytes",
]
