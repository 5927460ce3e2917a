"""What the payment documents print: vouchers per payee and pay lists per category, from the ledger's effective lines."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from db.models import District, Lecturer, Person, Province, Subdistrict, Village
from desktop.core import office
from desktop.core.budget.checks import load_round
from desktop.core.budget.ledger import PaymentRow, _payments
from desktop.core.budget.rules import CATEGORY_LABELS, LEDGER_CATEGORIES, category_label
from desktop.core.budget.spending import get_state
from desktop.core.context import AppContext
from desktop.core.errors import RuleViolation, ValidationError


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


@dataclass(frozen=True, slots=True)
class VoucherItem:
    text: str
    amount_satang: int


@dataclass(frozen=True, slots=True)
class Voucher:
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
    name: str
    rate_satang: int
    units: Decimal
    amount_satang: int
    paid_on: date | None
    note: str


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


def vouchers(ctx: AppContext, round_id: uuid.UUID, *, category: str | None = None) -> list[Voucher]:
    """One voucher per payee, listing what they were paid in the round (reversed lines left out)."""
    lines = _effective(ctx, round_id, category)
    if not lines:
        raise RuleViolation("รุ่นนี้ยังไม่มีรายการจ่ายเงิน จึงไม่มีใบสำคัญรับเงินให้พิมพ์")
    info = round_info(ctx, round_id)
    person_ids = {p.person_id for p in lines if p.person_id}
    lecturer_ids = {p.lecturer_id for p in lines if p.lecturer_id}
    with ctx.reading() as session:
        persons = {
            r[0]: (r[1], _address(r[2:]))
            for r in session.execute(
                select(
                    Person.id,
                    Person.national_id,
                    Village.moo,
                    Village.name_th,
                    Subdistrict.name_th,
                    District.name_th,
                    Province.name_th,
                )
                .outerjoin(Village, Person.village_id == Village.id)
                .outerjoin(Subdistrict, Village.subdistrict_id == Subdistrict.id)
                .outerjoin(District, Subdistrict.district_id == District.id)
                .outerjoin(Province, District.province_id == Province.id)
                .where(Person.id.in_(person_ids))
            )
        }
        lecturers = {
            r[0]: (r[1] or "", r[2])
            for r in session.execute(
                select(Lecturer.id, Lecturer.national_id, Lecturer.address).where(
                    Lecturer.id.in_(lecturer_ids)
                )
            )
        }
    grouped: dict[tuple, list[PaymentRow]] = defaultdict(list)
    for p in lines:
        grouped[(p.payee_kind, p.person_id or p.lecturer_id or p.payee_name)].append(p)
    where = f"รุ่นที่ {info.number}/{info.fiscal_year}"
    out = []
    for (_kind, _key), rows in grouped.items():
        first = rows[0]
        nid, address = "", ""
        if first.person_id in persons:
            nid, address = persons[first.person_id]
        elif first.lecturer_id in lecturers:
            nid, address = lecturers[first.lecturer_id]
        items = []
        for p in rows:
            unit = "ชั่วโมง" if p.category == "lecturer" else "วัน"
            text = (
                f"{category_label(p.category)} โครงการฝึกอบรมครู ข {where} "
                f"({_units_text(p.units)} {unit} × {_baht(p.rate_satang)} บาท)"
            )
            items.append(VoucherItem(text, p.amount_satang))
        paid = max((p.paid_on for p in rows if p.paid_on), default=None)
        out.append(Voucher(first.payee_name, nid, address, paid, tuple(items)))
    return out


def pay_lists(ctx: AppContext, round_id: uuid.UUID, *, category: str | None = None) -> list[PayList]:
    """The group payment list of each ledger category (or one), effective lines in the order paid."""
    lines = _effective(ctx, round_id, category)
    by_cat: dict[str, list[PayListRow]] = defaultdict(list)
    for p in lines:
        by_cat[p.category].append(
            PayListRow(p.payee_name, p.rate_satang, p.units, p.amount_satang, p.paid_on, "")
        )
    cats = [c for c in (*LEDGER_CATEGORIES, *sorted(by_cat)) if c in by_cat]
    result = [PayList(c, tuple(by_cat[c])) for c in dict.fromkeys(cats)]
    if not result:
        raise RuleViolation("รุ่นนี้ยังไม่มีรายการจ่ายเงิน จึงไม่มีหลักฐานการจ่ายเงินให้พิมพ์")
    return result


def _baht(satang: int) -> str:
    from db.rules.money import format_baht

    return format_baht(satang)


def _address(parts: tuple) -> str:
    moo, village, sub, district, province = parts
    if sub is None:
        return ""
    out = []
    if moo is not None:
        if village and not village.startswith("บ้าน"):
            village = f"บ้าน{village}"
        out.append(f"หมู่ที่ {moo}" + (f" {village}" if village else ""))
    out.append(f"ตำบล{sub}")
    if district:
        out.append(f"อำเภอ{district}")
    if province:
        out.append(f"จังหวัด{province}")
    return " ".join(out)
