"""The consent to electronic signatures comes first, and every consent can be met with "I have a question" or
"I do not agree", as its text promises: both are stored for staff, neither throws anything away, and Review
waits for a consent that is not signed (the service takes no check-in with a due consent unsigned)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.domain.statuses import FlagLevel
from kiosk.services.backend import open_backend
from kiosk.services.board import board_for_day
from kiosk.services.checkin import identify
from kiosk.services.demo import prepared_patient_answers
from kiosk.services.intake import begin_intake, record_answer, sign_consent
from kiosk.services.signature_image import strokes_to_png
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry, ConsentRecord, Flag, Intake
from kiosk.ui.patient.window import PatientWindow
from tests.identities import clinician
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient

MORGAN = ("Morgan", "Lee", dt.date(1995, 9, 14))  # a first visit (IM ketamine): every consent is due


def check_in(patient: Patient) -> None:
    patient.tap("Start")
    patient.identify(*MORGAN)
    patient.tap("Next")
    patient.tap("Yes, this is me")


def consent_on_screen(window: PatientWindow) -> str:
    flow = window.sitting.flow
    if flow is None or window.stack.currentWidget() is not window.consent or window.consent.form is None:
        return ""
    return window.consent.form.id


def sign_here(patient: Patient, name: str = "Morgan Lee") -> None:
    """Read to the end, agree, make sure the name is there, draw the signature and sign."""
    patient.scroll_consent_to_end()
    patient.tap("I agree")
    field = patient.tap_field("Full name")
    if not field.text():
        patient.type_on_screen(name)
    patient.tap("Done")
    patient.draw_signature()
    patient.tap("Sign")


def stored(data_dir: Path) -> tuple[list[str], list[tuple[str, str, str]], list[str]]:
    """Signed consents, flags (code, level, form) and audit actions of the latest intake."""
    backend = open_backend(data_dir)
    try:
        with unit_of_work(backend.db_factory) as db:
            intake = db.scalars(select(Intake).order_by(Intake.id.desc())).first()
            assert intake is not None
            signed = [r.form_id for r in db.scalars(select(ConsentRecord).where(ConsentRecord.intake_id == intake.id))]
            flags = [
                (f.code, f.level, f.form_id)
                for f in db.scalars(select(Flag).where(Flag.intake_id == intake.id).order_by(Flag.id))
                if f.cleared_at is None
            ]
            actions = [a.action for a in db.scalars(select(AuditEntry).where(AuditEntry.intake_id == intake.id))]
            return signed, flags, actions
    finally:
        backend.engine.dispose()


def test_esign_first_a_question_moves_on_and_i_do_not_agree_sends_to_the_front_desk(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir
) -> None:
    data_dir = make_data_dir(tmp_path / "data")
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        check_in(patient)
        # The settings list the treatment consent first; the consent to electronic signatures comes first anyway.
        qtbot.waitUntil(lambda: consent_on_screen(window) == "esign_consent", timeout=10_000)
        assert patient.has_button("I have a question") and patient.has_button("I do not agree")
        sign_here(patient)
        qtbot.waitUntil(lambda: consent_on_screen(window) == "consent_im_ketamine", timeout=5000)

        # A question: no need to read to the end first; staff are told, the patient goes on.
        assert not window.consent.agree.isEnabled()
        patient.tap("I have a question")
        patient.wait_for_text("We will answer your question")
        assert any("ketamine" in text for text in patient.texts())  # names the form they asked about
        patient.tap("Continue")
        qtbot.waitUntil(lambda: consent_on_screen(window) == "privacy_notice", timeout=5000)

        # "I do not agree": a kind screen, then back to Welcome; nothing signed, everything kept.
        patient.tap("I do not agree")
        patient.wait_for_text("You do not have to sign this form")
        patient.tap("OK")
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.welcome, timeout=5000)

        signed, flags, actions = stored(data_dir)
        assert signed == ["esign_consent"]
        assert flags == [
            ("consent_question", FlagLevel.INFO.value, "consent_im_ketamine"),
            ("consent_declined", FlagLevel.HOLD.value, "privacy_notice"),
        ]
        assert actions == ["consent.question", "consent.decline"]
        # Staff see both on the board, the hold as "See staff before dosing".
        backend = open_backend(data_dir)
        try:
            lines = board_for_day(backend, clinician()).lines
            shown = {(line.code, line.headline) for line in lines if line.patient_name == "Morgan Lee"}
            assert ("consent_declined", "See staff before dosing") in shown
            assert any(code == "consent_question" for code, _ in shown)
        finally:
            backend.engine.dispose()
    finally:
        window.shutdown()


def _everything_but_the_treatment_consent(data_dir: Path) -> None:
    backend = open_backend(data_dir)
    strokes = [[(0.1, 0.5), (0.3, 0.3), (0.5, 0.7), (0.9, 0.4)]]
    try:
        match = identify(backend, *MORGAN).match
        assert match is not None
        intake_id = begin_intake(backend, match.appointment_id, "en").intake_id
        for form_id in ("esign_consent", "privacy_notice"):
            sign_consent(
                backend,
                intake_id,
                form_id,
                typed_name="Morgan Lee",
                strokes=strokes,
                signature_png=strokes_to_png(strokes),
                reading_started_at=backend.now(),
            )
        for form_id in ("phq9", "gad7"):
            for item in backend.forms.get(form_id).answerable_items():
                if item.id != "difficulty":
                    record_answer(backend, intake_id, form_id, item.id, 0)
        checklist = backend.forms.get("checklist_im_ketamine")
        for item_id, value in prepared_patient_answers(checklist):
            record_answer(backend, intake_id, checklist.id, item_id, value)
    finally:
        backend.engine.dispose()


def test_review_waits_for_a_consent_with_a_question_and_offers_to_sign_it(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir
) -> None:
    data_dir = make_data_dir(tmp_path / "data")
    _everything_but_the_treatment_consent(data_dir)
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        check_in(patient)
        qtbot.waitUntil(lambda: consent_on_screen(window) == "consent_im_ketamine", timeout=10_000)
        patient.tap("I have a question")
        patient.tap("Continue")
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.review, timeout=5000)
        # The service takes no check-in with a due consent unsigned: Submit waits, and says what for.
        assert not window.review.submit.isEnabled()
        assert window.review.submit.text() == "Sign the forms above first"  # says why, on the button
        assert "Some forms are not signed yet" in window.review.missing.text()
        assert "ketamine" in window.review.missing.text()
        window.grab().save(str(tmp_path / "review.png"))
        # The staff member answered the question at the tablet: the patient signs from Review.
        patient.tap("Read and sign")
        qtbot.waitUntil(lambda: consent_on_screen(window) == "consent_im_ketamine", timeout=5000)
        sign_here(patient)
        qtbot.waitUntil(lambda: window.stack.currentWidget() is window.review, timeout=5000)
        assert window.review.submit.isEnabled() and window.review.missing.text() == ""
        assert window.review.submit.text() == "Submit"
        patient.tap("Submit")
        patient.wait_for_text("Thank you")
        signed, flags, _ = stored(data_dir)
        assert sorted(signed) == ["consent_im_ketamine", "esign_consent", "privacy_notice"]
        assert ("consent_question", FlagLevel.INFO.value, "consent_im_ketamine") in flags  # staff still see it
    finally:
        window.shutdown()


def test_the_new_buttons_obey_the_input_guard(qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir) -> None:
    """A finger still on the glass when the consent appears does not say "I do not agree" by accident."""
    data_dir = make_data_dir(tmp_path / "data", input_guard_ms=400)
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        check_in(patient)
        qtbot.waitUntil(lambda: consent_on_screen(window) == "esign_consent", timeout=10_000)
        for name in ("I do not agree", "I have a question"):
            hasty = patient.button(name)
            window.input_guard.arm()  # as if the consent had just appeared
            qtbot.mouseClick(hasty, Qt.MouseButton.LeftButton, pos=hasty.rect().center())
            assert window.stack.currentWidget() is window.consent
        _, flags, _ = stored(data_dir)
        assert flags == []
        patient.tap("I do not agree")  # after a look at the screen, it counts
        patient.wait_for_text("You do not have to sign this form")
        _, flags, _ = stored(data_dir)
        assert flags == [("consent_declined", FlagLevel.HOLD.value, "esign_consent")]
    finally:
        window.shutdown()


def test_a_submit_that_cannot_be_used_yet_says_why_on_the_button(qtbot: QtBot) -> None:
    from kiosk.domain.forms import FormKind
    from kiosk.domain.loader import load_forms
    from kiosk.domain.visit_needs import VisitTask
    from kiosk.ui.patient.answers_review import ReviewScreen
    from kiosk.ui.patient.flow import PatientFlow
    from tests.conftest import FORMS_DIR

    forms = load_forms(FORMS_DIR)
    tasks = (VisitTask("esign_consent", FormKind.CONSENT), VisitTask("phq9", FormKind.QUESTIONNAIRE))
    screen = ReviewScreen()
    qtbot.addWidget(screen)
    screen.show_review(forms, PatientFlow(forms, tasks, {}, frozenset()), "en")
    assert (screen.submit.isEnabled(), screen.submit.text()) == (False, "Sign the forms above first")
    screen.show_review(forms, PatientFlow(forms, tasks, {}, frozenset({"esign_consent"})), "en")
    assert (screen.submit.isEnabled(), screen.submit.text()) == (False, "Answer the questions above first")
    answers = {"phq9": {item.id: item.options[0].code for item in forms.get("phq9").answerable_items()}}
    screen.show_review(forms, PatientFlow(forms, tasks, answers, frozenset({"esign_consent"})), "en")
    assert (screen.submit.isEnabled(), screen.submit.text()) == (True, "Submit")
    assert screen.submit.accessibleName() == "Submit"
