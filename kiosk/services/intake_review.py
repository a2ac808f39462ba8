"""Everything a clinician reads about one intake before dosing: scores with their change over the
series, every answer as the patient saw it, each signed consent, the checklist with its holds, and flags.

Opening it is a staff view of health information, so it is written to the audit log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from kiosk.domain.answer_words import answer_label
from kiosk.domain.forms import Form, FormKind, Item, pick
from kiosk.domain.scoring import AnswerData, AnswerSheet, holds_by_item, is_scored, item_score, question_numbers, score
from kiosk.domain.series import change_markers, earlier_sessions
from kiosk.domain.statuses import FlagLevel
from kiosk.services.addenda import AddendumView, addendum_views
from kiosk.services.answer_records import intake_answers
from kiosk.services.backend import Backend
from kiosk.services.intake import FlagView, UnknownIntakeError, first_visit, flag_view
from kiosk.services.patients import PatientView, patient_view
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.services.trends import STAFF_LANGUAGE, questionnaire_scores, submitted_sessions
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment, ConsentRecord, Flag, Intake, IntakeStatus, Patient, StaffUser


@dataclass(frozen=True, slots=True)
class ItemAnswer:
    """One question with the answer as the patient saw it (label None: not answered)."""

    item_id: str
    number: int
    question: str
    answer_label: str | None
    scored: bool
    """Counts toward the total (kiosk.domain.scoring.is_scored); `score` is None for an item that does not."""
    score: int | None
    value: AnswerData | None


@dataclass(frozen=True, slots=True)
class QuestionnaireReview:
    form_id: str
    title: str
    total: int | None
    maximum: int | None
    band_code: str | None
    band_label: str | None
    complete: bool
    missing: tuple[str, ...]
    baseline_total: int | None
    previous_total: int | None
    change_from_baseline: int | None
    change_from_previous: int | None
    response: bool
    remission: bool
    items: tuple[ItemAnswer, ...]

    @property
    def incomplete(self) -> bool:
        return self.total is None

    @property
    def has_baseline(self) -> bool:
        """Whether an earlier session gives a baseline: without one, response and remission do not apply."""
        return self.baseline_total is not None


@dataclass(frozen=True, slots=True)
class ConsentReview:
    record_id: int
    form_id: str
    title: str
    version: str
    language: str
    text_sha256: str
    typed_name: str
    name_matches: bool
    signature_png: bytes
    reading_started_at: dt.datetime
    signed_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ChecklistLine:
    """A checklist answer, with the hold messages (if any) this answer raised."""

    item_id: str
    question: str
    answer_label: str | None
    holds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ChecklistReview:
    form_id: str
    title: str
    lines: tuple[ChecklistLine, ...]
    holds: tuple[FlagView, ...]


@dataclass(frozen=True, slots=True)
class IntakeReview:
    intake_id: int
    status: IntakeStatus
    patient: PatientView
    visit_type: str
    visit_label: Mapping[str, str]
    appointment_starts_at: dt.datetime | None
    language: str
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    reviewed_by: str | None
    supersedes_id: int | None
    questionnaires: tuple[QuestionnaireReview, ...]
    consents: tuple[ConsentReview, ...]
    checklist: ChecklistReview | None
    flags: tuple[FlagView, ...]
    addenda: tuple[AddendumView, ...] = ()
    staff_names: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """Display names of the staff who answered a flag or reviewed, by username."""

    def name_of(self, username: str | None) -> str:
        return self.staff_names.get(username, username) if username else "a clinician"


def _shown_items(form: Form, answers: Mapping[str, AnswerData]) -> tuple[Item, ...]:
    """The questions asked given the answers; an answer left over from a changed earlier answer (a driver's
    name after "no ride home") no longer applies and is not shown."""
    sheet = AnswerSheet(form, answers)
    return tuple(item for item in form.answerable_items() if sheet.group_applies(item))


def intake_review(backend: Backend, intake_id: int, staff: StaffIdentity) -> IntakeReview:
    """The whole intake for a clinician, audited as a view of the patient's record."""
    require(staff, Permission.VIEW_CLINICAL)
    cipher = backend.cipher
    forms = backend.forms
    with unit_of_work(backend.db_factory) as db:
        intake = db.get(Intake, intake_id)
        if intake is None:
            raise UnknownIntakeError(f"there is no intake {intake_id}")
        patient = patient_view(cipher, db.get_one(Patient, intake.patient_id))
        appointment = db.get(Appointment, intake.appointment_id) if intake.appointment_id else None
        answers = intake_answers(cipher, db, intake_id)
        first_visit_wording = first_visit(db, intake)  # the words the patient read (kiosk.domain.first_visit)
        records = list(
            db.scalars(
                select(ConsentRecord).where(ConsentRecord.intake_id == intake_id).order_by(ConsentRecord.signed_at)
            )
        )
        consents = tuple(
            ConsentReview(
                record_id=record.id,
                form_id=record.form_id,
                title=pick(forms.get(record.form_id).title, STAFF_LANGUAGE)
                if record.form_id in forms
                else record.form_id,
                version=record.form_version,
                language=record.language,
                text_sha256=record.text_sha256,
                typed_name=cipher.decrypt_text(record.typed_name_enc, context="consent_records.typed_name"),
                name_matches=record.name_matches,
                signature_png=cipher.decrypt(record.signature_png_enc, context="consent_records.signature_png"),
                reading_started_at=record.reading_started_at,
                signed_at=record.signed_at,
            )
            for record in records
        )
        flags = tuple(
            flag_view(flag) for flag in db.scalars(select(Flag).where(Flag.intake_id == intake_id).order_by(Flag.id))
        )
        history = earlier_sessions(
            submitted_sessions(db, [intake.patient_id]).get(intake.patient_id, []),
            intake_id=intake.id,
            appointment_id=intake.appointment_id,
            before=intake.submitted_at or intake.updated_at,
        )
        addenda = addendum_views(db, intake_id)
        usernames = (
            {flag.acknowledged_by for flag in flags if flag.acknowledged_by}
            | ({intake.reviewed_by} if intake.reviewed_by else set())
            | {view.created_by for view in addenda}
        )
        staff_names = {
            row.username: row.display_name
            for row in db.execute(
                select(StaffUser.username, StaffUser.display_name).where(StaffUser.username.in_(sorted(usernames)))
            )
        }
        earlier_ids = [history[0].intake_id, history[-1].intake_id] if history else []
        earlier = questionnaire_scores(backend, db, earlier_ids)
        append_audit(
            db,
            at=backend.now(),
            actor=staff.username,
            action="intake.view",
            patient_id=intake.patient_id,
            intake_id=intake.id,
        )
        visit = backend.settings.visit_type(intake.visit_type)
    # The database session kept the loaded intake readable (expire_on_commit=False); nothing below touches the database.
    baseline = earlier.get(history[0].intake_id, {}) if history else {}
    previous = earlier.get(history[-1].intake_id, {}) if history else {}
    questionnaires = []
    for form_id in visit.questionnaires:
        if form_id not in forms:
            continue
        form = forms.get(form_id)
        values = answers.get(form_id, {})
        result = score(form, values, STAFF_LANGUAGE)
        numbers = question_numbers(form)
        first = baseline.get(form_id)
        last = previous.get(form_id)
        first_total = first.total if first is not None else None
        last_total = last.total if last is not None else None
        total = result.total
        response, remission = change_markers(form, first_total, total)
        questionnaires.append(
            QuestionnaireReview(
                form_id=form_id,
                title=pick(form.title, STAFF_LANGUAGE),
                total=total,
                maximum=result.maximum,
                band_code=result.band.code if result.band else None,
                band_label=pick(result.band.label, STAFF_LANGUAGE) if result.band else None,
                complete=result.complete,
                missing=result.missing,
                baseline_total=first_total,
                previous_total=last_total,
                change_from_baseline=total - first_total if total is not None and first_total is not None else None,
                change_from_previous=total - last_total if total is not None and last_total is not None else None,
                response=response,
                remission=remission,
                items=tuple(
                    ItemAnswer(
                        item_id=item.id,
                        number=numbers[item.id],
                        question=pick(item.text_for(first_visit=first_visit_wording), STAFF_LANGUAGE),
                        answer_label=answer_label(item, values.get(item.id), STAFF_LANGUAGE),
                        scored=is_scored(form, item.id),
                        score=item_score(form, item, values.get(item.id)),
                        value=values.get(item.id),
                    )
                    for item in _shown_items(form, values)
                ),
            )
        )
    checklist = _checklist(backend, visit.checklist, answers, flags, first_visit=first_visit_wording)
    return IntakeReview(
        intake_id=intake_id,
        status=IntakeStatus(intake.status),
        patient=patient,
        visit_type=visit.id,
        visit_label=dict(visit.label),
        appointment_starts_at=appointment.starts_at.astimezone() if appointment else None,
        language=intake.language,
        started_at=intake.started_at,
        submitted_at=intake.submitted_at,
        reviewed_at=intake.reviewed_at,
        reviewed_by=intake.reviewed_by,
        supersedes_id=intake.supersedes_id,
        questionnaires=tuple(questionnaires),
        consents=consents,
        checklist=checklist,
        flags=flags,
        addenda=addenda,
        staff_names=staff_names,
    )


def _checklist(
    backend: Backend,
    form_id: str | None,
    answers: Mapping[str, Mapping[str, AnswerData]],
    flags: tuple[FlagView, ...],
    *,
    first_visit: bool,
) -> ChecklistReview | None:
    """The checklist's answers, each under the question as the patient read it, with the holds whose rule looks
    at that question."""
    if not form_id or form_id not in backend.forms:
        return None
    form = backend.forms.get(form_id)
    if form.kind is not FormKind.CHECKLIST:
        return None
    values = answers.get(form_id, {})
    holds = tuple(
        flag for flag in flags if flag.form_id == form_id and flag.level is FlagLevel.HOLD and flag.cleared_at is None
    )
    by_item = holds_by_item(form, ((flag.code, flag.message) for flag in holds))
    lines = tuple(
        ChecklistLine(
            item_id=item.id,
            question=pick(item.text_for(first_visit=first_visit), STAFF_LANGUAGE),
            answer_label=answer_label(item, values.get(item.id), STAFF_LANGUAGE),
            holds=tuple(by_item.get(item.id, ())),
        )
        for item in _shown_items(form, values)
    )
    return ChecklistReview(form_id=form_id, title=pick(form.title, STAFF_LANGUAGE), lines=lines, holds=holds)
