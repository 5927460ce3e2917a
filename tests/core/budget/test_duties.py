"""Separation of duties: the payer is never a payee of the round nor its approver; the approver is not paid."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.core.budget import ledger, spending
from desktop.core.budget.duties import same_person
from desktop.core.errors import RuleViolation
from tests.fixtures.budget import HeldRound, add_slot

PAID = date(2026, 10, 21)
APPROVED = date(2026, 10, 1)
HEAD = "นางสาวพรทิพย์ ศรีสุข"
FINANCE = "นางสมใจ ชาญวิทยากุล"
LECTURER = "นายเอกชน วิทยากร"  # tests/fixtures/budget.py's non-state lecturer


@pytest.fixture
def paid(held: HeldRound) -> HeldRound:
    """Approved, paid (a lecturer and the participants present), then unlocked to choose the payer again."""
    spending.approve(held.ctx, held.round_id, approver=HEAD, payer_name=FINANCE, on=APPROVED)
    add_slot(held.ctx, held.round_id, held.nonstate_lecturer, minutes=60)
    ledger.pay_lecturers(held.ctx, held.round_id, paid_on=PAID)
    entries = [ledger.TransportEntry(p, 10_000) for p in held.person_ids[:4]]
    ledger.pay_transport(held.ctx, held.round_id, entries=entries, paid_on=PAID)
    spending.unlock(held.ctx, held.round_id, reason="เปลี่ยนผู้จ่ายเงิน")
    return held


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("นางสาวกนกวรรณ พรหมวงศ์", "กนกวรรณ พรหมวงศ์", True),
        ("นางสาว กนกวรรณ  พรหมวงศ์", "นางสาวกนกวรรณ พรหมวงศ์", True),
        ("ผศ.ดร.สมชาย ใจดี", "สมชาย ใจดี", True),
        ("ผศ.ดร.สมชาย ใจดี", "นายสมชาย ใจดี", False),  # two titles typed: not matched (a known gap)
        ("นายสมชาย ใจดี", "นายสมชาย ใจงาม", False),
        ("นายสมชาย1 ใจดี", "นายสมชาย ใจดี", False),
        ("สมชาย", "นายสมชาย ใจดี", False),  # no surname: cannot tell
    ],
)
def test_same_person_by_typed_name(a: str, b: str, same: bool) -> None:
    assert same_person(a, b) is same
    assert same_person(b, a) is same


def test_the_payer_cannot_be_a_payee(paid: HeldRound) -> None:
    with pytest.raises(RuleViolation) as err:
        spending.approve(paid.ctx, paid.round_id, approver="นางสาวพรทิพย์ ศรีสุข", payer_name=LECTURER)
    assert "เอกชน วิทยากร" in str(err.value) and "ผู้รับเงินค่าตอบแทนวิทยากร" in str(err.value)
    assert "ผู้จ่ายเงิน" in str(err.value)
    with pytest.raises(RuleViolation, match="ค่าพาหนะ"):
        spending.approve(paid.ctx, paid.round_id, approver="นางสาวพรทิพย์ ศรีสุข", payer_name="สมชาย0 ใจดี")
    assert spending.get_state(paid.ctx, paid.round_id).status == "draft"  # nothing was half-approved


def test_the_approver_cannot_be_the_payer_or_a_payee(paid: HeldRound) -> None:
    with pytest.raises(RuleViolation, match="คนละคน"):
        spending.approve(paid.ctx, paid.round_id, approver="นางสมใจ ชาญวิทยากุล", payer_name="สมใจ ชาญวิทยากุล")
    with pytest.raises(RuleViolation, match="อนุมัติการจ่ายเงินของรุ่นนี้ไม่ได้"):
        spending.approve(paid.ctx, paid.round_id, approver=LECTURER, payer_name="นางสมใจ ชาญวิทยากุล")


def test_a_payee_stays_one_after_a_reversal_and_a_good_choice_passes(paid: HeldRound) -> None:
    spending.approve(paid.ctx, paid.round_id, approver=HEAD, payer_name=FINANCE, on=APPROVED)
    lecturer_line = next(p for p in ledger.list_payments(paid.ctx, paid.round_id) if p.category == "lecturer")
    ledger.reverse(paid.ctx, lecturer_line.id, reason="จ่ายผิดรุ่น")
    spending.unlock(paid.ctx, paid.round_id, reason="เปลี่ยนผู้จ่ายเงิน")
    with pytest.raises(RuleViolation):  # the original line stays in the ledger: still paid once
        spending.approve(paid.ctx, paid.round_id, approver=HEAD, payer_name=LECTURER)
    state = spending.approve(paid.ctx, paid.round_id, approver=HEAD, payer_name=FINANCE)
    assert (state.status, state.payer_name) == ("approved", FINANCE)


def test_a_payment_to_the_payer_or_the_approver_is_refused(held: HeldRound) -> None:
    add_slot(held.ctx, held.round_id, held.nonstate_lecturer, minutes=60)
    spending.approve(held.ctx, held.round_id, approver=LECTURER, payer_name=FINANCE, on=APPROVED)
    with pytest.raises(RuleViolation, match="เป็นผู้อนุมัติของรุ่นที่ 1/2570"):
        ledger.pay_lecturers(held.ctx, held.round_id, paid_on=PAID)
    assert ledger.list_payments(held.ctx, held.round_id) == []  # nothing half-written
    spending.unlock(held.ctx, held.round_id, reason="ผู้อนุมัติเป็นวิทยากร")
    spending.approve(held.ctx, held.round_id, approver=HEAD, payer_name=LECTURER, on=APPROVED)
    with pytest.raises(RuleViolation, match="เป็นผู้จ่ายเงิน"):
        ledger.pay_lecturers(held.ctx, held.round_id, paid_on=PAID)
