"""Identify: first name, last name and date of birth, typed on the kiosk's own keyboard and number pad.

The checks (a date that does not exist, a future date, an age over 120, an empty name) are plain Python
in `check_identity`. Every box at fault gets a red border, and the first problem, in the patient's language,
is said between Back and Next: beside a 1024 px tablet's keyboard the fields' column has no room for a message
under each box in larger text (the date boxes were pushed out of view).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QRegularExpressionValidator, QResizeEvent
from PySide6.QtWidgets import QGridLayout, QLineEdit, QStackedWidget, QVBoxLayout, QWidget

from kiosk.domain.typed_text import MAX_NAME_LENGTH, DateOfBirthProblem, date_of_birth_problem
from kiosk.ui.i18n import tr
from kiosk.ui.patient.base import (
    TOUCH_HEIGHT,
    WIDE_CONTENT_WIDTH,
    Panes,
    Screen,
    button,
    button_row,
    fit_height,
    label,
    set_label,
)
from kiosk.ui.theme import ButtonRole, TextRole
from kiosk.ui.widgets.keyboard import OnScreenKeyboard
from kiosk.ui.widgets.number_pad import NumberPad


@dataclass(frozen=True, slots=True)
class Identity:
    first_name: str
    last_name: str
    dob: dt.date


@dataclass(frozen=True, slots=True)
class IdentityProblems:
    first_name: str = ""
    last_name: str = ""
    dob: str = ""
    dob_box: str = ""
    """Which date box the date-of-birth problem is about ("month", "day", "year"), or "" for the whole date."""

    @property
    def any(self) -> bool:
        return bool(self.first_name or self.last_name or self.dob)

    @property
    def first(self) -> str:
        """The first problem in the order the boxes are filled in (the one a patient mends first)."""
        return self.first_name or self.last_name or self.dob


def check_identity(
    first: str, last: str, month: str, day: str, year: str, today: dt.date
) -> Identity | IdentityProblems:
    """The typed identity, or what is wrong with each field (texts already translated)."""
    first, last = " ".join(first.split()), " ".join(last.split())
    first_problem = "" if first else tr("Please type your first name.")
    last_problem = "" if last else tr("Please type your last name.")
    dob_problem = ""
    dob_box = ""
    dob: dt.date | None = None
    if not (month and day and year):
        dob_problem = tr("Please type your date of birth: month, day and year.")
        dob_box = "month" if not month else "day" if not day else "year"
    elif len(year) != 4:
        dob_problem = tr("Please type the year with four digits, for example 1980.")
        dob_box = "year"
    else:
        try:
            dob = dt.date(int(year), int(month), int(day))
        except ValueError:
            dob_problem = tr("That date does not exist. Please check the month and day.")
            dob_box = "month" if not 1 <= int(month) <= 12 else "day"
        else:
            problem = date_of_birth_problem(dob, today)
            if problem is DateOfBirthProblem.IN_THE_FUTURE:
                dob_problem = tr("That date is in the future. Please check the year.")
            elif problem is DateOfBirthProblem.TOO_LONG_AGO:
                dob_problem = tr("Please check the year of your date of birth.")
            dob_box = "year" if problem is not None else ""
    if first_problem or last_problem or dob_problem or dob is None:
        return IdentityProblems(first_problem, last_problem, dob_problem, dob_box)
    return Identity(first, last, dob)


class IdentifyScreen(Screen):
    """Asks who the patient is; the letter keyboard shows for names and the number pad for the date.

    Signals:
        identified(object): an Identity that passed the checks.
        back_requested: the patient tapped Back.
    """

    identified = Signal(object)
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, max_width=WIDE_CONTENT_WIDTH)
        self.title = label(TextRole.TITLE)
        self.body.addWidget(self.title)
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)  # between the date boxes, which share their row with a keyboard at 1024 px
        grid.setVerticalSpacing(6)
        self.first_label = label(TextRole.BODY)
        self.first = self._field(MAX_NAME_LENGTH)
        self.last_label = label(TextRole.BODY)
        self.last = self._field(MAX_NAME_LENGTH)
        self.dob_label = label(TextRole.BODY)
        # Each box keeps its own name above it while it is typed in, in the order the patient is asked: Month,
        # Day, Year (mes, día, año), and the date's own label spells the order out in one short line (day-first
        # habits cause swaps); the boxes have no placeholder (too narrow for one in larger text, it showed "M…").
        self.month_label, self.day_label, self.year_label = (label(TextRole.BODY) for _ in range(3))
        self.month = self._field(2, digits=True)
        self.day = self._field(2, digits=True)
        self.year = self._field(4, digits=True)
        self.problem = label(TextRole.ERROR)
        self.problem.setAlignment(Qt.AlignmentFlag.AlignCenter)
        grid.addWidget(self.first_label, 0, 0, 1, 3)
        grid.addWidget(self.first, 1, 0, 1, 3)
        grid.addWidget(self.last_label, 2, 0, 1, 3)
        grid.addWidget(self.last, 3, 0, 1, 3)
        grid.addWidget(self.dob_label, 4, 0, 1, 3)
        grid.addWidget(self.month_label, 5, 0)
        grid.addWidget(self.day_label, 5, 1)
        grid.addWidget(self.year_label, 5, 2)
        grid.addWidget(self.month, 6, 0)
        grid.addWidget(self.day, 6, 1)
        grid.addWidget(self.year, 6, 2)
        fields = QWidget()
        fields_layout = QVBoxLayout(fields)
        fields_layout.setContentsMargins(0, 0, 0, 0)
        fields_layout.addLayout(grid)
        fields_layout.addStretch(1)
        self.keys = QStackedWidget()
        self.keyboard = OnScreenKeyboard()
        self.keyboard.action_pressed.connect(self._on_keyboard_action_pressed)
        self.number_pad = NumberPad()
        self.keys.addWidget(self.keyboard)
        self.keys.addWidget(self.number_pad)
        self.panes = Panes(fields, self.keys)
        self.body.addWidget(self.panes, 1)
        self.back = button()
        self.back.clicked.connect(self.back_requested)
        self.next = button(role=ButtonRole.PRIMARY)
        self.next.clicked.connect(self._on_next_clicked)
        row = button_row(self.back, self.problem, self.next, stretch_first=False)
        row.setStretch(1, 1)
        self.body.addLayout(row)
        self.today = dt.date.today
        self.month.textChanged.connect(self._on_month_text_changed)
        self.day.textChanged.connect(self._on_day_text_changed)
        self.retranslate()

    def _field(self, limit: int, *, digits: bool = False) -> QLineEdit:
        field = QLineEdit()
        field.setMaxLength(limit)
        field.setMinimumHeight(TOUCH_HEIGHT)
        if digits:
            # Digits only, and always added at the end: an input mask with centred text put the cursor where
            # the finger landed, so "14" typed after a tap in the middle of the box became "1".
            field.setValidator(QRegularExpressionValidator(QRegularExpression(rf"[0-9]{{0,{limit}}}"), field))
            field.setAlignment(Qt.AlignmentFlag.AlignCenter)
            # Two or four digits fit in far less than a line edit asks for by default; on a 1024 px tablet the
            # keyboard beside the fields needs that room. Widened to the digits in the theme's font (_fit).
            field.setMinimumWidth(72 if limit == 2 else 96)
        else:
            field.setMinimumWidth(200)
        field.installEventFilter(self)
        return field

    def set_landscape(self, landscape: bool) -> None:
        self.panes.set_landscape(landscape)

    def _show_problem(self, text: str) -> None:
        """Said between Back and Next (where the patient's eyes are after tapping Next), wrapped when long."""
        set_label(self.problem, text)
        self._fit()

    def _fit(self) -> None:
        """The message gets the height of its lines, each date box the width of its digits in the current font
        (the year's last digit was cut in larger text)."""
        room = self.content_width() - sum(b.sizeHint().width() + 16 for b in (self.back, self.next))
        fit_height(self.problem, room)
        for box in (self.month, self.day, self.year):
            digits = box.fontMetrics().horizontalAdvance("0" * box.maxLength())
            box.setMinimumWidth(max(72, digits + 2 * (12 + 3 + 2)))  # the padding, focus border and text margin

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange):
            QTimer.singleShot(0, self, self._fit)  # larger text: measured once the boxes have their new font

    def retranslate(self) -> None:
        set_label(self.title, tr("Please tell us who you are"))
        set_label(self.first_label, tr("First name"))
        set_label(self.last_label, tr("Last name"))
        set_label(self.dob_label, tr("Date of birth: month, day, year"))
        set_label(self.month_label, tr("Month"))
        set_label(self.day_label, tr("Day"))
        set_label(self.year_label, tr("Year"))
        for field, name in (
            (self.first, tr("First name")),
            (self.last, tr("Last name")),
            (self.month, tr("Month")),
            (self.day, tr("Day")),
            (self.year, tr("Year")),
        ):
            field.setAccessibleName(name)
        for field in (self.first, self.last):
            field.setPlaceholderText(field.accessibleName())
        set_label(self.back, tr("Back"))
        set_label(self.next, tr("Next"))
        self.keyboard.set_action_label(tr("Next"))
        self.keyboard.set_key_labels(space=tr("Space"), backspace=tr("Backspace"), shift=tr("Shift"))
        self.number_pad.set_key_labels(clear=tr("Clear"), backspace=tr("Backspace"))

    def reset(self) -> None:
        for field in (self.first, self.last, self.month, self.day, self.year):
            field.clear()
        self._show_problem("")
        for box in (self.first, self.last, self.month, self.day, self.year):
            _mark_invalid(box, False)
        self.first.setFocus()
        self.keys.setCurrentWidget(self.keyboard)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        digit_box = watched in (self.month, self.day, self.year)
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QLineEdit):
            self.keys.setCurrentWidget(self.number_pad if digit_box else self.keyboard)
            if digit_box:
                watched.end(False)
        if (
            digit_box
            and isinstance(watched, QLineEdit)
            and event.type()
            in (
                QEvent.Type.MouseButtonPress,
                QEvent.Type.MouseButtonRelease,
                QEvent.Type.MouseButtonDblClick,
            )
        ):
            # A tap anywhere in a date box means "type here": focus it with the cursor after the last digit,
            # never between digits and never selecting them.
            if event.type() == QEvent.Type.MouseButtonPress:
                watched.setFocus(Qt.FocusReason.MouseFocusReason)
            watched.end(False)
            return True
        return super().eventFilter(watched, event)

    @Slot(str)
    def _on_month_text_changed(self, text: str) -> None:
        if len(text) == 2 and self.month.hasFocus():
            self.day.setFocus()

    @Slot(str)
    def _on_day_text_changed(self, text: str) -> None:
        if len(text) == 2 and self.day.hasFocus():
            self.year.setFocus()

    @Slot()
    def _on_keyboard_action_pressed(self) -> None:
        if self.first.hasFocus():
            self.last.setFocus()
        elif self.last.hasFocus():
            self.month.setFocus()
        else:
            self._on_next_clicked()

    @Slot()
    def _on_next_clicked(self) -> None:
        result = check_identity(
            self.first.text(), self.last.text(), self.month.text(), self.day.text(), self.year.text(), self.today()
        )
        boxes = {"month": self.month, "day": self.day, "year": self.year}
        if isinstance(result, IdentityProblems):
            self._show_problem(result.first)
            for name, box in boxes.items():
                _mark_invalid(box, name == result.dob_box)
            _mark_invalid(self.first, bool(result.first_name))
            _mark_invalid(self.last, bool(result.last_name))
            return
        self._show_problem("")
        for box in (self.first, self.last, *boxes.values()):
            _mark_invalid(box, False)
        self.identified.emit(result)


def _mark_invalid(field: QLineEdit, invalid: bool) -> None:
    """A red border on the box a problem is about (the style sheet's QLineEdit[invalid="true"])."""
    if field.property("invalid") != invalid:
        field.setProperty("invalid", invalid)
        field.style().unpolish(field)
        field.style().polish(field)
