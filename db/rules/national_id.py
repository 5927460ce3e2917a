"""Thai 13-digit national ID: normalisation of messy input, check digit, validation, display and masking."""

from __future__ import annotations

import math
import operator
import re
from decimal import Decimal, InvalidOperation

from db.rules.errors import RuleError
from db.rules.thai_digits import to_arabic_digits

__all__ = [
    "check_digit",
    "format_national_id",
    "make_national_id",
    "mask_national_id",
    "national_id_problem",
    "normalize_national_id",
    "validate_national_id",
]

NATIONAL_ID_LENGTH = 13
FIELD = "national_id"

# Characters dropped anywhere in the input: whitespace of every kind (incl. NBSP, thin and zero-width
# spaces, BOM), dashes of every kind, and commas (a number column formatted with thousands separators).
_SPACE_RE = re.compile(r"[\s\u00a0\u2007\u202f\u200b\u200c\u200d\ufeff,_]+")
_DASH_RE = re.compile(r"[\-\u2010-\u2015\u2212\ufe63\uff0d]+")
_DIGITS_RE = re.compile(r"[0-9]+")
# "1101700001234.0" / "1101700001234.00": a number written by Excel or pandas, not separators.
_TRAILING_ZERO_FRACTION_RE = re.compile(r"([0-9]+)\.0+")
# "1.101700001234E+12": a number in scientific notation, as CSV exports write big numbers.
_SCIENTIFIC_RE = re.compile(r"\+?[0-9]+(?:\.[0-9]+)?[eE][+-]?[0-9]+")
# Digits separated by dots ("1.1017.00001.23.4"): dots used as group separators.
_DOTTED_GROUPS_RE = re.compile(r"[0-9]+(?:\.[0-9]+)+")
_WEIGHTS = tuple(range(13, 1, -1))  # d1..d12 are weighted 13, 12, ..., 2 (14 - i)
_CODE_OFFSET = ord("0") * sum(_WEIGHTS)


def _not_digits_error(shown: object) -> RuleError:
    return RuleError(f'เลขประจำตัวประชาชนมีอักขระที่ไม่ใช่ตัวเลข: "{shown}"', field=FIELD)


def _integral_to_digits(number: Decimal, shown: object) -> str:
    if not number.is_finite() or number < 0:
        raise _not_digits_error(shown)
    if number != number.to_integral_value():
        raise RuleError(f'เลขประจำตัวประชาชนต้องเป็นจำนวนเต็ม: "{shown}"', field=FIELD)
    return str(int(number))


def check_digit(first12: str) -> int:
    """Return the 13th digit for the first 12 digits: (11 − Σ dᵢ·(14 − i) mod 11) mod 10."""
    digits = to_arabic_digits(first12)
    if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
        raise RuleError(f'ต้องเป็นตัวเลข 12 หลักเพื่อคำนวณหลักตรวจสอบ: "{first12}"', field=FIELD)
    return _check_digit(digits)


def _check_digit(digits: str) -> int:
    # the ASCII codes of the digits, less 48 times the sum of the weights: no int() per digit
    total = sum(map(operator.mul, digits.encode("ascii"), _WEIGHTS)) - _CODE_OFFSET
    return (11 - total % 11) % 10


def make_national_id(first12: str) -> str:
    """Append the check digit to 12 digits, giving a valid 13-digit ID (for demo data and tests)."""
    digits = to_arabic_digits(first12)
    return f"{digits}{check_digit(digits)}"


def normalize_national_id(value: object) -> str:
    """Return the bare digit string of an ID typed, pasted or read from Excel/CSV; "" for None or blank.

    Thai digits become Arabic; spaces (incl. NBSP), dashes, commas and dots used as separators are
    removed; Excel numbers (int, integral float, "1101700001234.0", "1.101700001234E+12") are converted
    without losing digits. The check digit is not validated here (see ``national_id_problem``).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        raise _not_digits_error(value)
    if isinstance(value, int):
        if value < 0:
            raise _not_digits_error(value)
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _not_digits_error(value)
        if value.is_integer() and 0 <= value < 2**53:  # the usual Excel cell: exact as an int
            return str(int(value))
        # A float holds every integer below 2**53 exactly, so Decimal(value) is the exact number stored.
        return _integral_to_digits(Decimal(value), value)
    if isinstance(value, Decimal):
        return _integral_to_digits(value, value)
    if not isinstance(value, str):
        raise _not_digits_error(value)

    shown = value.strip()
    compact = _SPACE_RE.sub("", to_arabic_digits(value))
    compact = compact.removeprefix("'")  # Excel's "store as text" marker pasted along with the number
    if _SCIENTIFIC_RE.fullmatch(compact):  # before dashes go: "1.2E-3" must stay a negative exponent
        try:
            number = Decimal(compact)
        except InvalidOperation:  # pragma: no cover - the regex only lets valid literals through
            raise _not_digits_error(shown) from None
        return _integral_to_digits(number, shown)
    text = _DASH_RE.sub("", compact)
    if not text:
        return ""
    if _DIGITS_RE.fullmatch(text):
        return text
    if m := _TRAILING_ZERO_FRACTION_RE.fullmatch(text):
        return m.group(1)
    if _DOTTED_GROUPS_RE.fullmatch(text):
        if text.count(".") == 1 and text == compact and not re.search(r"\s", shown):
            # A single dot in a bare number ("1101700001234.5") is a decimal point, not a separator.
            raise RuleError(f'เลขประจำตัวประชาชนต้องเป็นจำนวนเต็ม: "{shown}"', field=FIELD)
        return text.replace(".", "")
    raise _not_digits_error(shown)


def national_id_problem(nid: str) -> str | None:
    """Return why a normalised ID is not a valid national ID (Thai), or None when it is valid.

    IDs starting with 0 are not rejected: only the length, the digits and the check digit are checked.
    """
    if not nid:
        return "ไม่ได้กรอกเลขประจำตัวประชาชน"
    if not (nid.isascii() and nid.isdigit()):
        return f'เลขประจำตัวประชาชนมีอักขระที่ไม่ใช่ตัวเลข: "{nid}"'
    if len(nid) != NATIONAL_ID_LENGTH:
        return f"เลขประจำตัวประชาชนต้องมี 13 หลัก (พบ {len(nid)} หลัก)"
    expected = _check_digit(nid[:12])
    if ord(nid[12]) - 48 != expected:
        return f"เลขประจำตัวประชาชนไม่ถูกต้อง (หลักตรวจสอบควรเป็น {expected})"
    return None


def validate_national_id(value: object) -> str:
    """Normalise ``value`` and return the 13-digit ID; raise RuleError(field="national_id") if invalid."""
    nid = normalize_national_id(value)
    problem = national_id_problem(nid)
    if problem is not None:
        raise RuleError(problem, field=FIELD)
    return nid


def _require_13_digits(nid: str) -> str:
    digits = to_arabic_digits(nid)
    if len(digits) != NATIONAL_ID_LENGTH or not (digits.isascii() and digits.isdigit()):
        raise RuleError(f"เลขประจำตัวประชาชนต้องมี 13 หลัก (พบ {len(digits)} หลัก)", field=FIELD)
    return digits


def format_national_id(nid: str) -> str:
    """Return the ID in the printed 1-4-5-2-1 grouping: "1-1017-00001-23-4"."""
    d = _require_13_digits(nid)
    return f"{d[0]}-{d[1:5]}-{d[5:10]}-{d[10:12]}-{d[12]}"


def mask_national_id(nid: str) -> str:
    """Return the ID with digits 6-12 hidden for PDPA: "1-1017-xxxxx-xx-4"."""
    d = _require_13_digits(nid)
    return f"{d[0]}-{d[1:5]}-xxxxx-xx-{d[12]}"


def shown_national_id(nid: str) -> str:
    """The ID grouped for reading when it has 13 digits; anything else exactly as stored (tables never fail)."""
    try:
        return format_national_id(nid)
    except RuleError:
        return nid or ""
