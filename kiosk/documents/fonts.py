"""The bundled Noto Sans faces, registered with reportlab by file path.

reportlab's built-in fonts cover only Latin-1, so a Greek or Cyrillic name would print as
empty boxes. Noto Sans (resources/fonts/, SIL OFL) covers Latin, Greek and Cyrillic; it is
registered from the bundle, never looked up among the system fonts, so every machine prints
the same packet.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kiosk.resources import resource_path


@dataclass(frozen=True)
class FontFaces:
    """reportlab names of the four faces of the packet's font family."""

    regular: str
    bold: str
    italic: str
    bold_italic: str


NOTO_SANS = FontFaces(
    regular="NotoSans",
    bold="NotoSans-Bold",
    italic="NotoSans-Italic",
    bold_italic="NotoSans-BoldItalic",
)

_FILES = {
    NOTO_SANS.regular: "NotoSans-Regular.ttf",
    NOTO_SANS.bold: "NotoSans-Bold.ttf",
    NOTO_SANS.italic: "NotoSans-Italic.ttf",
    NOTO_SANS.bold_italic: "NotoSans-BoldItalic.ttf",
}

# reportlab keeps registered fonts in its own process-wide table; this lock only stops two
# threads that render their first packet at the same moment from parsing the files twice.
_REGISTRATION_LOCK = threading.Lock()


def register_packet_fonts() -> FontFaces:
    """Register Noto Sans (all four faces) with reportlab if not done yet, and return their names.

    Parsing the TrueType files takes a few tens of milliseconds, so it happens once per process;
    the fonts are embedded (as subsets) in each PDF afterwards.
    """
    with _REGISTRATION_LOCK:
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, filename in _FILES.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
        family = NOTO_SANS.regular
        addMapping(family, 0, 0, NOTO_SANS.regular)
        addMapping(family, 1, 0, NOTO_SANS.bold)
        addMapping(family, 0, 1, NOTO_SANS.italic)
        addMapping(family, 1, 1, NOTO_SANS.bold_italic)
    return NOTO_SANS
