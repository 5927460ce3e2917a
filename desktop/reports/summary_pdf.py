"""Province and round summary PDFs (A4 landscape): the dashboard's figures, a table and a bar chart.

The bars are a reportlab.graphics chart; its Thai labels are drawn with thai_text.draw_text (shaped,
extractable) because reportlab's chart labels cannot shape Thai.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from db.rules.budget_categories import category_label
from db.rules.money import format_baht
from db.rules.percent import percent_text as _pct
from db.rules.thai_dates import format_be_date
from db.rules.thai_time import bangkok_today
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError
from desktop.core.exports.figures import province_figures
from desktop.core.exports.model import ProvinceFigures
from desktop.core.rounds.rounds import STATUS_LABELS
from desktop.reports.pdf_common import atomic_output
from desktop.reports.signin_sheet import PROJECT_NAME
from desktop.reports.thai_text import FONT_BOLD, FONT_REGULAR, draw_text, register_fonts

PAGE_W, PAGE_H = landscape(A4)
MARGIN = 36.0
BODY, SMALL, TITLE = 14.0, 11.0, 20.0
ROW = 20.0
TARGET_COLOUR = colors.HexColor("#c9d6e3")
DONE_COLOUR = colors.HexColor("#1f4e79")


def _header(c: Canvas, title: str, subtitle: str) -> float:
    y = PAGE_H - MARGIN - TITLE
    draw_text(c, MARGIN, y, title, FONT_BOLD, TITLE)
    y -= BODY * 1.6
    draw_text(c, MARGIN, y, subtitle, FONT_REGULAR, BODY)
    y -= SMALL * 1.6
    draw_text(c, MARGIN, y, PROJECT_NAME, FONT_REGULAR, SMALL)
    return y - ROW


def _table(
    c: Canvas, x: float, y: float, widths: Sequence[float], rows: Sequence[Sequence[str]], *, head: int = 1
) -> float:
    """Rows of text, the first ``head`` bold on a tint; numbers (all but the first column) right-aligned."""
    total = sum(widths)
    for n, row in enumerate(rows):
        if n < head:
            c.setFillColor(colors.HexColor("#ddebf7"))
            c.rect(x, y - 5, total, ROW, stroke=0, fill=1)
            c.setFillColor(colors.black)
        font = FONT_BOLD if n < head or row[0] == "รวม" else FONT_REGULAR
        cx = x
        for i, (text, w) in enumerate(zip(row, widths, strict=True)):
            size = SMALL if n < head else BODY - 2
            if i == 0:
                draw_text(c, cx + 3, y, text, font, size)
            else:
                draw_text(c, cx + w - 3, y, text, font, size, align="right")
            cx += w
        c.setStrokeColor(colors.HexColor("#b0b8c0"))
        c.line(x, y - 6, x + total, y - 6)
        y -= ROW
    return y


def _bars(
    c: Canvas,
    *,
    x: float,
    y: float,
    w: float,
    h: float,
    labels: Sequence[str],
    series: Sequence[Sequence[int]],
    legend: Sequence[str],
) -> None:
    """A grouped bar chart at (x, y) (bottom-left); Thai category labels drawn under the bars, slanted."""
    drawing = Drawing(w, h)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 50, 60, w - 60, h - 90  # the legend above, clear of it
    chart.data = [list(s) for s in series] if labels else [[0]]
    chart.categoryAxis.categoryNames = [""] * max(1, len(labels))
    chart.categoryAxis.labels.fontSize = 1
    chart.categoryAxis.labels.fontName = FONT_REGULAR  # the names are drawn below, shaped
    chart.valueAxis.valueMin = 0
    # Tick labels in the embedded Sarabun (never a base-14 font the PDF does not carry), clear of the axis.
    chart.valueAxis.labels.fontName = FONT_REGULAR
    chart.valueAxis.labels.fontSize = 9
    chart.valueAxis.labels.dx = -5
    chart.valueAxis.labels.boxAnchor = "e"
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}"
    chart.groupSpacing = 4
    chart.barSpacing = 1
    for i, colour in enumerate((TARGET_COLOUR, DONE_COLOUR, colors.HexColor("#e07b39"))[: len(series)]):
        chart.bars[i].fillColor = colour
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    renderPDF.draw(drawing, c, x, y)
    step = chart.width / max(1, len(labels))
    for i, label in enumerate(labels):
        c.saveState()
        # Below the axis by more than a tone mark's height, so no mark touches the axis line.
        c.translate(x + chart.x + step * (i + 0.5), y + chart.y - 12)
        c.rotate(35)
        draw_text(c, 0, 0, label, FONT_REGULAR, 9, align="right")
        c.restoreState()
    lx = x + chart.x
    for i, (name, colour) in enumerate(
        zip(legend, (TARGET_COLOUR, DONE_COLOUR, colors.HexColor("#e07b39")), strict=False)
    ):
        c.setFillColor(colour)
        c.rect(lx, y + h - 12, 10, 10, stroke=0, fill=1)
        c.setFillColor(colors.black)
        lx += 14 + draw_text(c, lx + 14, y + h - 11, name, FONT_REGULAR, SMALL) + 14
        del i


def write_province_summary(
    ctx: AppContext, *, fiscal_year: int, out_path: str | os.PathLike[str]
) -> ProvinceFigures:
    """Page 1: the key figures and the per-district chart; page 2 on: the district table."""
    register_fonts()
    f = province_figures(ctx, fiscal_year=fiscal_year)
    target, trained = f.total("target"), f.total("trained_to_date")
    regs, reg_target = f.total("registrations"), f.total("registration_target")
    b = f.budget
    title = f"สรุปผลการฝึกอบรมครู ข จังหวัด{f.province_name} ปีงบประมาณ {fiscal_year}"
    subtitle = f"{f.office_name} · ข้อมูล ณ วันที่ {format_be_date(bangkok_today())}"
    with atomic_output(out_path) as tmp:
        c = Canvas(str(tmp), pagesize=(PAGE_W, PAGE_H), pageCompression=1, initialFontName=FONT_REGULAR)
        c.setTitle(title)
        c.setCreator("krukhor")
        y = _header(c, title, subtitle)
        key_rows = [
            ("ตัวชี้วัด", "ผล", "เป้าหมาย", "ร้อยละ"),
            ("ครู ข ที่อบรมผ่าน (สะสม)", f"{trained:,}", f"{target:,}", _pct(trained, target)),
            ("ครู ข ที่อบรมผ่านในปีงบประมาณนี้", f"{f.total('trained_year'):,}", "", ""),
            (
                "หมู่บ้านที่มีครู ข",
                f"{f.total('villages_covered'):,}",
                f"{target:,}",
                _pct(f.total("villages_covered"), target),
            ),
            (f"ยอดลงทะเบียนแรงงาน (1 : {f.ratio})", f"{regs:,}", f"{reg_target:,}", _pct(regs, reg_target)),
            ("งบประมาณที่ได้รับจัดสรร (บาท)", format_baht(b.allocated_satang), "", ""),
            (
                "เบิกจ่ายแล้ว (บาท)",
                format_baht(b.spent_satang),
                format_baht(b.allocated_satang),
                _pct(b.spent_satang, b.allocated_satang),
            ),
            ("คงเหลือ (บาท)", format_baht(b.remaining_satang), "", ""),
            (
                "รุ่นการอบรม",
                " · ".join(f"{STATUS_LABELS[s]} {n}" for s, n in f.rounds_by_status.items()),
                "",
                "",
            ),
        ]
        _table(c, MARGIN, y, (230, 200, 110, 60), key_rows)
        _bars(
            c,
            x=MARGIN,
            y=MARGIN,
            w=PAGE_W - 2 * MARGIN,
            h=y - 9 * ROW - MARGIN - 10,
            labels=[d.name for d in f.districts],
            series=[[d.target for d in f.districts], [d.trained_to_date for d in f.districts]],
            legend=["เป้าหมายครู ข (หมู่บ้าน)", "อบรมผ่านสะสม"],
        )
        c.showPage()
        head = (
            "อำเภอ",
            "เป้าหมาย",
            "อบรมผ่านปีนี้",
            "อบรมผ่านสะสม",
            "ร้อยละ",
            "หมู่บ้านที่มีครู ข",
            "ลงทะเบียน",
            "เป้าลงทะเบียน",
            "ร้อยละ",
        )
        rows = [
            (
                d.name,
                f"{d.target:,}",
                f"{d.trained_year:,}",
                f"{d.trained_to_date:,}",
                _pct(d.trained_to_date, d.target),
                f"{d.villages_covered:,}",
                f"{d.registrations:,}",
                f"{d.registration_target:,}",
                _pct(d.registrations, d.registration_target),
            )
            for d in f.districts
        ]
        rows.append(
            (
                "รวม",
                f"{target:,}",
                f"{f.total('trained_year'):,}",
                f"{trained:,}",
                _pct(trained, target),
                f"{f.total('villages_covered'):,}",
                f"{regs:,}",
                f"{reg_target:,}",
                _pct(regs, reg_target),
            )
        )
        widths = (150, 70, 80, 85, 60, 95, 85, 95, 60)
        per_page = int((PAGE_H - 2 * MARGIN - 80) // ROW) - 1
        for start in range(0, max(1, len(rows)), per_page):
            y = _header(c, f"{title}: รายอำเภอ", subtitle)
            _table(c, MARGIN, y, widths, [head, *rows[start : start + per_page]])
            c.showPage()
        c.save()
    return f


def write_round_summary(ctx: AppContext, *, round_id: uuid.UUID, out_path: str | os.PathLike[str]) -> None:
    """One round: dates, venue, status, enrolled/completed, money by category (plan, actual, paid) and a chart."""
    register_fonts()
    from desktop.core.rounds import rounds

    rnd = rounds.get_round(ctx, round_id)
    f = province_figures(ctx, fiscal_year=rnd.fiscal_year)
    fig = next((r for r in f.rounds if r.id == round_id), None)
    if fig is None:
        raise NotFoundError(f"ไม่พบรุ่นที่ {rnd.number}/{rnd.fiscal_year}")
    lines = [e for e in f.expenses if e.round_id == round_id]
    title = f"สรุปรุ่นที่ {fig.number}/{fig.fiscal_year}: {fig.title}"
    when = format_be_date(fig.start_date)
    if fig.end_date != fig.start_date:
        when += f" – {format_be_date(fig.end_date)}"
    subtitle = f"{when} · {fig.venue} · {STATUS_LABELS[fig.status]}"
    with atomic_output(out_path) as tmp:
        c = Canvas(str(tmp), pagesize=(PAGE_W, PAGE_H), pageCompression=1, initialFontName=FONT_REGULAR)
        c.setTitle(title)
        c.setCreator("krukhor")
        y = _header(c, title, subtitle)
        y = _table(
            c,
            MARGIN,
            y,
            (200, 120),
            [
                ("ผู้เข้ารับการอบรม", "คน"),
                ("จำนวนรับ", f"{fig.capacity:,}"),
                ("ลงทะเบียน", f"{fig.enrolled:,}"),
                ("อบรมผ่าน", f"{fig.completed:,}"),
            ],
        )
        rows = [("หมวดค่าใช้จ่าย", "ตามแผน (บาท)", "จ่ายตามรายการ (บาท)", "เบิกจ่ายแล้ว (บาท)")]
        rows += [
            (
                category_label(e.category),
                format_baht(e.planned_satang),
                format_baht(e.actual_satang),
                format_baht(e.paid_satang),
            )
            for e in lines
        ]
        rows.append(
            (
                "รวม",
                format_baht(fig.planned_satang),
                format_baht(fig.actual_satang),
                format_baht(fig.paid_satang),
            )
        )
        y = _table(c, MARGIN, y - ROW / 2, (230, 120, 120, 130), rows)
        if lines and y - MARGIN > 150:
            _bars(
                c,
                x=MARGIN,
                y=MARGIN,
                w=PAGE_W - 2 * MARGIN,
                h=y - MARGIN - 6,
                labels=[category_label(e.category) for e in lines],
                series=[[e.planned_satang // 100 for e in lines], [e.paid_satang // 100 for e in lines]],
                legend=["ตามแผน (บาท)", "เบิกจ่ายแล้ว (บาท)"],
            )
        c.showPage()
        c.save()
