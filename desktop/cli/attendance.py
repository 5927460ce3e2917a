"""`krukhor-cli checkin`: mark someone present in a half-day of a round by national ID or by their ID card."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from desktop.cli.card import add_timeout_argument, read_or_explain
from desktop.cli.common import ROUND_HELP, resolve_round
from desktop.core.cardreader.checkin import check_in_card
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
    p.add_argument(
        "national_id", nargs="?", help="13-digit national ID (dashes, spaces and Thai digits are fine)"
    )
    p.add_argument("--card", action="store_true", help="wait for the national ID card in the reader instead")
    add_timeout_argument(p)


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    if bool(args.card) == bool(args.national_id):
        print("ข้อผิดพลาด: ระบุเลขประจำตัวหรือ --card อย่างใดอย่างหนึ่ง", file=sys.stderr)
        return 1
    rnd = resolve_round(ctx, args.round)
    if args.card:
        card = read_or_explain(args.timeout)
        if card is None:
            return EXIT_REFUSED
        result = check_in_card(
            ctx, round_id=rnd.id, day_no=args.day, half=args.half, card=card, today=args.today
        )
    else:
        result = attendance.check_in(
            ctx,
            round_id=rnd.id,
            day_no=args.day,
            half=args.half,
            national_id=args.national_id,
            today=args.today,
        )
    if not result.ok:
        print(f"ไม่ได้บันทึก: {result.message}", file=sys.stderr)
        return EXIT_REFUSED
    person = result.person
    assert person is not None
    print(f"มาเข้าอบรม: {person.full_name} {person.national_id} {person.place} — {result.message}")
    return 0
