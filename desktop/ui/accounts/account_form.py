"""The one form that makes an account: the first admin of the first run and an admin's new account share it."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLineEdit, QWidget

from desktop.core.accounts import store
from desktop.core.accounts.roles import ROLE_LABELS
from desktop.core.accounts.store import AccountInput, AccountRow
from desktop.core.context import AppContext
from desktop.core.errors import CoreError, ValidationError
from desktop.ui.accounts.common import error_label, password_box
from desktop.ui.widgets import FieldErrors


class AccountForm(QWidget):
    """User name, full name, position, national ID, roles (or fixed ones), a password (confirmed twice or not).

    create() calls store.create_account and shows a refusal under its field, or in the error line, in Thai."""

    def __init__(
        self,
        *,
        roles: tuple[str, ...] | None = None,
        password_label: str = "รหัสผ่าน",
        confirm: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.fixed_roles = roles
        self.errors = FieldErrors()
        self.user_name, self.full_name, self.position, self.national_id = (QLineEdit() for _ in range(4))
        self.user_name.setPlaceholderText("อักษรอังกฤษตัวเล็กหรือตัวเลข เช่น somchai")
        self.full_name.setPlaceholderText("เช่น นายสมชาย ใจดี")
        self.password = password_box()
        self.again = password_box() if confirm else None
        self.roles = {code: QCheckBox(label) for code, label in ROLE_LABELS.items()} if roles is None else {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        rows: list[tuple[str, str, QWidget]] = [
            ("ชื่อผู้ใช้", "user_name", self.user_name),
            ("ชื่อ-นามสกุล", "full_name", self.full_name),
            ("ตำแหน่ง", "position", self.position),
            ("เลขประจำตัวประชาชน", "national_id", self.national_id),
        ]
        if self.roles:
            boxes = QWidget()
            line = QHBoxLayout(boxes)
            line.setContentsMargins(0, 0, 0, 0)
            for box in self.roles.values():
                line.addWidget(box)
            rows.append(("บทบาท", "roles", boxes))
        rows.append((password_label, "password", self.password))
        for label, field, widget in rows:
            self.errors.add_row(form, label, field, widget)
        if self.again is not None:
            form.addRow("ยืนยันรหัสผ่าน", self.again)
        self.error = error_label()

    def value(self) -> AccountInput:
        roles = self.fixed_roles or tuple(code for code, box in self.roles.items() if box.isChecked())
        return AccountInput(
            self.user_name.text(),
            self.full_name.text(),
            roles,
            self.position.text(),
            self.national_id.text(),
        )

    def create(self, ctx: AppContext, *, must_change_password: bool = False) -> AccountRow | None:
        """The account made, or None with the reason shown."""
        self.errors.clear()
        self.error.clear()
        if self.again is not None and self.password.text() != self.again.text():
            self.errors.show({"password": "รหัสผ่านทั้งสองช่องไม่ตรงกัน"})
            return None
        try:
            return store.create_account(
                ctx, self.value(), password=self.password.text(), must_change_password=must_change_password
            )
        except ValidationError as exc:
            self.errors.show(exc.errors)
        except CoreError as exc:
            self.error.setText(exc.message)
        return None
