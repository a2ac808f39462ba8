"""Welcome: the clinic's name and logo, the time, a large Start button and the language button."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QWidget

from kiosk.resources import resource_path
from kiosk.ui.i18n import tr
from kiosk.ui.patient.base import Screen, button, label, set_label
from kiosk.ui.theme import ButtonRole, TextRole


class WelcomeScreen(Screen):
    """The screen the tablet rests on between patients.

    Signals:
        start_requested: the patient tapped Start.
    """

    start_requested = Signal()

    def __init__(self, clinic_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.addStretch(2)
        logo_path = resource_path("images", "clinic-logo.svg")
        self.logo = QSvgWidget(str(logo_path))
        self.logo.setFixedSize(140, 140)
        self.logo.setAccessibleName(clinic_name)
        self.body.addWidget(self.logo, 0, Qt.AlignmentFlag.AlignHCenter)
        self.clinic = label(TextRole.TITLE, clinic_name)
        self.clinic.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.clinic)
        self.clock = label(TextRole.BODY)
        self.clock.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.clock)
        self.greeting = label(TextRole.QUESTION)
        self.greeting.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.body.addWidget(self.greeting)
        self.body.addSpacing(12)
        self.start = button(role=ButtonRole.PRIMARY)
        self.start.setMinimumHeight(96)
        self.start.setMinimumWidth(360)
        self.start.setObjectName("startButton")
        self.start.clicked.connect(self.start_requested)
        self.body.addWidget(self.start, 0, Qt.AlignmentFlag.AlignHCenter)
        self.body.addStretch(3)
        self._timer = QTimer(self)
        self._timer.setInterval(15_000)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()
        self.retranslate()

    def retranslate(self) -> None:
        set_label(self.greeting, tr("Welcome. Tap Start to check in for your visit."))
        set_label(self.start, tr("Start"))
        self._on_timer_timeout()

    @Slot()
    def _on_timer_timeout(self) -> None:
        # The format is itself translated: Spanish writes "jueves 26 de noviembre · 7:45 a. m.".
        text = QLocale().toString(QDateTime.currentDateTime(), tr("dddd, MMMM d · h:mm AP"))
        set_label(self.clock, text)
