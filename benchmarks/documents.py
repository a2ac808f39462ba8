"""Consent packet figures: rendering, signing, verifying, and whole packets made from the database.

The "standard packet" is what a returning IM ketamine patient's visit produces: two consents signed
at the visit, PHQ-9 and GAD-7 with earlier sessions to compare with, a checklist, and the flags. The
benchmark clinic's IM ketamine visit asks for the treatment consent and the privacy notice, valid for
a day, so every visit of the batch signs both and every packet has that shape.
It is a real intake made through the services on a temporary SQLite file (synchronous=FULL). The
synthetic sample packet (tests.documents.sample) is measured beside it. Figures are medians; nothing
is asserted.

    python3 dev.py bench documents
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from benchmarks.run import Row
    from kiosk.services.backend import Backend

BATCH = 100
PATIENTS = 25
REPEAT = 20
IM_KETAMINE_DEFAULT = (
    'consents = ["consent_im_ketamine", "privacy_notice", "esign_consent"]\n'
    "# The questionnaires (ids in forms/) the patient answers, in order.\n"
    'questionnaires = ["phq9", "gad7"]\n'
    "# The pre-session checklist (an id in forms/); empty for none.\n"
    'checklist = "checklist_im_ketamine"\n'
    "# Days a signed consent stays valid before it is asked again. A whole number from 1 to 3650.\n"
    "consent_valid_days = 365\n"
)
IM_KETAMINE_BENCH = (
    'consents = ["consent_im_ketamine", "privacy_notice"]\n'
    'questionnaires = ["phq9", "gad7"]\n'
    'checklist = "checklist_im_ketamine"\n'
    "consent_valid_days = 1\n"
)


def _median(action: Callable[[], object], repeat: int = REPEAT) -> float:
    """Median seconds of ``repeat`` runs of ``action``."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _fixed(at: dt.datetime) -> Callable[[], dt.datetime]:
    def clock() -> dt.datetime:
        return at

    return clock


def _visit(backend: Backend, patient_id: int, at: dt.datetime, rng: random.Random, scale: float) -> int:
    """One IM ketamine visit at ``at``, submitted through the services with the clock set to then."""
    from kiosk.domain.forms import FormKind
    from kiosk.services.demo import demo_signature, prepared_patient_answers
    from kiosk.services.intake import begin_intake, record_answer, sign_consent, submit_intake
    from kiosk.services.signature_image import strokes_to_png
    from kiosk.store.engine import unit_of_work
    from kiosk.store.models import Appointment

    then = dataclasses.replace(backend, clock=_fixed(at))
    with unit_of_work(backend.db_factory) as db:
        appointment = Appointment(
            patient_id=patient_id, starts_at=at, visit_type="im_ketamine", status="scheduled", created_at=at
        )
        db.add(appointment)
        db.flush()
        appointment_id = appointment.id
    state = begin_intake(then, appointment_id, "es" if patient_id % 5 == 0 else "en")
    for task in state.tasks:
        if task.kind is FormKind.CONSENT:
            strokes = demo_signature(patient_id)
            sign_consent(
                then,
                state.intake_id,
                task.form_id,
                typed_name=f"Patient {patient_id}",
                strokes=strokes,
                signature_png=strokes_to_png(strokes),
                reading_started_at=at - dt.timedelta(minutes=3),
            )
    for form_id, items in (("phq9", 9), ("gad7", 7)):
        scores = [min(3, round(rng.randint(0, 3) * scale)) for _ in range(items)]
        for number, value in enumerate(scores, start=1):
            record_answer(then, state.intake_id, form_id, f"q{number}", value)
        if any(scores):
            record_answer(then, state.intake_id, form_id, "difficulty", 1)
    checklist = backend.forms.get("checklist_im_ketamine")
    for item_id, answer in prepared_patient_answers(checklist):
        record_answer(then, state.intake_id, checklist.id, item_id, answer)
    record_answer(then, state.intake_id, checklist.id, "medication_changed", "yes")
    record_answer(then, state.intake_id, checklist.id, "medication_which", "Sertraline raised to 100 mg")
    if rng.random() < 0.5:
        record_answer(then, state.intake_id, checklist.id, "substances_recent", "yes")
        record_answer(then, state.intake_id, checklist.id, "substances_which", ["cannabis"])
    submit_intake(then, state.intake_id)
    return state.intake_id


def _intakes(backend: Backend) -> list[int]:
    """BATCH submitted intakes: PATIENTS patients with weekly sessions, scores easing over the series."""
    from kiosk.services.patients import add_patient
    from kiosk.store.engine import unit_of_work

    rng = random.Random(3)
    sessions = BATCH // PATIENTS
    first_day = backend.now() - dt.timedelta(weeks=sessions)
    intake_ids = []
    for number in range(PATIENTS):
        with unit_of_work(backend.db_factory) as db:
            patient = add_patient(
                db,
                backend.cipher,
                first_name=f"Patient{number}",
                last_name="Synthetic",
                dob=dt.date(1960 + number, 1 + number % 12, 1 + number % 28),
                language="en",
                now=first_day,
            )
            patient_id = patient.id
        for week in range(sessions):
            at = first_day + dt.timedelta(weeks=week, minutes=number * 5)
            intake_ids.append(_visit(backend, patient_id, at, rng, scale=1.0 - 0.2 * week))
    return intake_ids


def benchmarks() -> list[Row]:
    from benchmarks.run import Row
    from kiosk.documents.certificates import clinic_root_certificate
    from kiosk.documents.render import render_packet
    from kiosk.documents.signing import sign_pdf
    from kiosk.documents.verification import verify_pdf
    from kiosk.services.backend import open_backend
    from kiosk.services.packet_content import packet_data_for
    from kiosk.services.packets import PacketMaker
    from kiosk.settings import DEFAULT_SETTINGS
    from kiosk.store.engine import unit_of_work
    from kiosk.store.models import Intake
    from tests.documents.sample import SAMPLE_CLOCK_TIME, sample_clock, sample_packet_data

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-documents-") as folder:
        data_dir = Path(folder)
        if IM_KETAMINE_DEFAULT not in DEFAULT_SETTINGS:
            raise RuntimeError("the default IM ketamine visit type changed; update IM_KETAMINE_DEFAULT")
        settings = DEFAULT_SETTINGS.replace(IM_KETAMINE_DEFAULT, IM_KETAMINE_BENCH, 1)
        (data_dir / "settings.toml").write_text(settings, encoding="utf-8")
        backend = open_backend(data_dir)
        try:
            start = time.perf_counter()
            maker = PacketMaker(backend)
            signer = maker.signer
            rows.append(
                Row("clinic certificate: create + load", _ms(time.perf_counter() - start), "once per data folder")
            )
            start = time.perf_counter()
            intake_ids = _intakes(backend)
            made_in = time.perf_counter() - start

            # The standard packet: the last session of an English-speaking patient (history to compare).
            standard = intake_ids[2 * (BATCH // PATIENTS) - 1]
            data = packet_data_for(backend, standard)
            with unit_of_work(backend.db_factory) as db:
                submitted = db.get_one(Intake, standard).submitted_at
            assert submitted is not None
            moment = submitted.astimezone()
            unsigned = render_packet(data, clock=lambda: moment)
            when = backend.now().astimezone()
            signed = sign_pdf(unsigned, signer, when=when, language=data.language)
            root = clinic_root_certificate(data_dir)
            shape = f"{len(data.consents)} consents, PHQ-9, GAD-7, checklist, {len(data.flags)} flags"

            rows.append(
                Row(
                    "packet data from the database",
                    _ms(_median(lambda: packet_data_for(backend, standard))),
                    "read + decrypt + score one intake and its history",
                )
            )
            rows.append(
                Row("render standard packet", _ms(_median(lambda: render_packet(data, clock=lambda: moment))), shape)
            )
            sample = sample_packet_data("en")
            rows.append(
                Row(
                    "render sample packet",
                    _ms(_median(lambda: render_packet(sample, clock=sample_clock))),
                    "tests.documents.sample, synthetic",
                )
            )
            rows.append(
                Row(
                    "sign (PAdES B-B, RSA 3072)",
                    _ms(_median(lambda: sign_pdf(unsigned, signer, when=when, language=data.language))),
                    "standard packet, visible stamp",
                )
            )
            rows.append(
                Row(
                    "render + sign",
                    _ms(
                        _median(
                            lambda: sign_pdf(
                                render_packet(data, clock=lambda: moment), signer, when=when, language=data.language
                            )
                        )
                    ),
                    "standard packet",
                )
            )
            sample_signed = sign_pdf(
                render_packet(sample, clock=sample_clock), signer, when=SAMPLE_CLOCK_TIME, language="en"
            )
            rows.append(
                Row(
                    "verify",
                    _ms(_median(lambda: verify_pdf(signed, trust_roots=[root] if root else None))),
                    "signature, whole-file coverage, chain to the clinic root",
                )
            )

            sizes: list[int] = []
            pages: list[int] = []
            each: list[float] = []
            start = time.perf_counter()
            for intake_id in intake_ids:
                began = time.perf_counter()
                result = maker.make(intake_id)
                each.append(time.perf_counter() - began)
                sizes.append(result.size)
                pages.append(result.pages)
            total = time.perf_counter() - start
            rows.append(
                Row(
                    f"make_packet x {BATCH} (end to end)",
                    f"{BATCH / total:.1f} packets/s",
                    f"median {_ms(statistics.median(each))} each: read, render, sign, store + audit "
                    f"(FULL sync); {BATCH} intakes of {PATIENTS} patients, made in {made_in:.0f} s",
                )
            )
            rows.append(
                Row(
                    "packet size",
                    f"{statistics.median(sizes) / 1024:.0f} KiB",
                    f"median of {BATCH} signed packets ({statistics.median(pages):.0f} pages); "
                    f"standard {len(signed) / 1024:.0f} KiB, sample {len(sample_signed) / 1024:.0f} KiB signed",
                )
            )
        finally:
            backend.engine.dispose()
    return rows


if __name__ == "__main__":
    for row in benchmarks():
        print(f"{row.name:<36} {row.figure:<16} {row.note}")
