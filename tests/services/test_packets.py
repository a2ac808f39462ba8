"""Packets of submitted intakes: the records worded in the intake's language, rendered byte-stably,
signed with the clinic certificate, stored with their hash, and made again when missing."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Mapping, Sequence
from io import BytesIO
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select

from kiosk.documents.certificates import CERTIFICATES_DIR, clinic_root_certificate, ensure_clinic_certificate
from kiosk.documents.verification import verify_pdf
from kiosk.domain.forms import text_sha256
from kiosk.domain.scoring import AnswerData
from kiosk.services.backend import Backend
from kiosk.services.demo import prepared_patient_answers
from kiosk.services.intake import UnknownIntakeError, begin_intake, record_answer, submit_intake
from kiosk.services.packet_content import PacketError, packet_data_for
from kiosk.services.packets import PacketMaker, make_packet, render_unsigned, stored_packet
from kiosk.settings import DEFAULT_SETTINGS
from kiosk.store.engine import unit_of_work
from kiosk.store.models import AuditEntry, Intake
from tests.identities import clinician
from tests.services.conftest import BackendFactory, FakeClock, schedule
from tests.services.test_board import answer_questionnaire, past_visit, patient_of
from tests.services.test_intake import sign_all_consents

DOB = dt.date(1979, 7, 2)
CLINIC = "Riverside Ketamine Clinic (demo)"
"""The clinic name of the default settings, which the generated certificate carries."""


def make_certificate_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding a generated clinic certificate (two RSA keys: made once per test module)."""
    source = tmp_path_factory.mktemp("certificate-source")
    ensure_clinic_certificate(source, CLINIC)
    return source


def install_certificate(source: Path, data_dir: Path) -> None:
    """Give ``data_dir`` the clinic certificate, as if the kiosk had made it there on an earlier day."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / CERTIFICATES_DIR, data_dir / CERTIFICATES_DIR)


@pytest.fixture(scope="module")
def certificate_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_certificate_source(tmp_path_factory)


@pytest.fixture
def backend(make_backend: BackendFactory, certificate_source: Path, tmp_path: Path) -> Backend:
    install_certificate(certificate_source, tmp_path / "data")
    return make_backend(tmp_path / "data")


def visit(
    backend: Backend,
    appointment_id: int,
    *,
    language: str = "en",
    name: str = "Sam Taylor",
    phq: Sequence[int] = (0,) * 9,
    gad: Sequence[int] = (0,) * 7,
    checklist: Mapping[str, AnswerData] | None = None,
) -> int:
    """A submitted intake: consents signed, PHQ-9 and GAD-7 with these item scores, a prepared patient's
    checklist with ``checklist`` answered over it."""
    state = begin_intake(backend, appointment_id, language)
    sign_all_consents(backend, state.intake_id, name=name)
    answer_questionnaire(backend, state.intake_id, "phq9", phq)
    answer_questionnaire(backend, state.intake_id, "gad7", gad)
    form = backend.forms.get("checklist_im_ketamine")
    for item_id, value in [*prepared_patient_answers(form), *(checklist or {}).items()]:
        record_answer(backend, state.intake_id, form.id, item_id, value)
    submit_intake(backend, state.intake_id)
    return state.intake_id


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(BytesIO(pdf)).pages]


def audit_entries(backend: Backend, action: str) -> list[AuditEntry]:
    with unit_of_work(backend.db_factory) as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def stored_columns(backend: Backend, intake_id: int) -> tuple[bytes | None, str | None]:
    with unit_of_work(backend.db_factory) as db:
        row = db.execute(select(Intake.packet_pdf, Intake.packet_sha256).where(Intake.id == intake_id)).one()
        return row.packet_pdf, row.packet_sha256


def test_a_submitted_intake_gets_a_signed_stored_packet_that_verifies(backend: Backend) -> None:
    intake_id = visit(backend, schedule(backend, "Sam", "Taylor", DOB))
    result = PacketMaker(backend).make(intake_id)

    pdf, sha256 = stored_columns(backend, intake_id)
    assert pdf is not None
    assert sha256 == result.sha256 == hashlib.sha256(pdf).hexdigest()
    assert result.size == len(pdf)
    assert result.pages == len(pypdf.PdfReader(BytesIO(pdf)).pages)
    # Cover, three consents on pages of their own, the questionnaires and the checklist.
    assert result.pages >= 6

    root = clinic_root_certificate(backend.data_dir)
    assert root is not None
    report = verify_pdf(pdf, trust_roots=[root])
    assert report.intact, report.describe()
    assert report.signer_common_name == CLINIC
    assert report.issuer_trusted is True
    # Signing appends to the rendered file, so the stored packet begins with exactly these records' render.
    assert pdf.startswith(render_unsigned(backend, intake_id))

    (created,) = audit_entries(backend, "packet.create")
    assert (created.actor, created.intake_id) == ("kiosk", intake_id)
    assert result.sha256 in created.detail
    assert "Sam" not in created.detail and "Taylor" not in created.detail


def test_the_same_records_render_byte_identically(backend: Backend, clock: FakeClock) -> None:
    intake_id = visit(backend, schedule(backend, "Sam", "Taylor", DOB), phq=(1, 2, 0, 1, 0, 0, 1, 0, 1))
    first = render_unsigned(backend, intake_id)
    clock.advance(hours=5)  # the render's clock is the intake's submission, not now
    assert render_unsigned(backend, intake_id) == first
    assert packet_data_for(backend, intake_id) == packet_data_for(backend, intake_id)


def test_the_packet_says_what_the_records_say(backend: Backend, clock: FakeClock) -> None:
    appointment_id = schedule(backend, "Sam", "Taylor", DOB)
    patient_id = patient_of(backend, appointment_id)
    past_visit(backend, clock, patient_id, 21, phq=(2, 2, 2, 2, 2, 2, 2, 2, 0), gad=(2,) * 7)  # 16, 14
    past_visit(backend, clock, patient_id, 7, phq=(1, 1, 1, 1, 1, 1, 1, 1, 0), gad=(1,) * 7)  # 8, 7
    state = begin_intake(backend, appointment_id, "en")
    # Item 9 answered above 0 and then changed: the urgent flag stays in the packet, marked.
    record_answer(backend, state.intake_id, "phq9", "q9", 2)
    intake_id = visit(
        backend,
        appointment_id,
        phq=(1, 1, 1, 1, 0, 0, 0, 0, 0),
        gad=(1, 1, 1, 1, 1, 1, 0),
        checklist={"substances_recent": "yes", "substances_which": ["cannabis", "alcohol"]},
    )
    data = packet_data_for(backend, intake_id)

    assert data.language == "en"
    assert (data.clinic.name, data.clinic.phone) == (CLINIC, "(555) 010-0199")
    assert data.clinic.address == "100 Example Street, Springfield"
    assert (data.patient.name, data.patient.date_of_birth) == ("Sam Taylor", DOB)
    assert data.visit.visit_type == "IM ketamine session"
    assert data.visit.reference == f"INT-{intake_id}"
    assert data.visit.submitted_at == clock.now
    assert data.visit.scheduled_at.hour == 9

    phq, gad = data.scores
    assert (phq.form_title, phq.total, phq.band_label, phq.max_total) == (
        "Patient Health Questionnaire (PHQ-9)",
        4,
        "Minimal",
        27,
    )
    assert (phq.change_from_first, phq.change_from_last) == (4 - 16, 4 - 8)
    assert (gad.total, gad.change_from_first, gad.change_from_last) == (6, 6 - 14, 6 - 7)

    levels = [(flag.level, flag.message) for flag in data.flags]
    urgent = [message for level, message in levels if level == "urgent"]
    assert len(urgent) == 1 and urgent[0].startswith("PHQ-9 item 9")
    assert "The answer was changed afterwards" in urgent[0]
    holds = [message for level, message in levels if level == "hold"]
    assert holds == [
        "Alcohol, cannabis or a sedating, pain or stimulant medicine in the last 24 hours (which ones are in the "
        "checklist answers): see staff before dosing."
    ]
    # The consents were signed at the first visit and are still valid: none was signed at this one.
    assert data.consents == ()

    phq_page, gad_page = data.questionnaires
    assert phq_page.copyright.startswith("Developed by Drs. Robert L. Spitzer")
    assert phq_page.items[0].question == "Little interest or pleasure in doing things"
    assert (phq_page.items[0].answer, phq_page.items[0].score) == ("Several days", 1)
    assert (phq_page.items[-1].number, phq_page.items[-1].answer, phq_page.items[-1].score) == (
        "10",
        "Somewhat difficult",
        None,
    )
    assert (phq_page.total, phq_page.band, phq_page.max_total) == (4, "Minimal", 27)
    assert gad_page.total == 6

    assert data.checklist is not None
    lines = {line.question: line for line in data.checklist.lines}
    substances = next(line for question, line in lines.items() if question.startswith("In the last 24 hours"))
    assert (substances.answer, substances.hold) == ("Yes", True)
    assert substances.hold_reason == holds[0]
    assert [(f.question, f.answer) for f in substances.follow_ups] == [
        ("Which ones? Choose all that apply.", "Cannabis (marijuana); Alcohol")
    ]
    ride = lines["Do you have a ride home arranged for after your session?"]
    assert not ride.hold
    assert [f.question for f in ride.follow_ups] == ["Driver's name", "Driver's phone number"]
    assert sum(line.hold for line in data.checklist.lines) == 1


def test_each_consent_signed_at_the_visit_is_in_the_packet(backend: Backend) -> None:
    intake_id = visit(backend, schedule(backend, "Sam", "Taylor", DOB), name="Samuel T")
    data = packet_data_for(backend, intake_id)
    # One info flag per consent signed with a name that is not the record's.
    mismatches = [flag.message for flag in data.flags if flag.level == "info" and "does not match" in flag.message]
    assert mismatches == [
        f"The name typed on “{consent.title}” does not match the patient record: check the signature before "
        "relying on it."
        for consent in data.consents
    ]

    # In the order signed: the consent to electronic signatures first (kiosk.domain.visit_needs).
    assert [consent.title for consent in data.consents] == [
        backend.forms.get(form_id).title["en"] for form_id in ("esign_consent", "consent_im_ketamine", "privacy_notice")
    ]
    consent = data.consents[1]
    text = backend.forms.get("consent_im_ketamine").consent_text("en")
    assert (consent.text, consent.text_sha256, consent.language) == (text, text_sha256(text), "English")
    assert consent.typed_name == "Samuel T"
    assert consent.signature_png is not None and consent.signature_png.startswith(b"\x89PNG")
    assert consent.strokes == (((0.1, 0.5), (0.3, 0.3), (0.5, 0.7), (0.9, 0.4)),)


def test_the_first_session_has_no_earlier_score(backend: Backend) -> None:
    data = packet_data_for(backend, visit(backend, schedule(backend, "Sam", "Taylor", DOB)))
    assert [(s.total, s.change_from_first, s.change_from_last) for s in data.scores] == [(0, None, None)] * 2
    assert data.flags == ()


def test_a_spanish_intake_gives_a_spanish_packet(backend: Backend) -> None:
    appointment_id = schedule(backend, "Ana", "García", dt.date(1984, 3, 15))
    intake_id = visit(backend, appointment_id, language="es", name="Ana García", phq=(0, 0, 0, 0, 0, 0, 0, 0, 1))
    make_packet(backend, intake_id)
    pdf = stored_packet(backend, intake_id, clinician("dr-lee"))
    text = " ".join(" ".join(page.split()) for page in page_texts(pdf))

    assert "Paquete de admisión" in text
    assert "Sesión de ketamina IM" in text
    assert "URGENTE: un clínico debe revisar esto antes que nada" in text
    assert "Pregunta 9 del PHQ-9 (pensamientos de muerte o de hacerse daño)" in text
    assert "Cuestionario sobre la salud del paciente (PHQ-9)" in text
    assert "Poco interés o placer en hacer cosas" in text
    assert "Ningún día" in text
    assert "Antes de su sesión de ketamina" in text
    assert "Idioma Español" in text
    consent_words = " ".join(backend.forms.get("consent_im_ketamine").consent_text("es").split()[:12])
    assert consent_words in text
    for english in ("Intake packet", "Little interest or pleasure", "Not at all", "Before your ketamine session"):
        assert english not in text
    assert packet_data_for(backend, intake_id).consents[0].language == "Español"


def test_a_draft_gets_no_packet(backend: Backend) -> None:
    intake_id = begin_intake(backend, schedule(backend, "Sam", "Taylor", DOB), "en").intake_id
    record_answer(backend, intake_id, "phq9", "q1", 1)
    with pytest.raises(PacketError, match=f"Intake {intake_id} is still a draft"):
        make_packet(backend, intake_id)
    with pytest.raises(PacketError):
        stored_packet(backend, intake_id, clinician("dr-lee"))
    with pytest.raises(UnknownIntakeError):
        make_packet(backend, intake_id + 1)
    assert stored_columns(backend, intake_id) == (None, None)
    assert audit_entries(backend, "packet.create") == []
    assert audit_entries(backend, "packet.export") == []


def test_a_missing_packet_is_made_again_from_the_same_records(backend: Backend, clock: FakeClock) -> None:
    intake_id = visit(backend, schedule(backend, "Sam", "Taylor", DOB), phq=(1, 0, 2, 0, 0, 1, 0, 0, 0))
    make_packet(backend, intake_id)
    original = stored_packet(backend, intake_id, clinician("dr-lee"))
    with unit_of_work(backend.db_factory) as db:
        intake = db.get_one(Intake, intake_id)
        intake.packet_pdf = None
        intake.packet_sha256 = None
    clock.advance(days=3)

    again = stored_packet(backend, intake_id, clinician("front-desk"))
    unsigned = render_unsigned(backend, intake_id)
    assert original.startswith(unsigned) and again.startswith(unsigned)
    assert again != original  # signed at another time
    assert page_texts(again) == page_texts(original)
    assert verify_pdf(again).intact
    assert stored_columns(backend, intake_id) == (again, hashlib.sha256(again).hexdigest())
    assert [entry.actor for entry in audit_entries(backend, "packet.create")] == ["kiosk", "front-desk"]
    assert [entry.actor for entry in audit_entries(backend, "packet.export")] == ["dr-lee", "front-desk"]
    # With a packet stored, exporting hands it out as it is.
    assert stored_packet(backend, intake_id, clinician("dr-lee")) == again


def test_a_certificate_named_in_the_settings_signs_the_packet(
    make_backend: BackendFactory, certificate_source: Path, tmp_path: Path
) -> None:
    directory = certificate_source / CERTIFICATES_DIR
    data_dir = tmp_path / "clinic"
    data_dir.mkdir()
    (data_dir / "settings.toml").write_text(
        DEFAULT_SETTINGS.replace(
            'certificate = ""', f'certificate = "{(directory / "clinic-signing.p12").as_posix()}"'
        ).replace('passphrase_file = ""', f'passphrase_file = "{(directory / "clinic-signing.passphrase").as_posix()}"')
    )
    backend = make_backend(data_dir)
    intake_id = visit(backend, schedule(backend, "Sam", "Taylor", DOB))
    maker = PacketMaker(backend)
    maker.make(intake_id)
    assert not (data_dir / CERTIFICATES_DIR).exists()  # nothing generated: the named one was used
    root = clinic_root_certificate(certificate_source)
    assert root is not None
    pdf = stored_columns(backend, intake_id)[0]
    assert pdf is not None
    assert verify_pdf(pdf, trust_roots=[root]).intact
    # The signer stays loaded: making the packet again reads no certificate file.
    signer = maker.signer
    maker.make(intake_id)
    assert maker.signer is signer


def test_without_a_certificate_the_kiosk_makes_one(make_backend: BackendFactory, tmp_path: Path) -> None:
    backend = make_backend(tmp_path / "fresh")
    intake_id = visit(backend, schedule(backend, "Sam", "Taylor", DOB))
    make_packet(backend, intake_id)
    root = clinic_root_certificate(backend.data_dir)
    assert root is not None
    pdf = stored_columns(backend, intake_id)[0]
    assert pdf is not None and verify_pdf(pdf, trust_roots=[root]).intact


@pytest.mark.postgres
def test_a_packet_from_an_intake_stored_on_postgresql(
    make_backend: BackendFactory, postgres_url: str, certificate_source: Path, tmp_path: Path
) -> None:
    install_certificate(certificate_source, tmp_path / "pg")
    backend = make_backend(tmp_path / "pg", database_url=postgres_url)
    assert backend.engine.dialect.name == "postgresql"
    intake_id = visit(
        backend, schedule(backend, "Ana", "García", dt.date(1984, 3, 15)), language="es", name="Ana García"
    )
    result = make_packet(backend, intake_id)
    pdf = stored_packet(backend, intake_id, clinician("dr-lee"))
    assert hashlib.sha256(pdf).hexdigest() == result.sha256
    root = clinic_root_certificate(backend.data_dir)
    assert root is not None and verify_pdf(pdf, trust_roots=[root]).intact
    assert pdf.startswith(render_unsigned(backend, intake_id))
    assert "Paquete de admisión" in page_texts(pdf)[0]


def test_a_consent_signed_with_an_adopted_signature_says_so_in_the_packet(backend: Backend) -> None:
    from kiosk.services.intake import sign_consent
    from kiosk.services.signature_image import strokes_to_png

    state = begin_intake(backend, schedule(backend, "Sam", "Taylor", DOB), "es")
    strokes = [[(0.1, 0.5), (0.3, 0.3), (0.5, 0.7), (0.9, 0.4)]]
    for number, task in enumerate(t for t in state.tasks if t.kind.value == "consent"):
        sign_consent(
            backend,
            state.intake_id,
            task.form_id,
            typed_name="Sam Taylor",
            strokes=strokes,
            signature_png=strokes_to_png(strokes),
            reading_started_at=backend.now(),
            adopted=number > 0,
        )
    answer_questionnaire(backend, state.intake_id, "phq9", (0,) * 9)
    answer_questionnaire(backend, state.intake_id, "gad7", (0,) * 7)
    for item_id, value in prepared_patient_answers(backend.forms.get("checklist_im_ketamine")):
        record_answer(backend, state.intake_id, "checklist_im_ketamine", item_id, value)
    submit_intake(backend, state.intake_id)
    data = packet_data_for(backend, state.intake_id)
    assert [consent.signature_adopted_at is not None for consent in data.consents] == [False, True, True]
    text = " ".join(
        (page.extract_text() or "")
        for page in pypdf.PdfReader(BytesIO(render_unsigned(backend, state.intake_id))).pages
    )
    text = " ".join(text.split())
    assert text.count("Firma adoptada") == 2
    assert "Firmar con mi firma" in text


FIRST_VISIT_WORDS = (
    "In the last 4 weeks, have you started, stopped, or changed the dose of any medicine?",
    "Is the emergency contact we have on file for you correct?",
)
LATER_VISIT_WORDS = (
    "Since your last visit, have you started, stopped, or changed the dose of any medicine?",
    "Is the emergency contact we have on file for you still correct?",
)


def test_the_packet_words_each_question_as_the_patient_read_it(backend: Backend, clock: FakeClock) -> None:
    """A first visit's packet prints the first-visit wording the kiosk showed; a later visit's the usual one."""
    first_visit = visit(backend, schedule(backend, "Morgan", "Lee", dt.date(1995, 9, 14)), name="Morgan Lee")
    returning = schedule(backend, "Sam", "Taylor", DOB, hour=10)
    past_visit(backend, clock, patient_of(backend, returning), 7, phq=(0,) * 9)
    later_visit = visit(backend, returning)

    for intake_id, read, not_read in (
        (first_visit, FIRST_VISIT_WORDS, LATER_VISIT_WORDS),
        (later_visit, LATER_VISIT_WORDS, FIRST_VISIT_WORDS),
    ):
        text = " ".join(" ".join(page_texts(render_unsigned(backend, intake_id))).split())
        assert all(words in text for words in read), intake_id
        assert not any(words in text for words in not_read), intake_id
