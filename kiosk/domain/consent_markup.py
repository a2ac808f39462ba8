"""The consent body's markup, read once: what the patient reads on the tablet and what the signed PDF
shows are both drawn from the blocks this module finds, so they cannot differ.

The markup is plain text: a blank line separates blocks; a line starting with "## " is a heading; a line
starting with "- " or "* " is a bullet, and indented lines after it continue that bullet; any other line
breaks inside a paragraph are the author's wrapping and read as spaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    BULLET = "bullet"


@dataclass(frozen=True, slots=True)
class ConsentBlock:
    """One block of a consent body, its text with the author's line breaks folded into spaces."""

    kind: BlockKind
    text: str


def consent_blocks(text: str) -> tuple[ConsentBlock, ...]:
    """The consent body's headings, paragraphs and bullets, in order."""
    blocks: list[ConsentBlock] = []
    paragraph: list[str] = []
    bullet: list[str] | None = None

    def flush() -> None:
        nonlocal bullet
        if paragraph:
            blocks.append(ConsentBlock(BlockKind.PARAGRAPH, " ".join(paragraph)))
            paragraph.clear()
        if bullet is not None:
            blocks.append(ConsentBlock(BlockKind.BULLET, " ".join(bullet)))
            bullet = None

    for raw in text.splitlines():
        line = " ".join(raw.split())
        if not line:
            flush()
        elif line.startswith("## "):
            flush()
            blocks.append(ConsentBlock(BlockKind.HEADING, line[3:].strip()))
        elif line.startswith(("- ", "* ")):
            flush()
            bullet = [line[2:].strip()]
        elif bullet is not None and raw[:1].isspace():
            bullet.append(line)
        else:
            if bullet is not None:
                flush()
            paragraph.append(line)
    flush()
    return tuple(blocks)
