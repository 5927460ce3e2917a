"""The attendance grid: people by half-day, quick keyboard entry from the signed sheet, saved in the background."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.rules.thai_dates import format_be_date
from db.rules.thai_time import to_bangkok
from desktop.core.context import AppContext
from desktop.core.rounds import attendance
from desktop.core.rounds.attendance import AttendanceGrid, MarkChange
from desktop.ui.errors import error_html, technical_detail, thai_message
from desktop.ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
FIXED = 3  # ชื่อ-สกุล, ตำแหน่ง, หมู่บ้าน before the half-day columns
PRESENT, ABSENT = "มา", "ขาด"
GREEN, RED, GREY = QColor("#d7f0d2"), QColor("#f7d4d2"), QColor("#eeeeee")
SOURCE_LABELS = {"sheet": "จากใบลงชื่อ", "scan": "สแกนบัตร", "manual": "แก้ไขด้วยมือ", "card": "อ่านบัตรประชาชน"}
SAVE_DELAY_MS = 400  # quick keystrokes from one sheet are saved together, in one transaction


class GridModel(QAbstractTableModel):
    """Cells show the mark that counts, overlaid by edits not yet saved."""

    def __init__(self) -> None:
        super().__init__()
        self.grid: AttendanceGrid | None = None
        self.pending: dict[tuple[uuid.UUID, int, str], bool] = {}

    def set_grid(self, grid: AttendanceGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else len(self.grid.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self.grid is None else FIXED + len(self.grid.slots) + 1

    def value(self, row: int, column: int) -> bool | None:
        assert self.grid is not None
        r = self.grid.rows[row]
        slot = self.grid.slots[column - FIXED]
        key = (r.enrolment_id, slot.day_no, slot.half)
        if key in self.pending:
            return self.pending[key]
        return r.marks[column - FIXED]

    def is_mark_column(self, column: int) -> bool:
        return self.grid is not None and FIXED <= column < FIXED + len(self.grid.slots)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.grid is None:
            return None
        r = self.grid.rows[index.row()]
        col = index.column()
        if self.is_mark_column(col):
            v = self.value(index.row(), col)
            if role == Qt.ItemDataRole.DisplayRole:
                return "" if v is None else (PRESENT if v else ABSENT)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(GREY if v is None else GREEN if v else RED)
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return r.person.full_name + (" (หน้างาน)" if r.walk_in else "")
            if col == 1:
                return r.person.position
            if col == 2:
                return r.person.place
            return {True: "ผ่าน", False: "ไม่ผ่าน", None: ""}[r.completed]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or self.grid is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if section < FIXED:
            return ("ชื่อ-สกุล", "ตำแหน่ง", "หมู่บ้าน/ตำบล/อำเภอ")[section]
        if section == FIXED + len(self.grid.slots):
            return "ผลการอบรม"
        return self.grid.slots[section - FIXED].label

    def set_cell(self, row: int, column: int, present: bool) -> MarkChange | None:
        if self.grid is None or not self.is_mark_column(column):
            return None
        r = self.grid.rows[row]
        slot = self.grid.slots[column - FIXED]
        self.pending[(r.enrolment_id, slot.day_no, slot.half)] = present
        index = self.index(row, column)
        self.dataChanged.emit(index, index)
        return MarkChange(r.enrolment_id, slot.day_no, slot.half, present)


class GridView(QTableView):
    """Space toggles the cell; Enter toggles and moves down (as one reads a column of signatures);
    typing a row number jumps to that row."""

    toggled = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._typed = ""
        self._jump_timer = QTimer(self, singleShot=True, interval=900)
        self._jump_timer.timeout.connect(self._jump)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        index = self.currentIndex()
        if key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter) and index.isValid():
            self.toggled.emit(index.row(), index.column())
            if key != Qt.Key.Key_Space and index.row() + 1 < self.model().rowCount():
                self.setCurrentIndex(self.model().index(index.row() + 1, index.column()))
            return
        if event.text().isdigit() and event.text().isascii():
            self._typed += event.text()
            self._jump_timer.start()
            return
        super().keyPressEvent(event)

    def _jump(self) -> None:
        number, self._typed = int(self._typed or 0), ""
        if 1 <= number <= self.model().rowCount():
            column = max(self.currentIndex().column(), FIXED)
            self.setCurrentIndex(self.model().index(number - 1, column))
            self.scrollTo(self.currentIndex())


class AttendanceGridWidget(QWidget):
    saved = Signal(object)  # SaveResult

    def __init__(
        self, ctx: AppContext, runner: TaskRunner, *, round_id: uuid.UUID, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.runner, self.round_id = ctx, runner, round_id
        self.model = GridModel()
        self.view = GridView()
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.toggled.connect(self.toggle)
        self.view.doubleClicked.connect(lambda i: self.toggle(i.row(), i.column()))
        self.all_present = QPushButton("ทุกคนมา (ช่วงที่เลือก)")
        self.all_present.clicked.connect(self.mark_column_present)
        self.history_button = QPushButton("ประวัติการบันทึกของช่องนี้")
        self.history_button.clicked.connect(self.show_cell_history)
        self.status = QLabel()
        help_text = QLabel(
            "Space = สลับ มา/ขาด · Enter = สลับแล้วลงแถวถัดไป · ลูกศร = เลื่อน · พิมพ์เลขลำดับ = ไปยังแถวนั้น"
        )
        help_text.setStyleSheet("color: #555;")
        top = QHBoxLayout()
        top.addWidget(help_text, 1)
        top.addWidget(self.history_button)
        top.addWidget(self.all_present)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        self._queue: list[MarkChange] = []
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_now)
        self.saving = False

    def reload(self) -> None:
        ctx, rid = self.ctx, self.round_id
        self.runner.read(
            lambda: attendance.get_grid(ctx, round_id=rid), on_done=self._loaded, on_error=self._failed
        )

    def _loaded(self, grid: AttendanceGrid) -> None:
        current = self.view.currentIndex()
        if not self.saving:  # the grid now holds what was saved; edits still queued stay shown
            queued = {(c.enrolment_id, c.day_no, c.half) for c in self._queue}
            self.model.pending = {k: v for k, v in self.model.pending.items() if k in queued}
        self.model.set_grid(grid)
        self.all_present.setEnabled(grid.editable)
        for col in range(FIXED, FIXED + len(grid.slots) + 1):
            self.view.setColumnWidth(col, 96)
        self.view.setColumnWidth(0, 220)
        self.view.setColumnWidth(2, 300)
        if current.isValid():
            self.view.setCurrentIndex(self.model.index(current.row(), current.column()))
        elif grid.rows and grid.slots:
            self.view.setCurrentIndex(self.model.index(0, FIXED))
        state = "" if grid.editable else " — รุ่นนี้แก้ไขการเข้าอบรมไม่ได้ (ยังไม่เปิดหรือปิดรุ่นแล้ว)"
        self.status.setText(f"{len(grid.rows):,} คน · {len(grid.slots)} ช่วง{state}")

    def toggle(self, row: int, column: int) -> None:
        if self.model.grid is None or not self.model.grid.editable or not self.model.is_mark_column(column):
            return
        now = self.model.value(row, column)
        change = self.model.set_cell(row, column, not bool(now))
        if change is not None:
            self._queue.append(change)
            self._save_timer.start()
            self.status.setText("รอบันทึก…")

    def mark_column_present(self) -> None:
        column = self.view.currentIndex().column()
        if self.model.grid is None or not self.model.grid.editable or not self.model.is_mark_column(column):
            self.status.setText("เลือกช่องของช่วงเวลา (เช้า/บ่าย) ก่อน")
            return
        for row in range(self.model.rowCount()):
            if self.model.value(row, column) is not True:
                change = self.model.set_cell(row, column, True)
                if change is not None:
                    self._queue.append(change)
        self.save_now()

    def save_now(self) -> None:
        self._save_timer.stop()
        if not self._queue or self.saving:
            if self._queue:
                self._save_timer.start()
            return
        changes, self._queue = self._queue, []
        ctx, rid = self.ctx, self.round_id
        self.saving = True
        self.status.setText("กำลังบันทึก…")

        def done(result: attendance.SaveResult) -> None:
            self.saving = False
            passed = "" if result.completed is None else f" · ผ่านการอบรม {result.completed:,} คน"
            self.status.setText(f"บันทึกแล้ว {result.written:,} รายการ{passed}")
            self.saved.emit(result)
            self.reload()

        def failed(exc: Exception) -> None:
            self.saving = False
            for c in changes:
                self.model.pending.pop((c.enrolment_id, c.day_no, c.half), None)
            self.model.layoutChanged.emit()
            self._failed(exc)

        self.runner.run(
            lambda: attendance.set_marks(ctx, round_id=rid, changes=changes, source="sheet"),
            on_done=done,
            on_error=failed,
        )

    def cell_history_text(self, history: list[tuple], day_no: int, half: str) -> str:
        lines = [
            f"{attendance.thai_clock(at)} {format_be_date(to_bangkok(at).date(), style='medium')}"
            f" · {PRESENT if present else ABSENT} · {SOURCE_LABELS.get(source, source)} · โดย {who or '-'}"
            for d, h, present, source, who, at in history
            if (d, h) == (day_no, half)
        ]
        return "\n".join(lines) or "ยังไม่มีการบันทึกในช่องนี้"

    def show_cell_history(self) -> None:
        index = self.view.currentIndex()
        grid = self.model.grid
        if grid is None or not index.isValid() or not self.model.is_mark_column(index.column()):
            self.status.setText("เลือกช่องของช่วงเวลา (เช้า/บ่าย) ก่อน")
            return
        row = grid.rows[index.row()]
        slot = grid.slots[index.column() - FIXED]
        ctx = self.ctx

        def show(history: list[tuple]) -> None:
            self.last_history = self.cell_history_text(history, slot.day_no, slot.half)
            QMessageBox.information(self, f"{row.person.full_name} — {slot.label}", self.last_history)

        self.runner.read(
            lambda: attendance.mark_history(ctx, enrolment_id=row.enrolment_id),
            on_done=show,
            on_error=self._failed,
        )

    @property
    def idle(self) -> bool:
        return not self._queue and not self.saving

    def _failed(self, exc: Exception) -> None:
        technical_detail(exc)
        self.status.setText(error_html(f"บันทึกไม่สำเร็จ: {thai_message(exc)}"))
