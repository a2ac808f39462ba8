"""The bare-Qt floor the kiosk is measured against, each in a process of its own (benchmarks/patient.py).

python floor_probe.py window        a minimal PySide6 window (one label, one button): print "painted" at its first
                                    paint, then "ready PEAK_KIB RSS_KIB PSS_KIB" and exit
python floor_probe.py switch N      a QStackedWidget of two pages (a label and four buttons each) switched N times;
                                    print the switch -> painted times as JSON

Nothing of the kiosk is imported: this is what any PySide6 application pays on this machine at this moment.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.memory import peak_kib, pss_kib, rss_kib


def window() -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QVBoxLayout, QWidget

    app = QApplication(sys.argv[:1])
    top = QWidget()
    layout = QVBoxLayout(top)
    layout.addWidget(QLabel("Welcome"))
    layout.addWidget(QPushButton("Start"))

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                print("painted", flush=True)
                QTimer.singleShot(0, ready)
            return False

    def ready() -> None:
        print(f"ready {peak_kib()} {rss_kib()} {pss_kib()}", flush=True)
        app.exit(0)

    spy = FirstPaint()
    top.installEventFilter(spy)
    top.resize(1280, 800)
    top.show()
    return app.exec()


def switch(count: int) -> int:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

    app = QApplication(sys.argv[:1])
    stack = QStackedWidget()
    pages = []
    for name in ("first", "second"):
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(f"The {name} page"))
        for number in range(4):
            layout.addWidget(QPushButton(f"Choice {number + 1}"))
        stack.addWidget(page)
        pages.append(page)
    samples: list[float] = []
    started = [0.0]

    def next_switch() -> None:
        if len(samples) == count:
            print(json.dumps({"switch_to_paint": samples}), flush=True)
            app.exit(0)
            return
        started[0] = time.perf_counter()
        stack.setCurrentIndex((stack.currentIndex() + 1) % 2)

    class PagePaint(QObject):
        """The switch is made from a timer, as the kiosk's are made from a signal, and the event loop paints."""

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched is stack.currentWidget() and started[0]:
                samples.append(time.perf_counter() - started[0])
                started[0] = 0.0
                QTimer.singleShot(5, next_switch)
            return False

    spy = PagePaint()
    for page in pages:
        page.installEventFilter(spy)
    stack.resize(1280, 800)
    stack.show()
    QTimer.singleShot(100, next_switch)
    return app.exec()


if __name__ == "__main__":
    mode = sys.argv[1]
    sys.exit(window() if mode == "window" else switch(int(sys.argv[2])))
