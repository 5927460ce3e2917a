"""The sign-in sheet (แบบลงทะเบียนผู้เข้ารับการฝึกอบรม) of a round: one sheet per day, landscape A4.

Layout choices (DOMAIN.md, "Documents the offices print"):
* Body text Sarabun 16 pt; the title 20 pt bold; the national ID 12 pt under the name (formatted
  1-2345-67890-12-3, or masked 1-2345-xxxxx-xx-3 with ``mask_ids``).
* The full header (project, title, round, weekday and BE date, venue, organiser) is repeated on every
  page, so a loose page still says which day it belongs to; the column heads repeat too.
* "หน้า x/y" counts the pages of that day's sheet (each day's sheet is filed as its own evidence).
* People are listed in Thai dictionary order of their names (pythainlp collation, so เกษม sorts
  under ก), then ``blank_rows`` numbered empty rows for walk-ins.
* The certifying officer's block closes each day's sheet, after the last row.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from pythainlp.util import collate
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from db.rules.national_id import format_national_id, mask_national_id
from db.rules.phone import format_phone
from desktop.core import audit, office
from desktop.core.accounts.permissions import require
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation
from desktop.core.rounds import enrolment, rounds
from desktop.reports.pdf_common import Progress, atomic_output, digits, thai_day_label
from desktop.reports.thai_text import FONT_BOLD, FONT_REGULAR, draw_text, register_fonts, wrap

PROJECT_NAME = "โครงการยกระดับคุณภาพชีวิตแรงงานนอกระบบโดยเครือข่ายชุมชนผ่านการขึ้นทะเบียนแรงงานนอกระบบ (แรงงานอิสระ)"
SHEET_TITLE = "แบบลงทะเบียนผู้เข้ารับการฝึกอบรม"

PAGE_W, PAGE_H = landscape(A4)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 28.0, 24.0, 22.0
BODY, SMALL, TITLE = 16.0, 12.0, 20.0
LEAD = 19.0
HEAD_PITCH = (
    1.3  # header line pitch, in font sizes  # line pitch at 16 pt: room for a tone mark above an upper vowel
)
SMALL_LEAD = 16.0
PAD = 4.0
MIN_ROW = 36.0  # about 13 mm: room to sign
COLUMNS = (  # heading, width in points (sum = page width - margins)
    ("ลำดับ", 48.0),
    ("ชื่อ-สกุล", 170.0),
    ("ตำแหน่ง", 92.0),
    ("หมู่บ้าน/ตำบล/อำเภอ", 160.0),
    ("โทรศัพท์", 110.0),
    ("ลายมือชื่อ (เช้า)", 80.0),
    ("ลายมือชื่อ (บ่าย)", 80.0),
    ("หมายเหตุ", 46.0),
)
CERTIFY_H = 96.0  # the certifying officer's block
FOOTER_H = 16.0


@dataclass(frozen=True)
class SheetResult:
    path: Path
    days: int
    pages: int  # in the whole file
    pages_per_day: tuple[int, ...]


@dataclass(frozen=True)
class _Row:
    number: str
    cells: tuple[tuple[str, ...], ...]  # wrapped lines per column
    id_text: str
    height: float


def _phone(phone: str) -> str:
    return format_phone("".join(ch for ch in phone if ch.isdigit())) or phone


def _id_line(nid: str, mask: bool) -> str:
    if not nid:
        return ""
    try:
        return mask_national_id(nid) if mask else format_national_id(nid)
    except Exception:
        return "" if mask else nid


def write_signin_sheet(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    out_path: str | os.PathLike[str],
    mask_ids: bool = True,
    blank_rows: int = 5,
    day_no: int | None = None,
    thai_digits: bool = False,
    progress: Progress | None = None,
) -> SheetResult:
    """Write the sign-in sheets of a round (every day, or only ``day_no``) to ``out_path`` atomically.

    National IDs are masked unless ``mask_ids=False``; a sheet with full IDs is recorded in the audit log.
    """
    require(ctx, "print.attendance")
    register_fonts()
    rnd = rounds.get_round(ctx, round_id)
    days = [d for d in rnd.days if day_no is None or d.day_no == day_no]
    if not days:
        if day_no is not None:
            raise NotFoundError(f"รุ่นที่ {rnd.number}/{rnd.fiscal_year} ไม่มีวันอบรมวันที่ {day_no}")
        raise RuleViolation(f"รุ่นที่ {rnd.number}/{rnd.fiscal_year} ยังไม่มีวันอบรม")
    if blank_rows < 0:
        raise RuleViolation("จำนวนแถวว่างต้องไม่ติดลบ")
    office_row = office.get_office(ctx)
    people = [e.person for e in enrolment.list_enrolments(ctx, round_id=round_id)]
    order = {name: i for i, name in enumerate(collate({p.full_name for p in people}))}
    people.sort(key=lambda p: (order[p.full_name], p.national_id))

    def d(text: str) -> str:
        return digits(text, thai_digits)

    rows = [_person_row(d(str(i)), p, mask_ids, thai_digits) for i, p in enumerate(people, start=1)]
    for i in range(len(people) + 1, len(people) + blank_rows + 1):
        rows.append(_Row(d(str(i)), ((d(str(i)),), *(() for _ in COLUMNS[1:])), "", MIN_ROW))
    thead = _table_head()
    first_h = _header_height(_header_lines(rnd, office_row, thai_digits, days[0]))
    next_h = _header_height(_header_lines(rnd, office_row, thai_digits, days[0], continued=True))
    pages = _paginate(rows, first_h + thead[1], next_h + thead[1])
    head_name = office_row.head_name if office_row else ""
    head_position = office_row.head_position if office_row else ""
    total_pages = 0
    with atomic_output(out_path) as tmp:
        canvas = Canvas(str(tmp), pagesize=(PAGE_W, PAGE_H), pageCompression=1)
        canvas.setTitle(f"{SHEET_TITLE} รุ่นที่ {rnd.number}/{rnd.fiscal_year}")
        canvas.setAuthor(office_row.name_th if office_row else "")
        canvas.setSubject(PROJECT_NAME)
        canvas.setCreator("krukhor")
        for n_day, day in enumerate(days, start=1):
            for page_no, page_rows in enumerate(pages, start=1):
                lines = _header_lines(rnd, office_row, thai_digits, day, continued=page_no > 1)
                y = _draw_header(canvas, lines)
                y = _draw_table_head(canvas, y, thead)
                for row in page_rows:
                    y = _draw_row(canvas, y, row)
                if page_no == len(pages):
                    _draw_certify(canvas, y, head_name, head_position, thai_digits)
                draw_text(
                    canvas,
                    PAGE_W - MARGIN_X,
                    MARGIN_BOTTOM - 8,
                    d(f"หน้า {page_no}/{len(pages)}"),
                    FONT_REGULAR,
                    SMALL,
                    align="right",
                )
                draw_text(
                    canvas,
                    MARGIN_X,
                    MARGIN_BOTTOM - 8,
                    d(f"รุ่นที่ {rnd.number}/{rnd.fiscal_year} วันที่ {day.day_no}"),
                    FONT_REGULAR,
                    SMALL,
                )
                canvas.showPage()
                total_pages += 1
            if progress is not None:
                progress(n_day, len(days))
        canvas.save()
    if not mask_ids:
        _audit_full_ids(ctx, round_id=round_id, label=f"{rnd.number}/{rnd.fiscal_year}", people=len(people))
    else:
        audit.record_output(
            ctx,
            action="print",
            entity="training_round",
            entity_id=round_id,
            changes={"people": len(people)},
            summary=f"พิมพ์แบบลงทะเบียนรุ่นที่ {rnd.number}/{rnd.fiscal_year} {len(people)} คน",
        )
    return SheetResult(Path(out_path), len(days), total_pages, tuple(len(pages) for _ in days))


FULL_IDS_ACTION = "print_full_ids"


def _audit_full_ids(ctx: AppContext, *, round_id: uuid.UUID, label: str, people: int) -> None:
    """Who printed full national IDs, when and on which PC (PDPA: personal data on paper)."""
    with ctx.transaction() as session:
        audit.record(
            session,
            ctx,
            office_code=ctx.require_office_code(),
            action=FULL_IDS_ACTION,
            entity="training_round",
            entity_id=round_id,
            changes={"people": people},
            summary=f"พิมพ์แบบลงทะเบียนรุ่นที่ {label} แสดงเลขประจำตัวประชาชนเต็ม {people} คน",
            permission=None,  # checked before printing
        )


# ------------------------------------------------------------------------------------------ layout


def _person_row(number: str, p, mask_ids: bool, thai_digits: bool) -> _Row:
    widths = [w - 2 * PAD for _, w in COLUMNS]
    name = wrap(p.full_name, widths[1], FONT_REGULAR, BODY, prefer_spaces=True)
    position = wrap(p.position, widths[2], FONT_REGULAR, BODY, prefer_spaces=True)
    place = wrap(digits(p.place, thai_digits), widths[3], FONT_REGULAR, BODY, prefer_spaces=True)
    phone = wrap(digits(_phone(p.phone), thai_digits), widths[4], FONT_REGULAR, BODY)
    id_text = digits(_id_line(p.national_id, mask_ids), thai_digits)
    name_h = len(name) * LEAD + (SMALL_LEAD if id_text else 0)
    content = max(name_h, *(len(c) * LEAD for c in (position, place, phone)))
    height = max(MIN_ROW, content + 2 * PAD + 2)
    cells = ((number,), tuple(name), tuple(position), tuple(place), tuple(phone), (), (), ())
    return _Row(number, cells, id_text, height)


def _header_lines(
    rnd, office_row, thai_digits: bool, day, *, continued: bool = False
) -> list[tuple[str, str, float]]:
    """(text, font, size) lines of the page header of one day's sheet (shorter on its later pages)."""
    organiser = rnd.organiser or (office_row.name_th if office_row else "")
    width = PAGE_W - 2 * MARGIN_X
    day_text = thai_day_label(day.day_date)
    if len(rnd.days) > 1:
        day_text += f" (วันที่ {day.day_no} จาก {len(rnd.days)} วัน)"
    if continued:
        top = f"{SHEET_TITLE} รุ่นที่ {rnd.number}/{rnd.fiscal_year} (ต่อ)"
        return [
            (digits(top, thai_digits), FONT_BOLD, BODY),
            (digits(day_text, thai_digits), FONT_REGULAR, BODY),
        ]
    out: list[tuple[str, str, float]] = [(SHEET_TITLE, FONT_BOLD, TITLE)]
    out += [
        (line, FONT_BOLD, BODY) for line in wrap(PROJECT_NAME, width, FONT_BOLD, BODY, prefer_spaces=True)
    ]
    title = f"รุ่นที่ {rnd.number} ปีงบประมาณ พ.ศ. {rnd.fiscal_year}"
    if rnd.title:
        title += f" {rnd.title}"
    body = [title, day_text]
    where = []
    if rnd.venue:
        where.append(f"ณ {rnd.venue}")
    if organiser:
        where.append(f"จัดโดย {organiser}")
    if where:
        body.append("  ".join(where))
    for text in body:
        out += [
            (digits(line, thai_digits), FONT_REGULAR, BODY) for line in wrap(text, width, FONT_REGULAR, BODY)
        ]
    return out


def _header_height(lines: list[tuple[str, str, float]]) -> float:
    return sum(s * HEAD_PITCH for _, _, s in lines) + 6


def _table_head() -> tuple[tuple[tuple[str, ...], ...], float]:
    cells = tuple(tuple(wrap(h, w - 2 * PAD, FONT_BOLD, BODY, prefer_spaces=True)) for h, w in COLUMNS)
    return cells, max(len(c) for c in cells) * LEAD + 2 * PAD


def _paginate(rows: list[_Row], first_top: float, next_top: float) -> list[list[_Row]]:
    body = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - FOOTER_H
    room = body - first_top
    pages: list[list[_Row]] = [[]]
    used = 0.0
    for row in rows:
        if pages[-1] and used + row.height > room:
            pages.append([])
            used, room = 0.0, body - next_top
        pages[-1].append(row)
        used += row.height
    if used + CERTIFY_H > room:  # the certifying officer's block goes on a page of its own
        pages.append([])
    return pages


# ------------------------------------------------------------------------------------------ drawing


def _draw_header(canvas: Canvas, lines: list[tuple[str, str, float]]) -> float:
    y = PAGE_H - MARGIN_TOP
    for text, font, size in lines:
        y -= size * HEAD_PITCH
        draw_text(canvas, PAGE_W / 2, y + size * 0.25, text, font, size, align="center")
    return y - 6


def _draw_table_head(canvas: Canvas, top: float, thead) -> float:
    cells, height = thead
    x = MARGIN_X
    canvas.setLineWidth(0.8)
    canvas.setFillGray(0.9)
    canvas.rect(MARGIN_X, top - height, PAGE_W - 2 * MARGIN_X, height, stroke=0, fill=1)
    canvas.setFillGray(0)
    for lines, (_, width) in zip(cells, COLUMNS, strict=True):
        canvas.rect(x, top - height, width, height)
        first = top - (height - len(lines) * LEAD) / 2 - LEAD
        for i, line in enumerate(lines):
            draw_text(canvas, x + width / 2, first - i * LEAD + 5, line, FONT_BOLD, BODY, align="center")
        x += width
    return top - height


def _draw_row(canvas: Canvas, top: float, row: _Row) -> float:
    x = MARGIN_X
    canvas.setLineWidth(0.5)
    for col, (lines, (_, width)) in enumerate(zip(row.cells, COLUMNS, strict=True)):
        canvas.rect(x, top - row.height, width, row.height)
        y = top - PAD - LEAD + 5
        for line in lines:
            if col == 0:
                draw_text(canvas, x + width / 2, y, line, FONT_REGULAR, BODY, align="center")
            else:
                draw_text(canvas, x + PAD, y, line, FONT_REGULAR, BODY)
            y -= LEAD
        if col == 1 and row.id_text:
            draw_text(canvas, x + PAD, y + LEAD - SMALL_LEAD, row.id_text, FONT_REGULAR, SMALL)
        x += width
    return top - row.height


def _draw_certify(canvas: Canvas, top: float, head_name: str, head_position: str, thai_digits: bool) -> None:
    x = PAGE_W - MARGIN_X - 200
    y = top - 10 - LEAD
    draw_text(canvas, MARGIN_X, y, "ขอรับรองว่าผู้มีรายชื่อข้างต้นได้ลงลายมือชื่อเข้ารับการฝึกอบรมจริง", FONT_REGULAR, BODY)
    y -= LEAD * 1.6
    dots = "." * 60
    draw_text(canvas, x, y, f"ลงชื่อ{dots}ผู้รับรอง", FONT_REGULAR, BODY, align="center")
    y -= LEAD
    draw_text(canvas, x, y, f"({head_name or '.' * 60})", FONT_REGULAR, BODY, align="center")
    y -= LEAD
    draw_text(canvas, x, y, f"ตำแหน่ง {head_position or '.' * 54}", FONT_REGULAR, BODY, align="center")
