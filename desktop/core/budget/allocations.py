"""Budget allocations: the transfers from the central office to the province, per fiscal year."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from db.models import BudgetAllocation
from db.rules.money import format_baht
from desktop.core import audit
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, ValidationError
from desktop.core.softdelete import set_deleted


@dataclass
class AllocationInput:
    fiscal_year: int = 0
    amount_satang: int = 0
    ref_no: str = ""
    ref_date: date | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class AllocationRow:
    id: uuid.UUID
    fiscal_year: int
    amount_satang: int
    ref_no: str
    ref_date: date | None
    note: str
    version: int
    deleted: bool


def _row(a: BudgetAllocation) -> AllocationRow:
    return AllocationRow(
        a.id, a.fiscal_year, a.amount_satang, a.ref_no, a.ref_date, a.note, a.version, a.deleted
    )


def validate(data: AllocationInput) -> None:
    """Raise ValidationError naming every wrong field in Thai."""
    errors: dict[str, str] = {}
    if not 2500 <= data.fiscal_year <= 2700:
        errors["fiscal_year"] = "ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2570"
    if data.amount_satang <= 0:
        errors["amount_satang"] = "จำนวนเงินที่ได้รับจัดสรรต้องมากกว่า 0 บาท"
    if not data.ref_no.strip():
        errors["ref_no"] = "กรุณากรอกเลขที่หนังสือแจ้งจัดสรร"
    if errors:
        raise ValidationError(errors)


def _values(data: AllocationInput) -> dict[str, object]:
    return {
        "fiscal_year": data.fiscal_year,
        "amount_satang": int(data.amount_satang),
        "ref_no": data.ref_no.strip(),
        "ref_date": data.ref_date,
        "note": data.note.strip(),
    }


def create_allocation(ctx: AppContext, data: AllocationInput) -> AllocationRow:
    code = ctx.require_office_code()
    validate(data)
    with ctx.transaction() as session:
        alloc = BudgetAllocation(office_code=code, **_values(data))
        session.add(alloc)
        session.flush()
        audit.record(
            session,
            ctx,
            office_code=code,
            action="create",
            entity="budget_allocation",
            entity_id=alloc.id,
            changes={k: [None, audit.jsonable(v)] for k, v in _values(data).items()},
            summary=f"รับจัดสรรงบประมาณปี {data.fiscal_year} {format_baht(data.amount_satang)} บาท ({data.ref_no})",
        )
        return _row(alloc)


def update_allocation(ctx: AppContext, allocation_id: uuid.UUID, data: AllocationInput) -> AllocationRow:
    validate(data)
    with ctx.transaction() as session:
        alloc = session.get(BudgetAllocation, allocation_id)
        if alloc is None or alloc.deleted:
            raise NotFoundError("ไม่พบรายการจัดสรรงบประมาณนี้")
        audit.apply_update(
            session, ctx, alloc, _values(data), entity="budget_allocation", summary="แก้ไขการจัดสรรงบประมาณ"
        )
        session.flush()
        return _row(alloc)


def delete_allocation(ctx: AppContext, allocation_id: uuid.UUID) -> None:
    set_deleted(
        ctx,
        model=BudgetAllocation,
        record_id=allocation_id,
        deleted=True,
        label=lambda a: f"การจัดสรรงบประมาณปี {a.fiscal_year} ({a.ref_no})",
        not_found="ไม่พบรายการจัดสรรงบประมาณนี้",
    )


def list_allocations(ctx: AppContext, *, fiscal_year: int | None = None) -> list[AllocationRow]:
    code = ctx.require_office_code()
    query = select(BudgetAllocation).where(
        BudgetAllocation.office_code == code, BudgetAllocation.deleted.is_(False)
    )
    if fiscal_year is not None:
        query = query.where(BudgetAllocation.fiscal_year == fiscal_year)
    with ctx.reading() as session:
        rows = session.scalars(query.order_by(BudgetAllocation.fiscal_year.desc(), BudgetAllocation.ref_date))
        return [_row(a) for a in rows]


def allocated_total(session, *, office_code: str, fiscal_year: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(BudgetAllocation.amount_satang), 0)).where(
                BudgetAllocation.office_code == office_code,
                BudgetAllocation.fiscal_year == fiscal_year,
                BudgetAllocation.deleted.is_(False),
            )
        )
    )
