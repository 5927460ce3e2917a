"""Expense lines of a round (plan and actual) within the ceilings, and the spending lock: draft → approved → exported."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ExpenseLine, RoundSpending, TrainingRound
from db.rules.thai_time import bangkok_today
from desktop.core import audit
from desktop.core.accounts.duties import Approval, approval
from desktop.core.budget.checks import (
    SPENDING_LABELS,
    check_allocation,
    check_ceiling,
    check_override,
    load_round,
    require_approved,
    require_draft,
    round_label,
    spending_status,
)
from desktop.core.budget.duties import check_duties
from desktop.core.budget.rates import RateRow, rate_in_force
from desktop.core.budget.rules import (
    CATEGORY_LABELS,
    LEDGER_CATEGORIES,
    PARTICIPANT_CATEGORIES,
    Override,
    category_label,
    line_amount,
)
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation, ValidationError

# The ceiling an expense line of a category is held to when it names no rate of its own.
DEFAULT_RATE_ITEM = {"lunch": "meal_partial", "snack": "snack", "lecturer": "lecturer_state"}
_MAX_QUANTITY = Decimal("9999999999.99")


@dataclass
class LineInput:
    kind: str = "plan"
    category: str = ""
    description: str = ""
    quantity: Decimal = Decimal(1)
    unit_price_satang: int = 0
    rate_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class LineRow:
    id: uuid.UUID
    round_id: uuid.UUID
    kind: str
    category: str
    description: str
    quantity: Decimal
    unit_price_satang: int
    amount_satang: int
    rate_id: uuid.UUID | None
    status: str
    override_reason: str
    approved_by: str
    version: int

    @property
    def category_label(self) -> str:
        return category_label(self.category)


@dataclass(frozen=True, slots=True)
class SpendingState:
    round_id: uuid.UUID
    status: str
    approved_by: str
    approved_on: date | None
    payer_name: str
    payer_position: str = ""
    approver_position: str = ""
    payer_account_id: uuid.UUID | None = None
    approver_account_id: uuid.UUID | None = None

    @property
    def label(self) -> str:
        return SPENDING_LABELS[self.status]

    @property
    def locked(self) -> bool:
        return self.status != "draft"


def _row(line: ExpenseLine) -> LineRow:
    return LineRow(
        line.id,
        line.round_id,
        line.kind,
        line.category,
        line.description,
        Decimal(line.quantity),
        line.unit_price_satang,
        line.amount_satang,
        line.rate_id,
        line.status,
        line.override_reason,
        line.approved_by,
        line.version,
    )


def _validate(data: LineInput) -> Decimal:
    errors: dict[str, str] = {}
    if data.kind not in ("plan", "actual"):
        errors["kind"] = "ชนิดรายการต้องเป็นแผนหรือจ่ายจริง"
    if data.category not in CATEGORY_LABELS:
        errors["category"] = f'หมวดค่าใช้จ่าย "{data.category}" ไม่ถูกต้อง'
    elif data.kind == "actual" and data.category in LEDGER_CATEGORIES:
        errors["category"] = (
            f"{category_label(data.category)}จ่ายเป็นรายบุคคลผ่านรายการจ่ายเงิน (ใบสำคัญรับเงิน/หลักฐานการจ่ายเงิน) "
            "ไม่บันทึกเป็นรายการค่าใช้จ่ายรวม"
        )
    try:
        quantity = Decimal(data.quantity)
        if quantity != quantity.quantize(Decimal("0.01")):
            errors["quantity"] = "จำนวนมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง"
        elif not 0 < quantity <= _MAX_QUANTITY:
            errors["quantity"] = "จำนวนต้องมากกว่า 0"
    except (InvalidOperation, TypeError, ValueError):
        errors["quantity"] = "จำนวนต้องเป็นตัวเลข"
        quantity = Decimal(0)
    if not isinstance(data.unit_price_satang, int) or data.unit_price_satang < 0:
        errors["unit_price_satang"] = "ราคาต่อหน่วยต้องไม่ติดลบ"
    if errors:
        raise ValidationError(errors)
    return quantity


def _rate_for(session: Session, rnd: TrainingRound, data: LineInput) -> RateRow | None:
    if data.rate_id is not None:
        from db.models import Rate

        rate = session.get(Rate, data.rate_id)
        if rate is None:
            raise ValidationError({"rate_id": "ไม่พบอัตราที่อ้างถึง"})
        # The version in force on the round's date, of the item (and kind) the line named.
        return rate_in_force(
            session,
            item=rate.item,
            training_type=rnd.training_type,
            venue_type=rnd.venue_type,
            on=rnd.start_date,
        )
    item = DEFAULT_RATE_ITEM.get(data.category)
    if item is None:
        return None
    return rate_in_force(
        session, item=item, training_type=rnd.training_type, venue_type=rnd.venue_type, on=rnd.start_date
    )


def _check(
    session: Session,
    rnd: TrainingRound,
    data: LineInput,
    quantity: Decimal,
    override: Override | None,
    *,
    previous_amount: int = 0,
) -> tuple[int, RateRow | None]:
    check_override(override)
    if data.kind == "plan" and data.category in PARTICIPANT_CATEGORIES:
        days = (rnd.end_date - rnd.start_date).days + 1
        most = rnd.capacity * days
        if quantity > most:
            # Transport is paid at actual cost to those present, so a plan can need at most every seat every day.
            raise ValidationError(
                {
                    "quantity": f"แผน{category_label(data.category)} {quantity.normalize():f} คน-วัน เกินจำนวนรับ "
                    f"{rnd.capacity:,} คน × {days} วัน = {most:,} คน-วัน ของรุ่นที่ {rnd.number}/{rnd.fiscal_year}"
                }
            )
    rate = _rate_for(session, rnd, data)
    check_ceiling(
        category=data.category, unit_price_satang=data.unit_price_satang, rate=rate, override=override
    )
    amount = line_amount(quantity, data.unit_price_satang)
    if data.kind == "actual":
        check_allocation(session, rnd, adding_satang=amount - previous_amount, override=override)
    return amount, rate


def _require_open_for(session: Session, rnd: TrainingRound, kind: str) -> None:
    """Plans change only in draft; actual costs (money paid to a vendor) only once the spending is approved."""
    if kind == "plan":
        require_draft(session, rnd)
    else:
        require_approved(session, rnd)


def add_line(
    ctx: AppContext, round_id: uuid.UUID, data: LineInput, *, override: Override | None = None
) -> LineRow:
    """Add a plan or actual line; above a ceiling or the allocation only with an override (reason + approver)."""
    quantity = _validate(data)
    check_override(override, ctx=ctx)
    with ctx.transaction() as session:
        rnd = load_round(session, round_id)
        _require_open_for(session, rnd, data.kind)
        amount, rate = _check(session, rnd, data, quantity, override)
        line = ExpenseLine(
            office_code=rnd.office_code,
            round_id=rnd.id,
            kind=data.kind,
            category=data.category,
            description=data.description.strip(),
            quantity=quantity,
            unit_price_satang=data.unit_price_satang,
            amount_satang=amount,
            rate_id=rate.id if rate else data.rate_id,
            status="draft",
            override_reason=override.reason.strip() if override else "",
            approved_by=override.approver.strip() if override else "",
        )
        session.add(line)
        session.flush()
        audit.record(
            session,
            ctx,
            office_code=rnd.office_code,
            action="create",
            entity="expense_line",
            entity_id=line.id,
            changes=_snapshot(line),
            summary=f"{'แผน' if data.kind == 'plan' else 'จ่ายจริง'} {category_label(data.category)} {round_label(rnd)}",
        )
        return _row(line)


def update_line(
    ctx: AppContext, line_id: uuid.UUID, data: LineInput, *, override: Override | None = None
) -> LineRow:
    """Adjust a plan line while the spending is a draft, an actual line while it is approved (within the ceilings)."""
    quantity = _validate(data)
    check_override(override, ctx=ctx)
    with ctx.transaction() as session:
        line = _load(session, line_id)
        rnd = load_round(session, line.round_id)
        _require_open_for(session, rnd, line.kind)
        if data.kind != line.kind:
            raise ValidationError({"kind": "เปลี่ยนรายการแผนเป็นรายการจ่ายจริงไม่ได้ ให้เพิ่มรายการใหม่"})
        amount, rate = _check(session, rnd, data, quantity, override, previous_amount=line.amount_satang)
        values = {
            "category": data.category,
            "description": data.description.strip(),
            "quantity": quantity,
            "unit_price_satang": data.unit_price_satang,
            "amount_satang": amount,
            "rate_id": rate.id if rate else data.rate_id,
            "override_reason": override.reason.strip() if override else "",
            "approved_by": override.approver.strip() if override else "",
        }
        audit.apply_update(
            session, ctx, line, values, entity="expense_line", summary=f"แก้ไข {category_label(data.category)}"
        )
        session.flush()
        return _row(line)


def delete_line(ctx: AppContext, line_id: uuid.UUID) -> None:
    with ctx.transaction() as session:
        line = _load(session, line_id)
        rnd = load_round(session, line.round_id)
        _require_open_for(session, rnd, line.kind)
        line.deleted = True
        audit.record(
            session,
            ctx,
            office_code=line.office_code,
            action="delete",
            entity="expense_line",
            entity_id=line.id,
            changes={"deleted": [False, True]},
            summary=f"ลบ {category_label(line.category)} {round_label(rnd)}",
        )


def list_lines(ctx: AppContext, round_id: uuid.UUID, *, kind: str | None = None) -> list[LineRow]:
    order = {c: i for i, c in enumerate(CATEGORY_LABELS)}
    query = select(ExpenseLine).where(ExpenseLine.round_id == round_id, ExpenseLine.deleted.is_(False))
    if kind is not None:
        query = query.where(ExpenseLine.kind == kind)
    with ctx.reading() as session:
        rows = [_row(x) for x in session.scalars(query.order_by(ExpenseLine.created_at, ExpenseLine.id))]
    return sorted(rows, key=lambda r: (r.kind != "plan", order.get(r.category, 99)))


def _load(session: Session, line_id: uuid.UUID) -> ExpenseLine:
    line = session.get(ExpenseLine, line_id)
    if line is None or line.deleted:
        raise NotFoundError("ไม่พบรายการค่าใช้จ่ายนี้")
    return line


def _snapshot(line: ExpenseLine) -> dict[str, list[object]]:
    keys = ("kind", "category", "description", "quantity", "unit_price_satang", "amount_satang")
    snap = {k: [None, audit.jsonable(getattr(line, k))] for k in keys}
    if line.override_reason:
        snap["override_reason"] = [None, line.override_reason]
        snap["approved_by"] = [None, line.approved_by]
    return snap


# ---------------------------------------------------------------------------------------------- lock


def get_state(ctx: AppContext, round_id: uuid.UUID) -> SpendingState:
    with ctx.reading() as session:
        load_round(session, round_id)
        state = session.scalar(select(RoundSpending).where(RoundSpending.round_id == round_id))
        if state is None:
            return SpendingState(round_id, "draft", "", None, "")
        return SpendingState(
            round_id,
            state.status,
            state.approved_by,
            state.approved_on,
            state.payer_name,
            state.payer_position,
            state.approver_position,
            state.payer_account_id,
            state.approver_account_id,
        )


def _state_row(session: Session, rnd: TrainingRound) -> RoundSpending:
    state = session.scalar(select(RoundSpending).where(RoundSpending.round_id == rnd.id))
    if state is None:
        state = RoundSpending(office_code=rnd.office_code, round_id=rnd.id, status="draft")
        session.add(state)
        session.flush()
    return state


def _move(
    ctx: AppContext,
    round_id: uuid.UUID,
    *,
    to: str,
    allowed_from: tuple[str, ...],
    reason: str = "",
    approver: str = "",
    on: date | None = None,
    payer_name: str | None = None,
    signers: Approval | None = None,
) -> SpendingState:
    with ctx.transaction() as session:
        rnd = load_round(session, round_id)
        state = _state_row(session, rnd)
        old = state.status
        if old not in allowed_from:
            raise RuleViolation(
                f"การใช้จ่ายของ{round_label(rnd)} อยู่ในสถานะ '{SPENDING_LABELS[old]}' "
                f"เปลี่ยนเป็น '{SPENDING_LABELS[to]}' ไม่ได้"
            )
        state.status = to
        if to == "approved" and old == "draft":
            check_duties(session, rnd, approver=approver, payer=(payer_name or "").strip())
            state.approved_by, state.approved_on = approver, on or bangkok_today()
            if payer_name is not None:
                state.payer_name = payer_name.strip()
            if signers is not None:  # with accounts: which accounts they are, and the positions printed
                state.approver_account_id = signers.approver.account_id
                state.approver_position = signers.approver.position
                payer = signers.payer
                state.payer_account_id = payer.account_id if payer else None
                state.payer_position = payer.position if payer else ""
        if to == "draft":
            state.approved_by, state.approved_on = "", None
            state.approver_account_id, state.approver_position = None, ""
        line_status = {"draft": "draft", "approved": "approved", "exported": "exported"}[to]
        for line in session.scalars(
            select(ExpenseLine).where(ExpenseLine.round_id == rnd.id, ExpenseLine.deleted.is_(False))
        ):
            line.status = line_status
        changes: dict[str, list[object]] = {"status": [old, to]}
        if reason:
            changes["reason"] = [None, reason]
        if approver:
            changes["approved_by"] = [None, approver]
        if signers is not None and signers.payer is not None:
            changes["payer"] = [None, signers.payer.label]
        audit.record(
            session,
            ctx,
            office_code=rnd.office_code,
            action="unlock" if to == "draft" else to,
            entity="round_spending",
            entity_id=rnd.id,
            changes=changes,
            summary=f"การใช้จ่าย{round_label(rnd)}: {SPENDING_LABELS[old]} → {SPENDING_LABELS[to]}"
            + (f" เหตุผล: {reason}" if reason else ""),
        )
    return get_state(ctx, round_id)


def approve(
    ctx: AppContext,
    round_id: uuid.UUID,
    *,
    approver: str,
    on: date | None = None,
    payer_name: str = "",
    payer_account_id: uuid.UUID | None = None,
) -> SpendingState:
    """Approve a round's spending: its plan is locked, and from the approval day its money may be paid.

    With staff accounts the approver is the one signed in and the payer a finance account (payer_account_id, as
    the approval form picks it; or payer_name, a user name or full name, from the command line): the typed
    approver is ignored. Without accounts both are the names typed."""
    signers = approval(ctx, round_id, payer=payer_name, payer_account_id=payer_account_id)
    if signers is not None:
        approver = signers.approver.full_name
        payer_name = signers.payer.full_name if signers.payer else ""
    if not approver.strip():
        raise ValidationError({"approver": "กรุณาระบุชื่อผู้อนุมัติ"})
    return _move(
        ctx,
        round_id,
        to="approved",
        allowed_from=("draft",),
        approver=approver.strip(),
        on=on,
        payer_name=payer_name,
        signers=signers,
    )


def mark_exported(ctx: AppContext, round_id: uuid.UUID) -> SpendingState:
    return _move(ctx, round_id, to="exported", allowed_from=("approved",))


def unlock(ctx: AppContext, round_id: uuid.UUID, *, reason: str) -> SpendingState:
    """Back to draft for a correction: needs a reason, which the audit log keeps with who and when."""
    if not reason.strip():
        raise ValidationError({"reason": "การปลดล็อกการใช้จ่ายที่อนุมัติแล้วต้องระบุเหตุผล"})
    return _move(ctx, round_id, to="draft", allowed_from=("approved", "exported"), reason=reason.strip())


def spending_status_of(ctx: AppContext, round_id: uuid.UUID) -> str:
    with ctx.reading() as session:
        return spending_status(session, round_id)
