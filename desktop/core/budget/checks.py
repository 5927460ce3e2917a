"""The checks every money write goes through: the round's lock, the MoF ceiling and the remaining allocation."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import RoundSpending, TrainingRound
from db.rules.thai_dates import format_be_date
from desktop.core.accounts.duties import check_override_approver
from desktop.core.budget.allocations import allocated_total
from desktop.core.budget.figures import disbursed_in_year
from desktop.core.budget.rates import RateRow
from desktop.core.budget.rules import Override, baht, category_label
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation, ValidationError

SPENDING_LABELS = {"draft": "ร่าง", "approved": "อนุมัติแล้ว (จ่ายเงินได้)", "exported": "ส่งออกแล้ว (ล็อก)"}
_OVERRIDE_HINT = " หากจำเป็นต้องเบิกเกิน ให้ระบุเหตุผลและผู้อนุมัติ"


class OverLimit(RuleViolation):
    """A ceiling or the allocation would be exceeded; the caller may retry with an Override."""


def load_round(session: Session, round_id: uuid.UUID) -> TrainingRound:
    rnd = session.get(TrainingRound, round_id)
    if rnd is None or rnd.deleted:
        raise NotFoundError("ไม่พบรุ่นการอบรมนี้")
    return rnd


def round_label(rnd: TrainingRound) -> str:
    return f"รุ่นที่ {rnd.number}/{rnd.fiscal_year}"


def spending_status(session: Session, round_id: uuid.UUID) -> str:
    return session.scalar(select(RoundSpending.status).where(RoundSpending.round_id == round_id)) or "draft"


def require_draft(session: Session, rnd: TrainingRound) -> None:
    status = spending_status(session, rnd.id)
    if status != "draft":
        raise RuleViolation(
            f"การใช้จ่ายของ{round_label(rnd)} {SPENDING_LABELS[status]} แก้ไขหรือเพิ่มรายการไม่ได้ "
            "ต้องปลดล็อกพร้อมระบุเหตุผลก่อน"
        )


def require_approved(session: Session, rnd: TrainingRound, *, paid_on: date | None = None) -> None:
    """Money is paid only against approved spending, and never on a day before that approval."""
    state = session.scalar(select(RoundSpending).where(RoundSpending.round_id == rnd.id))
    status = state.status if state is not None else "draft"
    if status == "draft":
        raise RuleViolation(
            f"การใช้จ่ายของ{round_label(rnd)} ยังไม่ได้รับอนุมัติ จึงยังบันทึกการจ่ายเงินไม่ได้ "
            "(อนุมัติแผนการใช้จ่ายก่อน แล้วจึงจ่ายเงิน)"
        )
    if status != "approved":
        raise RuleViolation(
            f"การใช้จ่ายของ{round_label(rnd)} {SPENDING_LABELS[status]} บันทึกการจ่ายเงินไม่ได้ "
            "ต้องปลดล็อกพร้อมระบุเหตุผลก่อน"
        )
    if (
        paid_on is not None
        and state is not None
        and state.approved_on is not None
        and paid_on < state.approved_on
    ):
        raise RuleViolation(
            f"วันที่จ่ายเงิน {format_be_date(paid_on)} อยู่ก่อนวันที่อนุมัติการใช้จ่ายของ{round_label(rnd)} "
            f"({format_be_date(state.approved_on)}) จ่ายเงินก่อนได้รับอนุมัติไม่ได้"
        )


def check_override(override: Override | None, *, ctx: AppContext | None = None) -> None:
    if override is not None and ctx is not None and override.valid():
        check_override_approver(ctx, override)  # with accounts: a signed-in approver, not the recorder
    if override is not None and not override.valid():
        errors = {}
        if not override.reason.strip():
            errors["override_reason"] = "การเบิกเกินเพดานหรือเกินงบประมาณต้องระบุเหตุผล"
        if not override.approver.strip():
            errors["override_approver"] = "การเบิกเกินเพดานหรือเกินงบประมาณต้องระบุผู้อนุมัติ"
        raise ValidationError(errors)


def check_ceiling(
    *, category: str, unit_price_satang: int, rate: RateRow | None, override: Override | None, what: str = ""
) -> None:
    """Refuse a unit price above the rate in force, naming the rule and the numbers, unless overridden."""
    if rate is None or unit_price_satang <= rate.ceiling_satang or override is not None:
        return
    subject = what or category_label(category)
    uncertain = " (อัตรานี้ยังไม่ยืนยัน)" if rate.uncertain else ""
    raise OverLimit(
        f"{subject} {baht(unit_price_satang)}{rate.unit} เกินเพดาน {baht(rate.ceiling_satang)}{rate.unit} "
        f"ตาม{rate.source}{uncertain}{_OVERRIDE_HINT}"
    )


def check_allocation(
    session: Session, rnd: TrainingRound, *, adding_satang: int, override: Override | None
) -> None:
    """Refuse spending that takes the fiscal year beyond its allocations, unless overridden."""
    if adding_satang <= 0 or override is not None:
        return
    allocated = allocated_total(session, office_code=rnd.office_code, fiscal_year=rnd.fiscal_year)
    spent = disbursed_in_year(session, office_code=rnd.office_code, fiscal_year=rnd.fiscal_year)
    remaining = allocated - spent
    if adding_satang > remaining:
        raise OverLimit(
            f"รายการนี้ {baht(adding_satang)} เกินงบประมาณคงเหลือของปีงบประมาณ {rnd.fiscal_year} "
            f"(ได้รับจัดสรร {baht(allocated)} ใช้ไปแล้ว {baht(spent)} คงเหลือ {baht(remaining)}){_OVERRIDE_HINT}"
        )
