"""A read-only table model over frozen rows, handing them to the view in batches as it scrolls.

Views ask `canFetchMore`/`fetchMore` when they reach the bottom, so a day with a long history (or the
audit log of years) only ever creates the rows a person has scrolled to. Each column says how a row
reads (text), and optionally how it stands out (tone) and how it sorts among its peers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from kiosk.ui.staff.style import Tone

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex
BATCH = 200

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
"""The frozen row object behind a model row."""

_TEXT, _ROW, _FONT, _BACKGROUND, _FOREGROUND = range(5)
_ROLE_KINDS = {
    int(Qt.ItemDataRole.DisplayRole.value): _TEXT,
    int(Qt.ItemDataRole.AccessibleTextRole.value): _TEXT,
    int(Qt.ItemDataRole.ToolTipRole.value): _TEXT,
    int(ROW_ROLE): _ROW,
    int(Qt.ItemDataRole.FontRole.value): _FONT,
    int(Qt.ItemDataRole.BackgroundRole.value): _BACKGROUND,
    int(Qt.ItemDataRole.ForegroundRole.value): _FOREGROUND,
}


@cache
def _bold_font() -> QFont:
    """Made on first use: a QFont needs the QApplication, which does not exist at import time."""
    font = QFont()
    font.setBold(True)
    return font


@dataclass(frozen=True, slots=True)
class Column(Generic[Row]):
    title: str
    text: Callable[[Row], str]
    bold: Callable[[Row], bool] | None = None


class RowsModel(QAbstractTableModel, Generic[Row]):
    """Frozen rows shown `batch` at a time; `set_rows` replaces them all (a fresh board, a new filter)."""

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        *,
        tone: Callable[[Row], Tone | None] | None = None,
        batch: int = BATCH,
    ) -> None:
        super().__init__()
        self._columns = tuple(columns)
        self._tone = tone
        self._batch = batch
        self._rows: tuple[Row, ...] = ()
        self._shown = 0

    # ----- data in ------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = tuple(rows)
        self._shown = min(len(self._rows), self._batch)
        self.endResetModel()

    def extend_rows(self, rows: Sequence[Row]) -> None:
        """Add rows at the end (the next page of a paged source), shown at once."""
        if not rows:
            return
        first = self._shown
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows = (*self._rows[:first], *rows, *self._rows[first:])
        self._shown += len(rows)
        self.endInsertRows()

    # ----- data out -----------------------------------------------------------------------

    @property
    def rows(self) -> tuple[Row, ...]:
        """Every row, shown or not yet."""
        return self._rows

    def shown_count(self) -> int:
        return self._shown

    # ----- Qt model -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: Index) -> None:
        if parent.isValid():
            return
        count = min(self._batch, len(self._rows) - self._shown)
        if count <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + count - 1)
        self._shown += count
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title if 0 <= section < len(self._columns) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        # Views ask for a dozen roles per cell while sizing columns; the roles answered here are few, so
        # every other one returns at once.
        kind = _ROLE_KINDS.get(role)
        if kind is None or not index.isValid() or index.row() >= self._shown:
            return None
        row = self._rows[index.row()]
        if kind == _TEXT:
            return self._columns[index.column()].text(row)
        if kind == _ROW:
            return row
        if kind == _FONT:
            bold = self._columns[index.column()].bold
            return _bold_font() if bold is not None and bold(row) else None
        tone = self._tone(row) if self._tone is not None else None
        if tone is None:
            return None
        return tone.background if kind == _BACKGROUND else tone.foreground

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def table_view(
    model: RowsModel[Row], name: str, *, stretch_column: int = -1, follow_contents: bool = True
) -> QTableView:
    """A keyboard-friendly, row-selecting table named `name` (the heading shown above it).

    Tab moves on to the next control instead of from cell to cell; arrow keys move between rows. With
    `follow_contents` the columns keep fitting their contents as rows change (right for the board's few
    rows); without it they are fitted once by `fit_columns`, which long tables need to open quickly.
    """
    view = QTableView()
    view.setModel(model)
    if model.parent() is None:
        # A view does not own its model. Parented, the model lives exactly as long as the view, and Python's
        # collector (which may run on the service worker thread) never has a QObject of ours to delete.
        model.setParent(view)
    view.setAccessibleName(name)
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setShowGrid(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(30)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(
        QHeaderView.ResizeMode.ResizeToContents if follow_contents else QHeaderView.ResizeMode.Interactive
    )
    last = stretch_column if stretch_column >= 0 else model.columnCount() - 1
    header.setSectionResizeMode(last, QHeaderView.ResizeMode.Stretch)
    return view


def fit_columns(view: QTableView) -> None:
    """Size the columns to the rows on screen now (in the console's style, so after the view is placed)."""
    view.ensurePolished()
    view.resizeColumnsToContents()


def selected_row(view: QTableView) -> object | None:
    """The row object of the view's current selection, or None."""
    selection = view.selectionModel()
    if selection is None:
        return None
    rows = selection.selectedRows()
    if not rows:
        return None
    row: object = rows[0].data(ROW_ROLE)
    return row
