"""The payment ledger: append-only lines per payee, corrected only by reversals; allowances and lecturer fees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Enrolment, ExpenseLine, Lecturer, PaymentLine, Person, RoundSpending, TrainingRound
from db.rules.thai_time import bangkok_today
from desktop.core import audit
from desktop.core.accounts.permissions import accounts_exist
from desktop.core.accounts.session import SignedIn
from desktop.core.budget.checks import (
    OverLimit,
    check_allocation,
    check_ceiling,
    check_override,
    load_round,
    require_approved,
    round_label,
)
from desktop.core.budget.duties import check_payee
from desktop.core.budget.plan import lecturer_fees, lecturer_item
from desktop.core.budget.rates import rate_in_force
from desktop.core.budget.rules import (
    CATEGORY_LABELS,
    PARTICIPANT_CATEGORIES,
    Override,
    baht,
    category_label,
    line_amount,
)
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, RuleViolation, ValidationError
from desktop.core.numbering import issue_number
from desktop.core.rounds.attendance import latest_marks


@dataclass(frozen=True, slots=True)
class Presence:
    enrolment_id: uuid.UUID
    person_id: uuid.UUID
    half_days: int
    days: int  # days with at least one half-day present


@dataclass
class PaymentInput:
    category: str = ""
    payee_kind: str = "other"
    payee_name: str = ""
    person_id: uuid.UUID | None = None
    lecturer_id: uuid.UUID | None = None
    rate_satang: int = 0
    units: Decimal = Decimal(1)
    paid_on: date | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class PaymentRow:
    id: uuid.UUID
    round_id: uuid.UUID
    category: str
    payee_kind: str
    person_id: uuid.UUID | None
    lecturer_id: uuid.UUID | None
    payee_name: str
    rate_satang: int
    units: Decimal
    amount_satang: int
    reverses_id: uuid.UUID | None
    reversed: bool
    paid_on: date | None
    note: str
    override_reason: str
    override_by: str
    created_at: object

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None

    @property
    def effective(self) -> bool:
        """An original line that no reversal cancelled: what the pay list and vouchers show."""
        return not self.reversed and not self.is_reversal


@dataclass(frozen=True, slots=True)
class BatchResult:
    lines: int
    total_satang: int
    skipped: int  # already paid, or nothing owed


# ------------------------------------------------------------------------------------------ attendance


def present_half_days(session: Session, round_id: uuid.UUID) -> dict[uuid.UUID, Presence]:
    """Present half-days per enrolment, by the attendance module's rule (the newest mark per half-day counts)."""
    halves: dict[uuid.UUID, set[tuple[int, str]]] = {}
    for (enrolment_id, day_no, half), (present, _at) in latest_marks(session, round_id).items():
        if present:
            halves.setdefault(enrolment_id, set()).add((day_no, half))
    if not halves:
        return {}
    person_of = dict(
        session.execute(
            select(Enrolment.id, Enrolment.person_id).where(
                Enrolment.round_id == round_id,
                Enrolment.status == "enrolled",
                Enrolment.deleted.is_(False),
            )
        ).all()
    )
    return {
        eid: Presence(eid, person_of[eid], len(h), len({day for day, _ in h}))
        for eid, h in halves.items()
        if eid in person_of
    }


# ------------------------------------------------------------------------------------------ writing


def _check_round_payable(session: Session, rnd: TrainingRound, *, paid_on: date | None) -> None:
    require_approved(session, rnd, paid_on=paid_on)
    if rnd.status not in ("held", "closed"):
        raise RuleViolation(f"{round_label(rnd)} ยังไม่ได้จัดอบรม จึงยังจ่ายเงินไม่ได้")


def _validate(data: PaymentInput) -> Decimal:
    errors: dict[str, str] = {}
    if data.category not in CATEGORY_LABELS:
        errors["category"] = f'หมวดค่าใช้จ่าย "{data.category}" ไม่ถูกต้อง'
    if data.payee_kind not in ("person", "lecturer", "other"):
        errors["payee_kind"] = "ประเภทผู้รับเงินไม่ถูกต้อง"
    if data.payee_kind == "person" and data.person_id is None:
        errors["person_id"] = "กรุณาเลือกผู้เข้ารับการอบรมที่รับเงิน"
    if data.payee_kind == "lecturer" and data.lecturer_id is None:
        errors["lecturer_id"] = "กรุณาเลือกวิทยากรที่รับเงิน"
    if data.payee_kind == "other" and not data.payee_name.strip():
        errors["payee_name"] = "กรุณากรอกชื่อผู้รับเงิน"
    if not isinstance(data.rate_satang, int) or data.rate_satang <= 0:
        errors["rate_satang"] = "อัตราต้องมากกว่า 0 บาท"
    units = Decimal(data.units)
    if units <= 0 or units != units.quantize(Decimal("0.01")):
        errors["units"] = "จำนวน (วัน/ชั่วโมง) ต้องมากกว่า 0 และมีทศนิยมไม่เกิน 2 ตำแหน่ง"
    if data.paid_on is None:
        errors["paid_on"] = "กรุณาระบุวันที่จ่ายเงิน"
    if errors:
        raise ValidationError(errors)
    return units


def _person_name(p: Person) -> str:
    return f"{p.prefix}{p.first_name} {p.last_name}".strip()


def _lecturer_name(lec: Lecturer) -> str:
    return f"{lec.prefix}{lec.first_name} {lec.last_name}".strip()


def require_lecturer_address(lec: Lecturer) -> None:
    """A voucher must name where the payee lives or works, so a lecturer without one cannot be paid."""
    if not (lec.address or "").strip():
        raise RuleViolation(
            f"วิทยากร {_lecturer_name(lec)} ยังไม่มี 'ที่อยู่หรือที่ทำการ' (สถานที่อยู่หรือที่ทำการ) "
            "ซึ่งต้องพิมพ์ในใบสำคัญรับเงิน จึงจ่ายเงินไม่ได้ กรุณาบันทึกในข้อมูลวิทยากรก่อน"
        )


def add_payment(
    ctx: AppContext, round_id: uuid.UUID, data: PaymentInput, *, override: Override | None = None
) -> PaymentRow:
    """Append one payment line, after the lock, attendance, ceiling and allocation checks."""
    units = _validate(data)
    check_override(override, ctx=ctx)
    with ctx.transaction() as session:
        rnd = load_round(session, round_id)
        _check_round_payable(session, rnd, paid_on=data.paid_on)
        name = data.payee_name.strip()
        if data.payee_kind == "person":
            person = session.get(Person, data.person_id)
            if person is None:
                raise NotFoundError("ไม่พบผู้รับเงินนี้")
            name = _person_name(person)
            if data.category in PARTICIPANT_CATEGORIES:
                present = {p.person_id: p for p in present_half_days(session, rnd.id).values()}
                seen = present.get(person.id)
                if seen is None:
                    raise RuleViolation(
                        f"{name} ไม่มีบันทึกการเข้าอบรมใน{round_label(rnd)} "
                        f"จึงจ่าย{category_label(data.category)}ไม่ได้ (จ่ายเฉพาะผู้ที่ลงชื่อเข้าอบรม)"
                    )
                if units > seen.days:
                    raise RuleViolation(
                        f"{name} เข้าอบรม {seen.days} วัน จ่าย{category_label(data.category)} {units} วันไม่ได้"
                    )
        elif data.payee_kind == "lecturer":
            lec = session.get(Lecturer, data.lecturer_id)
            if lec is None:
                raise NotFoundError("ไม่พบวิทยากรนี้")
            name = _lecturer_name(lec)
            require_lecturer_address(lec)
            if data.category == "lecturer":
                rate = rate_in_force(
                    session,
                    item=lecturer_item(lec.is_state),
                    training_type=rnd.training_type,
                    venue_type=rnd.venue_type,
                    on=rnd.start_date,
                )
                check_ceiling(
                    category="lecturer",
                    unit_price_satang=data.rate_satang,
                    rate=rate,
                    override=override,
                    what=f"ค่าตอบแทนวิทยากร {name}",
                )
        amount = line_amount(units, data.rate_satang)
        check_allocation(session, rnd, adding_satang=amount, override=override)
        line = _append(
            session,
            ctx,
            rnd,
            category=data.category,
            payee_kind=data.payee_kind,
            person_id=data.person_id,
            lecturer_id=data.lecturer_id,
            payee_name=name,
            rate_satang=data.rate_satang,
            units=units,
            amount=amount,
            paid_on=data.paid_on,
            note=data.note.strip(),
            override=override,
        )
        return _payment_row(line, reversed_=False)


def _append(
    session: Session,
    ctx: AppContext,
    rnd: TrainingRound,
    *,
    category: str,
    payee_kind: str,
    payee_name: str,
    rate_satang: int,
    units: Decimal,
    amount: int,
    paid_on: date | None,
    person_id: uuid.UUID | None = None,
    lecturer_id: uuid.UUID | None = None,
    reverses_id: uuid.UUID | None = None,
    note: str = "",
    override: Override | None = None,
    audit_it: bool = True,
) -> PaymentLine:
    if reverses_id is None:
        check_payee(
            session, rnd, payee=payee_name, category=category, person_id=person_id, lecturer_id=lecturer_id
        )
    line = PaymentLine(
        office_code=rnd.office_code,
        round_id=rnd.id,
        category=category,
        payee_kind=payee_kind,
        person_id=person_id,
        lecturer_id=lecturer_id,
        payee_name=payee_name,
        rate_satang=rate_satang,
        units=units,
        amount_satang=amount,
        reverses_id=reverses_id,
        paid_on=paid_on,
        note=note,
        override_reason=override.reason.strip() if override else "",
        override_by=override.approver.strip() if override else "",
    )
    session.add(line)
    session.flush()
    if reverses_id is None:  # the voucher's number, issued with the money it records (a reversal voids it)
        issue_number(
            session,
            office_code=rnd.office_code,
            device_id=ctx.device_id,
            series="voucher",
            fiscal_year=rnd.fiscal_year,
            entity_table="payment_line",
            entity_id=line.id,
            issued_by=ctx.user_name,
        )
    if audit_it:
        audit.record(
            session,
            ctx,
            office_code=rnd.office_code,
            action="reverse" if reverses_id else "pay",
            entity="payment_line",
            entity_id=line.id,
            changes={
                "payee_name": [None, payee_name],
                "category": [None, category],
                "amount_satang": [None, amount],
                **({"reverses_id": [None, str(reverses_id)]} if reverses_id else {}),
                **({"override_reason": [None, line.override_reason]} if override else {}),
            },
            summary=f"{'กลับรายการ' if reverses_id else 'จ่าย'}{category_label(category)} {payee_name} {baht(amount)}",
        )
    return line


def _net_paid(session: Session, round_id: uuid.UUID, category: str, column) -> dict[uuid.UUID, int]:
    return {
        k: int(v)
        for k, v in session.execute(
            select(column, func.sum(PaymentLine.amount_satang))
            .where(
                PaymentLine.round_id == round_id,
                PaymentLine.category == category,
                PaymentLine.deleted.is_(False),
                column.is_not(None),
            )
            .group_by(column)
        )
    }


ACTUAL_NOTE = "จ่ายตามจริง"  # the note of a transport line paid at actual cost (one amount, no rate)


@dataclass(frozen=True, slots=True)
class TransportEntry:
    """What one present participant actually spent on transport, from the signed sheet."""

    person_id: uuid.UUID
    amount_satang: int
    reason: str = ""  # why more than the per-person ceiling was paid (required then)


@dataclass(frozen=True, slots=True)
class TransportRow:
    """A participant recorded present, for the transport grid: the ceiling is a suggestion, never a default."""

    person_id: uuid.UUID
    name: str
    days: int
    ceiling_satang: int | None  # the approved plan's per-person-day amount × days present
    paid_satang: int  # net of reversals


def _transport_rate(session: Session, round_id: uuid.UUID) -> int | None:
    """The plan's transport amount per person per day (the round's default), or None without a plan line."""
    return session.scalar(
        select(func.max(ExpenseLine.unit_price_satang)).where(
            ExpenseLine.round_id == round_id,
            ExpenseLine.kind == "plan",
            ExpenseLine.category == "transport",
            ExpenseLine.deleted.is_(False),
        )
    )


def transport_sheet(ctx: AppContext, round_id: uuid.UUID) -> list[TransportRow]:
    """The people recorded present in the round, by name, with their ceiling and what they were paid."""
    with ctx.reading() as session:
        rnd = load_round(session, round_id)
        presence = {p.person_id: p for p in present_half_days(session, rnd.id).values()}
        rate = _transport_rate(session, rnd.id)
        paid = _net_paid(session, rnd.id, "transport", PaymentLine.person_id)
        people = (
            session.scalars(select(Person).where(Person.id.in_(list(presence)))).all() if presence else []
        )
        rows = [
            TransportRow(
                p.id,
                _person_name(p),
                presence[p.id].days,
                rate * presence[p.id].days if rate else None,
                paid.get(p.id, 0),
            )
            for p in people
        ]
    rows.sort(key=lambda r: r.name)
    return rows


def pay_transport(
    ctx: AppContext,
    round_id: uuid.UUID,
    *,
    entries: list[TransportEntry],
    paid_on: date,
    approver: str = "",
    approver_account: SignedIn | None = None,
) -> BatchResult:
    """Pay each present participant the transport they actually spent, from the signed sheet, in one go.

    Refused as a whole (nothing written): someone not recorded present, someone already paid, an amount that
    is not positive, an amount above the per-person ceiling (the approved plan's amount × days present)
    without a reason. The approver of an amount above the ceiling is the one given, else the round's.
    """
    if not entries:
        raise ValidationError({"entries": "ยังไม่ได้กรอกค่าพาหนะของผู้ใด"})
    seen: set[uuid.UUID] = set()
    for e in entries:
        if e.person_id in seen:
            raise ValidationError({"entries": "มีผู้เข้าอบรมซ้ำในรายการค่าพาหนะ"})
        seen.add(e.person_id)
    with ctx.transaction() as session:
        rnd = load_round(session, round_id)
        _check_round_payable(session, rnd, paid_on=paid_on)
        presence = {p.person_id: p for p in present_half_days(session, rnd.id).values()}
        paid = _net_paid(session, rnd.id, "transport", PaymentLine.person_id)
        people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(list(seen))))}
        rate = _transport_rate(session, rnd.id)
        who = approver.strip() or session.scalar(
            select(RoundSpending.approved_by).where(RoundSpending.round_id == rnd.id)
        )
        lines = []
        for e in entries:
            person = people.get(e.person_id)
            if person is None:
                raise NotFoundError("ไม่พบผู้รับเงินนี้")
            name = _person_name(person)
            if not isinstance(e.amount_satang, int) or e.amount_satang <= 0:
                raise ValidationError({"amount_satang": f"ค่าพาหนะของ {name} ต้องมากกว่า 0 บาท"})
            present = presence.get(e.person_id)
            if present is None:
                raise RuleViolation(
                    f"{name} ไม่มีบันทึกการเข้าอบรมใน{round_label(rnd)} จึงจ่ายค่าพาหนะไม่ได้ (จ่ายเฉพาะผู้ที่ลงชื่อเข้าอบรม)"
                )
            if paid.get(e.person_id, 0) > 0:
                raise RuleViolation(
                    f"จ่ายค่าพาหนะให้ {name} แล้ว {baht(paid[e.person_id])} หากจำนวนผิดให้กลับรายการเดิมก่อน"
                )
            ceiling = rate * present.days if rate else None
            override = None
            if ceiling is not None and e.amount_satang > ceiling:
                if not e.reason.strip():
                    raise OverLimit(
                        f"ค่าพาหนะของ {name} {baht(e.amount_satang)} เกินเพดานต่อคน {baht(ceiling)} "
                        f"({present.days} วัน × {baht(rate)} ตามแผนที่อนุมัติ) ต้องระบุเหตุผลที่จ่ายเกิน"
                    )
                if approver_account is None and accounts_exist(session):
                    # The screen then asks an approver to sign in on the override form (never a typed name).
                    raise OverLimit(
                        f"ค่าพาหนะของ {name} {baht(e.amount_satang)} เกินเพดานต่อคน {baht(ceiling)} "
                        f"({present.days} วัน × {baht(rate)} ตามแผนที่อนุมัติ) "
                        "การจ่ายเกินเพดานต้องให้ผู้อนุมัติเข้าสู่ระบบเพื่ออนุมัติ"
                    )
                override = Override(e.reason.strip(), who or "", approver_account)
                check_override(override, ctx=ctx)  # with accounts: the approver signed in for it
            lines.append((e, person, name, present, override))
        total = sum(e.amount_satang for e in entries)
        check_allocation(session, rnd, adding_satang=total, override=None)
        for e, person, name, _present, override in lines:
            _append(
                session,
                ctx,
                rnd,
                category="transport",
                payee_kind="person",
                person_id=person.id,
                payee_name=name,
                rate_satang=e.amount_satang,
                units=Decimal(1),
                amount=e.amount_satang,
                paid_on=paid_on,
                note=ACTUAL_NOTE,
                override=override,
                audit_it=False,
            )
        audit.record(
            session,
            ctx,
            office_code=rnd.office_code,
            action="pay",
            entity="training_round",
            entity_id=rnd.id,
            changes={"lines": [None, len(lines)], "total_satang": [None, total]},
            summary=f"จ่ายค่าพาหนะตามจริง {round_label(rnd)} {len(lines)} คน รวม {baht(total)}",
        )
        return BatchResult(len(lines), total, 0)


def pay_lecturers(
    ctx: AppContext, round_id: uuid.UUID, *, paid_on: date, override: Override | None = None
) -> BatchResult:
    """Pay each lecturer the fee the schedule gives (paid hours × the ceiling of their kind), once each."""
    check_override(override, ctx=ctx)
    with ctx.transaction() as session:
        rnd = load_round(session, round_id)
        _check_round_payable(session, rnd, paid_on=paid_on)
        fees = lecturer_fees(session, rnd)
        paid = _net_paid(session, rnd.id, "lecturer", PaymentLine.lecturer_id)
        todo = [f for f in fees if f.amount_satang > 0 and paid.get(f.lecturer_id, 0) <= 0]
        for f in todo:
            lec = session.get(Lecturer, f.lecturer_id)
            assert lec is not None
            require_lecturer_address(lec)
        total = sum(f.amount_satang for f in todo)
        check_allocation(session, rnd, adding_satang=total, override=override)
        for f in todo:
            assert f.rate is not None
            _append(
                session,
                ctx,
                rnd,
                category="lecturer",
                payee_kind="lecturer",
                lecturer_id=f.lecturer_id,
                payee_name=f.name,
                rate_satang=f.rate.ceiling_satang,
                units=f.hours,
                amount=f.amount_satang,
                paid_on=paid_on,
                note="; ".join(f"ไม่เบิก: {s}" for s in f.unpaid_sessions),
                override=override,
            )
        return BatchResult(len(todo), total, len(fees) - len(todo))


def reverse(ctx: AppContext, payment_id: uuid.UUID, *, reason: str) -> PaymentRow:
    """Cancel a payment by appending its negative; the original line is never edited."""
    if not reason.strip():
        raise ValidationError({"reason": "การกลับรายการจ่ายเงินต้องระบุเหตุผล"})
    with ctx.transaction() as session:
        line = session.get(PaymentLine, payment_id)
        if line is None or line.deleted:
            raise NotFoundError("ไม่พบรายการจ่ายเงินนี้")
        rnd = load_round(session, line.round_id)
        require_approved(session, rnd)  # a correction of a payment, while payments may still be made
        if line.reverses_id is not None:
            raise RuleViolation("รายการนี้เป็นการกลับรายการอยู่แล้ว กลับซ้ำไม่ได้ ให้บันทึกการจ่ายใหม่แทน")
        if session.scalar(
            select(func.count()).where(PaymentLine.reverses_id == line.id, PaymentLine.deleted.is_(False))
        ):
            raise RuleViolation(f"รายการจ่ายเงินให้ {line.payee_name} ถูกกลับรายการไปแล้ว")
        rev = _append(
            session,
            ctx,
            rnd,
            category=line.category,
            payee_kind=line.payee_kind,
            person_id=line.person_id,
            lecturer_id=line.lecturer_id,
            payee_name=line.payee_name,
            rate_satang=line.rate_satang,
            units=-Decimal(line.units),
            amount=-line.amount_satang,
            paid_on=bangkok_today(),
            reverses_id=line.id,
            note=reason.strip(),
        )
        return _payment_row(rev, reversed_=False)


# ------------------------------------------------------------------------------------------ reading


def _payment_row(p: PaymentLine, *, reversed_: bool) -> PaymentRow:
    return PaymentRow(
        p.id,
        p.round_id,
        p.category,
        p.payee_kind,
        p.person_id,
        p.lecturer_id,
        p.payee_name,
        p.rate_satang,
        Decimal(p.units),
        p.amount_satang,
        p.reverses_id,
        reversed_,
        p.paid_on,
        p.note,
        p.override_reason,
        p.override_by,
        p.created_at,
    )


def list_payments(ctx: AppContext, round_id: uuid.UUID, *, category: str | None = None) -> list[PaymentRow]:
    """Every ledger line of a round in the order written, with whether a later line reversed it."""
    with ctx.reading() as session:
        return _payments(session, round_id, category)


def _payments(session: Session, round_id: uuid.UUID, category: str | None) -> list[PaymentRow]:
    # A reversal always belongs to its original's round, so the round's own lines tell which were reversed.
    reversed_ids = set(
        session.scalars(
            select(PaymentLine.reverses_id).where(
                PaymentLine.round_id == round_id,
                PaymentLine.reverses_id.is_not(None),
                PaymentLine.deleted.is_(False),
            )
        )
    )
    query = (
        select(PaymentLine)
        .where(PaymentLine.round_id == round_id, PaymentLine.deleted.is_(False))
        .order_by(PaymentLine.created_at, PaymentLine.id)
    )
    if category is not None:
        query = query.where(PaymentLine.category == category)
    return [_payment_row(p, reversed_=p.id in reversed_ids) for p in session.scalars(query)]


def presence_of(ctx: AppContext, round_id: uuid.UUID) -> dict[uuid.UUID, Presence]:
    with ctx.reading() as session:
        return present_half_days(session, round_id)
