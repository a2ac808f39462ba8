"""Small builders every console view shares, so each control's accessible name is its visible label.

A screen reader, and the tests, find a button or a field by the words a person sees next to it; these
helpers set both at once so the two can never drift apart.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionSpinBox,
    QWidget,
)

from kiosk.domain.refusals import RefusedError
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import ButtonRole, TextRole, set_button_role, set_text_role

log = logging.getLogger(__name__)


def set_label(widget: QLabel | QAbstractButton, text: str) -> None:
    """Show `text` and make it the accessible name too."""
    widget.setText(text)
    widget.setAccessibleName(text.replace("&&", "&"))


def text_label(text: str = "", role: TextRole = TextRole.BODY, *, wrap: bool = True) -> QLabel:
    widget = QLabel()
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    set_text_role(widget, role)
    set_label(widget, text)
    return widget


def push_button(text: str, role: ButtonRole = ButtonRole.SECONDARY) -> QPushButton:
    widget = QPushButton()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    widget.setAutoDefault(False)
    set_button_role(widget, role)
    set_label(widget, text)
    return widget


def line_edit(name: str, *, password: bool = False, placeholder: str = "") -> QLineEdit:
    """A field whose accessible name is the label shown beside it."""
    field = QLineEdit()
    field.setAccessibleName(name)
    field.setObjectName(name)
    if placeholder:
        field.setPlaceholderText(placeholder)
    if password:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


LONGEST_DATE_SAMPLE = "Wednesday 12/28/2026"
"""The widest text a date box can show ("dddd MM/dd/yyyy"): no weekday name is longer than Wednesday."""


def fit_date_edit(edit: QDateEdit) -> None:
    """Make a date box wide enough for its longest date in the console's font, plus its arrow button, so
    it never shows "12/02/202". Computed from the font metrics, so it holds at any font size."""
    sample = LONGEST_DATE_SAMPLE if "dddd" in edit.displayFormat() else LONGEST_DATE_SAMPLE.split(" ")[1]
    metrics = edit.fontMetrics()
    option = QStyleOptionSpinBox()
    edit.initStyleOption(option)
    content = QSize(metrics.horizontalAdvance(sample) + metrics.averageCharWidth() * 2, metrics.height())
    size = edit.style().sizeFromContents(QStyle.ContentsType.CT_SpinBox, option, content, edit)
    # The calendar drop-down button sits where the arrows would be; the stylesheet pads the box too.
    edit.setMinimumWidth(size.width() + 36)


def add_row(form: QFormLayout, name: str, field: QWidget) -> None:
    """A labelled row whose label is the field's buddy (Alt+letter focus) and names it for screen readers."""
    caption = QLabel(name)
    caption.setBuddy(field)
    field.setAccessibleName(name)
    form.addRow(caption, field)


class StatusLine(QLabel):
    """One sentence telling staff what happened or what to do, coloured by how much it matters."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clear_message()

    def show_message(self, text: str, tone: Tone = Tone.QUIET) -> None:
        self.setProperty("tone", tone.name.lower())
        set_label(self, text)
        style = self.style()
        style.unpolish(self)
        style.polish(self)
        self.setVisible(bool(text))

    def show_error(self, text: str) -> None:
        self.show_message(text, Tone.URGENT)

    def clear_message(self) -> None:
        set_label(self, "")
        self.setVisible(False)

    @property
    def tone(self) -> str:
        return str(self.property("tone") or "")


def button_row(*widgets: QWidget, trailing: Sequence[QWidget] = ()) -> QHBoxLayout:
    """Buttons at the left, then a stretch, then `trailing` at the right."""
    row = QHBoxLayout()
    row.setSpacing(8)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    for widget in trailing:
        row.addWidget(widget)
    return row


def grid_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    stretch: int = 0,
    tones: Sequence[Tone | None] = (),
) -> QWidget:
    """A read-only table of wrapped, selectable labels that grows to its content (no inner scrolling).

    The review page stacks several of these in one scroll area; a QTableView there would need a scroll
    bar of its own and fixed row heights that cut off long questions.
    """
    holder = QWidget()
    grid = QGridLayout(holder)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setHorizontalSpacing(0)
    grid.setVerticalSpacing(0)
    for column, header in enumerate(headers):
        cell = text_label(header, wrap=False)
        cell.setProperty("cell", "header")
        grid.addWidget(cell, 0, column)
    for row_number, row in enumerate(rows, start=1):
        tone = tones[row_number - 1] if row_number - 1 < len(tones) else None
        for column, value in enumerate(row):
            cell = text_label(value, wrap=column == stretch)
            cell.setProperty("cell", tone.name.lower() if tone is not None else "body")
            cell.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            grid.addWidget(cell, row_number, column)
    grid.setColumnStretch(stretch, 1)
    return holder


# ------------------------------------------------------------------------------------------ wording


def clock_time(moment: dt.datetime) -> str:
    """'8:05 AM' in the clinic's local time, as a US front desk reads it."""
    return moment.astimezone().strftime("%I:%M %p").lstrip("0")


def us_date(day: dt.date) -> str:
    return f"{day:%m/%d/%Y}"


def date_and_time(moment: dt.datetime) -> str:
    local = moment.astimezone()
    return f"{us_date(local.date())} {clock_time(local)}"


def signed_change(change: int | None) -> str:
    """'+3', '-7', '0', or an en dash when there is nothing to compare with."""
    if change is None:
        return "–"
    return f"{change:+d}" if change else "0"


def show_refusal(status: StatusLine, doing: str, error: Exception, then: str = "") -> None:
    """Tell staff why something did not happen, one way everywhere: a refusal a service explained (any
    kiosk.domain.refusals.RefusedError) in its own words; anything else as a failure to retry, logged with its
    traceback. `doing` names what was tried ("Not saved"), `then` what to do next ("Choose the day again")."""
    if isinstance(error, RefusedError):
        log.info("%s: refused: %s", doing, error)
        status.show_error(" ".join(part for part in (f"{doing}: {error}", then) if part))
    else:
        log.error("%s: failed", doing, exc_info=error)
        status.show_error(f"{doing}: {error}. {then or 'Try again; the log file has the details.'}")


def save_pdf_dialog(parent: QWidget, title: str, file_name: str, chosen: Callable[[str], None]) -> QFileDialog:
    """A window-modal "save as PDF" dialog, opened, starting in the home folder with `file_name`; `chosen`
    gets the path picked. The caller keeps the dialog (the tests answer it)."""
    dialog = QFileDialog(parent, title, str(Path.home() / file_name), "PDF files (*.pdf)")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setDefaultSuffix("pdf")
    dialog.fileSelected.connect(chosen)
    dialog.open()
    return dialog
