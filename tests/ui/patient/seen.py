"""What a patient can see of a screen, in words a failing layout test prints: labels cut or out of view."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QLabel, QLineEdit, QWidget

from kiosk.ui.widgets.signature_pad import SignaturePad


def inside(widget: QWidget, area: QWidget) -> bool:
    """Whether all of `widget` is inside what `area` shows (both mapped to the window)."""
    window = widget.window()
    shown = QRect(area.mapTo(window, QPoint(0, 0)), area.size())
    return shown.contains(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()))


def cut(screen: QWidget) -> list[str]:
    """Each visible text of `screen` that is not whole: a label shorter or narrower than its text, a button or a
    box whose text is wider than the button or box, or any of them partly outside the window. What scrolls (the
    consent's text) is out of view by design and not counted."""
    window = screen.window()
    scrolled = [area.viewport() for area in screen.findChildren(QAbstractScrollArea)]
    problems: list[str] = []
    for text in screen.findChildren(QLabel):
        if not text.isVisible() or not text.text() or any(view.isAncestorOf(text) for view in scrolled):
            continue
        if text.wordWrap():
            short = text.height() < text.heightForWidth(text.width())
        else:
            short = text.width() < text.sizeHint().width() or text.height() < text.sizeHint().height()
        if short or not inside(text, window):
            problems.append(f"label {text.text()[:40]!r} is cut")
    for control in screen.findChildren(QAbstractButton):
        if not control.isVisible():
            continue
        # The label and the border on each side (a key's own padding may be squeezed, never the label).
        widest = max((control.fontMetrics().horizontalAdvance(line) for line in control.text().splitlines()), default=0)
        if widest + 2 * 2 > control.width() or not inside(control, window):
            problems.append(f"button {control.text()!r} is cut")
    for box in screen.findChildren(QLineEdit):
        if not box.isVisible():
            continue
        shown = box.text() or box.placeholderText()
        room = box.width() - 2 * (12 + 3)  # the style sheet's padding and focus border on each side
        if box.fontMetrics().horizontalAdvance(shown) > room or not inside(box, window):
            problems.append(f"box {box.accessibleName()!r} cuts {shown!r}")
    return problems


def lowest_words_row(pad: SignaturePad) -> int:
    """The lowest row between the signing line and the frame (its last 3 rows) where the words under the line have a
    pixel (-1 for none), in the pad's middle columns: clear of the "x" and of the frame's rounded corners."""
    image = pad.grab().toImage()
    base = pad.palette().color(QPalette.ColorRole.Base)
    lowest = -1
    for y in range(round(pad.baseline_y()) + 3, image.height() - 3):
        for x in range(image.width() // 5, 4 * image.width() // 5):
            if abs(image.pixelColor(x, y).lightness() - base.lightness()) > 40:
                lowest = y
                break
    return lowest
