"""Screens that only say something: "Is this you?", please see the front desk, the crisis message, thank you."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.ui.i18n import tr
from kiosk.ui.patient.base import Screen, button, button_row, label, set_label
from kiosk.ui.theme import ButtonRole, TextRole

Text = Callable[[], str]


class MessageScreen(Screen):
    """A calm title, a message, and one or two buttons; the texts are functions so they follow the language.

    Signals:
        accepted: the main button was tapped.
        declined: the second button (if any) was tapped.
    """

    accepted = Signal()
    declined = Signal()

    def __init__(
        self,
        title: Text,
        message: Text,
        accept: Text,
        decline: Text | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._texts = (title, message, accept, decline)
        self.body.addStretch(2)
        self.title = label(TextRole.TITLE)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.message = label(TextRole.QUESTION)
        self.message.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.detail = label(TextRole.BODY)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.title)
        self.body.addWidget(self.message)
        self.body.addWidget(self.detail)
        self.body.addSpacing(24)
        self.accept = button(role=ButtonRole.PRIMARY)
        self.accept.setMinimumWidth(280)
        self.accept.clicked.connect(self.accepted)
        self.decline = button() if decline else None
        if self.decline is not None:
            self.decline.setMinimumWidth(280)
            self.decline.clicked.connect(self.declined)
            row = button_row(self.decline, self.accept, stretch_first=False)
            row.insertStretch(0, 1)
            row.addStretch(1)
        else:
            row = button_row(self.accept, stretch_first=False)
            row.insertStretch(0, 1)
            row.addStretch(1)
        self.body.addLayout(row)
        self.body.addStretch(3)
        self._detail_text: Text | None = None
        self._wording: tuple[Text, Text] | None = None
        self.retranslate()

    def set_detail(self, detail: Text | None) -> None:
        """A line under the message that depends on the patient (shown until reset)."""
        self._detail_text = detail
        set_label(self.detail, detail() if detail else "")

    def set_wording(self, wording: tuple[Text, Text] | None) -> None:
        """Another title and message for this patient (shown until reset); None goes back to the usual ones."""
        self._wording = wording
        self.retranslate()

    def retranslate(self) -> None:
        title, message, accept, decline = self._texts
        if self._wording is not None:
            title, message = self._wording
        set_label(self.title, title())
        set_label(self.message, message())
        set_label(self.accept, accept())
        if self.decline is not None and decline is not None:
            set_label(self.decline, decline())
        set_label(self.detail, self._detail_text() if self._detail_text else "")

    def reset(self) -> None:
        self._wording = None
        self._detail_text = None
        self.retranslate()


@dataclass(frozen=True, slots=True)
class AppointmentCardText:
    """What the appointment card shows, in the current language: the name as the kiosk may show it (first
    name and last initial), the time with AM/PM and the visit type."""

    name: str
    time: str
    visit: str


class ConfirmScreen(MessageScreen):
    """ "Is this you?": the appointment found, as a large card the patient can check at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            title=lambda: tr("Is this you?"),
            message=lambda: tr("Please check that this is your appointment."),
            accept=lambda: tr("Yes, this is me"),
            decline=lambda: tr("No, this is not me"),
            parent=parent,
        )
        self.card = QFrame()
        self.card.setObjectName("appointmentCard")
        column = QVBoxLayout(self.card)
        column.setContentsMargins(32, 24, 32, 24)
        column.setSpacing(8)
        self.card_heading = label(TextRole.HINT)
        self.card_name = label(TextRole.TITLE)
        self.card_name.setObjectName("appointmentName")
        self.card_time = label(TextRole.QUESTION)
        self.card_time.setObjectName("appointmentTime")
        self.card_visit = label(TextRole.QUESTION)
        for widget in (self.card_heading, self.card_name, self.card_time, self.card_visit):
            widget.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column.addWidget(widget)
        self.card.setMaximumWidth(720)
        self.body.insertWidget(self.body.indexOf(self.detail) + 1, self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        self.detail.hide()
        self._card_text: Callable[[], AppointmentCardText] | None = None
        self.card.hide()
        self.retranslate()

    def set_appointment(self, card_text: Callable[[], AppointmentCardText] | None) -> None:
        """The appointment to check (its words follow the language), or None to show nothing of anyone."""
        self._card_text = card_text
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        if not hasattr(self, "card"):
            return  # called by MessageScreen's constructor, before the card is made
        card_text = self._card_text
        shown = card_text() if card_text is not None else AppointmentCardText("", "", "")
        set_label(self.card_heading, tr("Your appointment today") if card_text is not None else "")
        set_label(self.card_name, shown.name)
        set_label(self.card_time, shown.time)
        set_label(self.card_visit, shown.visit)
        self.card.setVisible(card_text is not None)

    def reset(self) -> None:
        self._card_text = None
        super().reset()


def confirm_screen() -> ConfirmScreen:
    return ConfirmScreen()


def not_me_screen() -> MessageScreen:
    """After "No, this is not me": say so (the appointment found was someone else's), offer to try again."""
    return MessageScreen(
        title=lambda: tr("That appointment is not yours"),
        message=lambda: tr(
            "Thank you for checking. Please try again and check how your name and date of birth are typed, "
            "or ask at the front desk for help."
        ),
        accept=lambda: tr("Try again"),
        decline=lambda: tr("I will ask at the front desk"),
    )


def front_desk_screen() -> MessageScreen:
    return MessageScreen(
        title=lambda: tr("Please see the front desk"),
        message=lambda: tr(
            "We could not find your appointment for today. A staff member at the front desk "
            "will be glad to help you check in."
        ),
        accept=lambda: tr("OK"),
    )


def already_done_screen() -> MessageScreen:
    return MessageScreen(
        title=lambda: tr("You are already checked in"),
        message=lambda: tr(
            "Your answers for today were sent to the care team. If something has changed, please tell the front desk."
        ),
        accept=lambda: tr("OK"),
    )


def problem_screen() -> MessageScreen:
    return MessageScreen(
        title=lambda: tr("Please see the front desk"),
        message=lambda: tr(
            "Something went wrong on our side. Everything you entered is saved. "
            "A staff member at the front desk will help you finish."
        ),
        accept=lambda: tr("OK"),
    )


def crisis_screen(crisis_message: Callable[[], str]) -> MessageScreen:
    screen = MessageScreen(
        title=lambda: tr("Thank you for telling us"),
        message=lambda: tr(
            "A member of our care team will check in with you today before anything else. "
            "You are not alone, and you do not have to wait to talk to someone."
        ),
        accept=lambda: tr("Continue"),
    )
    screen.set_detail(crisis_message)
    screen.reset = lambda: None  # type: ignore[method-assign]  # the crisis line is clinic text, not patient data
    return screen


def after_crisis_wording() -> tuple[Text, Text]:
    """The thank-you words after an answer that showed the crisis message: gentle and specific, never "we will
    call your name" as if nothing had been said."""
    return (
        lambda: tr("Thank you, you are checked in"),
        lambda: tr(
            "Please stay here in the waiting room. Someone from our care team will come and talk with you "
            "before anything else."
        ),
    )


def thank_you_screen() -> MessageScreen:
    return MessageScreen(
        title=lambda: tr("Thank you, you are checked in"),
        message=lambda: tr(
            "Please have a seat. A member of our team will call your name when it is time. "
            "If you need anything, please ask at the front desk."
        ),
        accept=lambda: tr("Done"),
    )
