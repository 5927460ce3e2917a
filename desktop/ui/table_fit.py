"""Table columns sized to what they show: IDs and numbers whole, names and places take the room left."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

from desktop.ui.screen_fit import ui_settings

CELL_PADDING = 18  # Qt's cell margins and a little air
HEADER_PADDING = 26  # room for the sort arrow
SAMPLE_ROWS = 400  # enough to see the widest values without measuring 75,000 rows


def _stretch_columns(model: QAbstractItemModel) -> set[int]:
    columns = getattr(model, "columns", None)
    if columns is None:
        return set()
    return {i for i, c in enumerate(columns) if getattr(c, "stretch", False)}


def _water_level(widths: list[int], budget: int) -> int:
    """The largest cap L with sum(min(w, L)) <= budget: short columns keep their width, long ones share the rest."""
    if budget <= 0:
        return 0
    ordered = sorted(widths)
    left = budget
    for i, w in enumerate(ordered):
        share = left // (len(ordered) - i)
        if w > share:
            return share
        left -= w
    return ordered[-1] if ordered else 0


class ColumnFitter(QObject):
    """Sizes a view's columns to their content and to the view's width; widths a user drags are remembered.

    A column may be narrower than its widest value only if it stretches (names, places): there the text is
    elided in the middle and the whole shows on hover (the model's tooltip).
    """

    def __init__(self, view: QTableView, *, key: str | None = None, wrap: bool = False) -> None:
        super().__init__(view)
        self.view = view
        self.key = key
        self.wrap = wrap  # short tables (rounds): long text wraps onto a second line instead of eliding
        self._fitting = False
        self._user_widths: dict[int, int] = self._load()
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.sectionResized.connect(self._resized_by_user)
        view.setTextElideMode(Qt.TextElideMode.ElideNone if wrap else Qt.TextElideMode.ElideMiddle)
        view.setWordWrap(wrap)
        if wrap:
            view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.viewport().installEventFilter(self)
        self._timer = QTimer(self, singleShot=True, interval=0)
        self._timer.timeout.connect(self.fit)
        self._fitted_generation: object = None
        model = view.model()
        model.modelReset.connect(self._reset)
        for signal in (model.layoutChanged, model.rowsInserted):
            signal.connect(self.schedule)
        self.schedule()

    def _alive(self) -> bool:
        # A QTableWidget's own model resets while the view is being destroyed: nothing to fit then.
        return shiboken6.isValid(self) and shiboken6.isValid(self.view)

    def _reset(self) -> None:
        if not self._alive():
            return
        # A search keystroke resets the model too: the widths were measured on these rows already.
        generation = getattr(self.view.model(), "generation", None)
        if generation is None or generation != self._fitted_generation:
            self.schedule()

    def schedule(self, *_args: object) -> None:
        if self._alive():
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.schedule()
        return False

    def natural_widths(self) -> list[int]:
        """The width each column needs for its header and its widest sampled value."""
        view, model = self.view, self.view.model()
        metrics = view.fontMetrics()
        header_metrics = view.horizontalHeader().fontMetrics()
        rows = model.rowCount()
        first = max(0, view.rowAt(0))
        sample = range(first, min(rows, first + SAMPLE_ROWS))
        widths = []
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
            widest = max((header_metrics.horizontalAdvance(line) for line in title.splitlines()), default=0)
            width = widest + HEADER_PADDING
            for row in sample:
                text = model.data(model.index(row, column))
                if text:
                    width = max(width, metrics.horizontalAdvance(str(text)) + CELL_PADDING)
            widths.append(width)
        return widths

    def fit(self) -> None:
        if not self._alive():
            return
        view, model = self.view, self.view.model()
        if model is None or model.columnCount() == 0:
            return
        header = view.horizontalHeader()
        count = model.columnCount()
        visible = [c for c in range(count) if not view.isColumnHidden(c)]
        natural = self.natural_widths()
        widths = {c: self._user_widths.get(c, natural[c]) for c in visible}
        stretch = [c for c in visible if c in _stretch_columns(model) and c not in self._user_widths]
        if not stretch and visible:  # unmarked tables: the first column (a name or label) takes the room
            stretch = [visible[0]]
        room = view.viewport().width()
        if self.wrap:
            # A long text that is not a name (a circular's title) wraps like the names do, rather than keep its
            # one-line width and squeeze the names to a word a line.
            stretch += [
                c
                for c in visible
                if c not in stretch and c not in self._user_widths and natural[c] > room // 3
            ]
        spare = room - sum(widths.values())
        if spare > 0:
            for c in stretch:  # names and places get the room left
                widths[c] += spare // len(stretch)
        elif spare < 0:  # too wide: cap the widest stretching columns first, never below their header
            floor = {
                c: max(
                    (
                        header.fontMetrics().horizontalAdvance(t)
                        for t in str(model.headerData(c, Qt.Orientation.Horizontal)).splitlines()
                    ),
                    default=0,
                )
                + HEADER_PADDING
                for c in stretch
            }
            budget = sum(widths[c] for c in stretch) + spare  # what the stretching columns may take together
            cap = _water_level([widths[c] for c in stretch], budget)
            for c in stretch:
                widths[c] = max(floor[c], min(widths[c], cap))
        self._fitted_generation = getattr(model, "generation", None)
        self._fitting = True
        try:
            for c, w in widths.items():
                header.resizeSection(c, w)
        finally:
            self._fitting = False

    def _resized_by_user(self, column: int, _old: int, new: int) -> None:
        # Only a drag on the header is the user's choice; Qt also resizes sections itself (hiding, layout).
        if self._fitting or not self.key or not QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            return
        self._user_widths[column] = new
        settings = ui_settings()
        settings.setValue(f"columns/{self.key}", {str(c): w for c, w in self._user_widths.items()})
        settings.sync()

    def _load(self) -> dict[int, int]:
        if not self.key:
            return {}
        saved = ui_settings().value(f"columns/{self.key}")
        if not isinstance(saved, dict):
            return {}
        try:
            return {int(c): int(w) for c, w in saved.items()}
        except (TypeError, ValueError):
            return {}

    def forget_user_widths(self) -> None:
        self._user_widths = {}
        if self.key:
            ui_settings().remove(f"columns/{self.key}")
        self.schedule()


def fit_columns(view: QTableView, *, key: str | None = None, wrap: bool = False) -> ColumnFitter:
    """Attach a ColumnFitter to the view (kept as its child)."""
    fitter = ColumnFitter(view, key=key, wrap=wrap)
    view.column_fitter = fitter  # type: ignore[attr-defined]
    return fitter
