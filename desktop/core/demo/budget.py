"""Demo budget for the demo province: rates, plans for every round, spending and payments for held rounds."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from db.base import new_id, utcnow
from db.models import AttendanceMark, Enrolment, Lecturer, RoundLecturer, TrainingRound
from desktop.core.budget import allocations, ledger, plan, spending
from desktop.core.budget.figures import money_by_round_category
from desktop.core.budget.rates import ensure_rates
from desktop.core.budget.spending import LineInput
from desktop.core.context import AppContext

LUNCH_SATANG = 12_000  # a realistic lunch, well under the ceiling
TRANSPORT_SATANG = 20_000  # the plan's transport per person per day present: the ceiling of an actual fare
APPROVER = "นางสาวพรทิพย์ ศรีสุข"
PAYER = "นางสมใจ ชาญวิทยากุล"  # the office's finance officer: neither a payee nor the approver
# Enrolments whose position in the round is a multiple of this were absent (when the demo marks attendance).
ABSENT_EVERY = 12


@dataclass(frozen=True)
class DemoBudget:
    plans: int
    payment_lines: int
    approved_rounds: int


def add_demo_budget(ctx: AppContext) -> DemoBudget:
    """Plans for every round; schedule, attendance (if none yet), spending and payments for held/closed rounds."""
    code = ctx.require_office_code()
    with ctx.transaction() as session:
        ensure_rates(session)
        rounds = session.execute(
            select(TrainingRound.id, TrainingRound.status, TrainingRound.end_date, TrainingRound.fiscal_year)
            .where(TrainingRound.office_code == code, TrainingRound.deleted.is_(False))
            .order_by(TrainingRound.start_date)
        ).all()
        lecturer_ids = list(
            session.scalars(
                select(Lecturer.id)
                .where(Lecturer.office_code == code)
                .order_by(Lecturer.created_at, Lecturer.id)
            )
        )
        _schedule(session, code, rounds, lecturer_ids)
        _attendance(session, code, [r for r in rounds if r[1] in ("held", "closed")])
    for rid, _status, _end, _fy in rounds:
        plan.apply_computed_plan(ctx, rid)
        _typed_plan(ctx, rid)
    _top_up_allocations(ctx, code, rounds)
    lines = 0
    done = [r for r in rounds if r[1] in ("held", "closed")]
    starts = _start_dates(ctx, [rid for rid, *_ in done])
    approved = 0
    for i, (rid, status, end, _fy) in enumerate(done):
        # Approved a week before the round, so its money is paid after the approval, never before it.
        spending.approve(ctx, rid, approver=APPROVER, on=starts[rid] - timedelta(days=7), payer_name=PAYER)
        approved += 1
        if _actuals(ctx, rid):
            lines += _pay_transport(ctx, rid, paid_on=end)
        lines += ledger.pay_lecturers(ctx, rid, paid_on=end).lines
        if i == len(done) - 3:  # one mistake, corrected by a reversal
            first = next((p for p in ledger.list_payments(ctx, rid) if p.payee_kind == "person"), None)
            if first is not None:
                ledger.reverse(ctx, first.id, reason="จ่ายซ้ำกับใบสำคัญเดิม (ข้อมูลตัวอย่าง)")
                lines += 1
        if status == "closed" and i < 3:
            spending.mark_exported(ctx, rid)
    return DemoBudget(len(rounds), lines, approved)


def _pay_transport(ctx: AppContext, rid, *, paid_on: date) -> int:
    """Each present person's actual fare from the signed sheet: different amounts, within the ceiling."""
    rng = random.Random(str(rid))
    entries = []
    for row in ledger.transport_sheet(ctx, rid):
        ceiling = row.ceiling_satang or TRANSPORT_SATANG * row.days
        fare = rng.randrange(6, 21) * 1_000 * row.days  # 60.00 to 200.00 a day, the round trip by songthaew
        entries.append(ledger.TransportEntry(row.person_id, min(fare, ceiling)))
    if not entries:
        return 0
    return ledger.pay_transport(ctx, rid, entries=entries, paid_on=paid_on).lines


def _start_dates(ctx: AppContext, ids: list) -> dict:
    with ctx.reading() as session:
        return dict(
            session.execute(
                select(TrainingRound.id, TrainingRound.start_date).where(TrainingRound.id.in_(ids))
            ).all()
        )


def _schedule(session, code: str, rounds, lecturer_ids: list) -> None:
    """A lecture, a panel and a breakout on day 1 of every round that has no schedule yet."""
    if len(lecturer_ids) < 4:
        return
    have = set(session.scalars(select(RoundLecturer.round_id).distinct()))
    now = utcnow()
    rows = []
    n = len(lecturer_ids)
    for i, (rid, _status, _end, _fy) in enumerate(rounds):
        if rid in have:
            continue
        panel = "การขึ้นทะเบียนแรงงานอิสระผ่าน Mobile Application"
        panelists = dict.fromkeys(
            [lecturer_ids[(i + 1) % n], lecturer_ids[(i + 2) % n], lecturer_ids[-1 - i % 2]]
        )
        slots = [
            (lecturer_ids[i % n], "ความรู้เกี่ยวกับแรงงานอิสระและกฎหมาย", "lecture", 110),
            *((lid, panel, "panel", 85) for lid in panelists),
            (lecturer_ids[(i + 3) % n], "ฝึกปฏิบัติการลงพื้นที่เคาะประตูบ้าน", "breakout", 50),
        ]
        for k, (lid, topic, fmt, minutes) in enumerate(slots):
            rows.append(
                {
                    "id": new_id(),
                    "office_code": code,
                    "created_at": now + timedelta(microseconds=k),
                    "updated_at": now,
                    "version": 1,
                    "deleted": False,
                    "round_id": rid,
                    "lecturer_id": lid,
                    "day_no": 1,
                    "topic": topic,
                    "format": fmt,
                    "minutes": minutes,
                }
            )
    if rows:
        session.execute(insert(RoundLecturer), rows)


def _attendance(session, code: str, rounds) -> None:
    """Rounds with no attendance yet: a deterministic subset present in every half-day of every day."""
    marked = set(session.scalars(select(AttendanceMark.round_id).distinct()))
    now = utcnow()
    rows = []
    for rid, _status, end, _fy in rounds:
        if rid in marked:
            continue
        days = session.scalar(select(TrainingRound.start_date).where(TrainingRound.id == rid))
        n_days = (end - days).days + 1
        enrolled = session.scalars(
            select(Enrolment.id)
            .where(Enrolment.round_id == rid, Enrolment.status == "enrolled", Enrolment.deleted.is_(False))
            .order_by(Enrolment.id)
        ).all()
        for k, eid in enumerate(enrolled, start=1):
            if k % ABSENT_EVERY == 0:
                continue
            for d in range(1, n_days + 1):
                at = datetime.combine(days + timedelta(days=d - 1), time(8, 30), tzinfo=UTC)
                for half in ("am", "pm"):
                    rows.append(
                        {
                            "id": new_id(),
                            "office_code": code,
                            "created_at": now,
                            "updated_at": now,
                            "version": 1,
                            "deleted": False,
                            "round_id": rid,
                            "enrolment_id": eid,
                            "day_no": d,
                            "half": half,
                            "present": True,
                            "source": "sheet",
                            "recorded_by": "demo",
                            "device_id": "",
                            "recorded_at": at,
                        }
                    )
    if rows:
        session.execute(insert(AttendanceMark), rows)


def _typed_plan(ctx: AppContext, rid) -> None:
    lines = spending.list_lines(ctx, rid, kind="plan")
    for line in lines:
        if line.category == "lunch":  # the officer plans a real price, below the ceiling
            spending.update_line(
                ctx,
                line.id,
                LineInput(
                    kind="plan",
                    category="lunch",
                    description=line.description,
                    quantity=line.quantity,
                    unit_price_satang=LUNCH_SATANG,
                    rate_id=line.rate_id,
                ),
            )
    with ctx.reading() as session:
        rnd = session.get(TrainingRound, rid)
        n_days = (rnd.end_date - rnd.start_date).days + 1
        headcount = rnd.capacity  # the plan is for the seats (the lunch line counts lunches, not people)
    typed = [
        ("venue", "ค่าเช่าห้องประชุมและเครื่องเสียง", Decimal(n_days), 300_000),
        ("materials", "เอกสารประกอบการอบรม กระเป๋า ปากกา", Decimal(headcount), 4_500),
        ("transport", f"{headcount:,} คน × {n_days} วัน", Decimal(headcount * n_days), TRANSPORT_SATANG),
        ("signage", "ป้ายไวนิลโครงการ", Decimal(1), 80_000),
    ]
    for category, text, qty, price in typed:
        spending.add_line(
            ctx,
            rid,
            LineInput(
                kind="plan", category=category, description=text, quantity=qty, unit_price_satang=price
            ),
        )


def _actuals(ctx: AppContext, rid) -> bool:
    """Actual lines from those present; False when nobody was (a tiny demo)."""
    with ctx.reading() as session:
        present = ledger.present_half_days(session, rid)
        rnd = session.get(TrainingRound, rid)
        n_days = (rnd.end_date - rnd.start_date).days + 1
    people = len(present)
    if not people:
        return False
    halves = sum(p.half_days for p in present.values())
    days = sum(p.days for p in present.values())
    for category, text, qty, price in (
        ("lunch", f"{people:,} คน", Decimal(days), LUNCH_SATANG),
        ("snack", f"{halves:,} ที่", Decimal(halves), 3_500 if rnd.venue_type == "government" else 5_000),
        ("venue", "ค่าเช่าห้องประชุมและเครื่องเสียง", Decimal(n_days), 300_000),
        ("materials", "เอกสารประกอบการอบรม", Decimal(people), 4_250),
        ("signage", "ป้ายไวนิลโครงการ", Decimal(1), 75_000),
    ):
        spending.add_line(
            ctx,
            rid,
            LineInput(
                kind="actual", category=category, description=text, quantity=qty, unit_price_satang=price
            ),
        )
    return True


def _top_up_allocations(ctx: AppContext, code: str, rounds) -> None:
    """A second transfer per fiscal year when the plans need more than the first one gave.

    Past years get 5 % more than planned; the newest year 5 % less, so the report's warning about plans
    beyond what is left shows in the demo (its held rounds still fit: they spend less than planned).
    """
    by_year: dict[int, list] = {}
    for rid, _s, _e, fy in rounds:
        by_year.setdefault(fy, []).append(rid)
    newest = max(by_year, default=0)
    for fy, ids in sorted(by_year.items()):
        with ctx.reading() as session:
            sums = money_by_round_category(session, office_code=code, fiscal_year=fy)
            planned = sum(m.planned for (rid, _category), m in sums.items() if rid in ids)
            have = allocations.allocated_total(session, office_code=code, fiscal_year=fy)
        factor = 95 if fy == newest else 105
        target = math.ceil(planned * factor / 100 / 1_000_000) * 1_000_000  # whole 10,000 baht
        if target <= have:
            continue
        allocations.create_allocation(
            ctx,
            allocations.AllocationInput(
                fiscal_year=fy,
                amount_satang=target - have,
                ref_no=f"รง 0216/ว {fy - 2000}2",
                ref_date=date(fy - 544, 12, 15),
                note="งวดที่ 2",
            ),
        )
