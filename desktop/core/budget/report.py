"""The budget report: allocated, planned, approved, spent and remaining, per round, per category and province.

All sums are done by the database (GROUP BY over the lines), so 100,000 payment lines cost one scan;
Python only arranges the few hundred (round, category) totals that come back.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from db.models import RoundSpending, TrainingRound
from db.rules.thai_dates import fiscal_year as fiscal_year_of
from db.rules.thai_time import bangkok_today
from desktop.core.budget.allocations import allocated_total
from desktop.core.budget.checks import SPENDING_LABELS
from desktop.core.budget.figures import money_by_round_category
from desktop.core.budget.rules import CATEGORY_LABELS, baht, category_label
from desktop.core.context import AppContext

LOCKED = ("approved", "exported")


@dataclass(frozen=True, slots=True)
class Totals:
    planned: int
    approved: int  # spent in rounds whose spending is approved or exported
    spent: int  # disbursed (เบิกจ่ายแล้ว): actual expense lines + net payments (budget/figures.py)

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.planned + other.planned, self.approved + other.approved, self.spent + other.spent)


ZERO = Totals(0, 0, 0)


@dataclass(frozen=True, slots=True)
class RoundBudget:
    round_id: uuid.UUID
    number: int
    title: str
    start_date: date
    status: str  # spending status
    totals: Totals
    by_category: dict[str, Totals]

    @property
    def label(self) -> str:
        return f"รุ่นที่ {self.number}"

    @property
    def status_label(self) -> str:
        return SPENDING_LABELS[self.status]

    @property
    def remaining_plan(self) -> int:
        """What the plan still expects to spend (never negative)."""
        return max(self.totals.planned - self.totals.spent, 0)


@dataclass(frozen=True, slots=True)
class CategoryBudget:
    category: str
    totals: Totals

    @property
    def label(self) -> str:
        return category_label(self.category)

    @property
    def remaining(self) -> int:
        """What is left of the plan in this category."""
        return self.totals.planned - self.totals.spent


@dataclass(frozen=True)
class BudgetReport:
    office_code: str
    fiscal_year: int
    allocated: int
    totals: Totals
    rounds: tuple[RoundBudget, ...]
    categories: tuple[CategoryBudget, ...]
    warnings: tuple[str, ...]

    @property
    def remaining(self) -> int:
        return self.allocated - self.totals.spent

    @property
    def outstanding_plans(self) -> int:
        """What the plans still expect to spend: drafts, and approved rounds not yet fully paid (not exported)."""
        return sum(r.remaining_plan for r in self.rounds if r.status != "exported")


def budget_report(ctx: AppContext, *, fiscal_year: int | None = None) -> BudgetReport:
    code = ctx.require_office_code()
    fy = fiscal_year or fiscal_year_of(bangkok_today())
    with ctx.reading() as session:
        rounds = session.execute(
            select(
                TrainingRound.id,
                TrainingRound.number,
                TrainingRound.title,
                TrainingRound.start_date,
                func.coalesce(RoundSpending.status, "draft"),
            )
            .outerjoin(RoundSpending, RoundSpending.round_id == TrainingRound.id)
            .where(
                TrainingRound.office_code == code,
                TrainingRound.fiscal_year == fy,
                TrainingRound.deleted.is_(False),
            )
            .order_by(TrainingRound.number)
        ).all()
        sums = money_by_round_category(session, office_code=code, fiscal_year=fy)
        allocated = allocated_total(session, office_code=code, fiscal_year=fy)
    status = {r[0]: r[4] for r in rounds}
    planned = {key: m.planned for key, m in sums.items()}
    spent = {key: m.disbursed for key, m in sums.items()}
    per_round: list[RoundBudget] = []
    cat_totals: dict[str, Totals] = defaultdict(lambda: ZERO)
    for rid, number, title, start, st in rounds:
        by_cat: dict[str, Totals] = {}
        for cat in _categories({c for (r, c) in planned if r == rid} | {c for (r, c) in spent if r == rid}):
            s = spent.get((rid, cat), 0)
            t = Totals(planned.get((rid, cat), 0), s if st in LOCKED else 0, s)
            by_cat[cat] = t
            cat_totals[cat] = cat_totals[cat] + t
        total = sum(by_cat.values(), ZERO)
        per_round.append(RoundBudget(rid, number, title, start, status[rid], total, by_cat))
    categories = tuple(CategoryBudget(c, cat_totals[c]) for c in _categories(set(cat_totals)))
    totals = sum((r.totals for r in per_round), ZERO)
    report = BudgetReport(code, fy, allocated, totals, tuple(per_round), categories, ())
    return BudgetReport(code, fy, allocated, totals, tuple(per_round), categories, tuple(_warnings(report)))


def _categories(found: set[str]) -> list[str]:
    known = [c for c in CATEGORY_LABELS if c in found]
    return known + sorted(found - set(CATEGORY_LABELS))


def _warnings(r: BudgetReport) -> list[str]:
    out = []
    if r.allocated == 0 and (r.totals.planned or r.totals.spent):
        out.append(f"ปีงบประมาณ {r.fiscal_year} ยังไม่มีการบันทึกการจัดสรรงบประมาณ")
    if r.outstanding_plans > r.remaining:
        out.append(
            f"แผนที่ยังไม่ได้ใช้จ่าย {baht(r.outstanding_plans)} เกินงบประมาณคงเหลือ {baht(r.remaining)} "
            f"(เกิน {baht(r.outstanding_plans - r.remaining)})"
        )
    if r.remaining < 0:
        out.append(f"ใช้จ่ายเกินงบประมาณที่ได้รับจัดสรรแล้ว {baht(-r.remaining)}")
    return out


def fiscal_years(ctx: AppContext) -> list[int]:
    """Fiscal years that have rounds or allocations, newest first (for pickers)."""
    from db.models import BudgetAllocation

    code = ctx.require_office_code()
    with ctx.reading() as session:
        years = set(
            session.scalars(
                select(TrainingRound.fiscal_year).where(
                    TrainingRound.office_code == code, TrainingRound.deleted.is_(False)
                )
            )
        ) | set(
            session.scalars(
                select(BudgetAllocation.fiscal_year).where(
                    BudgetAllocation.office_code == code, BudgetAllocation.deleted.is_(False)
                )
            )
        )
    years.add(fiscal_year_of(bangkok_today()))
    return sorted(years, reverse=True)
