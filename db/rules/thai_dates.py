"""Buddhist Era (BE = CE + 543) dates: Thai formatting, lenient parsing of typed/Excel input, fiscal years."""

from __future__ import annotations

import math
import numbers
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from pythainlp.util import thai_strftime

from db.rules.errors import RuleError
from db.rules.thai_digits import to_arabic_digits

__all__ = [
    "BE_OFFSET",
    "DATE_STYLES",
    "THAI_MONTHS",
    "THAI_MONTHS_ABBR",
    "be_year",
    "fiscal_year",
    "fiscal_year_range",
    "format_be_date",
    "parse_be_date",
]

BE_OFFSET = 543
# A 4-digit year at or above this is a BE year (CE 1857+); below it a CE year.
_BE_YEAR_THRESHOLD = 2400
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL_MIN = 20000  # 1954-10-03
_EXCEL_SERIAL_MAX = 80000  # 2119-01-10

THAI_MONTHS: tuple[str, ...] = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_ABBR: tuple[str, ...] = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
_ENGLISH_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# style -> thai_strftime format; pythainlp handles "%-d" itself, so it also works on Windows.
_FORMATS: dict[str, str] = {
    "long": "%-d %B %Y",  # 14 มีนาคม 2568
    "medium": "%-d %b %Y",  # 14 มี.ค. 2568
    "short": "%-d %b %y",  # 14 มี.ค. 68
    "numeric": "%d/%m/%Y",  # 14/03/2568
}
DATE_STYLES: tuple[str, ...] = tuple(_FORMATS)


def _month_key(token: str) -> str:
    return re.sub(r"[\s.,/\-]+", "", token).lower()


_MONTH_LOOKUP: dict[str, int] = {}
for _number, (_full, _abbr, _english) in enumerate(
    zip(THAI_MONTHS, THAI_MONTHS_ABBR, _ENGLISH_MONTHS, strict=True), start=1
):
    for _name in (_full, _abbr, _english, _english[:3]):
        _MONTH_LOOKUP[_month_key(_name)] = _number
_MONTH_LOOKUP["sept"] = 9

_EXAMPLES = "12/05/2567, 12 พ.ค. 67, 14 มีนาคม 2568"
_WEEKDAYS = "จันทร์|อังคาร|พุธ|พฤหัสบดี|พฤหัส|ศุกร์|เสาร์|อาทิตย์"
# "วันที่", "วันจันทร์ที่", "วันจันทร์" before the day number.
_PREFIX_RE = re.compile(rf"^(?:วัน(?:{_WEEKDAYS})?\s*(?:ที่)?)\s*")
# A time of day after the date ("12/05/2567 10:30", "2024-05-12 00:00:00", "… 10.30 น.", ISO "T10:30").
_TIME_SUFFIX_RE = re.compile(
    r"(?:\s+(?:เวลา\s*)?|T)[0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:\.[0-9]+)?)?\s*(?:น\.?|Z|[+-][0-9:]+)?$"
)
_ERA_RE = r"(?:(?P<era>พ\.?\s*ศ|ค\.?\s*ศ)\.?\s*)?"
_DMY_NUMERIC_RE = re.compile(
    r"(?P<d>[0-9]{1,2})\s*[/.\-]\s*(?P<m>[0-9]{1,2})\s*[/.\-]\s*" + _ERA_RE + r"(?P<y>[0-9]{4}|[0-9]{2})"
)
_ISO_RE = re.compile(r"(?P<y>[0-9]{4})\s*[-/.]\s*(?P<m>[0-9]{1,2})\s*[-/.]\s*(?P<d>[0-9]{1,2})")
_DMY_NAMED_RE = re.compile(
    r"(?P<d>[0-9]{1,2})\s*(?P<month>[^0-9]+?)\s*[,]?\s*" + _ERA_RE + r"(?P<y>[0-9]{4}|[0-9]{2})"
)
_SERIAL_RE = re.compile(r"[0-9]{5}(?:\.[0-9]+)?")


def be_year(d: date) -> int:
    """Return the Buddhist Era year of a date (CE + 543)."""
    return d.year + BE_OFFSET


def format_be_date(d: date, *, style: str = "long", thai_digits: bool = False) -> str:
    """Format a date in BE: long "14 มีนาคม 2568", medium "14 มี.ค. 2568", short "14 มี.ค. 68", numeric "14/03/2568"."""
    try:
        fmt = _FORMATS[style]
    except KeyError:
        raise RuleError(f'ไม่รู้จักรูปแบบวันที่ "{style}" (ใช้ได้: {", ".join(DATE_STYLES)})', field="style") from None
    if isinstance(d, datetime):
        d = d.date()
    moment = datetime(d.year, d.month, d.day)
    return thai_strftime(moment, fmt, thaidigit=thai_digits)


def _unreadable(shown: object, field: str) -> RuleError:
    return RuleError(f'อ่านวันที่ "{shown}" ไม่ได้ (ตัวอย่างที่ใช้ได้: {_EXAMPLES})', field=field)


def _impossible(shown: object, field: str) -> RuleError:
    return RuleError(f'วันที่ "{shown}" ไม่มีอยู่จริง', field=field)


def _ce_year(year_text: str, era: str | None) -> int:
    year = int(year_text)
    if len(year_text) == 2:
        return 2500 + year - BE_OFFSET  # two digits are always BE 25xx (CE 1957-2056)
    if era is not None and era.startswith("ค"):
        return year  # ค.ศ. written out
    return year - BE_OFFSET if year >= _BE_YEAR_THRESHOLD else year


def _from_excel_serial(number: float | Decimal | int, shown: object, field: str) -> date:
    if not _EXCEL_SERIAL_MIN <= number <= _EXCEL_SERIAL_MAX:
        raise _unreadable(shown, field)
    return _EXCEL_EPOCH + timedelta(days=math.floor(number))  # a fraction is the time of day


def parse_be_date(value: object, *, field: str = "date") -> date:
    """Read a date typed by a person or read from Excel/CSV; BE or CE years; raise RuleError(field=field).

    Accepts date/datetime (a year ≥ 2400 is a BE year typed into a real Excel date and is converted),
    Excel serial numbers (20000-80000), and text: "12/05/2567", "12-05-2567", "12.05.2567", "12/5/67",
    "2567-05-12", "12 พ.ค. 67", "12 พค 2567", "14 มีนาคม 2568", "วันที่ 14 มีนาคม พ.ศ. 2568", Thai digits.
    Two-digit years are BE 25xx; a four-digit year below 2400 is CE.
    """
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if value.year >= _BE_YEAR_THRESHOLD:
            try:
                return value.replace(year=value.year - BE_OFFSET)
            except ValueError:  # 29 Feb in a BE year whose CE year is not a leap year
                raise _impossible(value.isoformat(), field) from None
        return value
    if isinstance(value, bool) or value is None:
        raise _unreadable("" if value is None else value, field)
    if isinstance(value, numbers.Integral):
        return _from_excel_serial(int(value), value, field)
    if isinstance(value, Decimal | numbers.Real):
        if not math.isfinite(value):
            raise _unreadable(value, field)
        return _from_excel_serial(value, value, field)
    if not isinstance(value, str):
        raise _unreadable(value, field)

    shown = " ".join(value.split())
    if not shown:
        raise RuleError("ไม่ได้กรอกวันที่", field=field)
    text = to_arabic_digits(shown)
    text = _PREFIX_RE.sub("", text)
    text = _TIME_SUFFIX_RE.sub("", text).strip()

    if _SERIAL_RE.fullmatch(text):
        return _from_excel_serial(Decimal(text), shown, field)

    if m := _DMY_NUMERIC_RE.fullmatch(text):
        day, month = int(m["d"]), int(m["m"])
        year = _ce_year(m["y"], m["era"])
    elif m := _ISO_RE.fullmatch(text):
        day, month = int(m["d"]), int(m["m"])
        year = _ce_year(m["y"], None)
    elif m := _DMY_NAMED_RE.fullmatch(text):
        month_number = _MONTH_LOOKUP.get(_month_key(m["month"]))
        if month_number is None:
            raise _unreadable(shown, field)
        day, month = int(m["d"]), month_number
        year = _ce_year(m["y"], m["era"])
    else:
        raise _unreadable(shown, field)

    try:
        return date(year, month, day)
    except ValueError:
        raise _impossible(shown, field) from None


def fiscal_year(d: date) -> int:
    """Return the BE fiscal year of a date (1 Oct - 30 Sep, named by the BE year it ends in)."""
    return be_year(d) + (1 if d.month >= 10 else 0)


def fiscal_year_range(fy_be: int) -> tuple[date, date]:
    """Return the first and last day of BE fiscal year ``fy_be`` (FY2567 → 2023-10-01, 2024-09-30)."""
    end_ce = fy_be - BE_OFFSET
    return date(end_ce - 1, 10, 1), date(end_ce, 9, 30)
