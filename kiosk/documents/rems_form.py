"""The Spravato REMS Patient Monitoring Form of one session, as a PDF the clinic signs like a packet.

Every value is a named, read-only form field (an AcroForm text field), so what the form says can be read back
field by field by any PDF tool, and copied into the REMS's online form or faxed as it is.
``render_rems_form(data) -> bytes`` has no Qt and no database in it; identical data give identical bytes
(reportlab's invariant mode). The top-right corner is left empty for the signing stamp, as on the packet.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from kiosk import __version__
from kiosk.documents.fonts import register_packet_fonts
from kiosk.documents.render import (
    CONTENT_WIDTH,
    FOOTER_BASELINE,
    FRAME_BOTTOM,
    FRAME_TOP,
    GREY_TEXT,
    MARGIN_X,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RULE,
    STAMP_HEIGHT,
    STAMP_WIDTH,
)

REMS_FORM_TITLE = "Spravato REMS Patient Monitoring Form"
LABEL_WIDTH = 250.0
ROW_HEIGHT = 17.0
FIELD_HEIGHT = 14.0
FIELD_FONT = "Helvetica"
"""AcroForm fields are drawn by the PDF reader in one of the 14 standard fonts; Helvetica covers Latin-1."""


@dataclass(frozen=True, slots=True)
class RemsField:
    """One value of the form: its field name (stable, for tools), its printed label and its value in words."""

    name: str
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class RemsSection:
    title: str
    fields: tuple[RemsField, ...]


@dataclass(frozen=True, slots=True)
class RemsFormData:
    clinic_name: str
    session_reference: str
    """Printed in the footer and the PDF's Subject, e.g. "session 12"."""
    sections: tuple[RemsSection, ...]
    note: str


def _latin1(text: str) -> str:
    """Field values shown in a standard font: a character outside Latin-1 becomes '?' rather than breaking it."""
    return text.encode("latin-1", errors="replace").decode("latin-1")


def render_rems_form(data: RemsFormData) -> bytes:
    faces = register_packet_fonts()
    body = ParagraphStyle("rems_body", fontName=faces.regular, fontSize=9.5, leading=12)
    title = ParagraphStyle("rems_title", parent=body, fontName=faces.bold, fontSize=16, leading=20)
    heading = ParagraphStyle("rems_heading", parent=body, fontName=faces.bold, fontSize=11.5, leading=15)
    muted = ParagraphStyle(
        "rems_muted", parent=body, fontName=faces.italic, fontSize=8.5, leading=11, textColor=GREY_TEXT
    )

    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, initialFontName=faces.regular)
    canvas.setTitle(REMS_FORM_TITLE)
    canvas.setAuthor(data.clinic_name)
    canvas.setSubject(f"{REMS_FORM_TITLE}, {data.session_reference}")
    canvas.setCreator(f"Intake Kiosk {__version__}")
    page = 1

    def draw(paragraph: Paragraph, y: float, width: float = CONTENT_WIDTH) -> float:
        _, height = paragraph.wrapOn(canvas, width, PAGE_HEIGHT)
        paragraph.drawOn(canvas, MARGIN_X, y - height)
        return y - float(height)

    def footer() -> None:
        canvas.setFont(faces.italic, 8)
        canvas.setFillColor(GREY_TEXT)
        canvas.drawString(MARGIN_X, FOOTER_BASELINE, f"{REMS_FORM_TITLE} · {data.session_reference} · page {page}")
        canvas.setFillColorRGB(0, 0, 0)

    y = FRAME_TOP
    title_width = CONTENT_WIDTH - STAMP_WIDTH - 12
    y = draw(Paragraph(escape(REMS_FORM_TITLE), title), y, title_width) - 2
    y = draw(Paragraph(escape(data.clinic_name), body), y, title_width) - 2
    y = draw(Paragraph(escape(data.session_reference), muted), y, title_width)
    y = min(y, FRAME_TOP - STAMP_HEIGHT) - 10
    for section in data.sections:
        if y - 20 - ROW_HEIGHT * min(3, len(section.fields)) < FRAME_BOTTOM:
            footer()
            canvas.showPage()
            page += 1
            y = FRAME_TOP
        y = draw(Paragraph(escape(section.title), heading), y) - 3
        for field in section.fields:
            if y - ROW_HEIGHT < FRAME_BOTTOM:
                footer()
                canvas.showPage()
                page += 1
                y = FRAME_TOP
            y -= ROW_HEIGHT
            canvas.setFont(faces.regular, 9.5)
            canvas.drawString(MARGIN_X, y + 4, field.label)
            canvas.acroForm.textfield(
                name=field.name,
                tooltip=field.label,
                value=_latin1(field.value),
                x=MARGIN_X + LABEL_WIDTH,
                y=y + 1,
                width=CONTENT_WIDTH - LABEL_WIDTH,
                height=FIELD_HEIGHT,
                fontName=FIELD_FONT,
                fontSize=9.5,
                borderWidth=0,
                borderColor=None,
                fillColor=None,
                textColor=None,
                fieldFlags="readOnly",
                forceBorder=False,
            )
            canvas.setStrokeColor(RULE)
            canvas.setLineWidth(0.5)
            canvas.line(MARGIN_X, y, MARGIN_X + CONTENT_WIDTH, y)
        y -= 10
    if y - 40 < FRAME_BOTTOM:
        footer()
        canvas.showPage()
        page += 1
        y = FRAME_TOP
    draw(Paragraph(escape(data.note), muted), y)
    footer()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
