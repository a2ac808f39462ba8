"""Tests for kiosk/ui/widgets/signature_pad.py: strokes drawn with real mouse and touch events."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFont, QImage, QPointingDevice
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets.signature_pad import DEFAULT_MINIMUM_INK, SignaturePad
from tests.ui.patient.seen import lowest_words_row

# A loop across most of the pad, sampled like a finger moving over a tablet.
SIGNATURE_PATH = [QPoint(60 + 12 * i, 120 + (30 if i % 4 < 2 else -30)) for i in range(40)]


@pytest.fixture
def pad(qtbot: QtBot) -> SignaturePad:
    widget = SignaturePad()
    qtbot.addWidget(widget)
    widget.resize(600, 200)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture(scope="module")
def touchscreen() -> QPointingDevice:
    return QTest.createTouchDevice()


def draw_with_mouse(pad: SignaturePad, points: list[QPoint]) -> None:
    QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
    for point in points[1:]:
        QTest.mouseMove(pad, point)
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])


def draw_with_finger(pad: SignaturePad, device: QPointingDevice, points: list[QPoint]) -> None:
    QTest.touchEvent(pad, device).press(0, points[0], pad).commit()
    for point in points[1:]:
        QTest.touchEvent(pad, device).move(0, point, pad).commit()
    QTest.touchEvent(pad, device).release(0, points[-1], pad).commit()


def dark_pixel_count(png: bytes) -> int:
    image = QImage.fromData(png, "PNG")
    assert not image.isNull()
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y).lightness() < 100
    )


def test_mouse_drawing_records_one_stroke_in_pad_fractions(qtbot: QtBot, pad: SignaturePad) -> None:
    with qtbot.waitSignal(pad.stroke_finished):
        draw_with_mouse(pad, SIGNATURE_PATH)

    strokes = pad.strokes()
    assert len(strokes) == 1
    assert len(strokes[0]) == len(SIGNATURE_PATH)
    assert strokes[0][0] == pytest.approx((60 / 600, 150 / 200))
    assert all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in strokes[0])
    assert pad.has_enough_ink()
    # 39 segments, each 12 px across and 0 or 60 px up or down, on a 600 px wide pad.
    assert pad.ink_length() > (39 * 12) / 600


def test_touch_drawing_records_strokes_once(qtbot: QtBot, pad: SignaturePad, touchscreen: QPointingDevice) -> None:
    with qtbot.waitSignal(pad.stroke_finished):
        draw_with_finger(pad, touchscreen, SIGNATURE_PATH)
    with qtbot.waitSignal(pad.stroke_finished):
        draw_with_finger(pad, touchscreen, [QPoint(100, 60), QPoint(300, 70), QPoint(500, 80)])

    strokes = pad.strokes()
    # Had the synthesised mouse events also been drawn, there would be four strokes here.
    assert len(strokes) == 2
    assert len(strokes[0]) == len(SIGNATURE_PATH)
    assert strokes[1][-1] == pytest.approx((500 / 600, 80 / 200))
    assert pad.has_enough_ink()


def test_second_finger_does_not_draw(pad: SignaturePad, touchscreen: QPointingDevice) -> None:
    QTest.touchEvent(pad, touchscreen).press(0, QPoint(100, 100), pad).commit()
    QTest.touchEvent(pad, touchscreen).move(0, QPoint(200, 100), pad).press(1, QPoint(400, 40), pad).commit()
    QTest.touchEvent(pad, touchscreen).move(0, QPoint(300, 100), pad).move(1, QPoint(450, 40), pad).commit()
    QTest.touchEvent(pad, touchscreen).release(0, QPoint(300, 100), pad).release(1, QPoint(450, 40), pad).commit()

    assert pad.strokes() == (((100 / 600, 0.5), (200 / 600, 0.5), (300 / 600, 0.5)),)


def test_changed_is_emitted_while_drawing(qtbot: QtBot, pad: SignaturePad) -> None:
    with qtbot.waitSignal(pad.changed):
        QTest.mousePress(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(50, 50))
    QTest.mouseRelease(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(50, 50))


def test_a_tap_is_not_enough_ink(pad: SignaturePad, touchscreen: QPointingDevice) -> None:
    QTest.mouseClick(pad, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(300, 100))
    draw_with_finger(pad, touchscreen, [QPoint(200, 100)])

    assert len(pad.strokes()) == 2
    assert pad.ink_length() == 0.0
    assert not pad.has_enough_ink()
    assert not pad.has_enough_ink(DEFAULT_MINIMUM_INK)


def test_short_line_is_below_the_default_minimum(pad: SignaturePad) -> None:
    draw_with_mouse(pad, [QPoint(100, 100), QPoint(130, 100), QPoint(160, 100)])

    assert pad.ink_length() == pytest.approx(60 / 600)
    assert not pad.has_enough_ink()
    assert pad.has_enough_ink(0.05)


def test_png_has_dark_ink_on_white(pad: SignaturePad) -> None:
    draw_with_mouse(pad, SIGNATURE_PATH)

    png = pad.to_png(600, 200)

    assert png.startswith(b"\x89PNG")
    image = QImage.fromData(png, "PNG")
    assert (image.width(), image.height()) == (600, 200)
    assert image.pixelColor(0, 0).lightness() == 255
    assert dark_pixel_count(png) > 200


def test_png_is_cropped_to_the_ink(pad: SignaturePad) -> None:
    # A small mark in one corner of the pad still fills the middle of the image.
    draw_with_mouse(pad, [QPoint(20 + 4 * i, 20 + (6 if i % 2 else 0)) for i in range(20)])

    image = QImage.fromData(pad.to_png(300, 100), "PNG")
    columns_with_ink = [
        x for x in range(image.width()) if any(image.pixelColor(x, y).lightness() < 100 for y in range(image.height()))
    ]
    assert columns_with_ink[0] < 60
    assert columns_with_ink[-1] > 240


def test_empty_pad_has_no_png(pad: SignaturePad) -> None:
    with pytest.raises(ValueError, match="no signature"):
        pad.to_png()


def test_clear_empties_the_pad(qtbot: QtBot, pad: SignaturePad) -> None:
    draw_with_mouse(pad, SIGNATURE_PATH)

    with qtbot.waitSignal(pad.changed):
        pad.clear()

    assert pad.strokes() == ()
    assert pad.is_empty()
    assert pad.ink_length() == 0.0


def test_strokes_survive_a_round_trip(pad: SignaturePad) -> None:
    draw_with_mouse(pad, SIGNATURE_PATH)
    saved = pad.strokes()
    pad.clear()

    pad.set_strokes(saved)

    assert pad.strokes() == saved
    assert dark_pixel_count(pad.to_png()) > 200


def test_set_strokes_rejects_points_off_the_pad(pad: SignaturePad) -> None:
    with pytest.raises(ValueError, match="outside the pad"):
        pad.set_strokes((((0.5, 0.5), (1.5, 0.5)),))


def test_accessible_name_is_translatable(pad: SignaturePad) -> None:
    assert pad.accessibleName() == "Signature"
    pad.setAccessibleName("Firma")
    assert pad.accessibleName() == "Firma"


def test_pad_is_drawn_with_a_baseline(pad: SignaturePad) -> None:
    image = pad.grab().toImage()
    baseline_y = round(200 * 0.72)
    assert image.pixelColor(300, baseline_y) != image.pixelColor(300, baseline_y - 20)


@pytest.mark.parametrize("height", [130, 155, 240])
@pytest.mark.parametrize("point_size", [16, 24], ids=["normal text", "larger text"])
def test_the_words_under_the_line_are_whole_in_a_short_box(pad: SignaturePad, height: int, point_size: int) -> None:
    """Seen at 1024x768 in larger text with "Sign with my signature" offered: a 150 px box cut the bottom of "Sign
    above the line" with its frame. The line goes up rather than the words being cut."""
    font = QFont(pad.font())
    font.setPointSizeF(point_size)
    pad.setFont(font)
    pad.setMinimumSize(240, 130)  # as the consent screen has it
    pad.resize(956, height)
    assert pad.height() == height
    for words in ("", "Please sign a little more fully."):
        if words:
            draw_with_mouse(pad, [QPoint(300, 40), QPoint(320, 40)])
            pad.set_notice(words)
        assert pad.words_under_line() == (words or pad.hint_text())
        lowest = lowest_words_row(pad)
        # The frame is the last 3 rows; the words keep clear of it.
        assert 0 < lowest < height - 5, f"words reach row {lowest} of {height}"
        assert pad.baseline_y() >= 0.5 * height


def test_the_notice_waits_for_the_finger_to_lift(qtbot: QtBot, pad: SignaturePad, touchscreen: QPointingDevice) -> None:
    """The word about too little ink must not appear under a finger that has just touched down."""
    pad.set_notice("Please sign a little more fully.")
    QTest.touchEvent(pad, touchscreen).press(0, QPoint(100, 170), pad).commit()
    QTest.touchEvent(pad, touchscreen).move(0, QPoint(140, 175), pad).commit()
    assert pad.is_drawing()
    assert pad.words_under_line() == ""
    with qtbot.waitSignal(pad.stroke_finished):
        QTest.touchEvent(pad, touchscreen).release(0, QPoint(160, 175), pad).commit()
    assert pad.words_under_line() == "Please sign a little more fully."
    assert pad.accessibleDescription() == "Please sign a little more fully."
    pad.set_notice("")
    assert pad.words_under_line() == "" and pad.accessibleDescription() == ""
