"""The admin's audit view: who did what to which record and when, filtered, and whether the chain is intact.

The log can hold years of entries, so the table asks the service for one page at a time as the admin
scrolls (the model's fetchMore). Checking the hash chain reads every entry, which can take a while on a
big log, so it runs on the slow runner and the rest of the console stays quick meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFormLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.services.audit_log import AuditPage, AuditRecord, AuditStatus, audit_entries, audit_status
from kiosk.services.patient_search import PatientHit
from kiosk.services.staff_accounts import PIN_PAD_ACTOR, UNKNOWN_ACTOR, StaffUserView, list_staff_users
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import (
    StatusLine,
    button_row,
    date_and_time,
    fit_date_edit,
    push_button,
    set_label,
    text_label,
)
from kiosk.ui.staff.patient_picker import PatientPicker, hit_text
from kiosk.ui.staff.rows_model import Column, RowsModel, fit_columns, table_view
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)

PAGE_SIZE = 200
FILTER_WIDTH = 330
EVERYONE = "Everyone"
NO_PATIENT_FILTER = "Showing entries about any patient."


def patient_cell(record: AuditRecord) -> str:
    """The patient's name with their number ("Sam Taylor (12)"); the number alone if the record is gone."""
    if record.patient_id is None:
        return ""
    if record.patient_name:
        return f"{record.patient_name} ({record.patient_id})"
    return f"patient {record.patient_id}"


SYSTEM_ACTORS = ("kiosk", PIN_PAD_ACTOR, UNKNOWN_ACTOR)

Index = QModelIndex | QPersistentModelIndex


class AuditModel(RowsModel[AuditRecord]):
    """Audit entries, newest first, fetched from the service a page at a time.

    Signals:
        page_loaded(int): a page arrived; the number of entries matching the filter in all.
    """

    page_loaded = Signal(int)

    def __init__(self, context: StaffContext) -> None:
        super().__init__(
            [
                Column("Entry", lambda record: str(record.entry_id)),
                Column("When", lambda record: date_and_time(record.at)),
                Column("Person", lambda record: record.actor),
                Column("Action", lambda record: record.action_label or record.action),
                Column("Patient", patient_cell),
                Column("Intake", lambda record: "" if record.intake_id is None else str(record.intake_id)),
                Column("Detail", lambda record: record.detail),
            ],
            tone=self._tone_of,
        )
        self._context = context
        self._filters: dict[str, object] = {}
        self._total = 0
        self._loading = False
        self._generation = 0
        self.bad_entry_id: int | None = None

    @property
    def total(self) -> int:
        return self._total

    def _tone_of(self, record: AuditRecord) -> Tone | None:
        return Tone.URGENT if record.entry_id == self.bad_entry_id else None

    def load(
        self,
        *,
        actor: str | None = None,
        patient_id: int | None = None,
        day_from: dt.date | None = None,
        day_to: dt.date | None = None,
    ) -> None:
        """Start again from the newest entry matching these filters."""
        self._filters = {"actor": actor, "patient_id": patient_id, "day_from": day_from, "day_to": day_to}
        self._generation += 1
        self._total = 0
        self._loading = False
        self.set_rows(())
        self._request(0)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._loading and self.shown_count() < self._total

    def fetchMore(self, parent: Index) -> None:
        if self.canFetchMore(parent):
            self._request(self.shown_count())

    def _request(self, offset: int) -> None:
        self._loading = True
        generation = self._generation
        backend, staff = self._context.backend, self._context.identity
        filters = dict(self._filters)

        def page() -> AuditPage:
            return audit_entries(
                backend,
                staff,
                actor=filters["actor"],  # type: ignore[arg-type]
                patient_id=filters["patient_id"],  # type: ignore[arg-type]
                day_from=filters["day_from"],  # type: ignore[arg-type]
                day_to=filters["day_to"],  # type: ignore[arg-type]
                limit=PAGE_SIZE,
                offset=offset,
            )

        self._context.runner.submit(page, lambda result: self._on_page(generation, result), self._on_failed)

    def _on_page(self, generation: int, result: AuditPage) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._total = result.total
        self.extend_rows(result.entries)
        self.page_loaded.emit(result.total)

    def _on_failed(self, error: Exception) -> None:
        self._loading = False
        log.error("audit entries could not be read", exc_info=error)


def _day(edit: QDateEdit) -> dt.date:
    value = edit.date()
    return dt.date(value.year(), value.month(), value.day())


class AuditView(QWidget):
    """Filters on the left; the chain's state and the entries on the right."""

    def __init__(self, context: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.patient: PatientHit | None = None
        self.chain: AuditStatus | None = None
        self._loaded_once = False
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 12, 16, 12)
        row.setSpacing(16)

        filters = QWidget()
        filters.setFixedWidth(FILTER_WIDTH)
        side = QVBoxLayout(filters)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(text_label("Filter", TextRole.QUESTION))
        form = QFormLayout()
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.addItem(EVERYONE)
        self.person.setAccessibleName("Person")
        form.addRow("Person", self.person)
        today = context.backend.local_now().date()
        self.from_check = QCheckBox("From")
        self.from_check.setAccessibleName("From")
        self.from_date = QDateEdit(QDate(today.year, today.month, 1))
        self.from_date.setCalendarPopup(True)
        self.from_date.setDisplayFormat("MM/dd/yyyy")
        self.from_date.setAccessibleName("From date")
        self.to_check = QCheckBox("To")
        self.to_check.setAccessibleName("To")
        self.to_date = QDateEdit(QDate(today.year, today.month, today.day))
        self.to_date.setCalendarPopup(True)
        self.to_date.setDisplayFormat("MM/dd/yyyy")
        self.to_date.setAccessibleName("To date")
        fit_date_edit(self.from_date)
        fit_date_edit(self.to_date)
        form.addRow(self.from_check, self.from_date)
        form.addRow(self.to_check, self.to_date)
        side.addLayout(form)
        self.picker = PatientPicker(context.patients, list_height=150)
        self.picker.chosen.connect(self._on_picker_chosen)
        side.addWidget(self.picker)
        self.patient_label = text_label(NO_PATIENT_FILTER, TextRole.HINT)
        side.addWidget(self.patient_label)
        self.any_patient_button = push_button("Any patient")
        self.apply_button = push_button("Apply filter", ButtonRole.PRIMARY)
        side.addLayout(button_row(self.any_patient_button, trailing=[self.apply_button]))
        side.addStretch(1)
        row.addWidget(filters)

        right = QVBoxLayout()
        right.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(text_label("Audit log", TextRole.TITLE, wrap=False))
        top.addStretch(1)
        self.check_button = push_button("Check the chain")
        top.addWidget(self.check_button)
        right.addLayout(top)
        self.chain_status = StatusLine()
        right.addWidget(self.chain_status)
        self.count_label = text_label("", TextRole.HINT)
        right.addWidget(self.count_label)
        self.model = AuditModel(context)
        self.model.page_loaded.connect(self._on_model_page_loaded)
        self.table = table_view(self.model, "Audit entries", follow_contents=False)
        right.addWidget(self.table, 1)
        row.addLayout(right, 1)

        self.apply_button.clicked.connect(self.apply_filter)
        self.any_patient_button.clicked.connect(self._on_any_patient_button_clicked)
        self.check_button.clicked.connect(self.check_chain)
        self.from_check.toggled.connect(self.from_date.setEnabled)
        self.to_check.toggled.connect(self.to_date.setEnabled)
        self.from_date.setEnabled(False)
        self.to_date.setEnabled(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded_once:
            self._loaded_once = True
            self._load_people()
            self.apply_filter()
            self.check_chain()

    def _load_people(self) -> None:
        backend, staff = self._context.backend, self._context.identity
        self._context.runner.submit(lambda: list_staff_users(backend, staff), self._on_people_loaded)

    def _on_people_loaded(self, users: tuple[StaffUserView, ...]) -> None:
        names = [user.username for user in users]
        for name in [*names, *SYSTEM_ACTORS]:
            if self.person.findText(name) < 0:
                self.person.addItem(name)

    # ----------------------------------------------------------------------------------- filtering

    @Slot(object)
    def _on_picker_chosen(self, hit: PatientHit) -> None:
        self.patient = hit
        set_label(self.patient_label, f"Showing entries about {hit_text(hit)} (patient {hit.patient_id}).")

    @Slot()
    def _on_any_patient_button_clicked(self) -> None:
        self.patient = None
        set_label(self.patient_label, NO_PATIENT_FILTER)

    @Slot()
    def apply_filter(self) -> None:
        person = self.person.currentText().strip()
        self.model.load(
            actor=None if person in ("", EVERYONE) else person,
            patient_id=self.patient.patient_id if self.patient is not None else None,
            day_from=_day(self.from_date) if self.from_check.isChecked() else None,
            day_to=_day(self.to_date) if self.to_check.isChecked() else None,
        )

    @Slot(int)
    def _on_model_page_loaded(self, total: int) -> None:
        shown = self.model.shown_count()
        if shown <= PAGE_SIZE:
            fit_columns(self.table)
        more = " (scroll down for older entries)" if shown < total else ""
        set_label(self.count_label, f"{total} matching entr{'ies' if total != 1 else 'y'}, newest first{more}.")

    # ----------------------------------------------------------------------------------- the chain

    @Slot()
    def check_chain(self) -> None:
        backend = self._context.backend
        self.check_button.setEnabled(False)
        self.chain_status.show_message("Checking every entry of the audit log…")
        self._context.slow_runner.submit(lambda: audit_status(backend), self._on_chain_checked, self._on_check_failed)

    def _on_chain_checked(self, status: AuditStatus) -> None:
        self.chain = status
        self.check_button.setEnabled(True)
        self.chain_status.show_message(status.message, Tone.GOOD if status.intact else Tone.URGENT)
        self.model.bad_entry_id = status.first_bad.entry_id if status.first_bad is not None else None
        if self.model.rowCount():
            self.model.dataChanged.emit(
                self.model.index(0, 0), self.model.index(self.model.rowCount() - 1, self.model.columnCount() - 1)
            )

    def _on_check_failed(self, error: Exception) -> None:
        self.check_button.setEnabled(True)
        log.error("the audit chain could not be checked", exc_info=error)
        self.chain_status.show_error(f"The audit log could not be checked: {error}. Try again.")
