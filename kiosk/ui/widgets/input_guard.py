"""Taps that cannot mislead: a screen that has just appeared ignores the finger for a short guard time,
and a tap counts only when it was pressed and released on the screen that is showing.

Two taps 450 ms apart once answered GAD-7 items 1 and 2 with the same option: the second tap landed on
the pooled answer button of a question the patient never saw. `arm()` is called whenever the patient
screen shows something new (a question, a consent, Review); presses on that screen within the guard time
are swallowed, and so is any release whose press belonged to what was showing before.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

_PRESSES = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.TouchBegin)
_RELEASES = (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd)


class InputGuard(QObject):
    """An event filter for the application that guards the widgets inside `area`."""

    def __init__(
        self,
        area: QWidget,
        guard_ms: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._area = area
        self._guard_seconds = guard_ms / 1000
        self._clock = clock
        self._armed_at = -1e9
        self._generation = 0
        self._pressed_generation: int | None = None
        self.swallowed = 0
        """How many presses and releases were ignored (for tests and the log)."""
        self.also_notify: Callable[[QObject, QEvent], object] | None = None
        """Called with every input event first, swallowed or not (the idle guard): one Python filter on the
        application instead of two halves what every event of a screen change costs in calls into Python."""

    def arm(self) -> None:
        """Something new is showing: ignore the finger for the guard time, and forget an earlier press."""
        self._armed_at = self._clock()
        self._generation += 1

    def ready(self) -> bool:
        """Whether a tap now would count (the guard time since the last new screen has passed)."""
        return self._clock() - self._armed_at >= self._guard_seconds

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not event.isInputEvent():
            return False  # a show, layout or paint event: the many of a screen change pass without an enum lookup
        if self.also_notify is not None:
            self.also_notify(watched, event)
        kind = event.type()
        if kind not in _PRESSES and kind not in _RELEASES:
            return False
        if not isinstance(watched, QWidget) or not (watched is self._area or self._area.isAncestorOf(watched)):
            return False
        if kind in _PRESSES:
            if not self.ready():
                self.swallowed += 1
                return True
            self._pressed_generation = self._generation
            return False
        if self._pressed_generation != self._generation:
            # Pressed on what was showing before (or not at all): releasing now must not choose on this screen.
            self.swallowed += 1
            return True
        return False
