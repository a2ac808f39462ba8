"""Review: every answer with "Change" beside it, the consents signed, then Submit."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QScrollArea, QScroller, QVBoxLayout, QWidget

from kiosk.domain.answer_words import answer_label
from kiosk.domain.forms import Form, Item, ItemType, pick
from kiosk.domain.library import FormLibrary
from kiosk.domain.scoring import AnswerData
from kiosk.ui.i18n import tr
from kiosk.ui.patient.base import Screen, button, button_row, label, offer, set_label
from kiosk.ui.patient.flow import PatientFlow, StepKind
from kiosk.ui.theme import ButtonRole, TextRole


def answer_text(item: Item, value: AnswerData | None, language: str) -> str:
    """How an answer reads to the patient (kiosk.domain.answer_words), or "Not answered"."""
    label = answer_label(item, value, language)
    return tr("Not answered") if label is None else label


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
        self.back = button()
        self.back.clicked.connect(self.back_requested)
        self.submit = button(role=ButtonRole.PRIMARY)
        self.submit.setMinimumWidth(240)
        self.submit.clicked.connect(self.submit_requested)
        self.body.addLayout(button_row(self.back, self.submit))
        self._shown: tuple[FormLibrary, PatientFlow, str] | None = None
        self.retranslate()

    def show_review(self, forms: FormLibrary, flow: PatientFlow, language: str) -> None:
        self._shown = (forms, flow, language)
        self._clear_list()
        self.list_layout.addWidget(self.missing)
        consents = [t.form_id for t in flow.tasks if t.kind.value == "consent"]
        unsigned = [form_id for form_id in consents if form_id not in flow.signed]
        if unsigned:
            # At the top, where it is seen first: a consent the patient had a question about waits here, unsigned.
            # The service takes no check-in until each due consent is signed, so neither does Submit. Only what
            # may be signed now has a button: nothing before the consent to electronic signatures.
            self.list_layout.addWidget(label(TextRole.QUESTION, tr("Forms still to sign")))
            ready = set(flow.consents_ready_to_sign())
            grid = QGridLayout()
            grid.setHorizontalSpacing(16)
            grid.setColumnStretch(0, 1)
            for row, form_id in enumerate(unsigned):
                title = pick(forms.get(form_id).title, language)
                grid.addWidget(label(TextRole.BODY, title), row, 0)
                if form_id in ready:
                    sign = button(tr("Read and sign"))
                    sign.setAccessibleDescription(title)
                    sign.clicked.connect(lambda _=False, key=f"{form_id}/consent": self.change_requested.emit(key))
                    grid.addWidget(sign, row, 1)
            self.list_layout.addLayout(grid)
        for task in flow.tasks:
            form = forms.get(task.form_id)
            if task.kind.value == "consent":
                continue
            self._add_form(form, flow, language)
        signed = [form_id for form_id in consents if form_id in flow.signed]
        if signed:
            heading = label(TextRole.QUESTION, tr("Consents you signed today"))
            self.list_layout.addWidget(heading)
            for form_id in signed:
                self.list_layout.addWidget(label(TextRole.BODY, "✓ " + pick(forms.get(form_id).title, language)))
        self.list_layout.addStretch(1)
        missing = flow.missing()
        # A Submit that cannot be used yet says why, on the button.
        why_not = (
            tr("Sign the forms above first") if unsigned else tr("Answer the questions above first") if missing else ""
        )
        offer(self.submit, tr("Submit"), why_not)
        # Name each question still open (in the patient's language); its Change button in the list above
        # goes straight to the screen that asks it.
        names = [pick(flow.item_text(item), language) for _step, item in flow.missing_questions()]
        lines = [tr("Some questions still need an answer.") + "".join(f"\n• {name}" for name in names)] if names else []
        if unsigned:
            titles = [pick(forms.get(form_id).title, language) for form_id in unsigned]
            lines.append(tr("Some forms are not signed yet:") + "".join(f"\n• {title}" for title in titles))
        set_label(self.missing, "\n".join(lines) if missing else "")
        self.missing.setVisible(bool(missing))

    def _add_form(self, form: Form, flow: PatientFlow, language: str) -> None:
        self.list_layout.addWidget(label(TextRole.QUESTION, pick(form.title, language)))
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        row = 0
        for step in flow.steps():
            if step.form_id != form.id or step.kind is not StepKind.QUESTION or step.item_id is None:
                continue
            item = form.item(step.item_id)
            if item.type is ItemType.DISPLAY:
                continue
            entries = item.children if item.type is ItemType.GROUP else (item,)
            for entry in entries:
                if not entry.is_answered_type:
                    continue
                question = label(TextRole.BODY, pick(flow.item_text(entry), language))
                answer = label(TextRole.BODY, answer_text(entry, flow.answer(form.id, entry.id), language))
                answer.setObjectName("reviewAnswer")
                change = button(tr("Change"))
                change.setAccessibleDescription(pick(flow.item_text(entry), language))
                change.clicked.connect(lambda _=False, key=step.key: self.change_requested.emit(key))
                grid.addWidget(question, row, 0)
                grid.addWidget(answer, row, 1)
                grid.addWidget(change, row, 2)
                row += 1
        self.list_layout.addLayout(grid)

    def _clear_list(self) -> None:
        while self.list_layout.count():
            entry = self.list_layout.takeAt(0)
            if entry is None:
                break
            if entry.widget() is self.missing:
                continue  # kept: it is put back at the top of the next list
            _delete_layout_item(entry)

    def retranslate(self) -> None:
        set_label(self.title, tr("Please check your answers"))
        set_label(self.hint, tr("Tap Change to correct an answer. When everything looks right, tap Submit."))
        set_label(self.back, tr("Back"))
        set_label(self.submit, tr("Submit"))
        if self._shown is not None:
            self.show_review(*self._shown)

    def set_language(self, language: str) -> None:
        if self._shown is not None:
            forms, flow, _ = self._shown
            self.show_review(forms, flow, language)

    def reset(self) -> None:
        self._shown = None
        self._clear_list()
        set_label(self.missing, "")
        self.missing.hide()


def _delete_layout_item(entry: object) -> None:
    from PySide6.QtWidgets import QLayout, QLayoutItem

    if not isinstance(entry, QLayoutItem):
        return
    widget = entry.widget()
    if widget is not None:
        widget.hide()
        widget.deleteLater()
        return
    layout = entry.layout()
    if isinstance(layout, QLayout):
        while layout.count():
            child = layout.takeAt(0)
            if child is None:
                break
            _delete_layout_item(child)
        layout.deleteLater()
