"""A patient walks the whole check-in by tapping and typing: IM ketamine and Spravato, English and Spanish."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.documents.verification import verify_pdf
from kiosk.services.backend import open_backend
from kiosk.store.engine import unit_of_work
from kiosk.store.models import ConsentRecord, Flag, Intake
from kiosk.ui.patient.flow import StepKind
from kiosk.ui.patient.window import PatientWindow
from tests.ui.patient.driver import Patient, choose

# Spanish accessible names are the translations shipped in resources/i18n/kiosk_es.qm.
WORDS = {
    "en": {
        "Start": "Start",
        "Yes, this is me": "Yes, this is me",
        "I agree": "I agree",
        "Full name": "Full name",
        "Sign": "Sign",
        "Sign with my signature": "Sign with my signature",
        "Continue": "Continue",
        "Submit": "Submit",
        "Next": "Next",
        "Done": "Done",
        "fields": ("First name", "Last name", "Month", "Day", "Year"),
        "thanks": "Thank you, you are checked in",
    },
    "es": {
        "Start": "Comenzar",
        "Yes, this is me": "Sí, soy yo",
        "I agree": "Acepto",
        "Full name": "Nombre completo",
        "Sign": "Firmar",
        "Sign with my signature": "Firmar con mi firma",
        "Continue": "Continuar",
        "Submit": "Enviar",
        "Next": "Siguiente",
        "Done": "Listo",
        "fields": ("Nombre", "Apellido", "Mes", "Día", "Año"),
        "thanks": "Gracias, ya está registrado(a)",
    },
}

# (first, last, date of birth, visit type): demo patients without earlier sessions, so every consent is due.
WALKS = {
    "im_ketamine-en": ("Morgan", "Lee", dt.date(1995, 9, 14), "en"),
    "im_ketamine-es": ("Chris", "O'Neil", dt.date(1982, 4, 27), "es"),
    "spravato-en": ("Lucía", "Fernández", dt.date(1999, 2, 18), "en"),
    "spravato-es": ("José", "Núñez", dt.date(1968, 5, 30), "es"),
}


@pytest.mark.parametrize("walk", sorted(WALKS))
def test_a_patient_checks_in_from_start_to_thank_you(
    walk: str, patient: Patient, kiosk: PatientWindow, data_dir: Path
) -> None:
    first, last, dob, language = WALKS[walk]
    words = WORDS[language]
    phq_item9 = 1 if walk == "spravato-es" else 0
    if language == "es":
        patient.tap("Español")
    patient.tap(words["Start"])
    patient.identify(first, last, dob, names=words["fields"])
    patient.tap(words["Next"])
    patient.tap(words["Yes, this is me"])

    flow = None
    seen_crisis = False
    signed_consents = 0
    for _ in range(80):
        patient.qtbot.waitUntil(
            lambda: kiosk.sitting.flow is not None and kiosk.stack.currentWidget() is not kiosk.confirm
        )
        flow = kiosk.sitting.flow
        assert flow is not None
        step = flow.current
        patient.qtbot.waitUntil(lambda step=step: kiosk.stack.currentWidget() is _screen_for(kiosk, step.kind))
        if step.kind is StepKind.REVIEW:
            break
        if step.kind is StepKind.CONSENT:
            patient.scroll_consent_to_end()
            patient.tap(words["I agree"])
            # The name typed at check-in is already there; the signature is drawn once, then adopted.
            assert kiosk.consent.name.text() == f"{first} {last}"
            if signed_consents == 0:
                assert not patient.has_button(words["Sign with my signature"])
                patient.draw_signature()
                patient.tap(words["Sign"])
            else:
                patient.tap(words["Sign with my signature"])
            signed_consents += 1
        elif step.kind is StepKind.CRISIS:
            seen_crisis = True
            assert "988" in " ".join(patient.texts())
            patient.tap(words["Continue"])
        else:
            choose(patient, kiosk, language, phq_item9)
        patient.qtbot.waitUntil(
            lambda step=step, flow=flow: flow.current.key != step.key or flow.current.kind is StepKind.REVIEW
        )
    assert flow is not None and flow.current.kind is StepKind.REVIEW
    assert seen_crisis is (phq_item9 > 0)
    patient.tap(words["Submit"])
    patient.wait_for_text(words["thanks"])

    # The signed packet is made in the background, without the patient waiting for it.
    backend = open_backend(data_dir)

    def packet_stored() -> bool:
        with unit_of_work(backend.db_factory) as db:
            latest = db.scalars(select(Intake).order_by(Intake.id.desc())).first()
            return latest is not None and latest.packet_sha256 is not None

    patient.qtbot.waitUntil(packet_stored, timeout=10_000)
    with unit_of_work(backend.db_factory) as db:
        intake = db.scalars(select(Intake).order_by(Intake.id.desc())).first()
        assert intake is not None and intake.packet_pdf is not None
        assert verify_pdf(intake.packet_pdf).intact
        assert intake is not None and intake.status == "submitted" and intake.language == language
        consents = db.scalars(select(ConsentRecord).where(ConsentRecord.intake_id == intake.id)).all()
        assert len(consents) == 3
        assert all(record.name_matches for record in consents)
        assert {record.language for record in consents} == {language}
        strokes = backend.cipher.decrypt_json(
            consents[0].signature_strokes_enc, context="consent_records.signature_strokes"
        )
        assert len(strokes) == 1 and len(strokes[0]) == 40  # the drawn stroke, point for point
        # Drawn on the first consent (esign), adopted with a tap on the other two: each keeps its own record.
        adopted = {record.form_id: record.signature_adopted_at is not None for record in consents}
        assert adopted.pop("esign_consent") is False and list(adopted.values()) == [True, True]
        for record in consents:
            assert (
                backend.cipher.decrypt_json(record.signature_strokes_enc, context="consent_records.signature_strokes")
                == strokes
            )
        flags = {flag.code for flag in db.scalars(select(Flag).where(Flag.intake_id == intake.id))}
        assert ("phq9_item9_positive" in flags) is (phq_item9 > 0)
    backend.engine.dispose()
    patient.tap(words["Done"])
    patient.qtbot.waitUntil(lambda: kiosk.stack.currentWidget() is kiosk.welcome)


def _screen_for(kiosk: PatientWindow, kind: StepKind) -> object:
    return {
        StepKind.CONSENT: kiosk.consent,
        StepKind.QUESTION: kiosk.question,
        StepKind.CRISIS: kiosk.crisis,
        StepKind.REVIEW: kiosk.review,
    }[kind]
