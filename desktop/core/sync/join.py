"""A new PC of an office that already works: enrol with the server, take the office, pull its data and accounts.

No local account is made: the office's accounts (made on its other PCs, or by the centre with
``krukhor-server admin create-user --desktop-role admin``) arrive with the pull, and the login dialog follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.core import office
from desktop.core.accounts.permissions import any_accounts
from desktop.core.context import AppContext, set_setting
from desktop.core.errors import ValidationError
from desktop.core.people.reference_places import load_reference_places
from desktop.core.sync import client

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Joined:
    enrolled: client.EnrolResult
    report: client.SyncReport
    office: office.OfficeRow
    accounts: bool  # the office's accounts arrived (else the first-admin form follows, as for a new office)


def join_office(
    ctx: AppContext,
    *,
    server: str,
    code: str,
    device_name: str = "",
    http: httpx.Client | None = None,
    progress: client.ProgressFn | None = None,
) -> Joined:
    """Enrol this fresh PC with the enrolment code, set it up as the code's office and pull everything.

    When the pull fails the PC is left without an office, so the next start offers the same choice again (the
    same code then gives the same device: enrolment is idempotent)."""
    if ctx.office_code() or any_accounts(ctx):
        raise ValidationError({"code": "เครื่องนี้ตั้งค่าสำนักงานไว้แล้ว ใช้หน้าซิงก์ข้อมูลเพื่อลงทะเบียนกับเซิร์ฟเวอร์แทน"})
    if not code.strip():
        raise ValidationError({"code": "กรุณาใส่รหัสลงทะเบียนที่ได้จากผู้ดูแลระบบ"})
    try:
        enrolled = client.enrol(
            ctx, server=server, code=code, device_name=device_name, http=http, joining=True
        )
    except client.SyncError as exc:
        raise _in_thai(exc) from exc
    row = office.setup_office(ctx, province_code=enrolled.office_code)
    try:
        report = client.sync(ctx, http=http, progress=progress)
    except Exception as exc:
        with ctx.transaction() as s:  # not half set up: the next start asks again
            set_setting(s, "office_code", "")
        if isinstance(exc, client.SyncError):
            raise _in_thai(exc) from exc
        raise
    load_reference_places(ctx)
    return Joined(enrolled, report, office.get_office(ctx) or row, any_accounts(ctx))


def _in_thai(exc: client.SyncError) -> client.SyncError:
    """One Thai sentence saying what to do; the server's own words (Thai / English) go to the detail."""
    if exc.code == "bad_code":
        message = "รหัสลงทะเบียนไม่ถูกต้อง ใช้ไปแล้ว หรือหมดอายุ กรุณาตรวจรหัส หรือขอรหัสใหม่จากผู้ดูแลระบบ"
    elif exc.code == "offline":
        message = "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ กรุณาตรวจที่อยู่เซิร์ฟเวอร์และการเชื่อมต่ออินเทอร์เน็ต แล้วลองอีกครั้ง"
    elif exc.code == "timeout":
        message = "เซิร์ฟเวอร์ไม่ตอบภายในเวลาที่กำหนด กรุณาลองอีกครั้ง"
    elif exc.code.startswith(
        "http_"
    ):  # an answer that is not one of ours: another web site, or a proxy's page
        message = "ที่อยู่นี้ไม่ใช่เซิร์ฟเวอร์ของโปรแกรม หรือเซิร์ฟเวอร์ขัดข้อง กรุณาตรวจที่อยู่เซิร์ฟเวอร์"
    else:
        message = exc.message.split(" / ")[0]
    return client.SyncError(message, code=exc.code, detail=exc.detail or exc.message)
