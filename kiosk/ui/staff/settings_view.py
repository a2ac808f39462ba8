"""The admin's Settings tab: settings.toml as text, checked before it is saved.

A plain editor rather than a form, because the file carries its own comments explaining each setting and
a clinic's visit types are lists of forms; the check names the key and the problem, exactly as at start-up,
and nothing invalid is written. Changes take effect when each kiosk and console next starts.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Slot
from PySide6.QtGui import QFontDatabase, QShowEvent
from PySide6.QtWidgets import QPlainTextEdit, QVBoxLayout, QWidget

from kiosk.services.settings_admin import check_settings_text, read_settings_text, save_settings_text, settings_path
from kiosk.ui.staff.context import StaffContext
from kiosk.ui.staff.controls import StatusLine, button_row, push_button, show_refusal, text_label
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import ButtonRole, TextRole

log = logging.getLogger(__name__)


class SettingsView(QWidget):
    """settings.toml with Check, Save and Revert."""

    def __init__(self, context: StaffContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._loaded = False
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 12)
        column.setSpacing(8)
        column.addWidget(text_label("Settings", TextRole.TITLE))
        column.addWidget(
            text_label(
                f"{settings_path(context.backend)}. Each setting is explained in the file. Changes are checked "
                "before they are saved and take effect when each kiosk and console next starts.",
                TextRole.HINT,
            )
        )
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName("settings.toml")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        column.addWidget(self.editor, 1)
        self.status = StatusLine()
        column.addWidget(self.status)
        self.check_button = push_button("Check")
        self.save_button = push_button("Save settings", ButtonRole.PRIMARY)
        self.revert_button = push_button("Revert")
        column.addLayout(button_row(self.check_button, self.revert_button, trailing=[self.save_button]))
        self.check_button.clicked.connect(self._on_check_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.revert_button.clicked.connect(self._on_revert_button_clicked)

    def showEvent(self, event: QShowEvent) -> None:
        if not self._loaded:
            self._loaded = True
            self._on_revert_button_clicked()
        super().showEvent(event)

    @Slot()
    def _on_revert_button_clicked(self) -> None:
        backend, staff = self._context.backend, self._context.identity
        self._context.runner.submit(lambda: read_settings_text(backend, staff), self._on_text_read, self._on_failed)

    def _on_text_read(self, text: object) -> None:
        self.editor.setPlainText(str(text))
        self.status.clear_message()

    @Slot()
    def _on_check_button_clicked(self) -> None:
        backend, text = self._context.backend, self.editor.toPlainText()
        self._context.runner.submit(
            lambda: check_settings_text(backend, text),
            lambda _: self.status.show_message("The settings are valid.", Tone.GOOD),
            self._on_failed,
        )

    @Slot()
    def _on_save_button_clicked(self) -> None:
        backend, text, staff = self._context.backend, self.editor.toPlainText(), self._context.identity
        self._context.runner.submit(
            lambda: save_settings_text(backend, text, staff),
            lambda _: self.status.show_message(
                "Saved. The kiosks and consoles use the new settings from their next start.", Tone.GOOD
            ),
            self._on_failed,
        )

    def _on_failed(self, error: Exception) -> None:
        show_refusal(self.status, "Not saved", error)
