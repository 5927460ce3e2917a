"""The payment ledger: allowances only to those present, lecturer fees by schedule, reversals, never edits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from db.models import PaymentLine
from desktop.core.budget import ledger, spending
from desktop.core.budget.checks import OverLimit
from desktop.core.budget.ledger import PaymentInput, TransportEntry
from desktop.core.budget.rules import Override
from desktop.core.budget.spending import LineInput
from desktop.core.errors import RuleViolation, ValidationError
from tests.fixtures.budget import HeldRound, add_slot

PAID = date(2026, 10, 21)
APPROVED = date(2026, 10, 1)


@pytest.fixture
def held(held: HeldRound) -> HeldRound:
    """The held round with its spending approved before the payments (money is paid only against approval).

    Its plan allows 150.00 transport per person per day: the ceiling of what one person can be paid."""
    spending.add_line(
        held.ctx,
        held.round_id,
        LineInput(
            kind="plan",
            category="transport",
            description="6 คน × 2 วัน",
            quantity=Decimal(12),
            unit_price_satang=15_000,
        ),
    )
    spending.approve(held.ctx, held.round_id, approver="ผู้อนุมัติ", on=APPROVED)
    return held


def _transport(held: HeldRound, amounts: dict[int, int], *, paid_on: date = PAID, reasons=None):
    """Pay person i the amount (satang) they spent, from the signed sheet."""
    reasons = reasons or {}
    entries = [TransportEntry(held.person_ids[i], a, reasons.get(i, "")) for i, a in amounts.items()]
    return ledger.pay_transport(held.ctx, held.round_id, entries=entries, paid_on=paid_on)


PRESENT_ACTUALS = {0: 24_000, 1: 30_000, 2: 8_750, 3: 15_000}  # what each spent, each different


def test_presence_takes_the_latest_mark(held: HeldRound) -> None:
    with held.ctx.reading() as session:
        presence = ledger.present_half_days(session, held.round_id)
    by_person = {p.person_id: p for p in presence.values()}
    assert set(by_person) == set(held.person_ids[:4])  # 4 was corrected to absent; 5 never marked
    assert by_person[held.person_ids[0]].half_days == 4 and by_person[held.person_ids[0]].days == 2
    assert by_person[held.person_ids[3]].days == 1


def test_transport_is_paid_at_each_persons_actual_cost_once(held: HeldRound) -> None:
    sheet = ledger.transport_sheet(held.ctx, held.round_id)
    assert {r.person_id for r in sheet} == set(held.person_ids[:4])  # only the people recorded present
    ceilings = {r.person_id: r.ceiling_satang for r in sheet}
    assert ceilings[held.person_ids[0]] == 30_000 and ceilings[held.person_ids[3]] == 15_000  # days × 150.00
    res = _transport(held, PRESENT_ACTUALS)
    assert (res.lines, res.total_satang) == (4, sum(PRESENT_ACTUALS.values()))
    rows = ledger.list_payments(held.ctx, held.round_id)
    assert {r.person_id: r.amount_satang for r in rows} == {
        held.person_ids[i]: a for i, a in PRESENT_ACTUALS.items()
    }  # no flat rate: each line is what that person spent
    with pytest.raises(RuleViolation, match="แล้ว"):
        _transport(held, {0: 10_000})
    assert len(ledger.list_payments(held.ctx, held.round_id)) == 4


def test_transport_for_someone_absent_is_refused_and_nothing_written(held: HeldRound) -> None:
    with pytest.raises(RuleViolation, match="ไม่มีบันทึกการเข้าอบรม"):
        _transport(held, {0: 10_000, 4: 10_000})  # 4 was corrected to absent
    with pytest.raises(RuleViolation, match="ไม่มีบันทึกการเข้าอบรม"):
        _transport(held, {5: 10_000})  # 5 was never marked
    assert ledger.list_payments(held.ctx, held.round_id) == []


def test_transport_over_the_ceiling_needs_a_reason(held: HeldRound) -> None:
    with pytest.raises(OverLimit, match=r"เกินเพดานต่อคน 150\.00"):
        _transport(held, {3: 15_001})  # one day present: 150.00 at most
    with pytest.raises(ValidationError, match="มากกว่า 0"):
        _transport(held, {3: 0})
    assert ledger.list_payments(held.ctx, held.round_id) == []
    _transport(held, {3: 42_000}, reasons={3: "เดินทางจากอำเภอห่างไกล เหมารถตามใบเสร็จ"})
    (line,) = ledger.list_payments(held.ctx, held.round_id)
    assert line.amount_satang == 42_000 and line.override_reason.startswith("เดินทาง")
    assert line.override_by == "ผู้อนุมัติ"


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
    _transport(held, PRESENT_ACTUALS)
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
    assert net == sum(PRESENT_ACTUALS.values()) - first.amount_satang
    # Once reversed, the person can be paid again (correctly this time).
    who = held.person_ids.index(first.person_id)
    again = _transport(held, {who: 12_000})
    assert again.lines == 1


def test_payments_need_approved_spending_dated_on_or_after_the_approval(held: HeldRound) -> None:
    with pytest.raises(RuleViolation, match="จ่ายเงินก่อนได้รับอนุมัติไม่ได้"):
        _transport(held, PRESENT_ACTUALS, paid_on=date(2026, 9, 30))
    assert ledger.list_payments(held.ctx, held.round_id) == []
    _transport(held, PRESENT_ACTUALS, paid_on=APPROVED)  # the same day is fine
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
        _transport(held, {0: 20_000_000}, reasons={0: "ทดสอบ"})  # 200,000.00 beyond the 100,000.00 allocated
    assert ledger.list_payments(held.ctx, held.round_id) == []  # nothing half-written
