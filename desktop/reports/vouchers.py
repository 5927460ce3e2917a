"""Receipt vouchers (ใบสำคัญรับเงิน) of a round: one portrait A4 page per payment line, with its running number.

The voucher's number (issued with the payment, docs/money.md), the payee's name, ID and address or workplace, the date, what the money was for, the amount in figures and in
Thai words; the payee's and the payer's signature lines are left blank (the wet signature is the
evidence that the money reached the person). Reversed payments are left out.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from db.rules.money import baht_text, format_baht
from db.rules.national_id import format_national_id
from db.rules.thai_dates import format_be_date
from desktop.core import audit
from desktop.core.accounts.permissions import require
from desktop.core.budget import documents
from desktop.core.budget.documents import RoundInfo, Voucher
from desktop.core.context import AppContext
from desktop.reports.grid import Col, dotted_fill, draw_row, head_row, make_row
from desktop.reports.pdf_common import Progress, atomic_output
from desktop.reports.thai_text import FONT_BOLD, FONT_REGULAR, draw_text, register_fonts, text_width, wrap

PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP = 56.0, 56.0
BODY, TITLE = 16.0, 20.0
LEAD = 22.0
WIDTH = PAGE_W - 2 * MARGIN_X
COLS = [Col("รายการ", WIDTH - 130, "left"), Col("จำนวนเงิน (บาท)", 130, "right")]


@dataclass(frozen=True)
class VoucherResult:
    path: Path
    vouchers: int
    total_satang: int


def write_vouchers(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    out_path: str | os.PathLike[str],
    category: str | None = None,
    progress: Progress | None = None,
) -> VoucherResult:
    """Write one voucher per payee of the round (or of one category) to ``out_path`` atomically."""
    require(ctx, "print.payment")
    register_fonts()
    info = documents.round_info(ctx, round_id)
    items = documents.vouchers(ctx, round_id, category=category)
    with atomic_output(out_path) as tmp:
        canvas = Canvas(str(tmp), pagesize=A4, pageCompression=1)
        canvas.setTitle(f"ใบสำคัญรับเงิน รุ่นที่ {info.number}/{info.fiscal_year}")
        canvas.setAuthor(info.office_name)
        canvas.setCreator("krukhor")
        for n, v in enumerate(items, start=1):
            _draw(canvas, info, v)
            canvas.showPage()
            if progress is not None:
                progress(n, len(items))
        canvas.save()
    audit.record_output(
        ctx,
        action="print",
        entity="training_round",
        entity_id=round_id,
        changes={"vouchers": len(items)},
        summary=f"พิมพ์ใบสำคัญรับเงินรุ่นที่ {info.number}/{info.fiscal_year} {len(items)} ใบ",
    )
    return VoucherResult(Path(out_path), len(items), sum(v.total_satang for v in items))


def _space_wrap(text: str, width: float, font: str) -> list[str]:
    """Lines broken at spaces, measured word by word: the words of names and addresses repeat from voucher
    to voucher, so their shapes are cached, where measuring every growing line would shape each anew."""
    space = text_width(" ", font, BODY)
    lines: list[str] = []
    line, used = "", 0.0
    for word in text.split():
        w = text_width(word, font, BODY)
        if w > width:  # a word wider than the line: the general wrapper breaks it
            return wrap(text, width, font, BODY, prefer_spaces=True)
        if line and used + space + w > width:
            lines.append(line)
            line, used = "", 0.0
        line, used = (f"{line} {word}", used + space + w) if line else (word, w)
    return [*lines, line] if line else lines


def _line(canvas: Canvas, y: float, text: str, *, font: str = FONT_REGULAR, indent: float = 0) -> float:
    for part in _space_wrap(text, WIDTH - indent, font):
        draw_text(canvas, MARGIN_X + indent, y, part, font, BODY)
        y -= LEAD
    return y


def _draw(canvas: Canvas, info: RoundInfo, v: Voucher) -> None:
    y = PAGE_H - MARGIN_TOP
    right = PAGE_W - MARGIN_X
    # The running number links this voucher to its line on the pay list; lines paid before numbering have none.
    number = f"เลขที่ {v.number}" if v.number else "เลขที่ ............"
    draw_text(canvas, right, y + 8, number, FONT_REGULAR, BODY, align="right")
    draw_text(canvas, PAGE_W / 2, y, "ใบสำคัญรับเงิน", FONT_BOLD, TITLE, align="center")
    y -= LEAD * 1.6
    if info.office_name:
        draw_text(canvas, right, y, f"ที่ {info.office_name}", FONT_REGULAR, BODY, align="right")
    else:
        dotted_fill(canvas, right - 200, y, ["ที่ ", 180.0], size=BODY, align="left")
    y -= LEAD
    if v.paid_on:
        draw_text(canvas, right, y, f"วันที่ {format_be_date(v.paid_on)}", FONT_REGULAR, BODY, align="right")
    else:
        dotted_fill(
            canvas, right - 250, y, ["วันที่ ", 40.0, " เดือน ", 90.0, " พ.ศ. ", 50.0], size=BODY, align="left"
        )
    y -= LEAD * 1.5
    nid = ""
    if v.national_id:
        try:
            nid = format_national_id(v.national_id)
        except Exception:  # an ID stored before validation: print it as it is
            nid = v.national_id
    y = _line(canvas, y, f"ข้าพเจ้า {v.payee_name}", indent=36)
    if nid:
        y = _line(canvas, y, f"เลขประจำตัวประชาชน {nid}")
    if v.address:
        y = _line(canvas, y, f"ที่อยู่หรือที่ทำการ {v.address}")
    else:
        dotted_fill(canvas, MARGIN_X, y, ["ที่อยู่หรือที่ทำการ ", WIDTH - 110], size=BODY, align="left")
        y -= LEAD
    y = _line(canvas, y, f"ได้รับเงินจาก {info.office_name} ดังรายการต่อไปนี้")
    y -= 6
    y = draw_row(
        canvas,
        MARGIN_X,
        y,
        head_row(COLS, size=BODY, lead=LEAD),
        COLS,
        size=BODY,
        lead=LEAD,
        shade=True,
        center_all=True,
    )
    for item in v.items:
        row = make_row(
            [item.text, format_baht(item.amount_satang)], COLS, size=BODY, lead=LEAD, min_height=LEAD * 2
        )
        y = draw_row(canvas, MARGIN_X, y, row, COLS, size=BODY, lead=LEAD)
    total = make_row(
        ["รวมเงิน", format_baht(v.total_satang)],
        [Col("", COLS[0].width, "right"), COLS[1]],
        size=BODY,
        lead=LEAD,
        bold=True,
    )
    y = draw_row(canvas, MARGIN_X, y, total, [Col("", COLS[0].width, "right"), COLS[1]], size=BODY, lead=LEAD)
    y -= LEAD * 1.2
    y = _line(canvas, y, f"จำนวนเงิน (ตัวอักษร) ({baht_text(v.total_satang)})", font=FONT_BOLD)
    y -= LEAD * 1.5
    x = PAGE_W * 0.62
    for role, name in (("ผู้รับเงิน", v.payee_name), ("ผู้จ่ายเงิน", info.payer_name)):
        dotted_fill(canvas, x, y, ["ลงชื่อ", 170.0, role], size=BODY)
        y -= LEAD
        dotted_fill(canvas, x, y, [f"({name})"] if name else ["(", 170.0, ")"], size=BODY)
        y -= LEAD * 2
    draw_text(
        canvas,
        MARGIN_X,
        48,
        f"รุ่นที่ {info.number}/{info.fiscal_year} {info.title}",
        FONT_REGULAR,
        12,
    )
