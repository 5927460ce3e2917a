"""The second `somchai` in the GUI: the sync page shows the server's Thai refusal and renames the account there;
the settings page's accounts list marks it and lets an admin rename it too (real server in-process)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from db.sync.naturalkeys import NAME_TAKEN
from desktop.core.accounts import signin, store
from desktop.core.accounts.store import AccountInput
from desktop.core.sync import client as sync_client
from desktop.ui.accounts.login_dialog import LoginDialog
from desktop.ui.pages.settings_page import SettingsPage
from desktop.ui.pages.sync_page import SyncPage
from desktop.ui.tasks import TaskRunner
from tests.fixtures.sync_harness import _pg_reason, desktops, server, server_db_url  # noqa: F401

PASS_A, PASS_B = "somchai-a-pass-1", "somchai-b-pass-2"


@pytest.mark.parametrize("server_db_url", ["sqlite"], indirect=True)
def test_the_sync_page_and_the_accounts_list_rename_a_refused_account(
    server,  # noqa: F811
    desktops,  # noqa: F811
    app_font,
    qtbot,
    monkeypatch,
) -> None:
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    a, b = desktops("pc_a"), desktops("pc_b")
    store.create_account(a, AccountInput("somchai", "นายสมชาย ใจดี", ("admin",)), password=PASS_A)
    second = store.create_account(b, AccountInput("somchai", "นายสมชาย รักงาน", ("admin",)), password=PASS_B)
    sync_client.sync(a, http=server.http)
    assert sync_client.sync(b, http=server.http).failed == 1
    # B's own somchai signs in (told apart by the password) and is asked for a new name; "later" is allowed.
    asked: list[str] = []
    monkeypatch.setattr(
        QInputDialog, "getText", lambda _p, _t, text, *a, **k: (asked.append(text), ("", False))[1]
    )
    login = LoginDialog(b)
    qtbot.addWidget(login)
    login.user.setText("somchai")
    login.password.setText(PASS_B)
    login.try_sign_in()
    assert login.result() == QDialog.DialogCode.Accepted and b.account.account_id == second.id
    assert asked and "ชื่อผู้ใช้ somchai มีบัญชีอื่นของสำนักงานใช้อยู่แล้ว" in asked[0]

    runner = TaskRunner()
    settings = SettingsPage(b, runner)
    qtbot.addWidget(settings)
    settings.show()
    settings.reload()
    qtbot.waitUntil(lambda: settings.accounts.model.rowCount() == 2, timeout=5_000)
    states = {
        settings.accounts.model.row_at(i).full_name: settings.accounts.model.index(i, 4).data()
        for i in range(2)
    }
    assert states == {"นายสมชาย ใจดี": "ใช้งาน", "นายสมชาย รักงาน": "ชื่อผู้ใช้ซ้ำกับบัญชีจากเครื่องอื่น ต้องเปลี่ยนชื่อ"}

    page = SyncPage(b, runner)
    page.controller.stop_background()
    qtbot.addWidget(page)
    page.show()
    page.reload()
    qtbot.waitUntil(lambda: page.failed_model.rowCount() == 1 and runner.idle, timeout=5_000)
    row = page.failed_model.row_at(0)
    assert row.label == "บัญชีผู้ใช้ นายสมชาย รักงาน (somchai)" and NAME_TAKEN in row.error
    assert page.rename_button.isVisible()
    page.failed_view.selectRow(0)
    page.rename_account("somchai")  # the name the server refused: said in Thai, nothing changes
    qtbot.waitUntil(lambda: "ไม่สำเร็จ" in page.result.text(), timeout=5_000)
    assert "ชื่อผู้ใช้ใหม่ต้องไม่เหมือนชื่อเดิม" in page.result.text()
    page.rename_account("somchai.r")
    qtbot.waitUntil(lambda: b.account.user_name == "somchai.r", timeout=5_000)  # status bar, audit follow
    qtbot.waitUntil(
        lambda: runner.idle and not page.controller.running, timeout=15_000
    )  # its sync: offline here
    assert sync_client.sync(b, http=server.http).failed == 0
    sync_client.sync(a, http=server.http)
    assert signin.authenticate(a, "somchai.r", password=PASS_B).account_id == second.id

    # An admin may rename any account from the settings page (here the first one, on A).
    signin.sign_in(a, "somchai", password=PASS_A)
    box = SettingsPage(a, runner)
    qtbot.addWidget(box)
    box.show()
    box.reload()
    qtbot.waitUntil(lambda: box.accounts.model.rowCount() == 2, timeout=5_000)
    i = next(i for i in range(2) if box.accounts.model.row_at(i).user_name == "somchai.r")
    box.accounts.view.selectRow(i)
    box.accounts.rename("rakngan")
    qtbot.waitUntil(
        lambda: any(box.accounts.model.row_at(j).user_name == "rakngan" for j in range(2)), timeout=5_000
    )
    runner.wait()
