"""What every patient screen shares: retranslation on a language change, reset, and a few builders.

Every control's accessible name is set to its visible label (in the current language) by the helpers
here, so a screen reader and a test driver find a button by the words a patient sees on it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.theme import ButtonRole, TextRole, set_button_role, set_text_role

TOUCH_HEIGHT = 64
"""Height of the buttons a patient taps: above the 56 px minimum, for unsteady hands."""
CONTENT_WIDTH = 980
"""The widest a screen's content grows, so lines stay readable on a 1920 px wide screen."""
WIDE_CONTENT_WIDTH = 1280
"""Screens with a keyboard beside their fields need more room."""


def set_label(widget: QLabel | QAbstractButton, text: str) -> None:
    """Show `text` and make it the accessible name too."""
    widget.setText(text)
    widget.setAccessibleName(text.replace("&&", "&"))


def offer(widget: QAbstractButton, text: str, why_not: str = "") -> None:
    """Enable `widget` with `text`, or, given `why_not`, disable it and let its label say why ("Sign above to
    continue"): a grey button that does nothing and says nothing leaves a patient stuck."""
    widget.setEnabled(not why_not)
    set_label(widget, why_not or text)


class WrappedLabel(QLabel):
    """A label that measures its wrapped text once per width, text and minimum size.

    Qt's QLabel lays its whole text out again (shaping every word) each time it is asked its height for a width,
    and one layout pass of a screen asks each label several times: a quarter of a question change went there.
    QLabel's answer is the text's height expanded to the label's minimum size (which fit_height sets), so the
    minimum size is part of the key. A font, style or margin change forgets every height (the font is not in
    the key: QFont.key() took 6 % of a question change)."""

    _KEPT = 32
    """Heights kept at most; a question screen's label sees a few texts at a few widths."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._heights: dict[tuple[int, str, int, int], int] = {}

    def heightForWidth(self, width: int) -> int:
        key = (width, self.text(), self.minimumWidth(), self.minimumHeight())
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) >= self._KEPT:
                self._heights.clear()
            height = self._heights[key] = self._measure(width)
        return height

    def _measure(self, width: int) -> int:
        return super().heightForWidth(width)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in _MEASURE_AGAIN:
            self._heights.clear()
        super().changeEvent(event)

    def setWordWrap(self, on: bool) -> None:
        self._heights.clear()
        super().setWordWrap(on)

    def setTextFormat(self, format: Qt.TextFormat) -> None:
        self._heights.clear()
        super().setTextFormat(format)


_MEASURE_AGAIN = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.ContentsRectChange})
"""Changes after which a label's wrapped text may need another height at the same width."""


def label(role: TextRole, text: str = "", *, wrap: bool = True) -> QLabel:
    widget = WrappedLabel()
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    set_text_role(widget, role)
    set_label(widget, text)
    return widget


def fit_height(text: QLabel, width: int) -> None:
    """Give a wrapped label the height its lines need at `width`.

    In a box layout a wrapped label is otherwise squeezed to fewer lines than it has when its neighbours ask for
    room too (the last line of a long question was cut in half). A label never reports a height below its
    minimum, so that is cleared before measuring."""
    text.setMinimumHeight(0)
    if text.text():
        text.setMinimumHeight(text.heightForWidth(width))


def button(text: str = "", role: ButtonRole = ButtonRole.SECONDARY) -> QPushButton:
    widget = QPushButton()
    widget.setMinimumHeight(TOUCH_HEIGHT)
    widget.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
    # Tab reaches it (keyboard, screen reader), a tap does not focus it: in touch use no button shows a
    # focus ring, which a patient reads as "already chosen".
    widget.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    set_button_role(widget, role)
    set_label(widget, text)
    return widget


class Screen(QWidget):
    """A patient screen: content in a centred column, texts set again whenever the language changes."""

    def __init__(self, parent: QWidget | None = None, *, max_width: int = CONTENT_WIDTH) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(24, 20, 24, 20)
        self._outer = outer
        outer.addStretch(1)
        self.column = QWidget()
        self.column.setMaximumWidth(max_width)
        self.column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        outer.addWidget(self.column, 100)
        outer.addStretch(1)
        self.body = QVBoxLayout(self.column)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(18)

    def content_width(self) -> int:
        """The column's width for the screen's size, right even while the screen is hidden (a hidden screen's column
        keeps the width of its last layout, or none at all before its first)."""
        margins = self._outer.contentsMargins()
        stack = self.parentWidget()
        # A page of the window's stack gets the stack's width when it is shown; before its first showing it has none.
        width = stack.width() if stack is not None and self.isHidden() else self.width()
        return min(width - margins.left() - margins.right(), self.column.maximumWidth())

    def retranslate(self) -> None:
        """Set every fixed text in the current language; subclasses call this from their constructor."""

    def reset(self) -> None:
        """Forget everything about the patient shown on this screen."""

    def set_landscape(self, landscape: bool) -> None:
        """Arrange the screen for a landscape (wide) or portrait (tall) window."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class Panes(QWidget):
    """Two panes: side by side on a landscape screen, one above the other in portrait.

    A tablet at 1024x768 has no room for fields above a 4-row keyboard, so in landscape the keyboard
    goes beside what it types into; in portrait it goes below.
    """

    def __init__(self, first: QWidget, second: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(16)
        self.box.addWidget(first, 1)
        self.box.addWidget(second, 0)
        self.first, self.second = first, second

    def set_landscape(self, landscape: bool) -> None:
        direction = QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom
        if self.box.direction() != direction:
            self.box.setDirection(direction)
            # Landscape: the fields and their labels get as much width as the keyboard (a two-line label in
            # large text, not four lines squeezed beside a keyboard wider than it needs).
            self.box.setStretch(0, 1)
            self.box.setStretch(1, 1 if landscape else 0)


def pane(*widgets: QWidget, stretch_last: bool = False) -> QWidget:
    """A plain vertical pane holding `widgets` in order."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(10)
    for widget in widgets:
        layout.addWidget(widget)
    if not stretch_last:
        layout.addStretch(1)
    return holder


def button_row(*buttons: QWidget, stretch_first: bool = True) -> QBoxLayout:
    """A row of buttons: the first (Back) at the left, the rest at the right."""
    row = QHBoxLayout()
    row.setSpacing(16)
    if buttons:
        row.addWidget(buttons[0])
        if stretch_first:
            row.addStretch(1)
        for widget in buttons[1:]:
            row.addWidget(widget)
    return row


def hold_widest(widget: QAbstractButton, texts: tuple[str, ...], most: int) -> None:
    """Make `widget` as wide as the widest of the labels it can show (at most `most`), so it neither grows nor jumps
    (and a row measured for it keeps fitting) when its label changes ("Read to the end to agree" to "I agree")."""
    shown = widget.text()
    widths = []
    for text in texts:
        widget.setText(text)
        widths.append(widget.sizeHint().width())
    widget.setText(shown)
    widget.setMinimumWidth(min(max(widths, default=0), most))


class ButtonRows(QVBoxLayout):
    """Back, a few other buttons and the primary one: on one row when they fit the width; else the others on rows of
    their own above Back and the primary (and the primary above Back when even those two do not fit), so no label
    is ever cut (Spanish, larger text, a 1024 px tablet or a portrait one)."""

    def __init__(self, first: QWidget, middle: tuple[QWidget, ...], last: QWidget) -> None:
        super().__init__()
        self.setSpacing(10)
        self._widgets = (first, middle, last)
        self._plan: list[list[QWidget | None]] = []

    @property
    def rows(self) -> int:
        return len(self._plan)

    def arrange(self, width: int, *, again: bool = False) -> None:
        """Arrange for `width`; `again` when a label, a font or what is shown changed since the last time."""
        first, middle, last = self._widgets

        def hidden(widget: QWidget) -> bool:
            # Hidden by the screen, not merely not shown yet (a button in no layout yet counts as hidden too).
            return widget.isHidden() and widget.testAttribute(Qt.WidgetAttribute.WA_WState_ExplicitShowHide)

        def wide(*widgets: QWidget | None) -> int:
            shown = [w for w in widgets if w is not None and not hidden(w)]
            # What the layout gives each: its size hint within its minimum and maximum (the signature's picture has
            # a fixed size whatever the size of the image it shows).
            given = (max(min(w.sizeHint().width(), w.maximumWidth()), w.minimumWidth()) for w in shown)
            return sum(given) + 16 * (len(shown) - 1)

        # Every widget has a place, the hidden ones too (they take no room), so one shown later is already in a row.
        plan: list[list[QWidget | None]]
        if wide(first, *middle, last) <= width:
            plan = [[first, None, *middle, last]]
        else:
            plan = []
            if all(hidden(widget) for widget in middle):
                plan.append([None, *middle])  # a row of no height for them, until one is shown
            else:
                for widget in middle:  # None stands for the stretch that pushes a row to the right
                    if plan and (hidden(widget) or wide(*plan[-1], widget) <= width):
                        plan[-1].append(widget)
                    else:
                        plan.append([None, widget])
            plan += [[first, None, last]] if wide(first, last) <= width else [[None, last], [first, None]]
        if plan == self._plan and not again:
            return
        self._plan = plan
        while self.count():
            item = self.takeAt(0)
            old = item.layout() if item is not None else None
            if old is not None:
                while old.count():
                    old.takeAt(0)
                old.deleteLater()
        for places in plan:
            row = QHBoxLayout()
            row.setSpacing(16)
            for place in places:
                if place is None:
                    row.addStretch(1)
                else:
                    row.addWidget(place)
            self.addLayout(row)
