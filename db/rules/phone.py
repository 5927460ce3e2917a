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


_TH = phonenumbers.PhoneMetadata.metadata_for_region("TH")
# The metadata's own patterns for the accepted types, matched on the national significant number: the same
# verdict as phonenumbers.is_valid_number_for_region + number_type, without parse's cost on 75,000 rows.
_ACCEPTED_RE = re.compile(
    "|".join(
        f"(?:{d.national_number_pattern})" for d in (_TH.mobile, _TH.fixed_line, _TH.voip) if d is not None
    )
)


@functools.lru_cache(maxsize=1 << 17)  # a roster repeats few numbers, but the form and re-imports do
def _national(digits: str) -> str | None:
    """The national 0-form of cleaned digits ('+66…', '0…' or an Excel-eaten 0), None when invalid."""
    if digits.startswith("+66"):
        significant = digits[3:]
    elif digits.startswith("+") or digits.startswith("00"):
        return _parsed(digits)  # another country or an international prefix: let the library decide
    else:
        significant = digits[1:] if digits.startswith("0") else digits  # a number column in Excel drops the 0
    return "0" + significant if _ACCEPTED_RE.fullmatch(significant) else None


def _parsed(text: str) -> str | None:
    try:
        number = phonenumbers.parse(text, "TH")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 66 or not phonenumbers.is_valid_number_for_region(number, "TH"):
        return None
    if phonenumbers.number_type(number) not in _ACCEPTED:
        return None
    return "0" + str(number.national_number)


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
