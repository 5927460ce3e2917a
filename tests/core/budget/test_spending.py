"""Spending lines within ceilings and the allocation, overrides recorded, and the audited lock."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from db.models import AuditEntry, ExpenseLine
from desktop.core.budget import spending
from desktop.core.budget.checks import OverLimit
from desktop.core.budget.rules import Override
from desktop.core.budget.spending import LineInput
from desktop.core.errors import RuleViolation, ValidationError
from tests.fixtures.budget import HeldRound


def test_over_the_snack_ceiling_is_refused_with_the_rule_and_numbers(held: HeldRound) -> None:
    with pytest.raises(OverLimit) as err:
        spending.add_line(
            held.ctx,
            held.round_id,
            LineInput(kind="plan", category="snack", quantity=Decimal(60), unit_price_satang=4_000),
        )
    msg = err.value.message
    assert "ค่าอาหารว่างและเครื่องดื่ม 40.00 บาท" in msg
    assert "เกินเพดาน 35.00 บาท" in msg
    assert "ระเบียบกระทรวงการคลัง" in msg
    assert "ผู้อนุมัติ" in msg


def test_override_needs_reason_and_approver_and_is_recorded(held: HeldRound) -> None:
    data = LineInput(kind="plan", category="snack", quantity=Decimal(60), unit_price_satang=4_000)
    with pytest.raises(ValidationError) as err:
        spending.add_line(held.ctx, held.round_id, data, override=Override("ราคาตลาดสูงขึ้น", ""))
    assert "override_approver" in err.value.errors
    line = spending.add_line(held.ctx, held.round_id, data, override=Override("ราคาตลาดสูงขึ้น", "นายอนุมัติ ผู้ใหญ่"))
    assert line.amount_satang == 240_000
    assert line.override_reason == "ราคาตลาดสูงขึ้น" and line.approved_by == "นายอนุมัติ ผู้ใหญ่"


def test_actual_spending_beyond_the_allocation_is_refused(held: HeldRound) -> None:
    # Allocation 100,000.00; a 60,000 venue then a 50,000 one (paid once the spending is approved).
    spending.approve(held.ctx, held.round_id, approver="ผู้อนุมัติ")
    spending.add_line(
        held.ctx, held.round_id, LineInput(kind="actual", category="venue", unit_price_satang=6_000_000)
    )
    with pytest.raises(OverLimit) as err:
        spending.add_line(
            held.ctx,
            held.round_id,
            LineInput(kind="actual", category="materials", unit_price_satang=5_000_000),
        )
    msg = err.value.message
    assert "50,000.00 บาท" in msg and "คงเหลือ 40,000.00 บาท" in msg and "ปีงบประมาณ 2570" in msg
    # Plans are not held to the allocation (the report warns instead).
    spending.unlock(held.ctx, held.round_id, reason="เพิ่มแผน")
    spending.add_line(
        held.ctx, held.round_id, LineInput(kind="plan", category="materials", unit_price_satang=50_000_000)
    )


def test_ledger_categories_are_not_lump_expenses(held: HeldRound) -> None:
    with pytest.raises(ValidationError) as err:
        spending.add_line(
            held.ctx, held.round_id, LineInput(kind="actual", category="transport", unit_price_satang=100)
        )
    assert "รายการจ่ายเงิน" in err.value.errors["category"]


def test_quantities_with_three_decimals_are_refused(held: HeldRound) -> None:
    with pytest.raises(ValidationError) as err:
        spending.add_line(
            held.ctx,
            held.round_id,
            LineInput(kind="plan", category="materials", quantity=Decimal("1.005"), unit_price_satang=100),
        )
    assert "quantity" in err.value.errors


def test_approval_locks_the_plan_opens_payment_and_unlock_needs_a_reason_and_is_audited(
    held: HeldRound,
) -> None:
    ctx = held.ctx
    with pytest.raises(RuleViolation, match="ยังไม่ได้รับอนุมัติ"):  # nothing is paid before the approval
        spending.add_line(
            ctx, held.round_id, LineInput(kind="actual", category="venue", unit_price_satang=150_000)
        )
    plan_line = spending.add_line(
        ctx, held.round_id, LineInput(kind="plan", category="venue", unit_price_satang=150_000)
    )
    state = spending.approve(ctx, held.round_id, approver="นางสาวพรทิพย์ ศรีสุข")
    assert state.status == "approved" and state.locked
    with ctx.reading() as session:
        assert session.get(ExpenseLine, plan_line.id).status == "approved"
    with pytest.raises(RuleViolation, match="ปลดล็อก"):  # the approved plan no longer changes
        spending.add_line(
            ctx, held.round_id, LineInput(kind="plan", category="materials", unit_price_satang=100)
        )
    with pytest.raises(RuleViolation):
        spending.delete_line(ctx, plan_line.id)
    line = spending.add_line(
        ctx, held.round_id, LineInput(kind="actual", category="venue", unit_price_satang=150_000)
    )
    with pytest.raises(ValidationError):
        spending.unlock(ctx, held.round_id, reason="  ")
    assert spending.mark_exported(ctx, held.round_id).status == "exported"
    with pytest.raises(RuleViolation, match="ปลดล็อก"):
        spending.update_line(
            ctx, line.id, LineInput(kind="actual", category="venue", unit_price_satang=140_000)
        )
    state = spending.unlock(ctx, held.round_id, reason="ใบเสร็จค่าสถานที่ผิด")
    assert state.status == "draft" and not state.approved_by
    spending.update_line(
        ctx, plan_line.id, LineInput(kind="plan", category="venue", unit_price_satang=140_000)
    )
    with ctx.reading() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "round_spending").order_by(AuditEntry.at)
        ).all()
    assert [e.action for e in entries] == ["approved", "exported", "unlock"]
    assert entries[-1].changes["reason"] == [None, "ใบเสร็จค่าสถานที่ผิด"]
    assert entries[-1].user_name == "tester"
    assert entries[0].changes["approved_by"] == [None, "นางสาวพรทิพย์ ศรีสุข"]


def test_cannot_approve_twice(held: HeldRound) -> None:
    spending.approve(held.ctx, held.round_id, approver="ก")
    with pytest.raises(RuleViolation):
        spending.approve(held.ctx, held.round_id, approver="ก")


def test_a_transport_plan_never_exceeds_every_seat_every_day(held: HeldRound) -> None:
    """Round 1/2570: 30 seats × 2 days = 60 person-days at most; transport is paid at actual cost to those present."""
    fine = spending.add_line(
        held.ctx,
        held.round_id,
        LineInput(kind="plan", category="transport", quantity=Decimal(60), unit_price_satang=20_000),
    )
    assert fine.amount_satang == 60 * 20_000
    with pytest.raises(ValidationError) as err:
        spending.add_line(
            held.ctx,
            held.round_id,
            LineInput(kind="plan", category="transport", quantity=Decimal(61), unit_price_satang=20_000),
        )
    assert "30 คน × 2 วัน = 60 คน-วัน" in err.value.errors["quantity"]
    assert len(spending.list_lines(held.ctx, held.round_id, kind="plan")) == 1
