"""The command line: krukhor-cli --db PATH COMMAND ...; the parser and the dispatch, one module per command group."""

from __future__ import annotations

import argparse
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
)
from desktop.core.context import AppContext
from desktop.core.errors import CoreError
from desktop.paths import default_db_path
from desktop.selftest import add_self_test_arguments, run_and_report

GROUPS = (office, demo, people, rounds, roster, printing, attendance, exports, budget, sync, key)
RUNNERS = {command: group.run for group in GROUPS for command in group.COMMANDS}
# Commands that never open the database: reading a card touches no data, a restore needs the file closed.
WITHOUT_DATABASE = {command: group.run for group in (card, backup) for command in group.COMMANDS}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="krukhor-cli", description="ระบบบริหารการฝึกอบรมครู ข (command line)")
    parser.add_argument("--db", type=Path, default=None, help=f"database file (default: {default_db_path()})")
    parser.add_argument(
        "--recovery-key",
        default=None,
        metavar="XXXX-XXXX-…",
        help="open a database copied from another PC with its recovery key (then kept for this user)",
    )
    add_self_test_arguments(parser)
    sub = parser.add_subparsers(dest="command")
    # The order of `krukhor-cli --help`: setting up first, then the work of an office, then sync.
    office.add_init_parser(sub)
    demo.add_parsers(sub)
    people.add_parsers(sub)
    rounds.add_parsers(sub)
    office.add_provinces_parser(sub)
    for group in (roster, printing, attendance, card, exports, budget, sync, key, backup):
        group.add_parsers(sub)
    return parser


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
            return WITHOUT_DATABASE[args.command](db_path, args)
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
        return RUNNERS[args.command](ctx, args)
    except (CoreError, RuleError) as exc:
        print(f"ข้อผิดพลาด: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into head, say; not an error of ours
        sys.stdout = None  # type: ignore[assignment]
        return 0
    finally:
        ctx.close()
