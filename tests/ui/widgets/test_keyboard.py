"""Tests for kiosk/ui/widgets/keyboard.py: tapping keys types into the focused field."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.keyboard import ACCENTS_KEY_LABEL, DIGITS_KEY_LABEL, LETTERS_KEY_LABEL, OnScreenKeyboard
from kiosk.ui.widgets.keypad_base import KEY_HEIGHT, key_code_for


class NameForm(QWidget):
    """Two name fields above a keyboard, like the identify screen."""

    def __init__(self) -> None:
        super().__init__()
        self.first = QLineEdit()
        self.last = QLineEdit()
        self.keyboard = OnScreenKeyboard()
        layout = QVBoxLayout(self)
        layout.addWidget(self.first)
        layout.addWidget(self.last)
        layout.addWidget(self.keyboard)


@pytest.fixture
def form(qtbot: QtBot) -> NameForm:
    widget = NameForm()
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    qtbot.waitExposed(widget)
    widget.last.setFocus()
    return widget


def key(keyboard: OnScreenKeyboard, label: str) -> QPushButton:
    """The visible key a patient would tap, found by its accessible name like a screen reader would."""
    matches = [
        button
        for button in keyboard.findChildren(QPushButton)
        if button.accessibleName() == label and button.isVisible()
    ]
    assert len(matches) == 1, f"expected one visible key named {label!r}, found {len(matches)}"
    return matches[0]


def tap(qtbot: QtBot, keyboard: OnScreenKeyboard, *labels: str) -> None:
    for label in labels:
        qtbot.mouseClick(key(keyboard, label), Qt.MouseButton.LeftButton)


def test_types_a_spanish_double_surname(qtbot: QtBot, form: NameForm) -> None:
    kb = form.keyboard
    tap(qtbot, kb, ACCENTS_KEY_LABEL)
    # Auto-capitalisation: the field is empty, so the first letter key reads "J".
    tap(qtbot, kb, "J", "o", "s", "é", "Space", "N", "ú", "ñ", "e", "z", "-", "O", "'", "B", "r", "i", "e", "n")

    assert form.last.text() == "José Núñez-O'Brien"
    assert form.first.text() == ""
    assert form.last.hasFocus()


def test_shift_capitalises_one_letter_inside_a_word(qtbot: QtBot, form: NameForm) -> None:
    kb = form.keyboard
    tap(qtbot, kb, "M", "c", "Shift", "D", "o", "n", "a", "l", "d")

    assert form.last.text() == "McDonald"
    assert not key(kb, "Shift").isChecked()


def test_backspace_and_auto_capitalize_off(qtbot: QtBot, form: NameForm) -> None:
    kb = form.keyboard
    kb.set_auto_capitalize(False)
    tap(qtbot, kb, ACCENTS_KEY_LABEL, "d", "e", "l", "x", "Backspace", "Space", "r", "í", "o")

    assert form.last.text() == "del río"


def test_types_into_the_field_that_has_the_focus(qtbot: QtBot, form: NameForm) -> None:
    form.first.setFocus()
    tap(qtbot, form.keyboard, "A", "n", "a")
    form.last.setFocus()
    tap(qtbot, form.keyboard, "R", "u", "i", "z")

    assert (form.first.text(), form.last.text()) == ("Ana", "Ruiz")


def test_explicit_target_wins_over_focus(qtbot: QtBot, form: NameForm) -> None:
    form.keyboard.set_target(form.first)
    tap(qtbot, form.keyboard, "E", "v", "a")

    assert form.first.text() == "Eva"
    assert form.last.text() == ""


def test_keys_respect_the_fields_own_limits(qtbot: QtBot, form: NameForm) -> None:
    form.last.setMaxLength(3)
    tap(qtbot, form.keyboard, "P", "e", "r", "e", "z")

    assert form.last.text() == "Per"


def test_action_key_is_relabelled_and_signals(qtbot: QtBot, form: NameForm) -> None:
    form.keyboard.set_action_label("Siguiente")
    with qtbot.waitSignal(form.keyboard.action_pressed):
        tap(qtbot, form.keyboard, "Siguiente")
    assert form.keyboard.action_label() == "Siguiente"
    assert form.last.text() == ""


def test_named_keys_can_be_translated(qtbot: QtBot, form: NameForm) -> None:
    form.keyboard.set_key_labels(space="Espacio", backspace="Borrar", shift="Mayús")
    tap(qtbot, form.keyboard, "S", "i", "Espacio", "N", "o", "Borrar")

    assert form.last.text() == "Si N"


def test_keys_are_large_never_take_focus_and_are_named_as_shown(form: NameForm) -> None:
    form.keyboard.set_accents_visible(True)
    keys = [button for button in form.keyboard.findChildren(QPushButton) if button.isVisible()]

    # accented letters, a-z, the symbols - ' . and Space, Shift, Backspace, "á é ñ", the action key
    assert len(keys) == 7 + 26 + 3 + 5
    for button in keys:
        assert button.accessibleName() == button.text()
        assert button.focusPolicy() == Qt.FocusPolicy.NoFocus
        assert button.height() >= KEY_HEIGHT >= 56


def test_letter_labels_follow_the_case_that_will_be_typed(qtbot: QtBot, form: NameForm) -> None:
    assert key(form.keyboard, "A").text() == "A"
    tap(qtbot, form.keyboard, "A")
    assert key(form.keyboard, "n").text() == "n"
    form.last.clear()
    assert key(form.keyboard, "N").text() == "N"


def test_accent_row_toggles(qtbot: QtBot, form: NameForm) -> None:
    assert not form.keyboard.accents_visible()
    tap(qtbot, form.keyboard, ACCENTS_KEY_LABEL)
    assert form.keyboard.accents_visible()
    assert key(form.keyboard, "Ñ").isVisible()


def test_key_codes_match_a_hardware_keyboard() -> None:
    assert key_code_for("a") == Qt.Key.Key_A.value
    assert key_code_for("ñ") == Qt.Key.Key_Ntilde.value
    assert key_code_for("-") == Qt.Key.Key_Minus.value
    assert key_code_for("€") == Qt.Key.Key_unknown.value


class FreeTextForm(QWidget):
    """A multi-line answer above the free-text keyboard, like a typed question of the checklist."""

    def __init__(self) -> None:
        super().__init__()
        self.answer = QPlainTextEdit()
        self.keyboard = OnScreenKeyboard(auto_capitalize=False, digits=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.answer)
        layout.addWidget(self.keyboard)


def tap_text(qtbot: QtBot, keyboard: OnScreenKeyboard, text: str) -> None:
    """Type `text` as a person does: a character not on the keys shown sends them to the other layer first."""
    for char in text:
        label = "Space" if char == " " else char
        visible = [b for b in keyboard.findChildren(QPushButton) if b.isVisible() and b.accessibleName() == label]
        if not visible:
            layer = LETTERS_KEY_LABEL if keyboard.digits_shown() else DIGITS_KEY_LABEL
            tap(qtbot, keyboard, layer)
        tap(qtbot, keyboard, label)


def test_the_123_layer_types_a_medicine_and_its_dose(qtbot: QtBot) -> None:
    form = FreeTextForm()
    qtbot.addWidget(form)
    form.resize(1000, 600)
    form.show()
    qtbot.waitExposed(form)
    form.answer.setFocus()
    kb = form.keyboard
    assert not kb.digits_shown()
    with pytest.raises(AssertionError):
        key(kb, "5")  # digits are not on the letters' layer
    tap_text(qtbot, kb, "sertraline 50 mg to 100 mg, twice a day?")
    assert form.answer.toPlainText() == "sertraline 50 mg to 100 mg, twice a day?"
    # The layer key says where it goes: to the letters while digits show, and the letters come back.
    assert kb.digits_shown() and key(kb, LETTERS_KEY_LABEL).isVisible()
    tap(qtbot, kb, LETTERS_KEY_LABEL)
    assert not kb.digits_shown()
    assert key(kb, "q").isVisible() and key(kb, DIGITS_KEY_LABEL).isVisible()
    tap(qtbot, kb, ",", ".")  # on the bottom row of both layers
    for symbol in "1234567890-/:;()&@\"?!'%+=#":
        tap(qtbot, kb, DIGITS_KEY_LABEL)
        tap(qtbot, kb, symbol)
        tap(qtbot, kb, LETTERS_KEY_LABEL)
    assert form.answer.toPlainText().endswith(",.1234567890-/:;()&@\"?!'%+=#")


def test_the_name_keyboard_has_no_digits_layer(form: NameForm) -> None:
    assert not any(b.accessibleName() == DIGITS_KEY_LABEL for b in form.keyboard.findChildren(QPushButton))
    form.keyboard.set_digits_shown(True)
    assert not form.keyboard.digits_shown()
    assert key(form.keyboard, "Q").isVisible()  # the empty name field: the next letter is a capital
