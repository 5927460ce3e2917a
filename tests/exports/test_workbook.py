"""The province workbook: round trip, totals equal the database, formulas evaluate, layout, reader errors."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from db.exchange.workbook_format import (
    FORMAT_VERSION,
    SHEET_EXPENSES,
    SHEET_META,
    SHEET_PEOPLE,
    SHEET_ROUNDS,
    SHEET_SUMMARY,
    TOTAL_LABEL,
)
from db.exchange.workbook_reader import WorkbookFormatError, read_workbook
from db.models import BudgetAllocation, Enrolment, ExpenseLine, PaymentLine, TrainingRound
from desktop.core.context import AppContext
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
    assert people["A2"].data_type == "s" and len(people["A2"].value) == 13
    assert people["A2"].number_format == "@"
    assert people.freeze_panes == "A2" and people.auto_filter.ref.startswith("A1:L")
    assert people.page_setup.orientation == "landscape" and people.page_setup.paperSize == 9
    assert people.sheet_properties.pageSetUpPr.fitToPage and people.page_setup.fitToWidth == 1
    assert people.print_title_rows == "$1:$1"
    rounds = wb[SHEET_ROUNDS]
    assert rounds["K2"].number_format == "#,##0.00"
    assert rounds["D2"].value.count("/") == 2 and int(rounds["D2"].value[-4:]) > 2500  # BE
    assert rounds.column_dimensions["C"].width > rounds.column_dimensions["B"].width
    last = rounds.max_row
    assert rounds[f"A{last}"].value == TOTAL_LABEL and rounds[f"K{last}"].value == f"=SUM(K2:K{last - 1})"


def _recalculated(book: Path, out_dir: Path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{out_dir}/lo",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out_dir / "calc"),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return load_workbook(out_dir / "calc" / book.name, data_only=True)


def test_formulas_evaluate_to_the_database_totals(
    results_ctx: AppContext, book: Path, tmp_path: Path
) -> None:
    data = read_workbook(book)
    wb = _recalculated(book, tmp_path)
    summary = wb[SHEET_SUMMARY]
    rows = {r[0].value: r for r in summary.iter_rows()}
    total = rows[TOTAL_LABEL]
    assert total[2].value == sum(d.target for d in data.districts)
    assert total[4].value == sum(d.trained_to_date for d in data.districts)
    assert total[7].value == sum(d.registrations for d in data.districts)
    assert total[5].value == pytest.approx(total[4].value / total[2].value)
    remaining = rows["คงเหลือ"][1].value
    assert round(remaining * 100) == data.budget.remaining_satang
    assert rows["ปิดรุ่น"][1].value == sum(1 for r in data.rounds if r.status == "closed")
    rounds = wb[SHEET_ROUNDS]
    assert round(rounds[f"M{rounds.max_row}"].value * 100) == sum(r.paid_satang for r in data.rounds)
    people = wb[SHEET_PEOPLE]
    last = [c.value for c in people[people.max_row]]
    assert last[1] == len(data.people) and last[10] == sum(1 for p in data.people if p.completed)
    assert last[11] == sum(p.registrations for p in data.people)
    expenses = wb[SHEET_EXPENSES]
    assert round(expenses[f"C{expenses.max_row}"].value * 100) == data.budget.planned_satang


def test_reader_refuses_an_older_format_in_thai(book: Path, tmp_path: Path) -> None:
    wb = load_workbook(book)
    for row in wb[SHEET_META].iter_rows():
        if row[0].value == "format_version":
            row[1].value = FORMAT_VERSION - 1 if FORMAT_VERSION > 1 else 0
    old = tmp_path / "old.xlsx"
    wb.save(old)
    with pytest.raises(WorkbookFormatError, match="เก่ากว่า"):
        read_workbook(old)


def test_reader_names_a_missing_sheet(book: Path, tmp_path: Path) -> None:
    wb = load_workbook(book)
    del wb[SHEET_EXPENSES]
    broken = tmp_path / "broken.xlsx"
    wb.save(broken)
    with pytest.raises(WorkbookFormatError, match=f"ไม่พบแผ่นงาน {SHEET_EXPENSES}"):
        read_workbook(broken)


def test_reader_says_where_a_value_is_wrong(book: Path, tmp_path: Path) -> None:
    wb = load_workbook(book)
    wb[SHEET_ROUNDS]["D3"].value = "31/02/2569"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(WorkbookFormatError, match=f"แผ่นงาน {SHEET_ROUNDS} แถว 3 คอลัมน์ D"):
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
