"""The money of the province figures: per round planned, actual and paid, the budget, expense lines and burn."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import Session

from db.models import (
    BudgetAllocation,
    ExpenseLine,
    PaymentLine,
    TrainingRound,
)
from desktop.core.exports.model import BudgetFigures, ExpenseFigures, RoundFigures


def _grouped(s: Session, stmt) -> dict[uuid.UUID, tuple]:
    return {row[0]: tuple(row[1:]) for row in s.execute(stmt)}


def _round_money(s: Session, code: str, fy: int) -> dict[uuid.UUID, tuple[int, int, int]]:
    in_year = select(TrainingRound.id).where(
        TrainingRound.office_code == code, TrainingRound.fiscal_year == fy, TrainingRound.deleted.is_(False)
    )
    exp = _grouped(
        s,
        select(
            ExpenseLine.round_id,
            func.sum(case((ExpenseLine.kind == "plan", ExpenseLine.amount_satang), else_=0)),
            func.sum(case((ExpenseLine.kind == "actual", ExpenseLine.amount_satang), else_=0)),
        )
        .where(ExpenseLine.deleted.is_(False), ExpenseLine.round_id.in_(in_year))
        .group_by(ExpenseLine.round_id),
    )
    paid = _grouped(
        s,
        select(PaymentLine.round_id, func.sum(PaymentLine.amount_satang))
        .where(PaymentLine.deleted.is_(False), PaymentLine.round_id.in_(in_year))
        .group_by(PaymentLine.round_id),
    )
    keys = set(exp) | set(paid)
    return {
        k: (int(exp.get(k, (0, 0))[0] or 0), int(exp.get(k, (0, 0))[1] or 0), int(paid.get(k, (0,))[0] or 0))
        for k in keys
    }


def round_figures(s: Session, code: str, fy: int, counts: dict[uuid.UUID, tuple]) -> tuple[RoundFigures, ...]:
    money = _round_money(s, code, fy)
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
        planned, actual, paid = money.get(r.id, (0, 0, 0))
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
                planned_satang=planned,
                actual_satang=actual,
                paid_satang=paid,
            )
        )
    return tuple(out)


def budget_figures(s: Session, code: str, fy: int, rounds: tuple[RoundFigures, ...]) -> BudgetFigures:
    allocated = s.scalar(
        select(func.coalesce(func.sum(BudgetAllocation.amount_satang), literal(0))).where(
            BudgetAllocation.office_code == code,
            BudgetAllocation.fiscal_year == fy,
            BudgetAllocation.deleted.is_(False),
        )
    )
    return BudgetFigures(
        allocated_satang=int(allocated or 0),
        planned_satang=sum(r.planned_satang for r in rounds),
        actual_satang=sum(r.actual_satang for r in rounds),
        spent_satang=sum(r.paid_satang for r in rounds),
    )


def expense_figures(s: Session, code: str, fy: int) -> tuple[ExpenseFigures, ...]:
    year = and_(
        TrainingRound.office_code == code, TrainingRound.fiscal_year == fy, TrainingRound.deleted.is_(False)
    )
    cells: dict[tuple[int, str], list] = {}
    for number, rid, category, kind, amount in s.execute(
        select(
            TrainingRound.number,
            TrainingRound.id,
            ExpenseLine.category,
            ExpenseLine.kind,
            func.sum(ExpenseLine.amount_satang),
        )
        .join(TrainingRound, ExpenseLine.round_id == TrainingRound.id)
        .where(year, ExpenseLine.deleted.is_(False))
        .group_by(TrainingRound.number, TrainingRound.id, ExpenseLine.category, ExpenseLine.kind)
    ):
        cell = cells.setdefault((number, category), [rid, 0, 0, 0])
        cell[1 if kind == "plan" else 2] += int(amount or 0)
    for number, rid, category, amount in s.execute(
        select(
            TrainingRound.number, TrainingRound.id, PaymentLine.category, func.sum(PaymentLine.amount_satang)
        )
        .join(TrainingRound, PaymentLine.round_id == TrainingRound.id)
        .where(year, PaymentLine.deleted.is_(False))
        .group_by(TrainingRound.number, TrainingRound.id, PaymentLine.category)
    ):
        cells.setdefault((number, category), [rid, 0, 0, 0])[3] += int(amount or 0)
    return tuple(
        ExpenseFigures(v[0], f"{number}/{fy}", category, v[1], v[2], v[3])
        for (number, category), v in sorted(cells.items())
    )


def burn_figures(s: Session, code: str, fy: int) -> tuple[tuple[date, int], ...]:
    """Cumulative payments by month (the ledger date, or the round's last day when a line has none)."""
    day = func.coalesce(PaymentLine.paid_on, TrainingRound.end_date)
    by_month: dict[date, int] = {}
    for when, amount in s.execute(
        select(day, PaymentLine.amount_satang)
        .join(TrainingRound, PaymentLine.round_id == TrainingRound.id)
        .where(
            TrainingRound.office_code == code,
            TrainingRound.fiscal_year == fy,
            TrainingRound.deleted.is_(False),
            PaymentLine.deleted.is_(False),
        )
    ):
        if isinstance(when, str):
            when = date.fromisoformat(when)
        month = when.replace(day=1)
        by_month[month] = by_month.get(month, 0) + int(amount)
    total, out = 0, []
    for month in sorted(by_month):
        total += by_month[month]
        out.append((month, total))
    return tuple(out)
