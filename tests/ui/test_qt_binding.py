"""Guards against a broken Qt binding: PySide6 6.12.0 dropped a reference to None/True on every void
call and signal emit, which aborts CPython 3.11 within minutes of kiosk use (pinned away in pyproject)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    happened = Signal()


def test_void_calls_and_emits_keep_reference_counts() -> None:
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        emitter.setObjectName("x")
        emitter.happened.emit()
    # Other code may take or drop a few references meanwhile; a leak would be about 200.
    assert abs(sys.getrefcount(None) - none_before) < 50
    assert abs(sys.getrefcount(True) - true_before) < 50
