"""`krukhor-cli init` (the office's province, first-run setup) and `provinces` (the province codes)."""

from __future__ import annotations

import argparse
import os
import sys

from desktop.core import office
from desktop.core.accounts import store
from desktop.core.accounts.store import AccountInput
from desktop.core.context import AppContext
from desktop.core.keys.opening import recovery_key_text
from desktop.core.people.reference_places import load_reference_places

COMMANDS = ("init", "provinces")


def add_init_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="set the office's province (first-run setup)")
    p.add_argument("--province", required=True, help="2-digit DOPA province code, e.g. 40")
    p.add_argument(
        "--admin",
        default=None,
        metavar="NAME",
        help="create the office's first admin account (password from KRUKHOR_PASSWORD)",
    )
    p.add_argument("--full-name", default="", help="the admin's Thai full name (default: NAME)")
    p.add_argument("--position", default="", help="the admin's position")
    p.add_argument("--national-id", default="", help="the admin's national ID")


def add_provinces_parser(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("provinces", help="list the province codes")


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.command == "init":
        password = os.environ.get("KRUKHOR_PASSWORD", "")
        if args.admin and not password:
            print("ข้อผิดพลาด: ใส่รหัสผ่านของผู้ดูแลระบบในตัวแปรสภาพแวดล้อม KRUKHOR_PASSWORD", file=sys.stderr)
            return 1
        row = office.setup_office(ctx, province_code=args.province)
        print(f"ตั้งค่าแล้ว: {row.name_th} (รหัส {row.code})")
        added = load_reference_places(ctx)  # districts for the first round before any roster
        if added:
            print(f"เพิ่มอำเภอและตำบลจากบัญชีกรมการปกครอง {added:,} แห่ง")
        if args.admin:
            admin = store.create_account(
                ctx,
                AccountInput(
                    args.admin, args.full_name or args.admin, ("admin",), args.position, args.national_id
                ),
                password=password,
            )
            print(f"สร้างบัญชีผู้ดูแลระบบ {admin.full_name} ({admin.user_name}) แล้ว")
        if ctx.db_path is not None:
            print(f"กุญแจกู้คืนของฐานข้อมูล: {recovery_key_text(ctx.db_path)}")
            print("พิมพ์เก็บไว้ในที่ปลอดภัย: ใช้เปิดสำเนาฐานข้อมูลบนเครื่องอื่น (ดูอีกครั้งได้ด้วย krukhor-cli key show-recovery)")
    else:
        for p in office.reference_provinces():
            print(f"{p.code}\t{p.name_th}\t{p.name_en}")
    return 0
