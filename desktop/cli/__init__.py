"""The command line: krukhor-cli --db PATH COMMAND ...; the parser and the dispatch, one module per command group."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from db.migrate import DatabaseTooNewError, MigrationError
from db.rules.errors import RuleError
from desktop.cli import (
    attendance,
    backup,
    budget,
    card,
    demo,
    exports,
    key,
    office,
    people,
    printing,
    roster,
    rounds,
    sync,
    users,
)
from desktop.core.accounts.permissions import require
from desktop.core.accounts.signin import sign_in
from desktop.core.context import AppContext
from desktop.core.errors import CoreError, NotAllowedError
from desktop.paths import default_db_path
from desktop.selftest import add_self_test_arguments, run_and_report

GROUPS = (office, demo, people, rounds, roster, printing, attendance, exports, budget, sync, key, users)
# Commands that never open the database: reading a card touches no data, a restore needs the file closed.
WITHOUT_DATABASE = {command: group.run for group in (card, backup) for command in group.COMMANDS}
RUNNERS = {command: group.run for group in GROUPS for command in group.COMMANDS}
PASSWORD_ENV = "KRUKHOR_PASSWORD"
# Commands whose output is personal data, or whose effect the core does not check itself (it checks every
# audited change, import, print and export): on a database with accounts they need a user with this role.
CLI_PERMISSIONS = {
    "people": "export.personal",
    "registrations": "export.personal",
    "enrol": "sync.enrol",
    "key": "key.show",
    "sync": "sync.run",
    "sync-resolve": "sync.run",
    "sync-retry": "sync.run",
    "sync-discard": "sync.run",
    "demo": "settings.edit",
}


def sign_in_from_arguments(ctx: AppContext, args: argparse.Namespace) -> None:
    """--user NAME signs in with the password from KRUKHOR_PASSWORD, or asked when a terminal is attached."""
    if not args.user:
        return
    password = os.environ.get(PASSWORD_ENV)
    if password is None and sys.stdin.isatty():
        password = getpass.getpass(f"รหัสผ่านของ {args.user}: ")
    if not password:
        raise NotAllowedError(f"ไม่ได้ใส่รหัสผ่านของ {args.user} (ตัวแปรสภาพแวดล้อม {PASSWORD_ENV})")
    who = sign_in(ctx, args.user, password=password)
    if who.must_change_password:
        print(f"คำเตือน: {who.label} ต้องเปลี่ยนรหัสผ่านในโปรแกรมก่อนใช้งานต่อ", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="krukhor-cli", description="ระบบบริหารการฝึกอบรมครู ข (command line)")
    parser.add_argument("--db", type=Path, default=None, help=f"database file (default: {default_db_path()})")
    parser.add_argument(
        "--recovery-key",
        default=None,
        metavar="XXXX-XXXX-…",
        help="open a database copied from another PC with its recovery key (then kept for this user)",
    )
    parser.add_argument(
        "--user",
        default=None,
        metavar="NAME",
        help=f"sign in as this staff account (password from {PASSWORD_ENV}, or asked on a terminal)",
    )
    add_self_test_arguments(parser)
    sub = parser.add_subparsers(dest="command")
    # The order of `krukhor-cli --help`: setting up first, then the work of an office, then sync.
    office.add_init_parser(sub)
    demo.add_parsers(sub)
    people.add_parsers(sub)
    rounds.add_parsers(sub)
    office.add_provinces_parser(sub)
    for group in (roster, printing, attendance, card, exports, budget, sync, key, backup, users):
        group.add_parsers(sub)
    return parser


def _require_admin_if_readable(db_path: Path, args: argparse.Namespace) -> None:
    """Replacing the whole database is the admin's call once the office has accounts. A file that does not open
    (the usual reason to restore) cannot say who may, so then the restore goes on: its data is kept aside."""
    try:
        ctx = AppContext.open(db_path, backup=False, recovery_key=args.recovery_key)
    except (CoreError, DatabaseTooNewError, MigrationError, OSError):
        return
    try:
        sign_in_from_arguments(ctx, args)
        require(ctx, "settings.edit")
    finally:
        ctx.close()


def main(argv: Sequence[str] | None = None) -> int:
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")  # Thai on a Windows console
        sys.stderr.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        return run_and_report(report_path=args.self_test_report)
    if args.command is None:
        parser.error("a command is required")
    db_path = args.db or default_db_path()
    if args.command in WITHOUT_DATABASE:
        try:
            if args.command == "backup" and getattr(args, "backup_action", None) == "restore":
                _require_admin_if_readable(db_path, args)
            return WITHOUT_DATABASE[args.command](db_path, args)
        except NotAllowedError as exc:
            print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
            return 4
        except (CoreError, DatabaseTooNewError, MigrationError) as exc:
            print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
            return 1
    try:
        ctx = AppContext.open(db_path, backup=False, recovery_key=args.recovery_key)
    except (DatabaseTooNewError, MigrationError) as exc:
        print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
        return 3
    except CoreError as exc:  # no key for a copied file, a wrong recovery key, a conversion that failed
        print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
        return 4
    try:
        sign_in_from_arguments(ctx, args)
        if (permission := CLI_PERMISSIONS.get(args.command)) is not None:
            require(ctx, permission)
        return RUNNERS[args.command](ctx, args)
    except NotAllowedError as exc:  # not signed in, a wrong password, or an account without the role
        print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
        return 4
    except (CoreError, RuleError) as exc:
        print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head, say; not an error of ours
        sys.stdout = None  # type: ignore[assignment]
        return 0
    finally:
        ctx.close()
