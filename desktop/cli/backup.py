"""`krukhor-cli backup list|restore`: the encrypted copies beside the database, and putting one back."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.core.backups import list_backups, restore_backup
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.core.keys.opening import key_for_database

COMMANDS = ("backup",)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="list the database's backups, or restore one")
    actions = p.add_subparsers(dest="backup_action", required=True)
    actions.add_parser("list", help="the backups, newest first, with their date and time (BE, Bangkok time)")
    r = actions.add_parser(
        "restore", help="put a backup in place of the database (the current data is kept aside)"
    )
    r.add_argument("backup", help="the backup's file name (as listed) or its number in `backup list`")
    r.add_argument("--yes", action="store_true", help="do not ask for confirmation")


def run(db_path: Path, args: argparse.Namespace) -> int:
    """Runs without an open context: a restore needs the database closed."""
    backups = list_backups(db_path)
    if args.backup_action == "list":
        if not backups:
            print(f"ยังไม่มีไฟล์สำรองของ {db_path}")
        for n, b in enumerate(backups, start=1):
            print(f"{n:>3}  {b.when_text}  {b.reason:<22} {b.size / 1e6:8.1f} MB  {b.path.name}")
        return 0
    chosen = _choose(backups, args.backup)
    if not args.yes:
        answer = input(
            f"กู้คืนข้อมูลจากสำรองเมื่อ {chosen.when_text} แทนข้อมูลปัจจุบันของ {db_path}? "
            "(ข้อมูลปัจจุบันจะเก็บสำรองไว้ก่อน) พิมพ์ y เพื่อยืนยัน: "
        )
        if answer.strip().lower() not in ("y", "yes", "ใช่"):
            print("ยกเลิก ไม่ได้เปลี่ยนแปลงข้อมูล")
            return 1
    key = key_for_database(db_path, recovery_key=args.recovery_key)
    aside = restore_backup(db_path, chosen.path, key=key)
    AppContext.open(db_path, backup=False).close()  # migrated now, so a refusal shows here and not later
    print(f"กู้คืนข้อมูลจากสำรองเมื่อ {chosen.when_text} แล้ว ข้อมูลก่อนกู้คืนเก็บไว้ที่ {aside}")
    return 0


def _choose(backups: list, wanted: str):
    if wanted.isdigit() and 1 <= int(wanted) <= len(backups):
        return backups[int(wanted) - 1]
    for b in backups:
        if wanted in (b.path.name, str(b.path)):
            return b
    raise CoreError(f"ไม่พบไฟล์สำรอง {wanted} (ดูรายการด้วย krukhor-cli backup list)")
