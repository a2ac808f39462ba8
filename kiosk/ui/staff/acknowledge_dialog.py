"""Asking what was done before an urgent flag is acknowledged, or why a hold is cleared.

An urgent flag: one outcome from the settings' list (radio buttons, nothing chosen at first, so nobody
acknowledges by pressing Enter) and an optional note. A hold: the reason typed (it differs every time:
"ride confirmed by phone") and an optional note. The dialog only collects the words; the service decides
whether they may be recorded (domain.acknowledgements.checked_answer) and says why not.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.acknowledgements import NOTE_MAX_LENGTH, UNDO_WINDOW
from kiosk.ui.staff.controls import StatusLine, button_row, line_edit, push_button, text_label
from kiosk.ui.theme import ButtonRole, TextRole


class AcknowledgeDialog(QDialog):
    """What was done about one flag; `outcome()` and `note()` once accepted."""

    def __init__(
        self,
        *,
        urgent: bool,
        patient_name: str,
        flag_message: str,
        outcomes: tuple[str, ...],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.urgent = urgent
        self.setWindowTitle("Acknowledge urgent flag" if urgent else "Clear hold before dosing")
        self.setMinimumWidth(560)
        column = QVBoxLayout(self)
        column.setSpacing(10)
        column.addWidget(text_label(f"{patient_name}: {flag_message}", TextRole.QUESTION))
        self.group = QButtonGroup(self)
        self.outcome_buttons: list[QRadioButton] = []
        self.reason = line_edit("Reason", placeholder="e.g. ride confirmed by phone with the driver")
        if urgent:
            column.addWidget(text_label("What was done?", TextRole.BODY))
            for outcome in outcomes:
                button = QRadioButton(outcome)
                button.setAccessibleName(outcome)
                self.group.addButton(button)
                self.outcome_buttons.append(button)
                column.addWidget(button)
            self.reason.hide()
        else:
            column.addWidget(text_label("Why may the patient go ahead?", TextRole.BODY))
            column.addWidget(self.reason)
        column.addWidget(text_label(f"Note (optional, up to {NOTE_MAX_LENGTH} characters)", TextRole.HINT))
        self.note_field = QPlainTextEdit()
        self.note_field.setAccessibleName("Note")
        self.note_field.setTabChangesFocus(True)
        self.note_field.setFixedHeight(84)
        column.addWidget(self.note_field)
        minutes = int(UNDO_WINDOW.total_seconds() // 60)
        column.addWidget(
            text_label(
                f"Your name and the time are recorded and a signed addendum is added to the packet. You can undo "
                f"this for {minutes} minutes.",
                TextRole.HINT,
            )
        )
        self.status = StatusLine()
        column.addWidget(self.status)
        self.cancel_button = push_button("Cancel")
        self.save_button = push_button("Acknowledge" if urgent else "Clear hold", ButtonRole.PRIMARY)
        self.save_button.setEnabled(False)
        column.addLayout(button_row(trailing=[self.cancel_button, self.save_button]))
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.group.buttonToggled.connect(self._on_choice_changed)
        self.reason.textChanged.connect(self._on_choice_changed)
        if not urgent:
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def outcome(self) -> str:
        if self.urgent:
            checked = self.group.checkedButton()
            return checked.text() if checked is not None else ""
        return self.reason.text().strip()

    def note(self) -> str:
        return self.note_field.toPlainText().strip()

    def _on_choice_changed(self, *_: object) -> None:
        """Save is offered once an outcome is chosen (or a reason typed)."""
        self.save_button.setEnabled(bool(self.outcome()))
        self.status.clear_message()

    @Slot()
    def _on_save_button_clicked(self) -> None:
        if not self.outcome():
            self.status.show_error("Choose what was done." if self.urgent else "Type the reason first.")
            return
        if len(self.note()) > NOTE_MAX_LENGTH:
            self.status.show_error(f"The note is longer than {NOTE_MAX_LENGTH} characters; shorten it.")
            return
        self.accept()
