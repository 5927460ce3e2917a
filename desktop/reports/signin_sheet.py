"""The sign-in sheet (แบบลงทะเบียนผู้เข้ารับการฝึกอบรม) of a round: one sheet per day, landscape A4.

Layout choices (DOMAIN.md, "Documents the offices print"; issue 19):
* At least 15 people a page: one line a person when it fits, rows 8.5 mm high (room to sign).
  Names are Sarabun 14 pt and never shrink (a long name wraps inside its cell); the place is one line
  "ม.3 บ.หนองแวง ต.ศิลา" (the district in the header when everyone is from one district), shrunk to
  12 pt before it wraps; phone numbers and IDs are one line, shrunk to fit, never broken.
* The national ID in its own column, masked 1-2345-xxxxx-xx-3 unless ``mask_ids=False`` (audited).
* The full header (project, title, round, weekday and BE date, venue; the organiser in the footer) on a day's first page,
  a short one on its later pages, both with "หน้า x/y" counting that day's pages (each day's sheet is
  filed as its own evidence); the column heads repeat, and never split a word ("หมายเหตุ" stays whole).
* People in Thai dictionary order by village, then by name ignoring the prefix (``name_sort_key``);
  walk-ins after them (marked หน้างาน), then ``blank_rows`` numbered empty rows.
* The certifying officer's block closes each day's sheet, with the title naming the province.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from pythainlp.util.collate import _thkey
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from db.rules.national_id import format_national_id, mask_national_id
from db.rules.phone import format_phone
from db.rules.prefixes import name_sort_key
from desktop.core import audit, office
from desktop.core.accounts.permissions import require
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation
from desktop.core.rounds import enrolment, rounds
from desktop.reports.pdf_common import Progress, atomic_output, digits, thai_day_label
from desktop.reports.thai_text import FONT_BOLD, FONT_REGULAR, draw_text, register_fonts, text_width, wrap

PROJECT_NAME = "โครงการยกระดับคุณภาพชีวิตแรงงานนอกระบบโดยเครือข่ายชุมชนผ่านการขึ้นทะเบียนแรงงานนอกระบบ (แรงงานอิสระ)"
SHEET_TITLE = "แบบลงทะเบียนผู้เข้ารับการฝึกอบรม"

PAGE_W, PAGE_H = landscape(A4)
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 20.0, 20.0, 20.0
BODY, SMALL, TITLE, HEAD = 14.0, 12.0, 18.0, 13.0
MIN_FIT = 10.5  # the smallest size a one-line cell (phone, place, position) shrinks to before it would break
LEAD = 17.0
HEAD_LEAD = 15.0
HEAD_PITCH = 1.25  # header line pitch, in font sizes: room for a tone mark above an upper vowel
PAD = 4.0
MIN_ROW = 24.0  # 8.5 mm: room to sign, and 15 or more people on a page
NAME_COL, ID_COL, POSITION_COL, PLACE_COL, PHONE_COL, NOTE_COL = 1, 2, 3, 4, 5, 8
COLUMNS = (  # heading, width in points (sum ≤ page width − margins)
    ("ลำดับ", 40.0),
    ("ชื่อ-สกุล", 172.0),
    ("เลขประจำตัวประชาชน", 80.0),
    ("ตำแหน่ง", 88.0),
    ("หมู่บ้าน/ตำบล", 146.0),
    ("โทรศัพท์", 80.0),
    ("ลายมือชื่อ (เช้า)", 63.0),
    ("ลายมือชื่อ (บ่าย)", 63.0),
    ("หมายเหตุ", 60.0),
)
ORDERS = ("village", "name")
WALK_IN_NOTE = "หน้างาน"
WALK_IN_HEADING = "ผู้เข้าร่วมหน้างาน (walk-in)"
SPAN_ROW = 18.0
CERTIFY_H = 96.0  # the certifying officer's block
FOOTER_H = 14.0


@dataclass(frozen=True)
class SheetResult:
    path: Path
    days: int
    pages: int  # in the whole file
    pages_per_day: tuple[int, ...]


@dataclass(frozen=True)
class _Cell:
    lines: tuple[str, ...] = ()
    size: float = BODY
    align: str = "left"


@dataclass(frozen=True)
class _Row:
    cells: tuple[_Cell, ...]
    height: float
    span: str = ""  # a heading across the table (a district, the walk-ins) instead of cells


def _phone(phone: str) -> str:
    return format_phone("".join(ch for ch in phone if ch.isdigit())) or phone


def _id_line(nid: str, mask: bool) -> str:
    if not nid:
        return ""
    try:
        return mask_national_id(nid) if mask else format_national_id(nid)
    except Exception:
        return "" if mask else nid


def village_short(name: str) -> str:
    """บ้านหนองแวง → บ.หนองแวง (how a place is written in a narrow column)."""
    name = name.strip()
    return f"บ.{name[4:].strip()}" if name.startswith("บ้าน") and len(name) > 4 else name


def place_line(p, *, with_district: bool = False) -> str:
    """ "ม.3 บ.หนองแวง ต.ศิลา": the district is in the page header, or in a heading row above its people
    (with ``with_district``, when the sheet is in name order, " อ.ภูเวียง" is added)."""
    if not p.village_code:
        return ""
    parts = [f"ม.{p.moo}" if p.moo is not None else "", village_short(p.village_name), f"ต.{p.subdistrict}"]
    if with_district and p.district:
        parts.append(f"อ.{p.district}")
    return " ".join(x for x in parts if x)


def name_order(p) -> tuple:
    """Thai dictionary order by name without the prefix (the order chosen when printing instead of by village)."""
    return (name_sort_key(first_name=p.first_name, last_name=p.last_name), p.national_id)


def sheet_order(p) -> tuple:
    """Thai dictionary order by district, village (name, then หมู่), then by name without the prefix."""
    if not p.village_code:
        return ((1,), name_sort_key(first_name=p.first_name, last_name=p.last_name), p.national_id)
    village = (0, _thkey(p.district), _thkey(p.village_name), p.moo or 0, _thkey(p.subdistrict))
    return (village, name_sort_key(first_name=p.first_name, last_name=p.last_name), p.national_id)


def write_signin_sheet(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    out_path: str | os.PathLike[str],
    mask_ids: bool = True,
    blank_rows: int = 5,
    day_no: int | None = None,
    thai_digits: bool = False,
    order: str = "village",
    progress: Progress | None = None,
) -> SheetResult:
    """Write the sign-in sheets of a round (every day, or only ``day_no``) to ``out_path`` atomically.

    National IDs are masked unless ``mask_ids=False``; a sheet with full IDs is recorded in the audit log.
    ``order``: "village" (district, village, then name) or "name" (name only, the district in the place).
    """
    if order not in ORDERS:
        raise RuleViolation(f"ลำดับรายชื่อต้องเป็น {' หรือ '.join(ORDERS)} แต่ได้ {order!r}")
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
    enrolled = enrolment.list_enrolments(ctx, round_id=round_id)
    key = sheet_order if order == "village" else name_order
    enrolled.sort(key=lambda e: (e.walk_in, key(e.person)))  # walk-ins after the invited
    districts = {e.person.district for e in enrolled if e.person.village_code}
    district = next(iter(districts)) if len(districts) == 1 else ""
    by_name = order == "name" and not district  # no district headings: each place names its district

    def d(text: str) -> str:
        return digits(text, thai_digits)

    rows: list[_Row] = []
    group = None
    for i, e in enumerate(enrolled, start=1):
        p = e.person
        heading = (
            WALK_IN_HEADING
            if e.walk_in
            else ("" if district or by_name else f"อำเภอ{p.district}" if p.district else "")
        )
        if heading and heading != group:  # several districts: a heading row above each one's people
            rows.append(_Row((), SPAN_ROW, heading))
        group = heading
        rows.append(_person_row(d(str(i)), p, e.walk_in, mask_ids, thai_digits, with_district=by_name))
    if blank_rows and group not in (None, "", WALK_IN_HEADING):  # the empty rows are for walk-ins
        rows.append(_Row((), SPAN_ROW, WALK_IN_HEADING))
    for i in range(len(enrolled) + 1, len(enrolled) + blank_rows + 1):
        rows.append(_Row((_Cell((d(str(i)),), BODY, "center"), *(_Cell() for _ in COLUMNS[1:])), MIN_ROW))
    thead = _table_head()
    first_h = _header_height(_header_lines(rnd, office_row, thai_digits, days[0], district))
    next_h = _header_height(_header_lines(rnd, office_row, thai_digits, days[0], district, continued=True))
    pages = _paginate(rows, first_h + thead[1], next_h + thead[1])
    head_name = office_row.head_name if office_row else ""
    head_title = office.signer_title(office_row)
    organiser = rnd.organiser or (office_row.name_th if office_row else "")
    total_pages = 0
    with atomic_output(out_path) as tmp:
        canvas = Canvas(str(tmp), pagesize=(PAGE_W, PAGE_H), pageCompression=1)
        canvas.setTitle(f"{SHEET_TITLE} รุ่นที่ {rnd.number}/{rnd.fiscal_year}")
        canvas.setAuthor(office_row.name_th if office_row else "")
        canvas.setSubject(PROJECT_NAME)
        canvas.setCreator("krukhor")
        for n_day, day in enumerate(days, start=1):
            for page_no, page_rows in enumerate(pages, start=1):
                count = d(f"หน้า {page_no}/{len(pages)}")
                lines = _header_lines(rnd, office_row, thai_digits, day, district, continued=page_no > 1)
                y = _draw_header(canvas, lines, count)
                y = _draw_table_head(canvas, y, thead)
                for row in page_rows:
                    y = _draw_row(canvas, y, row)
                if page_no == len(pages):
                    _draw_certify(canvas, y, head_name, head_title)
                draw_text(
                    canvas, PAGE_W - MARGIN_X, MARGIN_BOTTOM - 8, count, FONT_REGULAR, SMALL, align="right"
                )
                draw_text(
                    canvas,
                    MARGIN_X,
                    MARGIN_BOTTOM - 8,
                    d(f"รุ่นที่ {rnd.number}/{rnd.fiscal_year} วันที่ {day.day_no}  จัดโดย {organiser}".strip()),
                    FONT_REGULAR,
                    SMALL,
                )
                canvas.showPage()
                total_pages += 1
            if progress is not None:
                progress(n_day, len(days))
        canvas.save()
    if not mask_ids:
        _audit_full_ids(ctx, round_id=round_id, label=f"{rnd.number}/{rnd.fiscal_year}", people=len(enrolled))
    else:
        audit.record_output(
            ctx,
            action="print",
            entity="training_round",
            entity_id=round_id,
            changes={"people": len(enrolled)},
            summary=f"พิมพ์แบบลงทะเบียนรุ่นที่ {rnd.number}/{rnd.fiscal_year} {len(enrolled)} คน",
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


def _inner(col: int) -> float:
    return COLUMNS[col][1] - 2 * PAD


def _one_line(text: str, col: int, *, size: float = BODY, smallest: float = MIN_FIT) -> _Cell:
    """Text that must not break (a phone number, an ID): the largest size from ``size`` down that fits."""
    while size > smallest and text_width(text, FONT_REGULAR, size) > _inner(col):
        size -= 0.5
    return _Cell((text,), size) if text else _Cell()


def _fitted(text: str, col: int) -> _Cell:
    """One line at the largest size from 14 down to 10.5 pt that fits, else wrapped between words at 12 pt."""
    if not text:
        return _Cell()
    size = BODY
    while size >= MIN_FIT:
        if text_width(text, FONT_REGULAR, size) <= _inner(col):
            return _Cell((text,), size)
        size -= 0.5
    return _Cell(tuple(wrap(text, _inner(col), FONT_REGULAR, SMALL, prefer_spaces=True)), SMALL)


def _person_row(
    number: str, p, walk_in: bool, mask_ids: bool, thai_digits: bool, *, with_district: bool = False
) -> _Row:
    name = p.full_name
    if text_width(name, FONT_REGULAR, BODY) <= _inner(NAME_COL):
        name_cell = _Cell((name,))
    else:  # names never shrink below 14 pt: a long one wraps inside its cell
        name_cell = _Cell(tuple(wrap(name, _inner(NAME_COL), FONT_REGULAR, BODY, prefer_spaces=True)))
    cells = (
        _Cell((number,), BODY, "center"),
        name_cell,
        _one_line(digits(_id_line(p.national_id, mask_ids), thai_digits), ID_COL, size=SMALL, smallest=9.0),
        _fitted(p.position, POSITION_COL),
        _fitted(digits(place_line(p, with_district=with_district), thai_digits), PLACE_COL),
        _one_line(digits(_phone(p.phone), thai_digits), PHONE_COL),
        _Cell(),
        _Cell(),
        _Cell((WALK_IN_NOTE,), SMALL) if walk_in else _Cell(),
    )
    content = max(len(c.lines) * (LEAD if c.size >= BODY else SMALL + 3) for c in cells)
    return _Row(cells, max(MIN_ROW, content + 6))


def _header_lines(
    rnd, office_row, thai_digits: bool, day, district: str, *, continued: bool = False
) -> list[tuple[str, str, float]]:
    """(text, font, size) lines of the page header of one day's sheet (shorter on its later pages)."""
    width = PAGE_W - 2 * MARGIN_X
    day_text = thai_day_label(day.day_date)
    if len(rnd.days) > 1:
        day_text += f" (วันที่ {day.day_no} จาก {len(rnd.days)} วัน)"
    where = f"อำเภอ{district}" if district else ""
    if continued:
        top = f"{SHEET_TITLE} รุ่นที่ {rnd.number}/{rnd.fiscal_year} (ต่อ)"
        second = "  ".join(x for x in (day_text, where) if x)
        return [
            (digits(top, thai_digits), FONT_BOLD, BODY),
            (digits(second, thai_digits), FONT_REGULAR, BODY),
        ]
    out: list[tuple[str, str, float]] = [(SHEET_TITLE, FONT_BOLD, TITLE)]
    out += [
        (line, FONT_BOLD, BODY) for line in wrap(PROJECT_NAME, width, FONT_BOLD, BODY, prefer_spaces=True)
    ]
    title = f"รุ่นที่ {rnd.number} ปีงบประมาณ พ.ศ. {rnd.fiscal_year}"
    if rnd.title:
        title += f" {rnd.title}"
    second = "  ".join(x for x in (day_text, where, f"ณ {rnd.venue}" if rnd.venue else "") if x)
    for text in (title, second):
        out += [
            (digits(line, thai_digits), FONT_REGULAR, BODY)
            for line in wrap(text, width, FONT_REGULAR, BODY, prefer_spaces=True)
        ]
    return out


def _header_height(lines: list[tuple[str, str, float]]) -> float:
    return sum(s * HEAD_PITCH for _, _, s in lines) + 4


def _table_head() -> tuple[tuple[tuple[str, ...], ...], float]:
    cells = tuple(tuple(wrap(h, w - 2 * PAD, FONT_BOLD, HEAD, prefer_spaces=True)) for h, w in COLUMNS)
    return cells, max(len(c) for c in cells) * HEAD_LEAD + 2 * PAD


def _paginate(rows: list[_Row], first_top: float, next_top: float) -> list[list[_Row]]:
    body = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM - FOOTER_H
    room = body - first_top
    pages: list[list[_Row]] = [[]]
    used = 0.0
    for n, row in enumerate(rows):
        # A heading row goes to the next page with the first row under it.
        need = row.height + (rows[n + 1].height if row.span and n + 1 < len(rows) else 0)
        if pages[-1] and used + need > room:
            pages.append([])
            used, room = 0.0, body - next_top
        pages[-1].append(row)
        used += row.height
    if used + CERTIFY_H > room:  # the certifying officer's block goes on a page of its own
        pages.append([])
    return pages


# ------------------------------------------------------------------------------------------ drawing


def _draw_header(canvas: Canvas, lines: list[tuple[str, str, float]], count: str) -> float:
    y = PAGE_H - MARGIN_TOP
    for n, (text, font, size) in enumerate(lines):
        y -= size * HEAD_PITCH
        draw_text(canvas, PAGE_W / 2, y + size * 0.25, text, font, size, align="center")
        if n == 0:
            draw_text(canvas, PAGE_W - MARGIN_X, y + size * 0.25, count, FONT_BOLD, BODY, align="right")
    return y - 4


def _draw_table_head(canvas: Canvas, top: float, thead) -> float:
    cells, height = thead
    x = MARGIN_X
    canvas.setLineWidth(0.8)
    canvas.setFillGray(0.9)
    canvas.rect(MARGIN_X, top - height, sum(w for _, w in COLUMNS), height, stroke=0, fill=1)
    canvas.setFillGray(0)
    for lines, (_, width) in zip(cells, COLUMNS, strict=True):
        canvas.rect(x, top - height, width, height)
        first = top - (height - len(lines) * HEAD_LEAD) / 2 - HEAD_LEAD
        for i, line in enumerate(lines):
            draw_text(canvas, x + width / 2, first - i * HEAD_LEAD + 4, line, FONT_BOLD, HEAD, align="center")
        x += width
    return top - height


def _draw_row(canvas: Canvas, top: float, row: _Row) -> float:
    x = MARGIN_X
    canvas.setLineWidth(0.5)
    if row.span:
        width = sum(w for _, w in COLUMNS)
        canvas.setFillGray(0.95)
        canvas.rect(x, top - row.height, width, row.height, stroke=1, fill=1)
        canvas.setFillGray(0)
        draw_text(canvas, x + PAD, top - row.height + 5, row.span, FONT_BOLD, HEAD)
        return top - row.height
    for cell, (_, width) in zip(row.cells, COLUMNS, strict=True):
        canvas.rect(x, top - row.height, width, row.height)
        lead = LEAD if cell.size >= BODY else cell.size + 3
        block = len(cell.lines) * lead
        y = top - (row.height - block) / 2 - lead + cell.size * 0.32  # centred in the row
        for line in cell.lines:
            if cell.align == "center":
                draw_text(canvas, x + width / 2, y, line, FONT_REGULAR, cell.size, align="center")
            else:
                draw_text(canvas, x + PAD, y, line, FONT_REGULAR, cell.size)
            y -= lead
        x += width
    return top - row.height


def _draw_certify(canvas: Canvas, top: float, head_name: str, head_title: str) -> None:
    x = PAGE_W - MARGIN_X - 200
    y = top - 10 - LEAD
    draw_text(canvas, MARGIN_X, y, "ขอรับรองว่าผู้มีรายชื่อข้างต้นได้ลงลายมือชื่อเข้ารับการฝึกอบรมจริง", FONT_REGULAR, BODY)
    y -= LEAD * 1.6
    dots = "." * 60
    draw_text(canvas, x, y, f"ลงชื่อ{dots}ผู้รับรอง", FONT_REGULAR, BODY, align="center")
    y -= LEAD
    draw_text(canvas, x, y, f"({head_name or '.' * 60})", FONT_REGULAR, BODY, align="center")
    y -= LEAD
    draw_text(canvas, x, y, f"ตำแหน่ง {head_title or '.' * 54}", FONT_REGULAR, BODY, align="center")
