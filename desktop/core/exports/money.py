"""The money of the province figures, from budget/figures.py: per round and category, the budget and the burn."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    ExpenseLine,
    PaymentLine,
    TrainingRound,
)
from desktop.core.budget.allocations import allocated_total
from desktop.core.budget.figures import NOTHING, money_by_round, money_by_round_category
from desktop.core.exports.model import BudgetFigures, ExpenseFigures, RoundFigures


def round_figures(s: Session, code: str, fy: int, counts: dict[uuid.UUID, tuple]) -> tuple[RoundFigures, ...]:
    money = money_by_round(money_by_round_category(s, office_code=code, fiscal_year=fy))
    out = []
    for r in s.scalars(
        select(TrainingRound)
        .where(
            TrainingRound.office_code == code,
            TrainingRound.fiscal_year == fy,
            TrainingRound.deleted.is_(False),
        )
        .order_by(TrainingRound.number)
    ):
        enrolled, completed = counts.get(r.id, (0, 0))
        m = money.get(r.id, NOTHING)
        out.append(
            RoundFigures(
                id=r.id,
                fiscal_year=r.fiscal_year,
                number=r.number,
                title=r.title,
                start_date=r.start_date,
                end_date=r.end_date,
                venue=r.venue,
                status=r.status,
                capacity=r.capacity,
                enrolled=enrolled,
                completed=int(completed or 0),
                planned_satang=m.planned,
                actual_satang=m.vendor,
                paid_satang=m.disbursed,
            )
        )
    return tuple(out)


def budget_figures(s: Session, code: str, fy: int, rounds: tuple[RoundFigures, ...]) -> BudgetFigures:
    allocated = allocated_total(s, office_code=code, fiscal_year=fy)
    return BudgetFigures(
        allocated_satang=int(allocated or 0),
        planned_satang=sum(r.planned_satang for r in rounds),
        actual_satang=sum(r.actual_satang for r in rounds),
        spent_satang=sum(r.paid_satang for r in rounds),
    )


def expense_figures(s: Session, code: str, fy: int) -> tuple[ExpenseFigures, ...]:
    numbers = dict(
        s.execute(
            select(TrainingRound.id, TrainingRound.number).where(
                TrainingRound.office_code == code,
                TrainingRound.fiscal_year == fy,
                TrainingRound.deleted.is_(False),
            )
        ).all()
    )
    cells = sorted(
        (numbers[rid], category, rid, m)
        for (rid, category), m in money_by_round_category(s, office_code=code, fiscal_year=fy).items()
    )
    return tuple(
        ExpenseFigures(rid, f"{number}/{fy}", category, m.planned, m.vendor, m.disbursed)
        for number, category, rid, m in cells
    )


def burn_figures(s: Session, code: str, fy: int) -> tuple[tuple[date, int], ...]:
    """Cumulative disbursement by month: the ledger by its payment date (or the round's last day when a line has
    none), the actual expense lines by the round's last day (an expense line has no payment date of its own)."""
    year = (
        TrainingRound.office_code == code,
        TrainingRound.fiscal_year == fy,
        TrainingRound.deleted.is_(False),
    )
    people = select(
        func.coalesce(PaymentLine.paid_on, TrainingRound.end_date), PaymentLine.amount_satang
    ).join(TrainingRound, PaymentLine.round_id == TrainingRound.id)
    vendor = select(TrainingRound.end_date, ExpenseLine.amount_satang).join(
        TrainingRound, ExpenseLine.round_id == TrainingRound.id
    )
    by_month: dict[date, int] = {}
    for stmt in (
        people.where(*year, PaymentLine.deleted.is_(False)),
        vendor.where(*year, ExpenseLine.deleted.is_(False), ExpenseLine.kind == "actual"),
    ):
        for when, amount in s.execute(stmt):
            if isinstance(when, str):
                when = date.fromisoformat(when)
            month = when.replace(day=1)
            by_month[month] = by_month.get(month, 0) + int(amount)
    total, out = 0, []
    for month in sorted(by_month):
        total += by_month[month]
        out.append((month, total))
    return tuple(out)
