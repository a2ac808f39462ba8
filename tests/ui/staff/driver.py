"""Drives the staff console the way a person (or a screen reader) does: controls found by their accessible
name in the console window and its dialogs, clicked with real mouse events, typed into with real keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.ui.staff.console import ConsoleView
from kiosk.ui.staff.idle_lock import belongs_to
from kiosk.ui.staff.rows_model import ROW_ROLE
from kiosk.ui.staff.window import StaffWindow

TIMEOUT_MS = 5000
W = TypeVar("W", bound=QWidget)


class Staff:
    """A test's hands on the console."""

    def __init__(self, qtbot: QtBot, window: StaffWindow) -> None:
        self.qtbot = qtbot
        self.window = window

    # ----------------------------------------------------------------------------------- looking

    @property
    def console(self) -> ConsoleView:
        assert self.window.console is not None, "nobody is signed in"
        return self.window.console

    def windows(self) -> list[QWidget]:
        """The console window and every dialog of it on screen, newest dialog first."""
        dialogs = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget is not self.window and widget.isVisible() and belongs_to(widget, self.window)
        ]
        return [*reversed(dialogs), self.window]

    def visible(self, kind: type[W]) -> list[W]:
        found: list[W] = []
        for root in self.windows():
            found.extend(widget for widget in root.findChildren(kind) if widget.isVisible())
        return list(dict.fromkeys(found))

    def button(self, name: str) -> QAbstractButton:
        matches = [button for button in self.visible(QAbstractButton) if button.accessibleName() == name]
        names = [button.accessibleName() for button in self.visible(QAbstractButton)]
        assert matches, f"no visible button named {name!r}; visible: {names}"
        return matches[0]

    def has_button(self, name: str) -> bool:
        return any(button.accessibleName() == name for button in self.visible(QAbstractButton))

    def field(self, name: str) -> QLineEdit:
        matches = [field for field in self.visible(QLineEdit) if field.accessibleName() == name]
        assert matches, f"no visible field named {name!r}"
        return matches[0]

    def table(self, name: str) -> QTableView:
        matches = [table for table in self.visible(QTableView) if table.accessibleName() == name]
        assert matches, f"no visible table named {name!r}"
        return matches[0]

    def rows(self, name: str) -> list[object]:
        table = self.table(name)
        model = table.model()
        return [model.index(row, 0).data(ROW_ROLE) for row in range(model.rowCount())]

    def cell_texts(self, name: str) -> list[list[str]]:
        model = self.table(name).model()
        return [
            [str(model.index(row, column).data()) for column in range(model.columnCount())]
            for row in range(model.rowCount())
        ]

    def texts(self) -> list[str]:
        return [label.text() for label in self.visible(QLabel)]

    def shows_text(self, text: str) -> bool:
        return any(text in shown for shown in self.texts())

    def wait_for_text(self, text: str, timeout: int = TIMEOUT_MS) -> None:
        self.qtbot.waitUntil(lambda: self.shows_text(text), timeout=timeout)

    def wait_for_dialog(self, kind: type[W]) -> W:
        found: list[W] = []

        def shown() -> bool:
            found[:] = [widget for widget in self.windows() if isinstance(widget, kind)]
            return bool(found)

        self.qtbot.waitUntil(shown, timeout=TIMEOUT_MS)
        return found[0]

    def wait_for_board(self) -> None:
        self.qtbot.waitUntil(lambda: self.console.board.board is not None, timeout=TIMEOUT_MS)

    # ----------------------------------------------------------------------------------- acting

    def click(self, name: str) -> None:
        self.qtbot.waitUntil(lambda: self.has_button(name) and self.button(name).isEnabled(), timeout=TIMEOUT_MS)
        target = self.button(name)
        self.qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.rect().center())

    def type_into(self, name: str, text: str) -> QLineEdit:
        field = self.field(name)
        self.qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(8, field.height() // 2))
        field.selectAll()
        self.qtbot.keyClick(field, Qt.Key.Key_Delete)
        self.qtbot.keyClicks(field, text)
        return field

    def press_enter(self, widget: QWidget) -> None:
        self.qtbot.keyClick(widget, Qt.Key.Key_Return)

    def open_tab(self, name: str) -> None:
        tabs = self.console.tabs
        bar = tabs.tabBar()
        index = next((i for i in range(tabs.count()) if tabs.tabText(i) == name), -1)
        assert index >= 0, f"no tab named {name!r}; tabs: {self.console.tab_names()}"
        self.qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
        self.qtbot.waitUntil(lambda: tabs.currentIndex() == index, timeout=TIMEOUT_MS)

    def click_row(self, table_name: str, wanted: Callable[[object], bool]) -> None:
        """Click the first row whose row object satisfies `wanted` (waiting for the table to show one)."""
        self.qtbot.waitUntil(lambda: any(wanted(row) for row in self.rows(table_name)), timeout=TIMEOUT_MS)
        table = self.table(table_name)
        model = table.model()
        row = next(row for row in range(model.rowCount()) if wanted(model.index(row, 0).data(ROW_ROLE)))
        index = model.index(row, 0)
        table.scrollTo(index)
        self.qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center())
        self.qtbot.waitUntil(lambda: table.currentIndex().row() == row, timeout=TIMEOUT_MS)

    def choose_file(self, path: Path) -> None:
        """Put `path` in the open file dialog's name field and click its Save or Open button.

        (Typing there would open the dialog's completer popup, which the offscreen platform cannot show.)
        """
        dialog = self.wait_for_dialog(QFileDialog)
        dialog.selectFile(str(path))
        box = dialog.findChild(QDialogButtonBox)
        assert box is not None, "the file dialog has no buttons"
        accept = next(
            button
            for button in box.buttons()
            if box.buttonRole(button) == QDialogButtonBox.ButtonRole.AcceptRole and button.isVisible()
        )
        self.qtbot.waitUntil(accept.isEnabled, timeout=TIMEOUT_MS)
        self.qtbot.mouseClick(accept, Qt.MouseButton.LeftButton, pos=accept.rect().center())
        self.qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=TIMEOUT_MS)
