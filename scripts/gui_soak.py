"""Crash soak of the real patient kiosk: the GUI process is killed (SIGKILL) at random moments while a
people-like driver checks patients in, and after every kill the database must still hold every answer the
kiosk had acknowledged, and the resumed intake must be completed and submitted by a later run.

    .venv/bin/python scripts/gui_soak.py [--kills 120] [--seed 1] [--out report.json]

Each run of the kiosk is a separate process (`gui_soak.py --child ...`): the real window, the real worker
thread and database, taps with real mouse and touch events at the centre of controls (sometimes a second
tap 120 ms after the first), on-screen typing, consents scrolled and signed (or adopted with "Sign with my
signature"), now and then "I have a question" (the consent is then signed from Review's "Read and sign") or
"I do not agree" (the patient checks in again after a word with the front desk), a hurried "No, this is not
me" on the appointment card, the crisis message after PHQ-9 item 9, "Change" from Review on the ride-home
answer (which opens or closes the driver follow-up), Back now and then. The parent kills it after
a random delay (during start-up, mid-typing, mid-save, on Review), checks the database, and starts it again
on the same patient until that patient's intake is submitted, then moves on to the next patient of the demo
day (a fresh data directory after the tenth). After the last kill the patient in progress is completed
without a kill, so every intake touched by the soak has to reach "submitted".

The child says what it does on stdout, one line each, flushed before the next action:
    intake ID                       the intake it continues
    try FORM ITEM VALUE_JSON        an answer about to be given (it may be saved even if killed now)
    ack FORM ITEM VALUE_JSON        the kiosk acknowledged it (recorded in the flow after the database commit)
    signed FORM                     a consent acknowledged
    asked FORM / declined FORM      "I have a question" / "I do not agree" on that consent was taken
    note TEXT                       something a patient could get past but should not meet (in the report)
    submitted ID                    the thank-you screen after Submit
    refused TEXT / stuck TEXT       Submit led to the problem screen, or the kiosk stopped somewhere
An acknowledged answer is lost when the database holds neither it nor an answer tried after it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DEMO_DAY = range(10)  # the demo day's ten patients (kiosk.services.demo.TODAY)
SCREENS_CONFIG = REPO / "tests" / "offscreen_screens.json"
WORDS = {
    "en": {
        "Start": "Start",
        "Next": "Next",
        "Yes, this is me": "Yes, this is me",
        "I agree": "I agree",
        "Full name": "Full name",
        "Done": "Done",
        "Sign": "Sign",
        "Sign with my signature": "Sign with my signature",
        "Continue": "Continue",
        "Submit": "Submit",
        "Skip": "Skip",
        "Back": "Back",
        "Change": "Change",
        "No, this is not me": "No, this is not me",
        "Try again": "Try again",
        "I have a question": "I have a question",
        "I do not agree": "I do not agree",
        "OK": "OK",
        "Read and sign": "Read and sign",
        "fields": ("First name", "Last name", "Month", "Day", "Year"),
        "thanks": "Thank you",
    },
    "es": {
        "Start": "Comenzar",
        "Next": "Siguiente",
        "Yes, this is me": "Sí, soy yo",
        "I agree": "Acepto",
        "Full name": "Nombre completo",
        "Done": "Listo",
        "Sign": "Firmar",
        "Sign with my signature": "Firmar con mi firma",
        "Continue": "Continuar",
        "Submit": "Enviar",
        "Skip": "Omitir",
        "Back": "Atrás",
        "Change": "Cambiar",
        "No, this is not me": "No, no soy yo",
        "Try again": "Intentar de nuevo",
        "I have a question": "Tengo una pregunta",
        "I do not agree": "No estoy de acuerdo",
        "OK": "Aceptar",
        "Read and sign": "Leer y firmar",
        "fields": ("Nombre", "Apellido", "Mes", "Día", "Año"),
        "thanks": "Gracias",
    },
}


def say(line: str) -> None:
    print(line, flush=True)


# ============================================================================================== the child


def child(data_dir: Path, patient_index: int, seed: int) -> int:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

    from kiosk.app import application, build_kiosk
    from kiosk.domain.forms import Item, ItemType, pick
    from kiosk.domain.scoring import AnswerData, normalize_answer
    from kiosk.services.demo import DEMO_PATIENTS
    from kiosk.ui.patient.flow import PatientFlow, StepKind
    from kiosk.ui.patient.question import check_typed
    from kiosk.ui.patient.window import PatientWindow
    from tests.ui.patient.driver import Patient

    rng = random.Random(seed)
    person = DEMO_PATIENTS[patient_index]
    language = person.language
    words = WORDS[language]

    class Bot:
        """The few QtBot calls the Patient driver uses, for a process without pytest."""

        def mouseClick(self, widget: QWidget, button: Qt.MouseButton, pos: QPoint | None = None) -> None:  # noqa: N802
            QTest.mouseClick(widget, button, Qt.KeyboardModifier.NoModifier, pos if pos is not None else QPoint())

        def keyClicks(self, widget: QWidget, text: str) -> None:  # noqa: N802
            QTest.keyClicks(widget, text)

        def wait(self, ms: int) -> None:
            QTest.qWait(ms)

        def waitUntil(self, condition: Callable[[], object], timeout: int = 5000) -> None:  # noqa: N802
            deadline = time.monotonic() + timeout / 1000
            while not condition():
                if time.monotonic() > deadline:
                    raise TimeoutError("condition not met in time")
                QTest.qWait(10)

    app = application()
    window = build_kiosk(data_dir)
    assert isinstance(window, PatientWindow)
    window.resize(1280, 800)
    window.show()
    QTest.qWaitForWindowExposed(window)
    bot = Bot()
    patient = Patient(bot, window)  # type: ignore[arg-type]
    hesitated: set[str] = set()
    """Consents this patient already asked about or declined in this run: the next time they sign."""

    def now_screen() -> QWidget | None:
        return window.stack.currentWidget()

    def open_flow() -> PatientFlow:
        flow = window.sitting.flow
        assert flow is not None
        return flow

    def tap_centre(target: QAbstractButton) -> None:
        patient.settle()
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target.rect().center())

    def double_tap(name: str) -> None:
        """An unsure finger: the same spot again 120 ms later (the input guard must ignore it)."""
        patient.tap(name)
        if rng.random() < 0.25:
            bot.wait(120)
            target = [b for b in patient.buttons() if b.accessibleName() == name]
            if target:
                QTest.mouseClick(
                    target[0], Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, target[0].rect().center()
                )

    def acknowledged(form_id: str, answers: list[tuple[str, Any]]) -> None:
        flow = open_flow()
        bot.waitUntil(lambda: all(flow.answer(form_id, item_id) == value for item_id, value in answers), 10_000)
        for item_id, value in answers:
            say(f"ack {form_id} {item_id} {json.dumps(value)}")

    def typed_answer(entry: Item) -> tuple[str, AnswerData]:
        """What the patient types into this field, and what the kiosk stores for it by its own rules (the screen's
        check, then the service's: a driver's name "jordan lee" is kept as "Jordan Lee")."""
        if entry.type is ItemType.PHONE:
            keys = shown = rng.choice(["5550100142", "555 010 0143"])
        elif entry.type is ItemType.NUMBER:
            keys = shown = f"{entry.minimum if entry.minimum is not None else 5:g}"
        elif entry.type is ItemType.DATE:
            keys, shown = "04272026", "04/27/2026"  # the field's mask puts in the slashes
        elif entry.person_name:
            keys = shown = rng.choice(["Jordan Lee", "jordan lee", "Mary-Ann O'Brien"])
        else:
            keys = shown = rng.choice(["sertraline 50 mg", "Nothing new", "Started vitamin D, 1000 IU"])
        value, problem = check_typed(entry, shown)
        assert value is not None, problem
        return keys, normalize_answer(entry, value)

    def answer_question() -> None:
        flow = open_flow()
        screen = window.question
        form, item = screen.form, screen.item
        assert form is not None and item is not None
        if item.type is ItemType.DISPLAY:
            patient.tap(words["Next"])
            return
        if item.type is ItemType.GROUP or item.type in (ItemType.TEXT, ItemType.PHONE, ItemType.NUMBER, ItemType.DATE):
            fields = [child for child in item.children if child.is_answered_type] if item.children else [item]
            if not item.required and item.type is not ItemType.GROUP and rng.random() < 0.5:
                patient.tap(words["Skip"])
                return
            typed: list[tuple[str, Any]] = []
            for entry in fields:
                # The field is named as the patient reads it: a first visit reads the first-visit wording.
                field_widget = patient.tap_field(pick(flow.item_text(entry), language))  # the middle of the box
                field_widget.clear()
                keys, value = typed_answer(entry)
                patient.qtbot.keyClicks(field_widget, keys)
                typed.append((entry.id, value))
            for entry_id, value in typed:
                say(f"try {form.id} {entry_id} {json.dumps(value)}")
            patient.tap(words["Next"])
            acknowledged(form.id, typed)
            return
        options = list(item.options)
        if item.type is ItemType.MULTI_CHOICE:
            chosen = rng.sample(options, k=1 + int(rng.random() < 0.3 and len(options) > 1))
            # An earlier answer shows chosen (after Back or Change): tap until the screen shows what is meant.
            for option in options:
                name = pick(option.label, language)
                shown = next(b for b in patient.buttons() if b.accessibleName() == name)
                if shown.isChecked() != (option in chosen):
                    patient.tap(name)
            codes = [o.code for o in options if o in chosen]
            say(f"try {form.id} {item.id} {json.dumps(codes)}")
            patient.tap(words["Next"])
            acknowledged(form.id, [(item.id, codes)])
            return
        option = rng.choice(options)
        if form.id == "phq9" and item.id == "q9" and rng.random() < 0.7:
            option = options[0]
        say(f"try {form.id} {item.id} {json.dumps(option.code)}")
        double_tap(pick(option.label, language))
        acknowledged(form.id, [(item.id, option.code)])

    def answer_consent() -> str:
        """Read and sign the consent in view; now and then first "I have a question" (the consent waits on Review)
        or "I do not agree" (the sitting ends). Returns "signed", "asked", "declined" or "problem"."""
        form_id = open_flow().current.form_id
        roll = rng.random()
        if form_id not in hesitated and roll < 0.09:
            hesitated.add(form_id)
            asking = roll < 0.06
            patient.tap(words["I have a question" if asking else "I do not agree"])
            after = window.consent_question if asking else window.consent_declined
            bot.waitUntil(lambda: now_screen() in (after, window.problem), 15_000)
            if now_screen() is window.problem:
                return "problem"
            say(f"{'asked' if asking else 'declined'} {form_id}")
            if asking:
                patient.tap(words["Continue"])  # the patient goes on; the consent waits unsigned
                return "asked"
            patient.tap(words["OK"])
            bot.waitUntil(lambda: now_screen() is window.welcome, 10_000)
            return "declined"
        patient.scroll_consent_to_end()
        patient.tap(words["I agree"])
        # The name typed at check-in is filled in; a signature drawn earlier in this visit can be adopted.
        if patient.has_button(words["Sign with my signature"]) and rng.random() < 0.7:
            patient.tap(words["Sign with my signature"])
        else:
            if not window.consent.name.text():
                patient.tap_field(words["Full name"])
                patient.type_on_screen(f"{person.first_name} {person.last_name}")
                patient.tap(words["Done"])
            patient.draw_signature()
            patient.tap(words["Sign"])
        flow = open_flow()
        bot.waitUntil(lambda: form_id in flow.signed or now_screen() is window.problem, 15_000)
        if now_screen() is window.problem:
            return "problem"
        say(f"signed {form_id}")
        return "signed"

    def change_buttons(flow: PatientFlow, item: Item) -> list[QAbstractButton]:
        """Review's "Change" beside `item`, found by the question as this patient reads it."""
        question = pick(flow.item_text(item), language)
        return [
            b
            for b in patient.buttons()
            if b.accessibleName() == words["Change"] and b.accessibleDescription() == question
        ]

    def sign_from_review() -> bool:
        """Tap "Read and sign" beside the first form still to sign on Review (one the patient had a question about)."""
        signs = [b for b in patient.buttons() if b.accessibleName() == words["Read and sign"]]
        if not signs:
            return False
        tap_centre(signs[0])
        bot.waitUntil(lambda: now_screen() is window.consent, 5000)
        return True

    def answer_missing_from_review() -> bool:
        """Tap "Change" beside the first question Review says still needs an answer (noted: a patient should not
        meet one after answering everything asked)."""
        flow = open_flow()
        missing = flow.missing_questions()
        if not missing:
            return False
        step, item = missing[0]
        changes = change_buttons(flow, item)
        if not changes:
            return False
        say(f"note Review asked again for {step.form_id}/{item.id}")
        tap_centre(changes[0])
        bot.waitUntil(lambda: now_screen() is window.question and flow.current.key == step.key, 5000)
        return True

    def change_ride_home_from_review() -> bool:
        """Tap "Change" beside "ride home" on Review and give the other answer (opens or closes the driver
        follow-up); the flow asks what the change made necessary, then comes back to Review."""
        flow = open_flow()
        form_id = next((t.form_id for t in flow.tasks if t.form_id.startswith("checklist")), None)
        if form_id is None or flow.answer(form_id, "ride_home") is None:
            return False
        item = window.backend.forms.get(form_id).item("ride_home")
        changes = change_buttons(flow, item)
        if not changes:
            return False
        tap_centre(changes[0])
        bot.waitUntil(lambda: now_screen() is window.question and window.question.item is item, 5000)
        other = "no" if flow.answer(form_id, "ride_home") == "yes" else "yes"
        say(f"try {form_id} ride_home {json.dumps(other)}")
        patient.tap(pick(item.option(other).label, language))  # type: ignore[union-attr]
        acknowledged(form_id, [("ride_home", other)])
        bot.waitUntil(lambda: flow.current.key != f"{form_id}/ride_home", 5000)
        return True

    def check_in() -> str:
        """From Welcome to the patient's intake: "open", "already" (submitted before), or what went wrong."""
        if language == "es":
            patient.tap("Español")
        patient.tap(words["Start"])
        patient.identify(person.first_name, person.last_name, person.dob, names=words["fields"])
        patient.tap(words["Next"])
        bot.waitUntil(lambda: now_screen() in (window.confirm, window.already_done, window.front_desk), 15_000)
        if now_screen() is window.confirm and rng.random() < 0.05:
            # A hurried finger on "No, this is not me": the kiosk keeps what was typed, to try again.
            say("not me")
            patient.tap(words["No, this is not me"])
            bot.waitUntil(lambda: now_screen() is window.not_me, 5000)
            patient.tap(words["Try again"])
            bot.waitUntil(lambda: now_screen() is window.identify_screen, 5000)
            patient.tap(words["Next"])
            bot.waitUntil(lambda: now_screen() in (window.confirm, window.already_done, window.front_desk), 15_000)
        if now_screen() is not window.confirm:
            return f"stuck after identify on {type(now_screen()).__name__}"
        patient.tap(words["Yes, this is me"])
        bot.waitUntil(
            lambda: window.sitting.flow is not None or now_screen() in (window.already_done, window.problem), 15_000
        )
        if window.sitting.flow is None:
            return "already" if now_screen() is window.already_done else "stuck on the problem screen at check-in"
        assert window.sitting.state is not None
        say(f"intake {window.sitting.state.intake_id}")
        return "open"

    try:
        opened = check_in()
        if opened == "already":
            say("already submitted")
            return 0
        if opened != "open":
            say(opened)
            return 3
        changed_from_review = False
        for _ in range(300):
            flow = open_flow()
            step = flow.current
            screen = {
                StepKind.CONSENT: window.consent,
                StepKind.QUESTION: window.question,
                StepKind.CRISIS: window.crisis,
                StepKind.REVIEW: window.review,
            }[step.kind]
            bot.waitUntil(lambda screen=screen: now_screen() in (screen, window.problem), 10_000)
            say(f"step {step.key}")
            if now_screen() is window.problem:
                say("stuck on the problem screen")
                return 3
            if step.kind is StepKind.REVIEW:
                if not changed_from_review and rng.random() < 0.35:
                    changed_from_review = change_ride_home_from_review()
                    continue
                if not window.review.submit.isEnabled():
                    if sign_from_review() or answer_missing_from_review():
                        continue
                    say("stuck review: " + window.review.missing.text().replace("\n", " | "))
                    return 3
                patient.tap(words["Submit"])
                bot.waitUntil(lambda: now_screen() in (window.thank_you, window.problem), 15_000)
                if now_screen() is window.problem:
                    say("refused: Submit was enabled on an intake the service refused")
                    return 4
                say(f"submitted {window.sitting.state.intake_id}")  # type: ignore[union-attr]
                return 0
            if step.kind is StepKind.CONSENT:
                answered = answer_consent()
                if answered == "problem":
                    say("stuck on the problem screen")
                    return 3
                if answered == "declined":
                    # After a word with the front desk the patient checks in again and finds the consent waiting.
                    opened = check_in()
                    if opened != "open":
                        say(f"stuck: checking in again after declining gave {opened}")
                        return 3
                    continue
            elif step.kind is StepKind.CRISIS:
                patient.tap(words["Continue"])
            else:
                if flow.can_go_back and rng.random() < 0.05:
                    say("back")
                    patient.tap(words["Back"])  # unsure: look at the last answer again, then go on
                    bot.waitUntil(lambda step=step, flow=flow: flow.current.key != step.key, 5000)
                    continue
                answer_question()
            bot.waitUntil(
                lambda step=step, flow=flow: flow.current.key != step.key or now_screen() is window.problem, 15_000
            )
        say("stuck: too many steps")
        return 3
    except (TimeoutError, AssertionError, StopIteration) as error:
        import traceback

        traceback.print_exc()
        say(f"stuck: {type(error).__name__} {error} on {type(now_screen()).__name__}".replace("\n", " "))
        return 3
    finally:
        window.allow_close = True
        window.shutdown()
        QApplication.processEvents()
        del app


# ============================================================================================== the parent


@dataclass
class SoakFigures:
    kills: int = 0
    runs: int = 0
    answers_acknowledged: int = 0
    answers_lost: int = 0
    consents_acknowledged: int = 0
    consents_lost: int = 0
    intakes_submitted: int = 0
    intakes_not_submittable: int = 0
    consents_asked_about: int = 0
    consents_declined: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the driver met that a patient could get past but should not have met (a question asked again on Review)."""
    seconds: float = 0.0


@dataclass
class _Intake:
    patient_index: int
    intake_id: int | None = None
    acked: dict[tuple[str, str], Any] = field(default_factory=dict)
    tried_since_ack: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    signed: set[str] = field(default_factory=set)
    runs: int = 0


def make_data_dir(path: Path, *, input_guard_ms: int, answer_beat_ms: int) -> Path:
    from kiosk.services.backend import open_backend
    from kiosk.services.demo import seed_demo
    from kiosk.settings import DEFAULT_SETTINGS

    path.mkdir(parents=True, exist_ok=True)
    settings = DEFAULT_SETTINGS.replace("answer_beat_ms = 300", f"answer_beat_ms = {answer_beat_ms}").replace(
        "input_guard_ms = 400", f"input_guard_ms = {input_guard_ms}"
    )
    settings = settings.replace("idle_seconds = 90", "idle_seconds = 900")
    # No read aloud: a kiosk killed while it talks to speech-dispatcher can leave the daemon hung (the kiosk
    # survives that, see kiosk/ui/widgets/read_aloud.py, but other tests on this machine then have no voice).
    settings = settings.replace("read_aloud = true", "read_aloud = false")
    (path / "settings.toml").write_text(settings)
    backend = open_backend(path)
    seed_demo(backend)
    backend.engine.dispose()
    return path


def _stored(data_dir: Path, intake_id: int) -> tuple[str, dict[tuple[str, str], Any], set[str]]:
    from sqlalchemy import select

    from kiosk.services.backend import open_backend
    from kiosk.store.engine import unit_of_work
    from kiosk.store.models import Answer, ConsentRecord, Intake

    backend = open_backend(data_dir)
    try:
        with unit_of_work(backend.db_factory) as session:
            intake = session.get(Intake, intake_id)
            assert intake is not None
            answers = {
                (row.form_id, row.item_id): backend.cipher.decrypt_json(row.value_enc, context="answers.value")
                for row in session.scalars(select(Answer).where(Answer.intake_id == intake_id))
            }
            signed = set(session.scalars(select(ConsentRecord.form_id).where(ConsentRecord.intake_id == intake_id)))
            return intake.status, answers, signed
    finally:
        backend.engine.dispose()


def _check(data_dir: Path, intake: _Intake, figures: SoakFigures) -> str | None:
    """Compare what the kiosk acknowledged with what the database holds; the intake's status."""
    if intake.intake_id is None:
        return None
    status, answers, signed = _stored(data_dir, intake.intake_id)
    for key, value in intake.acked.items():
        stored = answers.get(key)
        if stored != value and stored not in intake.tried_since_ack.get(key, []):
            figures.answers_lost += 1
            figures.problems.append(f"intake {intake.intake_id}: {key} acknowledged {value!r}, stored {stored!r}")
    for form_id in intake.signed - signed:
        figures.consents_lost += 1
        figures.problems.append(f"intake {intake.intake_id}: consent {form_id} acknowledged, not stored")
    return status


def run_soak(
    kills: int,
    *,
    seed: int = 1,
    work_dir: Path | None = None,
    input_guard_ms: int = 400,
    answer_beat_ms: int = 300,
    kill_after: tuple[float, float] = (0.2, 20.0),
    early_kills: float = 0.2,
    log: Callable[[str], None] = lambda _line: None,
) -> SoakFigures:
    rng = random.Random(seed)
    figures = SoakFigures()
    started = time.monotonic()
    env = dict(os.environ)
    if env.get("QT_QPA_PLATFORM", "offscreen") == "offscreen" and not env.get("KIOSK_SOAK_DISPLAY"):
        # Headless with a tablet-sized screen (touch events outside the screen are dropped); with
        # KIOSK_SOAK_DISPLAY=:N the kiosks run on that X server instead.
        env["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREENS_CONFIG}"
    elif env.get("KIOSK_SOAK_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "xcb"
        env["DISPLAY"] = env["KIOSK_SOAK_DISPLAY"]
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory(prefix="kiosk-gui-soak-") as scratch:
        base = Path(work_dir or scratch)
        day = 0
        data_dir = make_data_dir(base / f"day{day}", input_guard_ms=input_guard_ms, answer_beat_ms=answer_beat_ms)
        patient_index = 0
        intake = _Intake(patient_index)
        while True:
            finishing = figures.kills >= kills
            intake.runs += 1
            figures.runs += 1
            # When to kill: never on the last run; else during start-up and identifying (a fifth of the runs),
            # or at a random moment after the intake opened (typing, saving, a consent, Review).
            early = rng.random() < early_kills
            delay = None if finishing else rng.uniform(0.2, 8.0) if early else rng.uniform(*kill_after)
            lines, killed, returncode, errors = _run_child(
                [sys.executable, __file__, "--child", str(data_dir), str(patient_index), str(rng.randrange(10**9))],
                env,
                delay,
                after_intake_opened=not early,
            )
            if killed:
                figures.kills += 1
            outcome = ""
            for line in lines:
                word, _, text = line.partition(" ")
                if word == "intake":
                    intake.intake_id = int(text)
                elif word in ("try", "ack"):
                    form_id, item_id, value_json = text.split(" ", 2)
                    key, value = (form_id, item_id), json.loads(value_json)
                    if word == "try":
                        intake.tried_since_ack.setdefault(key, []).append(value)
                    else:
                        intake.acked[key] = value
                        figures.answers_acknowledged += 1
                        intake.tried_since_ack[key] = []
                elif word == "signed":
                    intake.signed.add(text)
                    figures.consents_acknowledged += 1
                elif word == "asked":
                    figures.consents_asked_about += 1
                elif word == "declined":
                    figures.consents_declined += 1
                elif word == "note":
                    figures.notes.append(f"patient {patient_index} intake {intake.intake_id}: {text}")
                elif word in ("submitted", "refused", "stuck", "already"):
                    outcome = line
            status = _check(data_dir, intake, figures)
            log(
                f"run {figures.runs} patient {patient_index} {'killed' if killed else 'exited'}"
                f" kills={figures.kills} acked={figures.answers_acknowledged} lost={figures.answers_lost}"
                f" status={status} {outcome}"
            )
            next_patient = False
            if status == "submitted":
                figures.intakes_submitted += 1
                next_patient = True
            elif not killed or intake.runs > 40:
                # The kiosk stopped without submitting (or never got there): an intake that cannot be submitted.
                figures.intakes_not_submittable += 1
                figures.problems.append(
                    f"patient {patient_index} intake {intake.intake_id} after {intake.runs} runs: "
                    f"{outcome or 'no outcome'}; exit {returncode}; {errors.strip().splitlines()[-3:]}"
                )
                next_patient = True
            if next_patient:
                if finishing:
                    break
                patient_index += 1
                if patient_index == len(DEMO_DAY):
                    day += 1
                    patient_index = 0
                    data_dir = make_data_dir(
                        base / f"day{day}", input_guard_ms=input_guard_ms, answer_beat_ms=answer_beat_ms
                    )
                intake = _Intake(patient_index)
    figures.seconds = round(time.monotonic() - started, 1)
    return figures


def _run_child(
    command: list[str], env: dict[str, str], delay: float | None, *, after_intake_opened: bool
) -> tuple[list[str], bool, int, str]:
    """Run one kiosk process and kill it `delay` seconds after it started (or after it opened the intake),
    or let it finish when `delay` is None. Returns its whole lines, whether it was killed, its exit code and
    the end of its stderr."""
    with tempfile.TemporaryFile() as stderr_file:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr_file, env=env)
        assert process.stdout is not None
        reader = _LineReader(process)
        if delay is not None and after_intake_opened:
            reader.read_until(None, stop_at="intake ")
        reader.read_until(None if delay is None else time.monotonic() + delay)
        killed = delay is not None and process.poll() is None
        if killed:
            process.kill()  # SIGKILL: none of the kiosk's clean-up code runs
        os.set_blocking(process.stdout.fileno(), True)
        rest, _ = process.communicate(timeout=120)
        lines = reader.lines if killed else reader.lines + (reader.leftover + rest.decode()).splitlines()
        stderr_file.seek(0)
        errors = stderr_file.read().decode(errors="replace")[-2000:]
        return lines, killed, process.returncode, errors


class _LineReader:
    """The child's whole lines as they come; a line cut short by the kill (no newline yet) is not counted."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        self._fd = process.stdout.fileno()
        os.set_blocking(self._fd, False)
        self._buffer = b""
        self.lines: list[str] = []
        self.closed = False

    @property
    def leftover(self) -> str:
        return self._buffer.decode(errors="replace")

    def read_until(self, deadline: float | None, *, stop_at: str | None = None) -> None:
        """Until the deadline, the end of output, or a line starting with `stop_at`."""
        while not self.closed:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return
            ready, _, _ = select.select([self._fd], [], [], 0.5 if left is None else min(left, 0.5))
            if not ready:
                continue
            chunk = os.read(self._fd, 65536)
            if not chunk:
                self.closed = True
                return
            self._buffer += chunk
            *complete, self._buffer = self._buffer.split(b"\n")
            new = [line.decode() for line in complete if line]
            self.lines += new
            if stop_at is not None and any(line.startswith(stop_at) for line in new):
                return


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--input-guard-ms", type=int, default=400)
    parser.add_argument("--answer-beat-ms", type=int, default=300)
    arguments = parser.parse_args()
    figures = run_soak(
        arguments.kills,
        seed=arguments.seed,
        input_guard_ms=arguments.input_guard_ms,
        answer_beat_ms=arguments.answer_beat_ms,
        log=lambda line: print(line, file=sys.stderr, flush=True),
    )
    report = json.dumps(asdict(figures), indent=2, default=str)
    print(report)
    if arguments.out:
        arguments.out.write_text(report)
    failed = figures.answers_lost or figures.consents_lost or figures.intakes_not_submittable
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
