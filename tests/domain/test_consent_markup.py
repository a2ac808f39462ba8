"""Reading a consent body's markup: headings, paragraphs with the author's wrapping, bullets."""

from __future__ import annotations

from kiosk.domain.consent_markup import BlockKind, ConsentBlock, consent_blocks


def test_blocks_in_order_with_wrapping_folded() -> None:
    text = "## Risks\nYou may feel\n  dizzy.\n\n- nausea\n  (feeling sick)\n* blurred vision\nAfter the list.\n\n\n"
    assert consent_blocks(text) == (
        ConsentBlock(BlockKind.HEADING, "Risks"),
        ConsentBlock(BlockKind.PARAGRAPH, "You may feel dizzy."),
        ConsentBlock(BlockKind.BULLET, "nausea (feeling sick)"),
        ConsentBlock(BlockKind.BULLET, "blurred vision"),
        ConsentBlock(BlockKind.PARAGRAPH, "After the list."),
    )


def test_a_hash_or_dash_inside_a_line_is_just_text() -> None:
    assert consent_blocks("Call 555-0100 ## any time - day or night") == (
        ConsentBlock(BlockKind.PARAGRAPH, "Call 555-0100 ## any time - day or night"),
    )
    assert consent_blocks("   \n\n") == ()
