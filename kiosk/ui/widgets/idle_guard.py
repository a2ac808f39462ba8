"""Notices when the patient has walked away, so the next person never sees their answers.

The guard is an application-wide event filter: any tap, touch, mouse movement, wheel or key in any
window counts as activity. After ``quiet_seconds`` without activity it warns (the screen shows the
"Are you still there?" overlay); after a further ``countdown_seconds`` it times out (the screen goes
back to Welcome). Only QTimers are used: nothing sleeps and nothing calls processEvents().
"""

from __future__ import annotations

import math
from enum import Enum, auto

from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QElapsedTimer, QEvent, QObject, Qt, QTimer, Signal, Slot

_ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
        QEvent.Type.TabletRelease,
    }
)
"""Events that mean a person is there. Mouse moves count only when they come from the window
system (see eventFilter): Qt also sends itself synthetic moves when widgets appear under the cursor."""

_TOLERANCE_MS = 10
"""Timers may fire a few milliseconds early; closer than this to a deadline counts as reaching it."""


class IdleState(Enum):
    """Where the guard is in its cycle."""

    DISABLED = auto()
    WATCHING = auto()
    COUNTING_DOWN = auto()
    TIMED_OUT = auto()


class IdleGuard(QObject):
    """Application event filter that warns, then times out, when nobody touches the kiosk.

    It installs itself on ``app`` when created and removes itself in :meth:`uninstall`; given no app, its owner
    passes it the input events (through :meth:`eventFilter`) from a filter of its own. It starts
    enabled unless ``enabled=False`` (the Welcome screen disables it: there is nothing to hide).

    Signals:
        idle_warning: ``quiet_seconds`` passed without activity; the countdown has started.
        countdown_changed(int): whole seconds left in the countdown; sent when it starts and each second.
        timed_out: the countdown ran out without activity; the guard waits for the next activity.
        resumed: there was activity during the countdown, which is cancelled.
    """

    idle_warning = Signal()
    countdown_changed = Signal(int)
    timed_out = Signal()
    resumed = Signal()

    def __init__(
        self,
        app: QCoreApplication | None,
        *,
        quiet_seconds: float,
        countdown_seconds: float,
        enabled: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._app: QCoreApplication | None = app
        self._quiet_ms = 0
        self._countdown_ms = 0
        self._state = IdleState.DISABLED
        self._last_activity = QElapsedTimer()
        self._deadline = QDeadlineTimer()
        self._last_announced = -1

        self._quiet_timer = QTimer(self)
        self._quiet_timer.setSingleShot(True)
        self._quiet_timer.timeout.connect(self._on_quiet_timer_timeout)
        self._countdown_timer = QTimer(self)
        self._countdown_timer.setSingleShot(True)
        self._countdown_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._countdown_timer.timeout.connect(self._on_countdown_timer_timeout)

        self.set_intervals(quiet_seconds=quiet_seconds, countdown_seconds=countdown_seconds)
        if app is not None:
            app.installEventFilter(self)
        self.set_enabled(enabled)

    # ----- public API -------------------------------------------------------------------------

    def state(self) -> IdleState:
        """Where the guard is: disabled, watching, counting down, or timed out."""
        return self._state

    def is_enabled(self) -> bool:
        """False while disabled (e.g. on the Welcome screen)."""
        return self._state is not IdleState.DISABLED

    def set_enabled(self, enabled: bool) -> None:
        """Enable (the quiet period starts afresh) or disable (all timers stop; no signal is sent)."""
        if enabled == self.is_enabled():
            return
        if enabled:
            self._start_watching()
        else:
            self._stop_timers()
            self._state = IdleState.DISABLED

    def quiet_seconds(self) -> float:
        """How long the kiosk may sit untouched before the warning."""
        return self._quiet_ms / 1000

    def countdown_seconds(self) -> float:
        """How long the warning counts down before the time-out."""
        return self._countdown_ms / 1000

    def set_intervals(self, *, quiet_seconds: float, countdown_seconds: float) -> None:
        """Change both periods (a settings change); a running quiet period or countdown starts over."""
        if quiet_seconds <= 0 or countdown_seconds <= 0:
            raise ValueError(
                f"idle periods must be positive, got quiet={quiet_seconds} s, countdown={countdown_seconds} s"
            )
        self._quiet_ms = max(1, round(quiet_seconds * 1000))
        self._countdown_ms = max(1, round(countdown_seconds * 1000))
        if self.is_enabled():
            self._start_watching()

    def remaining_seconds(self) -> int:
        """Whole seconds left in the countdown (0 when no countdown is running)."""
        if self._state is not IdleState.COUNTING_DOWN:
            return 0
        return math.ceil(max(self._deadline.remainingTime(), 0) / 1000)

    def note_activity(self) -> None:
        """Count something other than an input event as activity (e.g. a screen that just opened)."""
        if self._state is IdleState.COUNTING_DOWN:
            self._stop_timers()
            self._start_watching()
            self.resumed.emit()
        elif self._state is IdleState.TIMED_OUT:
            self._start_watching()
        elif self._state is IdleState.WATCHING:
            self._last_activity.restart()

    def uninstall(self) -> None:
        """Stop watching the application for good (the window is closing)."""
        self.set_enabled(False)
        if self._app is not None:
            self._app.removeEventFilter(self)
            self._app = None

    # ----- Qt overrides -----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note activity and let every event through untouched.

        Every event of the application passes here: the cheap isInputEvent() comes first, so the hundreds of show,
        layout and paint events of a screen change cost no enum lookups (all activity events are input events)."""
        if self._state is not IdleState.DISABLED and event.isInputEvent():
            kind = event.type()
            if kind in _ACTIVITY_EVENTS or (kind == QEvent.Type.MouseMove and event.spontaneous()):
                self.note_activity()
        return False

    # ----- timers -----------------------------------------------------------------------------

    def _start_watching(self) -> None:
        self._stop_timers()
        self._state = IdleState.WATCHING
        self._last_activity.start()
        self._quiet_timer.start(self._quiet_ms)

    def _stop_timers(self) -> None:
        self._quiet_timer.stop()
        self._countdown_timer.stop()

    @Slot()
    def _on_quiet_timer_timeout(self) -> None:
        if self._state is not IdleState.WATCHING:
            return
        # Activity only stamps the time (cheap for a stream of touch moves); the timer checks it here.
        left = self._quiet_ms - self._last_activity.elapsed()
        if left > _TOLERANCE_MS:
            self._quiet_timer.start(left)
            return
        self._state = IdleState.COUNTING_DOWN
        self._deadline = QDeadlineTimer(self._countdown_ms, Qt.TimerType.PreciseTimer)
        self._last_announced = -1
        self.idle_warning.emit()
        if self._state is IdleState.COUNTING_DOWN:
            self._tick()

    @Slot()
    def _on_countdown_timer_timeout(self) -> None:
        if self._state is IdleState.COUNTING_DOWN:
            self._tick()

    def _tick(self) -> None:
        """Announce the seconds left and wake again at the next whole second, or time out."""
        left_ms = self._deadline.remainingTime()
        if left_ms <= _TOLERANCE_MS:
            self._stop_timers()
            self._state = IdleState.TIMED_OUT
            self.timed_out.emit()
            return
        seconds = math.ceil(left_ms / 1000)
        if seconds != self._last_announced:
            self._last_announced = seconds
            self.countdown_changed.emit(seconds)
            if self._state is not IdleState.COUNTING_DOWN:
                return
        self._countdown_timer.start(left_ms % 1000 or 1000)
