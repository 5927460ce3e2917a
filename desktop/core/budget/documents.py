"""What the payment documents print: vouchers per payee and pay lists per category, from the ledger's effective lines."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from db.models import Lecturer, Person
from desktop.core import office
from desktop.core.budget.checks import load_round
from desktop.core.budget.duties import same_person
from desktop.core.budget.ledger import ACTUAL_NOTE, PaymentRow, _payments, present_half_days
from desktop.core.budget.rules import CATEGORY_LABELS, LEDGER_CATEGORIES, category_label
from desktop.core.budget.spending import get_state
from desktop.core.context import AppContext
from desktop.core.errors import RuleViolation, ValidationError
from desktop.core.numbering import numbers_for
from desktop.core.people import people


@dataclass(frozen=True, slots=True)
class RoundInfo:
    round_id: uuid.UUID
    number: int
    fiscal_year: int
    title: str
    start_date: date
    end_date: date
    venue: str
    office_name: str
    office_address: str
    payer_name: str
    approver_name: str
    spending_status: str
    approver_title: str = (
        ""  # the approver account's position, else the office head's title when the head approved
    )
    payer_position: str = ""  # the payer account's position (with staff accounts)


@dataclass(frozen=True, slots=True)
class VoucherItem:
    text: str
    amount_satang: int


@dataclass(frozen=True, slots=True)
class Voucher:
    """One payment line's receipt; its number was issued with the payment and is never reused."""

    number: str
    line_id: uuid.UUID
    payee_name: str
    national_id: str
    address: str
    paid_on: date | None
    items: tuple[VoucherItem, ...]

    @property
    def total_satang(self) -> int:
        return sum(i.amount_satang for i in self.items)


@dataclass(frozen=True, slots=True)
class PayListRow:
    voucher_no: str
    name: str
    rate_satang: int
    units: Decimal
    amount_satang: int
    paid_on: date | None
    note: str
    actual: bool = False  # transport at actual cost: no rate; units are the days present


@dataclass(frozen=True, slots=True)
class PayList:
    category: str
    rows: tuple[PayListRow, ...]

    @property
    def label(self) -> str:
        return category_label(self.category)

    @property
    def total_satang(self) -> int:
        return sum(r.amount_satang for r in self.rows)

    @property
    def units_label(self) -> str:
        return "จำนวนชั่วโมง" if self.category == "lecturer" else "จำนวนวัน"


def round_info(ctx: AppContext, round_id: uuid.UUID) -> RoundInfo:
    own = office.get_office(ctx)
    state = get_state(ctx, round_id)
    with ctx.reading() as session:
        rnd = load_round(session, round_id)
        return RoundInfo(
            rnd.id,
            rnd.number,
            rnd.fiscal_year,
            rnd.title,
            rnd.start_date,
            rnd.end_date,
            rnd.venue,
            own.name_th if own else "",
            own.address if own else "",
            state.payer_name,
            state.approved_by,
            state.status,
            state.approver_position
            or (
                own.head_position
                if own and own.head_name and same_person(own.head_name, state.approved_by)
                else ""
            ),
            state.payer_position,
        )


def _effective(ctx: AppContext, round_id: uuid.UUID, category: str | None) -> list[PaymentRow]:
    if category is not None and category not in CATEGORY_LABELS:
        known = ", ".join(CATEGORY_LABELS)
        raise ValidationError({"category": f'ไม่รู้จักหมวดค่าใช้จ่าย "{category}" (ใช้ได้: {known})'})
    with ctx.reading() as session:
        load_round(session, round_id)
        return [p for p in _payments(session, round_id, category) if p.effective]


def _units_text(units: Decimal) -> str:
    return f"{units.normalize():f}"


def _person_addresses(session, person_ids: set) -> dict:
    out = {}
    for start in range(0, len(person_ids), 500):
        chunk = list(person_ids)[start : start + 500]
        query = people.person_row_query().where(Person.id.in_(chunk))
        for r in session.execute(query):
            row = people.to_person_row(r)
            out[row.id] = (row.national_id, row.address_text)
    return out


def vouchers(ctx: AppContext, round_id: uuid.UUID, *, category: str | None = None) -> list[Voucher]:
    """One voucher per effective payment line, with its running number (reversed lines left out)."""
    lines = _effective(ctx, round_id, category)
    if not lines:
        raise RuleViolation("รุ่นนี้ยังไม่มีรายการจ่ายเงิน จึงไม่มีใบสำคัญรับเงินให้พิมพ์")
    info = round_info(ctx, round_id)
    person_ids = {p.person_id for p in lines if p.person_id}
    lecturer_ids = {p.lecturer_id for p in lines if p.lecturer_id}
    with ctx.reading() as session:
        persons = _person_addresses(session, person_ids)
        lecturers = {
            r[0]: (r[1] or "", r[2])
            for r in session.execute(
                select(Lecturer.id, Lecturer.national_id, Lecturer.address).where(
                    Lecturer.id.in_(lecturer_ids)
                )
            )
        }
        numbers = voucher_numbers(session, [p.id for p in lines])
    where = f"รุ่นที่ {info.number}/{info.fiscal_year}"
    out = []
    for p in lines:
        nid, address = persons.get(p.person_id) or lecturers.get(p.lecturer_id) or ("", "")
        unit = "ชั่วโมง" if p.category == "lecturer" else "วัน"
        text = f"{category_label(p.category)} โครงการฝึกอบรมครู ข {where}"
        if p.category != "transport" or p.units != 1:
            text += f" ({_units_text(p.units)} {unit} × {_baht(p.rate_satang)} บาท)"
        item = VoucherItem(text, p.amount_satang)
        out.append(Voucher(numbers.get(p.id, ""), p.id, p.payee_name, nid, address, p.paid_on, (item,)))
    return out


def voucher_numbers(session, line_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The running number issued with each payment line (older lines, paid before numbering, have none)."""
    return numbers_for(session, series="voucher", entity_table="payment_line", entity_ids=line_ids)


def pay_lists(ctx: AppContext, round_id: uuid.UUID, *, category: str | None = None) -> list[PayList]:
    """The group payment list of each ledger category (or one), effective lines in the order paid."""
    lines = _effective(ctx, round_id, category)
    with ctx.reading() as session:
        numbers = voucher_numbers(session, [p.id for p in lines])
        days = {x.person_id: x.days for x in present_half_days(session, round_id).values()}
    by_cat: dict[str, list[PayListRow]] = defaultdict(list)
    for p in lines:
        # Transport paid at actual cost is one amount per person (units 1): the list shows the days present.
        actual = p.note == ACTUAL_NOTE and p.person_id in days
        units = Decimal(days[p.person_id]) if actual else p.units
        by_cat[p.category].append(
            PayListRow(
                numbers.get(p.id, ""),
                p.payee_name,
                p.rate_satang,
                units,
                p.amount_satang,
                p.paid_on,
                p.override_reason,
                actual,
            )
        )
    cats = [c for c in (*LEDGER_CATEGORIES, *sorted(by_cat)) if c in by_cat]
    result = [PayList(c, tuple(by_cat[c])) for c in dict.fromkeys(cats)]
    if not result:
        raise RuleViolation("รุ่นนี้ยังไม่มีรายการจ่ายเงิน จึงไม่มีหลักฐานการจ่ายเงินให้พิมพ์")
    return result


def _baht(satang: int) -> str:
    from db.rules.money import format_baht

    return format_baht(satang)
