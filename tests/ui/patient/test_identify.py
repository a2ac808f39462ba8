"""The identify screen as a hurried finger uses it: taps in the middle of the date boxes, a second tap
mid-typing, the number pad's keys, and an error that marks the box it is about."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLineEdit
from pytestqt.exceptions import TimeoutError
from pytestqt.qtbot import QtBot

from kiosk.ui.patient.identify import IdentifyScreen, Identity
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient
from tests.ui.patient.seen import cut, inside


def _screen(qtbot: QtBot) -> IdentifyScreen:
    screen = IdentifyScreen()
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    qtbot.waitExposed(screen)
    return screen


def _tap_middle(qtbot: QtBot, field: QLineEdit) -> None:
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=field.rect().center())
    qtbot.waitUntil(field.hasFocus)


def _press_digits(qtbot: QtBot, screen: IdentifyScreen, digits: str) -> None:
    keys = {b.accessibleName(): b for b in screen.number_pad.findChildren(QAbstractButton)}
    for digit in digits:
        qtbot.mouseClick(keys[digit], Qt.MouseButton.LeftButton, pos=keys[digit].rect().center())


def test_digits_always_append_wherever_the_box_is_tapped(qtbot: QtBot) -> None:
    screen = _screen(qtbot)
    for field, first, second in ((screen.day, "1", "4"), (screen.year, "19", "95")):
        _tap_middle(qtbot, field)
        _press_digits(qtbot, screen, first)
        _tap_middle(qtbot, field)  # unsure, taps the box again in the middle of its digits
        qtbot.mouseDClick(field, Qt.MouseButton.LeftButton, pos=field.rect().center())
        _press_digits(qtbot, screen, second)
        assert field.text() == first + second
        assert field.cursorPosition() == len(field.text()) and not field.hasSelectedText()
    _tap_middle(qtbot, screen.month)
    _press_digits(qtbot, screen, "0")
    qtbot.keyClicks(screen.month, "x")  # a hardware keyboard's letter can never land in a date box
    _press_digits(qtbot, screen, "9")
    assert screen.month.text() == "09"


def test_the_box_names_stay_visible_while_typing_and_an_error_marks_its_box(qtbot: QtBot) -> None:
    screen = _screen(qtbot)
    identities: list[Identity] = []
    screen.identified.connect(identities.append)
    assert [box.text() for box in (screen.month_label, screen.day_label, screen.year_label)] == [
        "Month",
        "Day",
        "Year",
    ]
    screen.first.setText("Morgan")
    screen.last.setText("Lee")
    for field, digits in ((screen.month, "09"), (screen.day, "14"), (screen.year, "95")):
        _tap_middle(qtbot, field)
        _press_digits(qtbot, screen, digits)
    assert screen.year_label.isVisible() and screen.year_label.text() == "Year"
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton, pos=screen.next.rect().center())
    assert "four digits" in screen.problem.text()
    assert [box.property("invalid") for box in (screen.month, screen.day, screen.year)] == [False, False, True]
    _tap_middle(qtbot, screen.year)
    _press_digits(qtbot, screen, "19")
    assert screen.year.text() == "9519"  # appended, as typed: the patient sees what they typed and fixes it
    screen.year.setText("1995")
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton, pos=screen.next.rect().center())
    assert identities == [Identity("Morgan", "Lee", dt.date(1995, 9, 14))]
    assert not screen.year.property("invalid")


def test_a_day_that_does_not_exist_marks_the_day(qtbot: QtBot) -> None:
    screen = _screen(qtbot)
    screen.first.setText("Sam")
    screen.last.setText("Taylor")
    screen.month.setText("02")
    screen.day.setText("31")
    screen.year.setText("1979")
    qtbot.mouseClick(screen.next, Qt.MouseButton.LeftButton, pos=screen.next.rect().center())
    assert [box.property("invalid") for box in (screen.month, screen.day, screen.year)] == [False, True, False]


def _settle(qtbot: QtBot, screen: IdentifyScreen) -> None:
    """Let the layout take what it was just given (a message, a font); the assertion after says what is wrong."""
    with contextlib.suppress(TimeoutError):
        qtbot.waitUntil(lambda: not cut(screen), timeout=1500)


@pytest.mark.parametrize("language", ["en", "es"])
def test_on_a_1024x768_tablet_in_larger_text_every_label_box_and_message_is_whole(
    qtbot: QtBot, make_data_dir: MakeDataDir, tmp_path: Path, language: str
) -> None:
    """Issue 8: the date of birth's label was cut, the date boxes showed "M…", a message pushed the boxes out."""
    kiosk = open_kiosk(qtbot, make_data_dir(tmp_path / "kiosk-data"), size=(1024, 768))
    patient = Patient(qtbot, kiosk)
    patient.tap("Larger text")
    if language == "es":
        patient.tap("Español")
    patient.tap({"en": "Start", "es": "Comenzar"}[language])
    screen = kiosk.identify_screen
    qtbot.waitUntil(screen.isVisible)
    _settle(qtbot, screen)
    assert cut(screen) == []
    patient.tap_field(screen.first.accessibleName())
    patient.type_on_screen("José")
    patient.tap_field(screen.last.accessibleName())
    patient.type_on_screen("Núñez")
    patient.tap_field(screen.month.accessibleName())
    patient.type_on_screen("02301968")  # the focus moves on by itself: 02 / 30 / 1968, a date that does not exist
    patient.tap({"en": "Next", "es": "Siguiente"}[language])
    qtbot.waitUntil(lambda: bool(screen.problem.text()))
    assert [box.text() for box in (screen.month, screen.day, screen.year)] == ["02", "30", "1968"]
    _settle(qtbot, screen)
    assert cut(screen) == []
    for box in (screen.first, screen.last, screen.month, screen.day, screen.year):
        assert inside(box, screen.panes.first), box.accessibleName()
    kiosk.shutdown()
