"""The budget report: exact integer totals that equal the sums of their lines at every level, and warnings."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from db.models import ExpenseLine, PaymentLine
from desktop.core.budget import allocations, report, spending
from desktop.core.budget.report import Totals
from desktop.core.budget.rules import CATEGORY_LABELS
from desktop.core.budget.spending import LineInput
from desktop.core.context import AppContext
from desktop.core.rounds.rounds import DayInput
from tests.fixtures.budget import START, HeldRound, make_round

_numbers = count(100)
amounts = st.integers(min_value=-(10**11), max_value=10**11)
line = st.tuples(st.sampled_from(["plan", "actual", "pay"]), st.sampled_from(list(CATEGORY_LABELS)), amounts)


def _all_ints(t: Totals) -> bool:
    return all(type(v) is int for v in (t.planned, t.approved, t.spent))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(line, max_size=25), approve=st.booleans())
def test_totals_always_equal_the_sums_of_their_lines(ctx: AppContext, lines, approve: bool) -> None:
    from desktop.core.rounds.rounds import RoundInput, create_round

    rnd = create_round(
        ctx,
        RoundInput(start_date=START, end_date=START, title="สุ่ม", capacity=10, number=next(_numbers)),
    )
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with ctx.transaction() as session:
        for kind, category, amount in lines:
            if kind == "pay":
                session.add(
                    PaymentLine(
                        office_code="40",
                        round_id=rnd.id,
                        category=category,
                        payee_kind="other",
                        payee_name="ผู้รับ",
                        amount_satang=amount,
                        units=Decimal(1),
                    )
                )
            else:
                session.add(
                    ExpenseLine(
                        office_code="40", round_id=rnd.id, kind=kind, category=category, amount_satang=amount
                    )
                )
            expected[category][0 if kind == "plan" else 1] += amount
    if approve:
        spending.approve(ctx, rnd.id, approver="ผู้อนุมัติ")
    rep = report.budget_report(ctx, fiscal_year=2570)
    mine = next(r for r in rep.rounds if r.round_id == rnd.id)
    for category, (planned, spent) in expected.items():
        got = mine.by_category[category]
        assert (got.planned, got.spent, got.approved) == (planned, spent, spent if approve else 0)
    assert mine.totals.planned == sum(p for p, _ in expected.values())
    assert mine.totals.spent == sum(s for _, s in expected.values())
    # Every level adds up: rounds → province, categories → province, categories within a round.
    for r in rep.rounds:
        assert r.totals == sum(r.by_category.values(), report.ZERO)
        assert _all_ints(r.totals)
    assert rep.totals == sum((r.totals for r in rep.rounds), report.ZERO)
    assert rep.totals == sum((c.totals for c in rep.categories), report.ZERO)
    assert rep.remaining == rep.allocated - rep.totals.spent
    assert _all_ints(rep.totals) and type(rep.remaining) is int


def test_report_of_a_round_and_the_plans_beyond_what_is_left(held: HeldRound) -> None:
    ctx = held.ctx
    spending.add_line(
        ctx, held.round_id, LineInput(kind="plan", category="venue", unit_price_satang=2_000_000)
    )
    spending.approve(ctx, held.round_id, approver="ผู้อนุมัติ")  # the venue is paid once approved
    spending.add_line(
        ctx, held.round_id, LineInput(kind="actual", category="venue", unit_price_satang=1_500_000)
    )
    other = make_round(ctx, days=[DayInput(START)])
    spending.add_line(
        ctx, other.id, LineInput(kind="plan", category="materials", unit_price_satang=9_000_000)
    )
    allocations.create_allocation(
        ctx, allocations.AllocationInput(fiscal_year=2570, amount_satang=500_000, ref_no="รง 0216/ว 2")
    )
    rep = report.budget_report(ctx, fiscal_year=2570)
    assert rep.allocated == 10_500_000
    assert rep.totals.planned == 11_000_000 and rep.totals.spent == 1_500_000
    assert rep.remaining == 9_000_000
    # Still to spend: 5,000 of round 1's plan + 90,000 of round 2's = 95,000 > 90,000 left.
    assert rep.outstanding_plans == 9_500_000
    assert any("เกินงบประมาณคงเหลือ 90,000.00 บาท" in w for w in rep.warnings)
    venue = next(c for c in rep.categories if c.category == "venue")
    assert venue.remaining == 500_000
    assert [c.category for c in rep.categories] == ["venue", "materials"]  # in the budget-line order
