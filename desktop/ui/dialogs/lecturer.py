"""The form for adding or editing a lecturer (วิทยากร)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from desktop.core.context import AppContext
from desktop.core.people import lecturers
from desktop.core.people.lecturers import LecturerInput, LecturerRow
from desktop.ui.dialogs.base import RecordDialog
from desktop.ui.tasks import TaskRunner


class LecturerDialog(RecordDialog):
    def __init__(
        self,
        ctx: AppContext,
        runner: TaskRunner,
        *,
        row: LecturerRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("แก้ไขข้อมูลวิทยากร" if row else "เพิ่มวิทยากร", runner, parent)
        self.ctx, self.row = ctx, row
        self.prefix = QComboBox(editable=True)
        self.prefix.addItems(["นาย", "นาง", "นางสาว", "ดร.", "ผศ.", "รศ.", "ศ."])
        self.first_name, self.last_name = QLineEdit(), QLineEdit()
        self.national_id = QLineEdit()
        self.national_id.setPlaceholderText("ใช้ในใบสำคัญรับเงิน (ไม่บังคับ)")
        self.position, self.organisation = QLineEdit(), QLineEdit()
        self.kind = QComboBox()
        self.kind.addItem("บุคลากรของรัฐ", True)
        self.kind.addItem("ไม่ใช่บุคลากรของรัฐ", False)
        self.phone = QLineEdit()
        self.address = QPlainTextEdit()
        self.address.setMaximumHeight(60)
        for label, field, widget in (
            ("คำนำหน้า", "prefix", self.prefix),
            ("ชื่อ", "first_name", self.first_name),
            ("นามสกุล", "last_name", self.last_name),
            ("เลขประจำตัวประชาชน", "national_id", self.national_id),
            ("ตำแหน่ง", "position", self.position),
            ("หน่วยงาน", "organisation", self.organisation),
            ("ประเภทวิทยากร", "is_state", self.kind),
            ("โทรศัพท์", "phone", self.phone),
            ("ที่อยู่หรือที่ทำการ", "address", self.address),
        ):
            self.add_field(label, field, widget)
        if row is not None:
            self.prefix.setCurrentText(row.prefix)
            self.first_name.setText(row.first_name)
            self.last_name.setText(row.last_name)
            self.national_id.setText(row.national_id)
            self.position.setText(row.position)
            self.organisation.setText(row.organisation)
            self.kind.setCurrentIndex(0 if row.is_state else 1)
            self.phone.setText(row.phone)
            self.address.setPlainText(row.address)

    def collect(self) -> Callable[[], Any]:
        data = LecturerInput(
            prefix=self.prefix.currentText(),
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            national_id=self.national_id.text(),
            position=self.position.text(),
            organisation=self.organisation.text(),
            is_state=bool(self.kind.currentData()),
            phone=self.phone.text(),
            address=self.address.toPlainText(),
            note=self.row.note if self.row else "",
        )
        lecturers.validate(data)
        ctx, row = self.ctx, self.row
        if row is None:
            return lambda: lecturers.create_lecturer(ctx, data)
        return lambda: lecturers.update_lecturer(ctx, row.id, data)
