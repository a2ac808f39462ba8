"""A signed addendum: one page that records what a person did about a signed packet, after it was signed.

The original packet never changes (its signature would break). An acknowledgement, a hold clearance, an
intake marked reviewed (or one of those undone) each get their own page, signed like the packet, that
names the packet by its SHA-256. The hash is also written into the PDF's Subject, so `kiosk verify` can
check that an addendum belongs to the packet beside it without reading the page.

``render_addendum(data) -> bytes`` has no Qt and no database in it; the time it states is the clock.
The top-right corner is left empty for the signing stamp, exactly as on the packet's cover.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

from kiosk import __version__
from kiosk.documents.fonts import register_packet_fonts
from kiosk.documents.render import (
    CONTENT_WIDTH,
    FOOTER_BASELINE,
    FRAME_TOP,
    GREY_TEXT,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    STAMP_HEIGHT,
    STAMP_WIDTH,
)

SUBJECT_PREFIX = "Addendum to the intake packet with SHA-256 "
"""The PDF Subject of every addendum: this prefix, then the packet's SHA-256 in lowercase hex."""
_SUBJECT = re.compile(re.escape(SUBJECT_PREFIX) + r"([0-9a-f]{64})$")
ADDENDUM_TITLE = "Addendum to the signed intake packet"


def _aware(value: dt.datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must carry its time zone, got {value!r}")


@dataclass(frozen=True, slots=True)
class AddendumData:
    """Everything one addendum page says, already in words."""

    clinic_name: str
    patient_name: str
    date_of_birth: dt.date
    visit: str
    packet_reference: str
    packet_sha256: str
    packet_signed_at: dt.datetime | None
    number: int
    """The addendum's number among this packet's addenda (1 for the first)."""
    title: str
    """What was done, as a heading: "Urgent flag acknowledged"."""
    about: str
    """What it was done about: the flag's message, or "the whole intake" for a review."""
    by_name: str
    by_username: str
    at: dt.datetime
    outcome: str | None = None
    note: str | None = None
    outcome_label: str = "Outcome"

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[0-9a-f]{64}", self.packet_sha256):
            raise ValueError(f"the packet's SHA-256 must be 64 lowercase hex digits, got {self.packet_sha256!r}")
        _aware(self.at, "the time of the addendum")
        if self.packet_signed_at is not None:
            _aware(self.packet_signed_at, "the packet's signing time")


def addendum_subject(packet_sha256: str) -> str:
    return f"{SUBJECT_PREFIX}{packet_sha256}"


def packet_hash_named(subject: str | None) -> str | None:
    """The packet SHA-256 an addendum's Subject names, or None when the Subject is not an addendum's."""
    if subject is None:
        return None
    match = _SUBJECT.match(subject.strip())
    return match.group(1) if match else None


def _when(value: dt.datetime) -> str:
    local = value.astimezone()
    return f"{local:%m/%d/%Y %H:%M} ({local:%Z})" if local.tzname() else f"{local:%m/%d/%Y %H:%M}"


def render_addendum(data: AddendumData) -> bytes:
    """The addendum as a one-page PDF; identical data give identical bytes (reportlab's invariant mode)."""
    faces = register_packet_fonts()
    body = ParagraphStyle("addendum_body", fontName=faces.regular, fontSize=10.5, leading=15)
    label_style = ParagraphStyle("addendum_label", parent=body, fontName=faces.bold)
    title = ParagraphStyle("addendum_title", parent=body, fontName=faces.bold, fontSize=17, leading=21)
    heading = ParagraphStyle("addendum_heading", parent=body, fontName=faces.bold, fontSize=14, leading=18)
    muted = ParagraphStyle(
        "addendum_muted", parent=body, fontName=faces.italic, fontSize=8.5, leading=11.5, textColor=GREY_TEXT
    )
    hash_style = ParagraphStyle("addendum_hash", parent=body, fontName=faces.regular, fontSize=9, leading=12)

    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, initialFontName=faces.regular)
    canvas.setTitle(ADDENDUM_TITLE)
    canvas.setAuthor(data.clinic_name)
    canvas.setSubject(addendum_subject(data.packet_sha256))
    canvas.setCreator(f"Intake Kiosk {__version__}")

    # Title block, left of the corner kept free for the signing stamp.
    title_width = CONTENT_WIDTH - STAMP_WIDTH - 12
    y = FRAME_TOP
    for paragraph in (
        Paragraph(escape(ADDENDUM_TITLE), title),
        Paragraph(escape(data.clinic_name), body),
        Paragraph(escape(f"Addendum {data.number} to packet {data.packet_reference}"), muted),
    ):
        _, height = paragraph.wrapOn(canvas, title_width, PAGE_HEIGHT)
        y -= height
        paragraph.drawOn(canvas, MARGIN_X, y)
        y -= 2
    y = min(y, FRAME_TOP - STAMP_HEIGHT) - 18

    heading_paragraph = Paragraph(escape(data.title), heading)
    _, height = heading_paragraph.wrapOn(canvas, CONTENT_WIDTH, PAGE_HEIGHT)
    y -= height
    heading_paragraph.drawOn(canvas, MARGIN_X, y)
    y -= 10

    def row(name: str, value: str, style: ParagraphStyle = body) -> list[Paragraph]:
        return [Paragraph(escape(name), label_style), Paragraph(escape(value).replace("\n", "<br/>"), style)]

    rows = [
        row("Patient", f"{data.patient_name}, born {data.date_of_birth:%m/%d/%Y}"),
        row("Visit", data.visit),
        row("About", data.about),
    ]
    if data.outcome:
        rows.append(row(data.outcome_label, data.outcome))
    if data.note:
        rows.append(row("Note", data.note))
    rows.append(row("By", f"{data.by_name} (staff account {data.by_username})"))
    rows.append(row("When", _when(data.at)))
    table = Table(rows, colWidths=[110, CONTENT_WIDTH - 110])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    _, height = table.wrapOn(canvas, CONTENT_WIDTH, PAGE_HEIGHT)
    y -= height
    table.drawOn(canvas, MARGIN_X, y)
    y -= 22

    signed = f", signed {_when(data.packet_signed_at)}" if data.packet_signed_at else ""
    packet_rows = [
        row("Packet", f"{data.packet_reference}{signed}"),
        row("Packet SHA-256", data.packet_sha256, hash_style),
    ]
    packet_table = Table(packet_rows, colWidths=[110, CONTENT_WIDTH - 110])
    packet_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.8, colors.Color(0.1, 0.25, 0.55)),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    _, height = packet_table.wrapOn(canvas, CONTENT_WIDTH, PAGE_HEIGHT)
    y -= height
    packet_table.drawOn(canvas, MARGIN_X, y)
    y -= 12
    explanation = Paragraph(
        "The signed packet itself is never changed. This page records what was done after it was signed and "
        "is signed by the clinic on its own; `kiosk verify PACKET.pdf --addendum THIS.pdf` checks both "
        "signatures and that this page names that packet.",
        muted,
    )
    _, height = explanation.wrapOn(canvas, CONTENT_WIDTH, PAGE_HEIGHT)
    y -= height
    explanation.drawOn(canvas, MARGIN_X, y)

    canvas.setFont(faces.italic, 8)
    canvas.setFillColor(GREY_TEXT)
    canvas.drawString(
        MARGIN_X, FOOTER_BASELINE, f"{ADDENDUM_TITLE} · {data.packet_reference} · addendum {data.number} · page 1 of 1"
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def named_packet_hash(pdf: bytes) -> str | None:
    """The packet SHA-256 a (signed) addendum names in its Subject; None for any other file."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        trailer = PdfFileReader(BytesIO(pdf), strict=False).trailer_view
        # trailer_view.get would hand back the indirect reference; indexing resolves it.
        info = trailer["/Info"] if "/Info" in trailer else None  # noqa: SIM401
        subject = info.get("/Subject") if info is not None else None
    except (PdfError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return packet_hash_named(str(subject)) if subject is not None else None
