"""Separation of duties once accounts exist: by account and national ID, each refusal one Thai sentence."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.core.accounts import signin, store
from desktop.core.accounts.duties import approved_override
from desktop.core.accounts.store import AccountInput
from desktop.core.budget import ledger, spending
from desktop.core.budget.rules import Override
from desktop.core.budget.spending import LineInput
from desktop.core.context import AppContext
from desktop.core.errors import NotAllowedError, RuleViolation
from desktop.core.people import lecturers
from desktop.core.people.lecturers import LecturerInput
from tests.core.accounts.conftest import PASSWORD, STAFF
from tests.fixtures.budget import HeldRound, add_slot, make_held

APPROVED = date(2026, 10, 1)
PAID = date(2026, 10, 21)
SNACKS = LineInput(
    kind="plan", category="snack", quantity=Decimal(60), unit_price_satang=4_000
)  # over the ceiling


@pytest.fixture
def held(ctx: AppContext) -> HeldRound:
    """The held round of the budget tests; a private lecturer who is the approver (same national ID) teaches an
    hour; then the office's accounts: one per role, a deputy approver, and one who is both finance and approver."""
    held = make_held(ctx)
    own = lecturers.create_lecturer(
        ctx,
        LecturerInput(
            prefix="นาย",
            first_name="อำนาจ",
            last_name="สอนเก่ง",
            national_id=STAFF["approver"].national_id,
            is_state=False,
            address="99 หมู่ 1 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น",  # a voucher needs one
        ),
    ).id
    add_slot(ctx, held.round_id, own, minutes=60)
    store.create_account(ctx, STAFF["admin"], password=PASSWORD)
    signin.sign_in(ctx, "admin", password=PASSWORD)
    for name in ("officer", "finance", "approver"):
        store.create_account(ctx, STAFF[name], password=PASSWORD)
    store.create_account(
        ctx, AccountInput("deputy", "นางรอง อนุมัติ", ("approver",), "ผู้ช่วยแรงงานจังหวัด"), password=PASSWORD
    )
    store.create_account(
        ctx, AccountInput("both", "นายสองบท บาทซ้อน", ("finance", "approver")), password=PASSWORD
    )
    signin.sign_out(ctx)
    return held


def _as(ctx: AppContext, user: str) -> None:
    signin.sign_in(ctx, user, password=PASSWORD)


def test_only_a_signed_in_approver_approves_and_typed_names_are_ignored(held: HeldRound) -> None:
    ctx = held.ctx
    _as(ctx, "officer")
    with pytest.raises(NotAllowedError, match=r"^นางสาวอรุณี ทำงาน \(officer\) ไม่มีสิทธิ์อนุมัติ"):
        spending.approve(ctx, held.round_id, approver="นายอำนาจ อนุมัติ", payer_name="finance")
    _as(ctx, "deputy")
    state = spending.approve(ctx, held.round_id, approver="ใครก็ได้ พิมพ์เอง", payer_name="finance", on=APPROVED)
    assert (state.approved_by, state.payer_name) == ("นางรอง อนุมัติ", "นางการะเกด เงินดี")


def test_the_payer_is_an_active_finance_user_and_not_the_approver(held: HeldRound) -> None:
    ctx = held.ctx
    _as(ctx, "deputy")
    with pytest.raises(RuleViolation) as err:
        spending.approve(ctx, held.round_id, approver="", payer_name="officer")
    assert str(err.value) == (
        "ผู้จ่ายเงินต้องเป็นผู้ใช้ที่มีบทบาทการเงินและยังใช้งานอยู่ (นางสาวอรุณี ทำงาน (officer) ไม่ใช่) "
        "จึงเป็นผู้จ่ายเงินของรุ่นที่ 1/2570ไม่ได้"
    )
    _as(ctx, "both")
    with pytest.raises(
        RuleViolation, match=r"ผู้จ่ายเงินและผู้อนุมัติต้องเป็นคนละคน \(นายสองบท บาทซ้อน \(both\) เป็นทั้งสองหน้าที่\)"
    ):
        spending.approve(ctx, held.round_id, approver="", payer_name="นายสองบท บาทซ้อน")
    assert spending.get_state(ctx, held.round_id).status == "draft"


def test_whoever_recorded_the_spending_cannot_approve_it(held: HeldRound) -> None:
    ctx = held.ctx
    _as(ctx, "both")
    spending.add_line(
        ctx,
        held.round_id,
        LineInput(kind="plan", category="snack", quantity=Decimal(60), unit_price_satang=2_500),
    )
    with pytest.raises(RuleViolation) as err:
        spending.approve(ctx, held.round_id, approver="", payer_name="finance")
    assert str(err.value) == (
        "นายสองบท บาทซ้อน (both) เป็นผู้บันทึกค่าใช้จ่ายของรุ่นที่ 1/2570 จึงอนุมัติการใช้จ่ายของรุ่นนี้ไม่ได้ "
        "(ผู้บันทึกและผู้อนุมัติต้องเป็นคนละคน)"
    )
    _as(ctx, "approver")
    assert (
        spending.approve(ctx, held.round_id, approver="", payer_name="finance", on=APPROVED).status
        == "approved"
    )


def test_the_approver_is_never_paid_by_the_round_they_approve(held: HeldRound) -> None:
    ctx = held.ctx
    _as(ctx, "approver")
    spending.approve(ctx, held.round_id, approver="", payer_name="finance", on=APPROVED)
    _as(ctx, "finance")
    with pytest.raises(
        RuleViolation
    ) as err:  # the lecturer's name differs; the national ID is the approver's
        ledger.pay_lecturers(ctx, held.round_id, paid_on=PAID)
    assert str(err.value) == (
        "นายอำนาจ อนุมัติ (approver) เป็นผู้อนุมัติของรุ่นที่ 1/2570 จึงรับเงินค่าตอบแทนวิทยากรจากรุ่นนี้ไม่ได้ "
        "(ผู้จ่ายเงิน ผู้รับเงิน และผู้อนุมัติต้องเป็นคนละคน)"
    )
    assert ledger.list_payments(ctx, held.round_id) == []
    # Approved by the deputy instead, the lecturer is paid; the approver then cannot approve this round.
    _as(ctx, "approver")
    spending.unlock(ctx, held.round_id, reason="ผู้อนุมัติเป็นวิทยากรของรุ่น")
    _as(ctx, "deputy")
    spending.approve(ctx, held.round_id, approver="", payer_name="finance", on=APPROVED)
    _as(ctx, "finance")
    ledger.pay_lecturers(ctx, held.round_id, paid_on=PAID)
    _as(ctx, "deputy")
    spending.unlock(ctx, held.round_id, reason="แก้แผน")
    _as(ctx, "approver")
    with pytest.raises(RuleViolation) as err:
        spending.approve(ctx, held.round_id, approver="", payer_name="finance")
    assert str(err.value) == (
        "นายอำนาจ อนุมัติ (approver) เป็นผู้รับเงินค่าตอบแทนวิทยากรในรุ่นที่ 1/2570 "
        "จึงอนุมัติการจ่ายเงินของรุ่นนี้ไม่ได้ กรุณาให้ผู้อนุมัติคนอื่นอนุมัติ"
    )


def test_an_override_is_approved_by_a_signed_in_approver_not_typed_text(held: HeldRound) -> None:
    ctx = held.ctx
    _as(ctx, "finance")
    with pytest.raises(NotAllowedError, match="ต้องให้ผู้อนุมัติเข้าสู่ระบบเพื่ออนุมัติ ไม่ใช่พิมพ์ชื่อ"):
        spending.add_line(ctx, held.round_id, SNACKS, override=Override("ราคาตลาดสูงขึ้น", "นายอำนาจ อนุมัติ"))
    officer = signin.authenticate(ctx, "officer", password=PASSWORD)
    with pytest.raises(NotAllowedError, match=r"นางสาวอรุณี ทำงาน \(officer\) ไม่ใช่ผู้อนุมัติ"):
        spending.add_line(ctx, held.round_id, SNACKS, override=approved_override("ราคาตลาดสูงขึ้น", officer))
    approver = signin.authenticate(
        ctx, "approver", password=PASSWORD
    )  # the approver signs in at the finance officer's PC
    line = spending.add_line(ctx, held.round_id, SNACKS, override=approved_override("ราคาตลาดสูงขึ้น", approver))
    assert (line.approved_by, line.override_reason) == ("นายอำนาจ อนุมัติ", "ราคาตลาดสูงขึ้น")
    _as(ctx, "both")
    both = ctx.account
    with pytest.raises(RuleViolation, match="อนุมัติการเบิกเกินเพดานของตนเองไม่ได้"):
        spending.add_line(ctx, held.round_id, SNACKS, override=approved_override("ราคาตลาดสูงขึ้น", both))


def test_without_accounts_the_typed_names_still_work(ctx: AppContext) -> None:
    held = make_held(ctx)
    state = spending.approve(ctx, held.round_id, approver="นายหัวหน้า สำนักงาน", payer_name="นางการเงิน ดีมาก")
    assert (state.approved_by, state.payer_name) == ("นายหัวหน้า สำนักงาน", "นางการเงิน ดีมาก")


def test_the_payer_is_picked_from_the_finance_accounts_and_kept_with_its_position(
    held: HeldRound, tmp_path
) -> None:
    import pdfplumber

    from desktop.core.accounts import duties
    from desktop.reports.paylist import write_paylist

    ctx = held.ctx
    _as(ctx, "both")  # finance and approver: not offered as the payer of what they approve
    assert {s.full_name for s in duties.payer_choices(ctx)} == {"นางการะเกด เงินดี"}
    _as(ctx, "deputy")
    choices = {s.full_name: s for s in duties.payer_choices(ctx)}
    assert set(choices) == {"นางการะเกด เงินดี", "นายสองบท บาทซ้อน"}  # active finance accounts only
    officer_id = signin.authenticate(ctx, "officer", password=PASSWORD).account_id
    with pytest.raises(
        RuleViolation, match=r"^ผู้จ่ายเงินต้องเป็นผู้ใช้ที่มีบทบาทการเงิน.*\(นางสาวอรุณี ทำงาน \(officer\) ไม่ใช่\)"
    ):
        spending.approve(ctx, held.round_id, approver="", payer_account_id=officer_id)
    finance = choices["นางการะเกด เงินดี"]
    state = spending.approve(
        ctx, held.round_id, approver="", payer_account_id=finance.account_id, on=APPROVED
    )
    deputy = ctx.account
    assert (state.payer_name, state.payer_position, state.payer_account_id) == (
        "นางการะเกด เงินดี",
        "เจ้าพนักงานการเงิน",
        finance.account_id,
    )
    assert (state.approved_by, state.approver_position, state.approver_account_id) == (
        "นางรอง อนุมัติ",
        "ผู้ช่วยแรงงานจังหวัด",
        deputy.account_id,
    )
    # The pay list prints both names with their positions under the signatures.
    _as(ctx, "finance")
    ledger.pay_lecturers(ctx, held.round_id, paid_on=PAID)
    out = tmp_path / "paylist.pdf"
    write_paylist(ctx, round_id=held.round_id, out_path=out)
    with pdfplumber.open(out) as pdf:
        flat = "".join("".join(p.extract_text() or "" for p in pdf.pages).split())
    assert "(นางการะเกดเงินดี)" in flat and "ตำแหน่งเจ้าพนักงานการเงิน" in flat
    assert "(นางรองอนุมัติ)" in flat and "ตำแหน่งผู้ช่วยแรงงานจังหวัด" in flat
