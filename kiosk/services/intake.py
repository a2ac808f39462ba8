"""The intake use cases: begin or resume, record an answer, sign a consent, submit, correct.

Each call is one unit of work: one database session, one transaction, committed before it returns, so an answer
the patient saw accepted survives a crash or a power cut. A submitted intake is never changed in place:
every write to one is refused with IntakeLockedError, and a correction is a new record pointing at it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.first_visit import VisitRecord, is_first_visit
from kiosk.domain.forms import Form, FormKind, Version, pick, text_sha256
from kiosk.domain.on_file import mask_contact
from kiosk.domain.refusals import RefusedError
from kiosk.domain.scoring import AnswerData, AnswerSheet, RaisedFlag, normalize_answer, score
from kiosk.domain.statuses import FlagLevel
from kiosk.domain.typed_text import MAX_FULL_NAME_LENGTH, TypedTextError, clean_typed_text
from kiosk.domain.visit_needs import SignedConsent, VisitTask, tasks_for_visit
from kiosk.services.answer_records import answers_by_form, encrypt_answer
from kiosk.services.backend import Backend
from kiosk.services.patients import normalize_name, patient_view
from kiosk.services.permissions import Permission, StaffIdentity, require
from kiosk.store.audit import append_audit
from kiosk.store.crypto import FieldCipher
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Answer, Appointment, ConsentRecord, Flag, Intake, IntakeStatus, Patient

KIOSK_ACTOR = "kiosk"
NAME_MISMATCH_FLAG = "consent_name_mismatch"
CONSENT_DECLINED_FLAG = "consent_declined"
CONSENT_QUESTION_FLAG = "consent_question"

Strokes = Sequence[Sequence[tuple[float, float]]]


class IntakeLockedError(RefusedError):
    """A write to an intake that was already submitted; a correction must be a new record."""


class IncompleteIntakeError(RefusedError):
    """Submit was asked for while something the visit needs is still unanswered or unsigned."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__("still to do: " + ", ".join(self.missing))


class UnknownIntakeError(RefusedError, LookupError):
    """No intake with that id."""


@dataclass(frozen=True, slots=True)
class FlagView:
    id: int
    form_id: str
    code: str
    level: FlagLevel
    message: str
    raised_at: dt.datetime
    cleared_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None
    acknowledged_outcome: str | None = None
    acknowledged_note: str | None = None


@dataclass(frozen=True, slots=True)
class IntakeState:
    """Everything the patient flow needs to continue an intake; plain data, safe to hand to the UI."""

    intake_id: int
    appointment_id: int | None
    visit_type: str
    language: str
    status: IntakeStatus
    tasks: tuple[VisitTask, ...]
    answers: Mapping[str, Mapping[str, AnswerData]]
    signed_consents: frozenset[str]
    resume_step: str | None
    flags: tuple[FlagView, ...] = field(default=())
    first_visit: bool = False
    """No other visit of this patient was submitted when this one began: questions read their first-visit wording
    (kiosk.domain.first_visit)."""
    on_file: Mapping[str, str] = field(default_factory=dict)
    """Records kept on file that a question asks about, masked for the patient's eyes ("emergency_contact":
    "J. Lee, (555) ...-0142"); a record the clinic does not have is absent."""

    def answers_for(self, form_id: str) -> Mapping[str, AnswerData]:
        return self.answers.get(form_id, {})


@dataclass(frozen=True, slots=True)
class AnswerOutcome:
    """What recording one answer changed: flags newly raised (and which patient screens they ask for)."""

    value: AnswerData
    raised: tuple[RaisedFlag, ...]

    @property
    def patient_screens(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.patient_screen for f in self.raised if f.patient_screen))


@dataclass(frozen=True, slots=True)
class ConsentOutcome:
    record_id: int
    name_matches: bool
    text_sha256: str


# ------------------------------------------------------------------------------------------ helpers


def _intake(db: Session, intake_id: int) -> Intake:
    intake = db.get(Intake, intake_id)
    if intake is None:
        raise UnknownIntakeError(f"no intake with id {intake_id}")
    return intake


def _writable(db: Session, intake_id: int) -> Intake:
    intake = _intake(db, intake_id)
    if intake.status != IntakeStatus.DRAFT.value:
        when = intake.submitted_at.isoformat(timespec="minutes") if intake.submitted_at else "earlier"
        raise IntakeLockedError(
            f"intake {intake_id} was submitted ({when}) and cannot be changed; a correction is a new intake "
            "that points at it"
        )
    return intake


def _form_answers(db: Session, cipher: FieldCipher, intake_id: int, form_id: str) -> dict[str, AnswerData]:
    rows = db.scalars(select(Answer).where(Answer.intake_id == intake_id, Answer.form_id == form_id))
    return answers_by_form(cipher, list(rows)).get(form_id, {})


def flag_view(flag: Flag) -> FlagView:
    """A stored flag as plain data for screens and documents."""
    return FlagView(
        id=flag.id,
        form_id=flag.form_id,
        code=flag.code,
        level=FlagLevel(flag.level),
        message=flag.message,
        raised_at=flag.raised_at,
        cleared_at=flag.cleared_at,
        acknowledged_at=flag.acknowledged_at,
        acknowledged_by=flag.acknowledged_by,
        acknowledged_outcome=flag.acknowledged_outcome,
        acknowledged_note=flag.acknowledged_note,
    )


def _history(db: Session, patient_id: int, excluding_intake: int | None) -> list[SignedConsent]:
    query = select(ConsentRecord).where(ConsentRecord.patient_id == patient_id)
    if excluding_intake is not None:
        query = query.where(ConsentRecord.intake_id != excluding_intake)
    return [
        SignedConsent(record.form_id, Version.parse(record.form_version), record.signed_at)
        for record in db.scalars(query)
    ]


def _state(backend: Backend, db: Session, intake: Intake) -> IntakeState:
    visit_type = backend.settings.visit_type(intake.visit_type)
    tasks = tasks_for_visit(visit_type, backend.forms, _history(db, intake.patient_id, intake.id), intake.started_at)
    answers = list(db.scalars(select(Answer).where(Answer.intake_id == intake.id)))
    signed = frozenset(db.scalars(select(ConsentRecord.form_id).where(ConsentRecord.intake_id == intake.id)))
    flags = db.scalars(select(Flag).where(Flag.intake_id == intake.id).order_by(Flag.id))
    return IntakeState(
        intake_id=intake.id,
        appointment_id=intake.appointment_id,
        visit_type=intake.visit_type,
        language=intake.language,
        status=IntakeStatus(intake.status),
        tasks=tasks,
        answers=answers_by_form(backend.cipher, answers),
        signed_consents=signed,
        resume_step=intake.resume_step,
        flags=tuple(flag_view(flag) for flag in flags),
        first_visit=first_visit(db, intake),
        on_file=_on_file(backend.cipher, db.get_one(Patient, intake.patient_id)),
    )


def first_visit(db: Session, intake: Intake) -> bool:
    """Whether the patient reads this intake's questions in their first-visit wording (kiosk.domain.first_visit):
    the kiosk's screens, the packet and the staff review all ask here."""
    rows = db.execute(
        select(Intake.id, Intake.appointment_id, Intake.started_at, Intake.submitted_at, Intake.supersedes_id).where(
            Intake.patient_id == intake.patient_id
        )
    )
    others = [
        VisitRecord(row.id, row.appointment_id, row.started_at, row.submitted_at, row.supersedes_id) for row in rows
    ]
    return is_first_visit(_visit_record(intake), others)


def _visit_record(intake: Intake) -> VisitRecord:
    return VisitRecord(intake.id, intake.appointment_id, intake.started_at, intake.submitted_at, intake.supersedes_id)


def _on_file(cipher: FieldCipher, patient: Patient) -> dict[str, str]:
    """The patient's records a checklist may ask about, masked (kiosk.domain.on_file)."""
    contact = patient_view(cipher, patient).emergency_contact
    return {"emergency_contact": mask_contact(contact.name, contact.phone)} if contact is not None else {}


# ------------------------------------------------------------------------------------------ use cases


def begin_intake(backend: Backend, appointment_id: int, language: str) -> IntakeState:
    """The draft intake of this appointment, resumed if one exists, otherwise started now.

    A submitted one is returned as it is (status submitted) so the flow can say the check-in is done.
    """
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        appointment = db.get_one(Appointment, appointment_id)
        intake = db.scalars(
            select(Intake)
            .where(Intake.appointment_id == appointment_id, Intake.supersedes_id.is_(None))
            .order_by(Intake.id.desc())
            .limit(1)
        ).first()
        if intake is None:
            intake = Intake(
                appointment_id=appointment.id,
                patient_id=appointment.patient_id,
                visit_type=appointment.visit_type,
                language=language,
                status=IntakeStatus.DRAFT.value,
                started_at=now,
                updated_at=now,
            )
            db.add(intake)
            db.flush()
        elif intake.status == IntakeStatus.DRAFT.value and intake.language != language:
            intake.language = language
            intake.updated_at = now
        return _state(backend, db, intake)


def intake_state(backend: Backend, intake_id: int) -> IntakeState:
    with unit_of_work(backend.db_factory) as db:
        return _state(backend, db, _intake(db, intake_id))


def set_language(backend: Backend, intake_id: int, language: str) -> None:
    with unit_of_work(backend.db_factory) as db:
        intake = _writable(db, intake_id)
        intake.language = language
        intake.updated_at = backend.now()


def record_answer(backend: Backend, intake_id: int, form_id: str, item_id: str, raw_value: object) -> AnswerOutcome:
    """Check and store one answer in its own committed transaction, and raise or clear its form's flags.

    Raises AnswerError for a value the item does not take, IntakeLockedError for a submitted intake.
    """
    form = backend.forms.get(form_id)
    item = form.item(item_id)
    value = normalize_answer(item, raw_value)
    now = backend.now()
    cipher = backend.cipher
    with unit_of_work(backend.db_factory) as db:
        intake = _writable(db, intake_id)
        answer = db.scalars(
            select(Answer).where(Answer.intake_id == intake_id, Answer.form_id == form_id, Answer.item_id == item_id)
        ).first()
        encrypted = encrypt_answer(cipher, value)
        if answer is None:
            db.add(
                Answer(
                    intake_id=intake_id,
                    form_id=form_id,
                    form_version=str(form.version),
                    item_id=item_id,
                    language=intake.language,
                    value_enc=encrypted,
                    answered_at=now,
                )
            )
        else:
            answer.value_enc = encrypted
            answer.form_version = str(form.version)
            answer.language = intake.language
            answer.answered_at = now
        intake.updated_at = now
        intake.resume_step = f"{form_id}/{item_id}"
        db.flush()
        answers = _form_answers(db, cipher, intake_id, form_id)
        raised = _sync_flags(db, form, intake, answers, now)
    return AnswerOutcome(value=value, raised=raised)


def _sync_flags(
    db: Session, form: Form, intake: Intake, answers: Mapping[str, AnswerData], now: dt.datetime
) -> tuple[RaisedFlag, ...]:
    """Store flags the moment their condition holds; mark cleared the ones whose condition stopped holding.

    Urgent flags stay on the board until a clinician acknowledges them, even if the answer changes later.
    """
    current = {flag.code: flag for flag in score(form, answers, "en").flags}
    existing = {
        flag.code: flag for flag in db.scalars(select(Flag).where(Flag.intake_id == intake.id, Flag.form_id == form.id))
    }
    newly: list[RaisedFlag] = []
    for code, raised in current.items():
        stored = existing.get(code)
        if stored is None:
            db.add(
                Flag(
                    intake_id=intake.id,
                    patient_id=intake.patient_id,
                    form_id=form.id,
                    code=code,
                    level=raised.level.value,
                    message=raised.message,
                    raised_at=now,
                )
            )
            newly.append(raised)
        elif stored.cleared_at is not None:
            stored.cleared_at = None
            newly.append(raised)
    for code, stored in existing.items():
        if code not in current and stored.cleared_at is None:
            stored.cleared_at = now
    return tuple(newly)


def names_match(typed: str, first_name: str, last_name: str) -> bool:
    """The typed full name is the record's, ignoring case, accents, spacing and word order."""
    typed_words = normalize_name(typed.replace(",", " ")).split()
    record_words = normalize_name(f"{first_name} {last_name}").split()
    return bool(typed_words) and sorted(typed_words) == sorted(record_words)


MAX_SIGNATURE_POINTS = 50_000
"""Far more than a signature drawn on the pad (a few thousand points); a bigger one is not a signature."""
MAX_SIGNATURE_PNG_BYTES = 2_000_000


def check_signature_size(strokes: Strokes, signature_png: bytes) -> None:
    """TypedTextError (one sentence) for a signature no pad draws: too many points, or an image too large."""
    points = sum(len(stroke) for stroke in strokes)
    if points > MAX_SIGNATURE_POINTS:
        raise TypedTextError(f"the signature has {points} points; at most {MAX_SIGNATURE_POINTS} are kept")
    if len(signature_png) > MAX_SIGNATURE_PNG_BYTES:
        raise TypedTextError(f"the signature image is larger than {MAX_SIGNATURE_PNG_BYTES // 1_000_000} MB")


def sign_consent(
    backend: Backend,
    intake_id: int,
    form_id: str,
    *,
    typed_name: str,
    strokes: Strokes,
    signature_png: bytes,
    reading_started_at: dt.datetime,
    adopted: bool = False,
) -> ConsentOutcome:
    """Keep the exact text shown (and its SHA-256), version, language, typed name, strokes and image.

    `adopted` says the patient signed with the signature they drew on an earlier consent of this visit (an
    explicit tap); the record then notes when it was adopted, and still keeps its own copy of the strokes and
    image with its own text and hash.

    A typed name that does not match the record is still accepted (never refuse the patient) and marked
    for staff review with an info flag. A name or signature no screen can produce (longer than
    MAX_FULL_NAME_LENGTH, not text, a signature of more than MAX_SIGNATURE_POINTS) is refused with
    TypedTextError before anything is stored.
    """
    form = _consent_form(backend, form_id)
    typed_name = clean_typed_text(typed_name, what="name typed under the signature", max_length=MAX_FULL_NAME_LENGTH)
    check_signature_size(strokes, signature_png)
    now = backend.now()
    cipher = backend.cipher
    with unit_of_work(backend.db_factory) as db:
        intake = _writable(db, intake_id)
        patient = patient_view(cipher, db.get_one(Patient, intake.patient_id))
        text = form.consent_text(intake.language)
        matches = names_match(typed_name, patient.first_name, patient.last_name)
        record = ConsentRecord(
            intake_id=intake_id,
            patient_id=intake.patient_id,
            form_id=form_id,
            form_version=str(form.version),
            language=intake.language,
            text_snapshot=text,
            text_sha256=text_sha256(text),
            typed_name_enc=cipher.encrypt(typed_name, context="consent_records.typed_name"),
            signature_strokes_enc=cipher.encrypt_json(
                [[[round(x, 2), round(y, 2)] for x, y in stroke] for stroke in strokes],
                context="consent_records.signature_strokes",
            ),
            signature_png_enc=cipher.encrypt(signature_png, context="consent_records.signature_png"),
            reading_started_at=reading_started_at,
            signed_at=now,
            name_matches=matches,
            signature_adopted_at=now if adopted else None,
        )
        db.add(record)
        if not matches:
            db.add(
                Flag(
                    intake_id=intake_id,
                    patient_id=intake.patient_id,
                    form_id=form_id,
                    code=NAME_MISMATCH_FLAG,
                    level=FlagLevel.INFO.value,
                    message=f"The name typed on “{pick(form.title, 'en')}” does not match the patient record: "
                    "check the signature before relying on it.",
                    raised_at=now,
                )
            )
        # Signed after all (the patient talked with staff): the "did not agree" hold has no reason left.
        for declined in db.scalars(
            select(Flag).where(Flag.intake_id == intake_id, Flag.form_id == form_id, Flag.cleared_at.is_(None))
        ):
            if declined.code == CONSENT_DECLINED_FLAG:
                declined.cleared_at = now
        intake.updated_at = now
        intake.resume_step = f"{form_id}/signed"
        db.flush()
        return ConsentOutcome(record_id=record.id, name_matches=matches, text_sha256=record.text_sha256)


def _consent_form(backend: Backend, form_id: str) -> Form:
    form = backend.forms.get(form_id)
    if form.kind is not FormKind.CONSENT:
        raise ValueError(f"form {form_id!r} is not a consent")
    return form


def _raise_consent_flag(
    backend: Backend, intake_id: int, form_id: str, *, code: str, level: FlagLevel, message: str, action: str
) -> FlagView:
    """Store one flag about a consent (once while it is open) and audit what the patient did; nothing is signed."""
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        intake = _writable(db, intake_id)
        open_flags = db.scalars(
            select(Flag).where(Flag.intake_id == intake_id, Flag.form_id == form_id, Flag.cleared_at.is_(None))
        ).all()
        open_flag = next((existing for existing in open_flags if existing.code == code), None)
        if open_flag is None:
            open_flag = Flag(
                intake_id=intake_id,
                patient_id=intake.patient_id,
                form_id=form_id,
                code=code,
                level=level.value,
                message=message,
                raised_at=now,
            )
            db.add(open_flag)
        intake.updated_at = now
        db.flush()
        # The detail names the (encrypted) flag, not the consent: which consent it is is health information.
        append_audit(
            db,
            at=now,
            actor=KIOSK_ACTOR,
            action=action,
            patient_id=intake.patient_id,
            intake_id=intake.id,
            detail=f"flag {open_flag.id}",
        )
        db.flush()
        return flag_view(open_flag)


def decline_consent(backend: Backend, intake_id: int, form_id: str) -> FlagView:
    """The patient tapped "I do not agree": kept as a hold naming the consent (see staff before dosing) and in the
    audit log. Nothing is signed; the consent stays due, so the intake cannot be submitted until the patient,
    after talking with staff, signs it (which clears the hold) or staff take the visit over."""
    form = _consent_form(backend, form_id)
    return _raise_consent_flag(
        backend,
        intake_id,
        form_id,
        code=CONSENT_DECLINED_FLAG,
        level=FlagLevel.HOLD,
        message=f"The patient did not agree to “{pick(form.title, 'en')}”. Talk with them before anything that "
        "needs this consent; it is not signed.",
        action="consent.decline",
    )


def ask_about_consent(backend: Backend, intake_id: int, form_id: str) -> FlagView:
    """The patient tapped "I have a question": an info flag naming the consent, and an audit entry. The consent
    stays unsigned (and due) while the patient goes on with the other tasks."""
    form = _consent_form(backend, form_id)
    return _raise_consent_flag(
        backend,
        intake_id,
        form_id,
        code=CONSENT_QUESTION_FLAG,
        level=FlagLevel.INFO,
        message=f"The patient has a question about “{pick(form.title, 'en')}” before signing it. "
        "Please answer it at the tablet; it is not signed yet.",
        action="consent.question",
    )


def missing_tasks(backend: Backend, state: IntakeState) -> list[str]:
    """What is still to do before submit, as `form_id` or `form_id/item_id` strings."""
    missing: list[str] = []
    for task in state.tasks:
        if task.kind is FormKind.CONSENT:
            if task.form_id not in state.signed_consents:
                missing.append(task.form_id)
            continue
        sheet = AnswerSheet(backend.forms.get(task.form_id), state.answers_for(task.form_id))
        missing.extend(f"{task.form_id}/{item_id}" for item_id in sheet.unanswered_required())
    return missing


def submit_intake(backend: Backend, intake_id: int) -> IntakeState:
    """Lock the intake as submitted once everything the visit needs is there."""
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        intake = _writable(db, intake_id)
        state = _state(backend, db, intake)
        missing = missing_tasks(backend, state)
        if missing:
            raise IncompleteIntakeError(missing)
        intake.status = IntakeStatus.SUBMITTED.value
        intake.submitted_at = now
        intake.updated_at = now
        intake.resume_step = None
        append_audit(
            db,
            at=now,
            actor=KIOSK_ACTOR,
            action="intake.submit",
            patient_id=intake.patient_id,
            intake_id=intake.id,
        )
        db.flush()
        return _state(backend, db, intake)


def start_correction(backend: Backend, intake_id: int, staff: StaffIdentity) -> IntakeState:
    """A new draft that supersedes a submitted intake, starting from a copy of its answers."""
    require(staff, Permission.START_CORRECTION)
    actor = staff.username
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        original = _intake(db, intake_id)
        if original.status == IntakeStatus.DRAFT.value:
            raise ValueError(f"intake {intake_id} is still a draft; it can be finished instead of corrected")
        correction = Intake(
            appointment_id=original.appointment_id,
            patient_id=original.patient_id,
            visit_type=original.visit_type,
            language=original.language,
            status=IntakeStatus.DRAFT.value,
            started_at=now,
            updated_at=now,
            supersedes_id=original.id,
        )
        db.add(correction)
        db.flush()
        for answer in db.scalars(select(Answer).where(Answer.intake_id == original.id)):
            db.add(
                Answer(
                    intake_id=correction.id,
                    form_id=answer.form_id,
                    form_version=answer.form_version,
                    item_id=answer.item_id,
                    language=answer.language,
                    value_enc=answer.value_enc,
                    answered_at=answer.answered_at,
                )
            )
        db.flush()
        # The correction carries the holds and flags its answers raise, so the board shows them at once.
        for form_id, answers in answers_by_form(
            backend.cipher, list(db.scalars(select(Answer).where(Answer.intake_id == correction.id)))
        ).items():
            _sync_flags(db, backend.forms.get(form_id), correction, answers, now)
        append_audit(
            db,
            at=now,
            actor=actor,
            action="intake.correct",
            patient_id=original.patient_id,
            intake_id=correction.id,
            detail=f"supersedes intake {original.id}",
        )
        db.flush()
        return _state(backend, db, correction)
