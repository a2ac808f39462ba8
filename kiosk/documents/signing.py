"""Signing a packet with the clinic's certificate: PAdES baseline B-B, with a visible stamp.

B-B is the PAdES level that needs nothing from outside the clinic: no timestamp server and no
revocation lookups, so signing works with the network unplugged and no patient data or
document hash ever leaves the machine. The signing time is the one the kiosk states (``when``);
it is a claim of the signer, not a third party's timestamp, and the stamp says so by naming
the clinic as the signer.

The visible stamp is drawn with reportlab in the packet's own font (so any clinic name
prints, accents and all) and placed in the top-right corner that the cover page leaves free.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils import content, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from kiosk.documents.certificates import ClinicSigner
from kiosk.documents.fonts import register_packet_fonts
from kiosk.documents.labels import format_datetime, label
from kiosk.documents.packet_data import PacketLanguage
from kiosk.documents.render import SIGNATURE_STAMP_BOX

log = logging.getLogger(__name__)

SIGNATURE_FIELD = "ClinicSignature"
STAMP_BLUE = colors.Color(0.1, 0.25, 0.55)


class SigningError(Exception):
    """The packet could not be signed; the message says why in words staff can act on."""


def render_signature_stamp(clinic_name: str, when: datetime, language: PacketLanguage = "en") -> bytes:
    """The stamp as a one-page PDF exactly the size of SIGNATURE_STAMP_BOX."""
    faces = register_packet_fonts()
    x1, y1, x2, y2 = SIGNATURE_STAMP_BOX
    width, height = x2 - x1, y2 - y1
    buffer = BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, initialFontName=faces.regular)
    canvas.setStrokeColor(STAMP_BLUE)
    canvas.setLineWidth(1.2)
    canvas.roundRect(0.6, 0.6, width - 1.2, height - 1.2, 4, stroke=1, fill=0)
    text_width = width - 16

    def fitted(text: str, font: str, size: float) -> str:
        if canvas.stringWidth(text, font, size) <= text_width:
            return text
        while text and canvas.stringWidth(text + "…", font, size) > text_width:
            text = text[:-1]
        return text + "…"

    canvas.setFillColor(STAMP_BLUE)
    canvas.setFont(faces.regular, 7.5)
    canvas.drawString(8, height - 15, label("stamp_signed_by", language))
    canvas.setFont(faces.bold, 10)
    canvas.drawString(8, height - 28, fitted(clinic_name, faces.bold, 10))
    canvas.setFont(faces.regular, 8)
    canvas.drawString(8, height - 41, fitted(format_datetime(when, language, seconds=True), faces.regular, 8))
    # Two faces only: each face embeds its own font subset in the signed file.
    canvas.setFont(faces.regular, 6.5)
    canvas.setFillColor(colors.Color(0.3, 0.3, 0.3))
    note = simpleSplit(label("stamp_check", language), faces.regular, 6.5, text_width)[:2]
    for index, line in enumerate(reversed(note)):
        canvas.drawString(8, 7 + index * 8, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


class _ImportedStamp(content.PdfContent):
    """A page of an in-memory PDF used as the stamp's appearance (pyHanko only imports from files)."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self._pdf = pdf

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(BytesIO(self._pdf)), page_ix=0)
        self.resources.xobject["/ClinicStamp"] = xobject
        left, bottom, right, top = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(right - left), height=abs(top - bottom))
        return b"/ClinicStamp Do"


class _SignerAt(signers.PdfSigner):
    """pyHanko takes the signing time from the system clock; the kiosk passes its own (testable) time."""

    def __init__(self, *args: Any, when: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._when = when

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> Any:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._when
        return session


@dataclass(frozen=True)
class SignatureDetails:
    """What the signature dictionary says besides the certificate (shown by PDF readers)."""

    reason: str = "Intake packet signed by the clinic"
    location: str = ""


def sign_pdf(
    pdf: bytes,
    signer: ClinicSigner,
    *,
    when: datetime,
    language: PacketLanguage = "en",
    details: SignatureDetails | None = None,
) -> bytes:
    """``pdf`` signed by ``signer`` (PAdES B-B, SHA-256) at ``when``, with the visible stamp on page 1.

    The signature is an incremental update: the original bytes are kept as they were and the
    signature covers all of them, so any later change is detectable.
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"the signing time must be timezone-aware, got {when!r}")
    details = details or SignatureDetails()
    stamp = render_signature_stamp(signer.common_name, when, language)
    style = StaticStampStyle(
        background=_ImportedStamp(stamp),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(),
        ),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=details.reason,
        location=details.location or None,
        name=signer.common_name,
    )
    pdf_signer = _SignerAt(
        metadata,
        signer=signer.signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=0, box=SIGNATURE_STAMP_BOX),
        when=when,
    )
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
        output = pdf_signer.sign_pdf(writer)
    except (PdfError, ValueError, KeyError) as error:
        log.exception("signing a %d-byte PDF failed", len(pdf))
        raise SigningError(f"The packet could not be signed: the PDF could not be processed ({error}).") from error
    signed: bytes = output.getvalue()
    return signed
