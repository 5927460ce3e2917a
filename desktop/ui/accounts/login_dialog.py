"""เข้าสู่ระบบ: the Thai login dialog of every start once the office has accounts, and the idle lock's screen.

The password is checked locally (offline). After wrong passwords the button waits out the throttle's delay.
On the lock screen "เปลี่ยนผู้ใช้" lets another account sign in. Forms the previous person left open (unsaved
work) are named first and closed unsaved only once that person confirmed it and the new one signed in; until
then, and if the switch is cancelled, they stay open with what was typed.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.accounts import signin, store
from desktop.core.accounts.session import SignedIn
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
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
        self.switch_button = QPushButton("เปลี่ยนผู้ใช้")
        self.switch_button.clicked.connect(self.start_switch)
        self.back_button = QPushButton("กลับไปที่บัญชีเดิม")
        self.back_button.clicked.connect(self.cancel_switch)
        self.back_button.hide()
        self.switching = False
        self.discard: list[QDialog] = []  # the previous person's open forms, closed once the switch is done
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
            self.switch_button.hide()
        self.locked_head = head
        self.intro = intro = QLabel(head)
        intro.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit)
        buttons.addWidget(self.ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setMinimumWidth(420)
        # The wrapped heading measured at the dialog's width, not a narrow guess (which left a gap above the buttons).
        intro.setMinimumWidth(380)
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
        if self.locked is not None and not self.switching and who.account_id != self.locked.account_id:
            self.error.setText(f'หน้าจอนี้ล็อกโดย {self.locked.label} กรุณาใส่รหัสผ่านของบัญชีนี้ หรือกด "เปลี่ยนผู้ใช้"')
            return
        before = self.ctx.account
        self.ctx.account, self.ctx.user_name = who, who.user_name
        if who.must_change_password and not ChangePasswordDialog(self.ctx, forced=True, parent=self).exec():
            if self.switching and before is not None:  # the locked screen stays the previous person's
                self.ctx.account, self.ctx.user_name = before, before.user_name
            else:
                signin.sign_out(self.ctx)
            self.error.setText("ต้องตั้งรหัสผ่านใหม่ก่อนจึงจะใช้งานได้")
            return
        if store.must_rename(self.ctx, who.account_id):
            self.ask_rename(who)
        if self.switching:
            # Innermost first: each form's exec() returns "cancelled", as if its owner had pressed ยกเลิก.
            for form in reversed(self.discard):
                if form.isVisible():
                    QDialog.done(form, QDialog.DialogCode.Rejected)
            self.discard = []
        self.accept()

    def ask_rename(self, who: SignedIn) -> None:
        """The server gave this user name to an account made first on another PC: the owner chooses another one
        (or later, on the sync page; until then the password tells the two accounts apart here)."""
        text = (
            f"ชื่อผู้ใช้ {who.user_name} มีบัญชีอื่นของสำนักงานใช้อยู่แล้ว (สร้างจากเครื่องอื่นก่อน) "
            "บัญชีของท่านจึงยังไม่ถูกส่งไปเครื่องอื่น\nกรุณาตั้งชื่อผู้ใช้ใหม่ (อักษรอังกฤษตัวเล็ก ตัวเลข . _ -) "
            "แล้วใช้ชื่อใหม่เข้าสู่ระบบครั้งต่อไป:"
        )
        while True:
            name, ok = QInputDialog.getText(self, "ตั้งชื่อผู้ใช้ใหม่", text)
            if not ok:
                return
            try:
                store.rename_account(self.ctx, who.account_id, new_user_name=name)
                return
            except CoreError as exc:
                text = f"⚠ {exc.message}\nชื่อผู้ใช้ใหม่:"

    def open_forms(self) -> list[QDialog]:
        """Windows other than this one and the main window left open: forms with unsaved work."""
        return [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QDialog) and w is not self and w.isVisible()
        ]

    def start_switch(self) -> None:
        """Another account signs in here; the previous person's open forms are named, and closed only if confirmed."""
        assert self.locked is not None
        forms = self.open_forms()
        if forms:
            names = "\n".join(f"• {f.windowTitle() or 'หน้าต่างที่ไม่มีชื่อ'}" for f in forms)
            answer = QMessageBox.question(
                self,
                "เปลี่ยนผู้ใช้",
                f"{self.locked.label} มีหน้าต่างที่ยังไม่ได้บันทึกเปิดค้างอยู่ {len(forms)} หน้าต่าง:\n{names}\n\n"
                "ถ้าเปลี่ยนผู้ใช้ หน้าต่างเหล่านี้จะถูกปิดและสิ่งที่พิมพ์ไว้จะไม่ถูกบันทึก "
                "(ถ้ายังไม่แน่ใจ ให้เจ้าของบัญชีปลดล็อกและบันทึกก่อน)\nต้องการเปลี่ยนผู้ใช้หรือไม่?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.discard = forms
        self.switching = True
        self.setWindowTitle("เปลี่ยนผู้ใช้")
        self.intro.setText(
            "<h3>เปลี่ยนผู้ใช้</h3>ใส่ชื่อผู้ใช้และรหัสผ่านของท่าน"
            + (f"<br>หน้าต่างที่เปิดค้างไว้ {len(forms)} หน้าต่างจะถูกปิดเมื่อเข้าสู่ระบบสำเร็จ" if forms else "")
        )
        self.user.setReadOnly(False)
        self.user.clear()
        self.password.clear()
        self.error.clear()
        self.switch_button.hide()
        self.back_button.show()
        self.user.setFocus()

    def cancel_switch(self) -> None:
        """Back to the locked screen of the previous person; their forms stay open, untouched."""
        assert self.locked is not None
        self.switching, self.discard = False, []
        self.setWindowTitle("ล็อกหน้าจอ")
        self.intro.setText(self.locked_head)
        self.user.setText(self.locked.user_name)
        self.user.setReadOnly(True)
        self.password.clear()
        self.error.clear()
        self.back_button.hide()
        self.switch_button.show()
        self.password.setFocus()

    def reject(self) -> None:
        if self.locked is None:  # the lock screen closes only by the password (Esc does nothing)
            super().reject()
