"""Tests for kiosk/ui/widgets/pin_pad.py: masked entry, OK, error and lock-out."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.pin_pad import PinPadDialog, format_wait


@pytest.fixture
def dialog(qtbot: QtBot) -> PinPadDialog:
    widget = PinPadDialog()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def button(dialog: PinPadDialog, name: str) -> QPushButton:
    (found,) = [b for b in dialog.findChildren(QPushButton) if b.accessibleName() == name]
    return found


def tap(qtbot: QtBot, dialog: PinPadDialog, *names: str) -> None:
    for name in names:
        qtbot.mouseClick(button(dialog, name), Qt.MouseButton.LeftButton)


def test_typed_pin_is_masked_and_sent_on_ok(qtbot: QtBot, dialog: PinPadDialog) -> None:
    tap(qtbot, dialog, "2", "4", "6", "8")
    field = dialog.findChild(QLineEdit)
    assert field is not None
    assert field.echoMode() == QLineEdit.EchoMode.Password
    assert field.displayText() != "2468"

    with qtbot.waitSignal(dialog.pin_entered) as entered:
        tap(qtbot, dialog, "OK")
    assert entered.args == ["2468"]
    assert dialog.isVisible()


def test_ok_waits_for_the_minimum_length(qtbot: QtBot, dialog: PinPadDialog) -> None:
    tap(qtbot, dialog, "1", "2", "3")
    assert not button(dialog, "OK").isEnabled()
    tap(qtbot, dialog, "4")
    assert button(dialog, "OK").isEnabled()


def test_error_clears_the_field(qtbot: QtBot, dialog: PinPadDialog) -> None:
    tap(qtbot, dialog, "1", "1", "1", "1")
    dialog.show_error("That PIN is not right.")

    assert dialog.pin() == ""
    assert dialog.error_text() == "That PIN is not right."
    tap(qtbot, dialog, "5")
    assert dialog.pin() == "5"


def test_cancel_rejects(qtbot: QtBot, dialog: PinPadDialog) -> None:
    with qtbot.waitSignal(dialog.rejected):
        tap(qtbot, dialog, "Cancel")


def test_lock_out_disables_entry_and_counts_down(qtbot: QtBot, dialog: PinPadDialog) -> None:
    dialog.lock_for(299)

    assert dialog.is_locked()
    assert dialog.error_text() == "Locked — try again in 4:59"
    assert not button(dialog, "OK").isEnabled()
    assert not button(dialog, "7").isEnabled()

    with qtbot.waitSignal(dialog.unlocked):
        dialog.unlock()
    assert button(dialog, "7").isEnabled()
    assert dialog.error_text() == ""


def test_lock_out_ends_by_itself(qtbot: QtBot, dialog: PinPadDialog) -> None:
    dialog.lock_for(1)
    with qtbot.waitSignal(dialog.unlocked, timeout=3000):
        pass
    assert not dialog.is_locked()


def test_translated_texts(qtbot: QtBot, dialog: PinPadDialog) -> None:
    dialog.set_texts(title="PIN del personal", ok="Aceptar", cancel="Cancelar", locked_template="Bloqueado: {time}")
    dialog.lock_for(65)
    assert dialog.error_text() == "Bloqueado: 1:05"
    assert button(dialog, "Aceptar").text() == "Aceptar"
    with pytest.raises(ValueError, match="placeholder"):
        dialog.set_texts(title="x", ok="x", cancel="x", locked_template="Bloqueado")


def test_every_button_is_named_as_shown(dialog: PinPadDialog) -> None:
    for found in dialog.findChildren(QPushButton):
        assert found.accessibleName() == found.text()


def test_format_wait() -> None:
    assert format_wait(299) == "4:59"
    assert format_wait(60) == "1:00"
    assert format_wait(5) == "0:05"
