"""`krukhor-cli init` (the office's province, first-run setup) and `provinces` (the province codes)."""

from __future__ import annotations

import argparse
import os
import sys

from desktop.cli.sync import EXIT_SERVER
from desktop.core import office
from desktop.core.accounts import store
from desktop.core.accounts.store import AccountInput
from desktop.core.context import AppContext
from desktop.core.keys.opening import recovery_key_text
from desktop.core.people.reference_places import load_reference_places
from desktop.core.sync.client import SyncError
from desktop.core.sync.join import join_office

COMMANDS = ("init", "provinces")


def add_init_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "init", help="first-run setup: a new office (--province), or another PC of one that works (--join)"
    )
    p.add_argument("--province", default=None, help="2-digit DOPA province code, e.g. 40 (a new office)")
    p.add_argument(
        "--join",
        default=None,
        metavar="URL",
        help="another PC of an office already at work: the server's address (with --code); no local admin is made",
    )
    p.add_argument("--code", default=None, help="with --join: the enrolment code from the administrator")
    p.add_argument("--name", default="", help="with --join: a name for this PC (default: host and user)")
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
    if args.command == "init" and args.join:
        return _join(ctx, args)
    if args.command == "init":
        if not args.province:
            print(
                "ข้อผิดพลาด: ระบุ --province รหัสจังหวัด (สำนักงานใหม่) หรือ --join ที่อยู่เซิร์ฟเวอร์ --code รหัสลงทะเบียน "
                "(เครื่องเพิ่มของสำนักงานที่ใช้งานอยู่แล้ว)",
                file=sys.stderr,
            )
            return 1
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
        _print_recovery_key(ctx)
    else:
        for p in office.reference_provinces():
            print(f"{p.code}\t{p.name_th}\t{p.name_en}")
    return 0


def _print_recovery_key(ctx: AppContext) -> None:
    if ctx.db_path is not None:
        print(f"กุญแจกู้คืนของฐานข้อมูล: {recovery_key_text(ctx.db_path)}")
        print("พิมพ์เก็บไว้ในที่ปลอดภัย: ใช้เปิดสำเนาฐานข้อมูลบนเครื่องอื่น (ดูอีกครั้งได้ด้วย krukhor-cli key show-recovery)")


def _join(ctx: AppContext, args: argparse.Namespace) -> int:
    """init --join URL --code CODE: enrol, take the code's office, pull its data and accounts."""
    if args.province or args.admin:
        print(
            "ข้อผิดพลาด: เครื่องเพิ่มของสำนักงานใช้บัญชีผู้ใช้และจังหวัดของสำนักงาน จึงใช้ --join กับ --province หรือ "
            "--admin พร้อมกันไม่ได้",
            file=sys.stderr,
        )
        return 1
    if not args.code:
        print("ข้อผิดพลาด: ระบุ --code รหัสลงทะเบียนที่ได้จากผู้ดูแลระบบ", file=sys.stderr)
        return 1
    try:
        joined = join_office(ctx, server=args.join, code=args.code, device_name=args.name)
    except SyncError as exc:
        print(f"เข้าร่วมสำนักงานไม่สำเร็จ: {exc.message}", file=sys.stderr)
        if exc.detail:
            print(f"รายละเอียด: {exc.detail}", file=sys.stderr)
        return EXIT_SERVER
    lane = joined.enrolled.lane
    print(f"เข้าร่วมแล้ว: {joined.office.name_th} (รหัส {joined.office.code}) เครื่องที่ {lane or '-'} ของสำนักงาน")
    print(f"รับข้อมูลของสำนักงานแล้ว {joined.report.pulled:,} รายการ")
    if joined.accounts:
        print("เข้าใช้ด้วยบัญชีผู้ใช้ของสำนักงาน: krukhor-cli --user ชื่อผู้ใช้ … (รหัสผ่านจาก KRUKHOR_PASSWORD)")
    else:
        print("สำนักงานยังไม่มีบัญชีผู้ใช้: สร้างผู้ดูแลระบบคนแรกด้วย krukhor-cli users หรือเมื่อเปิดโปรแกรม")
    if joined.report.aside_line():
        print(joined.report.aside_line(), file=sys.stderr)
    _print_recovery_key(ctx)
    return 0
