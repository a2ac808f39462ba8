"""The console's quiet-spell lock: an IdleGuard that only counts what happens in the console's own windows.

The plain IdleGuard watches the whole application, which is right for the kiosk. When the console was
opened from the tablet, the same application also holds the patient window; a patient tapping away there
must not keep a staff member's console open, so events in any other window are not counted here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QWidget

from kiosk.ui.widgets.idle_guard import IdleGuard

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
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
"""Every kind of event a person causes; the guard itself decides which of them count as activity."""
LOCK_AFTER_SECONDS = 300.0
"""Five quiet minutes, then the console locks."""
LOCK_COUNTDOWN_SECONDS = 0.5
"""The guard's countdown before it times out; the console shows no warning, it simply locks."""


def belongs_to(widget: QWidget, window: QWidget) -> bool:
    """Whether `widget` is `window` or inside it, counting its dialogs and popups (their parent is in it)."""
    current: QWidget | None = widget
    while current is not None:
        if current is window:
            return True
        current = current.parentWidget()
    return False


def guard_intervals(lock_after_seconds: float) -> tuple[float, float]:
    """(quiet, countdown) adding up to `lock_after_seconds`."""
    if lock_after_seconds <= 0:
        raise ValueError(f"the console's lock delay must be positive, got {lock_after_seconds} s")
    countdown = min(LOCK_COUNTDOWN_SECONDS, lock_after_seconds / 2)
    return lock_after_seconds - countdown, countdown


class ConsoleIdleGuard(IdleGuard):
    """Times out after `lock_after_seconds` without input in `window` (or its dialogs). Starts disabled.

    Signals: those of IdleGuard; the console locks on `timed_out`.
    """

    def __init__(
        self, app: QCoreApplication, window: QWidget, *, lock_after_seconds: float = LOCK_AFTER_SECONDS
    ) -> None:
        quiet, countdown = guard_intervals(lock_after_seconds)
        # The window is only reached as the Qt parent: a Python reference back to it would make a cycle, and
        # Python's collector could then delete the window from whichever thread it happens to run on.
        super().__init__(app, quiet_seconds=quiet, countdown_seconds=countdown, enabled=False, parent=window)

    def set_lock_after(self, seconds: float) -> None:
        quiet, countdown = guard_intervals(seconds)
        self.set_intervals(quiet_seconds=quiet, countdown_seconds=countdown)

    def lock_after_seconds(self) -> float:
        return self.quiet_seconds() + self.countdown_seconds()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every event of the application passes here: the cheap test (is it input at all?) comes first.
        if event.type() not in INPUT_EVENTS:
            return False
        window = self.parent()
        if not isinstance(window, QWidget) or not isinstance(watched, QWidget) or not belongs_to(watched, window):
            return False
        return super().eventFilter(watched, event)
