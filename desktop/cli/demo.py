"""`krukhor-cli demo`: fill an empty database with the demo province."""

from __future__ import annotations

import argparse
import time

from desktop.core.accounts.permissions import any_accounts
from desktop.core.context import AppContext
from desktop.core.demo import province as demo
from desktop.core.demo.accounts import create_demo_accounts
from desktop.core.errors import RuleViolation

COMMANDS = ("demo",)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="fill an empty database with a demo province")
    p.add_argument("--people", type=int, default=2000)
    p.add_argument("--no-accounts", action="store_true", help="leave the database without staff accounts")


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    if any_accounts(
        ctx
    ):  # the demo records money as several roles at once: refused before anything is written
        raise RuleViolation(
            "สร้างข้อมูลตัวอย่างได้เฉพาะฐานข้อมูลใหม่ที่ยังไม่มีบัญชีผู้ใช้ (คำสั่ง demo จะสร้างบัญชีตัวอย่างให้เอง) ใช้ไฟล์ฐานข้อมูลใหม่"
        )
    s = demo.generate_demo(ctx, people=args.people)
    print(
        f"สร้างข้อมูลตัวอย่างแล้ว: {s.people:,} คน, {s.villages:,} หมู่บ้าน, {s.subdistricts:,} ตำบล, "
        f"{s.districts} อำเภอ, {s.rounds} รุ่น, ลงทะเบียน {s.enrolments:,} รายการ "
        f"({time.perf_counter() - started:.1f} วินาที)"
    )
    if not args.no_accounts:
        users = create_demo_accounts(ctx)
        print(f"บัญชีผู้ใช้ตัวอย่าง: {', '.join(users)} (รหัสผ่านดูใน README)")
    return 0
