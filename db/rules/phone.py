"""Thai phone numbers on Google's libphonenumber metadata: stored as national digits (0812345678), shown grouped."""

from __future__ import annotations

import functools
import re

import phonenumbers
from phonenumbers import PhoneNumberType

from db.rules.errors import RuleError
from db.rules.thai_digits import to_arabic_digits

__all__ = ["format_phone", "normalize_phone"]

_SEPARATORS = re.compile(r"[\s\-().]")
_ACCEPTED = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.VOIP,
}


@functools.lru_cache(maxsize=1 << 17)  # a roster repeats no number, but the form and re-imports do
def _national(digits: str) -> str | None:
    """The national 0-form of cleaned digits ('+66…', '66…', '0…' or an Excel-eaten 0), None when invalid."""
    candidates = [digits]
    if not digits.startswith(("0", "+")):
        candidates.append("0" + digits)  # a number column in Excel drops the leading zero
    for text in candidates:
        try:
            number = phonenumbers.parse(text, "TH")
        except phonenumbers.NumberParseException:
            continue
        if number.country_code != 66 or not phonenumbers.is_valid_number_for_region(number, "TH"):
            continue
        if phonenumbers.number_type(number) in _ACCEPTED:
            return "0" + str(number.national_number)
    return None


def normalize_phone(value: object, *, field: str = "phone") -> str:
    """'081-234-5678', '๐๘๑ ๒๓๔ ๕๖๗๘', '+66 81 234 5678', 812345678 (Excel ate the 0) → '0812345678'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _SEPARATORS.sub("", to_arabic_digits(str(value).strip()))
    if not text:
        return ""
    if not (text[1:] if text[0] == "+" else text).isdigit():
        raise RuleError(f'หมายเลขโทรศัพท์ "{value}" มีอักขระที่ไม่ใช่ตัวเลข', field=field)
    if text.startswith("66") and len(text) in (10, 11):
        text = "+" + text
    national = _national(text)
    if national is None:
        raise RuleError(
            f'หมายเลขโทรศัพท์ "{value}" ไม่ใช่หมายเลขในประเทศไทยที่มีอยู่จริง'
            " (มือถือ 10 หลัก เช่น 0812345678 หรือโทรศัพท์บ้าน 9 หลัก เช่น 043234567)",
            field=field,
        )
    return national


def format_phone(stored: str) -> str:
    """'0812345678' → '081-234-5678', '021234567' → '02-123-4567', '043234567' → '043-234-567'; else as stored."""
    if not stored or not stored.isdigit():
        return stored
    if len(stored) == 10:
        return f"{stored[:3]}-{stored[3:6]}-{stored[6:]}"
    if len(stored) == 9:
        cut = 2 if stored.startswith("02") else 3
        return f"{stored[:cut]}-{stored[cut : cut + 3]}-{stored[cut + 3 :]}"
    return stored
