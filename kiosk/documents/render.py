"""The consent packet PDF: render_packet(data) -> bytes, a pure function of plain data and a clock.

No Qt and no database here: the services layer builds a PacketData and hands the bytes on to
signing, storage and printing. reportlab runs in invariant mode and the only time it writes is
the clock's, so the same data and clock always give byte-identical files (tests compare them).

Layout (US Letter): a running header with the patient's name and date of birth and a footer
with "page x of y" on every page; the cover page keeps its top-right corner free for the
digital-signature stamp (SIGNATURE_STAMP_BOX); each consent starts on its own page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from kiosk import __version__
from kiosk.documents.fonts import NOTO_SANS, FontFaces, register_packet_fonts
from kiosk.documents.labels import format_change, format_date, format_datetime, label
from kiosk.documents.packet_data import (
    ChecklistPage,
    ConsentPage,
    FlagLine,
    PacketData,
    PacketLanguage,
    QuestionnairePage,
    ScoreSummary,
)
from kiosk.documents.signature_drawing import signature_flowable
from kiosk.domain.consent_markup import BlockKind, consent_blocks
from kiosk.domain.statuses import FlagLevel

Clock = Callable[[], datetime]

PAGE_WIDTH, PAGE_HEIGHT = LETTER
MARGIN_X = 54.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
HEADER_BASELINE = PAGE_HEIGHT - 38.0
FRAME_TOP = PAGE_HEIGHT - 62.0
FRAME_BOTTOM = 56.0
FOOTER_BASELINE = 32.0

STAMP_WIDTH = 216.0
STAMP_HEIGHT = 72.0
SIGNATURE_STAMP_BOX: tuple[int, int, int, int] = (
    int(PAGE_WIDTH - MARGIN_X - STAMP_WIDTH),
    int(FRAME_TOP - STAMP_HEIGHT),
    int(PAGE_WIDTH - MARGIN_X),
    int(FRAME_TOP),
)
"""(x1, y1, x2, y2) in points on page 1 that the cover leaves empty for the signing stamp."""

TAIL_KEPT_WITH_SIGNATURE = 220.0
"""Height (points) up to which a consent's last section is kept on the page of the signature."""

RED = colors.Color(0.69, 0.0, 0.13)
RED_TINT = colors.Color(0.99, 0.93, 0.93)
AMBER = colors.Color(0.6, 0.33, 0.0)
AMBER_TINT = colors.Color(1.0, 0.96, 0.88)
GREY_TEXT = colors.Color(0.35, 0.35, 0.35)
RULE = colors.Color(0.75, 0.75, 0.75)
HEADER_FILL = colors.Color(0.93, 0.93, 0.93)


@dataclass(frozen=True)
class _Styles:
    """Paragraph styles of the packet, all in the bundled Noto Sans."""

    title: ParagraphStyle
    heading: ParagraphStyle
    subheading: ParagraphStyle
    body: ParagraphStyle
    bullet: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_muted: ParagraphStyle
    small: ParagraphStyle
    kicker: ParagraphStyle
    version: ParagraphStyle
    follow_up_question: ParagraphStyle
    hold_reason: ParagraphStyle
    urgent_heading: ParagraphStyle
    hold_heading: ParagraphStyle


def _styles(faces: FontFaces) -> _Styles:
    base = ParagraphStyle("body", fontName=faces.regular, fontSize=10, leading=14.2, spaceAfter=6)
    cell = ParagraphStyle("cell", parent=base, fontSize=9, leading=12, spaceAfter=0)
    return _Styles(
        title=ParagraphStyle("title", parent=base, fontName=faces.bold, fontSize=17, leading=21, spaceAfter=4),
        heading=ParagraphStyle(
            "heading",
            parent=base,
            fontName=faces.bold,
            fontSize=14,
            leading=18,
            spaceBefore=4,
            spaceAfter=8,
            keepWithNext=1,
        ),
        subheading=ParagraphStyle(
            "subheading",
            parent=base,
            fontName=faces.bold,
            fontSize=11,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        body=base,
        bullet=ParagraphStyle(
            "bullet", parent=base, leftIndent=14, bulletIndent=3, spaceAfter=3, bulletFontName=faces.regular
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=faces.bold),
        cell_muted=ParagraphStyle("cell_muted", parent=cell, fontName=faces.italic, textColor=GREY_TEXT),
        small=ParagraphStyle(
            "small",
            parent=base,
            fontName=faces.italic,
            fontSize=8,
            leading=10.5,
            textColor=GREY_TEXT,
        ),
        kicker=ParagraphStyle(
            "kicker",
            parent=base,
            fontName=faces.italic,
            fontSize=8.5,
            leading=11,
            textColor=GREY_TEXT,
            spaceAfter=0,
            keepWithNext=1,
        ),
        version=ParagraphStyle(
            "version",
            parent=base,
            fontName=faces.italic,
            fontSize=8.5,
            leading=11,
            textColor=GREY_TEXT,
            spaceAfter=6,
            keepWithNext=1,
        ),
        follow_up_question=ParagraphStyle(
            "follow_up_question", parent=cell, fontSize=8, leading=10.5, textColor=GREY_TEXT, spaceBefore=3
        ),
        hold_reason=ParagraphStyle("hold_reason", parent=cell, textColor=AMBER, spaceBefore=3),
        urgent_heading=ParagraphStyle(
            "urgent_heading", parent=base, fontName=faces.bold, fontSize=12, leading=16, textColor=RED
        ),
        hold_heading=ParagraphStyle(
            "hold_heading", parent=base, fontName=faces.bold, fontSize=11, leading=15, textColor=AMBER
        ),
    )


def _text(value: str) -> str:
    """Plain text made safe for reportlab's paragraph markup (which is XML-like)."""
    return escape(value)


def _pdf_date(moment: datetime) -> str:
    """A PDF date string (ISO 32000 7.9.4) for the document information dictionary."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"D:{moment:%Y%m%d%H%M%S}{sign}{hours:02d}'{rest:02d}'"


@dataclass(frozen=True)
class _RunningText:
    """What the header and footer of every page say."""

    patient: str
    date_of_birth: str
    clinic: str
    footer_left: str
    page_of: Callable[[int, int], str]
    faces: FontFaces


class _PacketCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """A canvas that holds pages back until the end so each can say "page x of y".

    This is the usual reportlab recipe: one layout pass, page states saved at showPage() and the
    header and footer drawn on all of them once the page count is known.
    """

    def __init__(self, *args: Any, running: _RunningText, created: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._running = running
        self._saved_pages: list[dict[str, Any]] = []
        # reportlab's invariant mode fixes the creation date at 2000-01-01; write the clock's instead.
        self.setDateFormatter(lambda *_: created)

    def showPage(self) -> None:  # noqa: N802  # reportlab's name
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_running_text(total)
            super().showPage()
        super().save()

    def _fit(self, text: str, font: str, size: float, width: float) -> str:
        """Cut ``text`` with an ellipsis so that it fits ``width``; a header line never wraps."""
        if self.stringWidth(text, font, size) <= width:
            return text
        while text and self.stringWidth(text + "…", font, size) > width:
            text = text[:-1]
        return text + "…"

    def _draw_running_text(self, total: int) -> None:
        running = self._running
        faces = running.faces
        self.saveState()
        half = CONTENT_WIDTH / 2 - 6
        patient = self._fit(running.patient, faces.bold, 9.5, half * 0.62)
        self.setFont(faces.bold, 9.5)
        self.drawString(MARGIN_X, HEADER_BASELINE, patient)
        self.setFont(faces.regular, 9.5)
        self.drawString(
            MARGIN_X + self.stringWidth(patient, faces.bold, 9.5) + 8, HEADER_BASELINE, running.date_of_birth
        )
        self.setFillColor(GREY_TEXT)
        self.drawRightString(
            PAGE_WIDTH - MARGIN_X, HEADER_BASELINE, self._fit(running.clinic, faces.regular, 9.5, half)
        )
        self.setStrokeColor(RULE)
        self.setLineWidth(0.6)
        self.line(MARGIN_X, HEADER_BASELINE - 7, PAGE_WIDTH - MARGIN_X, HEADER_BASELINE - 7)
        self.line(MARGIN_X, FOOTER_BASELINE + 12, PAGE_WIDTH - MARGIN_X, FOOTER_BASELINE + 12)
        self.setFont(faces.regular, 8)
        footer_width = CONTENT_WIDTH - 80
        self.drawString(MARGIN_X, FOOTER_BASELINE, self._fit(running.footer_left, faces.regular, 8, footer_width))
        self.setFillColor(colors.black)
        self.setFont(faces.bold, 8.5)
        self.drawRightString(PAGE_WIDTH - MARGIN_X, FOOTER_BASELINE, running.page_of(self._pageNumber, total))
        self.restoreState()


def _boxed(content: Sequence[Flowable], border: colors.Color, fill: colors.Color, width: float) -> Table:
    """Content set apart in a coloured, bordered box (urgent flags, holds)."""
    box = Table([[list(content)]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), NOTO_SANS.regular, 9),
                ("BOX", (0, 0), (-1, -1), 1.6, border),
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    box.hAlign = "LEFT"
    return box


CELL_PADDING = 5.0
"""Left and right padding of table cells, in points."""


def _grid(
    rows: list[list[Any]],
    widths: Sequence[float],
    *,
    header: bool,
    bold_columns: Sequence[int] = (),
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table with light rules that splits cleanly across pages, repeating its header row.

    Plain-string cells take the table's font: regular, bold in the header row and in
    ``bold_columns`` (the label column of a label/value table).
    """
    table = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
    commands: list[tuple[Any, ...]] = [
        # Without a FONT command reportlab would select Helvetica for plain-string cells.
        ("FONT", (0, 0), (-1, -1), NOTO_SANS.regular, 9, 12),
        *[("FONT", (column, 0), (column, -1), NOTO_SANS.bold, 9, 12) for column in bold_columns],
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]
    if header:
        commands += [
            ("FONT", (0, 0), (-1, 0), NOTO_SANS.bold, 9, 12),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, GREY_TEXT),
        ]
    commands += list(extra)
    table.setStyle(TableStyle(commands))
    table.hAlign = "LEFT"
    return table


class _PacketBuilder:
    """Turns one PacketData into the list of flowables of the packet."""

    def __init__(self, data: PacketData, styles: _Styles) -> None:
        self.data = data
        self.lang: PacketLanguage = data.language
        self.s = styles

    def t(self, key: str, **values: object) -> str:
        return label(key, self.lang, **values)

    def p(self, text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(_text(text), style)

    def c(self, text: str, width: float, *, bold: bool = False) -> str | Paragraph:
        """A table cell ``width`` points wide: a plain string when the text fits on one line, else a
        wrapping paragraph. Plain strings cost a fraction of a paragraph to lay out, and most cells
        are short; the table's FONT commands must give the cell the matching face (see _grid)."""
        style = self.s.cell_bold if bold else self.s.cell
        if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width - 2 * CELL_PADDING:
            return text
        return self.p(text, style)

    def build(self) -> list[Flowable]:
        story: list[Flowable] = []
        story += self.cover()
        for consent in self.data.consents:
            story += [PageBreak(), *self.consent(consent)]
        for index, questionnaire in enumerate(self.data.questionnaires):
            # A questionnaire that fits on a page is never split; a longer one breaks between rows.
            story += [PageBreak() if index == 0 else Spacer(0, 18), KeepTogether(self.questionnaire(questionnaire))]
        if self.data.checklist is not None:
            story += [PageBreak(), *self.checklist(self.data.checklist)]
        return story

    # -- cover -------------------------------------------------------------------------------------

    def cover(self) -> list[Flowable]:
        data = self.data
        clinic_lines = [self.p(data.clinic.name, self.s.subheading)]
        contact = f"{self.t('phone')}: {data.clinic.phone}" if data.clinic.phone else ""
        if data.clinic.address:
            contact = f"{contact} · {data.clinic.address}" if contact else data.clinic.address
        if contact:
            clinic_lines.append(self.p(contact, self.s.cell))
        title_key = "consent_copy_title" if data.clinical_withheld else "packet_title"
        title_block = KeepInFrame(
            0,
            STAMP_HEIGHT,
            [
                self.p(self.t(title_key), self.s.title),
                *clinic_lines,
            ],
            mode="shrink",
            hAlign="LEFT",
        )
        story: list[Flowable] = [title_block, FrameBreak(), NextPageTemplate("body")]
        if data.clinical_withheld:
            story.append(self.visit_table())
            story.append(Spacer(0, 12))
            withheld = [self.p(self.t("clinical_withheld_heading"), self.s.hold_heading),
                        self.p(self.t("clinical_withheld"), self.s.body)]  # fmt: skip
            story += [_boxed(withheld, GREY_TEXT, HEADER_FILL, CONTENT_WIDTH), Spacer(0, 12)]
            story += self.contents() if data.consents else [self.p(self.t("no_consents_this_visit"), self.s.body)]
            return story
        story += self.flag_box(FlagLevel.URGENT)
        story.append(self.visit_table())
        story.append(Spacer(0, 10))
        story += self.flag_box(FlagLevel.HOLD)
        story += self.scores()
        story += self.info_flags()
        story += self.contents()
        return story

    def visit_table(self) -> Table:
        """Who and which visit, as two pairs of label and value per row to keep the cover on one page."""
        data = self.data
        visit = data.visit
        submitted = format_datetime(visit.submitted_at, self.lang) if visit.submitted_at else self.t("not_submitted")
        pairs = [
            ("patient", data.patient.name),
            ("date_of_birth", format_date(data.patient.date_of_birth, self.lang)),
            ("visit", visit.visit_type),
            ("appointment", format_datetime(visit.scheduled_at, self.lang)),
            ("submitted", submitted),
        ]
        if visit.reference:
            pairs.append(("reference", visit.reference))
        widths = [74, 158, 108, CONTENT_WIDTH - 74 - 158 - 108]
        cells: list[list[Any]] = []
        for index, (key, value) in enumerate(pairs):
            column = 2 * (index % 2)
            cells.append([self.c(self.t(key), widths[column], bold=True), self.c(value, widths[column + 1])])
        if len(cells) % 2:
            cells.append(["", ""])
        rows = [cells[index] + cells[index + 1] for index in range(0, len(cells), 2)]
        return _grid(rows, widths, header=False, bold_columns=(0, 2))

    def _flags(self, level: FlagLevel) -> list[FlagLine]:
        return [flag for flag in self.data.flags if flag.level == level]

    def _flag_paragraphs(self, flags: Sequence[FlagLine]) -> list[Flowable]:
        return [
            Paragraph(
                f"{_text(flag.message)} <font color='#595959' size='8'>"
                f"({self.t('raised_at')} {_text(format_datetime(flag.raised_at, self.lang))})</font>",
                self.s.bullet,
                bulletText="•",
            )
            for flag in flags
        ]

    def flag_box(self, level: FlagLevel) -> list[Flowable]:
        flags = self._flags(level)
        if not flags:
            return []
        if level is FlagLevel.URGENT:
            heading, border, fill = self.p(self.t("urgent_heading"), self.s.urgent_heading), RED, RED_TINT
        else:
            heading, border, fill = self.p(self.t("holds_heading"), self.s.hold_heading), AMBER, AMBER_TINT
        box = _boxed([heading, *self._flag_paragraphs(flags)], border, fill, CONTENT_WIDTH)
        return [box, Spacer(0, 12)]

    def info_flags(self) -> list[Flowable]:
        flags = self._flags(FlagLevel.INFO)
        if not flags:
            if not self.data.flags:
                return [Spacer(0, 8), self.p(self.t("no_flags"), self.s.body)]
            return []
        return [self.p(self.t("info_heading"), self.s.subheading), *self._flag_paragraphs(flags)]

    def scores(self) -> list[Flowable]:
        story: list[Flowable] = [self.p(self.t("scores_heading"), self.s.subheading)]
        if not self.data.scores:
            return [*story, self.p(self.t("no_scores"), self.s.body)]
        widths = [148, 64, 108, 92, CONTENT_WIDTH - 148 - 64 - 108 - 92]
        keys = ("questionnaire", "total", "band", "change_first", "change_last")
        rows: list[list[Any]] = [
            [self.c(self.t(key), width, bold=True) for key, width in zip(keys, widths, strict=True)]
        ]
        for summary in self.data.scores:
            rows.append(self.score_row(summary, widths))
        return [*story, _grid(rows, widths, header=True), Spacer(0, 6)]

    def score_row(self, summary: ScoreSummary, widths: Sequence[float]) -> list[Any]:
        if summary.total is None:
            total = self.p(self.t("incomplete"), self.s.cell_muted)
        else:
            total = self.p(f"{summary.total} / {summary.max_total}", self.s.cell_bold)
        band = self.c(summary.band_label or "—", widths[2])
        changes = [
            self.c(format_change(change, self.lang), widths[3])
            if change is not None
            else self.p(format_change(change, self.lang), self.s.cell_muted)
            for change in (summary.change_from_first, summary.change_from_last)
        ]
        return [self.c(summary.form_title, widths[0]), total, band, *changes]

    def contents(self) -> list[Flowable]:
        data = self.data
        rows: list[tuple[str, list[str]]] = []
        if data.consents:
            version = self.t("version").lower()
            rows.append(("consents", [f"{consent.title} ({version} {consent.version})" for consent in data.consents]))
        if data.questionnaires:
            rows.append(("questionnaires", [questionnaire.title for questionnaire in data.questionnaires]))
        if data.checklist is not None:
            rows.append(("checklist", [data.checklist.title]))
        if not rows:
            return []
        cells = [
            [self.p(self.t(key), self.s.cell_bold), [self.p(entry, self.s.cell) for entry in entries]]
            for key, entries in rows
        ]
        return [
            self.p(self.t("contents_heading"), self.s.subheading),
            _grid(cells, [140, CONTENT_WIDTH - 140], header=False),
        ]

    # -- consents ----------------------------------------------------------------------------------

    def consent(self, consent: ConsentPage) -> list[Flowable]:
        meta = [
            ("version", consent.version),
            ("language", consent.language),
            ("reading_started", format_datetime(consent.reading_started_at, self.lang, seconds=True)),
            ("signed_at", format_datetime(consent.signed_at, self.lang, seconds=True)),
            ("text_sha256", consent.text_sha256.lower()),
        ]
        widths = [160, CONTENT_WIDTH - 160]
        cells = [[self.c(self.t(key), widths[0], bold=True), self.c(value, widths[1])] for key, value in meta]
        story: list[Flowable] = [
            self.p(self.t("consent"), self.s.kicker),
            self.p(consent.title, self.s.heading),
            _grid(cells, widths, header=False, bold_columns=(0,)),
            Spacer(0, 12),
        ]
        body = self.consent_body(consent.text)
        # The signature stays on the page of the text it agrees to: the consent's last section
        # (from its last heading) moves with it when that section is short, else its last paragraph.
        tail_start = max(
            (index for index, flowable in enumerate(body) if getattr(flowable, "style", None) is self.s.subheading),
            default=len(body) - 1,
        )
        tail_height = sum(flowable.wrap(CONTENT_WIDTH, PAGE_HEIGHT)[1] for flowable in body[tail_start:])
        if tail_height > TAIL_KEPT_WITH_SIGNATURE:
            tail_start = max(len(body) - 1, 0)
        story += body[:tail_start]
        story.append(KeepTogether([*body[tail_start:], *self.signature_block(consent)]))
        return story

    def consent_body(self, text: str) -> list[Flowable]:
        """The consent text block for block as kiosk.domain.consent_markup reads it (the patient's screen
        shows the same blocks)."""
        story: list[Flowable] = []
        for block in consent_blocks(text):
            if block.kind is BlockKind.HEADING:
                story.append(self.p(block.text, self.s.subheading))
            elif block.kind is BlockKind.BULLET:
                story.append(Paragraph(_text(block.text), self.s.bullet, bulletText="•"))
            else:
                story.append(self.p(block.text, self.s.body))
        return story

    def signature_block(self, consent: ConsentPage) -> list[Flowable]:
        drawing = signature_flowable(consent.signature_png, consent.strokes, 240, 76)
        signature_cell: Any = drawing if drawing is not None else self.p(self.t("no_signature"), self.s.cell_muted)
        widths = [160, CONTENT_WIDTH - 160]
        signed = format_datetime(consent.signed_at, self.lang, seconds=True)
        rows = [
            [self.c(self.t("signature"), widths[0], bold=True), signature_cell],
            [self.c(self.t("typed_name"), widths[0], bold=True), self.c(consent.typed_name, widths[1])],
            [self.c(self.t("signed_at"), widths[0], bold=True), self.c(signed, widths[1])],
        ]
        if consent.signature_adopted_at is not None:
            adopted = format_datetime(consent.signature_adopted_at, self.lang, seconds=True)
            note = self.t("signature_adopted_note", time=adopted)
            rows.append([self.c(self.t("signature_adopted"), widths[0], bold=True), self.c(note, widths[1])])
        table = _grid(
            rows,
            widths,
            header=False,
            bold_columns=(0,),
            extra=[("LINEBELOW", (1, 0), (1, 0), 0.9, colors.black), ("VALIGN", (1, 0), (1, 0), "BOTTOM")],
        )
        return [Spacer(0, 10), self.p(self.t("consent_statement"), self.s.body), table]

    # -- questionnaires ----------------------------------------------------------------------------

    def questionnaire(self, page: QuestionnairePage) -> list[Flowable]:
        story: list[Flowable] = [self.p(self.t("questionnaire"), self.s.kicker), self.p(page.title, self.s.heading)]
        if page.version:
            story.append(self.p(f"{self.t('version')} {page.version}", self.s.version))
        if page.instructions:
            story.append(self.p(page.instructions, self.s.body))
        widths = [30, 282, 146, CONTENT_WIDTH - 30 - 282 - 146]
        keys = ("item_number", "question", "answer", "score")
        rows: list[list[Any]] = [
            [self.c(self.t(key), width, bold=True) for key, width in zip(keys, widths, strict=True)]
        ]
        for line in page.items:
            answer = (
                self.c(line.answer, widths[2])
                if line.answer is not None
                else self.p(self.t("not_answered"), self.s.cell_muted)
            )
            score = "—" if line.score is None else str(line.score)
            rows.append([self.c(line.number, widths[0]), self.c(line.question, widths[1]), answer, score])
        story.append(_grid(rows, widths, header=True, extra=[("ALIGN", (3, 0), (3, -1), "RIGHT")]))
        story.append(Spacer(0, 6))
        story.append(self.p(self.total_line(page), self.s.subheading))
        if page.copyright:
            story.append(self.p(page.copyright, self.s.small))
        return story

    def total_line(self, page: QuestionnairePage) -> str:
        if page.total is None:
            unanswered = sum(1 for line in page.items if line.answer is None)
            return self.t("total_incomplete", count=unanswered)
        if page.max_total is not None:
            text = self.t("total_of", total=page.total, maximum=page.max_total)
        else:
            text = self.t("total_plain", total=page.total)
        return f"{text} — {page.band}" if page.band else text

    # -- checklist ---------------------------------------------------------------------------------

    def checklist(self, page: ChecklistPage) -> list[Flowable]:
        story: list[Flowable] = [self.p(self.t("checklist"), self.s.kicker), self.p(page.title, self.s.heading)]
        if page.version:
            story.append(self.p(f"{self.t('version')} {page.version}", self.s.version))
        widths = [246, 196, CONTENT_WIDTH - 246 - 196]
        keys = ("question", "answer", "hold_column")
        rows: list[list[Any]] = [
            [self.c(self.t(key), width, bold=True) for key, width in zip(keys, widths, strict=True)]
        ]
        extra: list[tuple[Any, ...]] = []
        for index, line in enumerate(page.lines, start=1):
            answer_cell: Any
            if line.answer is None:
                answer_cell = self.p(self.t("not_answered"), self.s.cell_muted)
            else:
                answer_cell = self.c(line.answer, widths[1])
            if line.follow_ups or (line.hold and line.hold_reason):
                answer_cell = [
                    answer_cell if isinstance(answer_cell, Paragraph) else self.p(line.answer or "", self.s.cell)
                ]
                for follow_up in line.follow_ups:
                    answer_cell.append(self.p(follow_up.question, self.s.follow_up_question))
                    answer_cell.append(
                        self.p(follow_up.answer, self.s.cell)
                        if follow_up.answer is not None
                        else self.p(self.t("not_answered"), self.s.cell_muted)
                    )
                if line.hold and line.hold_reason:
                    answer_cell.append(self.p(line.hold_reason, self.s.hold_reason))
            rows.append([self.c(line.question, widths[0]), answer_cell, self.t("hold_marker") if line.hold else ""])
            if line.hold:
                extra += [
                    ("BACKGROUND", (0, index), (-1, index), AMBER_TINT),
                    ("LINEBEFORE", (0, index), (0, index), 3, AMBER),
                    ("FONT", (2, index), (2, index), NOTO_SANS.bold, 9, 12),
                    ("TEXTCOLOR", (2, index), (2, index), AMBER),
                ]
        story.append(_grid(rows, widths, header=True, extra=extra))
        return story


def render_packet(data: PacketData, *, clock: Clock | None = None) -> bytes:
    """The consent packet for one intake as PDF bytes.

    ``clock`` gives the generation time printed in the footer and stored as the PDF's creation
    date; with a fixed clock the output is byte-identical for identical data.
    """
    now = clock() if clock is not None else datetime.now(UTC).astimezone()
    faces = register_packet_fonts()
    styles = _styles(faces)
    lang = data.language
    visit_day = format_date(data.visit.scheduled_at.date(), lang)

    footer_parts = [label("consent_copy_title" if data.clinical_withheld else "packet_title", lang), visit_day]
    if data.visit.reference:
        footer_parts.append(data.visit.reference)
    footer_parts.append(label("generated", lang, when=format_datetime(now, lang)))
    running = _RunningText(
        patient=data.patient.name,
        date_of_birth=f"{label('dob_short', lang)} {format_date(data.patient.date_of_birth, lang)}",
        clinic=data.clinic.name,
        footer_left=" · ".join(footer_parts),
        page_of=lambda page, total: label("page_of", lang, page=page, total=total),
        faces=faces,
    )

    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=PAGE_HEIGHT - FRAME_TOP,
        bottomMargin=FRAME_BOTTOM,
        # Metadata is read by file browsers, search indexes and print queues without opening a page:
        # it names no patient and no visit date (issue #10). The pages say who and when.
        title=label("packet_title", lang),
        author=data.clinic.name,
        subject=label("metadata_subject", lang),
        creator=f"Intake Kiosk {__version__}",
        invariant=1,
        lang="es-US" if lang == "es" else "en-US",
        initialFontName=faces.regular,
    )
    frame_height = FRAME_TOP - FRAME_BOTTOM
    title_frame = Frame(
        MARGIN_X,
        FRAME_TOP - STAMP_HEIGHT,
        CONTENT_WIDTH - STAMP_WIDTH - 12,
        STAMP_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="cover-title",
    )
    cover_body = Frame(
        MARGIN_X,
        FRAME_BOTTOM,
        CONTENT_WIDTH,
        frame_height - STAMP_HEIGHT - 14,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="cover-body",
    )
    body = Frame(
        MARGIN_X,
        FRAME_BOTTOM,
        CONTENT_WIDTH,
        frame_height,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates(
        [PageTemplate(id="cover", frames=[title_frame, cover_body]), PageTemplate(id="body", frames=[body])]
    )
    story = _PacketBuilder(data, styles).build()
    doc.build(story, canvasmaker=partial(_PacketCanvas, running=running, created=_pdf_date(now)))
    return buffer.getvalue()
