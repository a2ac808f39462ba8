"""The "Are you still there?" card that covers the screen while the idle countdown runs.

It covers the whole window with an opaque backdrop, so nothing of the patient (the review list, the
wording and answer of PHQ-9 item 9) stays legible to the next person in the waiting room while the
countdown runs, and shows the seconds left in words ("27 seconds"), that the answers are saved, and one
large button. All of its text is settable for Spanish.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QColor, QHideEvent, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.ui.theme import ButtonRole, TextRole, set_button_role, set_text_role
from kiosk.ui.widgets.idle_guard import IdleGuard

_BACKDROP = QColor(24, 30, 34)  # opaque: behind the card nothing can be read


class IdleOverlay(QWidget):
    """A translucent overlay over all of ``parent`` with a countdown card; hidden until needed.

    Use :meth:`bind` to drive it from an :class:`IdleGuard`, or call :meth:`show_countdown`,
    :meth:`set_remaining` and ``hide()`` yourself.

    Signals:
        still_here: the patient showed they are still there; sent once per countdown, when they tap
            "I'm still here" or (when bound to a guard) touch anything at all.
    """

    still_here = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._host = parent
        self._guard: IdleGuard | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setAutoFillBackground(False)

        self._card = QFrame(self)
        self._card.setObjectName("idleCard")
        self._card.setFrameShape(QFrame.Shape.NoFrame)
        self._card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._card.setAutoFillBackground(True)
        self._card.setMaximumWidth(640)
        self._card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self._title = QLabel("Are you still there?", self._card)
        self._title.setObjectName("idleTitle")
        set_text_role(self._title, TextRole.TITLE)
        self._message = QLabel("For your privacy, this screen will start over in", self._card)
        set_text_role(self._message, TextRole.BODY)
        self._saved = QLabel("Your answers are saved.", self._card)
        set_text_role(self._saved, TextRole.BODY)
        self._units = ("second", "seconds")
        self._seconds = 0
        self._countdown = QLabel("", self._card)
        self._countdown.setObjectName("idleCountdown")
        countdown_font = self._countdown.font()
        countdown_font.setPointSizeF(countdown_font.pointSizeF() * 4)
        countdown_font.setBold(True)
        self._countdown.setFont(countdown_font)
        self._button = QPushButton("I'm still here", self._card)
        self._button.setAccessibleName("I'm still here")
        self._button.setObjectName("idleStillHereButton")
        self._button.setMinimumHeight(80)
        self._button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        set_button_role(self._button, ButtonRole.PRIMARY)
        self._button.clicked.connect(self._on_button_clicked)

        for label in (self._title, self._message, self._countdown, self._saved):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
        # The big number, and the word under it: "27" / "seconds" reads as "27 seconds" and fits in large text.
        self._unit = QLabel("", self._card)
        set_text_role(self._unit, TextRole.TITLE)
        self._unit.setAlignment(Qt.AlignmentFlag.AlignCenter)

        card_layout = QVBoxLayout(self._card)
        card_layout.setContentsMargins(48, 40, 48, 40)
        card_layout.setSpacing(16)
        card_layout.addWidget(self._title)
        card_layout.addWidget(self._message)
        card_layout.addWidget(self._countdown)
        card_layout.addWidget(self._unit)
        card_layout.addWidget(self._saved)
        card_layout.addSpacing(8)
        card_layout.addWidget(self._button)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addStretch(1)
        outer.addWidget(self._card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        parent.installEventFilter(self)
        self.setGeometry(parent.rect())
        self.hide()

    # ----- public API -------------------------------------------------------------------------

    def set_texts(
        self,
        *,
        title: str,
        message: str,
        button: str,
        saved: str = "Your answers are saved.",
        units: tuple[str, str] = ("second", "seconds"),
    ) -> None:
        """Translate the card (e.g. "¿Sigue ahí?", "Por su privacidad, ...", "Sigo aquí", "segundo(s)")."""
        self._title.setText(title)
        self._message.setText(message)
        self._saved.setText(saved)
        self._units = units
        self._button.setText(button)
        self._button.setAccessibleName(button)
        if self._countdown.text():
            self.set_remaining(self._seconds)

    def show_countdown(self, seconds: int) -> None:
        """Cover the parent and start showing ``seconds``; the button takes the focus for Enter/Space."""
        self.set_remaining(seconds)
        self.setGeometry(self._host.rect())
        self.raise_()
        self.show()
        self._button.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_remaining(self, seconds: int) -> None:
        """Update the countdown, in words: "27 seconds", never a bare number."""
        self._seconds = max(seconds, 0)
        self._countdown.setText(str(self._seconds))
        self._unit.setText(self._units[0] if self._seconds == 1 else self._units[1])

    def remaining_text(self) -> str:
        """What the patient currently reads, e.g. "27 seconds"."""
        return f"{self._countdown.text()} {self._unit.text()}"

    def bind(self, guard: IdleGuard) -> None:
        """Show on the guard's warning, count with it, and hide when it resumes or times out."""
        if self._guard is not None:
            raise RuntimeError("this overlay is already bound to an idle guard")
        self._guard = guard
        guard.idle_warning.connect(self._on_guard_idle_warning)
        guard.countdown_changed.connect(self.set_remaining)
        guard.resumed.connect(self._on_guard_resumed)
        guard.timed_out.connect(self._on_guard_timed_out)

    # ----- Qt overrides -----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the parent's size, so the overlay covers it after a rotation or resize."""
        if watched is self._host and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._host.rect())
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), _BACKDROP)
        finally:
            painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Taps on the dimmed backdrop must not reach the screen underneath."""
        event.accept()

    def hideEvent(self, event: QHideEvent) -> None:
        # Hidden mid-press (activity dismissed the card): do not show a stuck-down button next time.
        self._button.setDown(False)
        super().hideEvent(event)

    # ----- slots ------------------------------------------------------------------------------

    @Slot()
    def _on_button_clicked(self) -> None:
        if self.isVisible():
            self.hide()
            self.still_here.emit()

    @Slot()
    def _on_guard_idle_warning(self) -> None:
        assert self._guard is not None
        self.show_countdown(self._guard.remaining_seconds() or round(self._guard.countdown_seconds()))

    @Slot()
    def _on_guard_resumed(self) -> None:
        if self.isVisible():
            self.hide()
            self.still_here.emit()

    @Slot()
    def _on_guard_timed_out(self) -> None:
        self.hide()
