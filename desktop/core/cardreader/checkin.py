"""Check-in by the national ID card: the same rules as a typed ID (attendance.check_in), the mark's source "card"."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from db.models import Person
from db.rules.prefixes import canonical_prefix
from db.rules.thai_dates import format_be_date
from desktop.core import audit
from desktop.core.cardreader.thaiid import CardData
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, StaleEditError, ValidationError
from desktop.core.people.addresses import PersonAddress, clean_address
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
    street: str
    moo: str
    subdistrict: str
    district: str
    province: str

    @property
    def address(self) -> PersonAddress:
        """What the walk-in stores: the date of birth and the whole registered address."""
        return PersonAddress(
            self.birth_date,
            self.house_no,
            self.street,
            self.moo,
            self.subdistrict,
            self.district,
            self.province,
        )


def walk_in_prefill(card: CardData) -> WalkInPrefill:
    a = card.address
    return WalkInPrefill(
        card.national_id,
        card.prefix,
        " ".join(p for p in (card.first_name, card.middle_name) if p),
        card.last_name,
        card.birth_date,
        a.house_no,
        a.street,
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
ADDRESS_FIELDS = {
    "birth_date": "วันเกิด",
    "house_no": "บ้านเลขที่",
    "street": "ตรอก/ซอย/ถนน",
    "moo": "หมู่ที่",
    "subdistrict": "ตำบล",
    "district": "อำเภอ",
    "province": "จังหวัด",
}
PLACE_KEYS = ("moo", "subdistrict", "district", "province")


def _card_names(card: CardData) -> dict[str, str]:
    first = " ".join(p for p in (card.first_name, card.middle_name) if p)
    return {"prefix": canonical_prefix(card.prefix), "first_name": first, "last_name": card.last_name}


def _village_place(person: PersonRow) -> dict[str, str]:
    if not person.village_code:
        return dict.fromkeys(PLACE_KEYS, "")
    return {
        "moo": str(person.moo) if person.moo else "",
        "subdistrict": person.subdistrict,
        "district": person.district,
        "province": person.province,
    }


def _stored_address(person: PersonRow) -> dict[str, str]:
    """The address as it prints: its own place parts, or the village's when it has none."""
    a = person.address
    place = {k: getattr(a, k) for k in PLACE_KEYS} if a.has_place else _village_place(person)
    born = a.birth_date.isoformat() if a.birth_date else ""
    return {"birth_date": born, "house_no": a.house_no, "street": a.street, **place}


def _card_address(card: CardData) -> dict[str, str]:
    a = card.address
    born = card.birth_date.isoformat() if card.birth_date else ""
    return {
        "birth_date": born,
        "house_no": a.house_no,
        "street": a.street,
        **{k: getattr(a, k) for k in PLACE_KEYS},
    }


def differences(person: PersonRow, card: CardData) -> dict[str, tuple[str, str]]:
    """{field: (stored, on the card)} for the names, the date of birth and the address the card gives."""
    out = {k: (getattr(person, k), v) for k, v in _card_names(card).items() if v and getattr(person, k) != v}
    stored = _stored_address(person)
    for key, on_card in _card_address(card).items():
        if on_card and stored[key] != on_card:
            out[key] = (stored[key], on_card)
    return out


def _shown(key: str, value: str) -> str:
    if key == "birth_date" and value:
        return format_be_date(date.fromisoformat(value), style="medium")
    return value


def differences_text(diff: dict[str, tuple[str, str]]) -> str:
    labels = {**NAME_FIELDS, **ADDRESS_FIELDS}
    return "; ".join(
        f"{labels[k]}: {_shown(k, old) or '-'} → {_shown(k, new)}" for k, (old, new) in diff.items()
    )


def address_from_card(card: CardData, person: PersonRow | None = None) -> PersonAddress:
    """The card's date of birth and address; the place parts stay empty when they are the person's village."""
    a = card.address
    own_place = {k: getattr(a, k) for k in PLACE_KEYS}
    same_village = person is not None and person.village_code and own_place == _village_place(person)
    place = dict.fromkeys(PLACE_KEYS, "") if same_village else own_place
    return PersonAddress(card.birth_date, a.house_no, a.street, **place)


def update_from_card(
    ctx: AppContext, *, person_id: uuid.UUID, card: CardData, expected_version: int
) -> PersonRow:
    """Set the stored names, date of birth and address to the card's (audited as from the card).

    Only what the card gives replaces what is stored; the ID must be the card's.
    """
    row = get_person(ctx, person_id)
    names = {k: v for k, v in _card_names(card).items() if v}
    columns, errors = clean_address(address_from_card(card, row))
    if errors:
        raise ValidationError(errors)
    old = row.address
    if not card.birth_date:
        columns["birth_date"] = old.birth_date
    if not card.address.house_no:
        columns["house_no"] = old.house_no
    if not any(getattr(card.address, k) for k in PLACE_KEYS):
        columns.update({f"address_{k}": getattr(old, k) for k in ("street", *PLACE_KEYS)})
    with ctx.transaction() as session:
        person = session.get(Person, person_id)
        if person is None or person.deleted or person.national_id != card.national_id:
            raise NotFoundError("ไม่พบบุคคลที่ตรงกับบัตรนี้")
        if person.version != expected_version:
            raise StaleEditError("ข้อมูลบุคคลนี้ถูกแก้ไขโดยผู้อื่นหลังจากที่อ่านบัตร กรุณาเสียบบัตรใหม่")
        audit.apply_update(
            session,
            ctx,
            person,
            {**names, **columns},
            entity="person",
            summary=f"แก้ไขชื่อและที่อยู่ตามบัตรประชาชน (source card): {person.first_name} {person.last_name}",
        )
    return get_person(ctx, person_id)
