"""The dosing session screen: a clinician or nurse types each value of the session record and each vital-signs
reading as it happens; each is saved the moment it is entered (Enter, or leaving the field), or refused with
one sentence on the status line and nothing saved.

The screen is built from the visit type's session_record form (forms/session_*.yaml): a field per value, a
choice box per choice, and the reading's fields from the form's vitals group. What the rules decide (which
reading is due, how long monitoring lasted, what needs a reason) comes from the services and kiosk.domain;
the screen only shows it. The clock line ticks every second from the backend's clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.dosing import ReadingMoment, next_step, reading_items, record_items
from kiosk.domain.forms import Form, Item, ItemType, pick
from kiosk.domain.scoring import AnswerData, AnswerSheet
from kiosk.services.dosing import (
    ReadingView,
    ReasonNeededError,
    SessionView,
    mark_rems_submitted,
    open_session,
    record_reading,
    record_value,
    view_session,
)
from kiosk.services.rems_form import missing_for_rems, rems_due_words, save_rems_form
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import (
    StatusLine,
    button_row,
    clock_time,
    line_edit,
    push_button,
    save_pdf_dialog,
    show_refusal,
    text_label,
    us_date,
)
from kiosk.ui.staff.rows_model import Column, RowsModel, table_view
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

TICK_MS = 1000
NO_CHOICE = "—"
READING_NAMES = {
    ReadingMoment.BEFORE_DOSING: "Before dosing",
    ReadingMoment.FORTY_MINUTES: "About 40 minutes after",
    ReadingMoment.BEFORE_DISCHARGE: "Before discharge",
    ReadingMoment.EXTRA: "Extra reading",
}


def label_of(item: Item) -> str:
    return pick(item.text, "en")


def shown_value(item: Item, value: AnswerData | None) -> str:
    """A stored value as the field shows it (a choice by its label)."""
    if value is None:
        return ""
    option = item.option(str(value)) if item.options else None
    if option is not None:
        return pick(option.label, "en")
    return str(value)


def typed_time(moment: dt.datetime) -> str:
    """A moment as staff type it into a time field: 24-hour "HH:MM" in the clinic's zone."""
    return moment.astimezone().strftime("%H:%M")


def clock_words(session: SessionView, now: dt.datetime) -> tuple[str, Tone]:
    """The line under the title: when the dose was given, how long ago, and what is due next."""
    if session.dose_at is None:
        return "Not dosed yet: take the reading before dosing, then record the time of dosing.", Tone.QUIET
    if session.ended_at is not None:
        total = f" ({session.monitoring_minutes} minutes)" if session.monitoring_minutes is not None else ""
        return (
            f"Dosed {clock_time(session.dose_at)} · monitoring ended {clock_time(session.ended_at)}{total}",
            Tone.GOOD,
        )
    minutes = max(0, int((now - session.dose_at).total_seconds() // 60))
    dosed = f"Dosed {clock_time(session.dose_at)} · {minutes} min since dosing"
    taken = {reading.moment for reading in session.readings}
    step = next_step(session.dose_at, taken, now, session.required_minutes)
    tone = Tone.URGENT if step.urgent else Tone.GOOD if step.ready_for_discharge else Tone.QUIET
    return f"{dosed} · {step.text}", tone


def reading_note(reading: ReadingView) -> str:
    if not reading.problems:
        return ""
    return f"{'; '.join(reading.problems)}. Proceeded: {reading.proceed_reason}"


class DosingSessionView(QWidget):
    """One session, opened from the board for a checked-in patient.

    Signals:
        changed: a value, a reading or the REMS filing was saved (the board reloads its Monitoring lines).
    """

    changed = Signal()

    def __init__(self, context: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.session: SessionView | None = None
        self.form: Form | None = None
        self.fields: dict[str, QLineEdit | QComboBox] = {}
        self.hints: dict[str, QLabel] = {}
        self.rows: dict[str, QWidget] = {}
        self.reading_fields: dict[str, QLineEdit] = {}
        self._reading_widgets: list[QWidget] = []
        self._pending: Callable[[str], None] | None = None
        """What a reason lets through after a ReasonNeededError: the same save, with the reason."""
        self.file_dialog: QFileDialog | None = None
        self.saved_path: Path | None = None
        self._build()
        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self._on_tick_timeout)

    # ----------------------------------------------------------------------------------- building

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        page = QWidget()
        scroll.setWidget(page)
        outer.addWidget(scroll)
        self.column = QVBoxLayout(page)
        self.column.setContentsMargins(16, 12, 16, 12)
        self.column.setSpacing(8)
        self.title = text_label("Dosing session", TextRole.TITLE, wrap=False)
        self.column.addWidget(self.title)
        self.clock_line = StatusLine()
        self.column.addWidget(self.clock_line)
        self.empty = text_label(
            "Open a session from the board: choose a checked-in patient whose intake is submitted, then "
            "'Open dosing session'.",
            TextRole.HINT,
        )
        self.column.addWidget(self.empty)
        self.status = StatusLine()

        # Vital signs: one reading at a time, then the table of readings.
        self.vitals_heading = text_label("Vital signs", TextRole.QUESTION, wrap=False)
        self.column.addWidget(self.vitals_heading)
        self.reading_row = QHBoxLayout()
        self.moment_box = QComboBox()
        self.moment_box.setAccessibleName("Reading")
        for moment, name in READING_NAMES.items():
            self.moment_box.addItem(name, moment)
        self.time_taken = line_edit("Time taken", placeholder="HH:MM")
        self.taken_by = line_edit("Taken by", placeholder=self._context.identity.username)
        self.reading_row.addWidget(QLabel("Reading"))
        self.reading_row.addWidget(self.moment_box)
        self.reading_row.addWidget(QLabel("Time taken"))
        self.reading_row.addWidget(self.time_taken)
        self.reading_row.addWidget(QLabel("Taken by"))
        self.reading_row.addWidget(self.taken_by)
        self.reading_holder = QWidget()
        self.reading_holder.setLayout(self.reading_row)
        self.column.addWidget(self.reading_holder)
        self.record_reading_button = push_button("Record reading", ButtonRole.PRIMARY)
        self.column.addLayout(button_row(self.record_reading_button))
        self.readings_model = RowsModel[ReadingView](
            [
                Column("Time", lambda reading: clock_time(reading.taken_at)),
                Column("Reading", lambda reading: READING_NAMES[reading.moment]),
                Column("Values", self._reading_values),
                Column("Taken by", lambda reading: reading.taken_by),
                Column("Out of range", reading_note),
            ],
            tone=lambda reading: Tone.URGENT if reading.problems else None,
        )
        self.readings_view = table_view(self.readings_model, "Readings")
        self.readings_view.setMinimumHeight(150)
        self.column.addWidget(self.readings_view)

        self.record_heading = text_label("Session record", TextRole.QUESTION, wrap=False)
        self.column.addWidget(self.record_heading)
        self.record_form = QFormLayout()
        self.column.addLayout(self.record_form)

        self.reason_field = line_edit("Reason", placeholder="Why it is right to go on")
        self.reason_field.setMinimumWidth(self.reason_field.fontMetrics().horizontalAdvance("M" * 28))  # a sentence
        self.save_with_reason_button = push_button("Save with this reason")
        reason_row = button_row(self.reason_field, self.save_with_reason_button)
        self.column.addLayout(reason_row)
        self.summary = text_label("", TextRole.HINT)
        self.column.addWidget(self.summary)

        self.rems_heading = text_label("REMS Patient Monitoring Form", TextRole.QUESTION, wrap=False)
        self.column.addWidget(self.rems_heading)
        self.rems_status = text_label("", TextRole.BODY)
        self.column.addWidget(self.rems_status)
        self.save_rems_button = push_button("Save REMS form as PDF...")
        self.confirmation_field = line_edit("Confirmation number", placeholder="given by the REMS when filed")
        self.confirmation_field.setMinimumWidth(
            self.confirmation_field.fontMetrics().horizontalAdvance("given by the REMS when filed") + 24
        )
        self.mark_filed_button = push_button("Mark REMS form filed today")
        self.rems_row = QWidget()
        rems_layout = button_row(self.save_rems_button, self.confirmation_field, self.mark_filed_button)
        rems_layout.setContentsMargins(0, 0, 0, 0)
        self.rems_row.setLayout(rems_layout)
        self.column.addWidget(self.rems_row)
        self.column.addWidget(self.status)
        self.column.addStretch(1)

        self.record_reading_button.clicked.connect(self._on_record_reading_button_clicked)
        self.save_with_reason_button.clicked.connect(self._on_save_with_reason_button_clicked)
        self.save_rems_button.clicked.connect(self._on_save_rems_button_clicked)
        self.mark_filed_button.clicked.connect(self._on_mark_filed_button_clicked)
        self._set_session_visible(False)

    def _set_session_visible(self, visible: bool) -> None:
        self.empty.setVisible(not visible)
        for widget in (
            self.vitals_heading,
            self.reading_holder,
            self.record_reading_button,
            self.readings_view,
            self.record_heading,
            self.reason_field,
            self.save_with_reason_button,
            self.summary,
        ):
            widget.setVisible(visible)
        rems = visible and self.session is not None and self.session.rems
        for widget in (self.rems_heading, self.rems_status, self.rems_row):
            widget.setVisible(rems)
        self.save_with_reason_button.setEnabled(self._pending is not None)

    def _build_form(self, form: Form) -> None:
        """A field per value of the record and per part of a reading, named by the form's own wording."""
        while self.record_form.rowCount():
            self.record_form.removeRow(0)
        for widget in self._reading_widgets:
            self.reading_row.removeWidget(widget)
            widget.deleteLater()
        self._reading_widgets = []
        self.fields, self.hints, self.rows, self.reading_fields = {}, {}, {}, {}
        for item in reading_items(form):
            field = line_edit(label_of(item), placeholder="120/80" if item.type is ItemType.BLOOD_PRESSURE else "")
            self.reading_fields[item.id] = field
            caption = QLabel(label_of(item))
            caption.setBuddy(field)
            self._reading_widgets += [caption, field]
            self.reading_row.addWidget(caption)
            self.reading_row.addWidget(field)
            field.returnPressed.connect(self._on_record_reading_button_clicked)
        for item in record_items(form):
            editor: QLineEdit | QComboBox
            if item.options:
                box = QComboBox()
                box.addItem(NO_CHOICE, None)
                for option in item.options:
                    box.addItem(pick(option.label, "en"), option.code)
                box.activated.connect(lambda _index, item=item, box=box: self._on_choice_activated(item, box))
                editor = box
            else:
                placeholder = {ItemType.TIME: "HH:MM", ItemType.QUANTITY: item.unit or ""}.get(item.type, "")
                edit = line_edit(label_of(item), placeholder=placeholder)
                edit.editingFinished.connect(lambda item=item, edit=edit: self._on_field_editing_finished(item, edit))
                editor = edit
            editor.setAccessibleName(label_of(item))
            hint = text_label("", TextRole.HINT, wrap=False)
            holder = QWidget()
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(editor, 1)
            row.addWidget(hint)
            caption = QLabel(label_of(item))
            caption.setBuddy(editor)
            self.record_form.addRow(caption, holder)
            self.fields[item.id] = editor
            self.hints[item.id] = hint
            self.rows[item.id] = holder
        self.form = form

    # ----------------------------------------------------------------------------------- opening

    def open_for_intake(self, intake_id: int) -> None:
        """Open (or find) the session of this intake and show it; a refusal is said on the status line."""
        context = self._context
        self.status.show_message("Opening the session…")

        def job() -> SessionView:
            session_id = open_session(context.backend, context.identity, intake_id)
            return view_session(context.backend, context.identity, session_id)

        context.runner.submit(job, self._on_loaded, self._on_failed)

    def open_session_id(self, session_id: int) -> None:
        context = self._context
        context.runner.submit(
            lambda: view_session(context.backend, context.identity, session_id), self._on_loaded, self._on_failed
        )

    def _on_loaded(self, session: SessionView) -> None:
        self.status.clear_message()
        self._pending = None
        self.show_session(session)
        self.time_taken.setText(typed_time(self._context.backend.now()))
        self.tick.start()

    def show_session(self, session: SessionView, saved: str | None = None) -> None:
        """Show `session`; a field being typed in keeps its text unless it is the one just `saved` (whose stored
        form, e.g. "09:05" for "9.05", replaces what was typed)."""
        form = self._context.backend.forms.get(session.form_id)
        if self.form is None or self.form.id != form.id or self.session is None or self.session.id != session.id:
            self._build_form(form)
        self.session = session
        self.title.setText(
            f"Dosing session: {session.patient_name} · {self._visit_label(session)} · {us_date(session.session_date)}"
        )
        self.title.setAccessibleName(self.title.text())
        sheet = AnswerSheet(form, session.values)
        for item in record_items(form):
            editor = self.fields[item.id]
            value = session.values.get(item.id)
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)) if value is not None else 0)
            elif not editor.hasFocus() or item.id == saved:
                editor.setText(shown_value(item, value))
            editor.blockSignals(False)
            self.record_form.setRowVisible(self.rows[item.id], sheet.applies(item))
            hint = self.hints[item.id]
            suggested = session.suggested.get(item.id)
            if suggested is not None:
                words = shown_value(item, suggested)
                hint.setText(f"The patient's checklist suggests: {words} (choose to confirm)")
            elif item.id in session.reasons:
                hint.setText(f"Reason: {session.reasons[item.id]}")
            elif value is not None:
                hint.setText(f"by {session.entered_by.get(item.id, '')}")
            else:
                hint.setText("")
            hint.setAccessibleName(hint.text())
        self.readings_model.set_rows(session.readings)
        self.summary.setText(self._summary_text(session))
        self.summary.setAccessibleName(self.summary.text())
        self.rems_status.setText(self._rems_text(session))
        self.rems_status.setAccessibleName(self.rems_status.text())
        self._set_session_visible(True)
        self._on_tick_timeout()

    def _visit_label(self, session: SessionView) -> str:
        try:
            return self._context.backend.settings.visit_type(session.visit_type).label.get("en", session.visit_type)
        except KeyError:
            return session.visit_type

    def _summary_text(self, session: SessionView) -> str:
        parts = []
        if session.monitoring_minutes is not None:
            least = f" (at least {session.required_minutes})" if session.required_minutes else ""
            parts.append(f"Monitoring: {session.monitoring_minutes} minutes{least}")
        if session.dose_mg_per_kg is not None:
            parts.append(f"Dose: {session.dose_mg_per_kg:g} mg/kg")
        if session.still_to_record and self.form is not None:
            names = [label_of(self.form.item(item_id)) for item_id in session.still_to_record]
            parts.append("Still to record: " + ", ".join(names))
        else:
            parts.append("Everything the record asks for is recorded")
        return " · ".join(parts)

    def _rems_text(self, session: SessionView) -> str:
        if not session.rems:
            return ""
        words = rems_due_words(session, self._context.backend.local_now().date())
        missing = missing_for_rems(self._context.backend, session)
        needs = f" The form still needs: {', '.join(missing)}." if missing else " The form can be made."
        return f"REMS form {words}.{needs if session.rems_submitted_on is None else ''}"

    def _reading_values(self, reading: ReadingView) -> str:
        if self.form is None:
            return ""
        return " · ".join(
            f"{label_of(item).split(' (')[0]} {reading.values[item.id]}"
            for item in reading_items(self.form)
            if item.id in reading.values
        )

    # ----------------------------------------------------------------------------------- saving

    def _save(
        self,
        job: Callable[[], SessionView],
        what: str,
        retry: Callable[[str], None],
        after: Callable[[], None] | None = None,
        saved: str | None = None,
    ) -> None:
        def done(session: SessionView) -> None:
            self._pending = None
            self.reason_field.clear()
            self.show_session(session, saved)
            if after is not None:
                after()
            self.status.show_message(f"Saved: {what}.", Tone.GOOD)
            self.changed.emit()

        def failed(error: Exception) -> None:
            if isinstance(error, ReasonNeededError):
                self._pending = retry
                self.save_with_reason_button.setEnabled(True)
                self.status.show_message(f"{error} Type it under Reason and choose 'Save with this reason'.", Tone.HOLD)
            else:
                self._on_failed(error)

        self._context.runner.submit(job, done, failed)

    def _save_value(self, item: Item, raw: object, reason: str = "") -> None:
        session = self.session
        if session is None:
            return
        context = self._context
        self._save(
            lambda: record_value(context.backend, context.identity, session.id, item.id, raw, reason),
            label_of(item),
            lambda given: self._save_value(item, raw, given),
            saved=item.id,
        )

    def _on_choice_activated(self, item: Item, box: QComboBox) -> None:
        code = box.currentData()
        if code is None or self.session is None or self.session.values.get(item.id) == code:
            return
        self._save_value(item, code)

    def _on_field_editing_finished(self, item: Item, edit: QLineEdit) -> None:
        if self.session is None:
            return
        text = edit.text().strip()
        if text == shown_value(item, self.session.values.get(item.id)) or (
            not text and item.id not in self.session.values
        ):
            return
        self._save_value(item, text)

    @Slot()
    def _on_record_reading_button_clicked(self) -> None:
        self._record_reading("")

    def _record_reading(self, reason: str) -> None:
        session = self.session
        if session is None:
            return
        moment = self.moment_box.currentData()
        taken = self.time_taken.text()
        taker = self.taken_by.text()
        values = {item_id: field.text() for item_id, field in self.reading_fields.items() if field.text().strip()}
        context = self._context

        def job() -> SessionView:
            return record_reading(context.backend, context.identity, session.id, moment, taken, values, reason, taker)

        self._save(job, f"the reading {READING_NAMES[moment].lower()}", self._record_reading, self._clear_reading)

    def _clear_reading(self) -> None:
        """Ready for the next reading: its fields empty, the time now, the next reading due chosen."""
        for field in self.reading_fields.values():
            field.clear()
        self.time_taken.setText(typed_time(self._context.backend.now()))
        session = self.session
        if session is not None:
            taken = {reading.moment for reading in session.readings}
            following = next((moment for moment in READING_NAMES if moment not in taken), ReadingMoment.EXTRA)
            self.moment_box.setCurrentIndex(self.moment_box.findData(following))

    @Slot()
    def _on_save_with_reason_button_clicked(self) -> None:
        reason = self.reason_field.text().strip()
        if self._pending is None:
            return
        if not reason:
            self.status.show_error("Type the reason first.")
            return
        self._pending(reason)

    # ----------------------------------------------------------------------------------- REMS

    @Slot()
    def _on_save_rems_button_clicked(self) -> None:
        session = self.session
        if session is None:
            return
        name = f"rems-session-{session.id}.pdf"
        self.file_dialog = save_pdf_dialog(self, "Save REMS form as PDF", name, self._on_file_dialog_file_selected)

    @Slot(str)
    def _on_file_dialog_file_selected(self, chosen: str) -> None:
        session = self.session
        if session is None or not chosen:
            return
        path = Path(chosen)
        context = self._context

        def save() -> Path:
            return save_rems_form(context.backend, context.identity, session.id, path)

        def done(saved: Path) -> None:
            self.saved_path = saved
            self.status.show_message(f"Saved the signed REMS form to {saved}.", Tone.GOOD)

        self.status.show_message("Making and signing the REMS form…")
        context.slow_runner.submit(save, done, self._on_failed)

    @Slot()
    def _on_mark_filed_button_clicked(self) -> None:
        session = self.session
        if session is None:
            return
        context = self._context
        number = self.confirmation_field.text()
        today = context.backend.local_now().date()
        self._save(
            lambda: mark_rems_submitted(context.backend, context.identity, session.id, today, number),
            "the REMS form filed",
            lambda _reason: None,
        )

    # ----------------------------------------------------------------------------------- clock and errors

    @Slot()
    def _on_tick_timeout(self) -> None:
        if self.session is None:
            return
        words, tone = clock_words(self.session, self._context.backend.now())
        self.clock_line.show_message(words, tone)

    def _on_failed(self, error: Exception) -> None:
        show_refusal(self.status, "Not saved", error)
