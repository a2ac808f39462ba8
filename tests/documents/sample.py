"""A realistic, entirely synthetic consent packet: for looking at the layout and for benchmarks.

The wording comes from the bundled forms (read with yaml.safe_load) so the demo shows the real
consent lengths and the instruments word for word; the patient, answers and signature are made
up. Everything is deterministic, so two calls give equal data and a benchmark measures the same
work every time. ``signed_sample_packet()`` is the whole pipeline (render, then sign) that the
benchmarks time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from io import BytesIO
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageDraw

from kiosk.documents.certificates import ClinicSigner
from kiosk.documents.packet_data import (
    AnswerLine,
    ChecklistLine,
    ChecklistPage,
    ClinicInfo,
    ConsentPage,
    FlagLine,
    FollowUp,
    PacketData,
    PacketLanguage,
    PatientInfo,
    QuestionnairePage,
    ScoreSummary,
    Stroke,
    VisitInfo,
)
from kiosk.documents.render import render_packet
from kiosk.documents.signing import sign_pdf
from kiosk.domain.forms import text_sha256
from kiosk.resources import forms_dir

PACIFIC = timezone(timedelta(hours=-7), "PDT")
VISIT_START = datetime(2026, 3, 17, 10, 0, tzinfo=PACIFIC)
SAMPLE_CLOCK_TIME = datetime(2026, 3, 17, 10, 12, 30, tzinfo=PACIFIC)

PAD_WIDTH, PAD_HEIGHT = 600, 200

# Answers of the synthetic patient, by item id (option code, text or list of codes).
_PHQ9_ANSWERS = {
    "q1": "LA6570-1",
    "q2": "LA6570-1",
    "q3": "LA6569-3",
    "q4": "LA6570-1",
    "q5": "LA6569-3",
    "q6": "LA6569-3",
    "q7": "LA6569-3",
    "q8": "LA6568-5",
    "q9": "LA6569-3",
    "difficulty": "LA6573-5",
}
_GAD7_ANSWERS = {
    "q1": "LA6570-1",
    "q2": "LA6569-3",
    "q3": "LA6570-1",
    "q4": "LA6569-3",
    "q5": "LA6568-5",
    "q6": "LA6569-3",
    "q7": "LA6569-3",
    "difficulty": "LA6572-7",
}
_CHECKLIST_ANSWERS: dict[str, dict[str, Any]] = {
    "en": {
        "food_recent": "no",
        "liquids_recent": "no",
        "substances_recent": "yes",
        "substances_which": ["cannabis"],
        "psychedelics_recent": "no",
        "medication_changed": "yes",
        "medication_which": "Sertraline raised from 50 mg to 100 mg by my primary care doctor two weeks ago.",
        "pregnant_or_breastfeeding": "no",
        "ride_home": "yes",
        "driver_name": "Lucía Fernández",
        "driver_phone": "(503) 555-0187",
        "no_driving_agreed": "yes",
        "feeling_unwell": "no",
        "emergency_contact_correct": "yes",
        "intention": "To be gentler with myself and notice what comes up without judging it.",
    },
    "es": {
        "medication_which": "Mi médico de cabecera subió la sertralina de 50 mg a 100 mg hace dos semanas.",
        "intention": "Ser más amable conmigo misma y notar lo que surja sin juzgarlo.",
    },
}
_HELD_ITEMS = ("substances_recent",)

_SYNTHETIC_CONSENT = (
    "## About this sample\n\n"
    + " ".join(
        [
            "This paragraph stands in for a clinic consent text that was not found in the forms folder.",
            "It is long on purpose, so that the layout of a real consent can be judged: several",
            "paragraphs, headings, and text that runs over more than one page.",
        ]
    )
    + "\n\n"
)


def _forms_file(directory: Path, name: str) -> dict[str, Any] | None:
    path = directory / name
    if not path.exists():
        return None
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else None


def _pick(texts: Any, language: str) -> str:
    if isinstance(texts, dict):
        value = texts.get(language, texts.get("en", ""))
        return str(value)
    return str(texts or "")


def _catmull_rom(points: Sequence[tuple[float, float]], steps: int) -> Stroke:
    """A smooth pen path through ``points`` (Catmull-Rom spline), as a finger on the pad would draw it."""
    padded = [points[0], *points, points[-1]]
    path: list[tuple[float, float]] = []
    for index in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[index - 1 : index + 3]
        for step in range(steps):
            t = step / steps
            coords = [
                0.5
                * (
                    2 * p1[axis]
                    + (p2[axis] - p0[axis]) * t
                    + (2 * p0[axis] - 5 * p1[axis] + 4 * p2[axis] - p3[axis]) * t * t
                    + (3 * p1[axis] - p0[axis] - 3 * p2[axis] + p3[axis]) * t * t * t
                )
                for axis in (0, 1)
            ]
            path.append((round(coords[0], 1), round(coords[1], 1)))
    path.append(points[-1])
    return tuple(path)


def sample_signature_strokes() -> tuple[Stroke, ...]:
    """A made-up handwritten "MJ Núñez" in pad coordinates (600 x 200, y down), with tilde and underline."""
    capital_m = [(40, 150), (52, 95), (66, 45), (74, 60), (82, 120), (92, 58), (104, 40), (110, 80), (116, 138)]
    capital_j = [(150, 52), (158, 100), (160, 150), (150, 178), (134, 172), (142, 140), (170, 118)]
    surname = [
        (196, 110), (204, 92), (212, 126), (216, 104), (230, 90), (238, 104), (238, 126),
        (248, 104), (252, 125), (262, 128), (272, 104), (272, 126),
        (282, 108), (290, 94), (296, 126), (302, 104), (314, 92), (320, 106), (322, 126),
        (336, 118), (352, 104), (346, 92), (334, 102), (338, 124), (356, 126),
        (372, 104), (392, 102), (372, 130), (396, 128), (402, 150), (390, 176), (376, 168), (404, 140), (440, 126),
    ]  # fmt: skip
    tilde = [(286, 76), (296, 68), (306, 76), (316, 68)]
    underline = [(60, 186), (200, 180), (360, 176), (470, 170), (520, 160)]
    return (
        _catmull_rom(capital_m, 6),
        _catmull_rom(capital_j, 8),
        _catmull_rom(surname, 7),
        _catmull_rom(tilde, 5),
        _catmull_rom(underline, 8),
    )


def sample_signature_png(strokes: tuple[Stroke, ...]) -> bytes:
    """The strokes as the signature pad would save them: dark ink on a transparent 600 x 200 PNG."""
    image = Image.new("RGBA", (PAD_WIDTH, PAD_HEIGHT), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        if len(stroke) == 1:
            x, y = stroke[0]
            draw.ellipse((x - 2.5, y - 2.5, x + 2.5, y + 2.5), fill=(13, 26, 89, 255))
        else:
            draw.line(list(stroke), fill=(13, 26, 89, 255), width=4, joint="curve")
    out = BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def _consent(
    directory: Path,
    filename: str,
    language: PacketLanguage,
    read_at: datetime,
    signed_at: datetime,
    *,
    with_png: bool,
) -> ConsentPage:
    form = _forms_file(directory, filename) or {}
    text = _pick(form.get("body"), language) or _SYNTHETIC_CONSENT * 12
    title = _pick(form.get("title"), language) or filename.removesuffix(".yaml").replace("_", " ").capitalize()
    strokes = sample_signature_strokes()
    return ConsentPage(
        title=title,
        version=str(form.get("version", "1.0.0")),
        language="Español" if language == "es" else "English",
        text=text,
        text_sha256=text_sha256(text),
        reading_started_at=read_at,
        signed_at=signed_at,
        typed_name="María José Núñez",
        signature_png=sample_signature_png(strokes) if with_png else None,
        strokes=strokes,
    )


def _options(form: dict[str, Any], item: dict[str, Any]) -> list[dict[str, Any]]:
    options = item.get("options")
    if isinstance(options, str):
        return list(form.get("option_sets", {}).get(options, []))
    if item.get("type") == "yes_no":
        return [
            {"code": "yes", "score": 1, "label": {"en": "Yes", "es": "Sí"}},
            {"code": "no", "score": 0, "label": {"en": "No", "es": "No"}},
        ]
    return list(options or [])


def _questionnaire(
    form: dict[str, Any], answers: dict[str, str], language: PacketLanguage
) -> tuple[QuestionnairePage, int, int, str]:
    scoring = form.get("scoring", {})
    summed = set(scoring.get("sum", []))
    lines: list[AnswerLine] = []
    total = 0
    maximum = 0
    for number, item in enumerate(form.get("items", []), start=1):
        options = _options(form, item)
        chosen = next((option for option in options if option["code"] == answers.get(item["id"])), None)
        scored = item["id"] in summed
        if scored:
            maximum += max(int(option["score"]) for option in options)
            total += int(chosen["score"]) if chosen else 0
        lines.append(
            AnswerLine(
                number=str(number),
                question=_pick(item.get("text"), language),
                answer=_pick(chosen["label"], language) if chosen else None,
                score=int(chosen["score"]) if chosen and scored else None,
            )
        )
    band = next((_pick(b["label"], language) for b in scoring.get("bands", []) if b["min"] <= total <= b["max"]), "")
    page = QuestionnairePage(
        title=_pick(form.get("title"), language),
        items=tuple(lines),
        total=total,
        band=band,
        copyright=_pick(form.get("copyright"), language),
        instructions=_pick(form.get("instructions"), language),
        max_total=maximum,
        version=str(form.get("version", "")),
    )
    return page, total, maximum, band


def _answer_words(form: dict[str, Any], item: dict[str, Any], value: Any, language: PacketLanguage) -> str | None:
    if value is None:
        return None
    options = _options(form, item)
    codes = value if isinstance(value, list) else [value]
    labels = [_pick(option["label"], language) for option in options if option["code"] in codes]
    return ", ".join(labels) if labels else str(value)


def _checklist(form: dict[str, Any], language: PacketLanguage) -> tuple[ChecklistPage, list[str]]:
    answers = {**_CHECKLIST_ANSWERS["en"], **(_CHECKLIST_ANSWERS["es"] if language == "es" else {})}
    hold_messages = {
        flag["when"].split()[0]: _pick(flag["message"], language)
        for flag in form.get("flags", [])
        if flag.get("level") == "hold"
    }
    lines: list[ChecklistLine] = []
    holds: list[str] = []
    for item in form.get("items", []):
        kind = item.get("type")
        if kind == "display":
            continue
        children = item.get("items", []) if kind == "group" else [item]
        follow_ups = [
            FollowUp(_pick(child.get("text"), language), _answer_words(form, child, answers.get(child["id"]), language))
            for child in children
            if child["id"] in answers
        ]
        if item.get("when") and lines:
            previous = lines.pop()
            shown = follow_ups if kind == "group" or item["id"] in answers else []
            lines.append(
                ChecklistLine(
                    previous.question,
                    previous.answer,
                    previous.follow_ups + tuple(shown),
                    previous.hold,
                    previous.hold_reason,
                )
            )
            continue
        held = item["id"] in _HELD_ITEMS
        reason = hold_messages.get(item["id"], "") if held else ""
        if held:
            holds.append(reason)
        lines.append(
            ChecklistLine(
                question=_pick(item.get("text"), language),
                answer=_answer_words(form, item, answers.get(item["id"]), language),
                hold=held,
                hold_reason=reason,
            )
        )
    page = ChecklistPage(
        title=_pick(form.get("title"), language), lines=tuple(lines), version=str(form.get("version", ""))
    )
    return page, holds


def sample_packet_data(language: PacketLanguage = "en", *, forms_directory: Path | None = None) -> PacketData:
    """A complete synthetic packet: two consents, PHQ-9 (item 9 above 0), GAD-7, a checklist with a hold.

    Reads the wording from ``forms_directory`` (default: the bundled forms/); a consent file that
    is missing is replaced by long synthetic paragraphs so the layout still has real length.
    """
    directory = forms_directory or forms_dir()
    phq9_form = _forms_file(directory, "phq9.yaml")
    gad7_form = _forms_file(directory, "gad7.yaml")
    checklist_form = _forms_file(directory, "checklist_im_ketamine.yaml")
    if phq9_form is None or gad7_form is None or checklist_form is None:
        raise FileNotFoundError(
            f"the sample packet needs phq9.yaml, gad7.yaml and checklist_im_ketamine.yaml in {directory}"
        )

    start = VISIT_START - timedelta(minutes=24)
    consents = (
        _consent(
            directory,
            "consent_im_ketamine.yaml",
            language,
            start,
            start + timedelta(minutes=6, seconds=41),
            with_png=False,
        ),
        _consent(
            directory,
            "privacy_notice.yaml",
            language,
            start + timedelta(minutes=7, seconds=3),
            start + timedelta(minutes=9, seconds=18),
            with_png=True,
        ),
    )
    phq9, phq9_total, phq9_max, phq9_band = _questionnaire(phq9_form, _PHQ9_ANSWERS, language)
    gad7, gad7_total, gad7_max, gad7_band = _questionnaire(gad7_form, _GAD7_ANSWERS, language)
    checklist, holds = _checklist(checklist_form, language)
    answered_at = start + timedelta(minutes=14, seconds=2)
    urgent = next(flag for flag in phq9_form.get("flags", []) if flag.get("level") == "urgent")
    flags = [FlagLine("urgent", _pick(urgent["message"], language), answered_at)]
    flags += [FlagLine("hold", message, answered_at + timedelta(minutes=5)) for message in holds]
    medication = next(flag for flag in checklist_form.get("flags", []) if flag.get("code") == "medication_changed")
    flags.append(FlagLine("info", _pick(medication["message"], language), answered_at + timedelta(minutes=5)))

    # Earlier sessions of the series: PHQ-9 19 then 14, GAD-7 12 then 9.
    scores = (
        ScoreSummary(phq9.title, phq9_total, phq9_band, phq9_max, phq9_total - 19, phq9_total - 14),
        ScoreSummary(gad7.title, gad7_total, gad7_band, gad7_max, gad7_total - 12, gad7_total - 9),
    )
    visit_type = "Sesión de ketamina IM 3" if language == "es" else "IM ketamine session 3"
    return PacketData(
        language=language,
        clinic=ClinicInfo(
            name="Cedar Grove Ketamine Clinic",
            phone="(503) 555-0142",
            address="1200 NW Example Ave, Suite 300, Portland, OR 97209",
        ),
        patient=PatientInfo(name="María José Núñez", date_of_birth=date(1984, 7, 19)),
        visit=VisitInfo(
            visit_type=visit_type,
            scheduled_at=VISIT_START,
            submitted_at=start + timedelta(minutes=21, seconds=47),
            reference="INT-2026-000317",
        ),
        scores=scores,
        flags=tuple(flags),
        consents=consents,
        questionnaires=(phq9, gad7),
        checklist=checklist,
    )


def sample_clock() -> datetime:
    """The fixed generation time of the sample packet (so its PDF is byte-stable)."""
    return SAMPLE_CLOCK_TIME


def signed_sample_packet(data: PacketData, signer: ClinicSigner) -> bytes:
    """Render ``data`` with the sample clock and sign it as the clinic would: the benchmarked pipeline."""
    pdf = render_packet(data, clock=sample_clock)
    return sign_pdf(pdf, signer, when=SAMPLE_CLOCK_TIME, language=data.language)
