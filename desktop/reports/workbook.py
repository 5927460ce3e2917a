"""The province workbook Bangkok receives (openpyxl, write-only): layout in docs/workbook-format.md."""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from sqlalchemy import func, select

from db.exchange.workbook_format import (
    BUDGET_LABEL,
    BUDGET_LINES,
    COMPLETION_LABELS,
    EXPENSE_HEADERS,
    FORMAT_ID,
    FORMAT_VERSION,
    PEOPLE_HEADERS,
    ROUND_HEADERS,
    SHEET_EXPENSES,
    SHEET_META,
    SHEET_PEOPLE,
    SHEET_ROUNDS,
    SHEET_SUMMARY,
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
    be_text,
)
from db.models import District, Enrolment, Person, Registration, Subdistrict, TrainingRound, Village
from db.rules.budget_categories import category_label
from db.rules.money import satang_to_decimal
from db.rules.thai_time import format_be_datetime
from desktop.core.context import AppContext
from desktop.core.exports.figures import province_figures
from desktop.core.exports.model import HELD, ProvinceFigures
from desktop.reports.pdf_common import Progress, atomic_output

BAHT = "#,##0.00"
COUNT = "#,##0"
PERCENT = "0.0%"
_FONT = "TH Sarabun New"
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="9BA7B4")
_HEAD_BORDER = Border(bottom=_THIN, top=_THIN)


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
    data = collect(ctx, fiscal_year=fiscal_year)
    office_name = province_figures_office(ctx)
    return write_workbook(data, out_path=out_path, office_name=office_name, progress=progress)


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
    wb = Workbook(write_only=True)
    steps = 5

    def step(n: int) -> None:
        if progress is not None:
            progress(n, steps)

    _summary(wb, data, office_name)
    step(1)
    _rounds_sheet(wb, data)
    step(2)
    text_style = _people_sheet(wb, data)
    step(3)
    _expenses_sheet(wb, data)
    step(4)
    _meta_sheet(wb, data)
    with atomic_output(out_path) as tmp:
        wb.save(tmp)
        _splice_people(tmp, data.people, text_style)
    step(5)
    return WorkbookResult(Path(out_path), len(data.people), len(data.rounds))


def _width(value: object) -> float:
    """Display width of a value in Excel character units (Thai marks above/below take no room)."""
    if value is None:
        return 0
    text = (
        value if isinstance(value, str) else (f"{value:,.2f}" if not isinstance(value, int) else f"{value:,}")
    )
    if text.startswith("="):
        return 12
    return sum(
        0
        if unicodedata.combining(ch)
        or ch in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d"
        else 1
        for ch in text
    )


def _setup(
    ws, headers: Sequence[str], rows: Sequence[Sequence[object]], *, header_row: int, widths_from=None
) -> None:
    """Column widths that fit, frozen header, print setup (A4 landscape, fit to width, repeated heads)."""
    sample = rows if widths_from is None else widths_from
    for i, head in enumerate(headers):
        # Write-only sheets cannot set a row height, so a wrapped header would be cut: fit the header too.
        widest = max([_width(head), *(_width(r[i]) for r in sample[:20000])])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(60, max(8, widest * 1.1 + 2))
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"1:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.oddFooter.center.text = "หน้า &P / &N"


def _cell(ws, value: object, fmt: str | None = None, *, bold: bool = False, fill=None, wrap: bool = False):
    c = WriteOnlyCell(ws, value=value)
    if fmt:
        c.number_format = fmt
    if bold:
        c.font = Font(name=_FONT, bold=True)
    if fill is not None:
        c.fill = fill
        c.border = _HEAD_BORDER
    if wrap:
        c.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    return c


def _head(ws, headers: Sequence[str]) -> list:
    return [_cell(ws, h, bold=True, fill=_HEAD_FILL, wrap=True) for h in headers]


def _baht(ws, satang: int):
    return _cell(ws, satang_to_decimal(satang), BAHT)


def _summary(wb: Workbook, data: WorkbookData, office_name: str) -> None:
    ws = wb.create_sheet(SHEET_SUMMARY)
    m = data.meta
    rows = [
        (
            d.code,
            d.name,
            d.target,
            d.trained_year,
            d.trained_to_date,
            None,
            d.villages_covered,
            d.registrations,
            d.registration_target,
            None,
        )
        for d in data.districts
    ]
    _setup(ws, SUMMARY_HEADERS, rows, header_row=SUMMARY_HEADER_ROW)
    ws.column_dimensions["A"].width = (
        max(_width(label) for label in BUDGET_LINES) * 1.1 + 2
    )  # the budget block
    ws.freeze_panes = f"C{SUMMARY_HEADER_ROW + 1}"
    ws.oddHeader.center.text = f"สรุปผลการฝึกอบรมครู ข จังหวัด{m.province_name} ปีงบประมาณ {m.fiscal_year}"
    ws.append([_cell(ws, f"สรุปผลการฝึกอบรมครู ข จังหวัด{m.province_name} ปีงบประมาณ {m.fiscal_year}", bold=True)])
    ws.append([f"{office_name} · ข้อมูล ณ {format_be_datetime(m.generated_at, style='long')}"])
    ws.append(_head(ws, SUMMARY_HEADERS))
    first = SUMMARY_HEADER_ROW + 1
    for n, d in enumerate(data.districts):
        r = first + n
        ws.append(
            [
                d.code,
                d.name,
                _cell(ws, d.target, COUNT),
                _cell(ws, d.trained_year, COUNT),
                _cell(ws, d.trained_to_date, COUNT),
                _cell(ws, f"=IF(C{r}=0,0,E{r}/C{r})", PERCENT),
                _cell(ws, d.villages_covered, COUNT),
                _cell(ws, d.registrations, COUNT),
                _cell(ws, d.registration_target, COUNT),
                _cell(ws, f"=IF(I{r}=0,0,H{r}/I{r})", PERCENT),
            ]
        )
    last = first + len(data.districts) - 1
    t = last + 1
    ws.append(
        [
            _cell(ws, TOTAL_LABEL, bold=True),
            None,
            *(_cell(ws, f"=SUM({c}{first}:{c}{last})", COUNT, bold=True) for c in "CDE"),
            _cell(ws, f"=IF(C{t}=0,0,E{t}/C{t})", PERCENT, bold=True),
            *(_cell(ws, f"=SUM({c}{first}:{c}{last})", COUNT, bold=True) for c in "GHI"),
            _cell(ws, f"=IF(I{t}=0,0,H{t}/I{t})", PERCENT, bold=True),
        ]
    )
    ws.auto_filter.ref = f"A{SUMMARY_HEADER_ROW}:J{max(last, first)}"
    ws.append([])
    b = data.budget
    top = t + 2
    ws.append(
        [_cell(ws, BUDGET_LABEL, bold=True, fill=_HEAD_FILL), _cell(ws, "บาท", bold=True, fill=_HEAD_FILL)]
    )
    ws.append([BUDGET_LINES[0], _baht(ws, b.allocated_satang)])
    ws.append([BUDGET_LINES[1], _baht(ws, b.planned_satang)])
    ws.append([BUDGET_LINES[2], _baht(ws, b.actual_satang)])
    ws.append([BUDGET_LINES[3], _baht(ws, b.spent_satang)])
    ws.append([_cell(ws, BUDGET_LINES[4], bold=True), _cell(ws, f"=B{top + 1}-B{top + 4}", BAHT, bold=True)])
    ws.append([BUDGET_LINES[5], _cell(ws, f"=IF(B{top + 1}=0,0,B{top + 4}/B{top + 1})", PERCENT)])
    ws.append([])
    ws.append(
        [
            _cell(ws, "รุ่นการอบรมตามสถานะ", bold=True, fill=_HEAD_FILL),
            _cell(ws, "รุ่น", bold=True, fill=_HEAD_FILL),
        ]
    )
    n_rounds = len(data.rounds) + 1
    for label in STATUS_LABELS.values():
        ws.append([label, _cell(ws, f"=COUNTIF('{SHEET_ROUNDS}'!G2:G{n_rounds},\"{label}\")", COUNT)])


def _rounds_sheet(wb: Workbook, data: WorkbookData) -> None:
    ws = wb.create_sheet(SHEET_ROUNDS)
    rows = [
        (
            r.fiscal_year,
            str(r.number),
            r.title,
            be_text(r.start_date),
            be_text(r.end_date),
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
        for r in data.rounds
    ]
    _setup(ws, ROUND_HEADERS, rows, header_row=1)
    ws.oddHeader.center.text = (
        f"รุ่นการอบรมครู ข จังหวัด{data.meta.province_name} ปีงบประมาณ {data.meta.fiscal_year}"
    )
    ws.append(_head(ws, ROUND_HEADERS))
    for r in data.rounds:
        ws.append(
            [
                r.fiscal_year,
                r.number,
                r.title,
                _cell(ws, be_text(r.start_date), "@"),
                _cell(ws, be_text(r.end_date), "@"),
                r.venue,
                STATUS_LABELS[r.status],
                _cell(ws, r.capacity, COUNT),
                _cell(ws, r.enrolled, COUNT),
                _cell(ws, r.completed, COUNT),
                _baht(ws, r.planned_satang),
                _baht(ws, r.actual_satang),
                _baht(ws, r.paid_satang),
                r.round_id,
            ]
        )
    last = len(data.rounds) + 1
    ws.append(
        [
            _cell(ws, TOTAL_LABEL, bold=True),
            *([None] * 6),
            *(_cell(ws, f"=SUM({c}2:{c}{last})", COUNT, bold=True) for c in "HIJ"),
            *(_cell(ws, f"=SUM({c}2:{c}{last})", BAHT, bold=True) for c in "KLM"),
        ]
    )
    ws.auto_filter.ref = f"A1:N{max(last, 2)}"


def _people_sheet(wb: Workbook, data: WorkbookData) -> int:
    """Header and total row of รายชื่อครู ข; returns the style id of text cells for the spliced rows."""
    ws = wb.create_sheet(SHEET_PEOPLE)
    sample = [
        (
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
        for p in data.people[:5000]
    ]
    _setup(ws, PEOPLE_HEADERS, sample, header_row=1)
    ws.column_dimensions["A"].width = 20
    ws.oddHeader.center.text = (
        f"รายชื่อครู ข ที่เข้ารับการอบรม จังหวัด{data.meta.province_name} ปีงบประมาณ {data.meta.fiscal_year}"
    )
    ws.append(_head(ws, PEOPLE_HEADERS))
    # The data rows are spliced into the saved file as XML (_splice_people): openpyxl's per-cell
    # machinery costs ~15 µs a cell, 14 s of CPU for 75,000 people. The total row is written here
    # at row 2 and renumbered by the splice.
    probe = WriteOnlyCell(ws, value="")
    probe.number_format = "@"
    text_style = probe.style_id
    last = len(data.people) + 1
    ws.append(
        [
            _cell(ws, TOTAL_LABEL, bold=True),
            _cell(ws, f"=COUNTA(A2:A{last})", COUNT, bold=True),
            "คน",
            None,
            None,
            None,
            None,
            None,
            None,
            _cell(ws, COMPLETION_LABELS[True], bold=True),
            _cell(ws, f'=COUNTIF(K2:K{last},"{COMPLETION_LABELS[True]}")', COUNT, bold=True),
            _cell(ws, f"=SUM(L2:L{last})", COUNT, bold=True),
        ]
    )
    ws.auto_filter.ref = f"A1:L{max(last, 2)}"
    return text_style


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PEOPLE_COLUMNS = "ABCDEFGHIJKL"
_PEOPLE_SHEET_XML = "xl/worksheets/sheet3.xml"  # the third sheet created (SHEETS order)


def _text_cell(ref: str, value: str, style: str = "") -> str:
    if not value:
        return ""
    value = _ILLEGAL_XML.sub("", value)
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{xml_escape(value)}</t></is></c>'


def _people_rows_xml(people: Sequence[PersonRow], text_style: int):
    """The data rows of รายชื่อครู ข as sheet XML, in chunks (inline strings; ID and village code as text)."""
    st = f' s="{text_style}"'
    chunk: list[str] = []
    for n, p in enumerate(people, start=2):
        values = (
            p.prefix,
            p.first_name,
            p.last_name,
            p.position,
        )
        cells = [_text_cell(f"A{n}", p.national_id, st)]
        cells += [_text_cell(f"{col}{n}", v) for col, v in zip("BCDE", values, strict=True)]
        cells.append(_text_cell(f"F{n}", p.village_code, st))
        cells += [
            _text_cell(f"{col}{n}", v)
            for col, v in zip(
                "GHIJK",
                (p.village_name, p.subdistrict, p.district, p.round_label, COMPLETION_LABELS[p.completed]),
                strict=True,
            )
        ]
        cells.append(f'<c r="L{n}"><v>{int(p.registrations)}</v></c>')
        chunk.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(chunk) == 2000:
            yield "".join(chunk).encode("utf-8")
            chunk = []
    if chunk:
        yield "".join(chunk).encode("utf-8")


def _splice_people(path: Path, people: Sequence[PersonRow], text_style: int) -> None:
    """Put the people's rows into the saved workbook between the header and the total row (moved down)."""
    last = len(people) + 1
    spliced = path.with_name(path.name + ".splice")
    try:
        _write_spliced(path, spliced, people, text_style, last)
        os.replace(spliced, path)
    finally:
        spliced.unlink(missing_ok=True)


def _write_spliced(
    path: Path, spliced: Path, people: Sequence[PersonRow], text_style: int, last: int
) -> None:
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(spliced, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            raw = src.read(info.filename)
            if info.filename != _PEOPLE_SHEET_XML:
                dst.writestr(info, raw)
                continue
            xml = raw.decode("utf-8")
            head, marker, rest = xml.partition('<row r="2"')
            if not marker or f"COUNTA(A2:A{last})" not in rest:
                raise RuntimeError("people sheet not where the workbook writer put it")  # pragma: no cover
            end = rest.index("</row>") + len("</row>")
            total, tail = marker + rest[:end], rest[end:]
            n = last + 1
            total = re.sub(r'r="([A-Z]+)2"', rf'r="\g<1>{n}"', total).replace(
                '<row r="2"', f'<row r="{n}"', 1
            )
            head = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:L{n}"/>', head, count=1)
            target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            with dst.open(target, "w") as out:
                out.write(head.encode("utf-8"))
                for block in _people_rows_xml(people, text_style):
                    out.write(block)
                out.write(total.encode("utf-8"))
                out.write(tail.encode("utf-8"))


def _expenses_sheet(wb: Workbook, data: WorkbookData) -> None:
    ws = wb.create_sheet(SHEET_EXPENSES)
    rows = [
        (
            e.round_label,
            category_label(e.category),
            e.planned_satang / 100,
            e.actual_satang / 100,
            e.paid_satang / 100,
        )
        for e in data.expenses
    ]
    _setup(ws, EXPENSE_HEADERS, rows, header_row=1)
    ws.oddHeader.center.text = (
        f"ค่าใช้จ่ายรายรุ่นและหมวด จังหวัด{data.meta.province_name} ปีงบประมาณ {data.meta.fiscal_year}"
    )
    ws.append(_head(ws, EXPENSE_HEADERS))
    for e in data.expenses:
        ws.append(
            [
                e.round_label,
                category_label(e.category),
                _baht(ws, e.planned_satang),
                _baht(ws, e.actual_satang),
                _baht(ws, e.paid_satang),
            ]
        )
    last = len(data.expenses) + 1
    ws.append(
        [
            _cell(ws, TOTAL_LABEL, bold=True),
            None,
            *(_cell(ws, f"=SUM({c}2:{c}{last})", BAHT, bold=True) for c in "CDE"),
        ]
    )
    ws.auto_filter.ref = f"A1:E{max(last, 2)}"


def _meta_sheet(wb: Workbook, data: WorkbookData) -> None:
    ws = wb.create_sheet(SHEET_META)
    ws.sheet_state = "hidden"
    m = data.meta
    for key, value in (
        ("format", FORMAT_ID),
        ("format_version", m.format_version),
        ("province_code", m.province_code),
        ("province_name", m.province_name),
        ("fiscal_year", m.fiscal_year),
        ("generated_at", m.generated_at.astimezone(UTC).isoformat()),
    ):
        ws.append([key, value])
