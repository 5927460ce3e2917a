"""ตั้งค่า: the office's details, where the data lives, and who is working on this PC."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core import office
from desktop.core.context import AppContext
from desktop.core.errors import ValidationError
from desktop.core.office import OfficeRow
from desktop.ui.errors import error_box
from desktop.ui.tasks import TaskRunner
from desktop.ui.widgets import FieldErrors


class SettingsPage(QWidget):
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
        layout.addStretch(1)

    def reload(self) -> None:
        self.runner.read(lambda: office.get_office(self.ctx), on_done=self._show)

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
