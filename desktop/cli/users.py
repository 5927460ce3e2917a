"""`krukhor-cli users add|list|disable|enable|reset-password|rename`: the office's staff accounts (admin only)."""

from __future__ import annotations

import argparse
import os
import sys

from desktop.core.accounts import store
from desktop.core.accounts.roles import ROLES
from desktop.core.accounts.store import AccountInput
from desktop.core.context import AppContext

COMMANDS = ("users",)
NEW_PASSWORD_ENV = "KRUKHOR_NEW_PASSWORD"


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "users", help="staff accounts: add, list, disable, enable, reset-password, rename (admin)"
    )
    actions = p.add_subparsers(dest="action", required=True)
    a = actions.add_parser("add", help=f"add an account (its password from {NEW_PASSWORD_ENV})")
    a.add_argument("name", help="user name: lower-case letters, digits, . _ -")
    a.add_argument("--role", action="append", required=True, choices=ROLES, help="repeat for several roles")
    a.add_argument("--full-name", required=True, help="Thai full name with title, e.g. นางสาวอรุณี ทำงาน")
    a.add_argument("--position", default="", help="ตำแหน่ง, printed on documents")
    a.add_argument("--national-id", default="", help="for the rule that a payer is never a payee")
    actions.add_parser("list", help="list the accounts")
    for name, text in (("disable", "disable an account"), ("enable", "enable a disabled account")):
        actions.add_parser(name, help=text).add_argument("name")
    r = actions.add_parser("reset-password", help=f"set a temporary password from {NEW_PASSWORD_ENV}")
    r.add_argument("name")
    n = actions.add_parser("rename", help="give an account another user name (one the server refused)")
    n.add_argument("name")
    n.add_argument("new_name")


def new_password() -> str | None:
    password = os.environ.get(NEW_PASSWORD_ENV, "")
    if not password:
        print(f"ข้อผิดพลาด: ใส่รหัสผ่านใหม่ในตัวแปรสภาพแวดล้อม {NEW_PASSWORD_ENV}", file=sys.stderr)
        return None
    return password


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    if args.action == "list":
        for a in store.list_accounts(ctx):
            state = "ชื่อซ้ำ ต้องเปลี่ยนชื่อ" if a.name_refused else "ใช้งาน" if a.active else "ระงับ"
            change = "ต้องเปลี่ยนรหัสผ่าน" if a.must_change_password else ""
            print(f"{a.user_name}\t{a.full_name}\t{a.position}\t{a.roles_label}\t{state}\t{change}".rstrip())
        return 0
    if args.action in ("disable", "enable"):
        row = store.set_active(ctx, args.name, active=args.action == "enable")
        print(f"{'เปิดใช้' if row.active else 'ระงับ'}บัญชี {row.full_name} ({row.user_name}) แล้ว")
        return 0
    if args.action == "rename":
        row = store.rename_by_name(ctx, args.name, new_user_name=args.new_name)
        print(f"เปลี่ยนชื่อผู้ใช้ของ {row.full_name} จาก {args.name} เป็น {row.user_name} แล้ว")
        return 0
    password = new_password()
    if password is None:
        return 1
    if args.action == "add":
        row = store.create_account(
            ctx,
            AccountInput(args.name, args.full_name, tuple(args.role), args.position, args.national_id),
            password=password,
        )
        print(f"สร้างบัญชี {row.full_name} ({row.user_name}) บทบาท{row.roles_label} แล้ว")
        return 0
    row = store.reset_password(ctx, args.name, new_password=password)
    print(f"ตั้งรหัสผ่านใหม่ให้ {row.full_name} ({row.user_name}) แล้ว ต้องเปลี่ยนรหัสผ่านเมื่อเข้าสู่ระบบครั้งถัดไป")
    return 0
