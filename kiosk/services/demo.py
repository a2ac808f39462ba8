"""A synthetic demo day: SYNTHETIC patients only, never real people.

About ten appointments today across the visit types, four patients with five earlier weekly sessions of
PHQ-9 and GAD-7 (so trends have something to show, improving as treatment usually goes), and one of them
with a positive PHQ-9 item 9 in the past, acknowledged by a clinician. Everything goes through the same
service functions the kiosk and the console use, with a clock set to the past, so demo records are shaped
exactly like real ones: each past session has its signed packet and a signed review addendum. Running it
again adds nothing that is already there (patients are keyed by chart number, appointments by a source
reference).

Seeding signs packets and addenda (reportlab, pyHanko) and hashes staff passwords (argon2); those modules are
imported by `seed_demo` itself, so a test driver that reads only the demo's prepared answers does not load them
into the kiosk process it drives (28 MB).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from kiosk.domain.forms import Form, FormKind, ItemType
from kiosk.domain.scoring import AnswerData, AnswerSheet, score
from kiosk.domain.statuses import FlagLevel
from kiosk.services.backend import Backend, Clock
from kiosk.services.intake import begin_intake, record_answer, sign_consent, submit_intake
from kiosk.services.patients import EmergencyContact, add_patient
from kiosk.services.permissions import StaffIdentity
from kiosk.services.signature_image import strokes_to_png
from kiosk.store.engine import unit_of_work
from kiosk.store.models import Appointment, AppointmentStatus, Patient, StaffRole, StaffUser, StoreMeta, chart_index

if TYPE_CHECKING:
    from kiosk.services.packets import PacketMaker

DEMO_CLINICIAN = "demo-clinician"
DEMO_REVIEWER = StaffIdentity(
    user_id=0, username=DEMO_CLINICIAN, display_name="Demo clinician", role=StaffRole.CLINICIAN
)
"""Who reviewed the demo's past sessions, as the seeding records it (the reviews happened before the accounts)."""


@dataclass(frozen=True, slots=True)
class DemoPatient:
    chart_number: str
    first_name: str
    last_name: str
    dob: dt.date
    language: str
    phone: str


# Synthetic people. Any resemblance to a real person is accidental.
DEMO_PATIENTS = (
    DemoPatient("DEMO-0001", "Sam", "Taylor", dt.date(1979, 7, 2), "en", "(555) 010-0101"),
    DemoPatient("DEMO-0002", "Ana", "García", dt.date(1984, 3, 15), "es", "(555) 010-0102"),
    DemoPatient("DEMO-0003", "Daniel", "Okafor", dt.date(1991, 11, 23), "en", "(555) 010-0103"),
    DemoPatient("DEMO-0004", "Priya", "Raman", dt.date(1972, 1, 9), "en", "(555) 010-0104"),
    DemoPatient("DEMO-0005", "José", "Núñez", dt.date(1968, 5, 30), "es", "(555) 010-0105"),
    DemoPatient("DEMO-0006", "Morgan", "Lee", dt.date(1995, 9, 14), "en", "(555) 010-0106"),
    DemoPatient("DEMO-0007", "Elena", "Petrova", dt.date(1988, 12, 1), "en", "(555) 010-0107"),
    DemoPatient("DEMO-0008", "Chris", "O'Neil", dt.date(1982, 4, 27), "en", "(555) 010-0108"),
    DemoPatient("DEMO-0009", "Lucía", "Fernández", dt.date(1999, 2, 18), "es", "(555) 010-0109"),
    DemoPatient("DEMO-0010", "Robin", "Park", dt.date(1975, 8, 8), "en", "(555) 010-0110"),
)

# Today's schedule: (patient index, local time, visit type)
TODAY = (
    (0, dt.time(8, 0), "im_ketamine"),
    (1, dt.time(8, 30), "spravato"),
    (2, dt.time(9, 0), "im_ketamine"),
    (3, dt.time(9, 30), "integration"),
    (4, dt.time(10, 0), "spravato"),
    (5, dt.time(10, 30), "im_ketamine"),
    (6, dt.time(11, 0), "integration"),
    (7, dt.time(13, 0), "im_ketamine"),
    (8, dt.time(13, 30), "spravato"),
    (9, dt.time(14, 0), "im_ketamine"),
)

# Patients with a treatment series behind them: (patient index, visit type, PHQ-9 baseline, GAD-7 baseline)
SERIES = ((0, "im_ketamine", 19, 15), (1, "spravato", 22, 17), (2, "im_ketamine", 16, 12), (3, "im_ketamine", 13, 11))
SERIES_SESSIONS = 5
DOSING_SESSION_PATIENTS = (0, 1)
"""Whose latest series visit has a recorded dosing session (kiosk/services/demo_sessions.py): IM and Spravato."""
ITEM9_PATIENT = 2  # Daniel Okafor answered item 9 above 0 at his second session
ITEM9_SESSION = 1


@dataclass(frozen=True, slots=True)
class DemoStaff:
    username: str
    display_name: str
    role: StaffRole
    password: str
    pin: str


# Demo accounts, printed in the README; a real clinic disables them (kiosk staff-user disable NAME).
DEMO_STAFF = (
    DemoStaff("admin", "Demo Admin", StaffRole.ADMIN, "demo-admin-2026", "9753"),
    DemoStaff("dr.rivera", "Dr. Alex Rivera (demo)", StaffRole.CLINICIAN, "demo-clinician-2026", "2468"),
    DemoStaff("frontdesk", "Front Desk (demo)", StaffRole.FRONT_DESK, "demo-frontdesk-2026", "1357"),
)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    patients_added: int
    appointments_added: int
    intakes_added: int
    staff_added: int = 0
    sessions_added: int = 0


DEMO_SEEDER = StaffIdentity(user_id=0, username="demo", display_name="the demo data", role=StaffRole.ADMIN)
"""Who the audit log says added the demo's accounts: `kiosk demo` needs no sign-in (it builds a clinic of
made-up people), so the seeding acts as the clinic's admin in-process."""


def _ensure_staff(backend: Backend) -> int:
    from kiosk.services.staff_accounts import create_staff_user, list_staff_users, set_pin

    existing = {user.username for user in list_staff_users(backend, DEMO_SEEDER)}
    added = 0
    for person in DEMO_STAFF:
        if person.username in existing:
            continue
        create_staff_user(
            backend,
            DEMO_SEEDER,
            username=person.username,
            display_name=person.display_name,
            role=person.role,
            password=person.password,
        )
        set_pin(backend, person.username, person.pin, DEMO_SEEDER)
        added += 1
    return added


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time).astimezone().astimezone(dt.UTC)


def _ensure_patient(backend: Backend, person: DemoPatient) -> tuple[int, bool]:
    with unit_of_work(backend.db_factory) as db:
        chart_key = chart_index(backend.cipher, person.chart_number)
        existing = db.scalars(select(Patient.id).where(Patient.chart_key == chart_key)).first()
        if existing is not None:
            return existing, False
        patient = add_patient(
            db,
            backend.cipher,
            first_name=person.first_name,
            last_name=person.last_name,
            dob=person.dob,
            language=person.language,
            now=backend.now(),
            chart_number=person.chart_number,
            phone=person.phone,
            emergency_contact=EmergencyContact(name="Jordan Example (synthetic)", phone="(555) 010-0199"),
        )
        return patient.id, True


def _ensure_appointment(
    backend: Backend, patient_id: int, starts_at: dt.datetime, visit_type: str, ref: str
) -> tuple[int, bool]:
    with unit_of_work(backend.db_factory) as db:
        existing = db.scalars(select(Appointment.id).where(Appointment.source_ref == ref)).first()
        if existing is not None:
            return existing, False
        appointment = Appointment(
            patient_id=patient_id,
            starts_at=starts_at,
            visit_type=visit_type,
            status=AppointmentStatus.SCHEDULED.value,
            source_ref=ref,
            created_at=backend.now(),
        )
        db.add(appointment)
        db.flush()
        return appointment.id, True


def demo_signature(seed: int) -> list[list[tuple[float, float]]]:
    """A cursive-looking synthetic scribble, different for each seed."""
    rng = random.Random(seed)
    points = []
    for step in range(80):
        t = step / 79
        x = 0.08 + 0.84 * t
        y = 0.55 + 0.22 * math.sin(t * math.pi * (6 + rng.random() * 3)) * (1 - 0.5 * t) + rng.uniform(-0.01, 0.01)
        points.append((round(x, 4), round(y, 4)))
    underline = [(0.12, 0.85), (0.5, 0.82), (0.86, 0.86)]
    return [points, underline]


def _item_scores(total: int, count: int, rng: random.Random) -> list[int]:
    """`count` item scores of 0..3 adding up to `total`, spread a little at random."""
    scores = [0] * count
    for _ in range(min(total, 3 * count)):
        choices = [index for index in range(count) if scores[index] < 3]
        scores[rng.choice(choices)] += 1
    return scores


def _answer_questionnaire(
    backend: Backend, intake_id: int, form_id: str, scores: list[int], rng: random.Random
) -> None:
    form = backend.forms.get(form_id)
    for item, value in zip(form.answerable_items(), scores, strict=False):
        record_answer(backend, intake_id, form_id, item.id, value)
    if any(scores):
        difficulty = form.find_item("difficulty")
        if difficulty is not None:
            record_answer(backend, intake_id, form_id, difficulty.id, min(3, max(scores) - rng.randint(0, 1)))


SYNTHETIC_TEXT = {
    ItemType.TEXT: "Jordan Example (synthetic)",
    ItemType.PHONE: "(555) 010-0199",
    ItemType.DATE: "2026-01-01",
}


def prepared_patient_answers(form: Form) -> list[tuple[str, AnswerData]]:
    """Answers of a well-prepared patient: at each question the first option that raises no flag.

    Worked out from the form's own flags, so it holds for any checklist a clinic writes.
    """
    answers: dict[str, AnswerData] = {}
    for item in form.all_items():
        sheet = AnswerSheet(form, answers)
        if not item.is_answered_type or not item.required or not sheet.group_applies(item):
            continue
        if item.options:
            baseline = {flag.code for flag in score(form, answers).flags}
            chosen = item.options[-1].code
            for option in item.options:
                trial = {**answers, item.id: option.code}
                if {flag.code for flag in score(form, trial).flags} <= baseline:
                    chosen = option.code
                    break
            answers[item.id] = [chosen] if item.type is ItemType.MULTI_CHOICE else chosen
        elif item.type is ItemType.NUMBER:
            answers[item.id] = item.minimum if item.minimum is not None else 0
        else:
            answers[item.id] = SYNTHETIC_TEXT.get(item.type, "Synthetic answer")
    return list(answers.items())


def _answer_checklist(backend: Backend, intake_id: int, form_id: str) -> None:
    for item_id, value in prepared_patient_answers(backend.forms.get(form_id)):
        record_answer(backend, intake_id, form_id, item_id, value)


def _complete_session(backend: Backend, appointment_id: int, person: DemoPatient, seed: int, phq: int, gad: int) -> int:
    rng = random.Random(seed)
    state = begin_intake(backend, appointment_id, person.language)
    reading_started = backend.now() - dt.timedelta(minutes=4)
    for task in state.tasks:
        if task.kind is FormKind.CONSENT:
            strokes = demo_signature(seed)
            sign_consent(
                backend,
                state.intake_id,
                task.form_id,
                typed_name=f"{person.first_name} {person.last_name}",
                strokes=strokes,
                signature_png=strokes_to_png(strokes),
                reading_started_at=reading_started,
            )
        elif task.form_id == "phq9":
            # Item 9 stays at 0 except in the one session the demo is about: a positive item 9 in the past.
            scores = [*_item_scores(phq, 8, rng), 0]
            if seed % 100 == ITEM9_SESSION and person is DEMO_PATIENTS[ITEM9_PATIENT]:
                scores[8] = 1
            _answer_questionnaire(backend, state.intake_id, "phq9", scores, rng)
        elif task.kind is FormKind.QUESTIONNAIRE:
            _answer_questionnaire(backend, state.intake_id, task.form_id, _item_scores(gad, 7, rng), rng)
        else:
            _answer_checklist(backend, state.intake_id, task.form_id)
    submit_intake(backend, state.intake_id)
    return state.intake_id


DEMO_MARKER = "demo_database"
"""store_meta: this database is a demo one (made by `kiosk demo`), so demo data may be added without a sign-in."""


class NotADemoDatabaseError(Exception):
    """Demo data was asked for in a database that holds a clinic's own accounts."""


def claim_demo_database(backend: Backend) -> None:
    """Let demo data into this database only if it is (or is becoming) a demo database.

    `kiosk demo` needs no sign-in, and it adds demo staff accounts whose passwords are printed in the README;
    run on a clinic's database it would hand anyone a known admin password. So it works only on a database
    with no staff accounts yet (then marked as a demo database), one already marked, or one seeded by demo
    before the mark existed; anything else is refused before a row is written.
    """
    with unit_of_work(backend.db_factory) as session:
        if session.get(StoreMeta, DEMO_MARKER) is not None:
            return
        has_staff = session.scalars(select(StaffUser.id).limit(1)).first() is not None
        seeded_before = (
            session.scalars(select(Appointment.id).where(Appointment.source_ref.like("demo:%")).limit(1)).first()
            is not None
        )
        if has_staff and not seeded_before:
            raise NotADemoDatabaseError(
                "this database has staff accounts of its own, so it is not a demo database: demo patients and "
                "demo accounts (with published passwords) go only into a new data folder (--data-dir)"
            )
        session.add(StoreMeta(name=DEMO_MARKER, value=backend.now().isoformat()))


def seed_demo(backend: Backend) -> DemoSummary:
    """Add the demo day and the demo treatment series; what is already there is left as it is.

    Raises NotADemoDatabaseError, before writing anything, on a database that is not a demo one."""
    from kiosk.services.demo_sessions import seed_demo_session
    from kiosk.services.flag_answers import acknowledge_urgent, mark_reviewed_signed
    from kiosk.services.packets import PacketMaker

    claim_demo_database(backend)
    today = backend.local_now().date()
    patients_added = appointments_added = intakes_added = sessions_added = 0
    patient_ids: list[int] = []
    for person in DEMO_PATIENTS:
        patient_id, added = _ensure_patient(backend, person)
        patient_ids.append(patient_id)
        patients_added += added
    for index, time, visit_type in TODAY:
        ref = f"demo:{today.isoformat()}:{DEMO_PATIENTS[index].chart_number}"
        _, added = _ensure_appointment(backend, patient_ids[index], _local(today, time), visit_type, ref)
        appointments_added += added
    maker: PacketMaker | None = None  # one per past clock, sharing the clinic's signer once it is loaded
    for index, visit_type, phq_baseline, gad_baseline in SERIES:
        person = DEMO_PATIENTS[index]
        for session_number in range(SERIES_SESSIONS):
            weeks_ago = SERIES_SESSIONS - session_number
            day = today - dt.timedelta(weeks=weeks_ago)
            starts_at = _local(day, dt.time(9, 0))
            ref = f"demo:series:{person.chart_number}:{session_number + 1}"
            appointment_id, added = _ensure_appointment(backend, patient_ids[index], starts_at, visit_type, ref)
            appointments_added += added
            if not added:
                continue
            past = dataclasses.replace(backend, clock=_fixed_clock(starts_at + dt.timedelta(minutes=5)))
            improvement = 0.78**session_number
            intake_id = _complete_session(
                past,
                appointment_id,
                person,
                seed=index * 100 + session_number,
                phq=round(phq_baseline * improvement),
                gad=round(gad_baseline * improvement),
            )
            reviewed = dataclasses.replace(backend, clock=_fixed_clock(starts_at + dt.timedelta(minutes=40)))
            maker = PacketMaker(reviewed, maker.signer if maker else None)
            outcome = reviewed.settings.acknowledgement_outcomes[0]
            for flag_id in _urgent_flag_ids(reviewed, intake_id):
                acknowledge_urgent(reviewed, maker, DEMO_REVIEWER, flag_id, outcome)
            mark_reviewed_signed(reviewed, maker, DEMO_REVIEWER, intake_id)
            intakes_added += 1
            if session_number == SERIES_SESSIONS - 1 and index in DOSING_SESSION_PATIENTS:
                sessions_added += seed_demo_session(backend, DEMO_REVIEWER, intake_id, day, visit_type) is not None
    staff_added = _ensure_staff(backend)
    return DemoSummary(patients_added, appointments_added, intakes_added, staff_added, sessions_added)


def _fixed_clock(at: dt.datetime) -> Clock:
    def clock() -> dt.datetime:
        return at

    return clock


def _urgent_flag_ids(backend: Backend, intake_id: int) -> list[int]:
    from kiosk.services.intake import intake_state

    return [flag.id for flag in intake_state(backend, intake_id).flags if flag.level is FlagLevel.URGENT]
