"""Finding the header row and mapping its Thai column names to fields; remembering confirmed mappings."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from desktop.core.context import AppContext, get_setting, set_setting
from desktop.core.roster.normalise import clean_text
from desktop.core.roster.reader import Sheet, SourceRow

HEADER_SEARCH_ROWS = 30
SETTING_PREFIX = "roster_mapping:"

# field → Thai label (what the UI shows in the column-mapping combo boxes)
FIELD_LABELS: dict[str, str] = {
    "seq": "ลำดับ",
    "prefix": "คำนำหน้า",
    "full_name": "ชื่อ-สกุล",
    "first_name": "ชื่อ",
    "last_name": "นามสกุล",
    "national_id": "เลขประจำตัวประชาชน",
    "position": "ตำแหน่ง",
    "moo": "หมู่ที่",
    "village_name": "ชื่อหมู่บ้าน",
    "subdistrict": "ตำบล",
    "district": "อำเภอ",
    "province": "จังหวัด",
    "phone": "โทรศัพท์",
    "birth_date": "วันเกิด",
    "appointed_on": "วันที่ดำรงตำแหน่ง",
    "village_code": "รหัสหมู่บ้าน",
    "note": "หมายเหตุ",
}

# Exact matches on the normalised header text (no spaces, dots, newlines, brackets).
_EXACT: dict[str, str] = {
    "ลำดับ": "seq",
    "ที่": "seq",
    "ลำดับที่": "seq",
    "no": "seq",
    "คำนำหน้า": "prefix",
    "คำนำหน้าชื่อ": "prefix",
    "คำนำหน้านาม": "prefix",
    "ชื่อ-สกุล": "full_name",
    "ชื่อ-นามสกุล": "full_name",
    "ชื่อสกุล": "full_name",
    "ชื่อนามสกุล": "full_name",
    "ชื่อ–สกุล": "full_name",
    "ชื่อ–นามสกุล": "full_name",
    "ชื่อ/สกุล": "full_name",
    "ชื่อ": "first_name",
    "ชื่อตัว": "first_name",
    "นามสกุล": "last_name",
    "สกุล": "last_name",
    "เลขประจำตัวประชาชน": "national_id",
    "เลขบัตรประชาชน": "national_id",
    "เลขบัตร": "national_id",
    "เลขประจำตัว13หลัก": "national_id",
    "เลขบัตรประจำตัวประชาชน": "national_id",
    "ตำแหน่ง": "position",
    "หมู่ที่": "moo",
    "หมู่": "moo",
    "ม": "moo",
    "บ้าน": "village_name",
    "ชื่อหมู่บ้าน": "village_name",
    "หมู่บ้าน": "village_name",
    "ชื่อบ้าน": "village_name",
    "ตำบล": "subdistrict",
    "แขวง": "subdistrict",
    "ตำบล/แขวง": "subdistrict",
    "อำเภอ": "district",
    "เขต": "district",
    "อำเภอ/เขต": "district",
    "จังหวัด": "province",
    "โทรศัพท์": "phone",
    "เบอร์โทร": "phone",
    "โทร": "phone",
    "หมายเลขโทรศัพท์": "phone",
    "เบอร์โทรศัพท์": "phone",
    "วันเกิด": "birth_date",
    "วันเดือนปีเกิด": "birth_date",
    "วันที่ดำรงตำแหน่ง": "appointed_on",
    "วันที่แต่งตั้ง": "appointed_on",
    "รหัสหมู่บ้าน": "village_code",
    "หมายเหตุ": "note",
}
# Then by how the header starts (longer and more specific first).
_STARTS: tuple[tuple[str, str], ...] = (
    ("เลขประจำตัวประชาชน", "national_id"),
    ("เลขบัตรประจำตัว", "national_id"),
    ("เลขบัตรประชาชน", "national_id"),
    ("เลขประจำตัว13", "national_id"),
    ("เลขบัตร", "national_id"),
    ("หมายเลขโทร", "phone"),
    ("เบอร์โทร", "phone"),
    ("โทรศัพท์", "phone"),
    ("วันเดือนปีเกิด", "birth_date"),
    ("วันเกิด", "birth_date"),
    ("วันที่ดำรงตำแหน่ง", "appointed_on"),
    ("วันที่ได้รับแต่งตั้ง", "appointed_on"),
    ("รหัสหมู่บ้าน", "village_code"),
    ("ชื่อหมู่บ้าน", "village_name"),
    ("คำนำหน้า", "prefix"),
    ("ตำแหน่ง", "position"),
    ("ชื่อ-สกุล", "full_name"),
    ("ชื่อ-นามสกุล", "full_name"),
    ("หมายเหตุ", "note"),
)
_NORMALISE_RE = re.compile(r"[\s.\u00a0\u200b()\[\]:*]+")


def normalise_header(value: object) -> str:
    """Header text as compared: no spaces, dots, newlines or brackets; Latin letters lowercased."""
    return _NORMALISE_RE.sub("", clean_text(value)).lower()


def match_field(header: object) -> str | None:
    """The field a header names, or None."""
    key = normalise_header(header)
    if not key:
        return None
    if key in _EXACT:
        return _EXACT[key]
    for start, name in _STARTS:
        if key.startswith(start):
            return name
    return None


@dataclass(frozen=True)
class Layout:
    """Where the header is and which column holds which field (field → 0-based column index)."""

    header_row: int  # spreadsheet row number (1-based) of the (last) header row
    headers: tuple[str, ...]  # header text per column, as shown (merged two-row headers joined)
    mapping: dict[str, int] = field(default_factory=dict)
    signature: str = ""
    remembered: bool = False  # the mapping came from one the officer confirmed earlier
    data_start_index: int = 0  # index in sheet.rows of the first data row

    def column_label(self, fld: str) -> str:
        """'D (เลขบัตรประชาชน)' for error messages."""
        from desktop.core.roster.reader import column_letter

        idx = self.mapping.get(fld)
        if idx is None:
            return ""
        head = self.headers[idx] if idx < len(self.headers) else ""
        return f"{column_letter(idx)} ({head})" if head else column_letter(idx)


def missing_fields(mapping: dict[str, int]) -> list[str]:
    """Fields a mapping must have before an import can run (Thai labels)."""
    missing = []
    if "national_id" not in mapping:
        missing.append(FIELD_LABELS["national_id"])
    if "full_name" not in mapping and "first_name" not in mapping:
        missing.append("ชื่อ-สกุล หรือ ชื่อ")
    return missing


def map_columns(headers: list[str] | tuple[str, ...]) -> dict[str, int]:
    """Field → column index for the header cells; the first column naming a field wins."""
    mapping: dict[str, int] = {}
    for idx, head in enumerate(headers):
        name = match_field(head)
        if name is not None and name not in mapping:
            mapping[name] = idx
    if "full_name" in mapping and "first_name" in mapping:
        del mapping["first_name"]  # "ชื่อ" beside "ชื่อ-สกุล" is then something else
    return mapping


def _texts(row: SourceRow, width: int) -> list[str]:
    cells = list(row.cells) + [""] * (width - len(row.cells))
    return [clean_text(c) for c in cells[:width]]


def _combined(top: list[str], below: list[str]) -> list[str]:
    """A two-row header: a merged group title above sub-headers ("ที่อยู่" over หมู่ที่ | ตำบล | อำเภอ)."""
    out = []
    for t, b in zip(top, below, strict=True):
        if b and match_field(b):
            out.append(b)
        elif t and match_field(t):
            out.append(t)
        else:
            out.append(b or t)
    return out


def _score(mapping: dict[str, int]) -> int:
    score = len(mapping)
    if "national_id" in mapping:
        score += 2
    if "full_name" in mapping or "first_name" in mapping:
        score += 2
    return score


def signature_of(headers: list[str] | tuple[str, ...]) -> str:
    return "|".join(normalise_header(h) for h in headers)


def detect_layout(sheet: Sheet) -> Layout | None:
    """Find the header row within the first rows by scoring how many cells name known columns."""
    rows = sheet.rows
    width = max((len(r.cells) for r in rows), default=0)
    best: tuple[int, int, int, list[str]] | None = None  # score, index of last header row, -, headers
    for i, row in enumerate(rows):
        if row.number > HEADER_SEARCH_ROWS:
            break
        texts = _texts(row, width)
        candidates = [(i, texts)]
        if i + 1 < len(rows) and rows[i + 1].number == row.number + 1:
            candidates.append((i + 1, _combined(texts, _texts(rows[i + 1], width))))
        for last, headers in candidates:
            score = _score(map_columns(headers))
            if score >= 5 and (best is None or score > best[0]):
                best = (score, last, 0, headers)
    if best is None:
        return None
    _, last, _, headers = best
    return Layout(
        header_row=rows[last].number,
        headers=tuple(headers),
        mapping=map_columns(headers),
        signature=signature_of(headers),
        data_start_index=last + 1,
    )


def _setting_key(signature: str) -> str:
    return SETTING_PREFIX + hashlib.sha1(signature.encode("utf-8")).hexdigest()


def remember_mapping(ctx: AppContext, *, signature: str, mapping: dict[str, int]) -> None:
    """Keep the mapping the officer confirmed for this header layout, for the next file like it."""
    with ctx.transaction() as session:
        set_setting(session, _setting_key(signature), json.dumps(mapping, sort_keys=True))


def recall_mapping(ctx: AppContext, signature: str) -> dict[str, int] | None:
    with ctx.reading() as session:
        raw = get_setting(session, _setting_key(signature))
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    return {str(k): int(v) for k, v in data.items() if k in FIELD_LABELS}


def find_layout(ctx: AppContext, sheet: Sheet) -> Layout | None:
    """detect_layout, with the mapping replaced by a remembered one for the same header layout."""
    layout = detect_layout(sheet)
    if layout is None:
        return None
    remembered = recall_mapping(ctx, layout.signature)
    if remembered is None:
        return layout
    return Layout(
        header_row=layout.header_row,
        headers=layout.headers,
        mapping=remembered,
        signature=layout.signature,
        remembered=True,
        data_start_index=layout.data_start_index,
    )


def with_mapping(layout: Layout, mapping: dict[str, int]) -> Layout:
    """The layout with a mapping the officer changed."""
    return Layout(
        header_row=layout.header_row,
        headers=layout.headers,
        mapping=dict(mapping),
        signature=layout.signature,
        remembered=False,
        data_start_index=layout.data_start_index,
    )
