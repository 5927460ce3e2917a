"""`krukhor-cli print signin|certificates|vouchers|paylist`: the papers of a round, to PDF."""

from __future__ import annotations

import argparse
import sys
import uuid
from pathlib import Path

from desktop.cli.common import ROUND_HELP, resolve_round
from desktop.core.context import AppContext
from desktop.core.errors import ValidationError

COMMANDS = ("print",)


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="print sign-in sheets or certificates of a round to PDF")
    what = p.add_subparsers(dest="print_what", required=True)
    s = what.add_parser("signin", help="sign-in sheets (แบบลงทะเบียน), one per day of the round")
    s.add_argument("--round", required=True, help=ROUND_HELP)
    s.add_argument("--out", required=True, type=Path, help="PDF file to write")
    ids = s.add_mutually_exclusive_group()
    ids.add_argument(
        "--mask-ids", action="store_true", help="mask national IDs (PDPA): 1-2345-xxxxx-xx-3 (default)"
    )
    ids.add_argument(
        "--show-ids", action="store_true", help="print full national IDs (recorded in the audit log)"
    )
    s.add_argument("--day", type=int, default=None, help="only this day of the round (1, 2, ...)")
    s.add_argument("--blank-rows", type=int, default=5, help="empty rows for walk-ins (default 5)")
    s.add_argument(
        "--order",
        choices=("village", "name"),
        default="village",
        help="village: by district, village, then name (default); name: by name only",
    )
    s.add_argument("--thai-digits", action="store_true", help="print numbers in Thai digits")
    c = what.add_parser("certificates", help="certificates (เกียรติบัตร) for those who completed")
    c.add_argument("--round", required=True, help=ROUND_HELP)
    c.add_argument("--out", required=True, type=Path, help="PDF file to write")
    c.add_argument("--thai-digits", action="store_true", help="print numbers in Thai digits")
    for name, text in (
        ("vouchers", "receipt vouchers (ใบสำคัญรับเงิน), one page per payee"),
        ("paylist", "group payment lists (หลักฐานการจ่ายเงิน), one per payment category"),
    ):
        m = what.add_parser(name, help=text)
        m.add_argument("--round", required=True, help=ROUND_HELP)
        m.add_argument("--out", required=True, type=Path, help="PDF file to write")
        m.add_argument("--category", default=None, help="only this category, e.g. transport or lecturer")


def run(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop.reports.certificates import signer_missing, write_certificates
    from desktop.reports.signin_sheet import write_signin_sheet

    rnd = resolve_round(ctx, args.round)
    label = f"รุ่นที่ {rnd.number}/{rnd.fiscal_year}"
    try:
        if args.print_what in ("vouchers", "paylist"):
            _print_money(ctx, args, rnd.id, label)
        elif args.print_what == "signin":
            res = write_signin_sheet(
                ctx,
                round_id=rnd.id,
                out_path=args.out,
                mask_ids=not args.show_ids,
                blank_rows=args.blank_rows,
                day_no=args.day,
                thai_digits=args.thai_digits,
                order=getattr(args, "order", "village"),
            )
            print(f"พิมพ์แบบลงทะเบียน {label} แล้ว: {res.days} วัน {res.pages} หน้า → {res.path}")
        else:
            warning = signer_missing(ctx)
            if warning:  # printed anyway (a script has no one to ask), but never silently
                print(f"คำเตือน: {warning}", file=sys.stderr)
            cert = write_certificates(ctx, round_id=rnd.id, out_path=args.out, thai_digits=args.thai_digits)
            numbers = f" เลขที่ {cert.numbers[0]} – {cert.numbers[-1]}" if cert.numbers else ""
            print(f"พิมพ์เกียรติบัตร {label} แล้ว: {cert.pages} ใบ{numbers} → {cert.path}")
    except OSError as exc:
        raise ValidationError({"out": f"เขียนไฟล์ {args.out} ไม่ได้: {exc.strerror or exc}"}) from exc
    return 0


def _print_money(ctx: AppContext, args: argparse.Namespace, round_id: uuid.UUID, label: str) -> None:
    from db.rules.money import format_baht
    from desktop.reports.paylist import write_paylist
    from desktop.reports.vouchers import write_vouchers

    if args.print_what == "vouchers":
        v = write_vouchers(ctx, round_id=round_id, out_path=args.out, category=args.category)
        print(f"พิมพ์ใบสำคัญรับเงิน {label} แล้ว: {v.vouchers} ใบ รวม {format_baht(v.total_satang)} บาท → {v.path}")
    else:
        p = write_paylist(ctx, round_id=round_id, out_path=args.out, category=args.category)
        print(
            f"พิมพ์หลักฐานการจ่ายเงิน {label} แล้ว: {p.lists} รายการ {p.rows} คน {p.pages} หน้า "
            f"รวม {format_baht(p.total_satang)} บาท → {p.path}"
        )
