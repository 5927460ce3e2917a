"""Certificates (เกียรติบัตร) for the people who completed a round: one landscape A4 page each.

Who gets one: by default the enrolments whose ``completed`` is True. Until the completion rule has
been applied to a round (``completed`` still None for everyone), every enrolled person gets one.
``enrolment_ids`` picks the enrolments explicitly (a reprint, or the UI's own selection) and wins
over both.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from db.rules.collation import person_sort_key
from db.rules.thai_dates import format_be_date
from desktop.core import audit, numbering, office
from desktop.core.accounts.permissions import require
from desktop.core.context import AppContext
from desktop.core.errors import RuleViolation
from desktop.core.rounds import enrolment, rounds
from desktop.reports.pdf_common import Progress, atomic_output, digits
from desktop.reports.signin_sheet import PROJECT_NAME
from desktop.reports.thai_text import FONT_BOLD, FONT_REGULAR, draw_text, register_fonts, text_width, wrap

PAGE_W, PAGE_H = landscape(A4)
GOLD = (0.62, 0.48, 0.16)
NAVY = (0.10, 0.18, 0.38)


SERIES = "certificate"
NO_SIGNER = (
    "ยังไม่ได้ตั้งชื่อผู้ลงนามในเกียรติบัตร (ชื่อหัวหน้าสำนักงาน) ช่องลงนามจะพิมพ์เป็นเส้นประว่างไว้ ตั้งได้ที่หน้า ตั้งค่า › ข้อมูลสำนักงาน"
)


@dataclass(frozen=True)
class CertificateResult:
    path: Path
    pages: int
    names: tuple[str, ...]
    numbers: tuple[str, ...] = ()  # เลขที่ of each page, in page order


def signer_missing(ctx: AppContext) -> str | None:
    """A Thai warning when certificates would print without a signer's name (ask before printing), else None."""
    row = office.get_office(ctx)
    return NO_SIGNER if row is None or not row.head_name.strip() else None


def certificate_numbers(ctx: AppContext, *, fiscal_year: int, enrolment_ids: list[uuid.UUID]) -> dict:
    """เลขที่ of each enrolment's certificate: the one it was given before (a reprint keeps it), else the next of
    the office's running series of the fiscal year (unique across the office's PCs: desktop/core/numbering.py)."""
    code = ctx.require_office_code()
    with ctx.transaction() as s:
        have = numbering.numbers_for(s, series=SERIES, entity_table="enrolment", entity_ids=enrolment_ids)
        for eid in enrolment_ids:
            if eid not in have:
                have[eid] = numbering.issue_number(
                    s,
                    office_code=code,
                    device_id=ctx.device_id,
                    series=SERIES,
                    fiscal_year=fiscal_year,
                    entity_table="enrolment",
                    entity_id=eid,
                    issued_by=ctx.user_name,
                ).label
    return have


def write_certificates(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    out_path: str | os.PathLike[str],
    enrolment_ids: Iterable[uuid.UUID | str] | None = None,
    thai_digits: bool = False,
    progress: Progress | None = None,
) -> CertificateResult:
    """Write one certificate page per person who completed the round (see the module docstring)."""
    register_fonts()
    require(ctx, "print.attendance")
    rnd = rounds.get_round(ctx, round_id)
    office_row = office.get_office(ctx)
    rows = enrolment.list_enrolments(ctx, round_id=round_id)
    if enrolment_ids is not None:
        wanted = {str(i) for i in enrolment_ids}
        chosen = [e for e in rows if str(e.id) in wanted]
    elif any(e.completed is not None for e in rows):
        chosen = [e for e in rows if e.completed]
    else:
        chosen = rows
    if not chosen:
        raise RuleViolation(f"รุ่นที่ {rnd.number}/{rnd.fiscal_year} ยังไม่มีผู้ผ่านการอบรมที่จะออกเกียรติบัตรให้")
    chosen.sort(
        key=lambda e: (*person_sort_key(e.person), e.person.national_id)
    )  # Thai order, prefix ignored

    def d(text: str) -> str:
        return digits(text, thai_digits)

    issuer = rnd.organiser or (office_row.name_th if office_row else "")
    if rnd.start_date == rnd.end_date:
        when = f"เมื่อวันที่ {format_be_date(rnd.start_date)}"
    elif (rnd.start_date.year, rnd.start_date.month) == (rnd.end_date.year, rnd.end_date.month):
        when = f"ระหว่างวันที่ {rnd.start_date.day}–{format_be_date(rnd.end_date)}"
    else:
        when = f"ระหว่างวันที่ {format_be_date(rnd.start_date)} – {format_be_date(rnd.end_date)}"
    venue = f" ณ {rnd.venue}" if rnd.venue else ""
    body = [
        "ได้ผ่านการฝึกอบรมครู ข เครือข่ายชุมชน",
        *wrap(PROJECT_NAME, PAGE_W - 200, FONT_REGULAR, 18, prefer_spaces=True),
        *wrap(
            d(f"รุ่นที่ {rnd.number} ปีงบประมาณ พ.ศ. {rnd.fiscal_year} {when}{venue}"),
            PAGE_W - 200,
            FONT_REGULAR,
            18,
            prefer_spaces=True,
        ),
    ]
    given = d(f"ให้ไว้ ณ วันที่ {format_be_date(rnd.end_date)}")
    head_name = office_row.head_name if office_row else ""
    head_position = office.signer_title(office_row)
    numbers = certificate_numbers(ctx, fiscal_year=rnd.fiscal_year, enrolment_ids=[e.id for e in chosen])
    with atomic_output(out_path) as tmp:
        canvas = Canvas(str(tmp), pagesize=(PAGE_W, PAGE_H), pageCompression=1)
        canvas.setTitle(f"เกียรติบัตร รุ่นที่ {rnd.number}/{rnd.fiscal_year}")
        canvas.setAuthor(issuer)
        canvas.setCreator("krukhor")
        for n, e in enumerate(chosen, start=1):
            _page(canvas, issuer, e.person.full_name, body, given, head_name, head_position)
            draw_text(
                canvas, PAGE_W - 60, PAGE_H - 66, d(f"เลขที่ {numbers[e.id]}"), FONT_REGULAR, 14, align="right"
            )
            canvas.showPage()
            if progress is not None and (n % 25 == 0 or n == len(chosen)):
                progress(n, len(chosen))
        canvas.save()
    audit.record_output(
        ctx,
        action="print",
        entity="training_round",
        entity_id=round_id,
        changes={"certificates": len(chosen)},
        summary=f"พิมพ์เกียรติบัตรรุ่นที่ {rnd.number}/{rnd.fiscal_year} {len(chosen)} ใบ",
    )
    return CertificateResult(
        Path(out_path),
        len(chosen),
        tuple(e.person.full_name for e in chosen),
        tuple(numbers[e.id] for e in chosen),
    )


def _border(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColorRGB(*GOLD)
    canvas.setLineWidth(6)
    canvas.rect(22, 22, PAGE_W - 44, PAGE_H - 44)
    canvas.setLineWidth(1.2)
    canvas.rect(34, 34, PAGE_W - 68, PAGE_H - 68)
    canvas.setStrokeColorRGB(*NAVY)
    canvas.setLineWidth(0.6)
    canvas.rect(40, 40, PAGE_W - 80, PAGE_H - 80)
    # Corner ornaments: a diamond with a ring at each inner corner.
    canvas.setFillColorRGB(*GOLD)
    for cx, cy in ((40, 40), (PAGE_W - 40, 40), (40, PAGE_H - 40), (PAGE_W - 40, PAGE_H - 40)):
        path = canvas.beginPath()
        path.moveTo(cx, cy + 14)
        path.lineTo(cx + 14, cy)
        path.lineTo(cx, cy - 14)
        path.lineTo(cx - 14, cy)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.circle(cx, cy, 20, stroke=1, fill=0)
    # A thin rule under the heading.
    canvas.setLineWidth(1)
    canvas.line(PAGE_W / 2 - 120, PAGE_H - 150, PAGE_W / 2 + 120, PAGE_H - 150)
    canvas.restoreState()


def _page(
    canvas: Canvas, issuer: str, name: str, body: list[str], given: str, head_name: str, head_position: str
) -> None:
    _border(canvas)
    mid = PAGE_W / 2
    canvas.setFillColorRGB(*NAVY)
    draw_text(canvas, mid, PAGE_H - 96, issuer, FONT_BOLD, 22, align="center")
    draw_text(canvas, mid, PAGE_H - 138, "เกียรติบัตรฉบับนี้ให้ไว้เพื่อแสดงว่า", FONT_REGULAR, 18, align="center")
    size = 36.0
    while size > 20 and text_width(name, FONT_BOLD, size) > PAGE_W - 160:
        size -= 2
    canvas.setFillColorRGB(0, 0, 0)
    draw_text(canvas, mid, PAGE_H - 200, name, FONT_BOLD, size, align="center")
    y = PAGE_H - 250
    for line in body:
        draw_text(canvas, mid, y, line, FONT_REGULAR, 18, align="center")
        y -= 28
    draw_text(canvas, mid, y - 6, given, FONT_REGULAR, 18, align="center")
    sy = 120
    draw_text(canvas, mid, sy, "ลงชื่อ" + "." * 50, FONT_REGULAR, 16, align="center")
    draw_text(canvas, mid, sy - 24, f"({head_name or '.' * 50})", FONT_REGULAR, 16, align="center")
    draw_text(canvas, mid, sy - 46, head_position or ("ตำแหน่ง" + "." * 44), FONT_REGULAR, 16, align="center")
