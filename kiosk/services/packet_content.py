"""What goes in a consent packet: packet_data() is the one place that decides what a packet says about a
patient. It decrypts the intake's records and words them in the intake's language (a Spanish intake gets
a Spanish packet), each question as the patient read it (kiosk.domain.first_visit): the scores with their
change since earlier sessions, every answer, the flags still standing, each signed consent and the checklist
with its holds.

Rendering, signing and storing the packet are kiosk.services.packets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.documents.packet_data import (
    AnswerLine,
    ChecklistLine,
    ChecklistPage,
    ClinicInfo,
    ConsentPage,
    FlagLine,
    FollowUp,
    PacketData,
    PacketLanguage,
    PatientInfo,
    QuestionnairePage,
    ScoreSummary,
    Stroke,
    VisitInfo,
)
from kiosk.domain.answer_words import answer_label
from kiosk.domain.forms import Form, FormKind, pick
from kiosk.domain.refusals import RefusedError
from kiosk.domain.scoring import (
    AnswerData,
    AnswerSheet,
    ScoreResult,
    holds_by_item,
    item_score,
    question_numbers,
    score,
)
from kiosk.domain.series import earlier_sessions
from kiosk.domain.statuses import FlagLevel
from kiosk.services.answer_records import intake_answers
from kiosk.services.backend import Backend
from kiosk.services.intake import NAME_MISMATCH_FLAG, UnknownIntakeError, first_visit
from kiosk.services.patients import patient_view
from kiosk.services.trends import questionnaire_scores, submitted_sessions
from kiosk.settings import VisitType
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment, ConsentRecord, Flag, Intake, IntakeStatus, Patient

PACKET_STATUSES = (IntakeStatus.SUBMITTED.value, IntakeStatus.REVIEWED.value)
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
"""A consent's language as a word, each in its own language (as a language menu shows them)."""

_NAME_MISMATCH = {
    "en": "The name typed on “{title}” does not match the patient record: check the signature before relying on it.",
    "es": "El nombre escrito en “{title}” no coincide con el expediente del paciente: revise la firma antes de "
    "darla por válida.",
}
_CHANGED_AFTER_URGENT = {
    "en": " (The answer was changed afterwards; an urgent flag stays until a clinician acknowledges it.)",
    "es": " (La respuesta se cambió después; una alerta urgente se mantiene hasta que un profesional clínico "
    "la revise.)",
}


class PacketError(RefusedError):
    """A packet cannot be made for this intake (still a draft); the message says why, for staff."""


def _language(code: str) -> PacketLanguage:
    return "es" if code == "es" else "en"


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored UTC time in the clinic machine's zone, as people at the clinic read it."""
    return moment.astimezone()


def packet_intake(db: Session, intake_id: int) -> Intake:
    """The intake, if it may have a packet: submitted or reviewed."""
    intake = db.get(Intake, intake_id)
    if intake is None:
        raise UnknownIntakeError(f"there is no intake {intake_id}")
    if intake.status not in PACKET_STATUSES:
        raise PacketError(
            f"Intake {intake_id} is still a draft: its packet is made once the patient has submitted it. "
            "Resume or finish the check-in first."
        )
    return intake


def _forms_of_kind(
    backend: Backend, kind: FormKind, wanted: Sequence[str], answered: Mapping[str, object]
) -> list[Form]:
    """The visit's forms of ``kind`` in the visit's order, then any other such form the intake answered."""
    ordered = [*wanted, *sorted(form_id for form_id in answered if form_id not in wanted)]
    forms = [backend.forms.get(form_id) for form_id in dict.fromkeys(ordered) if form_id in backend.forms]
    return [form for form in forms if form.kind is kind]


def _earlier_scores(backend: Backend, db: Session, intake: Intake) -> list[Mapping[str, ScoreResult]]:
    """Scores of the patient's sessions submitted before this one, oldest first (this visit excluded)."""
    history = earlier_sessions(
        submitted_sessions(db, [intake.patient_id]).get(intake.patient_id, []),
        intake_id=intake.id,
        appointment_id=intake.appointment_id,
        before=intake.submitted_at or intake.updated_at,
    )
    scores = questionnaire_scores(backend, db, [ref.intake_id for ref in history])
    return [scores.get(ref.intake_id, {}) for ref in history]


def _changes(form_id: str, total: int | None, earlier: Sequence[Mapping[str, ScoreResult]]) -> tuple[int | None, ...]:
    """Change from the first and from the last earlier complete score of the same questionnaire."""
    totals = [result.total for scores in earlier if (result := scores.get(form_id)) and result.total is not None]
    if total is None or not totals:
        return None, None
    return total - totals[0], total - totals[-1]


def _questionnaire(
    form: Form, values: Mapping[str, AnswerData], result: ScoreResult, language: PacketLanguage, *, first_visit: bool
) -> QuestionnairePage:
    sheet = AnswerSheet(form, values)
    numbers = question_numbers(form)
    lines = tuple(
        AnswerLine(
            number=str(numbers[item.id]),
            question=pick(item.text_for(first_visit=first_visit), language),
            answer=answer_label(item, values.get(item.id), language),
            score=item_score(form, item, values.get(item.id)),
        )
        for item in form.answerable_items()
        if sheet.group_applies(item)
    )
    return QuestionnairePage(
        title=pick(form.title, language),
        items=lines,
        total=result.total,
        band=pick(result.band.label, language) if result.band else None,
        copyright=pick(form.copyright or {}, language),
        instructions=pick(form.instructions or {}, language),
        max_total=result.maximum,
        version=str(form.version),
    )


def _flag_message(backend: Backend, flag: Flag, language: PacketLanguage) -> str:
    """The flag in the packet's language: the form's own wording for its rule, the stored text otherwise."""
    form = backend.forms.get(flag.form_id) if flag.form_id in backend.forms else None
    if flag.code == NAME_MISMATCH_FLAG:
        title = pick(form.title, language) if form is not None else flag.form_id
        return _NAME_MISMATCH[language].format(title=title)
    rule = next((rule for rule in form.flags if rule.code == flag.code), None) if form is not None else None
    return pick(rule.message, language) if rule is not None else flag.message


def _flag_lines(backend: Backend, flags: Sequence[Flag], language: PacketLanguage) -> tuple[FlagLine, ...]:
    """Every flag still standing when the intake was submitted. A cleared urgent flag is kept, marked: the
    answer that raised it was seen, and a clinician must still hear of it."""
    lines = []
    for flag in flags:
        message = _flag_message(backend, flag, language)
        if flag.cleared_at is not None:
            if flag.level != FlagLevel.URGENT:
                continue
            message += _CHANGED_AFTER_URGENT[language]
        lines.append(FlagLine(level=FlagLevel(flag.level), message=message, raised_at=local_time(flag.raised_at)))
    return tuple(lines)


def _strokes(raw: object) -> tuple[Stroke, ...]:
    strokes = raw if isinstance(raw, list) else []
    return tuple(tuple((float(point[0]), float(point[1])) for point in stroke) for stroke in strokes)


def _consent(backend: Backend, record: ConsentRecord, language: PacketLanguage) -> ConsentPage:
    cipher = backend.cipher
    form = backend.forms.get(record.form_id) if record.form_id in backend.forms else None
    png = cipher.decrypt(record.signature_png_enc, context="consent_records.signature_png")
    return ConsentPage(
        # The title in the language the text was shown in, so heading and text agree.
        title=pick(form.title, record.language) if form is not None else record.form_id,
        version=record.form_version,
        language=LANGUAGE_NAMES.get(record.language, record.language),
        text=record.text_snapshot,
        text_sha256=record.text_sha256,
        reading_started_at=local_time(record.reading_started_at),
        signed_at=local_time(record.signed_at),
        signature_adopted_at=local_time(record.signature_adopted_at) if record.signature_adopted_at else None,
        typed_name=cipher.decrypt_text(record.typed_name_enc, context="consent_records.typed_name"),
        signature_png=png or None,
        strokes=_strokes(
            cipher.decrypt_json(record.signature_strokes_enc, context="consent_records.signature_strokes")
        ),
    )


@dataclass
class _LineDraft:
    """A checklist line while its follow-ups are still being gathered."""

    question: str
    answer: str | None
    item_ids: list[str]
    follow_ups: list[FollowUp]


def _checklist(
    form: Form, values: Mapping[str, AnswerData], flags: Sequence[Flag], language: PacketLanguage, *, first_visit: bool
) -> ChecklistPage:
    """One line per question asked, in the words the patient read (a first visit reads the first-visit wording);
    a question asked because of an answer (which one, the driver's name) is a follow-up of the line before it. A
    line whose answer raised a hold is marked with its reason."""
    sheet = AnswerSheet(form, values)
    rules = {rule.code: rule for rule in form.flags}
    holds = holds_by_item(
        form,
        (
            (flag.code, pick(rules[flag.code].message, language))
            for flag in flags
            if flag.form_id == form.id
            and flag.level == FlagLevel.HOLD
            and flag.cleared_at is None
            and flag.code in rules
        ),
    )

    drafts: list[_LineDraft] = []
    for item in form.items:
        if not sheet.applies(item):
            continue
        answered = [entry for entry in (item, *item.children) if entry.is_answered_type]
        if not answered:
            continue
        if item.when is not None and drafts:
            for entry in answered:
                if sheet.group_applies(entry):
                    drafts[-1].follow_ups.append(
                        FollowUp(
                            pick(entry.text_for(first_visit=first_visit), language),
                            answer_label(entry, values.get(entry.id), language),
                        )
                    )
                    drafts[-1].item_ids.append(entry.id)
            continue
        for entry in answered:
            if sheet.group_applies(entry):
                label = answer_label(entry, values.get(entry.id), language)
                question = pick(entry.text_for(first_visit=first_visit), language)
                drafts.append(_LineDraft(question, label, [entry.id], []))
    lines = []
    for draft in drafts:
        reasons = list(dict.fromkeys(reason for item_id in draft.item_ids for reason in holds.get(item_id, [])))
        lines.append(
            ChecklistLine(
                question=draft.question,
                answer=draft.answer,
                follow_ups=tuple(draft.follow_ups),
                hold=bool(reasons),
                hold_reason=" ".join(reasons),
            )
        )
    return ChecklistPage(title=pick(form.title, language), lines=tuple(lines), version=str(form.version))


def packet_data(backend: Backend, db: Session, intake: Intake) -> PacketData:
    cipher = backend.cipher
    settings = backend.settings
    language = _language(intake.language)
    patient = patient_view(cipher, db.get_one(Patient, intake.patient_id))
    appointment = db.get(Appointment, intake.appointment_id) if intake.appointment_id else None
    try:
        visit: VisitType | None = settings.visit_type(intake.visit_type)
    except KeyError:  # the visit type was removed from the settings since; the records still say it all
        visit = None
    answers = intake_answers(backend.cipher, db, intake.id)
    flags = list(db.scalars(select(Flag).where(Flag.intake_id == intake.id).order_by(Flag.raised_at, Flag.id)))
    records = db.scalars(
        select(ConsentRecord)
        .where(ConsentRecord.intake_id == intake.id)
        .order_by(ConsentRecord.signed_at, ConsentRecord.id)
    )
    consents = tuple(_consent(backend, record, language) for record in records)
    earlier = _earlier_scores(backend, db, intake)
    first_visit_wording = first_visit(db, intake)  # the words the patient read

    scores: list[ScoreSummary] = []
    pages: list[QuestionnairePage] = []
    questionnaires = visit.questionnaires if visit is not None else ()
    for form in _forms_of_kind(backend, FormKind.QUESTIONNAIRE, questionnaires, answers):
        values = answers.get(form.id, {})
        result = score(form, values, language)
        pages.append(_questionnaire(form, values, result, language, first_visit=first_visit_wording))
        if form.scoring is not None:
            from_first, from_last = _changes(form.id, result.total, earlier)
            scores.append(
                ScoreSummary(
                    form_title=pick(form.title, language),
                    total=result.total,
                    band_label=pick(result.band.label, language) if result.band else None,
                    max_total=form.scoring.maximum,
                    change_from_first=from_first,
                    change_from_last=from_last,
                )
            )
    due_checklist = [visit.checklist] if visit is not None and visit.checklist else []
    checklists = _forms_of_kind(backend, FormKind.CHECKLIST, due_checklist, answers)
    checklist = (
        _checklist(checklists[0], answers.get(checklists[0].id, {}), flags, language, first_visit=first_visit_wording)
        if checklists
        else None
    )

    scheduled = appointment.starts_at if appointment is not None else intake.started_at
    return PacketData(
        language=language,
        clinic=ClinicInfo(name=settings.clinic_name, phone=settings.clinic_phone, address=settings.clinic_address),
        patient=PatientInfo(name=patient.full_name, date_of_birth=patient.dob),
        visit=VisitInfo(
            visit_type=pick(visit.label, language) if visit is not None else intake.visit_type,
            scheduled_at=local_time(scheduled),
            submitted_at=local_time(intake.submitted_at) if intake.submitted_at else None,
            reference=packet_reference(intake.id),
        ),
        scores=tuple(scores),
        flags=_flag_lines(backend, flags, language),
        consents=consents,
        questionnaires=tuple(pages),
        checklist=checklist,
    )


def packet_reference(intake_id: int) -> str:
    """How the packet names its intake (cover and footer); staff type the number to find it."""
    return f"INT-{intake_id}"


def packet_data_for(backend: Backend, intake_id: int) -> PacketData:
    """The plain data of one submitted intake's packet, decrypted and worded in the intake's language."""
    with unit_of_work(backend.db_factory) as db:
        return packet_data(backend, db, packet_intake(db, intake_id))
