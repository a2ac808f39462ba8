"""Years of SYNTHETIC clinic history in one go, so the console's figures can be measured at clinic scale.

Writes made-up patients, their past weekly appointments, and a submitted (mostly reviewed) intake for each
with PHQ-9 and GAD-7 answers and the flags those answers raise (urgent ones acknowledged, as a clinic's
past would have them). Every personal value is encrypted exactly as the kiosk stores it; only the writing
is different: rows go in with bulk INSERTs in batches, inside one transaction, instead of one unit of work
per answer. Flags come from the forms' own rules (domain scoring), so they are shaped like real ones.

Running it again adds nothing: a marker in store_meta records that the history is there.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from kiosk.domain.forms import Form, ItemType
from kiosk.domain.refusals import RefusedError
from kiosk.domain.scoring import AnswerData, score
from kiosk.domain.statuses import FlagLevel
from kiosk.services.backend import Backend
from kiosk.services.patients import lookup_key
from kiosk.store.audit import append_audit
from kiosk.store.engine import unit_of_work
from kiosk.store.models import (
    Answer,
    Appointment,
    AppointmentStatus,
    Base,
    Flag,
    Intake,
    IntakeStatus,
    Patient,
    StoreMeta,
    chart_index,
)

log = logging.getLogger(__name__)

HISTORY_META = "synthetic_history"
HISTORY_ACTOR = "synthetic-history"
SYNTHETIC_CLINICIAN = "synthetic-clinician"
LONG_SERIES_SESSIONS = 50
PATIENT_BATCH = 50
QUESTIONNAIRES = ("phq9", "gad7")

# Synthetic names. Any resemblance to a real person is accidental.
FIRST_NAMES = (
    "Alex", "Ana", "Beatriz", "Carlos", "Chris", "Dana", "Daniel", "Elena", "Emma", "Fatima", "Gabriel",
    "Grace", "Hana", "Ibrahim", "Inés", "Jamal", "Jordan", "José", "Julia", "Kai", "Laura", "Liam", "Lucía",
    "Mateo", "Maya", "Mei", "Morgan", "Noah", "Nora", "Olga", "Omar", "Priya", "Quinn", "Rafael", "Renée",
    "Robin", "Rosa", "Sam", "Sofía", "Taylor", "Tomás", "Uma", "Valeria", "Wei", "Yusuf", "Zoë",
)  # fmt: skip
LAST_NAMES = (
    "Abara", "Alvarez", "Bauer", "Brooks", "Castillo", "Chen", "Da Silva", "Dubois", "Eriksen", "Fernández",
    "García", "Gómez", "Haddad", "Ito", "Jansen", "Kowalski", "Lee", "López", "Martín", "Moreau", "Müller",
    "Nakamura", "Novak", "Núñez", "O'Brien", "Okafor", "Park", "Patel", "Peña", "Petrova", "Quintero",
    "Raman", "Reyes", "Rossi", "Sánchez", "Schmidt", "Singh", "Søren", "Taylor", "Tran", "Uchenna", "Vargas",
    "Walker", "Wójcik", "Yilmaz", "Zhou",
)  # fmt: skip


class HistoryError(RefusedError):
    """The history cannot be generated with these numbers, said so the person can change them."""


@dataclass(frozen=True, slots=True)
class HistorySummary:
    patients_added: int
    appointments_added: int
    intakes_added: int
    answers_added: int
    flags_added: int
    seconds: float
    already_present: bool
    long_series_patient_id: int | None


@dataclass(frozen=True, slots=True)
class _AnswerCodes:
    """Per form: for each single-choice item, the option code and its stored JSON text for each score."""

    form: Form
    items: tuple[str, ...]
    by_score: dict[str, dict[int, tuple[str, str]]]
    difficulty: str | None


def _answer_codes(form: Form) -> _AnswerCodes:
    scored = form.scoring.item_ids if form.scoring is not None else ()
    by_score: dict[str, dict[int, tuple[str, str]]] = {}
    for item in form.answerable_items():
        if item.type is ItemType.SINGLE_CHOICE:
            by_score[item.id] = {
                option.score: (option.code, json.dumps(option.code, ensure_ascii=False))
                for option in item.options
                if option.score is not None
            }
    difficulty = next((item.id for item in form.answerable_items() if item.id not in scored), None)
    return _AnswerCodes(form, tuple(scored), by_score, difficulty)


def _table(model: type[Base]) -> Table:
    """The Core table of a model: inserting into it skips the ORM's per-row bookkeeping."""
    return Base.metadata.tables[model.__tablename__]


def _item_scores(total: int, count: int, rng: random.Random) -> list[int]:
    """`count` item scores of 0..3 adding up to `total`, spread at random."""
    scores = [0] * count
    for _ in range(min(total, 3 * count)):
        open_items = [index for index in range(count) if scores[index] < 3]
        scores[rng.choice(open_items)] += 1
    return scores


def _marker(db: Session) -> dict[str, Any] | None:
    row = db.get(StoreMeta, HISTORY_META)
    if row is None:
        return None
    value = json.loads(row.value)
    return value if isinstance(value, dict) else None


def _session_counts(intakes: int, patients: int, rng: random.Random) -> list[int]:
    """How many past sessions each patient has; the first has a long series of 50 (or all there are)."""
    counts = [0] * patients
    counts[0] = min(LONG_SERIES_SESSIONS, intakes)
    for _ in range(intakes - counts[0]):
        counts[rng.randrange(1, patients) if patients > 1 else 0] += 1
    return counts


def generate_history(
    backend: Backend, intakes: int = 100_000, patients: int = 20_000, seed: int = 1, *, actor: str = HISTORY_ACTOR
) -> HistorySummary:
    """Write the synthetic history in batches of PATIENT_BATCH patients, or nothing if it was written before."""
    if patients < 1 or intakes < 0:
        raise HistoryError("give at least 1 patient and 0 or more intakes")
    missing = [form_id for form_id in QUESTIONNAIRES if form_id not in backend.forms]
    if missing:
        raise HistoryError(f"the forms folder has no {', '.join(missing)}; the history needs PHQ-9 and GAD-7")
    started = time.perf_counter()
    now = backend.now()
    with unit_of_work(backend.db_factory) as db:
        marker = _marker(db)
        if marker is not None and marker.get("state") == "writing":
            raise HistoryError(
                "an earlier synthetic history run stopped half way (it is marked as still writing); "
                "start again from a fresh demo database"
            )
        if marker is not None:
            return HistorySummary(
                patients_added=0,
                appointments_added=0,
                intakes_added=0,
                answers_added=0,
                flags_added=0,
                seconds=time.perf_counter() - started,
                already_present=True,
                long_series_patient_id=marker.get("long_series_patient_id"),
            )
        # Claimed first, so a second run (or a run after a crash) never writes a second history.
        db.add(StoreMeta(name=HISTORY_META, value=json.dumps({"state": "writing", "at": now.isoformat()})))
        writer = _HistoryWriter(backend, db, seed, now)
        counts = _session_counts(intakes, patients, writer.rng)
    # One transaction per batch of patients (a few hundred intakes), so the SQLite write lock is held for
    # tens of milliseconds at a time and tablets keep saving answers while the history is written.
    for start in range(0, patients, PATIENT_BATCH):
        with unit_of_work(backend.db_factory) as db:
            writer.db = db
            writer.write_batch(start, counts[start : start + PATIENT_BATCH])
    with unit_of_work(backend.db_factory) as db:
        stored = db.get_one(StoreMeta, HISTORY_META)
        stored.value = json.dumps(
            {
                "intakes": writer.intakes,
                "patients": writer.patients,
                "seed": seed,
                "at": now.isoformat(),
                "long_series_patient_id": writer.first_patient_id,
            }
        )
        append_audit(
            db,
            at=now,
            actor=actor,
            action="history.generate",
            detail=f"synthetic history: {writer.patients} patients, {writer.intakes} intakes, seed {seed}",
        )
    seconds = time.perf_counter() - started
    log.info("synthetic history: %d patients, %d intakes in %.1f s", writer.patients, writer.intakes, seconds)
    return HistorySummary(
        patients_added=writer.patients,
        appointments_added=writer.intakes,
        intakes_added=writer.intakes,
        answers_added=writer.answers,
        flags_added=writer.flags,
        seconds=seconds,
        already_present=False,
        long_series_patient_id=writer.first_patient_id,
    )


class _HistoryWriter:
    """Builds and inserts one batch of patients with all their sessions at a time."""

    def __init__(self, backend: Backend, db: Session, seed: int, now: dt.datetime) -> None:
        self.backend = backend
        self.db = db
        self.rng = random.Random(seed)
        self.seed = seed
        self.now = now
        self.cipher = backend.cipher
        self.forms = {form_id: _answer_codes(backend.forms.get(form_id)) for form_id in QUESTIONNAIRES}
        self.visit_types = [visit.id for visit in backend.settings.visit_types]
        self.today = backend.local_now().date()
        self.languages = backend.settings.languages
        self.patients = self.intakes = self.answers = self.flags = 0
        self.first_patient_id: int | None = None

    def write_batch(self, first_index: int, counts: Sequence[int]) -> None:
        patient_rows = [self._patient_row(first_index + offset) for offset in range(len(counts))]
        ids = list(self.db.scalars(insert(Patient).returning(Patient.id, sort_by_parameter_order=True), patient_rows))
        if self.first_patient_id is None and ids:
            self.first_patient_id = ids[0]
        self.patients += len(ids)
        plans = []
        for patient_id, row, count in zip(ids, patient_rows, counts, strict=True):
            plans.extend(self._series(patient_id, row["preferred_language"], count))
        if not plans:
            return
        appointment_ids = list(
            self.db.scalars(
                insert(Appointment).returning(Appointment.id, sort_by_parameter_order=True),
                [plan["appointment"] for plan in plans],
            )
        )
        for plan, appointment_id in zip(plans, appointment_ids, strict=True):
            plan["intake"]["appointment_id"] = appointment_id
        intake_ids = list(
            self.db.scalars(
                insert(Intake).returning(Intake.id, sort_by_parameter_order=True), [plan["intake"] for plan in plans]
            )
        )
        answers: list[dict[str, Any]] = []
        flags: list[dict[str, Any]] = []
        for plan, intake_id in zip(plans, intake_ids, strict=True):
            for form_id, values in plan["answers"].items():
                codes = self.forms[form_id]
                answered = plan["intake"]["submitted_at"]
                for item_id, encoded in values.items():
                    answers.append(
                        {
                            "intake_id": intake_id,
                            "form_id": form_id,
                            "form_version": str(codes.form.version),
                            "item_id": item_id,
                            "language": plan["intake"]["language"],
                            "value_enc": self.cipher.encrypt(encoded, context="answers.value"),
                            "answered_at": answered,
                        }
                    )
            for flag in plan["flags"]:
                flags.append({**flag, "intake_id": intake_id})
        self.db.execute(insert(_table(Answer)), answers)
        if flags:
            self.db.execute(insert(_table(Flag)), flags)
        self.intakes += len(intake_ids)
        self.answers += len(answers)
        self.flags += len(flags)

    def _patient_row(self, index: int) -> dict[str, Any]:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        dob = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 62))
        language = "es" if "es" in self.languages and rng.random() < 0.2 else "en"
        cipher = self.cipher
        chart = f"SYN-{self.seed}-{index + 1:06d}"
        # A bulk insert runs no flush hooks: the chart number's blind index is set here.
        return {
            "chart_number": chart,
            "chart_key": chart_index(cipher, chart),
            "first_name_enc": cipher.encrypt(first, context="patients.first_name"),
            "last_name_enc": cipher.encrypt(last, context="patients.last_name"),
            "dob_enc": cipher.encrypt(dob.isoformat(), context="patients.dob"),
            "lookup_key": lookup_key(cipher, first, last, dob),
            "preferred_language": language,
            "phone_enc": cipher.encrypt(
                f"(555) 01{rng.randrange(10)}-{rng.randrange(10000):04d}", context="patients.phone"
            ),
            "emergency_contact_enc": None,
            "created_at": self.now,
        }

    def _series(self, patient_id: int, language: str, count: int) -> list[dict[str, Any]]:
        """A weekly series ending a day or more ago, scores easing (or, for some, worsening) over time."""
        rng = self.rng
        if count == 0:
            return []
        last_day = self.today - dt.timedelta(days=1 + rng.randrange(0, 700))
        visit_type = rng.choice(self.visit_types)
        phq_start, gad_start = rng.randint(8, 25), rng.randint(6, 19)
        trend = rng.uniform(0.85, 0.99) if rng.random() < 0.85 else rng.uniform(1.0, 1.04)
        plans = []
        for session_number in range(count):
            day = last_day - dt.timedelta(weeks=count - 1 - session_number)
            local = dt.datetime.combine(day, dt.time(9 + rng.randrange(8), rng.choice((0, 30)))).astimezone()
            starts_at = local.astimezone(dt.UTC)
            factor = trend**session_number
            phq = max(0, min(27, round(phq_start * factor + rng.uniform(-2, 2))))
            gad = max(0, min(21, round(gad_start * factor + rng.uniform(-2, 2))))
            submitted = starts_at - dt.timedelta(minutes=rng.randint(2, 12))
            answers, flags = self._answers_and_flags(patient_id, {"phq9": phq, "gad7": gad}, submitted)
            reviewed = day < self.today - dt.timedelta(days=3) or rng.random() < 0.5
            plans.append(
                {
                    "appointment": {
                        "patient_id": patient_id,
                        "starts_at": starts_at,
                        "visit_type": visit_type,
                        "status": AppointmentStatus.SCHEDULED.value,
                        "source_ref": f"synthetic:{self.seed}:{patient_id}:{session_number + 1}",
                        "created_at": starts_at - dt.timedelta(days=7),
                    },
                    "intake": {
                        "patient_id": patient_id,
                        "visit_type": visit_type,
                        "language": language,
                        "status": (IntakeStatus.REVIEWED if reviewed else IntakeStatus.SUBMITTED).value,
                        "started_at": submitted - dt.timedelta(minutes=rng.randint(4, 15)),
                        "updated_at": submitted,
                        "submitted_at": submitted,
                        "reviewed_at": submitted + dt.timedelta(minutes=30) if reviewed else None,
                        "reviewed_by": SYNTHETIC_CLINICIAN if reviewed else None,
                    },
                    "answers": answers,
                    "flags": flags,
                }
            )
        return plans

    def _answers_and_flags(
        self, patient_id: int, totals: dict[str, int], at: dt.datetime
    ) -> tuple[dict[str, dict[str, str]], list[dict[str, Any]]]:
        rng = self.rng
        stored: dict[str, dict[str, str]] = {}
        flags: list[dict[str, Any]] = []
        for form_id, total in totals.items():
            codes = self.forms[form_id]
            scores = _item_scores(total, len(codes.items), rng)
            if form_id == "phq9" and scores[-1] > 0 and rng.random() < 0.8:
                # Item 9 above 0 is rarer than a high total: most of the time it stays 0.
                scores[-1] = 0
            chosen = {
                item_id: codes.by_score[item_id][value] for item_id, value in zip(codes.items, scores, strict=True)
            }
            if codes.difficulty is not None and any(scores):
                level = min(3, max(scores) - rng.randint(0, 1))
                chosen[codes.difficulty] = codes.by_score[codes.difficulty][level]
            stored[form_id] = {item_id: encoded for item_id, (_, encoded) in chosen.items()}
            values: dict[str, AnswerData] = {item_id: code for item_id, (code, _) in chosen.items()}
            for raised in score(codes.form, values, "en").flags:
                urgent = raised.level is FlagLevel.URGENT
                flags.append(
                    {
                        "patient_id": patient_id,
                        "form_id": form_id,
                        "code": raised.code,
                        "level": raised.level.value,
                        "message": raised.message,
                        "raised_at": at,
                        "acknowledged_at": at + dt.timedelta(minutes=10) if urgent else None,
                        "acknowledged_by": SYNTHETIC_CLINICIAN if urgent else None,
                    }
                )
        return stored, flags
