"""The province workbook Bangkok receives (XlsxWriter, every formula with its value): docs/workbook-format.md."""

from __future__ import annotations

import math
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import xlsxwriter
from sqlalchemy import func, select
from xlsxwriter.utility import xl_col_to_name

from db.exchange.workbook_format import (
    BUDGET_LABEL,
    BUDGET_LINES,
    BUDGET_VALUE_COLUMN,
    COMPLETION_LABELS,
    EXPENSE_HEADERS,
    FORMAT_ID,
    FORMAT_VERSION,
    LEAD,
    PEOPLE_HEADERS,
    ROUND_HEADERS,
    SHEET_EXPENSES,
    SHEET_META,
    SHEET_PEOPLE,
    SHEET_ROUNDS,
    SHEET_SUMMARY,
    STATUS_BLOCK_LABEL,
    STATUS_LABELS,
    SUMMARY_HEADER_ROW,
    SUMMARY_HEADERS,
    TOTAL_LABEL,
    BudgetRow,
    DistrictRow,
    ExpenseRow,
    PersonRow,
    RoundRow,
    WorkbookData,
    WorkbookMeta,
)
from db.exchange.xlsx_print import (
    BODY_PT,
    BODY_ROW_PT,
    FONT_NAME,
    HEAD_LINE_PT,
    HEAD_PT,
    MARGIN_IN,
    column_points,
    fits_readably,
    header_text,
    print_percent,
    print_scale,
)
from db.exchange.xlsx_styles import Styles
from db.models import District, Enrolment, Person, Registration, Subdistrict, TrainingRound, Village
from db.rules.budget_categories import category_label
from db.rules.money import satang_to_decimal
from db.rules.percent import share
from db.rules.thai_time import format_be_datetime
from desktop.core.accounts.permissions import require
from desktop.core.context import AppContext
from desktop.core.exports.figures import province_figures
from desktop.core.exports.model import HELD, ProvinceFigures
from desktop.core.exports.personal_data import record_export
from desktop.reports.pdf_common import Progress, atomic_output
from desktop.reports.thai_text import FONT_BOLD, FONT_REGULAR, register_fonts, text_width

CELL_PAD_PX = 8  # room left and right of the text in a cell
MIN_WIDTH, MAX_WIDTH = 5.0, 60.0
HEAD_SLACK = 1.25  # a header's lines are uneven where the words break


@dataclass(frozen=True)
class WorkbookResult:
    path: Path
    people: int
    rounds: int


# ------------------------------------------------------------------------------------------ collect


def collect(ctx: AppContext, *, fiscal_year: int, generated_at: datetime | None = None) -> WorkbookData:
    """The workbook's content for one fiscal year, from the same figures as the dashboard."""
    fig = province_figures(ctx, fiscal_year=fiscal_year)
    return WorkbookData(
        meta=WorkbookMeta(
            format_version=FORMAT_VERSION,
            province_code=fig.province_code,
            province_name=fig.province_name,
            fiscal_year=fiscal_year,
            generated_at=(generated_at or datetime.now(UTC)).replace(microsecond=0),
        ),
        districts=tuple(
            DistrictRow(
                d.code,
                d.name,
                d.target,
                d.trained_year,
                d.trained_to_date,
                d.villages_covered,
                d.registrations,
                d.registration_target,
            )
            for d in fig.districts
        ),
        budget=BudgetRow(
            fig.budget.allocated_satang,
            fig.budget.planned_satang,
            fig.budget.actual_satang,
            fig.budget.spent_satang,
        ),
        rounds=tuple(
            RoundRow(
                r.fiscal_year,
                r.number,
                r.title,
                r.start_date,
                r.end_date,
                r.venue,
                r.status,
                r.capacity,
                r.enrolled,
                r.completed,
                r.planned_satang,
                r.actual_satang,
                r.paid_satang,
                str(r.id),
            )
            for r in fig.rounds
        ),
        people=_people(ctx, fig),
        expenses=tuple(
            ExpenseRow(e.round_label, e.category, e.planned_satang, e.actual_satang, e.paid_satang)
            for e in fig.expenses
        ),
    )


def _people(ctx: AppContext, fig: ProvinceFigures) -> tuple[PersonRow, ...]:
    """Everyone enrolled in a held or closed round of the year, with the result and their registrations."""
    with ctx.reading() as s:
        regs = (
            select(Registration.person_id, func.sum(Registration.count).label("n"))
            .where(Registration.office_code == fig.province_code, Registration.deleted.is_(False))
            .group_by(Registration.person_id)
            .subquery()
        )
        rows = s.execute(
            select(
                Person.national_id,
                Person.prefix,
                Person.first_name,
                Person.last_name,
                Person.position,
                Village.code,
                Village.name_th,
                Subdistrict.name_th,
                District.name_th,
                TrainingRound.number,
                Enrolment.completed,
                func.coalesce(regs.c.n, 0),
            )
            .select_from(Enrolment)
            .join(TrainingRound, Enrolment.round_id == TrainingRound.id)
            .join(Person, Enrolment.person_id == Person.id)
            .outerjoin(Village, Person.village_id == Village.id)
            .outerjoin(Subdistrict, Village.subdistrict_id == Subdistrict.id)
            .outerjoin(District, Subdistrict.district_id == District.id)
            .outerjoin(regs, regs.c.person_id == Person.id)
            .where(
                TrainingRound.office_code == fig.province_code,
                TrainingRound.fiscal_year == fig.fiscal_year,
                TrainingRound.deleted.is_(False),
                TrainingRound.status.in_(HELD),
                Enrolment.status == "enrolled",
                Enrolment.deleted.is_(False),
                Person.deleted.is_(False),
            )
            .order_by(TrainingRound.number, Village.code, Person.national_id)
        ).all()
    fy = fig.fiscal_year
    return tuple(
        PersonRow(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5] or "",
            r[6] or "",
            r[7] or "",
            r[8] or "",
            f"{r[9]}/{fy}",
            r[10],
            int(r[11]),
        )
        for r in rows
    )


# -------------------------------------------------------------------------------------------- write


def export_workbook(
    ctx: AppContext, *, fiscal_year: int, out_path: str | os.PathLike[str], progress: Progress | None = None
) -> WorkbookResult:
    require(ctx, "export.personal")  # the ครู ข sheet holds names and national IDs
    data = collect(ctx, fiscal_year=fiscal_year)
    office_name = province_figures_office(ctx)
    result = write_workbook(data, out_path=out_path, office_name=office_name, progress=progress)
    record_export(ctx, what="workbook", destination=str(result.path), people=len(data.people))
    return result


def province_figures_office(ctx: AppContext) -> str:
    from desktop.core import office

    row = office.get_office(ctx)
    return row.name_th if row else ""


def write_workbook(
    data: WorkbookData,
    *,
    out_path: str | os.PathLike[str],
    office_name: str = "",
    progress: Progress | None = None,
) -> WorkbookResult:
    """Write ``data`` to ``out_path`` atomically (temp file + replace); ``progress(done, total)`` per step."""
    steps = 5
    register_fonts()

    def step(n: int) -> None:
        if progress is not None:
            progress(n, steps)

    with atomic_output(out_path) as tmp:
        # Text is written as text: no string is ever turned into a number, a formula or a link.
        wb = xlsxwriter.Workbook(
            str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        st = Styles(wb)
        _summary(wb, st, data, office_name)
        step(1)
        _rounds_sheet(wb, st, data)
        step(2)
        _people_sheet(wb, st, data)
        step(3)
        _expenses_sheet(wb, st, data)
        step(4)
        _meta_sheet(wb, data)
        wb.close()
        _splice_people(tmp, data, st)
    step(5)
    return WorkbookResult(Path(out_path), len(data.people), len(data.rounds))


# ------------------------------------------------------------------------------------- page set-up


def _shown(value: object) -> str:
    """A value as the cell shows it (the number formats above)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def _points_to_width(points: float) -> float:
    """Excel column width (units of the default font's digit, Calibri 11: 7 px) that shows ``points`` of text."""
    return (points / 0.75 + CELL_PAD_PX - 5) / 7


def _header_points(head: str, lines: int = 2) -> float:
    """A width (points) at which a header wraps onto two lines.

    Excel and LibreOffice break Thai between words themselves; the measure here needs no dictionary (loading
    pythainlp's costs seconds): half the header with room for an uneven break, and never narrower than a short
    space-separated word such as "(หมู่บ้าน)".
    """
    words = [w for w in head.split() if len(w) <= 10]
    widest = max([text_width(w, FONT_BOLD, HEAD_PT) for w in words], default=0.0)
    return max(widest, text_width(head, FONT_BOLD, HEAD_PT) / lines * HEAD_SLACK)


def _header_lines(head: str, width: float) -> int:
    inner = column_points(width) - CELL_PAD_PX * 0.75
    return math.ceil(text_width(head, FONT_BOLD, HEAD_PT) * HEAD_SLACK / max(1.0, inner))


def column_widths(
    headers: Sequence[str], rows: Sequence[Sequence[object]], *, header_lines: int = 2
) -> list[float]:
    """Column widths (Excel units) that fit the body at 14 pt and the header on ``header_lines`` lines at 16 pt.

    Measured with the bundled Sarabun (HarfBuzz), on the longest values of a sample of rows.
    """
    out = []
    for i, head in enumerate(headers):
        values = {_shown(r[i]) for r in rows[:20000]}
        longest = sorted(values, key=len, reverse=True)[:12]
        body = max([0.0, *(text_width(v, FONT_REGULAR, BODY_PT) for v in longest)])
        points = max(body, _header_points(head, header_lines))
        out.append(math.ceil(min(MAX_WIDTH, max(MIN_WIDTH, _points_to_width(points))) * 10) / 10)
    return out


def _setup(
    ws,
    st: Styles,
    *,
    headers: Sequence[str],
    widths: Sequence[float],
    header_row: int,
    last_row: int,
    title: str,
    freeze_cols: int,
) -> None:
    """Widths, frozen and repeated header, autofilter, A4 landscape at a print scale that keeps text ≥ 9 pt."""
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)
    ws.set_default_row(BODY_ROW_PT)  # room for Thai marks above and below at 14 pt
    lines = max(_header_lines(h, w) for h, w in zip(headers, widths, strict=True))
    ws.set_row(header_row - 1, HEAD_LINE_PT * max(1, min(lines, 3)))
    ws.write_row(header_row - 1, 0, headers, st.head)
    ws.freeze_panes(header_row, freeze_cols)
    ws.autofilter(header_row - 1, 0, max(last_row, header_row) - 1, len(headers) - 1)
    ws.repeat_rows(0, header_row - 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=0.75, bottom=0.75)
    ws.set_header(f'&C&"{FONT_NAME}"&{BODY_PT}{header_text(title)}')
    ws.set_footer(f'&C&"{FONT_NAME}"&{BODY_PT}หน้า &P / &N')
    # "Fit to width" only where it keeps text ≥ 9 pt even when the reader measures columns with a wider
    # fallback font (LibreOffice without Calibri makes every column wider and shrinks a fitted sheet more).
    # Elsewhere a fixed scale: what fits one A4 width in Excel, but never below the smallest that keeps 14 pt
    # text at 9 pt; a sheet wider than that breaks between columns, the columns that name the row repeated on
    # each page.
    if fits_readably(widths):
        ws.fit_to_pages(1, 0)
        return
    ws.set_print_scale(print_percent(widths))
    if print_scale(widths) < 1:
        ws.repeat_columns(LEAD, freeze_cols - 1)  # what names the row (the province columns are all alike)


# ----------------------------------------------------------------------------------------- sheets


def _lead(data: WorkbookData) -> tuple[str, str, int]:
    m = data.meta
    return (m.province_code, m.province_name, m.fiscal_year)


def _write_lead(ws, st: Styles, row: int, data: WorkbookData) -> None:
    code, name, fy = _lead(data)
    ws.write_string(row, 0, code, st.code)
    ws.write_string(row, 1, name, st.text)
    ws.write_number(row, 2, fy, st.year)


def _summary(wb, st: Styles, data: WorkbookData, office_name: str) -> None:
    ws = wb.add_worksheet(SHEET_SUMMARY)
    m = data.meta
    title = f"สรุปผลการฝึกอบรมครู ข จังหวัด{m.province_name} ปีงบประมาณ {m.fiscal_year}"
    ds = data.districts
    sample = [
        (
            *_lead(data),
            d.code,
            d.name,
            d.target,
            d.trained_year,
            d.trained_to_date,
            1.0,
            d.villages_covered,
            d.registrations,
            d.registration_target,
            1.0,
        )
        for d in ds
    ]
    widths = column_widths(
        SUMMARY_HEADERS, sample, header_lines=3
    )  # narrower: one page wide in LibreOffice too
    first = SUMMARY_HEADER_ROW + 1  # 1-based row of the first district
    last = first + len(ds) - 1
    t = last + 1  # the total row (1-based)
    _setup(
        ws,
        st,
        headers=SUMMARY_HEADERS,
        widths=widths,
        header_row=SUMMARY_HEADER_ROW,
        last_row=max(last, first),
        title=title,
        freeze_cols=LEAD + 2,
    )
    ws.set_row(0, HEAD_LINE_PT)
    ws.write_string(0, 0, title, st.title)
    ws.write_string(
        1, 0, f"{office_name} · ข้อมูล ณ {format_be_datetime(m.generated_at, style='long')}", st.text
    )
    for n, d in enumerate(ds):
        r = first + n
        i = r - 1
        _write_lead(ws, st, i, data)
        ws.write_string(i, 3, d.code, st.code)
        ws.write_string(i, 4, d.name, st.text)
        for col, v in zip((5, 6, 7), (d.target, d.trained_year, d.trained_to_date), strict=True):
            ws.write_number(i, col, v, st.count)
        ws.write_formula(i, 8, f"=IF(F{r}=0,0,H{r}/F{r})", st.share, share(d.trained_to_date, d.target))
        for col, v in zip(
            (9, 10, 11), (d.villages_covered, d.registrations, d.registration_target), strict=True
        ):
            ws.write_number(i, col, v, st.count)
        ws.write_formula(
            i, 12, f"=IF(L{r}=0,0,K{r}/L{r})", st.share, share(d.registrations, d.registration_target)
        )
    totals = {f: sum(getattr(d, f) for d in ds) for f in _DISTRICT_COUNTS.values()}
    ws.write_string(t - 1, 0, TOTAL_LABEL, st.b_text)
    for col, f in _DISTRICT_COUNTS.items():
        c = xl_col_to_name(col)
        ws.write_formula(t - 1, col, f"=SUM({c}{first}:{c}{last})", st.b_count, totals[f])
    ws.write_formula(
        t - 1, 8, f"=IF(F{t}=0,0,H{t}/F{t})", st.b_share, share(totals["trained_to_date"], totals["target"])
    )
    ws.write_formula(
        t - 1,
        12,
        f"=IF(L{t}=0,0,K{t}/L{t})",
        st.b_share,
        share(totals["registrations"], totals["registration_target"]),
    )
    # The budget block: the label merged over A–C, the amount over D–E; ปีงบประมาณ (C) stays empty, so a
    # stacking script that keeps rows with a fiscal year keeps the districts only.
    b = data.budget
    top = t + 2  # 1-based row of the block's head
    _block_row(ws, st.block_head, top, BUDGET_LABEL, st.block_head, "บาท")
    for k, amount in enumerate(
        (b.allocated_satang, b.planned_satang, b.actual_satang, b.spent_satang), start=1
    ):
        _block_row(ws, st.text, top + k, BUDGET_LINES[k - 1], st.baht, satang_to_decimal(amount))
    alloc, spent = f"D{top + 1}", f"D{top + 4}"
    _block_row(
        ws,
        st.b_text,
        top + 5,
        BUDGET_LINES[4],
        st.b_baht,
        satang_to_decimal(b.remaining_satang),
        f"={alloc}-{spent}",
    )
    _block_row(
        ws,
        st.text,
        top + 6,
        BUDGET_LINES[5],
        st.share,
        share(b.spent_satang, b.allocated_satang),
        f"=IF({alloc}=0,0,{spent}/{alloc})",
    )
    head = top + 8
    _block_row(ws, st.block_head, head, STATUS_BLOCK_LABEL, st.block_head, "รุ่น")
    n_rounds = max(len(data.rounds) + 1, 2)
    status_col = xl_col_to_name(ROUND_HEADERS.index("สถานะ"))
    for k, (code, label) in enumerate(STATUS_LABELS.items(), start=1):
        _block_row(
            ws,
            st.text,
            head + k,
            label,
            st.count,
            sum(1 for r in data.rounds if r.status == code),
            f"=COUNTIF('{SHEET_ROUNDS}'!{status_col}2:{status_col}{n_rounds},\"{label}\")",
        )


_DISTRICT_COUNTS = {
    5: "target",
    6: "trained_year",
    7: "trained_to_date",
    9: "villages_covered",
    10: "registrations",
    11: "registration_target",
}


def _block_row(
    ws, label_fmt, row: int, label: str, value_fmt, value: object, formula: str | None = None
) -> None:
    """One line of a block under the district table: label merged over A–C, value merged over D–E (1-based row)."""
    i = row - 1
    ws.merge_range(i, 0, i, LEAD - 1, label, label_fmt)
    ws.merge_range(i, BUDGET_VALUE_COLUMN, i, BUDGET_VALUE_COLUMN + 1, "", value_fmt)
    if formula is not None:
        ws.write_formula(
            i, BUDGET_VALUE_COLUMN, formula, value_fmt, float(value) if isinstance(value, Decimal) else value
        )
    elif isinstance(value, str):
        ws.write_string(i, BUDGET_VALUE_COLUMN, value, value_fmt)
    else:
        ws.write_number(i, BUDGET_VALUE_COLUMN, value, value_fmt)


def _rounds_sheet(wb, st: Styles, data: WorkbookData) -> None:
    ws = wb.add_worksheet(SHEET_ROUNDS)
    rs = data.rounds
    sample = [
        (
            *_lead(data),
            str(r.number),
            r.title,
            "30 ก.ย. 2569",
            "30 ก.ย. 2569",
            r.venue,
            STATUS_LABELS[r.status],
            r.capacity,
            r.enrolled,
            r.completed,
            r.planned_satang / 100,
            r.actual_satang / 100,
            r.paid_satang / 100,
            r.round_id,
        )
        for r in rs
    ]
    last = len(rs) + 1
    _setup(
        ws,
        st,
        headers=ROUND_HEADERS,
        widths=column_widths(ROUND_HEADERS, sample),
        header_row=1,
        last_row=last,
        title=f"รุ่นการอบรมครู ข จังหวัด{data.meta.province_name} ปีงบประมาณ {data.meta.fiscal_year}",
        freeze_cols=LEAD + 2,
    )
    for i, r in enumerate(rs, start=1):
        _write_lead(ws, st, i, data)
        ws.write_number(i, 3, r.number, st.year)
        ws.write_string(i, 4, r.title, st.text)
        ws.write_datetime(i, 5, r.start_date, st.date)
        ws.write_datetime(i, 6, r.end_date, st.date)
        ws.write_string(i, 7, r.venue, st.text)
        ws.write_string(i, 8, STATUS_LABELS[r.status], st.text)
        for col, v in zip((9, 10, 11), (r.capacity, r.enrolled, r.completed), strict=True):
            ws.write_number(i, col, v, st.count)
        for col, v in zip((12, 13, 14), (r.planned_satang, r.actual_satang, r.paid_satang), strict=True):
            ws.write_number(i, col, satang_to_decimal(v), st.baht)
        ws.write_string(i, 15, r.round_id, st.code)
    ws.write_string(last, 0, TOTAL_LABEL, st.b_text)
    sums = (
        (9, sum(r.capacity for r in rs), st.b_count),
        (10, sum(r.enrolled for r in rs), st.b_count),
        (11, sum(r.completed for r in rs), st.b_count),
        (12, satang_to_decimal(sum(r.planned_satang for r in rs)), st.b_baht),
        (13, satang_to_decimal(sum(r.actual_satang for r in rs)), st.b_baht),
        (14, satang_to_decimal(sum(r.paid_satang for r in rs)), st.b_baht),
    )
    for col, value, fmt in sums:
        c = xl_col_to_name(col)
        ws.write_formula(last, col, f"=SUM({c}2:{c}{last})", fmt, float(value))


def _people_sheet(wb, st: Styles, data: WorkbookData) -> None:
    """Header and total row of รายชื่อครู ข; the data rows are spliced in after saving (_splice_people)."""
    ws = wb.add_worksheet(SHEET_PEOPLE)
    people = data.people
    sample = [
        (
            *_lead(data),
            p.national_id,
            p.prefix,
            p.first_name,
            p.last_name,
            p.position,
            p.village_code,
            p.village_name,
            p.subdistrict,
            p.district,
            p.round_label,
            "ไม่ผ่าน",
            p.registrations,
        )
        for p in people[:5000]
    ]
    last = len(people) + 1
    widths = column_widths(PEOPLE_HEADERS, sample)
    _setup(
        ws,
        st,
        headers=PEOPLE_HEADERS,
        widths=widths,
        header_row=1,
        last_row=last,
        title=(f"รายชื่อครู ข ที่เข้ารับการอบรม จังหวัด{data.meta.province_name} ปีงบประมาณ {data.meta.fiscal_year}"),
        freeze_cols=LEAD + 1,
    )
    # openpyxl's or XlsxWriter's per-cell machinery costs several seconds for 75,000 people: the rows are
    # written as sheet XML into the saved file, between the header and this total row (written at row 2 and
    # renumbered by the splice). The blank cells give the rows' styles their numbers in the saved file.
    i = 1
    ws.write_string(i, 0, TOTAL_LABEL, st.b_text)
    ws.write_blank(i, 1, None, st.code)
    ws.write_blank(i, 2, None, st.year)
    ws.write_formula(i, LEAD, f"=COUNTA(D2:D{last})", st.b_count, len(people))
    ws.write_string(i, LEAD + 1, "คน", st.text)
    ws.write_blank(i, LEAD + 2, None, st.count)
    passed = COMPLETION_LABELS[True]
    ws.write_string(i, LEAD + 9, passed, st.b_text)
    ws.write_formula(
        i, LEAD + 10, f'=COUNTIF(N2:N{last},"{passed}")', st.b_count, sum(1 for p in people if p.completed)
    )
    ws.write_formula(i, LEAD + 11, f"=SUM(O2:O{last})", st.b_count, sum(p.registrations for p in people))


def _expenses_sheet(wb, st: Styles, data: WorkbookData) -> None:
    ws = wb.add_worksheet(SHEET_EXPENSES)
    es = data.expenses
    sample = [
        (
            *_lead(data),
            e.round_label,
            category_label(e.category),
            e.planned_satang / 100,
            e.actual_satang / 100,
            e.paid_satang / 100,
        )
        for e in es
    ]
    last = len(es) + 1
    _setup(
        ws,
        st,
        headers=EXPENSE_HEADERS,
        widths=column_widths(EXPENSE_HEADERS, sample),
        header_row=1,
        last_row=last,
        title=f"ค่าใช้จ่ายรายรุ่นและหมวด จังหวัด{data.meta.province_name} ปีงบประมาณ {data.meta.fiscal_year}",
        freeze_cols=LEAD + 1,
    )
    for i, e in enumerate(es, start=1):
        _write_lead(ws, st, i, data)
        ws.write_string(i, 3, e.round_label, st.text)
        ws.write_string(i, 4, category_label(e.category), st.text)
        for col, v in zip((5, 6, 7), (e.planned_satang, e.actual_satang, e.paid_satang), strict=True):
            ws.write_number(i, col, satang_to_decimal(v), st.baht)
    ws.write_string(last, 0, TOTAL_LABEL, st.b_text)
    for col, field in ((5, "planned_satang"), (6, "actual_satang"), (7, "paid_satang")):
        c = xl_col_to_name(col)
        total = satang_to_decimal(sum(getattr(e, field) for e in es))
        ws.write_formula(last, col, f"=SUM({c}2:{c}{last})", st.b_baht, float(total))


def _meta_sheet(wb, data: WorkbookData) -> None:
    ws = wb.add_worksheet(SHEET_META)
    ws.hide()
    m = data.meta
    for i, (key, value) in enumerate(
        (
            ("format", FORMAT_ID),
            ("format_version", m.format_version),
            ("province_code", m.province_code),
            ("province_name", m.province_name),
            ("fiscal_year", m.fiscal_year),
            ("generated_at", m.generated_at.astimezone(UTC).isoformat()),
        )
    ):
        ws.write_string(i, 0, key)
        if isinstance(value, int):
            ws.write_number(i, 1, value)
        else:
            ws.write_string(i, 1, value)


# ------------------------------------------------------------------------------ the people's rows

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PEOPLE_SHEET_XML = "xl/worksheets/sheet3.xml"  # the third sheet added (SHEETS order)


def _text_cell(ref: str, value: str, style: str) -> str:
    if not value:
        return ""
    if not value.isprintable():  # the rare value with a control character (isprintable is a fast C check)
        value = _ILLEGAL_XML.sub("", value)
        if not value:
            return ""
    if "&" in value or "<" in value or ">" in value:
        value = xml_escape(value)
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _people_rows_xml(data: WorkbookData, st: Styles):
    """The data rows of รายชื่อครู ข as sheet XML, in chunks (inline strings; ID and village code as text)."""
    code_s, text_s = f' s="{st.code.xf_index}"', f' s="{st.text.xf_index}"'
    year_s, count_s = f' s="{st.year.xf_index}"', f' s="{st.count.xf_index}"'
    m = data.meta
    province_name = xml_escape(_ILLEGAL_XML.sub("", m.province_name))
    chunk: list[str] = []
    for n, p in enumerate(data.people, start=2):
        cells = [
            f'<c r="A{n}"{code_s} t="inlineStr"><is><t>{m.province_code}</t></is></c>',
            f'<c r="B{n}"{text_s} t="inlineStr"><is><t>{province_name}</t></is></c>' if province_name else "",
            f'<c r="C{n}"{year_s}><v>{m.fiscal_year}</v></c>',
            _text_cell(f"D{n}", p.national_id, code_s),
        ]
        cells += [
            _text_cell(f"{col}{n}", v, text_s)
            for col, v in zip("EFGH", (p.prefix, p.first_name, p.last_name, p.position), strict=True)
        ]
        cells.append(_text_cell(f"I{n}", p.village_code, code_s))
        cells += [
            _text_cell(f"{col}{n}", v, text_s)
            for col, v in zip(
                "JKLMN",
                (p.village_name, p.subdistrict, p.district, p.round_label, COMPLETION_LABELS[p.completed]),
                strict=True,
            )
        ]
        cells.append(f'<c r="O{n}"{count_s}><v>{int(p.registrations)}</v></c>')
        chunk.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(chunk) == 2000:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")


def _splice_people(path: Path, data: WorkbookData, st: Styles) -> None:
    """Put the people's rows into the saved workbook between the header and the total row (moved down)."""
    spliced = path.with_name(path.name + ".splice")
    try:
        _write_spliced(path, spliced, data, st)
        os.replace(spliced, path)
    finally:
        spliced.unlink(missing_ok=True)


def _write_spliced(path: Path, spliced: Path, data: WorkbookData, st: Styles) -> None:
    last = len(data.people) + 1
    end_col = xl_col_to_name(len(PEOPLE_HEADERS) - 1)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(spliced, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info.filename)
            if info.filename != _PEOPLE_SHEET_XML:
                dst.writestr(info, raw)
                continue
            xml = raw.decode("utf-8")
            head, marker, rest = xml.partition('<row r="2"')
            if not marker or f"COUNTA(D2:D{last})" not in rest:
                raise RuntimeError("people sheet not where the workbook writer put it")  # pragma: no cover
            end = rest.index("</row>") + len("</row>")
            total, tail = marker + rest[:end], rest[end:]
            n = last + 1
            total = re.sub(r'r="([A-Z]+)2"', rf'r="\g<1>{n}"', total).replace(
                '<row r="2"', f'<row r="{n}"', 1
            )
            head = re.sub(
                r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:{end_col}{n}"/>', head, count=1
            )
            target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(target, "w") as out:
                out.write(head.encode("utf-8"))
                for block in _people_rows_xml(data, st):
                    out.write(block)
                out.write(total.encode("utf-8"))
                out.write(tail.encode("utf-8"))
