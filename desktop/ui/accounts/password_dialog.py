"""Change one's own password (asked at the first sign-in after an admin reset, or from the settings page)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from desktop.core.accounts import store
from desktop.core.accounts.passwords import MIN_LENGTH
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.ui.accounts.common import error_label, password_box


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx: AppContext, *, forced: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("เปลี่ยนรหัสผ่าน")
        self.old, self.new, self.again = password_box(), password_box(), password_box()
        self.error = error_label()
        form = QFormLayout()
        form.addRow("รหัสผ่านเดิม", self.old)
        form.addRow("รหัสผ่านใหม่", self.new)
        form.addRow("ยืนยันรหัสผ่านใหม่", self.again)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("เปลี่ยนรหัสผ่าน")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("ยกเลิก")
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        who = ctx.account.label if ctx.account else ""
        intro = (
            f"ผู้ดูแลระบบตั้งรหัสผ่านชั่วคราวให้ {who} กรุณาตั้งรหัสผ่านใหม่ก่อนใช้งาน" if forced else f"เปลี่ยนรหัสผ่านของ {who}"
        )
        text = QLabel(f"{intro}<br>รหัสผ่านใหม่ยาวอย่างน้อย {MIN_LENGTH} ตัวอักษร")
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def _ok(self) -> None:
        if self.new.text() != self.again.text():
            self.error.setText("รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน")
            return
        try:
            store.change_own_password(self.ctx, old_password=self.old.text(), new_password=self.new.text())
        except CoreError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
