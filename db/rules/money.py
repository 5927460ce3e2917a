"""Money as integer satang: reading amounts from people/Excel, display with separators, amount in Thai words."""

from __future__ import annotations

import math
import numbers
import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from pythainlp.util import num_to_thaiword

from db.rules.errors import RuleError
from db.rules.thai_digits import to_arabic_digits, to_thai_digits

__all__ = ["baht_text", "format_baht", "satang_to_decimal", "to_satang"]

SATANG_PER_BAHT = 100
_CENT = Decimal("0.01")
# Excel keeps 15 significant digits; anything a float carries beyond that is binary noise
# (1250.4999999999998 is Excel's 1250.5). Rounding to 15 digits recovers what the sheet showed.
_EXCEL_CONTEXT = Context(prec=15, rounding=ROUND_HALF_UP)

# Currency marks and words around the number: ฿1,250.50, 1,250.50 บาท, 1,250.50 บ.
_CURRENCY_RE = re.compile(r"฿|บาท|บ\.|thb", re.IGNORECASE)
_SPACES_RE = re.compile(r"[\s\u00a0\u2007\u202f\u200b\ufeff]+")
# Commas are accepted only as thousands separators, so a decimal comma ("1250,50") is refused, not misread.
_NUMBER_RE = re.compile(
    r"(?P<sign>[+\-\u2212]?)(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.(?P<frac>[0-9]*))?"
)


def _unreadable(shown: object, field: str) -> RuleError:
    return RuleError(f'อ่านจำนวนเงิน "{shown}" ไม่ได้ (ตัวอย่างที่ใช้ได้: 1,250.50)', field=field)


def _too_many_decimals(shown: object, field: str) -> RuleError:
    return RuleError(f'จำนวนเงินมีทศนิยมเกิน 2 ตำแหน่ง: "{shown}"', field=field)


def _decimal_to_satang(amount: Decimal, shown: object, field: str) -> int:
    if not amount.is_finite():
        raise _unreadable(shown, field)
    try:
        cents = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the decimal context holds
        raise RuleError(f'จำนวนเงินมากเกินไป: "{shown}"', field=field) from None
    if cents != amount:
        raise _too_many_decimals(shown, field)
    return int(cents.scaleb(2))


def _parse_text(value: str, field: str) -> int:
    shown = " ".join(value.split())
    text = _SPACES_RE.sub("", _CURRENCY_RE.sub("", to_arabic_digits(value)))
    negative = False
    if text.startswith("(") and text.endswith(")"):  # accounting style (1,250.50) is a negative amount
        negative, text = True, text[1:-1]
    if text.endswith(".-"):  # "1,250.-" is the Thai way of writing whole baht
        text = text[:-2]
    m = _NUMBER_RE.fullmatch(text)
    if m is None or (not m["int"] and not m["frac"]):
        raise _unreadable(shown, field)
    if negative and m["sign"]:
        raise _unreadable(shown, field)
    digits = m["int"].replace(",", "") or "0"
    amount = Decimal(f"{digits}.{m['frac'] or '0'}")
    if m["sign"] in ("-", "\u2212"):
        negative = True
    satang = _decimal_to_satang(amount, shown, field)
    return -satang if negative else satang


def to_satang(value: object, *, field: str = "amount") -> int:
    """Return an amount of money as integer satang; raise RuleError(field=field) if it is not one.

    An int is baht; a Decimal or a string ("1,250.50", "๑,๒๕๐.๕๐", "฿1,250.50", "1,250.50 บาท",
    "1,250.-") may have at most 2 decimal places; a float from Excel is read as the 15 significant
    digits Excel holds, so binary noise (1250.4999999999998) is forgiven but a real third decimal is not.
    Negative amounts (reversals) are allowed.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise RuleError("ไม่ได้กรอกจำนวนเงิน", field=field)
    if isinstance(value, bool):
        raise _unreadable(value, field)
    if isinstance(value, numbers.Integral):
        return int(value) * SATANG_PER_BAHT
    if isinstance(value, Decimal):
        return _decimal_to_satang(value, value, field)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _unreadable(value, field)
        exact = Decimal(repr(value))
        if exact == exact.quantize(_CENT, rounding=ROUND_HALF_UP):
            return int(exact.scaleb(2))
        # repr shows more than 2 decimals: keep Excel's 15 significant digits, then it must fit in satang.
        return _decimal_to_satang(_EXCEL_CONTEXT.plus(exact), value, field)
    if isinstance(value, str):
        return _parse_text(value, field)
    raise _unreadable(value, field)


def satang_to_decimal(satang: int) -> Decimal:
    """Return satang as a Decimal of baht with exactly 2 places (125050 → Decimal("1250.50"))."""
    return Decimal(int(satang)).scaleb(-2)


def format_baht(satang: int, *, thai_digits: bool = False) -> str:
    """Return satang as baht with thousands separators and 2 decimals: "1,250.50", "-1,250.50", "0.00"."""
    baht, rest = divmod(abs(int(satang)), SATANG_PER_BAHT)
    text = f"{'-' if satang < 0 else ''}{baht:,}.{rest:02d}"
    return to_thai_digits(text) if thai_digits else text


def _thai_number(n: int) -> str:
    """Read a non-negative integer in Thai words (num_to_thaiword, corrected from 10^12 up).

    pythainlp reads the number in 6-digit groups and applies "เอ็ด" to a group only from its own digits,
    so a middle group equal to 1 comes out as "หนึ่ง": 1,000,001,000,000 gives "หนึ่งล้านหนึ่งล้าน".
    The Royal Institute rule (a final 1 in a number of two or more digits is "เอ็ด") gives
    "หนึ่งล้านเอ็ดล้าน", as pythainlp itself does for 1,001,000,000 ("หนึ่งพันเอ็ดล้าน"). Below 10^12
    there is at most one "ล้าน" and pythainlp is right, so only larger numbers are split here.
    """
    if n < 10**12:
        return num_to_thaiword(n)
    millions, rest = divmod(n, 10**6)
    if rest == 0:
        tail = ""
    elif rest == 1:
        tail = "เอ็ด"
    else:
        tail = num_to_thaiword(rest)
    return f"{_thai_number(millions)}ล้าน{tail}"


def baht_text(satang: int) -> str:
    """Return the amount in Thai words for receipts: 125050 → "หนึ่งพันสองร้อยห้าสิบบาทห้าสิบสตางค์".

    Whole baht end in "ถ้วน"; 0 is "ศูนย์บาทถ้วน"; less than a baht is only satang ("ห้าสิบสตางค์");
    a negative amount starts with "ลบ". Integers only are given to num_to_thaiword, never a float.
    """
    satang = int(satang)
    if satang < 0:
        return "ลบ" + baht_text(-satang)
    baht, rest = divmod(satang, SATANG_PER_BAHT)
    if baht == 0 and rest == 0:
        return "ศูนย์บาทถ้วน"
    words = f"{_thai_number(baht)}บาท" if baht else ""
    if rest:
        return f"{words}{_thai_number(rest)}สตางค์"
    return f"{words}ถ้วน"
