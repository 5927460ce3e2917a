"""A page with a searchable, sortable table of plain rows, loaded in the background, with add/edit/delete."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import audit
from desktop.core.context import AppContext
from desktop.ui.errors import error_box, error_html, technical_detail, thai_message
from desktop.ui.table_model import Column, RowTableModel, make_table_view
from desktop.ui.tasks import TaskRunner


class TablePage(QWidget):
    loaded = Signal()
    changed = Signal()  # something was saved: other pages may want to refresh
    navigate = Signal(str)  # an empty table's button that leads to another page (by its label)

    title = ""
    noun = "รายการ"
    wrap = False  # long text on two lines (only for short tables: row heights are then measured)
    empty_text = ""  # what to do when there is nothing yet (shown instead of an empty table)
    empty_button = ""

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.model = RowTableModel(self.columns(), search_text=self.search_text)
        self.heading = QLabel(f"<h2>{self.title}</h2>")
        self.search = QLineEdit()
        self.search.setPlaceholderText("ค้นหา (ชื่อ, เลขประจำตัว, หมู่บ้าน ...)  Ctrl+F")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.show_deleted = QCheckBox("แสดงรายการที่ลบแล้ว")
        self.show_deleted.toggled.connect(lambda _on: self.reload())
        self.count_label = QLabel()
        self.add_button = QPushButton(f"เพิ่ม{self.noun}")
        self.edit_button = QPushButton("แก้ไข")
        self.delete_button = QPushButton("ลบ")
        self.restore_button = QPushButton("กู้คืน")
        self.history_button = QPushButton("ประวัติ")
        self.history_button.clicked.connect(self.show_history)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        self.restore_button.clicked.connect(self.restore_current)
        self.table = make_table_view(self.model, key=type(self).__name__, wrap=self.wrap)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().hide()  # row numbers of a searchable list mean nothing; the width goes to names
        if not self.wrap:
            self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.activated.connect(lambda _i: self.edit_current())  # Enter on a row
        self.model.modelReset.connect(self._update_count)
        self.model.modelReset.connect(self._update_buttons)
        self.model.modelReset.connect(self._show_deleted_column)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.table, activated=self.delete_current)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.add)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_deleted)
        for extra in self.extra_buttons():
            top.addWidget(extra)
        for button in (
            self.add_button,
            self.edit_button,
            self.delete_button,
            self.restore_button,
            self.history_button,
        ):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.empty_panel = QWidget()
        empty_box = QVBoxLayout(self.empty_panel)
        empty_box.addStretch(1)
        self.empty_label = QLabel(self.empty_text or f"ยังไม่มี{self.noun}")
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("font-size: 13pt; color: #444;")
        self.empty_action_button = QPushButton(self.empty_button or f"เพิ่ม{self.noun}")
        self.empty_action_button.clicked.connect(self.empty_action)
        empty_box.addWidget(self.empty_label)
        empty_box.addWidget(self.empty_action_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_box.addStretch(2)
        self.empty_panel.hide()
        layout.addWidget(self.empty_panel, 1)
        layout.addWidget(self.count_label)
        self._pending_select: Callable[[Any], bool] | None = None
        self._loading = False
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # To be filled in by each page
    def columns(self) -> Sequence[Column]:
        raise NotImplementedError

    def search_text(self, row: Any) -> str:
        raise NotImplementedError

    def fetch(self, include_deleted: bool) -> list[Any]:
        raise NotImplementedError

    def open_dialog(self, row: Any | None) -> Any | None:
        """Show the form; return the saved row or None."""
        raise NotImplementedError

    def delete_row(self, row: Any) -> None:
        raise NotImplementedError

    def restore_row(self, row: Any) -> None:
        raise NotImplementedError

    def describe(self, row: Any) -> str:
        return str(row)

    def extra_buttons(self) -> list[QWidget]:
        return []

    # Behaviour
    def reload(self, *, select: Callable[[Any], bool] | None = None) -> None:
        self._pending_select = select
        self._loading = True
        self.count_label.setText("กำลังโหลด…")
        include = self.show_deleted.isChecked()

        def load() -> tuple[list[Any], list[str]]:
            rows = self.fetch(include)
            return rows, self.model.build_haystack(rows)  # off the GUI thread too

        self.runner.read(load, on_done=self._rows_loaded, on_error=self._load_failed)

    def _rows_loaded(self, result: tuple[list[Any], list[str]]) -> None:
        rows, haystack = result
        self._loading = False
        self.model.set_rows(rows, haystack=haystack)
        if self._pending_select is not None:
            self.select_where(self._pending_select)
            self._pending_select = None
        self.after_load()
        self.loaded.emit()

    def after_load(self) -> None:
        """Hook for loading what the page's forms need, once the table is filled."""

    def _load_failed(self, exc: Exception) -> None:
        self._loading = False
        technical_detail(exc)
        self.count_label.setText(error_html(f"โหลดข้อมูลไม่สำเร็จ: {thai_message(exc)}"))

    def _search_changed(self, text: str) -> None:
        self.model.set_query(text)

    def empty_action(self) -> None:
        self.add()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), len(self.model.rows)
        empty = total == 0 and not self.show_deleted.isChecked() and not self._loading
        self.empty_panel.setVisible(empty)  # an empty office: say what to do instead of an empty grid
        self.table.setVisible(not empty)
        text = f"{total:,} {self.noun}" if shown == total else f"พบ {shown:,} จาก {total:,} {self.noun}"
        self.count_label.setText(text)

    def current_row(self) -> Any | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isSelected(index):
            return None
        return self.model.row_at(index.row())

    def select_where(self, predicate: Callable[[Any], bool]) -> None:
        view_row = self.model.view_row_of(predicate)
        if view_row >= 0:
            index = self.model.index(view_row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def _show_deleted_column(self) -> None:
        """The "deleted" column is empty unless deleted rows are shown, so it only takes room then."""
        for i, column in enumerate(self.model.columns):
            if column.only_with_deleted:
                self.table.setColumnHidden(i, not self.show_deleted.isChecked())

    def _update_buttons(self) -> None:
        row = self.current_row()
        deleted = bool(row is not None and getattr(row, "deleted", False))
        self.edit_button.setEnabled(row is not None and not deleted)
        self.delete_button.setEnabled(row is not None and not deleted)
        self.restore_button.setVisible(self.show_deleted.isChecked())
        self.restore_button.setEnabled(deleted)
        self.history_button.setEnabled(row is not None)

    def add(self) -> None:
        saved = self.open_dialog(None)
        if saved is not None:
            self.after_save(saved)

    def edit_current(self) -> None:
        row = self.current_row()
        if row is None or getattr(row, "deleted", False):
            return
        saved = self.open_dialog(row)
        if saved is not None:
            self.after_save(saved)

    def after_save(self, saved: Any) -> None:
        self.changed.emit()
        self.reload(select=lambda r: r.id == saved.id)

    def delete_current(self) -> None:
        row = self.current_row()
        if row is None or getattr(row, "deleted", False):
            return
        answer = QMessageBox.question(
            self,
            "ยืนยันการลบ",
            f"ลบ {self.describe(row)} ?\n\nรายการที่ลบจะยังเก็บไว้ และกู้คืนได้จาก 'แสดงรายการที่ลบแล้ว'",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._run_change(lambda: self.delete_row(row))

    def restore_current(self) -> None:
        row = self.current_row()
        if row is None or not getattr(row, "deleted", False):
            return
        self._run_change(lambda: self.restore_row(row), select_id=row.id)

    def show_history(self) -> None:
        row = self.current_row()
        if row is None:
            return
        from desktop.ui.dialogs.history import HistoryDialog

        def show(entries: list[Any]) -> None:
            self.history_dialog = HistoryDialog(self.describe(row), entries, self)
            self.history_dialog.open()

        self.runner.read(
            lambda: audit.history(self.ctx, entity_id=row.id), on_done=show, on_error=self.show_error
        )

    def _run_change(self, work: Callable[[], Any], *, select_id: Any = None) -> None:
        def done(_result: Any) -> None:
            self.changed.emit()
            self.reload(select=(lambda r: r.id == select_id) if select_id else None)

        self.runner.run(work, on_done=done, on_error=self.show_error)

    def show_error(self, exc: Exception) -> None:
        self.error_message = error_box(self, "ทำรายการไม่สำเร็จ", exc)

    @property
    def is_loading(self) -> bool:
        return self._loading
