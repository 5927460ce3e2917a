"""First run on another PC of a working office: the setup dialog joins it (enrol, pull, accounts), then the login."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog

from desktop.core import office
from desktop.core.accounts import signin, store
from desktop.core.accounts.permissions import any_accounts
from desktop.core.accounts.store import AccountInput
from desktop.core.context import AppContext
from desktop.core.sync import client as sync_client
from desktop.ui.accounts.login_dialog import LoginDialog
from desktop.ui.dialogs.setup import SetupDialog
from server import admin
from tests.fixtures.sync_harness import start_live_server

CENTRE_PASSWORD = "centre-pass-2569"
OFFICER_PASSWORD = "officer-pass-2569"


@pytest.fixture
def live(tmp_path: Path):
    srv = start_live_server(f"sqlite:///{tmp_path / 'server.sqlite'}")
    yield srv
    srv.stop()


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_second_pc_joins_from_the_setup_dialog_and_signs_in_with_the_offices_account(
    qtbot, live, tmp_path: Path, app_font
) -> None:
    # The office at work: the centre made its admin, its first PC pulled it and made an officer.
    code_a = live.code("40")
    admin.create_user(
        live.sessions,
        username="head40",
        password=CENTRE_PASSWORD,
        role="province_head",
        province="40",
        full_name="นายหัวหน้า สำนักงาน",
        desktop_roles=("admin",),
    )
    first = AppContext.open(tmp_path / "first.sqlite", user_name="first")
    office.setup_office(first, province_code="40")
    sync_client.enrol(first, server=live.base, code=code_a)
    sync_client.sync(first)
    signin.sign_in(first, "head40", password=CENTRE_PASSWORD)
    store.create_account(
        first,
        AccountInput("officer", "นางสาวอรุณี ทำงาน", ("officer",), "นักวิชาการแรงงาน"),
        password=OFFICER_PASSWORD,
    )
    assert sync_client.sync(first).failed == 0
    first.close()

    ctx = AppContext.open(tmp_path / "second.sqlite", user_name="second")
    try:
        dialog = SetupDialog(office.list_provinces(ctx), ctx=ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.join_choice.text() == "เครื่องเพิ่มของสำนักงานที่ใช้งานอยู่แล้ว"
        assert dialog.new_choice.isChecked() and not dialog.join_box.isEnabled()
        dialog.join_choice.setChecked(True)
        assert dialog.join_box.isEnabled() and not dialog.new_box.isEnabled()

        dialog.ok_button.click()  # nothing typed
        assert _plain(dialog.error.text()) == "⚠ กรุณากรอกที่อยู่เซิร์ฟเวอร์และรหัสลงทะเบียน"

        def refused(server: str, code: str, sentence: str, detail: str) -> None:
            dialog.server_edit.setText(server)
            dialog.code_edit.setText(code)
            dialog.ok_button.click()
            qtbot.waitUntil(lambda: dialog.error_shown is not None, timeout=30_000)
            shown = _plain(dialog.error.text())
            assert shown.startswith(f"⚠ {sentence}") and not re.search(r"[A-Za-z]{2,}", shown), shown
            assert detail in dialog.error_shown.detailedText()  # the technical words behind รายละเอียด
            assert dialog.ok_button.isEnabled() and dialog.isVisible()
            dialog.error_shown.close()
            dialog.error_shown = None

        refused(live.base, "WRONG-CODE-1234", "รหัสลงทะเบียนไม่ถูกต้อง", "the enrolment code is wrong")
        refused(f"http://127.0.0.1:{_closed_port()}", "ABCD-1234", "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้", "ConnectError")
        assert office.get_office(ctx) is None and not any_accounts(ctx)

        dialog.server_edit.setText(live.base)
        dialog.code_edit.setText(live.code("40"))
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=60_000)
        assert dialog.joined is not None and dialog.joined.accounts and dialog.joined.enrolled.lane == 2
        assert dialog.joined.office.name_th == "สำนักงานแรงงานจังหวัดขอนแก่น"
        assert office.get_office(ctx).code == "40"

        # Then the normal login, with the office's accounts: no admin was made on this PC.
        login = LoginDialog(ctx, office_name=dialog.joined.office.name_th)
        qtbot.addWidget(login)
        login.user.setText("officer")
        login.password.setText(OFFICER_PASSWORD)
        login.try_sign_in()
        assert login.result() == QDialog.DialogCode.Accepted and ctx.account.user_name == "officer"
        assert signin.authenticate(ctx, "head40", password=CENTRE_PASSWORD).must_change_password
    finally:
        ctx.close()
