"""Check-in by the national ID card: the same rules as a typed ID (attendance.check_in), the mark's source "card"."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from db.models import Person
from db.rules.prefixes import canonical_prefix
from desktop.core import audit
from desktop.core.cardreader.thaiid import CardData
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, StaleEditError
from desktop.core.people.people import PersonRow, get_person
from desktop.core.rounds import attendance
from desktop.core.rounds.attendance import THAI_TIME, CheckInResult


@dataclass(frozen=True)
class WalkInPrefill:
    """What the walk-in form takes from the chip (the photo never leaves the card)."""

    national_id: str
    prefix: str
    first_name: str
    last_name: str
    birth_date: date | None
    house_no: str
    moo: str
    subdistrict: str
    district: str
    province: str


def walk_in_prefill(card: CardData) -> WalkInPrefill:
    a = card.address
    return WalkInPrefill(
        card.national_id,
        card.prefix,
        " ".join(p for p in (card.first_name, card.middle_name) if p),
        card.last_name,
        card.birth_date,
        a.house_no,
        a.moo,
        a.subdistrict,
        a.district,
        a.province,
    )


def check_in_card(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    day_no: int,
    half: str,
    card: CardData,
    today: date | None = None,
) -> CheckInResult:
    """Check the card's holder in; an expired card is still the holder's, so it only adds a warning."""
    today = today or datetime.now(THAI_TIME).date()
    result = attendance.check_in(
        ctx,
        round_id=round_id,
        day_no=day_no,
        half=half,
        national_id=card.national_id,
        today=today,
        source="card",
    )
    warning = card.expiry_warning(today)
    return replace(result, message=f"{result.message}\n⚠ {warning}") if warning else result


NAME_FIELDS = {"prefix": "คำนำหน้า", "first_name": "ชื่อ", "last_name": "นามสกุล"}
PLACE_FIELDS = {"moo": "หมู่ที่", "subdistrict": "ตำบล", "district": "อำเภอ", "province": "จังหวัด"}


def _card_names(card: CardData) -> dict[str, str]:
    first = " ".join(p for p in (card.first_name, card.middle_name) if p)
    return {"prefix": canonical_prefix(card.prefix), "first_name": first, "last_name": card.last_name}


def differences(person: PersonRow, card: CardData) -> dict[str, tuple[str, str]]:
    """{field: (stored, on the card)} for the names, and the place (หมู่ที่ to จังหวัด) where both have one.

    The names can be updated from the card (update_names_from_card); the place is the person's village in
    the roster, so a different registered address is only shown (people live away from their house registration).
    """
    out = {k: (getattr(person, k), v) for k, v in _card_names(card).items() if v and getattr(person, k) != v}
    a = card.address
    stored_place = {
        "moo": str(person.moo) if person.moo else "",
        "subdistrict": person.subdistrict,
        "district": person.district,
        "province": person.province,
    }
    for key, value in stored_place.items():
        on_card = getattr(a, key)
        if value and on_card and value != on_card:
            out[key] = (value, on_card)
    return out


def differences_text(diff: dict[str, tuple[str, str]]) -> str:
    labels = {**NAME_FIELDS, **PLACE_FIELDS}
    return "; ".join(f"{labels[k]}: {old or '-'} → {new}" for k, (old, new) in diff.items())


def update_names_from_card(
    ctx: AppContext, *, person_id: uuid.UUID, card: CardData, expected_version: int
) -> PersonRow:
    """Set the stored prefix and names to the card's (audited as from the card); the ID must be the card's."""
    names = _card_names(card)
    with ctx.transaction() as session:
        person = session.get(Person, person_id)
        if person is None or person.deleted or person.national_id != card.national_id:
            raise NotFoundError("ไม่พบบุคคลที่ตรงกับบัตรนี้")
        if person.version != expected_version:
            raise StaleEditError("ข้อมูลบุคคลนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่อ่านบัตร กรุณาเสียบบัตรใหม่")
        values = {k: v for k, v in names.items() if v}
        audit.apply_update(
            session,
            ctx,
            person,
            values,
            entity="person",
            summary=f"แก้ไขชื่อตามบัตรประชาชน (source card): {person.first_name} {person.last_name}",
        )
    return get_person(ctx, person_id)
