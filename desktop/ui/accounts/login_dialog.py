"""เข้าสู่ระบบ: the Thai login dialog of every start once the office has accounts, and the idle lock's screen.

The password is checked locally (offline). After wrong passwords the button waits out the throttle's delay.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.accounts import signin
from desktop.core.accounts.session import SignedIn
from desktop.core.context import AppContext
from desktop.ui.accounts.common import error_label, password_box
from desktop.ui.accounts.password_dialog import ChangePasswordDialog


class LoginDialog(QDialog):
    """Sign in to ctx. With `locked` it is the idle lock: only that account can open it again, and it cannot
    be closed otherwise (the windows and forms behind it keep what was typed)."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        office_name: str = "",
        locked: SignedIn | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.locked = ctx, locked
        self.setWindowTitle("ล็อกหน้าจอ" if locked else "เข้าสู่ระบบ")
        self.setModal(True)
        self.user = QLineEdit()
        self.user.setPlaceholderText("ชื่อผู้ใช้")
        self.password = password_box()
        self.error = error_label()
        self.ok = QPushButton("เข้าสู่ระบบ" if not locked else "ปลดล็อก")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.try_sign_in)
        self.quit = QPushButton("ออกจากโปรแกรม")
        self.quit.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("ชื่อผู้ใช้", self.user)
        form.addRow("รหัสผ่าน", self.password)
        if locked:
            self.user.setText(locked.user_name)
            self.user.setReadOnly(True)
            head = f"<h3>หน้าจอถูกล็อก</h3>{locked.label} ไม่ได้ใช้งานนานเกินกำหนด<br>ใส่รหัสผ่านเพื่อทำงานต่อ งานที่ค้างอยู่ยังอยู่ครบ"
            self.quit.hide()
        else:
            head = f"<h3>เข้าสู่ระบบ</h3>{office_name}"
        intro = QLabel(head)
        intro.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setMinimumWidth(420)
        self._wait = QTimer(self)
        self._wait.setSingleShot(True)
        self._wait.timeout.connect(lambda: self.ok.setEnabled(True))
        (self.password if locked else self.user).setFocus()

    def try_sign_in(self) -> None:
        self.error.clear()
        try:
            who = signin.authenticate(self.ctx, self.user.text(), password=self.password.text())
        except signin.SignInRefused as exc:
            self.error.setText(exc.message)
            self.password.clear()
            if exc.wait_s > 0:
                self.ok.setEnabled(False)
                self._wait.start(int(exc.wait_s * 1000) + 100)
            return
        if self.locked is not None and who.account_id != self.locked.account_id:
            self.error.setText(f"หน้าจอนี้ล็อกโดย {self.locked.label} กรุณาใส่รหัสผ่านของบัญชีนี้")
            return
        self.ctx.account, self.ctx.user_name = who, who.user_name
        if who.must_change_password and not ChangePasswordDialog(self.ctx, forced=True, parent=self).exec():
            signin.sign_out(self.ctx)
            self.error.setText("ต้องตั้งรหัสผ่านใหม่ก่อนจึงจะใช้งานได้")
            return
        self.accept()

    def reject(self) -> None:
        if self.locked is None:  # the lock screen closes only by the password (Esc does nothing)
            super().reject()
