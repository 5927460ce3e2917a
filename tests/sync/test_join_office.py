"""A new PC joins an office that already works: enrol, pull the accounts, sign in; no local admin is made."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from db.models import StaffAccount
from desktop.core import office
from desktop.core.accounts import signin, store
from desktop.core.accounts.permissions import any_accounts
from desktop.core.accounts.store import AccountInput
from desktop.core.context import AppContext
from desktop.core.sync import client as sync_client
from desktop.core.sync.join import join_office
from server import admin
from tests.fixtures.sync_harness import BASE, Flaky, Server, client_for

CENTRE_PASSWORD = "centre-pass-2569"
OFFICER_PASSWORD = "officer-pass-2569"


def _centre_admin(server: Server) -> None:
    admin.create_office(server.sessions, province="40")
    admin.create_user(
        server.sessions,
        username="head40",
        password=CENTRE_PASSWORD,
        role="province_head",
        province="40",
        full_name="นายหัวหน้า สำนักงาน",
        desktop_roles=("admin",),
    )


def _names(ctx: AppContext) -> list[str]:
    with ctx.reading() as s:
        return sorted(s.scalars(select(StaffAccount.user_name)))


def test_a_new_pc_joins_sees_the_offices_accounts_and_signs_in_with_the_centres_admin(
    server: Server, desktops, tmp_path
) -> None:
    _centre_admin(server)
    a = desktops("pc_a")  # the office's first PC: pulls the centre's admin, which makes an officer
    assert sync_client.sync(a, http=server.http).failed == 0
    signin.sign_in(a, "head40", password=CENTRE_PASSWORD)
    store.create_account(
        a,
        AccountInput("officer", "นางสาวอรุณี ทำงาน", ("officer",), "นักวิชาการแรงงาน"),
        password=OFFICER_PASSWORD,
    )
    assert sync_client.sync(a, http=server.http).failed == 0

    new = AppContext.open(tmp_path / "new_pc.sqlite", user_name="new_pc")
    try:
        assert office.get_office(new) is None and not any_accounts(new)
        joined = join_office(new, server=BASE, code=server.code(), device_name="new_pc", http=server.http)
        assert joined.accounts and joined.office.code == "40" and joined.enrolled.lane == 2
        assert joined.report.failed == 0 and not joined.report.problems
        assert office.get_office(new).name_th == "สำนักงานแรงงานจังหวัดขอนแก่น"
        assert _names(new) == ["head40", "officer"]  # the office's accounts, and no stray local admin
        who = signin.sign_in(new, "head40", password=CENTRE_PASSWORD)
        assert "admin" in who.roles
        assert signin.authenticate(new, "officer", password=OFFICER_PASSWORD).user_name == "officer"
    finally:
        new.close()


def test_a_wrong_code_or_an_unreachable_server_says_so_in_thai_and_leaves_the_pc_to_try_again(
    server: Server, tmp_path
) -> None:
    _centre_admin(server)
    new = AppContext.open(tmp_path / "new_pc.sqlite", user_name="new_pc")
    try:
        with pytest.raises(sync_client.SyncError) as wrong:
            join_office(new, server=BASE, code="ABCD-EFGH-IJKL", http=server.http)
        assert wrong.value.code == "bad_code"
        assert wrong.value.message.startswith("รหัสลงทะเบียนไม่ถูกต้อง") and "/" not in wrong.value.message
        assert "the enrolment code is wrong" in wrong.value.detail  # the server's own words, behind รายละเอียด
        flaky = Flaky(server.http._transport)
        flaky.refuse = lambda _r: True
        with pytest.raises(sync_client.SyncError) as offline:
            join_office(new, server=BASE, code=server.code(), http=client_for(server, flaky))
        assert offline.value.code == "offline" and offline.value.message.startswith("เชื่อมต่อเซิร์ฟเวอร์ไม่ได้")
        assert offline.value.detail.startswith("ConnectError")
        assert office.get_office(new) is None and not any_accounts(new)

        # Enrolled, then the pull is cut off: no office is kept; the same code again finishes the job.
        code = server.code()
        flaky = Flaky(server.http._transport)
        flaky.refuse = lambda r: r.url.path.endswith("/pull")
        with pytest.raises(sync_client.SyncError):
            join_office(new, server=BASE, code=code, http=client_for(server, flaky))
        assert office.get_office(new) is None
        joined = join_office(new, server=BASE, code=code, http=server.http)
        assert joined.accounts and _names(new) == ["head40"]
    finally:
        new.close()


def test_a_pc_already_set_up_is_sent_to_the_sync_page(server: Server, desktops) -> None:
    from desktop.core.errors import ValidationError

    a = desktops("pc_a", enrol=False)
    with pytest.raises(ValidationError, match="ตั้งค่าสำนักงานไว้แล้ว"):
        join_office(a, server=BASE, code=server.code(), http=server.http)


def test_a_server_that_is_not_ours_is_refused_in_thai(tmp_path) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="<html>Not Found</html>")

    new = AppContext.open(tmp_path / "new_pc.sqlite", user_name="new_pc")
    try:
        http = httpx.Client(base_url="http://example.test", transport=httpx.MockTransport(answer))
        with pytest.raises(sync_client.SyncError) as exc:
            join_office(new, server="http://example.test", code="ABCD-1234", http=http)
        assert exc.value.message.startswith("ที่อยู่นี้ไม่ใช่เซิร์ฟเวอร์ของโปรแกรม")
        assert "404" in exc.value.detail
    finally:
        new.close()
