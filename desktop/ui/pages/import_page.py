"""นำเข้ารายชื่อ: preview a roster file, confirm or cancel, watch it import, undo a past import."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.rules.national_id import shown_national_id
from db.rules.thai_time import format_be_datetime
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.core.roster import apply as roster_apply
from desktop.core.roster import plan as roster_plan
from desktop.core.roster.header import (
    FIELD_LABELS,
    HeaderNotFoundError,
    Layout,
    mapping_problems,
    remember_layout,
)
from desktop.core.roster.reader import Sheet, column_letter, read_sheet
from desktop.ui.errors import error_html, technical_detail, thai_message
from desktop.ui.table_model import Column, RowTableModel, make_table_view
from desktop.ui.tasks import TaskRunner
from desktop.ui.widgets import ERROR_STYLE

FILE_FILTER = "รายชื่อ (*.xlsx *.xls *.ods *.csv);;ทุกไฟล์ (*)"
NOT_USED = "— ไม่มี/ไม่ใช้ —"
REQUIRED_HINT = "ต้องมี: เลขประจำตัวประชาชน และ ชื่อ-สกุล (คอลัมน์เดียว) หรือ ชื่อ กับ นามสกุล (แยกคอลัมน์)"
COMBO_COLUMNS = 4  # label + combo pairs per row of the mapping grid
HEADER_ROW_DELAY_MS = 400  # typing "12" in the header-row box is one change, not two previews


@dataclass
class _Planned:
    """One background preview: the layout it used and its plan, or why there is no plan."""

    sheet: Sheet
    layout: Layout | None
    plan: roster_plan.ImportPlan | None
    problems: dict[str, str] = field(default_factory=dict)  # field → Thai message (mapping unusable)
    message: str = ""  # header not found / unusable header row


def _plan_sheet(
    ctx: AppContext, sheet: Sheet, *, header_row: int | None, mapping: dict[str, int] | None
) -> _Planned:
    try:
        plan = roster_plan.preview_sheet(ctx, sheet=sheet, header_row=header_row, mapping=mapping)
    except roster_plan.MappingError as exc:
        return _Planned(sheet, exc.layout, None, problems=exc.errors)
    except HeaderNotFoundError as exc:
        return _Planned(sheet, None, None, message=exc.message)
    except CoreError as exc:
        if header_row is None:
            raise
        return _Planned(sheet, None, None, message=exc.message)  # e.g. a blank row chosen as the header
    return _Planned(sheet, plan.layout, plan)


class _Progress(QObject):
    """Carries progress from the worker thread to the GUI thread (a queued signal)."""

    moved = Signal(int, int)


class ImportPage(QWidget):
    previewed = Signal()
    imported = Signal()
    changed = Signal()

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.plan: roster_plan.ImportPlan | None = None
        self._cancel = threading.Event()
        self._progress = _Progress(self)
        self._progress.moved.connect(self._show_progress)
        self.choose_button = QPushButton("เลือกไฟล์รายชื่อ…")
        self.choose_button.clicked.connect(self.choose_file)
        self.confirm_button = QPushButton("ยืนยันนำเข้า")
        self.confirm_button.clicked.connect(self.confirm)
        self.discard_button = QPushButton("ไม่นำเข้า")
        self.discard_button.clicked.connect(self.discard)
        self.report_button = QPushButton("บันทึกผลการตรวจสอบ (.xlsx)…")
        self.report_button.clicked.connect(self.save_report)
        self.cancel_button = QPushButton("ยกเลิก")
        self.cancel_button.clicked.connect(self._cancel.set)
        self.progress = QProgressBar()
        self.summary = QLabel("เลือกไฟล์ Excel หรือ CSV ของรายชื่อกำนัน ผู้ใหญ่บ้าน ประธานชุมชน")
        self.summary.setWordWrap(True)
        self.mapping = QLabel()
        self.mapping.setWordWrap(True)
        self.sheet: Sheet | None = None
        self.file_layout: Layout | None = None
        self._generation = 0  # previews still running for an older mapping are ignored when they finish
        self._build_mapping_box()
        self.rows = RowTableModel(
            [
                Column("แถว", lambda r: r.row, align_right=True),
                Column("ผล", lambda r: r.outcome_label, sort_key=lambda r: r.outcome),
                Column("เลขประจำตัวประชาชน", lambda r: shown_national_id(r.national_id)),
                Column("ชื่อ-สกุล", lambda r: r.name, stretch=True),
                Column("หมู่บ้าน/ตำบล/อำเภอ", lambda r: r.place, stretch=True),
                Column("เหตุผล / สิ่งที่เปลี่ยน", _reason, stretch=True),
            ],
            search_text=lambda r: f"{r.outcome_label} {r.national_id} {r.name} {r.place} {r.reason}",
        )
        self.table = make_table_view(self.rows)
        # At least ten rows of the preview stay visible with the mapping open: the page scrolls instead.
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height() + 10 * 30)
        self.batches = RowTableModel(
            [
                Column("เมื่อ", lambda b: format_be_datetime(b.at), sort_key=lambda b: b.at),
                Column("ไฟล์", lambda b: b.file_name, stretch=True),
                Column("เพิ่มใหม่", lambda b: b.new, align_right=True),
                Column("แก้ไข", lambda b: b.updated, align_right=True),
                Column("ไม่รับ", lambda b: b.rejected, align_right=True),
                Column("ผู้นำเข้า", lambda b: b.user_name),
                Column("สถานะ", lambda b: "ยกเลิกแล้ว" if b.undone else ""),
            ],
            search_text=lambda b: b.file_name,
        )
        self.batch_table = make_table_view(self.batches)
        self.batch_table.setMaximumHeight(180)
        self.undo_button = QPushButton("ยกเลิกการนำเข้าที่เลือกทั้งชุด…")
        self.undo_button.clicked.connect(self.undo_selected)

        buttons = QHBoxLayout()
        for w in (self.choose_button, self.confirm_button, self.discard_button, self.report_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>นำเข้ารายชื่อจากไฟล์ของกรมการปกครอง</h2>"))
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.mapping_box)
        layout.addLayout(running)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("<b>การนำเข้าที่ผ่านมา</b>"))
        layout.addWidget(self.batch_table)
        layout.addWidget(self.undo_button)
        self._set_state("idle")

    def _set_state(self, state: str) -> None:
        self.state = state
        has_plan = self.plan is not None
        self.choose_button.setEnabled(state in ("idle", "previewed"))
        self.confirm_button.setEnabled(state == "previewed" and has_plan)
        self.discard_button.setEnabled(state == "previewed")
        self.report_button.setEnabled(has_plan and state != "importing")
        self.progress.setVisible(state in ("reading", "importing"))
        self.cancel_button.setVisible(state == "importing")
        self.undo_button.setEnabled(state in ("idle", "previewed"))
        self.mapping_box.setVisible(self.sheet is not None and state != "importing")

    # -- the column mapping ---------------------------------------------------------------------
    def _build_mapping_box(self) -> None:
        self.mapping_box = QGroupBox("การจับคู่คอลัมน์ — แก้ได้ถ้าโปรแกรมอ่านหัวตารางหรือจับคู่ผิด")
        self.header_row = QSpinBox()
        self.header_row.setRange(1, 1)
        self.header_row.setToolTip("เลขแถวในไฟล์ Excel ที่เป็นหัวตาราง (ชื่อคอลัมน์)")
        self._header_timer = QTimer(self)
        self._header_timer.setSingleShot(True)
        self._header_timer.setInterval(HEADER_ROW_DELAY_MS)
        self._header_timer.timeout.connect(lambda: self.choose_header_row(self.header_row.value()))
        self.header_row.valueChanged.connect(lambda _v: self._header_timer.start())
        self.header_note = QLabel()
        # the box previews by itself after a pause; the button is for the row it already shows
        self.header_button = QPushButton("ใช้แถวนี้เป็นหัวตาราง")
        self.header_button.clicked.connect(lambda: self.choose_header_row(self.header_row.value()))
        top = QHBoxLayout()
        top.addWidget(QLabel("แถวหัวตาราง:"))
        top.addWidget(self.header_row)
        top.addWidget(self.header_button)
        top.addWidget(self.header_note, 1)
        grid = QGridLayout()
        self.combos: dict[str, QComboBox] = {}
        for n, (fld, label) in enumerate(FIELD_LABELS.items()):
            combo = QComboBox()
            combo.setObjectName(f"map_{fld}")
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.currentIndexChanged.connect(self._mapping_edited)
            self.combos[fld] = combo
            row, col = divmod(n, COMBO_COLUMNS)
            grid.addWidget(QLabel(label), row, 2 * col)
            grid.addWidget(combo, row, 2 * col + 1)
        for col in range(COMBO_COLUMNS):
            grid.setColumnStretch(2 * col + 1, 1)
        self.mapping_errors = QLabel()
        self.mapping_errors.setStyleSheet(ERROR_STYLE)
        self.mapping_errors.setWordWrap(True)
        box = QVBoxLayout(self.mapping_box)
        box.addLayout(top)
        box.addWidget(self.mapping)
        box.addLayout(grid)
        hint = QLabel(REQUIRED_HINT)
        hint.setStyleSheet("color: #555;")
        box.addWidget(hint)
        box.addWidget(self.mapping_errors)

    def _show_layout(self, layout: Layout | None) -> None:
        """Fill the header-row box and the combo boxes from a layout, without re-running the preview."""
        self.file_layout = layout
        if self.sheet is not None and self.sheet.rows:
            self.header_row.blockSignals(True)
            self.header_row.setRange(self.sheet.rows[0].number, self.sheet.rows[-1].number)
            if layout is not None:
                self.header_row.setValue(layout.header_row)
            self.header_row.blockSignals(False)
        headers = layout.headers if layout is not None else ()
        items = [f"{column_letter(i)}: {_short(h) or '(ไม่มีหัวคอลัมน์)'}" for i, h in enumerate(headers)]
        for fld, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_USED, None)
            for i, text in enumerate(items):
                combo.addItem(text, i)
            idx = layout.mapping.get(fld) if layout is not None else None
            combo.setCurrentIndex(0 if idx is None or idx >= len(items) else idx + 1)
            combo.setEnabled(layout is not None)
            combo.blockSignals(False)
        if layout is None:
            self.mapping.setText("")
            self.header_note.setText("เลือกแถวที่เป็นหัวตาราง (ชื่อคอลัมน์) ของไฟล์นี้")
            return
        how = "เลือกเอง" if layout.header_chosen else "โปรแกรมหาเอง"
        self.header_note.setText(f"({how})")
        self.mapping.setText("ใช้การจับคู่คอลัมน์ที่ยืนยันไว้ครั้งก่อนสำหรับไฟล์แบบนี้" if layout.remembered else "")
        self.mapping.setVisible(layout.remembered)

    def current_mapping(self) -> dict[str, int]:
        """Field → column index as the combo boxes show it."""
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None}

    def _show_problems(self, problems: dict[str, str]) -> None:
        for fld, combo in self.combos.items():
            combo.setStyleSheet("QComboBox { border: 1px solid #b00020; }" if fld in problems else "")
        self.mapping_errors.setText(
            "\n".join(f"• {FIELD_LABELS.get(f, f)}: {m}" for f, m in problems.items())
        )
        self.mapping_errors.setVisible(bool(problems))

    def _mapping_edited(self) -> None:
        if self.sheet is None or self.file_layout is None:
            return
        mapping = self.current_mapping()
        problems = mapping_problems(mapping, self.file_layout.headers)
        self._show_problems(problems)
        if problems:  # checked here at once; nothing to preview until the mapping can work
            self._generation += 1
            self.plan = None
            self.rows.set_rows([])
            self.summary.setText("แก้การจับคู่คอลัมน์ตามข้อความสีแดงก่อน จึงจะตรวจสอบไฟล์และนำเข้าได้")
            self._set_state("previewed")
            return
        header_row = self.file_layout.header_row if self.file_layout.header_chosen else None
        self._replan(header_row=header_row, mapping=mapping)

    def choose_header_row(self, number: int) -> None:
        """The officer names the header row: map the columns again from that row's texts."""
        self._header_timer.stop()
        if self.sheet is None:
            return
        if self.file_layout is not None and self.file_layout.header_row == number:
            return
        self._replan(header_row=number, mapping=None)

    def _replan(self, *, header_row: int | None, mapping: dict[str, int] | None) -> None:
        sheet = self.sheet
        if sheet is None:
            return
        self._generation += 1
        generation, ctx = self._generation, self.ctx
        self.summary.setText(f"กำลังตรวจสอบ {sheet.file_name} อีกครั้งตามการจับคู่คอลัมน์ใหม่ …")
        self.progress.setRange(0, 0)
        self._set_state("reading")
        self.runner.read(
            lambda: _plan_sheet(ctx, sheet, header_row=header_row, mapping=mapping),
            on_done=lambda planned: self._planned(generation, planned),
            on_error=lambda exc: self._failed(exc) if generation == self._generation else None,
        )

    def reload(self) -> None:
        self.runner.read(lambda: roster_apply.list_batches(self.ctx), on_done=self.batches.set_rows)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "เลือกไฟล์รายชื่อ", "", FILE_FILTER)
        if path:
            self.preview(Path(path))

    def preview(self, path: Path) -> None:
        self.plan = None
        self.sheet = None
        self.rows.set_rows([])
        self.summary.setText(f"กำลังอ่านและตรวจสอบ {path.name} …")
        self.progress.setRange(0, 0)
        self._generation += 1
        generation, ctx = self._generation, self.ctx
        self._set_state("reading")
        self.runner.read(
            lambda: _plan_sheet(ctx, read_sheet(path), header_row=None, mapping=None),
            on_done=lambda planned: self._planned(generation, planned),
            on_error=self._failed,
        )

    def _planned(self, generation: int, planned: _Planned) -> None:
        if generation != self._generation:
            return  # the officer changed the mapping again meanwhile; a newer preview is on its way
        self.sheet = planned.sheet
        self._show_layout(planned.layout)
        self._show_problems(planned.problems)
        plan = self.plan = planned.plan
        if plan is None:
            self.rows.set_rows([])
            name = planned.sheet.file_name
            self.summary.setText(
                f"<b>{name}</b>: {planned.message}"
                if planned.message
                else f"<b>{name}</b>: แก้การจับคู่คอลัมน์ตามข้อความสีแดงก่อน จึงจะตรวจสอบไฟล์และนำเข้าได้"
            )
        else:
            self.rows.set_rows(plan.rows)
            places = f" · พื้นที่ใหม่ {len(plan.places):,} แห่ง" if plan.places else ""
            self.summary.setText(f"{plan.summary_line()}{places} — ตรวจดูแล้วกด 'ยืนยันนำเข้า'")
        self._set_state("previewed")
        self.previewed.emit()

    def discard(self) -> None:
        self._generation += 1
        self.plan = None
        self.sheet = None
        self.rows.set_rows([])
        self.summary.setText("ไม่ได้นำเข้า ข้อมูลในฐานข้อมูลไม่เปลี่ยนแปลง")
        self._set_state("idle")

    def confirm(self) -> None:
        plan = self.plan
        if plan is None:
            return
        self._cancel.clear()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self._set_state("importing")
        ctx, progress, cancel = self.ctx, self._progress, self._cancel

        def work() -> roster_apply.ImportResult:
            result = roster_apply.apply_plan(
                ctx,
                plan,
                progress=lambda done, total: progress.moved.emit(done, total),
                cancelled=cancel.is_set,
            )
            # The officer confirmed this header row and column mapping: start with them for files like it.
            remember_layout(ctx, plan.layout)
            return result

        self.runner.run(work, on_done=self._imported, on_error=self._failed)

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _imported(self, result: roster_apply.ImportResult) -> None:
        self.summary.setText(
            f"นำเข้าแล้ว: เพิ่มใหม่ {result.created:,} คน แก้ไข {result.updated:,} คน "
            f"สร้างพื้นที่ใหม่ {result.places_created:,} แห่ง"
        )
        self.plan = None
        self.sheet = None
        self.rows.set_rows([])
        self._set_state("idle")
        self.reload()
        self.changed.emit()
        self.imported.emit()

    def _failed(self, exc: Exception) -> None:
        was_importing = self.state == "importing"
        technical_detail(exc)
        message = thai_message(exc)
        if was_importing:
            message += "\nฐานข้อมูลยังเหมือนเดิมทุกประการ (ไม่มีรายการใดถูกบันทึก)"
        self.summary.setText(error_html(message))
        self._set_state("previewed" if was_importing and self.plan is not None else "idle")
        if was_importing:
            self.imported.emit()
        else:
            self.previewed.emit()

    def save_report(self) -> None:
        if self.plan is None:
            return
        default = Path(self.plan.file_name).stem + "-ผลการตรวจสอบ.xlsx"
        path, _ = QFileDialog.getSaveFileName(self, "บันทึกผลการตรวจสอบ", default, "Excel (*.xlsx)")
        if path:
            from desktop.core.roster.report import write_outcome_report  # openpyxl: not loaded at every start

            plan = self.plan
            self.runner.run(  # the write thread: the export is audited
                lambda: write_outcome_report(self.ctx, plan=plan, path=Path(path)), on_error=self._failed
            )

    def undo_selected(self) -> None:
        rows = self.batch_table.selectionModel().selectedRows()
        if not rows:
            return
        batch = self.batches.row_at(rows[0].row())
        if batch.undone:
            return
        answer = QMessageBox.question(
            self,
            "ยกเลิกการนำเข้า",
            f"ยกเลิกการนำเข้า {batch.file_name} ทั้งชุด?\nคนที่เพิ่มจะถูกลบออก และข้อมูลที่แก้ไขจะกลับเป็นค่าเดิม",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.runner.run(
            lambda: roster_apply.undo_batch(self.ctx, batch.id), on_done=self._undone, on_error=self._failed
        )

    def _undone(self, result: Any) -> None:
        self.summary.setText(f"ยกเลิกการนำเข้าแล้ว: ลบ {result.removed:,} คน คืนค่าเดิม {result.restored:,} คน")
        self.reload()
        self.changed.emit()
        self.imported.emit()


def _short(header: str, limit: int = 30) -> str:
    text = " ".join(header.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason(row: roster_plan.RowOutcome) -> str:
    if row.changes:
        return "; ".join(f"{c.label}: {c.old} → {c.new}" for c in row.changes)
    return row.reason
