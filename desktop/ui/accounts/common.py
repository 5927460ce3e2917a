"""Pieces the account dialogs share: a password box, the error line and how the signed-in person is named."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from desktop.core.accounts.roles import roles_label
from desktop.core.context import AppContext


def password_box() -> QLineEdit:
    box = QLineEdit()
    box.setEchoMode(QLineEdit.EchoMode.Password)
    return box


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet("color: #b00020;")
    label.setWordWrap(True)
    return label


def account_text(ctx: AppContext) -> str:
    """The status bar's "who is at the keyboard"."""
    who = ctx.account
    if who is None:
        return f"ผู้ใช้ {ctx.user_name}"
    return f"ผู้ใช้: {who.label} · {roles_label(who.roles)}"
