"""บัญชีผู้ใช้ on the settings page: the office's accounts (admins only), and one's own password for everyone."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.accounts import idle, store
from desktop.core.accounts.passwords import MIN_LENGTH
from desktop.core.accounts.roles import allowed
from desktop.core.accounts.store import AccountRow
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.ui.accounts.account_form import AccountForm
from desktop.ui.accounts.password_dialog import ChangePasswordDialog
from desktop.ui.table_model import Column, RowTableModel, make_table_view
from desktop.ui.tasks import TaskRunner


class AccountDialog(QDialog):
    """A new account: its roles, and a first password its owner must change at the first sign-in."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("เพิ่มบัญชีผู้ใช้")
        self.form = AccountForm(password_label=f"รหัสผ่านชั่วคราว (อย่างน้อย {MIN_LENGTH} ตัว)")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("เพิ่มบัญชี")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("ยกเลิก")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)
        layout.addWidget(QLabel("เจ้าของบัญชีต้องเปลี่ยนรหัสผ่านเมื่อเข้าสู่ระบบครั้งแรก"))
        layout.addWidget(self.form.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def create(self) -> None:
        if self.form.create(self.ctx, must_change_password=True) is not None:
            self.accept()


class AccountsBox(QWidget):
    def __init__(self, ctx: AppContext, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.runner = ctx, runner
        self.model = RowTableModel(
            [
                Column("ชื่อผู้ใช้", lambda r: r.user_name),
                Column("ชื่อ-นามสกุล", lambda r: r.full_name, stretch=True),
                Column("ตำแหน่ง", lambda r: r.position, stretch=True),
                Column("บทบาท", lambda r: r.roles_label),
                Column("สถานะ", _state),
            ],
            search_text=lambda r: f"{r.user_name} {r.full_name}",
        )
        self.view = make_table_view(self.model)
        # Five accounts show without scrolling (an office has a handful); the page scrolls around it.
        self.view.setMinimumHeight(6 * self.view.verticalHeader().defaultSectionSize() + 4)
        self.view.setMaximumHeight(8 * self.view.verticalHeader().defaultSectionSize() + 4)
        self.add_button = QPushButton("เพิ่มบัญชี…")
        self.toggle_button = QPushButton("ระงับ / เปิดใช้บัญชี")
        self.reset_button = QPushButton("ตั้งรหัสผ่านใหม่…")
        self.rename_button = QPushButton("เปลี่ยนชื่อผู้ใช้…")
        self.own_button = QPushButton("เปลี่ยนรหัสผ่านของฉัน…")
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(1, 240)
        self.idle_minutes.setSuffix(" นาที")
        self.idle_save = QPushButton("บันทึก")
        self.add_button.clicked.connect(self.add_account)
        self.toggle_button.clicked.connect(self.toggle_account)
        self.reset_button.clicked.connect(self.reset_password)
        self.rename_button.clicked.connect(self.rename)
        self.own_button.clicked.connect(self.change_own)
        self.idle_save.clicked.connect(self.save_idle)
        self.admin_part = QWidget()
        admin = QVBoxLayout(self.admin_part)
        admin.setContentsMargins(0, 0, 0, 0)
        admin.addWidget(self.view)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.toggle_button, self.reset_button, self.rename_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("ล็อกหน้าจอเมื่อไม่ได้ใช้งาน"))
        buttons.addWidget(self.idle_minutes)
        buttons.addWidget(self.idle_save)
        admin.addLayout(buttons)
        self.who = QLabel()
        own = QHBoxLayout()
        own.addWidget(self.who, 1)
        own.addWidget(self.own_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>บัญชีผู้ใช้</b>"))
        layout.addLayout(own)
        layout.addWidget(self.admin_part)

    @property
    def is_admin(self) -> bool:
        return self.ctx.account is not None and allowed(self.ctx.account.roles, "accounts.manage")

    def reload(self) -> None:
        who = self.ctx.account
        self.who.setText(f"เข้าสู่ระบบเป็น {who.label}" if who else "ยังไม่มีบัญชีผู้ใช้ (ไม่ต้องเข้าสู่ระบบ)")
        self.own_button.setVisible(who is not None)
        self.admin_part.setVisible(self.is_admin)  # the list of accounts is for an admin only
        if self.is_admin:
            self.idle_minutes.setValue(idle.lock_minutes(self.ctx))
            self.runner.read(lambda: store.list_accounts(self.ctx), on_done=self._show)

    def _show(self, rows: list[AccountRow]) -> None:
        self.model.set_rows(rows)
        self.view.resizeColumnsToContents()

    def _selected(self) -> AccountRow | None:
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        return self.model.row_at(rows[0].row()) if rows else None

    def _run(self, work, done_text: str) -> None:
        try:
            work()
        except CoreError as exc:
            QMessageBox.warning(self, "ทำรายการไม่สำเร็จ", exc.message)
            return
        self.reload()
        if done_text:
            QMessageBox.information(self, "บัญชีผู้ใช้", done_text)

    def add_account(self) -> None:
        if AccountDialog(self.ctx, self).exec():
            self.reload()

    def toggle_account(self) -> None:
        row = self._selected()
        if row is None:
            QMessageBox.information(self, "บัญชีผู้ใช้", "กรุณาเลือกบัญชีในตารางก่อน")
            return
        verb = "เปิดใช้" if not row.active else "ระงับ"
        self._run(
            lambda: store.set_active(self.ctx, row.id, active=not row.active),
            f"{verb}บัญชี {row.full_name} ({row.user_name}) แล้ว เครื่องอื่นของสำนักงานจะเห็นหลังซิงก์ครั้งถัดไป",
        )

    def reset_password(self) -> None:
        row = self._selected()
        if row is None:
            QMessageBox.information(self, "บัญชีผู้ใช้", "กรุณาเลือกบัญชีในตารางก่อน")
            return
        password, ok = QInputDialog.getText(
            self,
            "ตั้งรหัสผ่านใหม่",
            f"รหัสผ่านชั่วคราวของ {row.full_name} ({row.user_name})\nเจ้าของบัญชีต้องเปลี่ยนเมื่อเข้าสู่ระบบครั้งถัดไป",
            QLineEdit.EchoMode.Password,
        )
        if ok:
            self._run(
                lambda: store.reset_password(self.ctx, row.id, new_password=password),
                f"ตั้งรหัสผ่านใหม่ให้ {row.full_name} แล้ว",
            )

    def rename(self, new_name: str | None = None) -> None:
        row = self._selected()
        if row is None:
            QMessageBox.information(self, "บัญชีผู้ใช้", "กรุณาเลือกบัญชีในตารางก่อน")
            return
        if new_name is None:
            new_name, ok = QInputDialog.getText(
                self,
                "เปลี่ยนชื่อผู้ใช้",
                f"ชื่อผู้ใช้ใหม่ของ {row.full_name} ({row.user_name})\nอักษรอังกฤษตัวเล็ก ตัวเลข . _ หรือ -",
            )
            if not ok:
                return
        self._run(
            lambda: store.rename_account(self.ctx, row.id, new_user_name=new_name),
            f"เปลี่ยนชื่อผู้ใช้ของ {row.full_name} เป็น {new_name.strip().lower()} แล้ว แจ้งเจ้าของบัญชีให้ใช้ชื่อนี้เข้าสู่ระบบ",
        )

    def change_own(self) -> None:
        if ChangePasswordDialog(self.ctx, parent=self).exec():
            QMessageBox.information(self, "บัญชีผู้ใช้", "เปลี่ยนรหัสผ่านแล้ว")

    def save_idle(self) -> None:
        self._run(
            lambda: idle.set_lock_minutes(self.ctx, self.idle_minutes.value()),
            "บันทึกแล้ว มีผลเมื่อเปิดโปรแกรมครั้งถัดไป",
        )


def _state(r: AccountRow) -> str:
    if r.name_refused:
        return "ชื่อผู้ใช้ซ้ำกับบัญชีจากเครื่องอื่น ต้องเปลี่ยนชื่อ"
    if not r.active:
        return "ระงับ"
    return "ต้องเปลี่ยนรหัสผ่าน" if r.must_change_password else "ใช้งาน"
