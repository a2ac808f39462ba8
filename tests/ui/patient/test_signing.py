"""Signing without typing the name again: it comes from check-in (and can be changed), the signature box stays in
view while the keyboard is up, the signature is drawn once and adopted by a tap on each later consent (each
consent keeping its own record), and a Sign button that cannot be used yet says why, on the button."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.services.backend import open_backend
from kiosk.store.engine import unit_of_work
from kiosk.store.models import ConsentRecord
from kiosk.ui.patient.window import PatientWindow
from tests.ui.patient.conftest import MakeDataDir, open_kiosk
from tests.ui.patient.driver import Patient, touchscreen
from tests.ui.patient.test_consent_choices import MORGAN, check_in, consent_on_screen


def on_consent(qtbot: QtBot, window: PatientWindow, form_id: str) -> None:
    qtbot.waitUntil(lambda: consent_on_screen(window) == form_id, timeout=10_000)


def test_name_from_check_in_pad_in_view_with_the_keyboard_and_one_signature_adopted(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir
) -> None:
    data_dir = make_data_dir(tmp_path / "data")
    window = open_kiosk(qtbot, data_dir)
    try:
        patient = Patient(qtbot, window)
        patient.tap("Start")
        patient.identify("morgan", "lee", MORGAN[2])  # typed as the keys gave it: capitals come by themselves
        patient.tap("Next")
        patient.tap("Yes, this is me")
        on_consent(qtbot, window, "esign_consent")
        patient.scroll_consent_to_end()
        patient.tap("I agree")
        screen = window.consent
        assert screen.name.text() == "Morgan Lee"  # filled in from check-in
        # No signature yet: the button says what is missing instead of just looking grey.
        assert not screen.sign.isEnabled() and screen.sign.text() == "Sign above to continue"
        assert not patient.has_button("Sign with my signature")  # nothing drawn yet in this visit
        # Tapping the name brings the keyboard up; the signature box stays in view beside it.
        patient.tap_field("Full name")
        assert screen.keyboard.isVisible() and screen.pad.isVisible()
        assert not screen.pad.visibleRegion().isEmpty()
        keyboard_box = screen.keyboard.mapTo(window, screen.keyboard.rect().topLeft())
        pad_box = screen.pad.mapTo(window, screen.pad.rect().topLeft())
        assert not screen.pad.rect().translated(pad_box).intersects(screen.keyboard.rect().translated(keyboard_box))
        window.grab().save(str(tmp_path / "signing-keyboard.png"))
        for _ in "Morgan Lee":
            patient.tap("Backspace")
        assert screen.name.text() == ""
        assert screen.sign.text() == "Type your name to continue" and not screen.sign.isEnabled()
        patient.type_on_screen("Morgan Lee")
        patient.draw_signature()  # with the keyboard still up
        assert screen.keyboard.isVisible()
        patient.tap("Sign")

        on_consent(qtbot, window, "consent_im_ketamine")
        patient.scroll_consent_to_end()
        patient.tap("I agree")
        assert screen.name.text() == "Morgan Lee"
        assert screen.pad.is_empty()  # nothing drawn here: adopting needs a tap of its own
        assert not screen.keyboard.isVisible()  # the name is there: no keyboard comes up unasked
        window.grab().save(str(tmp_path / "adopt.png"))
        patient.tap("Sign with my signature")
        adopt = screen.adopt
        qtbot.mouseClick(adopt, Qt.MouseButton.LeftButton, pos=adopt.rect().center())  # an unsure second tap

        on_consent(qtbot, window, "privacy_notice")
        patient.scroll_consent_to_end()
        patient.tap("I agree")
        # The patient changes the name on this one (it is theirs to change) and adopts the signature again.
        field = patient.tap_field("Full name")
        field.clear()
        patient.type_on_screen("Morgan A Lee")
        patient.tap("Done")
        patient.tap("Sign with my signature")
        qtbot.waitUntil(lambda: window.stack.currentWidget() is not window.consent, timeout=5000)
        assert window.sitting.state is not None
        intake_id = window.sitting.state.intake_id

        backend = open_backend(data_dir)
        try:
            with unit_of_work(backend.db_factory) as db:
                records = {
                    r.form_id: r
                    for r in db.scalars(
                        select(ConsentRecord).where(ConsentRecord.intake_id == intake_id).order_by(ConsentRecord.id)
                    )
                }
                assert list(records) == ["esign_consent", "consent_im_ketamine", "privacy_notice"]
                rows = db.scalars(select(ConsentRecord.id).where(ConsentRecord.intake_id == intake_id)).all()
                assert len(rows) == 3  # one record per consent: the second tap signed nothing more

                def name(record: ConsentRecord) -> str:
                    return backend.cipher.decrypt_text(record.typed_name_enc, context="consent_records.typed_name")

                def strokes(record: ConsentRecord) -> object:
                    return backend.cipher.decrypt_json(
                        record.signature_strokes_enc, context="consent_records.signature_strokes"
                    )

                drawn = records["esign_consent"]
                assert drawn.signature_adopted_at is None and name(drawn) == "Morgan Lee"
                for form_id in ("consent_im_ketamine", "privacy_notice"):
                    record = records[form_id]
                    assert record.signature_adopted_at == record.signed_at  # adopted by its own tap, then
                    assert strokes(record) == strokes(drawn)
                    assert record.text_sha256 != drawn.text_sha256
                assert name(records["consent_im_ketamine"]) == "Morgan Lee"
                assert name(records["privacy_notice"]) == "Morgan A Lee"
        finally:
            backend.engine.dispose()
    finally:
        window.shutdown()


def test_the_signature_is_forgotten_with_the_patient(qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir) -> None:
    """The next patient is never offered the last one's signature, nor their name."""
    window = open_kiosk(qtbot, make_data_dir(tmp_path / "data"))
    try:
        patient = Patient(qtbot, window)
        check_in(patient)
        on_consent(qtbot, window, "esign_consent")
        patient.scroll_consent_to_end()
        patient.tap("I agree")
        patient.draw_signature()
        patient.tap("Sign")
        on_consent(qtbot, window, "consent_im_ketamine")
        assert window.sitting.signature is not None
        window.end_sitting()
        assert window.sitting.signature is None and window.sitting.typed_name == ""
        assert window.consent.visit_signature is None and window.consent.name.text() == ""
        assert window.consent.adopted_preview.pixmap().isNull()
    finally:
        window.shutdown()


def test_in_larger_text_and_spanish_the_box_keeps_its_room_beside_the_keyboard(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir
) -> None:
    """The tightest case at 1280x800: nothing on the signing page overlaps, and the box keeps its height."""
    window = open_kiosk(qtbot, make_data_dir(tmp_path / "data"))
    try:
        patient = Patient(qtbot, window)
        patient.tap("Español")
        patient.tap("Letra más grande")
        patient.tap("Comenzar")
        patient.identify(*MORGAN, names=("Nombre", "Apellido", "Mes", "Día", "Año"))
        patient.tap("Siguiente")
        patient.tap("Sí, soy yo")
        on_consent(qtbot, window, "esign_consent")
        patient.scroll_consent_to_end()
        patient.tap("Acepto")
        patient.tap_field("Nombre completo")
        screen = window.consent
        qtbot.waitUntil(screen.keyboard.isVisible)
        qtbot.wait(100)  # the layout settles

        def box(widget: QWidget) -> QRect:
            return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())

        # While the name is typed, "Sign with your finger in the box" and Clear give their room to the box (which
        # says "Sign above the line" itself); they are back with "Listo".
        shown = [screen.name_label, screen.name, screen.pad, screen.keyboard, screen.sign_back, screen.sign]
        for index, first in enumerate(shown):
            assert first.isVisible()
            assert window.rect().contains(box(first)), first
            for second in shown[index + 1 :]:
                assert not box(first).intersects(box(second)), (first, second)
        assert screen.pad.height() >= screen.pad.minimumHeight()
        assert not screen.pad_label.isVisible() and not screen.clear.isVisible()
        patient.tap("Listo")
        qtbot.waitUntil(lambda: not screen.keyboard.isVisible())
        assert screen.pad_label.isVisible() and screen.clear.isVisible()
    finally:
        window.shutdown()


@pytest.mark.parametrize("size", [(1280, 800), (1024, 768)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_the_box_stays_still_under_a_finger_that_signs_low_in_it(
    qtbot: QtBot, tmp_path: Path, make_data_dir: MakeDataDir, size: tuple[int, int]
) -> None:
    """Seen on a live walk in larger text: a finger put down low in the box brought "Please sign a little more
    fully." under it at once, the box shrank by 46 px (the finger was now below it, the ink squashed along its
    bottom edge), and grew back when the finger lifted, its line 34 px lower: the ink ended up 20-35 px away from
    where it was drawn. A frightened patient signing with a finger needs a box that stays where it is."""
    window = open_kiosk(qtbot, make_data_dir(tmp_path / "data"), size=size)
    try:
        patient = Patient(qtbot, window)
        patient.tap("Larger text")
        check_in(patient)
        on_consent(qtbot, window, "esign_consent")
        patient.scroll_consent_to_end()
        patient.tap("I agree")
        screen = window.consent
        pad = screen.pad
        qtbot.wait(50)  # the signing page settles

        def where() -> tuple[QRect, float]:
            """The box on the window, and its signing line."""
            return QRect(pad.mapTo(window, QPoint(0, 0)), pad.size()), pad.baseline_y()

        before = where()
        window.grab().save(str(tmp_path / "before.png"))
        low = int(pad.height() * 0.93)
        short = [QPoint(200 + 8 * step, low - (6 if step % 2 else 0)) for step in range(6)]  # a hesitant start
        device = touchscreen()
        QTest.touchEvent(pad, device).press(0, short[0], pad).commit()
        qtbot.wait(50)  # time for a layout to move the box, had anything asked it to
        assert where() == before
        assert pad.words_under_line() == ""  # nothing comes up under the finger
        for point in short[1:]:
            QTest.touchEvent(pad, device).move(0, point, pad).commit()
            qtbot.wait(5)
            assert where() == before
        window.grab().save(str(tmp_path / "mid-stroke.png"))
        QTest.touchEvent(pad, device).release(0, short[-1], pad).commit()
        qtbot.wait(50)
        window.grab().save(str(tmp_path / "released.png"))
        assert where() == before
        # Too little ink to be a signature: the box says so, in its own room, now that the finger is up.
        assert not screen.sign.isEnabled()
        assert pad.words_under_line() == "Please sign a little more fully."
        # The ink is where the finger was: each point stored maps back to where it was pressed, on the window too.
        (stroke,) = pad.strokes()
        assert len(stroke) == len(short)
        for (x, y), pressed in zip(stroke, short, strict=True):
            drawn = before[0].topLeft() + QPoint(round(x * pad.width()), round(y * pad.height()))
            assert (drawn - (before[0].topLeft() + pressed)).manhattanLength() <= 1

        patient.draw_signature()  # the rest of the signature: enough ink, and still the box does not move
        qtbot.wait(50)
        assert where() == before
        assert pad.words_under_line() == "" and screen.sign.isEnabled()
    finally:
        window.shutdown()
