"""The consent packet PDF: content, layout rules, languages, fonts and byte-stability."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO

import pypdf
import pytest

from kiosk.documents.packet_data import (
    AnswerLine,
    ClinicInfo,
    FlagLine,
    PacketData,
    PatientInfo,
    QuestionnairePage,
    ScoreSummary,
)
from kiosk.documents.render import SIGNATURE_STAMP_BOX, render_packet
from tests.documents.conftest import CLINIC_NAME, CLOCK_TIME, consent_page, fixed_clock, small_packet
from tests.documents.sample import sample_signature_png


def page_texts(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(BytesIO(pdf))
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    """Text with line breaks folded into spaces, for phrases the layout may wrap."""
    return re.sub(r"\s+", " ", text)


def test_same_data_and_clock_give_identical_bytes() -> None:
    first = render_packet(small_packet(), clock=fixed_clock)
    second = render_packet(small_packet(), clock=fixed_clock)
    assert first == second


def test_the_sample_packet_is_byte_stable_too(sample_data: PacketData, sample_pdf: bytes) -> None:
    from tests.documents.sample import sample_clock

    assert render_packet(sample_data, clock=sample_clock) == sample_pdf


def test_the_clock_is_the_creation_date_and_the_generated_line() -> None:
    pdf = render_packet(small_packet(), clock=fixed_clock)
    later = render_packet(small_packet(), clock=lambda: CLOCK_TIME + timedelta(hours=1))
    assert pdf != later
    metadata = pypdf.PdfReader(BytesIO(pdf)).metadata
    assert metadata is not None
    assert metadata.creation_date == CLOCK_TIME
    assert "Generated Feb 9, 2026, 2:30 PM (UTC-05:00)" in page_texts(pdf)[0]


def test_metadata_names_the_packet_and_clinic_but_not_the_patient_or_visit() -> None:
    metadata = pypdf.PdfReader(BytesIO(render_packet(small_packet(), clock=fixed_clock))).metadata
    assert metadata is not None
    assert metadata.title == "Intake packet"
    assert metadata.author == CLINIC_NAME
    assert metadata.subject == "Signed consents, questionnaire answers and pre-session checklist"
    values = " ".join(str(value) for value in metadata.values())
    assert "Jordan" not in values and "Example" not in values and "Feb 9" not in values


def test_every_page_names_the_patient_and_says_page_x_of_y(sample_pdf: bytes) -> None:
    texts = page_texts(sample_pdf)
    assert len(texts) >= 6
    for number, text in enumerate(texts, start=1):
        assert "María José Núñez" in text
        assert "DOB Jul 19, 1984" in text
        assert f"Page {number} of {len(texts)}" in text


def test_cover_shows_clinic_visit_scores_and_flags_in_words(sample_pdf: bytes) -> None:
    cover = flat(page_texts(sample_pdf)[0])
    for expected in (
        "Intake packet",
        "Cedar Grove Ketamine Clinic",
        "(503) 555-0142",
        "IM ketamine session 3",
        "Mar 17, 2026, 10:00 AM (UTC-07:00)",
        "INT-2026-000317",
        "11 / 27",
        "Moderate",
        "8 / 21",
        "Mild",
        "-8",
        "HOLD: see staff before dosing",
        "Alcohol, cannabis",
        "For the clinician's attention",
    ):
        assert expected in cover, expected


def test_urgent_flags_come_first_set_apart_in_red(sample_pdf: bytes) -> None:
    cover = flat(page_texts(sample_pdf)[0])
    urgent = cover.index("URGENT: a clinician must review before anything else")
    assert urgent < cover.index("Patient") < cover.index("Questionnaire scores")
    assert "PHQ-9 item 9" in cover[urgent:]
    page = pypdf.PdfReader(BytesIO(sample_pdf)).pages[0]
    content = page.get_contents()
    assert content is not None
    assert b".69 0 .13 RG" in content.get_data(), "the urgent box is stroked in red"


def test_no_flags_says_so_and_draws_no_alarm() -> None:
    texts = page_texts(render_packet(small_packet(flags=()), clock=fixed_clock))
    assert "URGENT" not in texts[0]
    assert "The kiosk raised no flags or holds for this visit." in flat(texts[0])


def test_incomplete_questionnaire_is_never_given_a_total() -> None:
    data = small_packet(
        scores=(ScoreSummary("PHQ-9", None, None, 27),),
        questionnaires=(
            QuestionnairePage(
                title="PHQ-9",
                items=(
                    AnswerLine("1", "Little interest or pleasure in doing things", "Several days", 1),
                    AnswerLine("2", "Feeling down, depressed, or hopeless", None, None),
                ),
                total=None,
                band=None,
                max_total=27,
            ),
        ),
    )
    texts = [flat(text) for text in page_texts(render_packet(data, clock=fixed_clock))]
    assert "incomplete" in texts[0]
    assert "no earlier score" in texts[0]
    questionnaire = next(text for text in texts if "Feeling down" in text)
    assert "Not answered" in questionnaire
    assert "Total: incomplete, 1 scored item(s) not answered; no total is given" in questionnaire


def test_consent_page_has_text_headings_hash_times_and_signer() -> None:
    text = "## Risks\nKetamine can raise blood pressure.\n\n## Your choice\nYou may stop at any time."
    consent = consent_page(text, title="Ketamine consent")
    pdf = render_packet(small_packet(consents=(consent,)), clock=fixed_clock)
    page = flat(next(text for text in page_texts(pdf) if "Ketamine consent" in text and "SHA-256" in text))
    assert "## " not in page
    for expected in (
        "Risks",
        "Ketamine can raise blood pressure.",
        "Your choice",
        "Version 2.1.0",
        "Language English",
        consent.text_sha256,
        "Reading started Feb 9, 2026, 2:10:15 PM (UTC-05:00)",
        "Signed Feb 9, 2026, 2:15:12 PM (UTC-05:00)",
        "Name typed by the signer Jordan Example",
    ):
        assert expected in page, expected


def test_each_consent_starts_on_a_new_page() -> None:
    consents = (consent_page("First consent text.", title="Alpha"), consent_page("Second text.", title="Beta"))
    texts = page_texts(render_packet(small_packet(consents=consents), clock=fixed_clock))
    alpha = next(index for index, text in enumerate(texts) if "Alpha" in text and "SHA-256" in text)
    beta = next(index for index, text in enumerate(texts) if "Beta" in text and "SHA-256" in text)
    assert alpha >= 1
    assert beta == alpha + 1
    assert "Beta" not in texts[alpha].split("First consent text.")[1]


def _image_count(pdf: bytes) -> int:
    reader = pypdf.PdfReader(BytesIO(pdf))
    return sum(len(page.images) for page in reader.pages)


def test_signature_png_is_printed_as_an_image() -> None:
    png = sample_signature_png((((10.0, 10.0), (200.0, 80.0)),))
    consent = consent_page("Text.", signature_png=png, strokes=())
    assert _image_count(render_packet(small_packet(consents=(consent,)), clock=fixed_clock)) == 1


def test_strokes_without_png_are_drawn_as_vector_paths() -> None:
    consent = consent_page("Text.", signature_png=None)
    pdf = render_packet(small_packet(consents=(consent,)), clock=fixed_clock)
    assert _image_count(pdf) == 0
    reader = pypdf.PdfReader(BytesIO(pdf))
    signature_page = next(page for page in reader.pages if "Name typed by the signer" in page.extract_text())
    content = signature_page.get_contents()
    assert content is not None
    assert b"1 J\n1 j" in content.get_data(), "round pen caps and joins of the drawn strokes"


def test_missing_signature_is_said_in_words() -> None:
    consent = consent_page("Text.", signature_png=None, strokes=())
    texts = page_texts(render_packet(small_packet(consents=(consent,)), clock=fixed_clock))
    assert any("No signature image was recorded." in text for text in texts)


def test_questionnaire_page_lists_every_item_answer_score_total_and_notice(sample_pdf: bytes) -> None:
    texts = [flat(text) for text in page_texts(sample_pdf)]
    phq9 = next(text for text in texts if "Patient Health Questionnaire (PHQ-9)" in text and "Score" in text)
    assert "Over the last 2 weeks, how often have you been bothered by any of the following problems?" in phq9
    assert "Thoughts that you would be better off dead or of hurting yourself in some way" in phq9
    assert "how difficult have these problems made it for you" in phq9
    assert "Somewhat difficult" in phq9
    assert "Total: 11 of 27 — Moderate" in phq9
    assert "with an educational grant from Pfizer Inc." in phq9


def test_long_questionnaire_breaks_across_pages_repeating_its_header() -> None:
    items = tuple(
        AnswerLine(str(number), f"Question number {number} asks something fairly long about the last weeks", "Yes", 1)
        for number in range(1, 81)
    )
    page = QuestionnairePage(title="Long form", items=items, total=80, band="High", max_total=80)
    texts = page_texts(render_packet(small_packet(questionnaires=(page,)), clock=fixed_clock))
    pages_with_items = [text for text in texts if "Question number" in text]
    assert len(pages_with_items) >= 2
    for text in pages_with_items:
        assert "Question Answer Score" in flat(text), "each page of the table repeats its header row"
    joined = flat(" ".join(pages_with_items))
    for number in (1, 40, 80):
        assert f"Question number {number} asks" in joined


def test_checklist_marks_holds_and_shows_follow_ups() -> None:
    texts = [flat(text) for text in page_texts(render_packet(small_packet(), clock=fixed_clock))]
    checklist = next(text for text in texts if "Question Answer Hold" in text)
    assert "HOLD" in checklist
    assert "No ride home arranged: see staff before dosing." in checklist
    assert "Which medicine? Sertraline 100 mg" in checklist


def test_spanish_intake_gives_a_spanish_packet() -> None:
    data = small_packet(language="es")
    texts = [flat(text) for text in page_texts(render_packet(data, clock=fixed_clock))]
    cover = texts[0]
    for expected in ("Paquete de admisión", "Fecha de nacimiento", "2 abr 1990", "EN ESPERA", "Página 1 de"):
        assert expected in cover, expected
    joined = " ".join(texts)
    for english in ("Intake packet", "Date of birth", "Page 1 of", "Questionnaire scores", "Signature"):
        assert english not in joined, english


@pytest.mark.parametrize(
    "name",
    ["Ἀλέξανδρος Παπαδόπουλος", "Алёна Смирнова", "Zoë Ñúñez-Ångström"],
)
def test_accented_greek_and_cyrillic_names_print_in_the_bundled_font(name: str) -> None:
    data = small_packet(
        patient=PatientInfo(name=name, date_of_birth=date(1975, 1, 31)),
        clinic=ClinicInfo(name="Клиника Σ", phone="1"),
    )
    pdf = render_packet(data, clock=fixed_clock)
    reader = pypdf.PdfReader(BytesIO(pdf))
    assert name in reader.pages[0].extract_text()
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index,union-attr]
    }
    assert fonts, "the pages use fonts"
    assert all("NotoSans" in font for font in fonts), fonts


def test_long_names_in_the_running_header_are_cut_not_overprinted() -> None:
    name = "Maximiliano Bartholomew Fitzgerald-Montgomery de la Santísima Trinidad y Ortega"
    data = small_packet(patient=PatientInfo(name=name, date_of_birth=date(1975, 1, 31)))
    second_page = page_texts(render_packet(data, clock=fixed_clock))[1]
    lines = second_page.splitlines()
    header = lines[lines.index("DOB Jan 31, 1975") - 1]
    assert header.startswith("Maximiliano Bartholomew")
    assert header.endswith("…")
    assert name not in second_page


def test_cover_leaves_the_signature_stamp_corner_empty(sample_pdf: bytes) -> None:
    page = pypdf.PdfReader(BytesIO(sample_pdf)).pages[0]
    x1, y1, x2, y2 = SIGNATURE_STAMP_BOX
    inside: list[str] = []

    def visitor(text: str, _cm: object, tm: list[float], _font: object, _size: object) -> None:
        if text.strip() and x1 <= tm[4] <= x2 and y1 <= tm[5] <= y2:
            inside.append(text)

    page.extract_text(visitor_text=visitor)
    assert inside == []
    assert 0 < x1 < x2 <= float(page.mediabox.width)
    assert 0 < y1 < y2 <= float(page.mediabox.height)


def test_times_must_carry_a_utc_offset() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FlagLine("urgent", "x", CLOCK_TIME.replace(tzinfo=None))
