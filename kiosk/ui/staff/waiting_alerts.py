"""Nothing urgent goes unseen while the console is locked: a count on the lock screen, a chime and a
desktop notification, none of which names a patient.

`WaitingWatcher` asks the database every second how many urgent flags and holds are waiting (two numbers,
see services.flag_answers.waiting_counts) and says so when they change. `UrgentAlert` chimes and shows a
tray message when the number of urgent flags goes up: the first count after sign-in only sets the baseline,
so opening the console on a morning with an old flag does not chime. `WaitingCountLabel` is the lock
screen's line ("1 urgent flag, 2 holds: sign in to see them").
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtMultimedia import QSoundEffect
from PySide6.QtWidgets import QLabel, QStyle, QSystemTrayIcon, QWidget

from kiosk.domain.acknowledgements import WaitingCounts, waiting_sentence
from kiosk.resources import resource_path
from kiosk.services.backend import Backend
from kiosk.services.flag_answers import waiting_counts
from kiosk.services.staff_accounts import StaffIdentity
from kiosk.ui.service_runner import ServiceRunner
from kiosk.ui.staff.controls import set_label
from kiosk.ui.staff.style import Tone
from kiosk.ui.theme import TextRole, set_text_role

log = logging.getLogger(__name__)

POLL_MS = 1000
"""How often the counts are read: a change shows within two seconds, like the board."""
CHIME_FILE = ("sounds", "urgent-chime.wav")
NOTIFICATION_TITLE = "Urgent flag"
NOTIFICATION_TEXT = "A new urgent flag is waiting on the staff console. Sign in to see it."
NOTIFICATION_TEXT_MANY = "{count} new urgent flags are waiting on the staff console. Sign in to see them."
NOTIFICATION_MS = 15_000


class WaitingWatcher(QObject):
    """Polls the waiting counts for one signed-in person while started.

    Signals:
        counts_changed(object): the WaitingCounts differ from the last ones read (also sent for the first).
        urgent_arrived(int): the number of waiting urgent flags went up (not on the first read); how many.
    """

    counts_changed = Signal(object)
    urgent_arrived = Signal(int)

    def __init__(self, backend: Backend, runner: ServiceRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend = backend
        self._runner = runner
        self._identity: StaffIdentity | None = None
        self._last: WaitingCounts | None = None
        self._in_flight = False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._on_timer_timeout)

    @property
    def counts(self) -> WaitingCounts | None:
        return self._last

    def start(self, identity: StaffIdentity) -> None:
        """Watch for `identity` from now on; the first read sets the baseline."""
        if self._identity is None or self._identity.user_id != identity.user_id:
            self._last = None
        self._identity = identity
        self.timer.start()
        self._on_timer_timeout()

    def stop(self) -> None:
        self.timer.stop()
        self._identity = None
        self._last = None

    @Slot()
    def _on_timer_timeout(self) -> None:
        identity = self._identity
        if identity is None or self._in_flight:
            return
        self._in_flight = True
        backend = self._backend
        self._runner.submit(lambda: waiting_counts(backend, identity), self._on_counted, self._on_failed)

    def _on_counted(self, result: object) -> None:
        self._in_flight = False
        assert isinstance(result, WaitingCounts)
        if self._identity is None:
            return
        previous = self._last
        self._last = result
        if result != previous:
            self.counts_changed.emit(result)
        if previous is not None and result.urgent > previous.urgent:
            self.urgent_arrived.emit(result.urgent - previous.urgent)

    def _on_failed(self, error: Exception) -> None:
        self._in_flight = False
        log.warning("could not count the waiting flags: %r", error)


class UrgentAlert(QObject):
    """The chime (QSoundEffect with the bundled sound) and the tray notification for a new urgent flag.

    Signals:
        alerted(bool): an alert was given; True when the chime was asked to play too (it is off by a setting).
    """

    alerted = Signal(bool)

    def __init__(self, *, chime: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chime_enabled = chime
        # Made at the first chime: starting QtMultimedia connects to the sound server, which a console that
        # never chimes has no need of.
        self.sound: QSoundEffect | None = None
        self.tray = QSystemTrayIcon(self)
        self.tray.setToolTip("Staff console")
        self.tray.setIcon(_tray_icon())
        self.chimes_requested = 0
        self.notifications_shown: list[tuple[str, str]] = []

    @Slot(int)
    def announce(self, new_urgent: int = 1) -> None:
        """Chime (unless switched off) and show the notification; neither says who the patient is."""
        if self.chime_enabled:
            self.chimes_requested += 1
            self.chime().play()
        text = (
            NOTIFICATION_TEXT
            if new_urgent == 1
            else f"{new_urgent} new urgent flags are waiting on the staff console. Sign in to see them."
        )
        self.notifications_shown.append((NOTIFICATION_TITLE, text))
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray.show()
            self.tray.showMessage(NOTIFICATION_TITLE, text, QSystemTrayIcon.MessageIcon.Warning, NOTIFICATION_MS)
        else:
            log.info("no system tray on this desktop: the urgent flag is shown on the console only")
        self.alerted.emit(self.chime_enabled)

    def chime(self) -> QSoundEffect:
        """The chime, loaded from the bundled file on first use."""
        if self.sound is None:
            self.sound = QSoundEffect(self)
            self.sound.setSource(QUrl.fromLocalFile(str(resource_path(*CHIME_FILE))))
            self.sound.setVolume(0.8)
        return self.sound

    def hide(self) -> None:
        self.tray.hide()


def _tray_icon() -> QIcon:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
    return QIcon()


class WaitingCountLabel(QLabel):
    """The lock screen's line about what waits: counts only, red while an urgent flag waits."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        set_text_role(self, TextRole.QUESTION)
        self.setObjectName("waitingCount")
        self.show_counts(None)

    @Slot(object)
    def show_counts(self, counts: object) -> None:
        if not isinstance(counts, WaitingCounts):
            set_label(self, "")
            self.setVisible(False)
            return
        set_label(self, waiting_sentence(counts))
        tone = Tone.URGENT if counts.urgent else (Tone.HOLD if counts.holds else Tone.QUIET)
        self.setProperty("tone", tone.name.lower())
        style = self.style()
        style.unpolish(self)
        style.polish(self)
        self.setVisible(True)
