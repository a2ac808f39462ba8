"""Render every patient screen to PNG at tablet sizes, to look at them as a patient would.

    .venv/bin/python scripts/render_screens.py [OUT_DIR] [--size small] [--language es] [--look large]

Uses a throw-away data directory with the synthetic demo day. Each screen is shown at 1280x800
(landscape), 800x1280 (portrait), 1024x768 (small) and 1920x1080 (wide), in English and Spanish, in the
normal and the large-text + high-contrast looks (or the looks asked for: normal, large, contrast,
large-contrast), and saved as <size>-<language>-<look>-<screen>.png. The looks are switched on with the
header's toggles after each sitting ends, as a patient would: ending a sitting puts the normal look back.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.app import build_patient_window  # noqa: E402
from kiosk.services.backend import open_backend  # noqa: E402
from kiosk.services.checkin import identify  # noqa: E402
from kiosk.services.demo import DEMO_PATIENTS, seed_demo  # noqa: E402
from kiosk.services.intake import begin_intake  # noqa: E402
from kiosk.ui.patient.consent import VisitSignature  # noqa: E402
from kiosk.ui.patient.flow import PatientFlow, Step, StepKind  # noqa: E402
from kiosk.ui.patient.window import PatientWindow  # noqa: E402

SIZES = {"landscape": (1280, 800), "portrait": (800, 1280), "small": (1024, 768), "wide": (1920, 1080)}
LOOKS = {"normal": (False, False), "large": (True, False), "contrast": (False, True), "large-contrast": (True, True)}
"""Each look's (larger text, high contrast)."""


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()


def signature() -> VisitSignature:
    """A drawn-looking signature, as if signed on the visit's first consent."""
    points = tuple((0.1 + 0.02 * i, 0.55 + (0.2 if i % 4 < 2 else -0.2)) for i in range(40))
    picture = QPixmap(600, 200)
    picture.fill(QColor("white"))
    painter = QPainter(picture)
    painter.setPen(QPen(QColor("black"), 3))
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        painter.drawLine(QPointF(x1 * 600, y1 * 200), QPointF(x2 * 600, y2 * 200))
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    picture.save(buffer, "PNG")
    return VisitSignature((points,), bytes(data.data()))


def set_look(window: PatientWindow, look: str) -> None:
    """Tap the header's toggles that differ from `look`, as a patient does (the tick on each shows too)."""
    large, contrast = LOOKS[look]
    for toggle, wanted in ((window.large_text_button, large), (window.contrast_button, contrast)):
        if toggle.isChecked() != wanted:
            toggle.click()


def shots(window: PatientWindow, app: QApplication, out: Path, language: str, look: str, size_name: str) -> list[Path]:
    saved: list[Path] = []

    def save(name: str) -> None:
        settle(app)
        path = out / f"{size_name}-{language}-{look}-{name}.png"
        window.grab().save(str(path))
        saved.append(path)

    backend = window.backend
    window.end_sitting()  # puts the normal look and English back, as for the next patient
    set_look(window, look)
    window._set_language(language)
    save("01-welcome")
    window.show_screen(window.identify_screen)
    window.identify_screen.reset()
    save("02-identify")
    window.identify_screen.first.setText("José")
    window.identify_screen.last.setText("Núñez")
    window.identify_screen.month.setText("02")
    window.identify_screen.day.setText("30")
    window.identify_screen.year.setText("1968")
    window.identify_screen.first.setFocus()
    window.identify_screen._on_next_clicked()  # shows the "date does not exist" message beside the field
    save("02-identify-error")
    person = DEMO_PATIENTS[4]
    result = identify(backend, person.first_name, person.last_name, person.dob)
    window._on_checkin_result(result)
    save("03-confirm")
    window.show_screen(window.front_desk)
    save("04-front-desk")
    assert result.match is not None
    state = begin_intake(backend, result.match.appointment_id, window.language)
    window.sitting.state = state
    flow = PatientFlow(backend.forms, state.tasks, state.answers, state.signed_consents)
    window.sitting.flow = flow
    step = flow.resume()
    window.show_step(step)
    save("05-consent-reading")
    window.consent._on_agree_clicked()
    window.consent.name.setText(f"{person.first_name} {person.last_name}")
    save("06-consent-signing")
    # A later consent of the visit, which offers the signature drawn on the first ("Sign with my signature").
    later = next(task.form_id for task in flow.tasks if task.kind.value == "consent" and task.form_id != step.form_id)
    typed = window.consent.name.text()
    window.consent.show_consent(backend.forms.get(later), language, 2, 3, typed_name=typed, visit_signature=signature())
    window.consent._on_agree_clicked()
    save("06-consent-signing-adopt")
    for kind, form_id, item_id, name in (
        (StepKind.QUESTION, "phq9", "q1", "07-question-phq9"),
        (StepKind.QUESTION, "phq9", "q8", "08-question-phq9-long"),
        (StepKind.QUESTION, "gad7", "difficulty", "09-question-difficulty"),
    ):
        window.show_step(Step(kind, form_id, item_id, 1, 10))
        save(name)
    checklist = backend.forms.get("checklist_spravato")
    for item in checklist.items:
        if item.type.value in ("group", "multi_choice", "text"):
            window.show_step(Step(StepKind.QUESTION, checklist.id, item.id, 5, 12))
            save(f"10-checklist-{item.type.value}-{item.id}")
    window.show_screen(window.crisis)
    save("11-crisis")
    for form_id in ("phq9", "gad7"):
        for number, item in enumerate(backend.forms.get(form_id).answerable_items()[:9]):
            flow.record(form_id, item.id, item.options[number % 3].code)
    window.show_step(Step(StepKind.REVIEW, ""))
    save("12-review")
    window.show_screen(window.thank_you)
    save("13-thank-you")
    window.idle_overlay.show_countdown(27)
    save("14-idle-overlay")
    window.idle_overlay.hide()
    return saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=REPO / "screenshots", help="folder for the PNGs")
    parser.add_argument("--size", action="append", choices=SIZES, help="only this size (repeatable)")
    parser.add_argument("--language", action="append", choices=("en", "es"), help="only this language")
    parser.add_argument("--look", action="append", choices=LOOKS, help="normal and large-contrast unless given")
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory(prefix="kiosk-shots-") as folder:
        backend = open_backend(Path(folder))
        seed_demo(backend)
        window = build_patient_window(backend, kiosk_mode=False)
        window.show()
        count = 0
        for size_name in args.size or SIZES:
            window.resize(*SIZES[size_name])
            for language in args.language or ("en", "es"):
                for look in args.look or ("normal", "large-contrast"):
                    count += len(shots(window, app, out, language, look, size_name))
        window.end_sitting()
        window.allow_close = True
        window.close()
        backend.engine.dispose()
    print(f"{count} screenshots in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
