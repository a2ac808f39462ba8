"""The acknowledge dialog, clicked like a person: nothing is chosen at first, an outcome or a reason must be
given before it can be saved, and the note is optional."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.domain.acknowledgements import DEFAULT_ACKNOWLEDGEMENT_OUTCOMES
from kiosk.ui.staff.acknowledge_dialog import AcknowledgeDialog


def click(qtbot: QtBot, widget: QWidget) -> None:
    """Where a person taps: the middle of a button or field, the circle or first words of a radio button."""
    pos = QPoint(12, widget.height() // 2) if isinstance(widget, QRadioButton) else widget.rect().center()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


KEPT: list[QWidget] = []


def opened(qtbot: QtBot, **arguments: object) -> AcknowledgeDialog:
    """The dialog over a console-sized window, as the board opens it."""
    console = QWidget()
    qtbot.addWidget(console)
    console.resize(1280, 800)
    console.show()
    dialog = AcknowledgeDialog(parent=console, **arguments)  # type: ignore[arg-type]
    KEPT.append(console)  # the window must outlive this function, as the console outlives its dialogs
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_urgent_needs_an_outcome_and_keeps_the_note(qtbot: QtBot) -> None:
    dialog = opened(
        qtbot, urgent=True, patient_name="Morgan Lee", flag_message="PHQ-9 item 9 answered above 0",
        outcomes=DEFAULT_ACKNOWLEDGEMENT_OUTCOMES,
    )  # fmt: skip
    assert [button.text() for button in dialog.outcome_buttons] == list(DEFAULT_ACKNOWLEDGEMENT_OUTCOMES)
    assert dialog.group.checkedButton() is None and not dialog.save_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Enter alone acknowledges nothing
    assert dialog.isVisible()
    safety_plan = next(button for button in dialog.outcome_buttons if button.text() == "safety plan made")
    click(qtbot, safety_plan)
    assert dialog.save_button.isEnabled()
    click(qtbot, dialog.note_field)
    qtbot.keyClicks(dialog.note_field, "Partner drives home.")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        click(qtbot, dialog.save_button)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert (dialog.outcome(), dialog.note()) == ("safety plan made", "Partner drives home.")


def test_a_hold_needs_a_typed_reason(qtbot: QtBot) -> None:
    dialog = opened(qtbot, urgent=False, patient_name="Chris O'Neil", flag_message="No ride home arranged", outcomes=())
    assert dialog.windowTitle() == "Clear hold before dosing" and not dialog.outcome_buttons
    assert not dialog.save_button.isEnabled()
    click(qtbot, dialog.reason)
    qtbot.keyClicks(dialog.reason, "   ")
    assert not dialog.save_button.isEnabled()
    qtbot.keyClicks(dialog.reason, "ride confirmed by phone")
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        click(qtbot, dialog.save_button)
    assert (dialog.outcome(), dialog.note()) == ("ride confirmed by phone", "")
