"""นำเข้ารายชื่อ: preview a roster file, confirm or cancel, watch it import, undo a past import."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.core.roster import apply as roster_apply
from desktop.core.roster import plan as roster_plan
from desktop.core.roster.header import FIELD_LABELS, remember_mapping
from desktop.core.roster.report import write_outcome_report
from desktop.ui.table_model import Column, RowTableModel, make_table_view
from desktop.ui.tasks import TaskRunner

FILE_FILTER = "รายชื่อ (*.xlsx *.xls *.ods *.csv);;ทุกไฟล์ (*)"


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
        self.rows = RowTableModel(
            [
                Column("แถว", lambda r: r.row, align_right=True),
                Column("ผล", lambda r: r.outcome_label, sort_key=lambda r: r.outcome),
                Column("เลขประจำตัวประชาชน", lambda r: r.national_id),
                Column("ชื่อ-สกุล", lambda r: r.name),
                Column("หมู่บ้าน/ตำบล/อำเภอ", lambda r: r.place),
                Column("เหตุผล / สิ่งที่เปลี่ยน", _reason),
            ],
            search_text=lambda r: f"{r.outcome_label} {r.national_id} {r.name} {r.place} {r.reason}",
        )
        self.table = make_table_view(self.rows)
        self.batches = RowTableModel(
            [
                Column(
                    "เมื่อ", lambda b: f"{b.at:%d/%m/}{b.at.year + 543} {b.at:%H:%M}", sort_key=lambda b: b.at
                ),
                Column("ไฟล์", lambda b: b.file_name),
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
        layout.addWidget(self.mapping)
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

    def reload(self) -> None:
        self.runner.read(lambda: roster_apply.list_batches(self.ctx), on_done=self.batches.set_rows)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "เลือกไฟล์รายชื่อ", "", FILE_FILTER)
        if path:
            self.preview(Path(path))

    def preview(self, path: Path) -> None:
        self.plan = None
        self.rows.set_rows([])
        self.summary.setText(f"กำลังอ่านและตรวจสอบ {path.name} …")
        self.progress.setRange(0, 0)
        self._set_state("reading")
        ctx = self.ctx
        self.runner.read(
            lambda: roster_plan.preview_import(ctx, path=path), on_done=self._previewed, on_error=self._failed
        )

    def _previewed(self, plan: roster_plan.ImportPlan) -> None:
        self.plan = plan
        self.rows.set_rows(plan.rows)
        places = f" · พื้นที่ใหม่ {len(plan.places):,} แห่ง" if plan.places else ""
        self.summary.setText(
            f"<b>{plan.file_name}</b>: {plan.summary_line()}{places} — ตรวจดูแล้วกด 'ยืนยันนำเข้า'"
        )
        layout = plan.layout
        mapped = ", ".join(
            f"{FIELD_LABELS.get(f, f)} ← คอลัมน์ '{layout.headers[i]}'" for f, i in layout.mapping.items()
        )
        remembered = " (ใช้การจับคู่ที่ยืนยันไว้ครั้งก่อน)" if layout.remembered else ""
        self.mapping.setText(f"หัวตารางแถวที่ {layout.header_row}{remembered}: {mapped}")
        self._set_state("previewed")
        self.previewed.emit()

    def discard(self) -> None:
        self.plan = None
        self.rows.set_rows([])
        self.summary.setText("ไม่ได้นำเข้า ข้อมูลในฐานข้อมูลไม่เปลี่ยนแปลง")
        self.mapping.clear()
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
            # The officer confirmed this column mapping: use it for files of the same layout next time.
            remember_mapping(ctx, signature=plan.layout.signature, mapping=plan.layout.mapping)
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
        self.rows.set_rows([])
        self.mapping.clear()
        self._set_state("idle")
        self.reload()
        self.changed.emit()
        self.imported.emit()

    def _failed(self, exc: Exception) -> None:
        was_importing = self.state == "importing"
        message = exc.message if isinstance(exc, CoreError) else f"เกิดข้อผิดพลาด: {exc}"
        if was_importing:
            message += "\nฐานข้อมูลยังเหมือนเดิมทุกประการ (ไม่มีรายการใดถูกบันทึก)"
        self.summary.setText(message)
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
            plan = self.plan
            self.runner.read(lambda: write_outcome_report(plan, Path(path)), on_error=self._failed)

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


def _reason(row: roster_plan.RowOutcome) -> str:
    if row.changes:
        return "; ".join(f"{c.label}: {c.old} → {c.new}" for c in row.changes)
    return row.reason
