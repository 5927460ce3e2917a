"""A person's registered address: its parts (from the ID card or typed), checked, and the one line vouchers print."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from db.rules.thai_digits import to_arabic_digits

ADDRESS_LABELS = {
    "birth_date": "วันเกิด",
    "house_no": "บ้านเลขที่",
    "street": "ตรอก/ซอย/ถนน",
    "moo": "หมู่ที่",
    "subdistrict": "ตำบล",
    "district": "อำเภอ",
    "province": "จังหวัด",
}
_LIMITS = {"house_no": 50, "street": 200, "moo": 10, "subdistrict": 100, "district": 100, "province": 100}
_PREFIXES = {
    "subdistrict": ("ตำบล", "แขวง", "ต."),
    "district": ("อำเภอ", "เขต", "อ."),
    "province": ("จังหวัด", "จ."),
}


@dataclass(frozen=True)
class PersonAddress:
    """Date of birth and address; the place parts are empty when the address is in the person's village."""

    birth_date: date | None = None
    house_no: str = ""
    street: str = ""
    moo: str = ""
    subdistrict: str = ""
    district: str = ""
    province: str = ""

    @property
    def has_place(self) -> bool:
        return bool(self.subdistrict or self.district or self.province)


def clean_address(a: PersonAddress, *, today: date | None = None) -> tuple[dict[str, object], dict[str, str]]:
    """The person columns for an address, and Thai errors by field (bad house number, moo, birth date)."""
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    for key in _LIMITS:
        text = " ".join(str(getattr(a, key) or "").split())
        if key in ("house_no", "moo"):
            text = to_arabic_digits(text)
        for prefix in _PREFIXES.get(key, ()):
            if text.startswith(prefix):
                text = text[len(prefix) :].strip()
        if len(text) > _LIMITS[key]:
            errors[f"address_{key}"] = f"{ADDRESS_LABELS[key]}ยาวเกิน {_LIMITS[key]} ตัวอักษร"
        values[key] = text
    moo = re.sub(r"^(หมู่ที่|หมู่|ม\.)\s*", "", values["moo"])
    if moo and not moo.isdigit():
        errors["address_moo"] = f"หมู่ที่ต้องเป็นตัวเลข (ได้ '{values['moo']}')"
    values["moo"] = str(int(moo)) if moo.isdigit() else moo
    if values["house_no"] and not re.fullmatch(r"[0-9][0-9/\-ก-ฮ ]*", values["house_no"]):
        errors["address_house_no"] = f"บ้านเลขที่ '{values['house_no']}' ต้องขึ้นต้นด้วยตัวเลข เช่น 12/3"
    today = today or date.today()
    if a.birth_date is not None and not date(today.year - 120, 1, 1) <= a.birth_date <= today:
        errors["birth_date"] = f"วันเกิด {a.birth_date.isoformat()} เป็นไปไม่ได้"
    columns: dict[str, object] = {"birth_date": a.birth_date, "house_no": values["house_no"]}
    columns.update(
        {f"address_{k}": values[k] for k in ("street", "moo", "subdistrict", "district", "province")}
    )
    return columns, errors


def address_line(
    a: PersonAddress, *, village_moo: int | None = None, village_place: tuple[str, str, str] | None = None
) -> str:
    """The address as printed: บ้านเลขที่ 12 หมู่ที่ 3 ตำบลบ้านเป็ด อำเภอเมืองขอนแก่น จังหวัดขอนแก่น.

    Without place parts of its own the person's village gives หมู่ที่ to จังหวัด (village_place is
    (ตำบล, อำเภอ, จังหวัด)); with neither, only what is known is printed.
    """
    parts = [f"บ้านเลขที่ {a.house_no}" if a.house_no else "", a.street]
    if a.has_place:
        moo, (sub, dist, prov) = a.moo, (a.subdistrict, a.district, a.province)
    elif village_place is not None:
        moo, (sub, dist, prov) = (str(village_moo) if village_moo else ""), village_place
    else:
        moo, sub, dist, prov = a.moo, "", "", ""
    parts += [f"หมู่ที่ {moo}" if moo else "", f"ตำบล{sub}" if sub else "", f"อำเภอ{dist}" if dist else ""]
    parts.append(f"จังหวัด{prov}" if prov else "")
    return " ".join(p for p in parts if p)
