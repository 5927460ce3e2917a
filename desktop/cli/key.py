"""`krukhor-cli key show-recovery`: the printable recovery key of the database, for an admin."""

from __future__ import annotations

import argparse

from desktop.core.context import AppContext
from desktop.core.errors import SetupRequiredError
from desktop.core.keys.opening import recovery_key_text

COMMANDS = ("key",)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("key", help="the database's encryption key (recovery key)")
    actions = p.add_subparsers(dest="key_command", required=True)
    actions.add_parser(
        "show-recovery", help="print the recovery key that opens a copy of the database elsewhere"
    )


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    if ctx.db_path is None:
        raise SetupRequiredError("ฐานข้อมูลนี้ไม่ใช่แฟ้มบนเครื่อง จึงไม่มีกุญแจกู้คืน")
    print(recovery_key_text(ctx.db_path))
    print(
        "เก็บกุญแจกู้คืนนี้ไว้ในที่ปลอดภัย (เช่น พิมพ์ใส่ซองปิดผนึกให้หัวหน้าสำนักงาน): "
        "ใช้เปิดสำเนาฐานข้อมูลบนเครื่องอื่นด้วย krukhor-cli --recovery-key ...",
    )
    return 0
