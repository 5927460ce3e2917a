"""ตั้งค่า: the office's details, where the data lives, who is working on this PC, and restoring a backup."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core import office
from desktop.core.backups import BackupInfo, list_backups
from desktop.core.context import AppContext
from desktop.core.errors import ValidationError
from desktop.core.office import OfficeRow
from desktop.ui.accounts.accounts_box import AccountsBox
from desktop.ui.errors import error_box
from desktop.ui.tasks import TaskRunner
from desktop.ui.widgets import FieldErrors


class SettingsPage(QWidget):
    restore_requested = Signal(object)  # the backup's Path, once the user confirmed; the main window restores

    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.errors = FieldErrors()
        self.province = QLabel()
        self.name = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setMaximumHeight(70)
        self.phone = QLineEdit()
        self.head_name = QLineEdit()
        self.head_position = QLineEdit()
        self.save_button = QPushButton("บันทึก")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        form = QFormLayout()
        form.addRow("จังหวัด", self.province)
        for label, field, widget in (
            ("ชื่อสำนักงาน", "name_th", self.name),
            ("ที่อยู่", "address", self.address),
            ("โทรศัพท์", "phone", self.phone),
            ("ชื่อหัวหน้าสำนักงาน", "head_name", self.head_name),
            ("ตำแหน่งหัวหน้าสำนักงาน", "head_position", self.head_position),
        ):
            self.errors.add_row(form, label, field, widget)
        info = QFormLayout()
        info.addRow("ไฟล์ฐานข้อมูล", QLabel(str(ctx.db_path or "")))
        info.addRow("ผู้ใช้งาน", QLabel(ctx.user_name))
        info.addRow("รหัสเครื่อง", QLabel(ctx.device_id))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>ตั้งค่า</h2>"))
        layout.addWidget(QLabel("<b>ข้อมูลสำนักงาน</b> (พิมพ์ในหัวกระดาษและใบสำคัญ)"))
        layout.addLayout(form)
        layout.addWidget(self.save_button)
        layout.addWidget(self.status)
        layout.addWidget(QLabel("<b>เครื่องนี้</b>"))
        layout.addLayout(info)
        self.accounts = AccountsBox(ctx, runner)
        layout.addWidget(self.accounts)
        layout.addWidget(QLabel("<b>ไฟล์สำรองข้อมูล</b> (เข้ารหัสไว้ ทำทุกครั้งที่เปิดโปรแกรม)"))
        self.backups = QTableWidget(0, 3)
        self.backups.setHorizontalHeaderLabels(["วันเวลา (เวลาประเทศไทย)", "ทำเมื่อ", "ขนาด"])
        self.backups.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.backups.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.backups.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.backups.verticalHeader().setVisible(False)
        self.backups.horizontalHeader().setStretchLastSection(True)
        self.backups.setMinimumHeight(150)
        self.backups.itemSelectionChanged.connect(self._backup_selected)
        self.restore_button = QPushButton("กู้คืนข้อมูลจากไฟล์สำรองที่เลือก…")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.confirm_restore)
        self.backup_list: list[BackupInfo] = []
        self.confirm_box: QMessageBox | None = None
        layout.addWidget(self.backups, 1)
        layout.addWidget(self.restore_button)
        layout.addStretch(1)

    def reload(self) -> None:
        self.runner.read(lambda: office.get_office(self.ctx), on_done=self._show)
        self.show_backups(list_backups(self.ctx.db_path) if self.ctx.db_path is not None else [])
        self.accounts.reload()

    def show_backups(self, backups: list[BackupInfo]) -> None:
        self.backup_list = backups
        self.backups.setRowCount(len(backups))
        for row, b in enumerate(backups):
            for col, text in enumerate((b.when_text, b.reason, f"{b.size / 1e6:.1f} MB")):
                self.backups.setItem(row, col, QTableWidgetItem(text))
        self.backups.resizeColumnsToContents()
        self.restore_button.setEnabled(False)

    def _backup_selected(self) -> None:
        self.restore_button.setEnabled(self.selected_backup() is not None)

    def selected_backup(self) -> BackupInfo | None:
        rows = self.backups.selectionModel().selectedRows()
        return self.backup_list[rows[0].row()] if rows else None

    def confirm_restore(self) -> None:
        chosen = self.selected_backup()
        if chosen is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "ยืนยันการกู้คืนข้อมูล",
            f"กู้คืนข้อมูลจากไฟล์สำรองเมื่อ {chosen.when_text} ({chosen.reason}) ใช่หรือไม่?\n\n"
            "ข้อมูลที่บันทึกหลังเวลานั้นจะไม่อยู่ในฐานข้อมูลที่กู้คืน แต่ข้อมูลปัจจุบันทั้งหมดจะเก็บเป็นไฟล์สำรอง "
            "(ข้อมูลก่อนกู้คืน) ไว้ก่อน จึงกู้กลับมาได้ โปรแกรมจะเปิดฐานข้อมูลใหม่หลังกู้คืน",
            parent=self,
        )
        restore = box.addButton("กู้คืนข้อมูล", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(box.addButton("ยกเลิก", QMessageBox.ButtonRole.RejectRole))
        self.confirm_box = box  # for the tests, which answer it
        box.exec()
        if box.clickedButton() is restore:
            self.restore_requested.emit(Path(chosen.path))

    def _show(self, row: OfficeRow | None) -> None:
        if row is None:
            return
        self.province.setText(f"{row.province_name} (รหัส {row.code})")
        self.name.setText(row.name_th)
        self.address.setPlainText(row.address)
        self.phone.setText(row.phone)
        self.head_name.setText(row.head_name)
        self.head_position.setText(row.head_position)

    def save(self) -> None:
        self.errors.clear()
        values = dict(
            name_th=self.name.text(),
            address=self.address.toPlainText(),
            phone=self.phone.text(),
            head_name=self.head_name.text(),
            head_position=self.head_position.text(),
        )
        self.runner.run(
            lambda: office.update_office(self.ctx, **values), on_done=self._saved, on_error=self._failed
        )

    def _saved(self, row: OfficeRow) -> None:
        self._show(row)
        self.status.setText("บันทึกแล้ว")

    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            self.errors.show(exc.errors)
        else:
            self.error_message = error_box(self, "บันทึกไม่สำเร็จ", exc)
