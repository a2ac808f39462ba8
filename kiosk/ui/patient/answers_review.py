"""Review: every answer with "Change" beside it, the consents signed, then Submit.

Its rows are kept and relabelled from visit to visit, never rebuilt: making, styling and laying out some seventy
labels and thirty buttons took a tenth of a second between the last answer and Review. The rows a visit needs are
made ahead, a few at a time while the patient answers (`prepare`), so Review itself only fills them in.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QScrollArea, QScroller, QVBoxLayout, QWidget

from kiosk.domain.answer_words import answer_label
from kiosk.domain.forms import Form, Item, ItemType, pick
from kiosk.domain.library import FormLibrary
from kiosk.domain.scoring import AnswerData
from kiosk.ui.i18n import tr
from kiosk.ui.patient.base import Screen, button, button_row, label, offer, set_label
from kiosk.ui.patient.flow import PatientFlow, Step, StepKind
from kiosk.ui.theme import ButtonRole, TextRole


def answer_text(item: Item, value: AnswerData | None, language: str) -> str:
    """How an answer reads to the patient (kiosk.domain.answer_words), or "Not answered"."""
    label = answer_label(item, value, language)
    return tr("Not answered") if label is None else label


class _AnswerRow:
    """One answer in a form's section: the question, the answer and its Change button."""

    def __init__(self, grid: QGridLayout, row: int, on_change: Callable[[str], None]) -> None:
        self.key = ""
        self.question = label(TextRole.BODY)
        self.answer = label(TextRole.BODY)
        self.answer.setObjectName("reviewAnswer")
        self.change = button()
        self.change.clicked.connect(lambda: on_change(self.key))
        grid.addWidget(self.question, row, 0)
        grid.addWidget(self.answer, row, 1)
        grid.addWidget(self.change, row, 2)
        self.widgets: tuple[QLabel, QLabel, QPushButton] = (self.question, self.answer, self.change)


class _FormSection(QWidget):
    """A questionnaire's or checklist's title and its answers, row by row; rows beyond the form's are hidden."""

    def __init__(self, on_change: Callable[[str], None]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        self.title = label(TextRole.QUESTION)
        layout.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(8)
        self.grid.setColumnStretch(0, 3)
        self.grid.setColumnStretch(1, 2)
        layout.addLayout(self.grid)
        self.rows: list[_AnswerRow] = []
        self._on_change = on_change

    def add_row(self) -> _AnswerRow:
        row = _AnswerRow(self.grid, len(self.rows), self._on_change)
        for widget in row.widgets:
            widget.hide()
            widget.ensurePolished()
        self.rows.append(row)
        return row


class _UnsignedRow:
    """A consent still to sign: its title, and "Read and sign" when it may be signed now."""

    def __init__(self, grid: QGridLayout, row: int, on_sign: Callable[[str], None]) -> None:
        self.key = ""
        self.title = label(TextRole.BODY)
        self.sign = button()
        self.sign.clicked.connect(lambda: on_sign(self.key))
        grid.addWidget(self.title, row, 0)
        grid.addWidget(self.sign, row, 1)


class ReviewScreen(Screen):
    """Lists the answers so the patient can check them before sending.

    Signals:
        change_requested(str): the key of the step to go back to ("phq9/q3").
        submit_requested: the patient tapped Submit.
        back_requested: the patient tapped Back.
    """

    change_requested = Signal(str)
    submit_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = label(TextRole.TITLE)
        self.hint = label(TextRole.BODY)
        self.body.addWidget(self.title)
        self.body.addWidget(self.hint)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        QScroller.grabGesture(self.area.viewport(), QScroller.ScrollerGestureType.TouchGesture)
        self.list = QWidget()
        self.list_layout = QVBoxLayout(self.list)
        self.list_layout.setSpacing(12)
        self.area.setWidget(self.list)
        self.body.addWidget(self.area, 1)
        # What is still missing is said at the top of the list and scrolls with it: below the list, a long
        # list of missing answers in large text squeezed the answers themselves to one unreadable line.
        self.missing = label(TextRole.ERROR)
        self.list_layout.addWidget(self.missing)
        # Then the consents still to sign, each questionnaire's answers, the consents signed: each part kept from
        # visit to visit and filled in (see the module's docstring).
        self.unsigned_part = QWidget()
        unsigned_layout = QVBoxLayout(self.unsigned_part)
        unsigned_layout.setContentsMargins(0, 0, 0, 0)
        unsigned_layout.setSpacing(12)
        self.unsigned_heading = label(TextRole.QUESTION)
        unsigned_layout.addWidget(self.unsigned_heading)
        self.unsigned_grid = QGridLayout()
        self.unsigned_grid.setHorizontalSpacing(16)
        self.unsigned_grid.setColumnStretch(0, 1)
        unsigned_layout.addLayout(self.unsigned_grid)
        self.unsigned_rows: list[_UnsignedRow] = []
        self.list_layout.addWidget(self.unsigned_part)
        self.sections: list[_FormSection] = []
        self.signed_part = QWidget()
        self.signed_layout = QVBoxLayout(self.signed_part)
        self.signed_layout.setContentsMargins(0, 0, 0, 0)
        self.signed_layout.setSpacing(12)
        self.signed_heading = label(TextRole.QUESTION)
        self.signed_layout.addWidget(self.signed_heading)
        self.signed_titles: list[QLabel] = []
        self.list_layout.addWidget(self.signed_part)
        self.list_layout.addStretch(1)
        self.back = button()
        self.back.clicked.connect(self.back_requested)
        self.submit = button(role=ButtonRole.PRIMARY)
        self.submit.setMinimumWidth(240)
        self.submit.clicked.connect(self.submit_requested)
        self.body.addLayout(button_row(self.back, self.submit))
        self._shown: tuple[FormLibrary, PatientFlow, str] | None = None
        self.reset()
        self.retranslate()

    # ----------------------------------------------------------------------------------- the rows

    def prepare(self, forms: FormLibrary, flow: PatientFlow, *, budget: int = 4) -> bool:
        """Make up to `budget` more of the rows this visit's Review needs; True once it has them all.

        Called a little at a time while the patient answers, so that Review only relabels rows."""
        steps = flow.steps()
        consents = [task.form_id for task in flow.tasks if task.kind.value == "consent"]
        sizes = [
            len(self._answer_entries(forms.get(task.form_id), flow, steps))
            for task in flow.tasks
            if task.kind.value != "consent"
        ]
        made = 0
        while len(self.sections) < len(sizes) and made < budget:
            self._add_section()
            made += 1
        for section, size in zip(self.sections, sizes, strict=False):
            while len(section.rows) < size and made < budget:
                section.add_row()
                made += 1
        while len(self.unsigned_rows) < len(consents) and made < budget:
            self._add_unsigned_row()
            made += 1
        while len(self.signed_titles) < len(consents) and made < budget:
            self._add_signed_title()
            made += 1
        return made < budget

    def _add_section(self) -> _FormSection:
        section = _FormSection(self.change_requested.emit)
        section.hide()
        self.list_layout.insertWidget(self.list_layout.indexOf(self.signed_part), section)
        section.ensurePolished()
        section.title.ensurePolished()
        self.sections.append(section)
        return section

    def _add_unsigned_row(self) -> _UnsignedRow:
        row = _UnsignedRow(self.unsigned_grid, len(self.unsigned_rows), self.change_requested.emit)
        for widget in (row.title, row.sign):
            widget.hide()
            widget.ensurePolished()
        self.unsigned_rows.append(row)
        return row

    def _add_signed_title(self) -> QLabel:
        title = label(TextRole.BODY)
        title.hide()
        self.signed_layout.addWidget(title)
        title.ensurePolished()
        self.signed_titles.append(title)
        return title

    @staticmethod
    def _answer_entries(form: Form, flow: PatientFlow, steps: list[Step]) -> list[tuple[Step, Item]]:
        """The form's answers in the order they were asked: (the step that asks it, the item answered)."""
        entries: list[tuple[Step, Item]] = []
        for step in steps:
            if step.form_id != form.id or step.kind is not StepKind.QUESTION or step.item_id is None:
                continue
            item = form.item(step.item_id)
            if item.type is ItemType.DISPLAY:
                continue
            children = item.children if item.type is ItemType.GROUP else (item,)
            entries.extend((step, entry) for entry in children if entry.is_answered_type)
        return entries

    # ----------------------------------------------------------------------------------- content

    def show_review(self, forms: FormLibrary, flow: PatientFlow, language: str) -> None:
        self._shown = (forms, flow, language)
        steps = flow.steps()
        consents = [t.form_id for t in flow.tasks if t.kind.value == "consent"]
        unsigned = [form_id for form_id in consents if form_id not in flow.signed]
        # At the top, where it is seen first: a consent the patient had a question about waits here, unsigned.
        # The service takes no check-in until each due consent is signed, so neither does Submit. Only what
        # may be signed now has a button: nothing before the consent to electronic signatures.
        ready = set(flow.consents_ready_to_sign()) if unsigned else set()
        while len(self.unsigned_rows) < len(unsigned):
            self._add_unsigned_row()
        for index, row in enumerate(self.unsigned_rows):
            if index < len(unsigned):
                form_id = unsigned[index]
                title = pick(forms.get(form_id).title, language)
                row.key = f"{form_id}/consent"
                set_label(row.title, title)
                row.title.show()
                if form_id in ready:
                    set_label(row.sign, tr("Read and sign"))
                    row.sign.setAccessibleDescription(title)
                row.sign.setVisible(form_id in ready)
            else:
                _blank(row.title, row.sign)
        self.unsigned_part.setVisible(bool(unsigned))
        questionnaires = [forms.get(task.form_id) for task in flow.tasks if task.kind.value != "consent"]
        while len(self.sections) < len(questionnaires):
            self._add_section()
        for index, section in enumerate(self.sections):
            if index < len(questionnaires):
                self._fill_section(section, questionnaires[index], flow, steps, language)
                section.show()
            else:
                for answer_row in section.rows:
                    _blank(*answer_row.widgets)
                section.hide()
        signed = [form_id for form_id in consents if form_id in flow.signed]
        while len(self.signed_titles) < len(signed):
            self._add_signed_title()
        for index, title_label in enumerate(self.signed_titles):
            if index < len(signed):
                set_label(title_label, "✓ " + pick(forms.get(signed[index]).title, language))
                title_label.show()
            else:
                _blank(title_label)
        self.signed_part.setVisible(bool(signed))
        missing = flow.missing()
        # A Submit that cannot be used yet says why, on the button.
        why_not = (
            tr("Sign the forms above first") if unsigned else tr("Answer the questions above first") if missing else ""
        )
        offer(self.submit, tr("Submit"), why_not)
        # Name each question still open (in the patient's language); its Change button in the list above
        # goes straight to the screen that asks it.
        names = [pick(flow.item_text(item), language) for _step, item in flow.missing_questions()] if missing else []
        lines = [tr("Some questions still need an answer.") + "".join(f"\n• {name}" for name in names)] if names else []
        if unsigned:
            titles = [pick(forms.get(form_id).title, language) for form_id in unsigned]
            lines.append(tr("Some forms are not signed yet:") + "".join(f"\n• {title}" for title in titles))
        set_label(self.missing, "\n".join(lines) if missing else "")
        self.missing.setVisible(bool(missing))

    def _fill_section(
        self, section: _FormSection, form: Form, flow: PatientFlow, steps: list[Step], language: str
    ) -> None:
        set_label(section.title, pick(form.title, language))
        entries = self._answer_entries(form, flow, steps)
        while len(section.rows) < len(entries):
            section.add_row()
        for index, row in enumerate(section.rows):
            if index >= len(entries):
                _blank(*row.widgets)
                continue
            step, entry = entries[index]
            question = pick(flow.item_text(entry), language)
            row.key = step.key
            set_label(row.question, question)
            set_label(row.answer, answer_text(entry, flow.answer(form.id, entry.id), language))
            set_label(row.change, tr("Change"))
            row.change.setAccessibleDescription(question)
            for widget in row.widgets:
                widget.show()

    def retranslate(self) -> None:
        set_label(self.title, tr("Please check your answers"))
        set_label(self.hint, tr("Tap Change to correct an answer. When everything looks right, tap Submit."))
        set_label(self.unsigned_heading, tr("Forms still to sign"))
        set_label(self.signed_heading, tr("Consents you signed today"))
        set_label(self.back, tr("Back"))
        set_label(self.submit, tr("Submit"))
        if self._shown is not None:
            self.show_review(*self._shown)

    def set_language(self, language: str) -> None:
        if self._shown is not None:
            forms, flow, _ = self._shown
            self.show_review(forms, flow, language)

    def reset(self) -> None:
        """Nothing of the last patient stays, not even in a hidden row; the rows themselves are kept."""
        self._shown = None
        for row in self.unsigned_rows:
            _blank(row.title, row.sign)
        for section in self.sections:
            _blank(section.title)
            for answer_row in section.rows:
                _blank(*answer_row.widgets)
            section.hide()
        _blank(*self.signed_titles)
        self.unsigned_part.hide()
        self.signed_part.hide()
        set_label(self.missing, "")
        self.missing.hide()


def _blank(*widgets: QLabel | QPushButton) -> None:
    """Hide a kept row's widgets and forget what they said."""
    for widget in widgets:
        widget.hide()
        if widget.text():
            set_label(widget, "")
