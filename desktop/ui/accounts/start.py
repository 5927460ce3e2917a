"""At every start, before the main window: the first admin on a database without accounts, else the login."""

from __future__ import annotations

import os
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop.core.accounts import signin
from desktop.core.accounts.permissions import any_accounts
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.ui.accounts.first_admin import FirstAdminDialog
from desktop.ui.accounts.login_dialog import LoginDialog

PASSWORD_ENV = "KRUKHOR_PASSWORD"


def sign_in_at_start(
    ctx: AppContext, *, office_name: str, user: str | None = None, started: float | None = None
) -> bool:
    """True when someone is signed in (or has just made the office's first admin); False: quit the program.

    `user` with KRUKHOR_PASSWORD signs in without the dialog (screenshots, benchmarks, a kiosk script)."""
    if user and any_accounts(ctx):
        try:
            signin.sign_in(ctx, user, password=os.environ.get(PASSWORD_ENV, ""))
            return True
        except CoreError as exc:
            QMessageBox.critical(None, "เข้าสู่ระบบไม่ได้", exc.message)
            return False
    dialog: QDialog = (
        LoginDialog(ctx, office_name=office_name)
        if any_accounts(ctx)
        else FirstAdminDialog(ctx, office_name=office_name)
    )
    if started is not None:
        QTimer.singleShot(
            0,
            lambda: print(
                f"{type(dialog).__name__} shown in {time.perf_counter() - started:.2f} s", file=sys.stderr
            ),
        )
    return dialog.exec() == QDialog.DialogCode.Accepted and ctx.account is not None
