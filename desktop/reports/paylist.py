"""The group payment list (หลักฐานการจ่ายเงิน) of a round: one list per ledger category, landscape A4.

The header, columns and footer words are data (resources/forms/paylist.json) so that the central office can
match the official attachment. Columns ลำดับ | เลขที่ใบสำคัญ | ชื่อ-สกุล | อัตรา | จำนวนวัน | จำนวนเงิน |
วันที่รับเงิน | ลายมือชื่อผู้รับเงิน | หมายเหตุ (the voucher number links each line to its voucher); the
signature, receipt-date and note cells stay blank (each person signs and dates on the day they are paid; the
wet signature is the evidence). A page after the first opens with the amount carried forward (ยอดยกมา); a page
before the last ends with its own sum, the amount carried on (ยอดยกไป) and the payer's signature; the last page
has the total in figures and in Thai words, then the payer's and the approver's signature lines. Reversed
payments are left out: the list shows what reached each person.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from db.resources import resource_path
from db.rules.money import baht_text, format_baht
from db.rules.thai_dates import format_be_date
from desktop.core import audit
from desktop.core.accounts.permissions import require
from desktop.core.budget import documents
from desktop.core.budget.documents import PayList, RoundInfo
from desktop.core.context import AppContext
from desktop.reports.grid import Col, Row, dotted_fill, draw_row, head_row, make_row
from desktop.reports.pdf_common import Progress, atomic_output
from desktop.reports.thai_text import FONT_BOLD, FONT_REGULAR, draw_text, register_fonts, wrap

PAGE_W, PAGE_H = landscape(A4)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 28.0, 24.0, 26.0
BODY, TITLE, SMALL = 16.0, 18.0, 12.0
LEAD = 19.0
MIN_ROW = 30.0  # room to sign
SIGN_H = 130.0  # the total in words and the two signature blocks
PAYER_H = 2 * LEAD + 8  # the payer's signature at the foot of a page that is not the last


FORM_KEYS = ("seq", "voucher_no", "name", "rate", "units", "amount", "received_on", "signature", "note")


@cache
def form() -> dict:
    """The pay list's words and columns, as data; a column key the program does not know is refused."""
    data = json.loads(resource_path("forms", "paylist.json").read_text(encoding="utf-8"))
    unknown = [c["key"] for c in data["columns"] if c["key"] not in FORM_KEYS]
    if unknown or "amount" not in [c["key"] for c in data["columns"]]:
        raise ValueError(f"resources/forms/paylist.json: คอลัมน์ที่ไม่รู้จัก {unknown} หรือไม่มีคอลัมน์ amount")
    return data


def columns(units_label: str) -> list[Col]:
    return [
        Col(c["label"].format(units=units_label), float(c["width"]), c["align"]) for c in form()["columns"]
    ]


def _amount_index() -> int:
    return [c["key"] for c in form()["columns"]].index("amount")


@dataclass(frozen=True)
class PayListResult:
    path: Path
    lists: int
    pages: int
    rows: int
    total_satang: int


def _units(units) -> str:
    return f"{units.normalize():f}"


def write_paylist(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    out_path: str | os.PathLike[str],
    category: str | None = None,
    progress: Progress | None = None,
) -> PayListResult:
    """Write the round's payment lists (every ledger category, or one) to ``out_path`` atomically."""
    register_fonts()
    require(ctx, "print.payment")
    info = documents.round_info(ctx, round_id)
    lists = documents.pay_lists(ctx, round_id, category=category)
    total_rows = sum(len(pl.rows) for pl in lists)
    done = pages = 0
    with atomic_output(out_path) as tmp:
        canvas = Canvas(str(tmp), pagesize=(PAGE_W, PAGE_H), pageCompression=1)
        canvas.setTitle(f"หลักฐานการจ่ายเงิน รุ่นที่ {info.number}/{info.fiscal_year}")
        canvas.setAuthor(info.office_name)
        canvas.setCreator("krukhor")
        for pl in lists:
            pages += _write_list(canvas, info, pl)
            done += len(pl.rows)
            if progress is not None:
                progress(done, total_rows)
        canvas.save()
    audit.record_output(
        ctx,
        action="print",
        entity="training_round",
        entity_id=round_id,
        changes={"rows": total_rows},
        summary=f"พิมพ์หลักฐานการจ่ายเงินรุ่นที่ {info.number}/{info.fiscal_year} {total_rows} รายการ",
    )
    return PayListResult(Path(out_path), len(lists), pages, total_rows, sum(pl.total_satang for pl in lists))


def _header(info: RoundInfo, pl: PayList, *, continued: bool) -> list[tuple[str, str, float]]:
    f = form()
    title = f["title"].format(category=pl.label)
    if continued:
        text = f["continued"].format(title=title, number=info.number, fiscal_year=info.fiscal_year)
        return [(text, FONT_BOLD, BODY)]
    width = PAGE_W - 2 * MARGIN_X
    out = [(title, FONT_BOLD, TITLE)]
    out += [
        (line, FONT_REGULAR, BODY)
        for line in wrap(f["project"], width, FONT_REGULAR, BODY, prefer_spaces=True)
    ]
    when = format_be_date(info.start_date)
    if info.end_date != info.start_date:
        when = f"{when} ถึง {format_be_date(info.end_date)}"
    line = f["round_line"].format(number=info.number, fiscal_year=info.fiscal_year, title=info.title).strip()
    out += [(x, FONT_REGULAR, BODY) for x in wrap(line, width, FONT_REGULAR, BODY)]
    where = f["when_line"].format(when=when) + (f["venue"].format(venue=info.venue) if info.venue else "")
    out += [(x, FONT_REGULAR, BODY) for x in wrap(where, width, FONT_REGULAR, BODY)]
    if info.office_name:
        out.append((f["office_line"].format(office=info.office_name), FONT_REGULAR, BODY))
    return out


def _header_height(lines: list[tuple[str, str, float]]) -> float:
    return sum(size * 1.3 for _, _, size in lines) + 6


def _write_list(canvas: Canvas, info: RoundInfo, pl: PayList) -> int:
    cols = columns(pl.units_label)
    head_size = float(form().get("head_size", BODY))
    thead = head_row(cols, size=head_size, lead=head_size * 1.2)
    keys = [c["key"] for c in form()["columns"]]
    rows = [
        make_row(
            [
                {
                    "seq": str(i),
                    "voucher_no": r.voucher_no,
                    "name": r.name,
                    "rate": "ตามจริง" if r.actual else format_baht(r.rate_satang),
                    "units": _units(r.units),
                    "amount": format_baht(r.amount_satang),
                    "received_on": "",  # written by hand when the person signs
                    "signature": "",
                    "note": r.note,
                }[k]
                for k in keys
            ],
            cols,
            size=BODY,
            lead=LEAD,
            min_height=MIN_ROW,
        )
        for i, r in enumerate(pl.rows, start=1)
    ]
    sub_h = LEAD + 8
    body = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
    # Every page keeps room for its foot (its sum, ยอดยกไป, the payer); pages after the first for ยอดยกมา.
    foot = 2 * sub_h + PAYER_H
    first_room = body - _header_height(_header(info, pl, continued=False)) - thead.height - foot
    next_room = body - _header_height(_header(info, pl, continued=True)) - thead.height - sub_h - foot
    pages: list[list[tuple[int, Row]]] = [[]]
    used, room = 0.0, first_room
    for i, row in enumerate(rows):
        if pages[-1] and used + row.height > room:
            pages.append([])
            used, room = 0.0, next_room
        pages[-1].append((i, row))
        used += row.height
    last_page_fits = used + 2 * sub_h + SIGN_H <= room + foot
    n_pages = len(pages) + (0 if last_page_fits else 1)
    carried = 0
    for page_no, page in enumerate(pages, start=1):
        y = _draw_header(canvas, _header(info, pl, continued=page_no > 1))
        y = draw_row(
            canvas,
            MARGIN_X,
            y,
            thead,
            cols,
            size=head_size,
            lead=head_size * 1.2,
            shade=True,
            center_all=True,
        )
        if page_no > 1:
            y = _total_row(canvas, y, cols, form()["brought_forward"], carried)
        for _i, row in page:
            y = draw_row(canvas, MARGIN_X, y, row, cols, size=BODY, lead=LEAD)
        page_total = sum(pl.rows[i].amount_satang for i, _ in page)
        carried += page_total
        # The last page of rows is the last page only when the signatures fit under it.
        is_last = page_no == len(pages) and last_page_fits
        words = form()
        if is_last and n_pages == 1:
            y = _total_row(canvas, y, cols, words["grand_total"], page_total)
        else:
            y = _total_row(canvas, y, cols, words["page_sum"], page_total)
            y = _total_row(canvas, y, cols, words["grand_total" if is_last else "carried_forward"], carried)
        if is_last and last_page_fits:
            _draw_sign(canvas, y, info, pl)
        else:
            _draw_payer(canvas, y, info)
        _footer(canvas, info, page_no, n_pages)
        canvas.showPage()
    if not last_page_fits:
        y = _draw_header(canvas, _header(info, pl, continued=True))
        y = _total_row(canvas, y, cols, form()["brought_forward"], carried)
        y = _total_row(canvas, y, cols, form()["grand_total"], pl.total_satang)
        _draw_sign(canvas, y, info, pl)
        _footer(canvas, info, n_pages, n_pages)
        canvas.showPage()
    return n_pages


def _draw_payer(canvas: Canvas, top: float, info: RoundInfo) -> None:
    """The payer signs every page, so no page can be swapped in afterwards."""
    y = top - LEAD - 2
    x = PAGE_W * 0.72
    dotted_fill(canvas, x, y, ["ลงชื่อ", 170.0, form()["payer"]], size=BODY)
    y -= LEAD
    dotted_fill(canvas, x, y, [f"({info.payer_name})"] if info.payer_name else ["(", 170.0, ")"], size=BODY)


def _total_row(canvas: Canvas, top: float, cols: list[Col], label: str, satang: int) -> float:
    k = _amount_index()
    merged = [
        Col("", sum(c.width for c in cols[:k]), "right"),
        cols[k],
        Col("", sum(c.width for c in cols[k + 1 :])),
    ]
    row = make_row([label, format_baht(satang), ""], merged, size=BODY, lead=LEAD, bold=True)
    return draw_row(canvas, MARGIN_X, top, row, merged, size=BODY, lead=LEAD)


def _draw_header(canvas: Canvas, lines: list[tuple[str, str, float]]) -> float:
    y = PAGE_H - MARGIN_TOP
    for text, font, size in lines:
        y -= size * 1.3
        draw_text(canvas, PAGE_W / 2, y + size * 0.25, text, font, size, align="center")
    return y - 6


def _draw_sign(canvas: Canvas, top: float, info: RoundInfo, pl: PayList) -> None:
    y = top - LEAD - 4
    draw_text(
        canvas,
        MARGIN_X,
        y,
        form()["total_in_words"].format(
            amount=format_baht(pl.total_satang), words=baht_text(pl.total_satang)
        ),
        FONT_BOLD,
        BODY,
    )
    y -= LEAD
    draw_text(canvas, MARGIN_X, y, form()["certify"], FONT_REGULAR, BODY)
    y -= LEAD * 2
    for x, role, name, title in (
        (PAGE_W * 0.28, form()["payer"], info.payer_name, info.payer_position),
        (PAGE_W * 0.72, form()["approver"], info.approver_name, info.approver_title),
    ):
        yy = y
        dotted_fill(canvas, x, yy, ["ลงชื่อ", 170.0, role], size=BODY)
        yy -= LEAD
        dotted_fill(canvas, x, yy, [f"({name})"] if name else ["(", 170.0, ")"], size=BODY)
        yy -= LEAD
        dotted_fill(canvas, x, yy, [f"ตำแหน่ง {title}"] if title else ["ตำแหน่ง", 170.0], size=BODY)
        yy -= LEAD
        dotted_fill(canvas, x, yy, ["วันที่", 40.0, "/", 40.0, "/", 50.0], size=BODY)


def _footer(canvas: Canvas, info: RoundInfo, page_no: int, pages: int) -> None:
    draw_text(
        canvas,
        PAGE_W - MARGIN_X,
        MARGIN_BOTTOM - 12,
        f"หน้า {page_no}/{pages}",
        FONT_REGULAR,
        SMALL,
        align="right",
    )
    draw_text(
        canvas, MARGIN_X, MARGIN_BOTTOM - 12, f"รุ่นที่ {info.number}/{info.fiscal_year}", FONT_REGULAR, SMALL
    )
