"""A long rich text, laid out once per text, font and width, and painted a view at a time: a consent's body.

A word-wrapped rich-text QLabel in a scroll area laid its whole document out again for each size its layouts asked
about (the scroll area asks at two widths, with and without its scroll bar, and the label answers each by laying
the text out): 20-70 ms of every change of consent on a tablet. Here each text's document is kept once laid out,
its heights remembered per width, so showing a consent that was prepared (while the patient was on the screen
before) costs a paint of the lines in view. The text is drawn by Qt's own text layout, exactly as the label drew
it (the same HTML, font and colours).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPaintEvent, QPalette, QTextDocument
from PySide6.QtWidgets import QSizePolicy, QWidget

_KEPT = 8
"""Documents kept at most (the consents of a visit in two languages fit); the oldest goes first."""


class _Laid:
    """One text's document and the heights it has at the widths asked so far."""

    def __init__(self, html: str, widget: QWidget) -> None:
        self.document = QTextDocument()
        self.document.setDocumentMargin(0)
        self.document.setDefaultFont(widget.font())
        self.document.setHtml(html)
        self.heights: dict[int, int] = {}

    def height_at(self, width: int) -> int:
        """The text's height at `width`, laid out at that width only the first time it is asked."""
        height = self.heights.get(width)
        if height is None:
            self.lay_out(width)
            height = self.heights[width] = int(self.document.size().height() + 0.999)
        return height

    def lay_out(self, width: int) -> None:
        if self.document.textWidth() != width:
            self.document.setTextWidth(width)


class ConsentText(QWidget):
    """Rich text (headings, paragraphs, lists) that takes the height its lines need at its width.

    `text()` is the HTML shown, `plain_text()` the words. `prepare(html, widths)` lays a text out ahead of time; the
    documents prepared are kept (at most a visit's worth) until `forget()` or a change of font."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._html = ""
        self._laid: dict[tuple[str, str], _Laid] = {}
        """Kept documents by (font, text), the newest last."""
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    # ----- the text ---------------------------------------------------------------------------

    def text(self) -> str:
        return self._html

    def plain_text(self) -> str:
        laid = self._current()
        return laid.document.toPlainText() if laid is not None else ""

    def document(self) -> QTextDocument | None:
        """The shown text's document, laid out at the widget's width (for reading aloud the part in view)."""
        laid = self._current()
        if laid is None:
            return None
        laid.lay_out(self._text_width(self.width()))
        return laid.document

    def setText(self, html: str) -> None:  # the QLabel name it replaces
        self._html = html
        if html:
            self._laid_out(html)
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self.setText("")

    def prepare(self, html: str, widths: tuple[int, ...]) -> None:
        """Lay `html` out now at each of the widget widths it may be shown at, so showing it later costs no layout."""
        laid = self._laid_out(html)
        for width in widths:
            laid.height_at(self._text_width(width))
        if widths:
            laid.lay_out(self._text_width(widths[-1]))

    def forget(self) -> None:
        """Drop every kept document but the one shown (the patient is gone)."""
        shown = self._current()
        self._laid = {(self.font().key(), self._html): shown} if shown is not None else {}

    # ----- places in the text ---------------------------------------------------------------------

    def position_at(self, y: int) -> int:
        """The text position (a character) on the line at `y` (widget px): where a reader is, in words that survive
        a change of font or width, unlike a pixel offset."""
        document = self.document()
        if document is None:
            return 0
        found = document.documentLayout().hitTest(
            QPointF(0.0, float(y - self.contentsMargins().top())), Qt.HitTestAccuracy.FuzzyHit
        )
        return max(found, 0)

    def line_top(self, position: int) -> int:
        """The top (widget px) of the line that holds text `position`, as the text is laid out now."""
        document = self.document()
        if document is None:
            return 0
        block = document.findBlock(position)
        if not block.isValid():
            block = document.lastBlock()
        top = document.documentLayout().blockBoundingRect(block).top()
        lines = block.layout()
        if lines is not None and lines.lineCount() > 0:
            line = lines.lineForTextPosition(min(max(position - block.position(), 0), max(block.length() - 1, 0)))
            if line.isValid():
                top += line.y()
        return int(top) + self.contentsMargins().top()

    # ----- size ---------------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        laid = self._current()
        text_height = laid.height_at(self._text_width(width)) if laid is not None else 0
        return text_height + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        # At the width the text is laid out at now: a size hint must not lay it out again at another.
        laid = self._current()
        margins = self.contentsMargins()
        extra = margins.left() + margins.right()
        if laid is None or laid.document.textWidth() <= 0:
            return QSize(200, margins.top() + margins.bottom())
        width = int(laid.document.textWidth()) + extra
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(100, 0)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            # Larger text: the documents in the old font are dropped; each text is laid out again in the new one.
            font = self.font().key()
            self._laid = {key: laid for key, laid in self._laid.items() if key[0] == font}
            self.updateGeometry()
        super().changeEvent(event)

    # ----- painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        laid = self._current()
        if laid is None:
            return
        margins = self.contentsMargins()
        laid.lay_out(self._text_width(self.width()))
        painter = QPainter(self)
        painter.translate(margins.left(), margins.top())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette = self.palette()
        context.palette.setColor(QPalette.ColorRole.Text, self.palette().color(QPalette.ColorRole.WindowText))
        clip = QRectF(event.rect().translated(-margins.left(), -margins.top()))
        context.clip = clip
        painter.setClipRect(clip)
        laid.document.documentLayout().draw(painter, context)
        painter.end()

    # ----- helpers ------------------------------------------------------------------------------

    def _text_width(self, width: int) -> int:
        margins = self.contentsMargins()
        return max(1, width - margins.left() - margins.right())

    def _current(self) -> _Laid | None:
        return self._laid_out(self._html) if self._html else None

    def _laid_out(self, html: str) -> _Laid:
        """The document of `html` in the widget's font: kept, or made now."""
        key = (self.font().key(), html)
        laid = self._laid.get(key)
        if laid is None:
            laid = self._laid[key] = _Laid(html, self)
            shown = (key[0], self._html)
            older = [kept for kept in self._laid if kept not in (key, shown)]
            for oldest in older[: max(0, len(self._laid) - _KEPT)]:
                del self._laid[oldest]
        return laid
