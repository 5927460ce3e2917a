"""One truth for money: every place that shows it shows the same disbursed and remaining (docs/money.md).

The seeded year (tests/exports/conftest.py) has plans, vendor costs (actual expense lines), payments to people
and a reversal; the expected figures come from an independent SQL query over the tables.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.exchange.workbook_reader import read_workbook
from db.models import BudgetAllocation, ExpenseLine, PaymentLine, TrainingRound
from db.rules.money import format_baht
from db.sync.codec import encode_row
from db.sync.registry import get
from desktop.cli import main
from desktop.core.budget import report
from desktop.core.context import AppContext
from desktop.core.exports.figures import province_figures
from desktop.reports.budget_report import write_budget_report
from desktop.reports.summary_pdf import write_province_summary
from desktop.reports.workbook import export_workbook
from server import aggregates
from server.database import make_server_engine, make_sessions, migrate
from server.models import SyncRow
from tests.reports.conftest import pdf_text

FY = 2569
ROOT = Path(__file__).resolve().parents[2]


def _expected(ctx: AppContext) -> tuple[int, int, int, int]:
    """(allocated, vendor, people, reversals) of FY by plain SQL."""
    with ctx.reading() as s:
        in_year = select(TrainingRound.id).where(
            TrainingRound.fiscal_year == FY, TrainingRound.deleted.is_(False)
        )
        allocated = s.scalar(
            select(func.coalesce(func.sum(BudgetAllocation.amount_satang), 0)).where(
                BudgetAllocation.fiscal_year == FY, BudgetAllocation.deleted.is_(False)
            )
        )
        vendor = s.scalar(
            select(func.coalesce(func.sum(ExpenseLine.amount_satang), 0)).where(
                ExpenseLine.kind == "actual",
                ExpenseLine.round_id.in_(in_year),
                ExpenseLine.deleted.is_(False),
            )
        )
        people = s.scalar(
            select(func.coalesce(func.sum(PaymentLine.amount_satang), 0)).where(
                PaymentLine.round_id.in_(in_year), PaymentLine.deleted.is_(False)
            )
        )
        reversals = s.scalar(
            select(func.count()).where(PaymentLine.amount_satang < 0, PaymentLine.round_id.in_(in_year))
        )
    return int(allocated), int(vendor), int(people), int(reversals)


def _server_figures(ctx: AppContext, tmp_path: Path):
    """The office's rows as the server keeps them (JSON in sync_row), and the figures its database computes."""
    engine = make_server_engine(f"sqlite:///{tmp_path / 'server.sqlite'}")
    migrate(engine)
    try:
        with ctx.reading() as s, make_sessions(engine).begin() as ss:
            seq = 0
            for name in (
                "district",
                "village",
                "training_round",
                "enrolment",
                "person",
                "registration",
                "budget_allocation",
                "expense_line",
                "payment_line",
            ):
                table = get(name).table
                for r in s.execute(select(table)):
                    seq += 1
                    data = encode_row(table, dict(r._mapping))
                    ss.add(
                        SyncRow(
                            table_name=name,
                            row_id=r.id,
                            office_code="40",
                            version=1,
                            seq=seq,
                            deleted=bool(r.deleted),
                            data=data,
                        )
                    )
            ss.flush()
            aggregates.rebuild(ss)
            return aggregates.figures(ss, fiscal_year=FY)["40"]
    finally:
        engine.dispose()


def test_every_place_shows_the_same_disbursed_and_remaining(
    results_ctx: AppContext, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    allocated, vendor, people, reversals = _expected(results_ctx)
    assert vendor > 0 and people > 0 and reversals >= 1 and allocated > 0  # both halves and a reversal
    disbursed = vendor + people
    remaining = allocated - disbursed

    rep = report.budget_report(results_ctx, fiscal_year=FY)  # budget page, budget report PDF
    assert (rep.allocated, rep.totals.spent, rep.remaining) == (allocated, disbursed, remaining)
    assert sum(c.totals.spent for c in rep.categories) == disbursed
    assert sum(r.totals.spent for r in rep.rounds) == disbursed

    fig = province_figures(results_ctx, fiscal_year=FY)  # dashboard cards, summary PDFs, workbook
    assert (fig.budget.spent_satang, fig.budget.remaining_satang) == (disbursed, remaining)
    assert fig.budget.actual_satang == vendor
    assert sum(r.paid_satang for r in fig.rounds) == disbursed
    assert sum(e.paid_satang for e in fig.expenses) == disbursed
    assert fig.burn[-1][1] == disbursed  # the burn chart ends at what was disbursed

    book = read_workbook(export_workbook(results_ctx, fiscal_year=FY, out_path=tmp_path / "p.xlsx").path)
    assert (book.budget.spent_satang, book.budget.remaining_satang) == (disbursed, remaining)
    assert sum(r.paid_satang for r in book.rounds) == disbursed

    summary = tmp_path / "summary.pdf"
    write_province_summary(results_ctx, fiscal_year=FY, out_path=summary)
    budget_pdf = write_budget_report(results_ctx, out_path=tmp_path / "budget.pdf", fiscal_year=FY).path
    for path in (summary, Path(budget_pdf)):
        text = "\n".join(pdf_text(path))
        assert format_baht(disbursed) in text, path.name
        assert format_baht(remaining) in text, path.name

    capsys.readouterr()
    assert main(["--db", str(results_ctx.db_path), "budget", "--fiscal-year", str(FY)]) == 0
    total = next(r for r in csv.DictReader(io.StringIO(capsys.readouterr().out)) if r["category"] == "รวม")
    assert (total["spent"], total["remaining"]) == (f"{disbursed / 100:.2f}", f"{remaining / 100:.2f}")

    server = _server_figures(results_ctx, tmp_path)
    assert (server.spent_satang, server.allocated_satang - server.spent_satang) == (disbursed, remaining)


MONEY_SUM = re.compile(r"func\.sum\(\s*(ExpenseLine|PaymentLine)\.amount_satang")
# The one place the year's money is summed, and the ledger's per-payee net (one document's lines, not a figure).
ALLOWED = {"desktop/core/budget/figures.py", "desktop/core/budget/ledger.py"}


def test_no_other_module_sums_the_money_tables() -> None:
    found = sorted(
        str(p.relative_to(ROOT))
        for folder in ("desktop", "server", "db")
        for p in (ROOT / folder).rglob("*.py")
        if MONEY_SUM.search(p.read_text(encoding="utf-8"))
    )
    assert "desktop/core/budget/figures.py" in found  # the scan sees the code
    assert set(found) <= ALLOWED, f"money summed outside budget/figures.py: {sorted(set(found) - ALLOWED)}"


def test_categories_are_read_in_thai_and_come_back_as_their_codes(
    results_ctx: AppContext, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    from db.exchange.workbook_format import SHEET_EXPENSES
    from db.rules.budget_categories import CATEGORY_LABELS

    out = export_workbook(results_ctx, fiscal_year=FY, out_path=tmp_path / "p.xlsx").path
    shown = {
        r[4]  # หมวดค่าใช้จ่าย, after the province code, name and fiscal year
        for r in load_workbook(out)[SHEET_EXPENSES].iter_rows(min_row=2, values_only=True)
        if r[0] != "รวม"
    }
    assert CATEGORY_LABELS["lunch"] in shown and "lunch" not in shown
    assert {e.category for e in read_workbook(out).expenses} >= {"lunch", "snack"}

    summary = tmp_path / "round.pdf"
    from desktop.reports.summary_pdf import write_round_summary

    rid = next(r.id for r in province_figures(results_ctx, fiscal_year=FY).rounds if r.paid_satang)
    write_round_summary(results_ctx, round_id=rid, out_path=summary)
    text = "\n".join(pdf_text(summary))
    assert CATEGORY_LABELS["lunch"] in text and not re.search(r"\b(lunch|snack|lecturer|signage)\b", text)
