"""The budget report as PDF: allocations, the province's totals, per category and per round, with warnings."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from db.rules.money import format_baht
from db.rules.thai_dates import format_be_date
from db.rules.thai_time import bangkok_today
from desktop.core import office
from desktop.core.budget import allocations, report
from desktop.core.context import AppContext
from desktop.reports.grid import Col, Row, draw_row, head_row, make_row
from desktop.reports.pdf_common import atomic_output
from desktop.reports.thai_text import FONT_BOLD, FONT_REGULAR, draw_text, register_fonts, wrap

PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 40.0, 40.0, 40.0
BODY, SMALL, TITLE = 14.0, 11.0, 18.0
LEAD = 18.0
WIDTH = PAGE_W - 2 * MARGIN_X
MONEY = 88.0


@dataclass(frozen=True)
class ReportResult:
    path: Path
    pages: int


class _Pages:
    """Draws blocks top to bottom, starting a new page (with the table heading again) when one is full."""

    def __init__(self, canvas: Canvas, footer: str) -> None:
        self.canvas, self.footer, self.pages = canvas, footer, 1
        self.y = PAGE_H - MARGIN_TOP

    def need(self, height: float, repeat: tuple[Row, list[Col]] | None = None) -> None:
        if self.y - height >= MARGIN_BOTTOM + 10:
            return
        self.finish_page()
        self.canvas.showPage()
        self.pages += 1
        self.y = PAGE_H - MARGIN_TOP
        if repeat is not None:
            self.row(*repeat, shade=True)

    def finish_page(self) -> None:
        draw_text(
            self.canvas,
            PAGE_W - MARGIN_X,
            MARGIN_BOTTOM - 16,
            f"หน้า {self.pages}",
            FONT_REGULAR,
            SMALL,
            align="right",
        )
        draw_text(self.canvas, MARGIN_X, MARGIN_BOTTOM - 16, self.footer, FONT_REGULAR, SMALL)

    def text(self, text: str, *, font: str = FONT_REGULAR, size: float = BODY, center: bool = False) -> None:
        for line in wrap(text, WIDTH, font, size):
            self.need(LEAD)
            self.y -= LEAD
            if center:
                draw_text(self.canvas, PAGE_W / 2, self.y + 4, line, font, size, align="center")
            else:
                draw_text(self.canvas, MARGIN_X, self.y + 4, line, font, size)

    def row(self, row: Row, cols: list[Col], *, shade: bool = False) -> None:
        self.y = draw_row(
            self.canvas, MARGIN_X, self.y, row, cols, size=BODY, lead=LEAD, shade=shade, center_all=shade
        )

    def table(self, cols: list[Col], rows: list[list[str]], *, total: list[str] | None = None) -> None:
        head = head_row(cols, size=BODY, lead=LEAD)
        self.need(head.height + LEAD * 2)
        self.row(head, cols, shade=True)
        for texts in rows:
            r = make_row(texts, cols, size=BODY, lead=LEAD)
            self.need(r.height, (head, cols))
            self.row(r, cols)
        if total is not None:
            r = make_row(total, cols, size=BODY, lead=LEAD, bold=True)
            self.need(r.height, (head, cols))
            self.row(r, cols)
        self.y -= 8


def _money_cols(first: list[Col], titles: list[str]) -> list[Col]:
    rest = WIDTH - sum(c.width for c in first) - MONEY * len(titles)
    cols = [*first]
    cols[-1] = Col(cols[-1].title, cols[-1].width + rest, cols[-1].align)
    return cols + [Col(t, MONEY, "right") for t in titles]


def write_budget_report(
    ctx: AppContext, *, out_path: str | os.PathLike[str], fiscal_year: int | None = None
) -> ReportResult:
    register_fonts()
    rep = report.budget_report(ctx, fiscal_year=fiscal_year)
    allocs = allocations.list_allocations(ctx, fiscal_year=rep.fiscal_year)
    own = office.get_office(ctx)
    b = format_baht
    with atomic_output(out_path) as tmp:
        canvas = Canvas(str(tmp), pagesize=A4, pageCompression=1)
        canvas.setTitle(f"รายงานงบประมาณ ปีงบประมาณ พ.ศ. {rep.fiscal_year}")
        canvas.setCreator("krukhor")
        pages = _Pages(canvas, f"พิมพ์เมื่อ {format_be_date(bangkok_today())}")
        pages.text(
            f"รายงานงบประมาณโครงการฝึกอบรมครู ข ปีงบประมาณ พ.ศ. {rep.fiscal_year}",
            font=FONT_BOLD,
            size=TITLE,
            center=True,
        )
        if own:
            pages.text(own.name_th, center=True)
        pages.y -= 6
        pages.text("ภาพรวมของจังหวัด (บาท)", font=FONT_BOLD)
        t = rep.totals
        pages.table(
            [
                Col("ได้รับจัดสรร", WIDTH / 5, "right"),
                Col("แผน", WIDTH / 5, "right"),
                Col("อนุมัติแล้ว", WIDTH / 5, "right"),
                Col("เบิกจ่ายแล้ว", WIDTH / 5, "right"),
                Col("คงเหลือ", WIDTH / 5, "right"),
            ],
            [[b(rep.allocated), b(t.planned), b(t.approved), b(t.spent), b(rep.remaining)]],
        )
        for w in rep.warnings:
            pages.text(f"คำเตือน: {w}", font=FONT_BOLD)
        pages.y -= 6
        pages.text("การจัดสรรงบประมาณ", font=FONT_BOLD)
        pages.table(
            _money_cols(
                [Col("เลขที่หนังสือ", 150), Col("ลงวันที่", 110, "center"), Col("หมายเหตุ", 0)], ["จำนวนเงิน"]
            ),
            [
                [
                    a.ref_no,
                    format_be_date(a.ref_date, style="medium") if a.ref_date else "",
                    a.note,
                    b(a.amount_satang),
                ]
                for a in allocs
            ],
            total=["รวม", "", "", b(rep.allocated)],
        )
        money = ["แผน", "อนุมัติแล้ว", "เบิกจ่ายแล้ว", "คงเหลือตามแผน"]
        pages.text("แยกตามหมวดค่าใช้จ่าย (บาท)", font=FONT_BOLD)
        pages.table(
            _money_cols([Col("หมวดค่าใช้จ่าย", 0)], money),
            [
                [c.label, b(c.totals.planned), b(c.totals.approved), b(c.totals.spent), b(c.remaining)]
                for c in rep.categories
            ],
            total=["รวม", b(t.planned), b(t.approved), b(t.spent), b(t.planned - t.spent)],
        )
        pages.text("แยกตามรุ่น (บาท)", font=FONT_BOLD)
        pages.table(
            _money_cols([Col("รุ่นที่", 44, "center"), Col("สถานะการใช้จ่าย", 0)], money),
            [
                [
                    str(r.number),
                    r.status_label,
                    b(r.totals.planned),
                    b(r.totals.approved),
                    b(r.totals.spent),
                    b(r.totals.planned - r.totals.spent),
                ]
                for r in rep.rounds
            ],
            total=["รวม", "", b(t.planned), b(t.approved), b(t.spent), b(t.planned - t.spent)],
        )
        pages.finish_page()
        canvas.showPage()
        canvas.save()
    return ReportResult(Path(out_path), pages.pages)
