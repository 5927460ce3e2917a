"""`krukhor-cli print signin|certificates|vouchers|paylist`: the print commands, kept here so cli.py only wires them in."""

from __future__ import annotations

import argparse
import re
import uuid
from datetime import date
from pathlib import Path

from db.rules.thai_dates import fiscal_year
from db.rules.thai_digits import to_arabic_digits
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, ValidationError
from desktop.core.rounds import rounds

_ROUND_HELP = 'รุ่น: รหัส UUID, "เลขรุ่น/ปีงบประมาณ" เช่น 3/2570 หรือเลขรุ่นของปีงบประมาณปัจจุบัน เช่น 3'


def add_print_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("print", help="print sign-in sheets or certificates of a round to PDF")
    what = p.add_subparsers(dest="print_what", required=True)
    s = what.add_parser("signin", help="sign-in sheets (แบบลงทะเบียน), one per day of the round")
    s.add_argument("--round", required=True, help=_ROUND_HELP)
    s.add_argument("--out", required=True, type=Path, help="PDF file to write")
    s.add_argument("--mask-ids", action="store_true", help="mask national IDs (PDPA): 1-2345-xxxxx-xx-3")
    s.add_argument("--day", type=int, default=None, help="only this day of the round (1, 2, ...)")
    s.add_argument("--blank-rows", type=int, default=5, help="empty rows for walk-ins (default 5)")
    s.add_argument("--thai-digits", action="store_true", help="print numbers in Thai digits")
    c = what.add_parser("certificates", help="certificates (เกียรติบัตร) for those who completed")
    c.add_argument("--round", required=True, help=_ROUND_HELP)
    c.add_argument("--out", required=True, type=Path, help="PDF file to write")
    c.add_argument("--thai-digits", action="store_true", help="print numbers in Thai digits")
    for name, text in (
        ("vouchers", "receipt vouchers (ใบสำคัญรับเงิน), one page per payee"),
        ("paylist", "group payment lists (หลักฐานการจ่ายเงิน), one per payment category"),
    ):
        m = what.add_parser(name, help=text)
        m.add_argument("--round", required=True, help=_ROUND_HELP)
        m.add_argument("--out", required=True, type=Path, help="PDF file to write")
        m.add_argument("--category", default=None, help="only this category, e.g. transport or lecturer")


def resolve_round(ctx: AppContext, text: str, *, today: date | None = None) -> rounds.RoundRow:
    """A round from a UUID, "N/FY" (BE fiscal year) or "N" (this fiscal year); Thai errors otherwise."""
    raw = to_arabic_digits(text.strip())
    try:
        return rounds.get_round(ctx, uuid.UUID(raw))
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,4})\s*(?:/\s*(\d{4}))?", raw)
    if not m:
        raise ValidationError({"round": f'อ่านรุ่น "{text}" ไม่ได้ ({_ROUND_HELP})'})
    number = int(m.group(1))
    fy = int(m.group(2)) if m.group(2) else fiscal_year(today or date.today())
    for r in rounds.list_rounds(ctx, fiscal_year_be=fy):
        if r.number == number:
            return r
    raise NotFoundError(f"ไม่พบรุ่นที่ {number} ของปีงบประมาณ {fy}")


def run_print(ctx: AppContext, args: argparse.Namespace) -> int:
    from desktop.reports.certificates import write_certificates
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
                mask_ids=args.mask_ids,
                blank_rows=args.blank_rows,
                day_no=args.day,
                thai_digits=args.thai_digits,
            )
            print(f"พิมพ์แบบลงทะเบียน {label} แล้ว: {res.days} วัน {res.pages} หน้า → {res.path}")
        else:
            cert = write_certificates(ctx, round_id=rnd.id, out_path=args.out, thai_digits=args.thai_digits)
            print(f"พิมพ์เกียรติบัตร {label} แล้ว: {cert.pages} ใบ → {cert.path}")
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
