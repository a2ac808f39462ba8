"""One question per screen: the stem above it, large answer buttons, a progress line, Back always there.

Tapping an answer button answers at once (the controller saves it and moves on after a short beat);
typed answers, several choices and groups of fields have a Next button. Answer buttons are kept in a pool
and reused from question to question, so changing question costs a relabel, not new widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QSpacerItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.answer_words import answer_as_typed
from kiosk.domain.forms import Form, FormKind, Item, ItemType, pick
from kiosk.domain.scoring import AnswerData, AnswerError, is_scored, normalize_phone
from kiosk.ui.i18n import tr
from kiosk.ui.patient.base import (
    TOUCH_HEIGHT,
    WIDE_CONTENT_WIDTH,
    Panes,
    Screen,
    button,
    fit_height,
    label,
    pane,
    set_label,
)
from kiosk.ui.theme import ButtonRole, TextRole
from kiosk.ui.widgets.answer_box import AnswerBox
from kiosk.ui.widgets.answer_button import AnswerButton
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.number_pad import NumberPad

_NO_LIMIT = 16_777_215
"""Qt's QWIDGETSIZE_MAX: no maximum size."""

DIGIT_TYPES = frozenset({ItemType.PHONE, ItemType.NUMBER, ItemType.DATE})
PREMADE_FIELDS = 2
"""Typed fields made with the screen; a group with more makes the rest when it is first shown."""


@dataclass(frozen=True, slots=True)
class AnswerBatch:
    """What one screen answered: one item, or the fields of a group; tapped answers move on by themselves."""

    form_id: str
    answers: tuple[tuple[str, AnswerData], ...]
    tapped: bool


def check_typed(item: Item, text: str) -> tuple[AnswerData | None, str]:
    """The value to store for a typed answer and "", or None and a message (translated) saying what to fix."""
    text = " ".join(text.split())
    if item.type is ItemType.PHONE:
        try:
            return normalize_phone(text), ""
        except AnswerError:
            return None, tr("Please type a phone number with its area code, for example 555 010 0199.")
    if item.type is ItemType.NUMBER:
        try:
            value = float(text)
        except ValueError:
            return None, tr("Please type a number.")
        if (item.minimum is not None and value < item.minimum) or (item.maximum is not None and value > item.maximum):
            low = "" if item.minimum is None else f"{item.minimum:g}"
            high = "" if item.maximum is None else f"{item.maximum:g}"
            return None, tr("Please type a number between %1 and %2.").replace("%1", low).replace("%2", high)
        return (int(value) if value.is_integer() else value), ""
    if item.type is ItemType.DATE:
        month, _, rest = text.partition("/")
        day, _, year = rest.partition("/")
        try:
            return dt.date(int(year), int(month), int(day)).isoformat(), ""
        except ValueError:
            return None, tr("Please type the date as month/day/year, for example 04/27/2026.")
    if not text:
        return None, tr("Please type an answer.")
    return text[: item.max_length], ""


def _shows_stem(form: Form, item: Item) -> bool:
    """A questionnaire's stem goes with every scored item (the instrument asks it so); a checklist's friendly
    line goes with the questions answered by one tap, not over a keyboard or a long list of choices, which need
    the room in large text."""
    tapped = item.type in (ItemType.SINGLE_CHOICE, ItemType.YES_NO, ItemType.DISPLAY)
    return form.instructions is not None and (is_scored(form, item.id) or (form.kind is FormKind.CHECKLIST and tapped))


def on_file_line(record: str, on_file: Mapping[str, str]) -> str:
    """What the patient reads of a record on file (masked), or that the clinic has none."""
    masked = on_file.get(record)
    if record == "emergency_contact":
        if masked:
            return tr("Emergency contact on file: %1").replace("%1", masked)
        return tr("We have no emergency contact on file for you.")
    return masked or ""


class _Field(QWidget):
    """A typed answer: its label, the box typed into and the message under it; reused from question to question.

    Free text gets a multi-line box that wraps (everything typed stays visible); a name, a phone number, a number
    or a date gets a one-line field. `edit` is whichever of the two the current item uses.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: Item | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.title = label(TextRole.BODY)
        self.line = QLineEdit()
        self.line.setMinimumHeight(TOUCH_HEIGHT)
        self.line.setMinimumWidth(200)  # leaves the keyboard beside it its room on a 1024 px tablet
        self.box = AnswerBox()
        self.box.setMinimumWidth(200)
        self.edit: QLineEdit | AnswerBox = self.line
        self.error = label(TextRole.ERROR)
        layout.addWidget(self.title)
        layout.addWidget(self.line)
        layout.addWidget(self.box)
        layout.addWidget(self.error)
        self.box.hide()
        self.error.hide()  # shown with a message only: an empty line under each field took room the keyboard needs

    def show_item(self, item: Item, language: str, *, titled: bool, first_visit: bool = False) -> None:
        self.item = item
        text = pick(item.text_for(first_visit=first_visit), language)
        set_label(self.title, text)
        self.title.setVisible(titled)
        multi_line = item.type is ItemType.TEXT and not item.person_name
        self.line.clear()
        self.box.clear()
        self.line.setVisible(not multi_line)
        self.box.setVisible(multi_line)
        self.edit = self.box if multi_line else self.line
        self.line.setInputMask("99/99/9999" if item.type is ItemType.DATE else "")
        self.edit.setMaxLength(item.max_length)
        self.edit.setAccessibleName(text)
        self.show_error("")

    def show_error(self, message: str) -> None:
        set_label(self.error, message)
        self.error.setVisible(bool(message))

    def fit_title(self) -> None:
        """A wrapped label in a box layout is squeezed to fewer lines than it has; give it the height they need."""
        fit_height(self.title, self.width())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_title()

    @property
    def typed_item(self) -> Item:
        assert self.item is not None
        return self.item


class QuestionScreen(Screen):
    """Shows one question of a form.

    Signals:
        answered(object): an AnswerBatch to save.
        skipped: an optional question was skipped.
        back_requested: the patient tapped Back.
    """

    answered = Signal(object)
    skipped = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, max_width=WIDE_CONTENT_WIDTH)
        self.form: Form | None = None
        self.item: Item | None = None
        self.language = "en"
        self._tap_taken = False
        self._tap_taken_code = ""
        self._first_visit = False
        self._on_file: dict[str, str] = {}
        self._columns = 1
        self._placed: tuple[int, int] | None = None
        """The (answers, columns) the options grid holds now: the same grid is not laid out again."""
        self._answer_page: QWidget | None = None
        self._anchors: dict[tuple[object, ...], int] = {}
        """The answer area's anchor for a form, a kind of answers, a width and a font (see _anchor_answers)."""
        self._landscape = True
        # One line says where the patient is in the visit ("Step 2 of 4: How you have been feeling"), with a
        # total fixed for the whole visit; the first question of a part says that a new part begins.
        self.progress = label(TextRole.HINT)
        self.progress.setObjectName("questionProgress")
        self.intro = label(TextRole.BODY)
        self.intro.setObjectName("partIntro")
        self.stem = label(TextRole.BODY)
        self.question = label(TextRole.QUESTION)
        self.question.setObjectName("questionText")
        self.help = label(TextRole.HINT)
        # A record on file that the question asks about, masked: "Emergency contact on file: J. Lee, (555) ...-0142".
        self.record = label(TextRole.BODY)
        self.record.setObjectName("recordOnFile")
        self.body.setSpacing(6)
        outer = self.layout()
        assert outer is not None
        outer.setContentsMargins(24, 12, 24, 12)
        # Back, Skip and Next sit in one row with the progress line, at the top: all the space under the question
        # goes to the answers, so every one of them fits on a 1024x768 tablet in large text.
        self.back = button()
        self.back.clicked.connect(self.back_requested)
        self.skip = button()
        self.skip.clicked.connect(self.skipped)
        self.next = button(role=ButtonRole.PRIMARY)
        self.next.clicked.connect(self._on_next_clicked)
        for control in (self.back, self.skip, self.next):
            control.setMinimumHeight(56)  # as the header's buttons: still well above a fingertip
        top = QHBoxLayout()
        top.setSpacing(16)
        top.addWidget(self.back, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.progress, 1)
        top.addWidget(self.skip, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.next, 0, Qt.AlignmentFlag.AlignVCenter)
        self.body.addLayout(top)
        for widget in (self.intro, self.stem, self.question, self.help, self.record):
            self.body.addWidget(widget)

        self.options_area = QScrollArea()
        self.options_area.setWidgetResizable(True)
        self.options_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.options = QWidget()
        column = QVBoxLayout(self.options)
        column.setContentsMargins(0, 0, 0, 0)
        # The answers sit at the bottom of their area, and the area ends where the longest question of the form
        # (with the same answers) would end (_anchor_answers): a question whose words take one more line does not
        # move them, so a finger finds "Not at all" where it was.
        column.addStretch(1)
        self.options_layout = QGridLayout()
        self.options_layout.setContentsMargins(0, 0, 0, 0)
        self.options_layout.setSpacing(6)
        column.addLayout(self.options_layout)
        self.options_area.setWidget(self.options)
        # One area shows the answer buttons, the typed fields with their keyboard, or nothing (a message);
        # switching a stacked page is cheaper than showing and hiding, so changing question stays quick.
        self.answer_area = QStackedWidget()
        self.answer_area.addWidget(self.options_area)
        # The answer area takes the height first (up to the end _anchor_answers gives it), the rest goes below.
        self.answer_area.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.body.addWidget(self.answer_area, 100)
        # What the answer area leaves, under the answers (only under answer buttons: typed answers and their
        # keyboard take all the height there is).
        # A spacer, not a widget: an empty layout item takes no spacing, so a full screen loses no pixel to it.
        self.below = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
        self.body.addItem(self.below)
        self.pool: list[AnswerButton] = []
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        self.group.buttonClicked.connect(self._on_group_button_clicked)

        self.fields_box = QWidget()
        self.fields_layout = QGridLayout(self.fields_box)
        self.fields_layout.setContentsMargins(0, 0, 0, 0)
        self.fields: list[_Field] = []  # the pooled fields the current question uses, in order
        self.field_pool: list[_Field] = []
        self.keys = QStackedWidget()
        self.keys.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.keyboard = OnScreenKeyboard(auto_capitalize=False, digits=True)
        self.keyboard.action_pressed.connect(self._on_keyboard_action_pressed)
        self.number_pad = NumberPad()
        self.keys.addWidget(self.keyboard)
        self.keys.addWidget(self.number_pad)
        self.entry = Panes(pane(self.fields_box), self.keys)
        self.answer_area.addWidget(self.entry)
        self.nothing = QWidget()
        self.answer_area.addWidget(self.nothing)
        # Style the ~45 keys now, at start-up, not the first time a typed question appears mid-checklist; likewise
        # make the typed fields of a lone question or a group of two (the ride home's driver and phone): making a
        # field's boxes took 5-10 ms of the first typed question's screen change.
        for _ in range(PREMADE_FIELDS):
            self._add_field().hide()
        self.keyboard.ensurePolished()
        self.number_pad.ensurePolished()
        self.fields_box.ensurePolished()

        self.retranslate()

    # ----------------------------------------------------------------------------------- content

    def show_item(
        self,
        form: Form,
        item: Item,
        language: str,
        number: int,
        part: tuple[int, int],
        current: dict[str, AnswerData],
        *,
        first_visit: bool = False,
        on_file: Mapping[str, str] | None = None,
    ) -> None:
        """Show `item`, question `number` of its form, in part `part` = (number, total) of the visit, with the
        answers already given pre-selected."""
        self.form, self.item, self.language = form, item, language
        self._tap_taken = False
        self._position = (number, *part)
        self._first_visit = first_visit
        self._on_file = dict(on_file or {})
        self._current = dict(current)
        self._fill()

    def _fill(self) -> None:
        assert self.form is not None and self.item is not None
        form, item, language = self.form, self.item, self.language
        self._set_progress()
        show_stem = _shows_stem(form, item)
        set_label(self.stem, pick(form.instructions or {}, language) if show_stem else "")
        self.stem.setVisible(show_stem)
        set_label(self.question, pick(item.text_for(first_visit=self._first_visit), language))
        record = on_file_line(item.on_file, self._on_file) if item.on_file else ""
        set_label(self.record, record)
        self.record.setVisible(bool(record))
        starts_part = self._position[0] == 1 and item.type is not ItemType.DISPLAY
        set_label(self.intro, self._intro_text() if starts_part else "")
        self.intro.setVisible(starts_part)
        set_label(self.help, pick(item.help, language) if item.help else "")
        self.help.setVisible(item.help is not None)
        self._fill_options()
        self._fill_fields()
        self._fit_texts()
        typed = bool(self.fields) or item.type in (ItemType.DISPLAY, ItemType.MULTI_CHOICE)
        self.next.setVisible(typed)
        self.skip.setVisible(not item.required and item.type not in (ItemType.DISPLAY, ItemType.GROUP))
        self.next.setEnabled(True)
        if not self.fields:
            # Hiding the Next button that was just tapped hands the focus on "by Tab" to the first answer, which
            # then drew a ring that looked like a choice. Nothing has the focus when a question arrives.
            focused = QApplication.focusWidget()
            if focused is not None and (focused is self or self.isAncestorOf(focused)):
                focused.clearFocus()

    def _fill_options(self) -> None:
        assert self.item is not None
        item = self.item
        options = item.options if item.type in (ItemType.SINGLE_CHOICE, ItemType.MULTI_CHOICE, ItemType.YES_NO) else ()
        while len(self.pool) < len(options):
            answer_button = AnswerButton("", self.options)  # never a window of its own, even for a moment
            self.pool.append(answer_button)
            self.group.addButton(answer_button, len(self.pool) - 1)
        chosen = self._current.get(item.id)
        chosen_codes = set(chosen) if isinstance(chosen, list) else {chosen}
        for index, answer_button in enumerate(self.pool):
            if index < len(options):
                option = options[index]
                answer_button.setText(pick(option.label, self.language))
                answer_button.setChecked(option.code in chosen_codes)
                answer_button.setProperty("code", option.code)
                answer_button.show()
            else:
                answer_button.setChecked(False)
                answer_button.hide()
        self._place_options(len(options))
        if options:
            self._show_answer_page(self.options_area)

    def _show_answer_page(self, page: QWidget) -> None:
        """Show one page of the answer area; only that page's size counts in the layout.

        A stacked widget asks for the room of its largest page: the keyboard's four rows of large keys were
        reserved under every tap-to-answer question, and the answers were laid over the question's last line."""
        if page is self._answer_page:
            return  # the same page as the last question's: nothing to lay out again
        self._answer_page = page
        for index in range(self.answer_area.count()):
            other = self.answer_area.widget(index)
            assert other is not None
            ignored = QSizePolicy.Policy.Ignored
            other.setSizePolicy(
                QSizePolicy.Policy.Preferred if other is page else ignored,
                QSizePolicy.Policy.Preferred if other is page else ignored,
            )
        self.answer_area.setCurrentWidget(page)
        self.answer_area.updateGeometry()

    def _fit_texts(self) -> None:
        """Give each wrapped text the height its lines need at its width.

        A word-wrapped label in a box layout is otherwise squeezed when the answers below ask for room too: the
        last line of a long question was cut in half while empty space stood under it."""
        # The labels' own widths are stale while hidden (or never laid out): measure by the column's.
        full = self.column.width()
        beside_back = full - sum(
            b.sizeHint().width() + 16 for b in (self.back, self.skip, self.next) if not b.isHidden()
        )
        for text, width in (
            (self.progress, beside_back),
            (self.intro, full),
            (self.stem, full),
            (self.question, full),
            (self.help, full),
            (self.record, full),
        ):
            fit_height(text, width)
        for field in self.fields:
            field.fit_title()
        self._anchor_answers(full)

    def _intro_text(self) -> str:
        return tr(
            "A new part of your visit starts here. There is one question on each screen, "
            "and Back takes you to the one before."
        )

    def _anchor_answers(self, width: int) -> None:
        """End the answer area where the form's longest text block above the same kind of answers would end.

        The answers then stand at one place on every question of a form, right under the longest question
        rather than at the foot of a tall screen; where the screen is short the area only gets what is left.
        The anchor is measured once per form, kind of answers, width, language and font (every question of a
        form asks it again)."""
        maximum = self._anchored_height(width)
        if self.answer_area.maximumHeight() != maximum:
            self.answer_area.setMaximumHeight(maximum)

    def _anchored_height(self, width: int) -> int:
        form, item = self.form, self.item
        answering = form is not None and item is not None and self.answer_area.currentWidget() is self.options_area
        below = QSizePolicy.Policy.Expanding if answering else QSizePolicy.Policy.Fixed
        if self.below.sizePolicy().verticalPolicy() != below:
            self.below.changeSize(0, 0, QSizePolicy.Policy.Minimum, below)
            self.body.invalidate()
        if form is None or item is None or not answering:
            return _NO_LIMIT
        count = len(item.options)
        spacing = self.body.spacing()
        flags = int(Qt.TextFlag.TextWordWrap)

        def height(text: QLabel, words: str) -> int:
            if not words:
                return 0
            return text.fontMetrics().boundingRect(QRect(0, 0, width, 100_000), flags, words).height() + spacing

        def block(other: Item) -> int:
            words = pick(other.text_for(first_visit=self._first_visit), self.language)
            helped = pick(other.help, self.language) if other.help else ""
            record = on_file_line(other.on_file, self._on_file) if other.on_file else ""
            stem = pick(form.instructions, self.language) if form.instructions and _shows_stem(form, other) else ""
            return (
                height(self.stem, stem)
                + height(self.question, words)
                + height(self.help, helped)
                + height(self.record, record)
            )

        intro = height(self.intro, self._intro_text())
        fonts = tuple(text.font().key() for text in (self.stem, self.question, self.help, self.record, self.intro))
        key = (form.id, count, width, spacing, self.language, self._first_visit, tuple(self._on_file.items()), fonts)
        anchor = self._anchors.get(key)
        if anchor is None:
            alike = [other for other in form.items if other.options and len(other.options) == count]
            starts_alike = bool(alike) and alike[0] is form.items[0]
            anchor = max(block(other) for other in alike) + (intro if starts_alike else 0)
            self._anchors[key] = anchor
        current = block(item) + (intro if self.intro.isVisibleTo(self) else 0)
        return self._answers_height(width) + max(anchor - current, 0)

    def _answers_height(self, width: int) -> int:
        """The height the answer buttons need at `width`, row by row of the grid they are in."""
        shown = [answer_button for answer_button in self.pool if not answer_button.isHidden()]
        for answer_button in shown:
            answer_button.ensurePolished()  # a button just made has not its stylesheet font yet
        columns, spacing = self._columns, self.options_layout.spacing()
        column_width = (width - spacing * (columns - 1)) // columns
        rows = [shown[start : start + columns] for start in range(0, len(shown), columns)]
        heights = [max(answer_button.heightForWidth(column_width) for answer_button in row) for row in rows]
        return sum(heights) + spacing * max(len(rows) - 1, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_texts()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            # Larger text was switched on or off: the labels take their new fonts first, then are measured.
            QTimer.singleShot(0, self, self._fit_texts)

    def _place_options(self, count: int) -> None:
        """Lay the answers out in a grid that suits the window: in landscape side by side in two columns (three for
        three answers); in portrait one above the other, where the height is (two columns for five and more)."""
        wide = 1 if count < 2 else 3 if count == 3 else 2
        columns = wide if self._landscape else 2 if count >= 5 else 1
        self._columns = columns
        if self._placed == (count, columns):
            return
        self._placed = (count, columns)
        for answer_button in self.pool:
            self.options_layout.removeWidget(answer_button)
        for index, answer_button in enumerate(self.pool[:count]):
            self.options_layout.addWidget(answer_button, index // columns, index % columns)
        for column in range(3):
            self.options_layout.setColumnStretch(column, 1 if column < columns else 0)

    def _fill_fields(self) -> None:
        assert self.item is not None
        self._drop_fields()
        item = self.item
        typed = (
            [child for child in item.children if child.is_answered_type]
            if item.type is ItemType.GROUP
            else ([item] if item.type in (ItemType.TEXT, ItemType.PHONE, ItemType.NUMBER, ItemType.DATE) else [])
        )
        while len(self.field_pool) < len(typed):
            self._add_field()
        for field, typed_item in zip(self.field_pool, typed, strict=False):
            # A lone typed question is already asked above the field; a group's fields need their own labels.
            field.show_item(
                typed_item, self.language, titled=item.type is ItemType.GROUP, first_visit=self._first_visit
            )
            value = self._current.get(typed_item.id)
            if value is not None:
                field.edit.setText(answer_as_typed(typed_item, value))
            field.show()
            self.fields.append(field)
        if self.fields:
            self._show_answer_page(self.entry)
        elif not item.options:
            self._show_answer_page(self.nothing)
        self.keyboard.set_digits_shown(False)  # each question starts on the letters
        if self.fields:
            self._focus_field(self.fields[0])

    def _add_field(self) -> _Field:
        field = _Field()
        field.line.installEventFilter(self)
        field.box.installEventFilter(self)
        self.fields_layout.addWidget(field, len(self.field_pool), 0)
        self.field_pool.append(field)
        return field

    def _drop_fields(self) -> None:
        """Hide and empty the typed fields; the widgets stay in the pool for the next typed question."""
        for field in self.field_pool:
            field.line.clear()
            field.box.clear()
            field.hide()
        self.fields = []

    def _focus_field(self, field: _Field) -> None:
        field.edit.setFocus()
        self._show_keys_for(field)

    def _show_keys_for(self, field: _Field) -> None:
        """The number pad for digits; the keyboard for text, capitalising words only where a name is typed."""
        item = field.typed_item
        self.keyboard.set_auto_capitalize(item.person_name)
        self.keys.setCurrentWidget(self.number_pad if item.type in DIGIT_TYPES else self.keyboard)

    def set_language(self, language: str) -> None:
        if self.form is not None and language != self.language:
            typed = {field.typed_item.id: field.edit.text() for field in self.fields}
            self.language = language
            self._fill()
            for field in self.fields:
                field.edit.setText(typed.get(field.typed_item.id, ""))

    def set_landscape(self, landscape: bool) -> None:
        self.entry.set_landscape(landscape)
        if landscape != self._landscape:
            self._landscape = landscape
            self._place_options(sum(1 for answer_button in self.pool if not answer_button.isHidden()))

    def retranslate(self) -> None:
        set_label(self.back, tr("Back"))
        set_label(self.skip, tr("Skip"))
        set_label(self.next, tr("Next"))
        self.keyboard.set_action_label(tr("Next"))
        self.keyboard.set_key_labels(space=tr("Space"), backspace=tr("Backspace"), shift=tr("Shift"))
        self.number_pad.set_key_labels(clear=tr("Clear"), backspace=tr("Backspace"))
        if self.form is not None:
            self._set_progress()

    def _set_progress(self) -> None:
        assert self.form is not None
        number, part, parts = self._position
        title = pick(self.form.step_title or self.form.title, self.language)
        step = tr("Step %1 of %2: %3").replace("%1", str(part)).replace("%2", str(parts)).replace("%3", title)
        question = tr("Question %1").replace("%1", str(number))
        set_label(self.progress, f"{step} · {question}")

    def reset(self) -> None:
        self.form = self.item = None
        self._current = {}
        for answer_button in self.pool:
            answer_button.setChecked(False)
            answer_button.setText("")
            answer_button.hide()
        self._drop_fields()
        for widget in (self.progress, self.intro, self.stem, self.question, self.help, self.record):
            set_label(widget, "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            for field in self.fields:
                if field.edit is watched:
                    self._show_keys_for(field)
        return super().eventFilter(watched, event)

    # ----------------------------------------------------------------------------------- answering

    @Slot(object)
    def _on_group_button_clicked(self, clicked: object) -> None:
        if self.form is None or self.item is None or not isinstance(clicked, AnswerButton):
            return
        code = str(clicked.property("code"))
        if self.item.type is ItemType.MULTI_CHOICE:
            return  # several may be chosen; Next sends them
        if self._tap_taken:
            # A second tap while the first is being saved and the beat runs: one answer moves on once, never
            # twice (which skipped the next question unseen).
            for answer_button in self.pool:
                answer_button.setChecked(answer_button.property("code") == self._tap_taken_code)
            return
        self._tap_taken, self._tap_taken_code = True, code
        for answer_button in self.pool:
            answer_button.setChecked(answer_button is clicked)
        self.answered.emit(AnswerBatch(self.form.id, ((self.item.id, code),), tapped=True))

    @Slot()
    def _on_keyboard_action_pressed(self) -> None:
        focused = next((index for index, field in enumerate(self.fields) if field.edit.hasFocus()), None)
        if focused is not None and focused + 1 < len(self.fields):
            self._focus_field(self.fields[focused + 1])
        else:
            self._on_next_clicked()

    @Slot()
    def _on_next_clicked(self) -> None:
        if self.form is None or self.item is None:
            return
        item = self.item
        if item.type is ItemType.DISPLAY:
            self.answered.emit(AnswerBatch(self.form.id, (), tapped=False))
            return
        if item.type is ItemType.MULTI_CHOICE:
            codes = [str(b.property("code")) for b in self.pool if b.isVisible() and b.isChecked()]
            if not codes:
                return
            self.answered.emit(AnswerBatch(self.form.id, ((item.id, codes),), tapped=False))
            return
        answers: list[tuple[str, AnswerData]] = []
        problems = False
        for field in self.fields:
            text = field.edit.text()
            if not text.replace("/", "").strip() and not field.typed_item.required:
                field.show_error("")
                continue
            value, problem = check_typed(field.typed_item, text)
            field.show_error(problem)
            if value is None:
                problems = True
            else:
                answers.append((field.typed_item.id, value))
        if not problems and answers:
            self.answered.emit(AnswerBatch(self.form.id, tuple(answers), tapped=False))
        elif not problems and not item.required:
            self.skipped.emit()
