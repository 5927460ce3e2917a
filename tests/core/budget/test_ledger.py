"""The payment ledger: allowances only to those present, lecturer fees by schedule, reversals, never edits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.models import PaymentLine
from desktop.core.budget import ledger, spending
from desktop.core.budget.checks import OverLimit
from desktop.core.budget.ledger import PaymentInput
from desktop.core.budget.rules import Override
from desktop.core.errors import RuleViolation, ValidationError
from tests.fixtures.budget import HeldRound, add_slot

PAID = date(2026, 10, 21)
APPROVED = date(2026, 10, 1)


@pytest.fixture
def held(held: HeldRound) -> HeldRound:
    """The held round with its spending approved before the payments (money is paid only against approval)."""
    spending.approve(held.ctx, held.round_id, approver="ผู้อนุมัติ", on=APPROVED)
    return held


def test_presence_takes_the_latest_mark(held: HeldRound) -> None:
    with held.ctx.reading() as session:
        presence = ledger.present_half_days(session, held.round_id)
    by_person = {p.person_id: p for p in presence.values()}
    assert set(by_person) == set(held.person_ids[:4])  # 4 was corrected to absent; 5 never marked
    assert by_person[held.person_ids[0]].half_days == 4 and by_person[held.person_ids[0]].days == 2
    assert by_person[held.person_ids[3]].days == 1


def test_allowances_go_only_to_people_present_and_only_once(held: HeldRound) -> None:
    res = ledger.pay_allowances(held.ctx, held.round_id, rate_satang=15_000, paid_on=PAID)
    assert res.lines == 4
    assert res.total_satang == (2 + 2 + 1 + 1) * 15_000
    again = ledger.pay_allowances(held.ctx, held.round_id, rate_satang=15_000, paid_on=PAID)
    assert again.lines == 0 and again.skipped == 4
    rows = ledger.list_payments(held.ctx, held.round_id)
    assert {r.person_id for r in rows} == set(held.person_ids[:4])


def test_a_single_allowance_to_someone_absent_is_refused(held: HeldRound) -> None:
    data = PaymentInput(
        category="transport",
        payee_kind="person",
        person_id=held.person_ids[4],
        rate_satang=10_000,
        units=Decimal(1),
        paid_on=PAID,
    )
    with pytest.raises(RuleViolation, match="ไม่มีบันทึกการเข้าอบรม"):
        ledger.add_payment(held.ctx, held.round_id, data)
    data.person_id = held.person_ids[3]
    data.units = Decimal(2)
    with pytest.raises(RuleViolation, match="เข้าอบรม 1 วัน"):
        ledger.add_payment(held.ctx, held.round_id, data)


def test_lecturer_fee_above_ceiling_needs_an_override(held: HeldRound) -> None:
    data = PaymentInput(
        category="lecturer",
        payee_kind="lecturer",
        lecturer_id=held.state_lecturer,
        rate_satang=80_000,
        units=Decimal(2),
        paid_on=PAID,
    )
    with pytest.raises(OverLimit) as err:
        ledger.add_payment(held.ctx, held.round_id, data)
    assert "800.00 บาทต่อชั่วโมง เกินเพดาน 600.00 บาทต่อชั่วโมง" in err.value.message
    row = ledger.add_payment(held.ctx, held.round_id, data, override=Override("ผู้เชี่ยวชาญเฉพาะ", "นายอนุมัติ"))
    assert row.amount_satang == 160_000 and row.override_by == "นายอนุมัติ"


def test_lecturer_fees_from_the_schedule(held: HeldRound) -> None:
    add_slot(held.ctx, held.round_id, held.state_lecturer, minutes=110)  # 2 h × 600
    add_slot(
        held.ctx, held.round_id, held.nonstate_lecturer, day_no=2, topic="ฝึก", fmt="breakout", minutes=85
    )  # 1.5 h × 1,200
    res = ledger.pay_lecturers(held.ctx, held.round_id, paid_on=PAID)
    assert res.lines == 2 and res.total_satang == 120_000 + 180_000
    assert ledger.pay_lecturers(held.ctx, held.round_id, paid_on=PAID).lines == 0


def test_reversal_appends_and_never_edits(held: HeldRound) -> None:
    ledger.pay_allowances(held.ctx, held.round_id, rate_satang=15_000, paid_on=PAID)
    first = ledger.list_payments(held.ctx, held.round_id)[0]
    with pytest.raises(ValidationError):
        ledger.reverse(held.ctx, first.id, reason="")
    rev = ledger.reverse(held.ctx, first.id, reason="จ่ายผิดคน")
    assert rev.amount_satang == -first.amount_satang and rev.reverses_id == first.id
    rows = {r.id: r for r in ledger.list_payments(held.ctx, held.round_id)}
    assert rows[first.id].reversed and rows[first.id].amount_satang == first.amount_satang  # untouched
    assert not rows[rev.id].effective
    with pytest.raises(RuleViolation, match="ถูกกลับรายการไปแล้ว"):
        ledger.reverse(held.ctx, first.id, reason="อีกครั้ง")
    with pytest.raises(RuleViolation, match="กลับซ้ำไม่ได้"):
        ledger.reverse(held.ctx, rev.id, reason="กลับการกลับ")
    with held.ctx.reading() as session:
        net = session.scalar(
            select(func.sum(PaymentLine.amount_satang)).where(PaymentLine.round_id == held.round_id)
        )
    assert net == 6 * 15_000 - first.amount_satang
    # Once reversed, the person can be paid again (correctly this time).
    again = ledger.pay_allowances(held.ctx, held.round_id, rate_satang=15_000, paid_on=PAID)
    assert again.lines == 1


def test_payments_need_approved_spending_dated_on_or_after_the_approval(held: HeldRound) -> None:
    with pytest.raises(RuleViolation, match="จ่ายเงินก่อนได้รับอนุมัติไม่ได้"):
        ledger.pay_allowances(held.ctx, held.round_id, rate_satang=15_000, paid_on=date(2026, 9, 30))
    assert ledger.list_payments(held.ctx, held.round_id) == []
    ledger.pay_allowances(
        held.ctx, held.round_id, rate_satang=15_000, paid_on=APPROVED
    )  # the same day is fine
    first = ledger.list_payments(held.ctx, held.round_id)[0]
    spending.mark_exported(held.ctx, held.round_id)
    with pytest.raises(RuleViolation, match="ปลดล็อก"):
        ledger.reverse(held.ctx, first.id, reason="ผิด")
    spending.unlock(held.ctx, held.round_id, reason="แก้แผน")
    with pytest.raises(RuleViolation, match="ยังไม่ได้รับอนุมัติ"):
        ledger.pay_lecturers(held.ctx, held.round_id, paid_on=PAID)
    with pytest.raises(RuleViolation, match="ยังไม่ได้รับอนุมัติ"):
        ledger.reverse(held.ctx, first.id, reason="ผิด")


def test_payments_beyond_the_allocation_are_refused(held: HeldRound) -> None:
    with pytest.raises(OverLimit, match="เกินงบประมาณคงเหลือ"):
        ledger.pay_allowances(held.ctx, held.round_id, rate_satang=2_000_000, paid_on=PAID)  # 6 days × 20,000
    assert ledger.list_payments(held.ctx, held.round_id) == []  # nothing half-written
