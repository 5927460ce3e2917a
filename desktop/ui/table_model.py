"""A Qt table model over plain rows, with instant search and sorting done in Python (fast at 75,000 rows)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

from db.rules.thai_digits import to_arabic_digits
from desktop.ui.table_fit import fit_columns

Index = QModelIndex | QPersistentModelIndex
_THAI_DIGIT = re.compile("[๐-๙]")


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any]
    align_right: bool = False
    sort_key: Callable[[Any], Any] | None = None
    stretch: bool = False  # names and places: takes the width left, elided in the middle when short of it
    only_with_deleted: bool = False  # shown only while deleted rows are listed (it is empty otherwise)


TOOLTIP_FROM = 16  # characters: a cell this long may be elided, so the whole text shows on hover


class RowTableModel(QAbstractTableModel):
    """Rows stay plain objects; `visible` holds the indexes of those that match the search, in view order."""

    def __init__(self, columns: Sequence[Column], *, search_text: Callable[[Any], str]) -> None:
        super().__init__()
        self.columns = list(columns)
        self._search_text = search_text
        self.rows: list[Any] = []
        self._haystack: list[str] = []
        self.visible: list[int] = []
        self._query = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        # Per (column, order): every row index in that order, computed once per set of rows. A search while
        # sorted walks it and keeps the matches, so a keystroke never sorts 75,000 rows again.
        self._sort_orders: dict[tuple[int, bool], list[int]] = {}
        self.generation = 0  # counts set_rows: a new set of rows, not a new search over the same rows

    # Qt API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.visible)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(column, index)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:  # a long cell is cut off with "...": the whole text on hover
            text = self._text(column, index)
            return text if len(text) >= TOOLTIP_FROM or (column.stretch and text) else None
        return None

    def _text(self, column: Column, index: Index) -> str:
        value = column.value(self.rows[self.visible[index.row()]])
        return "" if value is None else str(value)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return str(section + 1)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # Column -1 means "no sort column" (QTableView starts so): keep the order the rows came in.
        self._sort = (column, order) if 0 <= column < len(self.columns) else None
        self.layoutAboutToBeChanged.emit()
        if self._sort is None:
            self.visible.sort()
        else:
            self._apply_sort()
        self.layoutChanged.emit()

    # ours
    def build_haystack(self, rows: Sequence[Any]) -> list[str]:
        """The searchable text of each row; pure Python, so a worker thread can build it.

        Normalised as one text (one casefold, one replace for all rows rather than three calls a row).
        """
        texts = [self._search_text(r).replace("\n", " ") for r in rows]
        if not texts:
            return []
        return self._normalise("\n".join(texts)).split("\n")

    def set_rows(self, rows: Sequence[Any], *, haystack: list[str] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._sort_orders = {}
        self.generation += 1
        self._haystack = haystack if haystack is not None else self.build_haystack(self.rows)
        self._refilter()
        self.endResetModel()

    def set_query(self, text: str) -> None:
        query = self._normalise(text).strip()
        if query == self._query:
            return
        self.beginResetModel()
        narrowing = self._query and query.startswith(self._query)
        self._query = query
        # Typing one more letter only narrows: search the current matches, not all rows again.
        self._refilter(within=self.visible if narrowing else None)
        self.endResetModel()

    def row_at(self, view_row: int) -> Any:
        return self.rows[self.visible[view_row]]

    def view_row_of(self, predicate: Callable[[Any], bool]) -> int:
        for view_row, i in enumerate(self.visible):
            if predicate(self.rows[i]):
                return view_row
        return -1

    @staticmethod
    def _normalise(text: str) -> str:
        if _THAI_DIGIT.search(text):  # rare in stored data; translating every row would double the load time
            text = to_arabic_digits(text)
        return text.casefold().replace("-", "")

    def _refilter(self, within: list[int] | None = None) -> None:
        terms = self._query.split()
        if within is not None:  # already in view order: narrowing keeps it
            self.visible = self._matching(within, terms)
            return
        order = self._order() if self._sort is not None else range(len(self.rows))
        self.visible = self._matching(order, terms)

    def _matching(self, candidates: Sequence[int], terms: list[str]) -> list[int]:
        """The candidates (in their order) whose text holds every term: one plain pass per term, the
        cheapest form in Python (a keystroke over 75,000 rows)."""
        hay = self._haystack
        out = list(candidates)
        for t in terms:
            out = [i for i in out if t in hay[i]]
        return out

    def _order(self) -> list[int]:
        """Every row's index in the current sort order (cached per column and direction)."""
        assert self._sort is not None
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        cached = self._sort_orders.get((column, descending))
        if cached is None:
            # Thai collation keys cost a few µs a row: made once per set of rows, then only the order is kept.
            col = self.columns[column]
            key = col.sort_key or col.value
            keys = [_sortable(key(r)) for r in self.rows]
            cached = sorted(range(len(self.rows)), key=keys.__getitem__, reverse=descending)
            self._sort_orders[(column, descending)] = cached
        return cached

    def _apply_sort(self) -> None:
        if self._sort is None:
            return
        if len(self.visible) == len(self.rows):
            self.visible = list(self._order())
            return
        shown = bytearray(len(self.rows))
        for i in self.visible:
            shown[i] = 1
        self.visible = [i for i in self._order() if shown[i]]


def _sortable(value: Any) -> tuple[int, Any]:
    if value is None or value == "":
        return (1, "")
    if isinstance(value, (int, float)):
        return (0, value)
    return (0, str(value))


def make_table_view(
    model: RowTableModel, *, multi_select: bool = False, key: str | None = None, wrap: bool = False
) -> QTableView:
    """A read-only, row-selecting, sortable view that keeps the rows' own order until a header is clicked."""
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # -1: no sort column yet (see RowTableModel.sort)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multi_select
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    fit_columns(view, key=key, wrap=wrap)  # widths from the content; `key` remembers the user's own widths
    return view
