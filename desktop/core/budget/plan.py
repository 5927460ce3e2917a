"""A round's budget plan computed from the rates in force, the headcount, the days and the lecture schedule."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ExpenseLine, Lecturer, RoundDay, RoundLecturer, TrainingRound
from desktop.core import audit
from desktop.core.budget.checks import load_round, require_draft
from desktop.core.budget.rates import RateRow, rate_in_force
from desktop.core.budget.rules import (
    FORMAT_LABELS,
    HEADCOUNT_CAP,
    breaks_of,
    line_amount,
    paid_hours,
    spans_lunch,
)
from desktop.core.context import AppContext
from desktop.core.errors import ValidationError

# Categories the computed plan writes; the others (venue, materials, transport, signage) are typed in.
COMPUTED_CATEGORIES = ("lunch", "snack", "lecturer")


@dataclass(frozen=True, slots=True)
class LecturerFee:
    """What one lecturer is owed for a round by the schedule: paid hours at the ceiling of their kind."""

    lecturer_id: uuid.UUID
    name: str
    is_state: bool
    hours: Decimal
    rate: RateRow | None
    amount_satang: int
    unpaid_sessions: tuple[str, ...]  # sessions where the headcount cap left this lecturer unpaid


@dataclass(frozen=True, slots=True)
class PlanDraft:
    category: str
    description: str
    quantity: Decimal
    unit_price_satang: int
    amount_satang: int
    rate_id: uuid.UUID | None


def lecturer_item(is_state: bool) -> str:
    return "lecturer_state" if is_state else "lecturer_nonstate"


def lecturer_fees(session: Session, rnd: TrainingRound) -> list[LecturerFee]:
    """Fees by the schedule: a session is (day, topic, format); only the first paid-headcount lecturers count."""
    slots = session.execute(
        select(RoundLecturer, Lecturer)
        .join(Lecturer, RoundLecturer.lecturer_id == Lecturer.id)
        .where(RoundLecturer.round_id == rnd.id, RoundLecturer.deleted.is_(False))
        .order_by(RoundLecturer.day_no, RoundLecturer.created_at, RoundLecturer.id)
    ).all()
    sessions: dict[tuple[int, str, str], list[tuple[RoundLecturer, Lecturer]]] = defaultdict(list)
    for slot, lec in slots:
        sessions[(slot.day_no, slot.topic.strip(), slot.format)].append((slot, lec))
    hours: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    unpaid: dict[uuid.UUID, list[str]] = defaultdict(list)
    people: dict[uuid.UUID, Lecturer] = {}
    for (day_no, topic, fmt), listed in sessions.items():
        # The same lecturer listed twice in one session is paid once, for the longer entry.
        longest: dict[uuid.UUID, tuple[RoundLecturer, Lecturer]] = {}
        for slot, lec in listed:
            if lec.id not in longest or slot.minutes > longest[lec.id][0].minutes:
                longest[lec.id] = (slot, lec)
        members = sorted(longest.values(), key=lambda m: listed.index(m))
        for n, (slot, lec) in enumerate(members):
            people[lec.id] = lec
            if n < HEADCOUNT_CAP[fmt]:
                hours[lec.id] += paid_hours(slot.minutes)
            else:
                unpaid[lec.id].append(f"วันที่ {day_no} {topic} ({FORMAT_LABELS[fmt]})")
    out = []
    for lec_id, lec in people.items():
        rate = rate_in_force(
            session,
            item=lecturer_item(lec.is_state),
            training_type=rnd.training_type,
            venue_type=rnd.venue_type,
            on=rnd.start_date,
        )
        h = hours.get(lec_id, Decimal(0))
        amount = line_amount(h, rate.ceiling_satang) if rate else 0
        name = f"{lec.prefix}{lec.first_name} {lec.last_name}".strip()
        out.append(LecturerFee(lec_id, name, lec.is_state, h, rate, amount, tuple(unpaid.get(lec_id, ()))))
    return out


def compute_plan(ctx: AppContext, round_id: uuid.UUID, *, headcount: int | None = None) -> list[PlanDraft]:
    """The computed lines (lunch, snacks, lecturer fees) at the ceilings in force on the round's first day."""
    with ctx.reading() as session:
        return _compute(session, load_round(session, round_id), headcount)


def _compute(session: Session, rnd: TrainingRound, headcount: int | None) -> list[PlanDraft]:
    people = rnd.capacity if headcount is None else headcount
    if people <= 0:
        raise ValidationError({"headcount": "จำนวนผู้เข้าอบรมตามแผนต้องมากกว่า 0 คน"})
    days = list(
        session.scalars(select(RoundDay).where(RoundDay.round_id == rnd.id, RoundDay.deleted.is_(False)))
    )
    lunches = sum(
        spans_lunch(has_am=d.has_am, has_pm=d.has_pm, starts_at=d.starts_at, ends_at=d.ends_at) for d in days
    )
    breaks = sum(breaks_of(has_am=d.has_am, has_pm=d.has_pm) for d in days)

    def rate(item: str) -> RateRow | None:
        return rate_in_force(
            session, item=item, training_type=rnd.training_type, venue_type=rnd.venue_type, on=rnd.start_date
        )

    out: list[PlanDraft] = []
    if lunches:
        # Lunch alone is "not every meal of the day", so the partial daily ceiling applies per lunch.
        meal = rate("meal_partial")
        price = meal.ceiling_satang if meal else 0
        qty = Decimal(people * lunches)
        out.append(
            PlanDraft(
                "lunch",
                f"{people:,} คน × {lunches} มื้อ",
                qty,
                price,
                line_amount(qty, price),
                meal.id if meal else None,
            )
        )
    if breaks:
        snack = rate("snack")
        price = snack.ceiling_satang if snack else 0
        qty = Decimal(people * breaks)
        out.append(
            PlanDraft(
                "snack",
                f"{people:,} คน × {breaks} มื้อ",
                qty,
                price,
                line_amount(qty, price),
                snack.id if snack else None,
            )
        )
    by_kind: dict[bool, Decimal] = defaultdict(Decimal)
    for fee in lecturer_fees(session, rnd):
        by_kind[fee.is_state] += fee.hours
    for is_state in (True, False):
        h = by_kind.get(is_state)
        if not h:
            continue
        r = rate(lecturer_item(is_state))
        price = r.ceiling_satang if r else 0
        kind = "บุคลากรของรัฐ" if is_state else "ไม่ใช่บุคลากรของรัฐ"
        out.append(
            PlanDraft(
                "lecturer",
                f"วิทยากร{kind} {h.normalize():f} ชั่วโมง",
                h,
                price,
                line_amount(h, price),
                r.id if r else None,
            )
        )
    return out


def apply_computed_plan(ctx: AppContext, round_id: uuid.UUID, *, headcount: int | None = None) -> int:
    """Replace the round's computed plan lines (lunch, snacks, lecturers) by a fresh computation; typed lines stay."""
    with ctx.transaction() as session:
        rnd = load_round(session, round_id)
        require_draft(session, rnd)
        drafts = _compute(session, rnd, headcount)
        old = session.scalars(
            select(ExpenseLine).where(
                ExpenseLine.round_id == rnd.id,
                ExpenseLine.kind == "plan",
                ExpenseLine.category.in_(COMPUTED_CATEGORIES),
                ExpenseLine.deleted.is_(False),
            )
        )
        for line in old:
            line.deleted = True
        for d in drafts:
            session.add(
                ExpenseLine(
                    office_code=rnd.office_code,
                    round_id=rnd.id,
                    kind="plan",
                    category=d.category,
                    description=d.description,
                    quantity=d.quantity,
                    unit_price_satang=d.unit_price_satang,
                    amount_satang=d.amount_satang,
                    rate_id=d.rate_id,
                    status="draft",
                )
            )
        audit.record(
            session,
            ctx,
            office_code=rnd.office_code,
            action="plan",
            entity="training_round",
            entity_id=rnd.id,
            changes={"plan_total_satang": [None, sum(d.amount_satang for d in drafts)]},
            summary=f"คำนวณแผนงบประมาณรุ่นที่ {rnd.number}/{rnd.fiscal_year} ตามอัตรา ({len(drafts)} รายการ)",
        )
        return len(drafts)
