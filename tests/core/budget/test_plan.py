"""The computed round plan: meals only where the schedule spans lunch, snacks per break, lecturer hours."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from db.models import RoundDay
from desktop.core.budget import plan, spending
from desktop.core.context import AppContext
from desktop.core.rounds.rounds import DayInput
from tests.fixtures.budget import START, add_slot, make_lecturer, make_round


def test_lunch_only_on_full_days_and_snacks_per_half_day(ctx: AppContext) -> None:
    rnd = make_round(
        ctx,
        days=[DayInput(START), DayInput(START + timedelta(days=1), has_am=True, has_pm=False)],
        capacity=40,
    )
    lines = {d.category: d for d in plan.compute_plan(ctx, rnd.id)}
    # Day 1 spans lunch, day 2 is a morning only: one lunch each; three breaks.
    assert lines["lunch"].quantity == 40
    assert lines["lunch"].unit_price_satang == 30_000  # outsiders, government venue, partial day
    assert lines["lunch"].amount_satang == 40 * 30_000
    assert lines["snack"].quantity == 40 * 3
    assert lines["snack"].amount_satang == 120 * 3_500
    assert "lecturer" not in lines


def test_session_times_decide_the_meal(ctx: AppContext) -> None:
    rnd = make_round(ctx, days=[DayInput(START)], capacity=10)
    with ctx.transaction() as session:
        session.execute(
            update(RoundDay)
            .where(RoundDay.round_id == rnd.id)
            .values(starts_at=time(9, 0), ends_at=time(12, 30))
        )
    lines = {d.category for d in plan.compute_plan(ctx, rnd.id)}
    assert "lunch" not in lines and "snack" in lines


def test_private_venue_snack_ceiling(ctx: AppContext) -> None:
    rnd = make_round(ctx, days=[DayInput(START)], venue_type="private", capacity=10)
    lines = {d.category: d for d in plan.compute_plan(ctx, rnd.id)}
    assert lines["snack"].unit_price_satang == 5_000


def test_lecturer_hours_by_format_and_kind(ctx: AppContext) -> None:
    rnd = make_round(ctx, days=[DayInput(START)], capacity=10)
    state = [make_lecturer(ctx, f"รัฐ{i}", is_state=True) for i in range(6)]
    other = make_lecturer(ctx, "เอกชน", is_state=False)
    add_slot(ctx, rnd.id, state[0], topic="กฎหมาย", fmt="lecture", minutes=110)  # 2 h
    add_slot(ctx, rnd.id, state[1], topic="กฎหมาย", fmt="lecture", minutes=110)  # a 2nd lecturer: unpaid
    for lid in [*state[:5], other]:  # a panel of 6: only the first 5 are paid
        add_slot(ctx, rnd.id, lid, topic="อภิปราย", fmt="panel", minutes=85)  # 1.5 h each
    add_slot(ctx, rnd.id, other, topic="กลุ่ม", fmt="breakout", minutes=30)  # 0.5 h
    with ctx.reading() as session:
        from desktop.core.budget.checks import load_round

        fees = {f.name: f for f in plan.lecturer_fees(session, load_round(session, rnd.id))}
    assert fees["นายรัฐ0 วิทยากร"].hours == Decimal("3.5")
    assert fees["นายรัฐ1 วิทยากร"].hours == Decimal("1.5")
    assert fees["นายรัฐ1 วิทยากร"].unpaid_sessions == ("วันที่ 1 กฎหมาย (บรรยาย)",)
    assert fees["นายเอกชน วิทยากร"].hours == Decimal("0.5")  # 6th on the panel: only the breakout
    assert fees["นายเอกชน วิทยากร"].amount_satang == 60_000  # 0.5 h × 1,200
    lines = [d for d in plan.compute_plan(ctx, rnd.id) if d.category == "lecturer"]
    state_line = next(d for d in lines if d.unit_price_satang == 60_000)
    assert state_line.quantity == Decimal("3.5") + 4 * Decimal("1.5")
    assert state_line.amount_satang == 570_000


def test_apply_plan_replaces_computed_lines_and_keeps_typed_ones(ctx: AppContext) -> None:
    rnd = make_round(ctx, days=[DayInput(START)], capacity=10)
    spending.add_line(
        ctx, rnd.id, spending.LineInput(kind="plan", category="venue", unit_price_satang=200_000)
    )
    assert plan.apply_computed_plan(ctx, rnd.id) == 2
    assert plan.apply_computed_plan(ctx, rnd.id, headcount=20) == 2
    lines = spending.list_lines(ctx, rnd.id, kind="plan")
    assert sorted(x.category for x in lines) == ["lunch", "snack", "venue"]
    assert next(x for x in lines if x.category == "lunch").quantity == 20


def test_headcount_must_be_positive(ctx: AppContext) -> None:
    from desktop.core.errors import ValidationError

    rnd = make_round(ctx, days=[DayInput(START)], capacity=10)
    with pytest.raises(ValidationError):
        plan.compute_plan(ctx, rnd.id, headcount=0)
