"""Cleaning roster values: whitespace, prefixes glued to names, abbreviated positions, หมู่ที่, phones."""

from __future__ import annotations

import functools
import re

from db.rules import prefixes as prefix_rules
from db.rules.errors import RuleError
from db.rules.phone import normalize_phone
from db.rules.thai_digits import to_arabic_digits

# NBSP, thin/figure spaces, zero-width spaces and joiners, BOM, soft hyphen: invisible junk from Word/web.
_INVISIBLE_RE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE_RE = re.compile(r"[\s\u00a0\u2007\u202f\u3000]+")


def clean_text(value: object) -> str:
    """The cell as text with invisible characters removed and runs of whitespace made one space."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if type(value) is str else str(value)
    # The common case, checked in C: every invisible character and every space but the ASCII one is
    # "not printable" to Python, so a printable text without a double space only needs stripping.
    if text.isprintable() and "  " not in text:
        return text.strip()
    text = _INVISIBLE_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).strip()


def split_prefix(text: str) -> tuple[str, str]:
    """("นายสมชาย ใจดี") → ("นาย", "สมชาย ใจดี"); the longest known prefix wins; unknown → ("", text)."""
    return prefix_rules.split_prefix(clean_text(text))


def canonical_prefix(text: str) -> str:
    """A prefix from its own column, in its canonical form when it is a known one."""
    return prefix_rules.canonical_prefix(clean_text(text))


def split_name(text: str) -> tuple[str, str, str]:
    """ "นายสมชาย  ใจดี" → ("นาย", "สมชาย", "ใจดี"); a name of one word has an empty last name."""
    prefix, rest = split_prefix(text)
    parts = rest.split(" ", 1)
    first = parts[0] if parts else ""
    last = parts[1].strip() if len(parts) > 1 else ""
    return prefix, first, last


# Keys are the typed text without spaces and dots; unknown positions are kept as typed.
_POSITIONS: dict[str, str] = {
    "ผู้ใหญ่บ้าน": "ผู้ใหญ่บ้าน",
    "ผญบ": "ผู้ใหญ่บ้าน",
    "ผู้ช่วยผู้ใหญ่บ้าน": "ผู้ช่วยผู้ใหญ่บ้าน",
    "ผชผญบ": "ผู้ช่วยผู้ใหญ่บ้าน",
    "ผู้ช่วยผญบ": "ผู้ช่วยผู้ใหญ่บ้าน",
    "ผชผู้ใหญ่บ้าน": "ผู้ช่วยผู้ใหญ่บ้าน",
    "ผู้ช่วยฯ": "ผู้ช่วยผู้ใหญ่บ้าน",
    "กำนัน": "กำนัน",
    "สารวัตรกำนัน": "สารวัตรกำนัน",
    "แพทย์ประจำตำบล": "แพทย์ประจำตำบล",
    "ประธานชุมชน": "ประธานชุมชน",
    "ปธชุมชน": "ประธานชุมชน",
    "กรรมการชุมชน": "กรรมการชุมชน",
    "อาสาสมัครแรงงาน": "อาสาสมัครแรงงาน",
    "อสร": "อาสาสมัครแรงงาน",
}


def full_position(text: object) -> str:
    """ผญบ. → ผู้ใหญ่บ้าน, ผช.ผญ.บ. → ผู้ช่วยผู้ใหญ่บ้าน, อสร. → อาสาสมัครแรงงาน; unknown ones as typed."""
    typed = clean_text(text)
    return _POSITIONS.get(re.sub(r"[\s.]", "", typed), typed)


_MOO_RE = re.compile(r"(?:หมู่ที่|หมู่|ม\.?)?\s*0*([0-9]{1,2})(?:\.0+)?")


def parse_moo(value: object, *, field: str = "moo") -> int | None:
    """หมู่ที่ from 3, 3.0, "3", "๓", "ม.3", "หมู่ 3", "หมู่ที่ 3"; None when blank; RuleError otherwise."""
    if isinstance(value, bool):
        raise RuleError(f'อ่านหมู่ที่ "{value}" ไม่ได้', field=field)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = to_arabic_digits(clean_text(value))
    if not text:
        return None
    m = _MOO_RE.fullmatch(text)
    if m is None:
        raise RuleError(f'อ่านหมู่ที่ "{text}" ไม่ได้ (ตัวอย่าง: 3, ม.3, หมู่ที่ 3)', field=field)
    moo = int(m.group(1))
    if not 1 <= moo <= 99:
        raise RuleError(f"หมู่ที่ต้องอยู่ระหว่าง 1 ถึง 99 (พบ {moo})", field=field)
    return moo


_PLACE_WORDS = {
    "district": re.compile(r"^(?:อำเภอ|อ\.|เขต)\s*"),
    "subdistrict": re.compile(r"^(?:ตำบล|ต\.|แขวง)\s*"),
    "province": re.compile(r"^(?:จังหวัด|จ\.)\s*"),
}


def place_name(value: object, *, kind: str) -> str:
    """ "อ.เมืองขอนแก่น" → "เมืองขอนแก่น", "ต. ในเมือง" → "ในเมือง" (kind: district, subdistrict, province)."""
    text = clean_text(value)
    return _PLACE_WORDS[kind].sub("", text, count=1).strip() if text else ""


@functools.lru_cache(maxsize=1 << 16)  # a list names the same few thousand places on every row
def place_key(name: str) -> str:
    """The key two spellings of one place name share: no spaces, no dots."""
    return _PLACE_KEY_RE.sub("", name)


_PLACE_KEY_RE = re.compile(r"[\s.]")


_PHONE_SPLIT_RE = re.compile(r"\s*(?:,|/|;|หรือ|\n)\s*")


def parse_phone(value: object, *, field: str = "phone") -> str:
    """The first phone number of the cell, normalised (mobiles 10 digits); "" when blank."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if type(value) is str and len(value) == 10 and value.isascii() and value.isdigit():
        return normalize_phone(value, field=field)  # one number as it should be: the usual cell
    text = clean_text(value)
    if not text:
        return ""
    first = _PHONE_SPLIT_RE.split(text)[0]
    return normalize_phone(first, field=field)
