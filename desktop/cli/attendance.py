"""`krukhor-cli checkin`: mark someone present in a half-day of a round by national ID."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from desktop.cli.common import ROUND_HELP, resolve_round
from desktop.core.context import AppContext
from desktop.core.rounds import attendance

COMMANDS = ("checkin",)
EXIT_REFUSED = 2  # the check-in was refused for a reason printed on stderr (1 stays "bad input")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("checkin", help="mark a person present in a half-day of a round by national ID")
    p.add_argument("--round", required=True, help=ROUND_HELP)
    p.add_argument("--day", type=int, required=True, help="day of the round (1, 2, ...)")
    p.add_argument("--half", choices=list(attendance.HALVES), required=True, help="am (เช้า) or pm (บ่าย)")
    p.add_argument(
        "--today", type=date.fromisoformat, default=None, help="pretend today is this ISO date (demos, tests)"
    )
    p.add_argument("national_id", help="13-digit national ID (dashes, spaces and Thai digits are fine)")


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    rnd = resolve_round(ctx, args.round)
    result = attendance.check_in(
        ctx, round_id=rnd.id, day_no=args.day, half=args.half, national_id=args.national_id, today=args.today
    )
    if not result.ok:
        print(f"ไม่ได้บันทึก: {result.message}", file=sys.stderr)
        return EXIT_REFUSED
    person = result.person
    assert person is not None
    print(f"มาเข้าอบรม: {person.full_name} {person.national_id} {person.place} — {result.message}")
    return 0
