"""First run: the office's admin account, created right after choosing the province (it cannot be skipped)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.core.accounts import signin
from desktop.core.accounts.passwords import MIN_LENGTH
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.ui.accounts.account_form import AccountForm


class FirstAdminDialog(QDialog):
    def __init__(self, ctx: AppContext, *, office_name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("สร้างบัญชีผู้ดูแลระบบ")
        self.form = AccountForm(roles=("admin",), confirm=True)
        f = self.form
        self.errors, self.error = f.errors, f.error
        self.user_name, self.full_name, self.password, self.again = (
            f.user_name,
            f.full_name,
            f.password,
            f.again,
        )
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
        layout.addWidget(self.form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def create(self) -> None:
        row = self.form.create(self.ctx)
        if row is None:
            return
        try:
            signin.sign_in(self.ctx, row.user_name, password=self.password.text())
        except CoreError as exc:
            self.error.setText(exc.message)
            return
        self.accept()
