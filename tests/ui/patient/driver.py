"""Drives the kiosk the way a patient (or a screen reader) does: find controls by their accessible name
on the visible screen, tap them with real mouse events, type on the on-screen keyboard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPointingDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QPlainTextEdit, QWidget

from kiosk.domain.forms import ItemType, pick
from kiosk.ui.patient.window import PatientWindow
from kiosk.ui.widgets.signature_pad import SignaturePad

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

TIMEOUT_MS = 5000
_TOUCHSCREEN: list[QPointingDevice] = []


def touchscreen() -> QPointingDevice:
    """One test touch screen for the whole run (Qt keeps every registered device)."""
    if not _TOUCHSCREEN:
        _TOUCHSCREEN.append(QTest.createTouchDevice())
    return _TOUCHSCREEN[0]


def visible(widget: QWidget) -> bool:
    return widget.isVisible() and widget.isEnabled()


class Patient:
    """A test's hands on the kiosk."""

    def __init__(self, qtbot: QtBot, window: PatientWindow) -> None:
        self.qtbot = qtbot
        self.window = window

    # ----------------------------------------------------------------------------------- looking

    @property
    def screen(self) -> QWidget:
        current = self.window.stack.currentWidget()
        assert current is not None
        return current

    def buttons(self, root: QWidget | None = None) -> list[QAbstractButton]:
        roots: Iterable[QWidget] = [root] if root else [self.screen, self.window]
        found: list[QAbstractButton] = []
        for widget in roots:
            found.extend(b for b in widget.findChildren(QAbstractButton) if b.isVisible())
        return list(dict.fromkeys(found))

    def button(self, name: str) -> QAbstractButton:
        matches = [b for b in self.buttons() if b.accessibleName() == name]
        assert matches, f"no visible button named {name!r}; visible: {[b.accessibleName() for b in self.buttons()]}"
        return matches[0]

    def has_button(self, name: str) -> bool:
        return any(b.accessibleName() == name for b in self.buttons())

    def texts(self) -> list[str]:
        return [label.text() for label in self.screen.findChildren(QLabel) if label.isVisible()]

    def wait_for_text(self, text: str) -> None:
        self.qtbot.waitUntil(lambda: any(text in shown for shown in self.texts()), timeout=TIMEOUT_MS)

    def wait_for_button(self, name: str) -> None:
        self.qtbot.waitUntil(
            lambda: any(b.accessibleName() == name and b.isEnabled() for b in self.buttons()), timeout=TIMEOUT_MS
        )

    # ----------------------------------------------------------------------------------- acting

    def settle(self) -> None:
        """A person looks at a new screen before touching it: wait out the kiosk's input guard."""
        self.qtbot.waitUntil(self.window.input_guard.ready, timeout=TIMEOUT_MS)

    def tap(self, name: str) -> None:
        self.wait_for_button(name)
        self.settle()
        target = self.button(name)
        self.qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.rect().center())

    def tap_field(self, accessible_name: str) -> QLineEdit | QPlainTextEdit:
        fields: list[QLineEdit | QPlainTextEdit] = [
            f
            for f in [*self.screen.findChildren(QLineEdit), *self.screen.findChildren(QPlainTextEdit)]
            if f.isVisible() and f.accessibleName() == accessible_name
        ]
        assert fields, f"no field named {accessible_name!r}"
        self.settle()
        # A person taps the middle of a box, not its left edge.
        self.qtbot.mouseClick(fields[0], Qt.MouseButton.LeftButton, pos=fields[0].rect().center())
        self.qtbot.waitUntil(fields[0].hasFocus, timeout=TIMEOUT_MS)
        return fields[0]

    def type_on_screen(self, text: str) -> None:
        """Tap each key of the on-screen keyboard or number pad currently shown; a character not on the keys
        shown sends the patient to the other layer first ("123" for digits and punctuation, "ABC" back)."""
        for char in text:
            if char == " ":
                name = next(
                    b.accessibleName().lower() for b in self.buttons() if b.accessibleName() in ("Space", "Espacio")
                )
            else:
                name = char.lower() if char.isalpha() else char
            keys = [
                b
                for b in self.buttons()
                if b.accessibleName().lower() == name and b.focusPolicy() == Qt.FocusPolicy.NoFocus
            ]
            layer = next((b for b in self.buttons() if b.accessibleName() in ("123", "ABC")), None)
            if not keys and layer is not None and (char.isascii() or layer.accessibleName() == "ABC"):
                self.qtbot.mouseClick(layer, Qt.MouseButton.LeftButton, pos=layer.rect().center())
                keys = [
                    b
                    for b in self.buttons()
                    if b.accessibleName().lower() == name and b.focusPolicy() == Qt.FocusPolicy.NoFocus
                ]
            if not keys and not char.isascii():
                self.qtbot.mouseClick(self.button("á é ñ"), Qt.MouseButton.LeftButton)
                keys = [b for b in self.buttons() if b.accessibleName().lower() == name]
            assert keys, f"no key for {char!r}"
            self.qtbot.mouseClick(keys[0], Qt.MouseButton.LeftButton, pos=keys[0].rect().center())

    def identify(
        self,
        first: str,
        last: str,
        dob: dt.date,
        *,
        names: tuple[str, ...] = ("First name", "Last name", "Month", "Day", "Year"),
    ) -> None:
        first_name, last_name, month, day, year = names
        self.tap_field(first_name)
        self.type_on_screen(first)
        self.tap_field(last_name)
        self.type_on_screen(last)
        self.tap_field(month)
        self.type_on_screen(f"{dob.month:02d}")
        self.qtbot.waitUntil(lambda: self.focused_name() == day, timeout=TIMEOUT_MS)
        self.type_on_screen(f"{dob.day:02d}")
        self.qtbot.waitUntil(lambda: self.focused_name() == year, timeout=TIMEOUT_MS)
        self.type_on_screen(f"{dob.year:04d}")

    def focused_name(self) -> str:
        focused = QApplication.focusWidget()
        return focused.accessibleName() if focused is not None else ""

    def scroll_consent_to_end(self) -> None:
        """Swipe up with a finger (kinetic scrolling) until the end of the consent text is reached."""
        text = self.window.consent.text
        bar = text.verticalScrollBar()
        viewport = text.viewport()
        device = touchscreen()
        agree = self.window.consent.agree
        for _ in range(100):
            self.qtbot.wait(30)
            if bar.value() >= bar.maximum() - 4 and agree.isEnabled():
                break
            x, bottom = viewport.width() // 2, viewport.height() - 20
            QTest.touchEvent(viewport, device).press(0, QPoint(x, bottom), viewport).commit()
            for step in range(1, 11):
                self.qtbot.wait(8)
                y = bottom - step * (viewport.height() - 60) // 10
                QTest.touchEvent(viewport, device).move(0, QPoint(x, y), viewport).commit()
            QTest.touchEvent(viewport, device).release(0, QPoint(x, 40), viewport).commit()
        self.qtbot.waitUntil(lambda: bar.value() >= bar.maximum() - 4 and agree.isEnabled(), timeout=TIMEOUT_MS)

    def draw_signature(self) -> None:
        pad = next(p for p in self.screen.findChildren(SignaturePad) if p.isVisible())
        width, height = pad.width(), pad.height()
        points = [
            QPoint(int(width * (0.1 + 0.02 * i)), int(height * (0.55 + (0.2 if i % 4 < 2 else -0.2))))
            for i in range(40)
        ]
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
        for point in points[1:]:
            QTest.mouseMove(pad, point)
        QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])


def choose(patient: Patient, window: PatientWindow, language: str, phq_item9: int) -> None:
    """Answer whatever the current question is, as a calm well-prepared patient would."""
    screen = window.question
    form, item = screen.form, screen.item
    assert form is not None and item is not None
    if item.type is ItemType.DISPLAY:
        patient.tap({"en": "Next", "es": "Siguiente"}[language])
        return
    if form.kind.value == "questionnaire":
        code = item.options[1 if item.id == "q1" else 0].code
        if item.id == "q9":
            code = item.options[phq_item9].code
        patient.tap(pick(item.option(code).label, language))  # type: ignore[union-attr]
        return
    from kiosk.services.demo import prepared_patient_answers  # only for checklists; keeps the driver light

    wanted = dict(prepared_patient_answers(form))
    if item.type is ItemType.GROUP:
        for child in item.children:
            if child.is_answered_type:
                field = patient.tap_field(pick(child.text, language))
                field.clear()
                patient.qtbot.keyClicks(field, "5550100188" if child.type is ItemType.PHONE else "Jordan Example")
        patient.tap({"en": "Next", "es": "Siguiente"}[language])
        return
    if item.options:
        value = wanted.get(item.id, item.options[-1].code)
        codes = value if isinstance(value, list) else [value]
        for code in codes:
            patient.tap(pick(item.option(code).label, language))  # type: ignore[union-attr]
        if item.type is ItemType.MULTI_CHOICE:
            patient.tap({"en": "Next", "es": "Siguiente"}[language])
        return
    if not item.required:
        patient.tap({"en": "Skip", "es": "Omitir"}[language])
        return
    field = patient.tap_field(pick(item.text, language))
    patient.qtbot.keyClicks(field, "5550100188" if item.type is ItemType.PHONE else "Nothing new")
    patient.tap({"en": "Next", "es": "Siguiente"}[language])
