"""The bundled fonts register once and cover the scripts patients' names are written in."""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics

from kiosk.documents.fonts import NOTO_SANS, register_packet_fonts


def test_registration_is_idempotent_and_names_all_four_faces() -> None:
    first = register_packet_fonts()
    second = register_packet_fonts()
    assert first == second == NOTO_SANS
    registered = set(pdfmetrics.getRegisteredFontNames())
    assert {NOTO_SANS.regular, NOTO_SANS.bold, NOTO_SANS.italic, NOTO_SANS.bold_italic} <= registered


def test_the_fonts_have_glyphs_for_latin_greek_and_cyrillic() -> None:
    register_packet_fonts()
    for face in (NOTO_SANS.regular, NOTO_SANS.bold, NOTO_SANS.italic, NOTO_SANS.bold_italic):
        font = pdfmetrics.getFont(face)
        for character in "ñÑáéüÅßΑλωЖжёЁ…—•":
            assert ord(character) in font.face.charToGlyph, (face, character)
