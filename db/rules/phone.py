"""Thai phone numbers: normalise to digits (10 for mobiles, 9 for landlines) and validate."""

from __future__ import annotations

import re

from db.rules.errors import RuleError
from db.rules.thai_digits import to_arabic_digits

_SEPARATORS = re.compile(r"[\s\-().]")


def normalize_phone(value: object, *, field: str = "phone") -> str:
    """'081-234-5678', '๐๘๑ ๒๓๔ ๕๖๗๘', '+66 81 234 5678', 812345678 (Excel ate the 0) → '0812345678'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _SEPARATORS.sub("", to_arabic_digits(str(value).strip()))
    if not text:
        return ""
    if text.startswith("+66"):
        text = "0" + text[3:]
    elif text.startswith("66") and len(text) in (11, 10):
        text = "0" + text[2:]
    if not text.isdigit():
        raise RuleError(f'หมายเลขโทรศัพท์ "{value}" มีอักขระที่ไม่ใช่ตัวเลข', field=field)
    if not text.startswith("0") and len(text) in (8, 9):
        text = "0" + text  # a number column in Excel drops the leading zero
    if (len(text) == 10 and text[1] in "689") or (len(text) == 9 and text[1] not in "689"):
        return text
    raise RuleError(
        f'หมายเลขโทรศัพท์ "{value}" ไม่ถูกต้อง (มือถือ 10 หลัก เช่น 0812345678 หรือโทรศัพท์บ้าน 9 หลัก เช่น 043234567)',
        field=field,
    )
