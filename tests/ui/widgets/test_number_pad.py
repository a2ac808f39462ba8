"""Tests for kiosk/ui/widgets/number_pad.py: digits typed into masked and plain fields."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.keypad_base import KEY_HEIGHT
from kiosk.ui.widgets.number_pad import NumberPad


class DateForm(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.field = QLineEdit()
        self.pad = NumberPad()
        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.pad)


@pytest.fixture
def form(qtbot: QtBot) -> DateForm:
    widget = DateForm()
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.field.setFocus()
    return widget


def tap(qtbot: QtBot, pad: NumberPad, *labels: str) -> None:
    for label in labels:
        (button,) = [b for b in pad.findChildren(QPushButton) if b.accessibleName() == label]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_digits_fill_a_date_of_birth_mask(qtbot: QtBot, form: DateForm) -> None:
    form.field.setInputMask("99/99/9999")
    form.field.setCursorPosition(0)
    tap(qtbot, form.pad, *"03141952")

    assert form.field.text() == "03/14/1952"


def test_backspace_and_clear(qtbot: QtBot, form: DateForm) -> None:
    tap(qtbot, form.pad, "5", "5", "5", "1", "2", "Backspace")
    assert form.field.text() == "5551"

    tap(qtbot, form.pad, "Clear")
    assert form.field.text() == ""
    assert form.field.hasFocus()


def test_every_key_is_large_unfocusable_and_named_as_shown(form: DateForm) -> None:
    keys = form.pad.findChildren(QPushButton)

    assert sorted(k.text() for k in keys) == sorted([*"0123456789", "Clear", "Backspace"])
    for button in keys:
        assert button.accessibleName() == button.text()
        assert button.focusPolicy() == Qt.FocusPolicy.NoFocus
        assert button.height() >= KEY_HEIGHT


def test_translated_labels(qtbot: QtBot, form: DateForm) -> None:
    form.pad.set_key_labels(clear="Borrar todo", backspace="Borrar")
    tap(qtbot, form.pad, "4", "2", "Borrar")
    assert form.field.text() == "4"
    tap(qtbot, form.pad, "Borrar todo")
    assert form.field.text() == ""


def test_no_focused_field_types_nowhere(qtbot: QtBot, form: DateForm) -> None:
    form.field.clearFocus()
    tap(qtbot, form.pad, "7")
    assert form.field.text() == ""
