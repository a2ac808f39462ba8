"""The admin edits settings.toml in the console: checked before saving, invalid text never written."""

from __future__ import annotations

from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from kiosk.services.backend import Backend
from kiosk.settings import load_settings
from tests.ui.staff.driver import TIMEOUT_MS, Staff


def replace_in_editor(qtbot: QtBot, staff: Staff, old: str, new: str) -> None:
    """Select `old` in the editor and type `new` over it, as an admin would."""
    view = staff.console.settings
    assert view is not None
    editor = view.editor
    start = editor.toPlainText().index(old)
    cursor = editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(old), QTextCursor.MoveMode.KeepAnchor)
    editor.setTextCursor(cursor)
    editor.setFocus()
    qtbot.keyClicks(editor, new)


def test_the_admin_changes_a_setting(qtbot: QtBot, admin_console: Staff, backend: Backend) -> None:
    staff = admin_console
    staff.open_tab("Settings")
    view = staff.console.settings
    assert view is not None
    qtbot.waitUntil(lambda: "[clinic]" in view.editor.toPlainText(), timeout=TIMEOUT_MS)
    replace_in_editor(qtbot, staff, "(555) 010-0199", "(555) 010-0123")
    staff.click("Save settings")
    staff.wait_for_text("Saved. The kiosks and consoles use the new settings from their next start.")
    assert load_settings(backend.data_dir).clinic_phone == "(555) 010-0123"


def test_an_invalid_setting_is_refused_with_the_key_and_nothing_is_written(
    qtbot: QtBot, admin_console: Staff, backend: Backend
) -> None:
    staff = admin_console
    before = (backend.data_dir / "settings.toml").read_text()
    staff.open_tab("Settings")
    view = staff.console.settings
    assert view is not None
    qtbot.waitUntil(lambda: "[clinic]" in view.editor.toPlainText(), timeout=TIMEOUT_MS)
    replace_in_editor(qtbot, staff, 'languages = ["en", "es"]', 'languages = ["en", "fr"]')
    staff.click("Check")
    staff.wait_for_text("[kiosk.languages] 'fr' is not a supported language")
    staff.click("Save settings")
    staff.wait_for_text("Not saved:")
    assert (backend.data_dir / "settings.toml").read_text() == before
    staff.click("Revert")
    qtbot.waitUntil(lambda: view.editor.toPlainText() == before, timeout=TIMEOUT_MS)
