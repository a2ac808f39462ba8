"""Small dialogs the console views share: a yes/no question whose buttons say what they do."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget

from kiosk.ui.staff.controls import button_row, push_button, text_label
from kiosk.ui.theme import ButtonRole, TextRole


class ConfirmDialog(QDialog):
    """Asks before something that cannot be undone from here; `accepted` means go ahead.

    The buttons name the two outcomes ("Cancel appointment" / "Keep it") instead of OK/Cancel, so
    nobody has to work out which "Cancel" cancels what.
    """

    def __init__(self, title: str, question: str, confirm: str, keep: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        column = QVBoxLayout(self)
        column.addWidget(text_label(question, TextRole.BODY))
        self.keep_button = push_button(keep)
        self.confirm_button = push_button(confirm, ButtonRole.PRIMARY)
        self.keep_button.setDefault(True)
        column.addLayout(button_row(trailing=[self.keep_button, self.confirm_button]))
        self.keep_button.clicked.connect(self.reject)
        self.confirm_button.clicked.connect(self.accept)
