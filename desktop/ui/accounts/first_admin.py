"""First run: the office's admin account, created right after choosing the province (it cannot be skipped)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.core.accounts import signin, store
from desktop.core.accounts.passwords import MIN_LENGTH
from desktop.core.accounts.store import AccountInput
from desktop.core.context import AppContext
from desktop.core.errors import CoreError, ValidationError
from desktop.ui.accounts.common import error_label, password_box
from desktop.ui.widgets import FieldErrors


class FirstAdminDialog(QDialog):
    def __init__(self, ctx: AppContext, *, office_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("สร้างบัญชีผู้ดูแลระบบ")
        self.errors = FieldErrors()
        self.user_name, self.full_name = QLineEdit(), QLineEdit()
        self.position, self.national_id = QLineEdit(), QLineEdit()
        self.user_name.setPlaceholderText("อักษรอังกฤษตัวเล็กหรือตัวเลข เช่น somchai")
        self.full_name.setPlaceholderText("เช่น นายสมชาย ใจดี")
        self.password, self.again = password_box(), password_box()
        self.error = error_label()
        form = QFormLayout()
        for label, field, widget in (
            ("ชื่อผู้ใช้", "user_name", self.user_name),
            ("ชื่อ-นามสกุล", "full_name", self.full_name),
            ("ตำแหน่ง", "position", self.position),
            ("เลขประจำตัวประชาชน", "national_id", self.national_id),
            ("รหัสผ่าน", "password", self.password),
        ):
            self.errors.add_row(form, label, field, widget)
        form.addRow("ยืนยันรหัสผ่าน", self.again)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("สร้างบัญชีและเข้าสู่ระบบ")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("ออกจากโปรแกรม")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        intro = QLabel(
            f"<h3>บัญชีผู้ดูแลระบบของ{office_name or 'สำนักงาน'}</h3>"
            "ก่อนเริ่มใช้งาน ต้องสร้างบัญชีผู้ดูแลระบบหนึ่งบัญชี ผู้ดูแลระบบเพิ่มบัญชีของเจ้าหน้าที่ การเงิน "
            f"และผู้อนุมัติได้ในหน้าตั้งค่า รหัสผ่านยาวอย่างน้อย {MIN_LENGTH} ตัวอักษร"
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def create(self) -> None:
        self.errors.clear()
        self.error.clear()
        if self.password.text() != self.again.text():
            self.errors.show({"password": "รหัสผ่านทั้งสองช่องไม่ตรงกัน"})
            return
        data = AccountInput(
            self.user_name.text(),
            self.full_name.text(),
            ("admin",),
            self.position.text(),
            self.national_id.text(),
        )
        try:
            store.create_account(self.ctx, data, password=self.password.text())
            signin.sign_in(self.ctx, data.user_name.strip().lower(), password=self.password.text())
        except ValidationError as exc:
            self.errors.show(exc.errors)
            return
        except CoreError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
