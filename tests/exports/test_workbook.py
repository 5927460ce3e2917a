"""The province workbook: round trip, every formula's value from the figures, BE dates, print size, reader (v1, v2)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from db.exchange.workbook_format import (
    DATE_FORMAT,
    PEOPLE_HEADERS,
    SHEET_EXPENSES,
    SHEET_META,
    SHEET_PEOPLE,
    SHEET_ROUNDS,
    SHEET_SUMMARY,
    STATUS_LABELS,
    SUMMARY_HEADER_ROW,
    TOTAL_LABEL,
)
from db.exchange.workbook_reader import WorkbookFormatError, read_workbook
from db.models import BudgetAllocation, Enrolment, ExpenseLine, PaymentLine, TrainingRound
from db.rules.percent import share
from db.rules.thai_dates import format_be_date
from desktop.core.context import AppContext
from desktop.core.exports.figures import province_figures
from desktop.reports.workbook import collect, export_workbook, write_workbook

FY = 2569


@pytest.fixture
def book(results_ctx: AppContext, tmp_path: Path) -> Path:
    out = tmp_path / "province.xlsx"
    export_workbook(results_ctx, fiscal_year=FY, out_path=out)
    return out


def test_round_trip_returns_exactly_what_was_written(results_ctx: AppContext, tmp_path: Path) -> None:
    data = collect(results_ctx, fiscal_year=FY)
    assert data.people and data.rounds and data.expenses
    assert any(p.completed is False for p in data.people) and any(p.registrations for p in data.people)
    out = write_workbook(data, out_path=tmp_path / "w.xlsx", office_name="สำนักงาน").path
    assert read_workbook(out) == data


def test_totals_equal_the_database(results_ctx: AppContext, book: Path) -> None:
    data = read_workbook(book)
    with results_ctx.reading() as s:
        in_year = select(TrainingRound.id).where(TrainingRound.fiscal_year == FY)
        completed = s.scalar(
            select(func.count()).where(Enrolment.completed.is_(True), Enrolment.round_id.in_(in_year))
        )
        allocated = s.scalar(
            select(func.sum(BudgetAllocation.amount_satang)).where(BudgetAllocation.fiscal_year == FY)
        )
        paid = s.scalar(select(func.sum(PaymentLine.amount_satang)).where(PaymentLine.round_id.in_(in_year)))
        planned = s.scalar(
            select(func.sum(ExpenseLine.amount_satang)).where(
                ExpenseLine.kind == "plan", ExpenseLine.round_id.in_(in_year)
            )
        )
        rounds = s.scalar(select(func.count()).where(TrainingRound.fiscal_year == FY))
        actual = s.scalar(  # vendor costs: the other half of what was disbursed (docs/money.md)
            select(func.sum(ExpenseLine.amount_satang)).where(
                ExpenseLine.kind == "actual", ExpenseLine.round_id.in_(in_year)
            )
        )
    assert sum(d.trained_year for d in data.districts) == completed
    assert sum(r.completed for r in data.rounds) == completed
    assert sum(1 for p in data.people if p.completed) == completed
    assert data.budget.allocated_satang == allocated
    assert data.budget.actual_satang == actual
    assert data.budget.spent_satang == paid + actual == sum(e.paid_satang for e in data.expenses)
    assert data.budget.planned_satang == planned
    assert len(data.rounds) == rounds


def test_ids_are_text_and_layout_is_set_up(book: Path) -> None:
    wb = load_workbook(book)
    assert wb.sheetnames == [SHEET_SUMMARY, SHEET_ROUNDS, SHEET_PEOPLE, SHEET_EXPENSES, SHEET_META]
    assert wb[SHEET_META].sheet_state == "hidden"
    people = wb[SHEET_PEOPLE]
    assert [c.value for c in people[1]] == list(PEOPLE_HEADERS)
    assert people["D2"].data_type == "s" and len(people["D2"].value) == 13
    assert people["D2"].number_format == "@" and people["A2"].number_format == "@"
    assert people.freeze_panes == "E2" and people.auto_filter.ref.startswith("A1:O")
    assert people.page_setup.orientation == "landscape" and people.page_setup.paperSize == 9
    assert people.print_title_rows == "$1:$1"
    rounds = wb[SHEET_ROUNDS]
    assert rounds["M2"].number_format == "#,##0.00"
    assert rounds.column_dimensions["E"].width > rounds.column_dimensions["D"].width
    last = rounds.max_row
    assert rounds[f"A{last}"].value == TOTAL_LABEL and rounds[f"M{last}"].value == f"=SUM(M2:M{last - 1})"
    assert rounds[f"C{last}"].value is None  # the total row has no fiscal year: stacking drops it


def test_every_data_sheet_names_province_and_year(results_ctx: AppContext, book: Path) -> None:
    fig = province_figures(results_ctx, fiscal_year=FY)
    wb = load_workbook(book, read_only=True)
    for sheet, header_row in ((SHEET_SUMMARY, 3), (SHEET_ROUNDS, 1), (SHEET_PEOPLE, 1), (SHEET_EXPENSES, 1)):
        rows = list(wb[sheet].iter_rows(values_only=True))
        assert rows[header_row - 1][:3] == ("รหัสจังหวัด", "จังหวัด", "ปีงบประมาณ"), sheet
        data = [r for r in rows[header_row:] if r[2] is not None]
        assert data and all(r[:3] == (fig.province_code, fig.province_name, FY) for r in data), sheet
    wb.close()


def _formula_cells(book: Path) -> dict[tuple[str, str], str]:
    wb = load_workbook(book)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    out[(ws.title, c.coordinate)] = c.value
    return out


def _expected_values(results_ctx: AppContext, book: Path) -> dict[tuple[str, str], object]:
    """What every formula cell must hold, from the figures module (never from the workbook itself)."""
    fig = province_figures(results_ctx, fiscal_year=FY)
    b = fig.budget
    wb = load_workbook(book, read_only=True)
    summary = [list(r) for r in wb[SHEET_SUMMARY].iter_rows(values_only=True)]
    wb.close()
    expected: dict[tuple[str, str], object] = {}
    first = SUMMARY_HEADER_ROW + 1
    for n, d in enumerate(fig.districts):
        expected[(SHEET_SUMMARY, f"I{first + n}")] = share(d.trained_to_date, d.target)
        expected[(SHEET_SUMMARY, f"M{first + n}")] = share(d.registrations, d.registration_target)
    t = first + len(fig.districts)
    for col, field in zip("FGHJKL", _DISTRICT_FIELDS, strict=True):
        expected[(SHEET_SUMMARY, f"{col}{t}")] = fig.total(field)
    expected[(SHEET_SUMMARY, f"I{t}")] = share(fig.total("trained_to_date"), fig.total("target"))
    expected[(SHEET_SUMMARY, f"M{t}")] = share(fig.total("registrations"), fig.total("registration_target"))
    labels = {r[0]: n for n, r in enumerate(summary, start=1)}
    expected[(SHEET_SUMMARY, f"D{labels['คงเหลือ']}")] = b.remaining_satang / 100
    expected[(SHEET_SUMMARY, f"D{labels['ร้อยละการเบิกจ่าย']}")] = share(b.spent_satang, b.allocated_satang)
    for code, label in STATUS_LABELS.items():
        expected[(SHEET_SUMMARY, f"D{labels[label]}")] = fig.rounds_by_status[code]
    last = len(fig.rounds) + 2
    for col, field in zip("JKL", ("capacity", "enrolled", "completed"), strict=True):
        expected[(SHEET_ROUNDS, f"{col}{last}")] = sum(getattr(r, field) for r in fig.rounds)
    for col, field in zip("MNO", ("planned_satang", "actual_satang", "paid_satang"), strict=True):
        expected[(SHEET_ROUNDS, f"{col}{last}")] = sum(getattr(r, field) for r in fig.rounds) / 100
    people = collect(results_ctx, fiscal_year=FY).people
    n = len(people) + 2
    expected[(SHEET_PEOPLE, f"D{n}")] = len(people)
    expected[(SHEET_PEOPLE, f"N{n}")] = sum(1 for p in people if p.completed)
    expected[(SHEET_PEOPLE, f"O{n}")] = sum(p.registrations for p in people)
    e = len(fig.expenses) + 2
    expected[(SHEET_EXPENSES, f"F{e}")] = b.planned_satang / 100
    expected[(SHEET_EXPENSES, f"G{e}")] = b.actual_satang / 100
    expected[(SHEET_EXPENSES, f"H{e}")] = b.spent_satang / 100
    return expected


_DISTRICT_FIELDS = ("target", "trained_year", "trained_to_date", "villages_covered", "registrations")
_DISTRICT_FIELDS += ("registration_target",)


def test_every_formula_cell_carries_its_value_for_any_reader(results_ctx: AppContext, book: Path) -> None:
    formulas = _formula_cells(book)
    expected = _expected_values(results_ctx, book)
    assert set(formulas) == set(expected)  # every formula cell is checked, and nothing else is a formula
    values = load_workbook(book, data_only=True)
    for (sheet, ref), want in expected.items():
        got = values[sheet][ref].value
        assert got is not None and got == pytest.approx(want, abs=1e-9), (sheet, ref, formulas[(sheet, ref)])
    # pandas sees the same numbers, through openpyxl and through calamine (Rust; pandas 3's default)
    fig = province_figures(results_ctx, fiscal_year=FY)
    for engine in ("openpyxl", "calamine"):
        rounds = pd.read_excel(book, sheet_name=SHEET_ROUNDS, engine=engine)
        total = rounds[rounds["รหัสจังหวัด"] == TOTAL_LABEL].iloc[0]
        assert total["เบิกจ่ายแล้ว (บาท)"] == pytest.approx(sum(r.paid_satang for r in fig.rounds) / 100)
        summary = pd.read_excel(book, sheet_name=SHEET_SUMMARY, header=SUMMARY_HEADER_ROW - 1, engine=engine)
        districts = summary.dropna(subset=["ปีงบประมาณ"])
        assert list(districts["ร้อยละของเป้าหมาย"]) == pytest.approx(
            [share(d.trained_to_date, d.target) for d in fig.districts]
        )
        assert summary[summary["รหัสจังหวัด"] == TOTAL_LABEL].iloc[0]["อบรมผ่านสะสม"] == fig.total(
            "trained_to_date"
        )


def test_dates_are_excel_dates_shown_in_buddhist_era(results_ctx: AppContext, book: Path) -> None:
    fig = province_figures(results_ctx, fiscal_year=FY)
    ws = load_workbook(book)[SHEET_ROUNDS]
    for n, r in enumerate(fig.rounds, start=2):
        for col, want in (("F", r.start_date), ("G", r.end_date)):
            cell = ws[f"{col}{n}"]
            assert cell.is_date and cell.value == datetime(want.year, want.month, want.day)
            assert cell.number_format == DATE_FORMAT
    frame = pd.read_excel(book, sheet_name=SHEET_ROUNDS, engine="openpyxl").dropna(subset=["ปีงบประมาณ"])
    assert frame["วันเริ่ม"].dtype.kind == "M"  # sortable datetimes in pandas too
    assert list(frame["วันเริ่ม"].dt.date) == [r.start_date for r in fig.rounds]


def test_title_is_bangkok_time(results_ctx: AppContext, tmp_path: Path) -> None:
    import dataclasses

    data = collect(results_ctx, fiscal_year=FY)
    at = datetime(2026, 12, 3, 20, 30, tzinfo=UTC)  # 03:30 on 4 December in Bangkok
    data = dataclasses.replace(data, meta=dataclasses.replace(data.meta, generated_at=at))
    out = write_workbook(data, out_path=tmp_path / "t.xlsx", office_name="สำนักงาน").path
    line = load_workbook(out)[SHEET_SUMMARY]["A2"].value
    assert "4 ธันวาคม 2569 03:30 น." in line and "UTC" not in line


def test_fonts_are_set_on_every_cell(book: Path) -> None:
    wb = load_workbook(book)
    seen = set()
    for ws in wb.worksheets[:4]:
        for row in ws.iter_rows(max_row=60):
            for c in row:
                if c.value is not None:
                    assert c.font.name == "Sarabun", (ws.title, c.coordinate)
                    seen.add(c.font.sz)
    assert seen == {14, 16}


def _printed_scale(ws) -> tuple[float, float]:
    """The scale the sheet prints at (its page setup: a fixed scale, or fitted to width) and the scale at which its columns fill one
    A4 landscape width, computed from the column widths as saved (Excel's 7 px a unit, cell padding included)."""
    ps = ws.page_setup
    assert ps.paperSize == 9 and ps.orientation == "landscape"
    fit_to_page = ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage
    last = max(ws.column_dimensions[k].max or 0 for k in ws.column_dimensions) or ws.max_column
    widths = [ws.column_dimensions[get_column_letter(i)].width or 8.43 for i in range(1, last + 1)]
    printable = 842 - 72 * (ws.page_margins.left + ws.page_margins.right)
    if fit_to_page:
        # Fitted one page wide: it prints smallest where columns are widest, LibreOffice without Calibri
        # (DejaVu Sans, 9.33 px a unit); that scale must keep the text readable too.
        assert (ps.fitToWidth or 1) == 1 and ps.fitToHeight == 0
        widest = min(1.0, printable / sum(w * 9.4 * 0.75 for w in widths))
        return widest, widest
    used = sum(w * 7 * 0.75 for w in widths)
    return (ps.scale or 100) / 100, min(1.0, printable / used)


def test_printed_text_is_at_least_9_points(book: Path) -> None:
    wb = load_workbook(book)
    for ws in wb.worksheets[:4]:
        smallest = min(
            c.font.sz for row in ws.iter_rows(max_row=40) for c in row if c.value is not None and c.font.sz
        )
        scale, fit = _printed_scale(ws)
        assert smallest * scale >= 9, (ws.title, smallest, scale)
        assert scale <= fit or smallest * (scale - 0.01) < 9  # one page wide whenever that stays readable
        assert ws.print_title_rows is not None
    assert wb[SHEET_ROUNDS].print_title_cols == "$D:$E"  # too wide for one page: the round repeats


def _with_sarabun(tmp_path: Path) -> dict[str, str]:
    """An environment in which LibreOffice finds the bundled Sarabun (so its PDF text reads back)."""
    import os

    fonts = Path(__file__).resolve().parents[2] / "resources" / "fonts"
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><fontconfig><include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{fonts}</dir><cachedir>{tmp_path / 'fc'}</cachedir></fontconfig>"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def test_libreoffice_prints_be_dates_and_nothing_under_9_points(book: Path, tmp_path: Path) -> None:
    """Printed by LibreOffice (to PDF): dates in BE, every character ≥ 9 pt, one page of each sheet rendered."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        env=_with_sarabun(tmp_path),
    )
    import pdfplumber

    pdf_path = tmp_path / "pdf" / f"{book.stem}.pdf"
    firsts: dict[str, int] = {}
    with pdfplumber.open(pdf_path) as pdf:
        text = ""
        for n, page in enumerate(pdf.pages, start=1):
            page_text = page.extract_text() or ""
            text += page_text + "\n"
            sizes = [c["size"] for c in page.chars if c["text"].strip()]
            assert not sizes or min(sizes) >= 9 - 0.05, (n, min(sizes))
            for sheet, title in (
                (SHEET_SUMMARY, "สรุปผลการฝึกอบรม"),
                (SHEET_ROUNDS, "รุ่นการอบรมครู ข จังหวัด"),
                (SHEET_PEOPLE, "ที่เข้ารับการอบรม"),
                (SHEET_EXPENSES, "ค่าใช้จ่ายรายรุ่นและหมวด"),
            ):
                if sheet not in firsts and title in page_text.replace("ช่อื", "ชื่อ"):
                    firsts[sheet] = n
    data = read_workbook(book)
    assert format_be_date(data.rounds[0].start_date, style="medium") in text  # e.g. 18 พ.ย. 2568
    assert set(firsts) == {SHEET_SUMMARY, SHEET_ROUNDS, SHEET_PEOPLE, SHEET_EXPENSES}
    # The summary is one page wide even here, without Calibri (LibreOffice measures with DejaVu Sans): each
    # district's line carries the province code (column A) and both percentages (columns I and M).
    with pdfplumber.open(pdf_path) as pdf:
        pages = range(firsts[SHEET_SUMMARY], firsts[SHEET_ROUNDS])
        lines = [ln for n in pages for ln in (pdf.pages[n - 1].extract_text() or "").splitlines()]
    districts = [ln for ln in lines if ln.startswith(f"{data.meta.province_code} ")]
    assert len(districts) == len(data.districts), lines
    assert all(ln.count("%") == 2 for ln in districts), districts
    if shutil.which("pdftoppm") is None:
        return
    from PIL import Image, ImageStat

    for sheet, n in firsts.items():
        stem = tmp_path / f"page-{n}"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                "-singlefile",
                "-f",
                str(n),
                "-l",
                str(n),
                str(pdf_path),
                str(stem),
            ],
            check=True,
        )
        with Image.open(stem.with_suffix(".png")) as img:
            assert ImageStat.Stat(img.convert("L")).stddev[0] > 10, sheet  # not a blank page


_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def _recalculated(book: Path, out_dir: Path):
    """The workbook as LibreOffice saves it after recalculating every formula on load (never trusting a value)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = out_dir / "lo"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS)
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out_dir / "calc"),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return load_workbook(out_dir / "calc" / book.name, data_only=True)


def test_libreoffice_recalculates_the_cached_values(book: Path, tmp_path: Path) -> None:
    """LibreOffice recalculates on load (it is told to: no cached value is trusted) and saves its results."""
    import xlsxwriter

    cached = load_workbook(book, data_only=True)
    formulas = _formula_cells(book)
    # A wrong cached value beside the real file proves LibreOffice recalculates rather than copying values.
    probe = tmp_path / "probe.xlsx"
    pwb = xlsxwriter.Workbook(str(probe))
    pwb.add_worksheet("s").write_formula("A1", "=1+1", None, 5)
    pwb.close()
    assert _recalculated(probe, tmp_path)["s"]["A1"].value == 2
    recalculated = _recalculated(book, tmp_path)
    for sheet, ref in formulas:
        assert recalculated[sheet][ref].value == pytest.approx(cached[sheet][ref].value, abs=1e-9), (
            sheet,
            ref,
        )


def test_reader_still_reads_format_version_1(results_ctx: AppContext, tmp_path: Path) -> None:
    data = collect(results_ctx, fiscal_year=FY)
    old = _write_version_1(data, tmp_path / "v1.xlsx")
    back = read_workbook(old)
    assert back.meta.format_version == 1
    assert back.districts == data.districts and back.budget == data.budget
    assert back.rounds == data.rounds and back.people == data.people and back.expenses == data.expenses


def _write_version_1(data, out: Path) -> Path:
    """A version 1 file as the program wrote it before (docs/workbook-format.md of 2026-11): BE text dates, no
    province columns, the budget amount in column B."""
    from openpyxl import Workbook

    from db.exchange.workbook_format import (
        BUDGET_LABEL,
        BUDGET_LINES,
        COMPLETION_LABELS,
        EXPENSE_HEADERS_V1,
        PEOPLE_HEADERS_V1,
        ROUND_HEADERS_V1,
        SUMMARY_HEADERS_V1,
        be_text,
    )

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_SUMMARY
    ws.append(["title"])
    ws.append(["office"])
    ws.append(list(SUMMARY_HEADERS_V1))
    for d in data.districts:
        ws.append(
            [
                d.code,
                d.name,
                d.target,
                d.trained_year,
                d.trained_to_date,
                "=1",
                d.villages_covered,
                d.registrations,
                d.registration_target,
                "=1",
            ]
        )
    ws.append([TOTAL_LABEL])
    ws.append([])
    ws.append([BUDGET_LABEL, "บาท"])
    b = data.budget
    for label, v in zip(
        BUDGET_LINES[:4], (b.allocated_satang, b.planned_satang, b.actual_satang, b.spent_satang), strict=True
    ):
        ws.append([label, v / 100])
    rounds = wb.create_sheet(SHEET_ROUNDS)
    rounds.append(list(ROUND_HEADERS_V1))
    for r in data.rounds:
        rounds.append(
            [
                r.fiscal_year,
                r.number,
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
            ]
        )
    rounds.append([TOTAL_LABEL])
    people = wb.create_sheet(SHEET_PEOPLE)
    people.append(list(PEOPLE_HEADERS_V1))
    for p in data.people:
        people.append(
            [
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
                COMPLETION_LABELS[p.completed],
                p.registrations,
            ]
        )
    people.append([TOTAL_LABEL])
    expenses = wb.create_sheet(SHEET_EXPENSES)
    expenses.append(list(EXPENSE_HEADERS_V1))
    for e in data.expenses:
        expenses.append(
            [e.round_label, e.category, e.planned_satang / 100, e.actual_satang / 100, e.paid_satang / 100]
        )
    expenses.append([TOTAL_LABEL])
    meta = wb.create_sheet(SHEET_META)
    m = data.meta
    for row in (
        ("format", "krukhor-province-workbook"),
        ("format_version", 1),
        ("province_code", m.province_code),
        ("province_name", m.province_name),
        ("fiscal_year", m.fiscal_year),
        ("generated_at", m.generated_at.isoformat()),
    ):
        meta.append(list(row))
    wb.save(out)
    return out


def test_reader_refuses_an_unknown_format_in_thai(book: Path, tmp_path: Path) -> None:
    wb = load_workbook(book)
    for row in wb[SHEET_META].iter_rows():
        if row[0].value == "format_version":
            row[1].value = 0
    old = tmp_path / "old.xlsx"
    wb.save(old)
    with pytest.raises(WorkbookFormatError, match="เก่ากว่า"):
        read_workbook(old)


def test_reader_refuses_a_row_of_another_province(book: Path, tmp_path: Path) -> None:
    wb = load_workbook(book)
    wb[SHEET_PEOPLE]["A3"].value = "30"
    bad = tmp_path / "pasted.xlsx"
    wb.save(bad)
    with pytest.raises(
        WorkbookFormatError, match=f"แผ่นงาน {SHEET_PEOPLE} แถว 3 คอลัมน์ A: แถวนี้เป็นของจังหวัด '30'"
    ):
        read_workbook(bad)


def test_reader_names_a_missing_sheet(book: Path, tmp_path: Path) -> None:
    wb = load_workbook(book)
    del wb[SHEET_EXPENSES]
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    with pytest.raises(WorkbookFormatError, match=f"ไม่พบแผ่นงาน {SHEET_EXPENSES}"):
        read_workbook(broken)


def test_reader_says_where_a_value_is_wrong(book: Path, tmp_path: Path) -> None:
    wb = load_workbook(book)
    wb[SHEET_ROUNDS]["F3"].value = "31/02/2569"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(WorkbookFormatError, match=f"แผ่นงาน {SHEET_ROUNDS} แถว 3 คอลัมน์ F: ต้องเป็นวันที่"):
        read_workbook(bad)


def test_a_text_file_is_not_a_workbook(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_text("hello")
    with pytest.raises(WorkbookFormatError, match="เปิดไฟล์ไม่ได้"):
        read_workbook(junk)


def test_dates_read_back_as_dates(book: Path) -> None:
    data = read_workbook(book)
    assert all(isinstance(r.start_date, date) and r.start_date <= r.end_date for r in data.rounds)


def test_awkward_text_survives_the_round_trip(results_ctx: AppContext, tmp_path: Path) -> None:
    import dataclasses

    data = collect(results_ctx, fiscal_year=FY)
    odd = dataclasses.replace(data.people[0], first_name='ก&ข <ค> "ง"', last_name=" เว้นวรรค ", prefix="")
    data = dataclasses.replace(data, people=(odd, *data.people[1:]))
    out = write_workbook(data, out_path=tmp_path / "odd.xlsx").path
    assert read_workbook(out) == data


def test_control_characters_are_dropped_not_written(results_ctx: AppContext, tmp_path: Path) -> None:
    import dataclasses

    data = collect(results_ctx, fiscal_year=FY)
    odd = dataclasses.replace(data.people[0], first_name="สม\x07ชาย", position="\x01")
    data = dataclasses.replace(data, people=(odd, *data.people[1:]))
    back = read_workbook(write_workbook(data, out_path=tmp_path / "ctl.xlsx").path)
    assert back.people[0].first_name == "สมชาย" and back.people[0].position == ""
    assert back.people[1:] == data.people[1:]
