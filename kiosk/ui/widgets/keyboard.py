"""The patient's on-screen letter keyboard: large QWERTY keys plus the accented letters of Spanish names, and
for free text a "123" layer of digits and punctuation ("sertraline 50 mg to 100 mg, twice a day?").

Why our own widget and not Qt Virtual Keyboard: QtVirtualKeyboard is built on QML/Qt Quick, ships
in the PySide6-Addons plugin set and is loaded through ``QT_IM_MODULE`` as an input method. In a
full-screen kiosk that means a second UI toolkit in the process, a keyboard that pops up and hides
on its own rules, layouts and labels configured in QML files rather than translated with the rest of
the screen, and behaviour that is hard to drive from pytest-qt. This widget is a few hundred lines
of plain Qt Widgets: it stays where the screen puts it, its labels are translated like any other
text, and a test taps its keys like a patient does.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QApplication, QGridLayout, QLineEdit, QPlainTextEdit, QPushButton, QSizePolicy, QWidget

from kiosk.ui.widgets.keypad_base import KeypadBase

ACCENTED_LETTERS = ("á", "é", "í", "ó", "ú", "ñ", "ü")
"""The letters a Spanish name needs beyond plain a-z."""

ACCENTS_KEY_LABEL = "á é ñ"
"""The label of the key that shows or hides the accented letters (the same in every language)."""

DIGITS_KEY_LABEL = "123"
"""The key that shows the digits and punctuation in place of the letters (the same in every language)."""

LETTERS_KEY_LABEL = "ABC"
"""The same key while the digits show: back to the letters."""

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_SYMBOL_ROWS = ("1234567890", '-/:;()&@"', "?!'%+=#")
"""The 123 layer, row for row in the letters' places (so a finger finds Backspace where it was); comma and
period stay on the bottom row in both layers."""
_AUTO_CAPITALIZE_AFTER = frozenset(" -'")
_HALF_COLUMNS = 20
"""The grid has two columns per ordinary key, so wide keys and the half-key indent of row two line up."""


class OnScreenKeyboard(KeypadBase):
    """A letter keyboard with keys at least 64 px tall, typing into the focused field of its window.

    Letters are capitalised automatically at the start of the field and after a space, hyphen or
    apostrophe (names: "José Núñez-O'Brien"); Shift capitalises the next letter anywhere else
    ("McDonald"). The accented letters á é í ó ú ñ ü sit on a row shown with the "á é ñ" key.

    With ``digits`` (free-text answers) the bottom row has a "123" key that swaps the three letter rows for
    digits and punctuation, and then reads "ABC" to swap them back; the layer stays until it is tapped, so
    "100 mg" is typed without switching after each digit. The bottom row then has comma and period too.

    Signals:
        action_pressed: the Next/Done key was tapped; the screen moves on (no key is sent to the field).
    """

    action_pressed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        action_label: str = "Next",
        auto_capitalize: bool = True,
        digits: bool = False,
    ) -> None:
        super().__init__(parent)
        self._auto_capitalize = auto_capitalize
        self._letter_keys: dict[str, QPushButton] = {}
        self._row_letter_keys: list[QPushButton] = []
        self._symbol_keys: list[QPushButton] = []
        self._layer_key: QPushButton | None = None
        self._accent_keys: list[QPushButton] = []
        self._watched_field: QLineEdit | None = None
        # What the keys show now: each question and each change of focus asks again, and relabelling ~33 keys or
        # showing and hiding ~60 cost a few milliseconds of every screen change when nothing changed.
        self._upper_shown: bool | None = None
        self._digits_layer_shown: bool | None = None

        grid = QGridLayout(self)
        grid.setContentsMargins(8, 8, 8, 8)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(8)
        for column in range(_HALF_COLUMNS):
            grid.setColumnStretch(column, 1)

        accent_offset = (_HALF_COLUMNS - 2 * len(ACCENTED_LETTERS)) // 2
        for index, letter in enumerate(ACCENTED_LETTERS):
            key = self._letter_key(letter)
            self._accent_keys.append(key)
            grid.addWidget(key, 0, accent_offset + 2 * index, 1, 2)

        for row_index, (letters, indent) in enumerate(zip(_ROWS, (0, 1, 2), strict=True), start=1):
            for index, letter in enumerate(letters):
                key = self._letter_key(letter)
                self._row_letter_keys.append(key)
                grid.addWidget(key, row_index, indent + 2 * index, 1, 2)
        if digits:
            for row_index, (symbols, indent) in enumerate(zip(_SYMBOL_ROWS, (0, 1, 2), strict=True), start=1):
                for index, symbol in enumerate(symbols):
                    key = self._symbol_key(symbol)
                    self._symbol_keys.append(key)
                    grid.addWidget(key, row_index, indent + 2 * index, 1, 2)

        self._shift_key = self._make_key("Shift", named=True)
        self._shift_key.setCheckable(True)
        self._shift_key.toggled.connect(self._on_shift_key_toggled)
        grid.addWidget(self._shift_key, 3, 0, 1, 2)
        self._backspace_key = self._make_key("Backspace", named=True)
        self._backspace_key.setAutoRepeat(True)
        self._backspace_key.setAutoRepeatDelay(500)
        self._backspace_key.setAutoRepeatInterval(90)
        self._backspace_key.clicked.connect(self._on_backspace_key_clicked)
        grid.addWidget(self._backspace_key, 3, 16, 1, 4)

        self._accents_key = self._make_key(ACCENTS_KEY_LABEL, named=True)
        self._accents_key.setCheckable(True)
        self._accents_key.toggled.connect(self._on_accents_key_toggled)
        grid.addWidget(self._accents_key, 4, 0, 1, 3)
        if digits:
            self._layer_key = self._make_key(DIGITS_KEY_LABEL, named=True)
            self._layer_key.setCheckable(True)
            self._layer_key.toggled.connect(self._on_layer_key_toggled)
            grid.addWidget(self._layer_key, 4, 3, 1, 2)
        else:
            grid.addWidget(self._symbol_key("-"), 4, 3, 1, 2)
        self._space_key = self._make_key("Space", named=True)
        self._space_key.clicked.connect(self._on_space_key_clicked)
        grid.addWidget(self._space_key, 4, 5, 1, 7)
        grid.addWidget(self._symbol_key("," if digits else "'"), 4, 12, 1, 2)
        grid.addWidget(self._symbol_key("."), 4, 14, 1, 2)
        self._action_key = self._make_key(action_label, named=True)
        self._action_key.clicked.connect(self._on_action_key_clicked)
        grid.addWidget(self._action_key, 4, 16, 1, 4)

        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.set_accents_visible(False)
        self.set_digits_shown(False)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_app_focus_changed)

    # ----- public API -------------------------------------------------------------------------

    def action_label(self) -> str:
        """The label of the Next/Done key."""
        return self._action_key.text()

    def set_action_label(self, label: str) -> None:
        """Call the action key "Next", "Done", "Siguiente", ... as the screen needs."""
        self._relabel(self._action_key, label)

    def set_key_labels(self, *, space: str, backspace: str, shift: str) -> None:
        """Translate the named keys (e.g. "Espacio", "Borrar", "Mayús")."""
        self._relabel(self._space_key, space)
        self._relabel(self._backspace_key, backspace)
        self._relabel(self._shift_key, shift)

    def accents_visible(self) -> bool:
        """True while the row of accented letters is shown."""
        return self._accents_key.isChecked()

    def set_accents_visible(self, visible: bool) -> None:
        """Show the accented letters from the start (a Spanish-speaking patient) or hide them."""
        self._accents_key.setChecked(visible)
        for key in self._accent_keys:
            key.setVisible(visible)

    def digits_shown(self) -> bool:
        """True while the 123 layer (digits and punctuation) is shown in place of the letters."""
        return self._layer_key is not None and self._layer_key.isChecked()

    def set_digits_shown(self, shown: bool) -> None:
        """Show the 123 layer or the letters; each new question starts on the letters."""
        if self._layer_key is not None:
            self._layer_key.setChecked(shown)
        self._show_layer(shown and self._layer_key is not None)

    def auto_capitalize(self) -> bool:
        """True when letters are capitalised at the start of each word of a name."""
        return self._auto_capitalize

    def set_auto_capitalize(self, enabled: bool) -> None:
        """Turn off for free text, where words in the middle of a sentence stay lower case."""
        self._auto_capitalize = enabled
        self._update_letter_case()

    def is_shifted(self) -> bool:
        """True when the next letter will be upper case."""
        return self._shift_key.isChecked() or self._wants_capital()

    # ----- keys -------------------------------------------------------------------------------

    def _letter_key(self, letter: str) -> QPushButton:
        key = self._make_key(letter)
        key.setProperty("letter", letter)
        key.clicked.connect(self._on_letter_key_clicked)
        self._letter_keys[letter] = key
        return key

    def _symbol_key(self, symbol: str) -> QPushButton:
        key = self._make_key(symbol)
        if symbol == "&":
            key.setText("&&")  # a lone "&" would mark a shortcut and show no label at all
        key.setProperty("symbol", symbol)
        key.clicked.connect(self._on_symbol_key_clicked)
        return key

    def _wants_capital(self) -> bool:
        """Auto-capitalisation: the field is empty or the character before the cursor starts a new word."""
        if not self._auto_capitalize:
            return False
        before = self._text_before_cursor()
        return before is not None and (before == "" or before[-1] in _AUTO_CAPITALIZE_AFTER)

    def _text_before_cursor(self) -> str | None:
        target = self.target()
        if isinstance(target, QLineEdit):
            return target.text()[: target.cursorPosition()]
        if isinstance(target, QPlainTextEdit):
            return target.toPlainText()[: target.textCursor().position()]
        return None

    def _show_layer(self, digits: bool) -> None:
        if digits == self._digits_layer_shown:
            return
        self._digits_layer_shown = digits
        for key in self._row_letter_keys:
            key.setVisible(not digits)
        for key in self._symbol_keys:
            key.setVisible(digits)
        self._shift_key.setVisible(not digits)  # there is nothing to capitalise among digits
        if self._layer_key is not None:
            self._relabel(self._layer_key, LETTERS_KEY_LABEL if digits else DIGITS_KEY_LABEL)

    def _update_letter_case(self) -> None:
        upper = self.is_shifted()
        if upper == self._upper_shown:
            return
        self._upper_shown = upper
        for letter, key in self._letter_keys.items():
            self._relabel(key, letter.upper() if upper else letter)

    def set_target(self, widget: QWidget | None) -> None:
        """Type into ``widget`` whatever has the focus; ``None`` goes back to following the focus."""
        super().set_target(widget)
        self._follow_field()

    def showEvent(self, event: QShowEvent) -> None:
        self._follow_field()
        super().showEvent(event)

    def _follow_field(self) -> None:
        """Watch the current target's cursor, so the letters show the case the next tap will type."""
        field = self.target()
        field = field if isinstance(field, QLineEdit) else None
        if field is not self._watched_field:
            if self._watched_field is not None:
                self._watched_field.cursorPositionChanged.disconnect(self._on_field_cursor_moved)
                self._watched_field.destroyed.disconnect(self._on_watched_field_destroyed)
            self._watched_field = field
            if field is not None:
                field.cursorPositionChanged.connect(self._on_field_cursor_moved)
                field.destroyed.connect(self._on_watched_field_destroyed)
        self._update_letter_case()

    @Slot(QWidget, QWidget)
    def _on_app_focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        self._follow_field()

    @Slot(int, int)
    def _on_field_cursor_moved(self, _old: int, _new: int) -> None:
        self._update_letter_case()

    @Slot()
    def _on_watched_field_destroyed(self) -> None:
        self._watched_field = None

    @Slot()
    def _on_letter_key_clicked(self) -> None:
        key = self.sender()
        assert isinstance(key, QPushButton)
        letter = str(key.property("letter"))
        self._send_text(letter.upper() if self.is_shifted() else letter)
        self._shift_key.setChecked(False)
        self._update_letter_case()

    @Slot()
    def _on_symbol_key_clicked(self) -> None:
        key = self.sender()
        assert isinstance(key, QPushButton)
        self._send_text(str(key.property("symbol")))
        self._update_letter_case()

    @Slot()
    def _on_space_key_clicked(self) -> None:
        self._send_text(" ")
        self._update_letter_case()

    @Slot()
    def _on_backspace_key_clicked(self) -> None:
        self._send_backspace()
        self._update_letter_case()

    @Slot(bool)
    def _on_shift_key_toggled(self, _checked: bool) -> None:
        self._update_letter_case()

    @Slot(bool)
    def _on_accents_key_toggled(self, checked: bool) -> None:
        for key in self._accent_keys:
            key.setVisible(checked)

    @Slot(bool)
    def _on_layer_key_toggled(self, checked: bool) -> None:
        self._show_layer(checked)
        self._update_letter_case()

    @Slot()
    def _on_action_key_clicked(self) -> None:
        self.action_pressed.emit()
