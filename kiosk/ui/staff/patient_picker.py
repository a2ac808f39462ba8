"""Finding a patient by any part of the name, a chart number or a date of birth, as staff type.

Each keystroke asks the console's PatientDirectory (an in-memory index, searched on the runner's worker
thread); an answer to an older query is dropped when a newer one is on its way, so the list always
matches what is in the field.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QListView, QVBoxLayout, QWidget

from kiosk.services.patient_search import PatientHit
from kiosk.ui.staff.context import PatientDirectory
from kiosk.ui.staff.controls import StatusLine, line_edit, text_label, us_date
from kiosk.ui.staff.rows_model import ROW_ROLE, Column, RowsModel
from kiosk.ui.theme import TextRole

log = logging.getLogger(__name__)


def hit_text(hit: PatientHit) -> str:
    chart = f" · {hit.chart_number}" if hit.chart_number else ""
    return f"{hit.last_name}, {hit.first_name} · {us_date(hit.dob)}{chart}"


class PatientPicker(QWidget):
    """A search field over a list of matching patients.

    Signals:
        chosen(object): the PatientHit picked (click, Enter on the list, or Enter in the field for the first).
        results_shown(int): the list now shows the matches for the field's text (how many).
    """

    chosen = Signal(object)
    results_shown = Signal(int)

    def __init__(self, directory: PatientDirectory, parent: QWidget | None = None, *, list_height: int = 0) -> None:
        super().__init__(parent)
        self._directory = directory
        self._asked = ""
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        caption = text_label("Find a patient", TextRole.BODY, wrap=False)
        column.addWidget(caption)
        self.field = line_edit("Find a patient", placeholder="name, chart number or date of birth (MM/DD/YYYY)")
        caption.setBuddy(self.field)
        column.addWidget(self.field)
        self.model = RowsModel[PatientHit]([Column("Patient", hit_text)])
        self.results = QListView()
        self.results.setModel(self.model)
        self.model.setParent(self.results)  # Qt owns every QObject here, so Python's collector never deletes one
        self.results.setAccessibleName("Matching patients")
        self.results.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        if list_height:
            self.results.setFixedHeight(list_height)
        column.addWidget(self.results, 1)
        self.status = StatusLine()
        column.addWidget(self.status)
        self.field.textChanged.connect(self._on_field_text_changed)
        self.field.returnPressed.connect(self._on_field_return_pressed)
        self.field.installEventFilter(self)
        self.results.clicked.connect(self._on_results_activated)
        self.results.activated.connect(self._on_results_activated)
        self.setFocusProxy(self.field)

    @property
    def hits(self) -> tuple[PatientHit, ...]:
        return self.model.rows

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down arrow in the field moves to the list, so the keyboard alone can pick a patient."""
        if (
            watched is self.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount() > 0
        ):
            self.results.setFocus()
            self.results.setCurrentIndex(self.model.index(0, 0))
            return True
        return super().eventFilter(watched, event)

    @Slot(str)
    def _on_field_text_changed(self, text: str) -> None:
        query = text.strip()
        self._asked = query
        if not query:
            self.model.set_rows(())
            self.status.clear_message()
            return
        self._directory.search(
            query, lambda hits: self._on_hits(query, hits), lambda error: self._on_search_failed(query, error)
        )

    def _on_hits(self, query: str, hits: tuple[PatientHit, ...]) -> None:
        if query != self._asked:
            return
        self.model.set_rows(hits)
        if hits:
            self.status.clear_message()
        else:
            self.status.show_message("No patient matches. Check the spelling, or search by date of birth.")
        self.results_shown.emit(len(hits))

    def _on_search_failed(self, query: str, error: Exception) -> None:
        if query != self._asked:
            return
        log.error("patient search failed", exc_info=error)
        self.status.show_error(f"Searching failed: {error}. Try again; the log file has the details.")

    @Slot()
    def _on_field_return_pressed(self) -> None:
        if self.model.rowCount() > 0:
            self._on_results_activated(self.model.index(0, 0))

    @Slot(QModelIndex)
    def _on_results_activated(self, index: QModelIndex) -> None:
        hit = index.data(ROW_ROLE)
        if isinstance(hit, PatientHit):
            self.chosen.emit(hit)
