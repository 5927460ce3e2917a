"""Finding the header row and mapping its Thai column names to fields; remembering confirmed mappings."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace

from desktop.core.context import AppContext, get_setting, set_setting
from desktop.core.roster.normalise import clean_text
from desktop.core.roster.reader import RosterFileError, Sheet, SourceRow

HEADER_SEARCH_ROWS = 30


class HeaderNotFoundError(RosterFileError):
    """No header row was found; the officer can name it (the UI's header-row box, the CLI's --header-row)."""


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
    header_chosen: bool = False  # the officer chose the header row (now or for an earlier file like it)

    def column_label(self, fld: str) -> str:
        """'D (เลขบัตรประชาชน)' for error messages."""
        from desktop.core.roster.reader import column_letter

        idx = self.mapping.get(fld)
        if idx is None:
            return ""
        head = self.headers[idx] if idx < len(self.headers) else ""
        return f"{column_letter(idx)} ({head})" if head else column_letter(idx)


NAME_FIELDS = ("full_name", "first_name", "last_name")


def mapping_problems(mapping: dict[str, int], headers: tuple[str, ...] | list[str]) -> dict[str, str]:
    """What is wrong with a column mapping, in Thai, by field: required fields not mapped, one column used
    for two fields, a full-name column together with separate name columns, a column the file lacks."""
    from desktop.core.roster.reader import column_letter

    problems: dict[str, str] = {}
    for fld in mapping:
        if fld not in FIELD_LABELS:
            problems[fld] = f'ไม่รู้จักช่องข้อมูล "{fld}"'

    def column(idx: int) -> str:
        head = headers[idx] if 0 <= idx < len(headers) else ""
        return f"คอลัมน์ {column_letter(idx)}" + (f" ({head})" if head else "")

    used: dict[int, str] = {}
    for fld in FIELD_LABELS:  # in the order the fields are shown, so the later field gets the message
        idx = mapping.get(fld)
        if idx is None or fld in problems:
            continue
        if not 0 <= idx < len(headers):
            problems[fld] = f"ไฟล์นี้ไม่มีคอลัมน์ {column_letter(idx) if idx >= 0 else idx}"
        elif idx in used:
            problems[fld] = (
                f"{column(idx)} ใช้กับ {FIELD_LABELS[used[idx]]} แล้ว "
                f"เลือกคอลัมน์เดียวกันให้ {FIELD_LABELS[fld]} อีกไม่ได้"
            )
        else:
            used[idx] = fld
    if "national_id" not in mapping:
        problems["national_id"] = "ยังไม่ได้เลือกคอลัมน์เลขประจำตัวประชาชน (จำเป็น)"
    if "full_name" not in mapping and "first_name" not in mapping:
        problems["full_name"] = "ยังไม่ได้เลือกคอลัมน์ชื่อ-สกุล หรือคอลัมน์ชื่อ (จำเป็นอย่างใดอย่างหนึ่ง)"
    if "full_name" in mapping:
        for fld in ("first_name", "last_name"):
            if fld in mapping and fld not in problems:
                problems[fld] = (
                    f"เลือกคอลัมน์ชื่อ-สกุลไว้แล้ว จึงเลือกคอลัมน์{FIELD_LABELS[fld]}แยกอีกไม่ได้ "
                    "(ใช้ชื่อ-สกุลในคอลัมน์เดียว หรือชื่อกับนามสกุลแยกคอลัมน์ อย่างใดอย่างหนึ่ง)"
                )
    return problems


def parse_column(text: str) -> int:
    """ "A" → 0, "aa" → 26, "3" → 2 (a column by its letters or its 1-based number); ValueError otherwise."""
    text = text.strip().upper()
    if text.isdigit() and int(text) >= 1:
        return int(text) - 1
    if not text or not text.isascii() or not text.isalpha():
        raise ValueError(text)
    index = 0
    for ch in text:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def mapping_with(base: dict[str, int], overrides: list[str]) -> dict[str, int]:
    """``base`` changed by "field=COL" items (COL a letter or number; empty or "-" leaves the field out)."""
    from desktop.core.errors import ValidationError

    mapping = dict(base)
    for item in overrides:
        fld, sep, col = item.partition("=")
        fld = fld.strip()
        if not sep or fld not in FIELD_LABELS:
            raise ValidationError(
                {
                    fld or item: f'"{item}" ใช้ไม่ได้: ต้องเป็น ช่องข้อมูล=คอลัมน์ เช่น moo=F '
                    f"(ช่องข้อมูลที่มี: {', '.join(FIELD_LABELS)})"
                }
            )
        if col.strip() in ("", "-"):
            mapping.pop(fld, None)
            continue
        try:
            mapping[fld] = parse_column(col)
        except ValueError:
            raise ValidationError(
                {fld: f'คอลัมน์ "{col}" ของ {fld} ต้องเป็นตัวอักษรคอลัมน์ (เช่น F) หรือเลขคอลัมน์'}
            ) from None
    return mapping


def map_columns(headers: list[str] | tuple[str, ...]) -> dict[str, int]:
    """Field → column index for the header cells; the first column naming a field wins."""
    mapping: dict[str, int] = {}
    for idx, head in enumerate(headers):
        name = match_field(head)
        if name is not None and name not in mapping:
            mapping[name] = idx
    if "full_name" in mapping:
        # "ชื่อ" or "สกุล" beside "ชื่อ-สกุล" is then something else (a village's name, a spouse's surname)
        mapping.pop("first_name", None)
        mapping.pop("last_name", None)
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
    """The layout's key: its header texts, normalised; blank columns at the right end do not count."""
    return "|".join(normalise_header(h) for h in headers).rstrip("|")


def sheet_width(sheet: Sheet) -> int:
    return max((len(r.cells) for r in sheet.rows), default=0)


def layout_at(sheet: Sheet, header_row: int) -> Layout:
    """The layout with the header on spreadsheet row ``header_row`` (the officer's choice when detection
    picked the wrong row, or found none); the columns are mapped from that row's texts."""
    index = next((i for i, r in enumerate(sheet.rows) if r.number == header_row), None)
    if index is None:
        last = sheet.rows[-1].number if sheet.rows else 0
        raise RosterFileError(f"แผ่นงาน {sheet.name} ไม่มีแถวที่ {header_row} (มีถึงแถว {last})")
    headers = _texts(sheet.rows[index], sheet_width(sheet))
    if not any(headers):
        raise RosterFileError(f"แถวที่ {header_row} ของแผ่นงาน {sheet.name} ว่าง จึงเป็นหัวตารางไม่ได้")
    return Layout(
        header_row=header_row,
        headers=tuple(headers),
        mapping=map_columns(headers),
        signature=signature_of(headers),
        data_start_index=index + 1,
        header_chosen=True,
    )


def detect_layout(sheet: Sheet) -> Layout | None:
    """Find the header row within the first rows by scoring how many cells name known columns."""
    rows = sheet.rows
    width = sheet_width(sheet)
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


HEADER_ROWS_KEY = "roster_header_rows"
MAX_REMEMBERED_HEADER_ROWS = 50


def _setting_key(signature: str) -> str:
    return SETTING_PREFIX + hashlib.sha1(signature.encode("utf-8")).hexdigest()


def remember_mapping(ctx: AppContext, *, signature: str, mapping: dict[str, int]) -> None:
    """Keep the mapping the officer confirmed for this header layout, for the next file like it."""
    with ctx.transaction() as session:
        set_setting(session, _setting_key(signature), json.dumps(mapping, sort_keys=True))


def remember_layout(ctx: AppContext, layout: Layout) -> None:
    """Keep a confirmed layout: its mapping, and the header row when the officer chose it by hand, so a
    next file like it starts with both (the header row is found again by its row number and texts)."""
    with ctx.transaction() as session:
        set_setting(session, _setting_key(layout.signature), json.dumps(layout.mapping, sort_keys=True))
        if layout.header_chosen:
            entry = {"row": layout.header_row, "signature": layout.signature}
            known = [e for e in _header_rows(get_setting(session, HEADER_ROWS_KEY)) if e != entry]
            known.insert(0, entry)
            set_setting(
                session, HEADER_ROWS_KEY, json.dumps(known[:MAX_REMEMBERED_HEADER_ROWS], ensure_ascii=False)
            )


def _header_rows(raw: str) -> list[dict]:
    try:
        data = json.loads(raw) if raw else []
    except ValueError:
        return []
    return [
        {"row": int(e["row"]), "signature": str(e["signature"])}
        for e in data
        if isinstance(e, dict) and "row" in e and "signature" in e
    ]


def _remembered_header(ctx: AppContext, sheet: Sheet) -> Layout | None:
    """A header row the officer chose for an earlier file, when this sheet has the same texts there."""
    with ctx.reading() as session:
        known = _header_rows(get_setting(session, HEADER_ROWS_KEY))
    if not known:
        return None
    width = sheet_width(sheet)
    by_number = {r.number: r for r in sheet.rows[: max(e["row"] for e in known) + 1]}
    for entry in known:
        row = by_number.get(entry["row"])
        if row is not None and signature_of(_texts(row, width)) == entry["signature"]:
            return layout_at(sheet, entry["row"])
    return None


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


def _with_remembered_mapping(ctx: AppContext, layout: Layout) -> Layout:
    remembered = recall_mapping(ctx, layout.signature)
    if remembered is None:
        return layout
    return replace(layout, mapping=remembered, remembered=True)


def find_layout(ctx: AppContext, sheet: Sheet) -> Layout | None:
    """The header row the officer chose for files like this one, else the detected one; with the mapping
    replaced by a remembered one for the same header layout."""
    layout = _remembered_header(ctx, sheet) or detect_layout(sheet)
    if layout is None:
        return None
    return _with_remembered_mapping(ctx, layout)


def choose_layout(
    ctx: AppContext, sheet: Sheet, *, header_row: int | None = None, mapping: dict[str, int] | None = None
) -> Layout:
    """The layout to preview with: the officer's header row and mapping where given, else found ones.

    Raises HeaderNotFoundError when no header row is given and none is found.
    """
    if header_row is not None:
        layout = _with_remembered_mapping(ctx, layout_at(sheet, header_row))
    else:
        found = find_layout(ctx, sheet)
        if found is None:
            raise HeaderNotFoundError(
                f"ไม่พบแถวหัวตารางใน {HEADER_SEARCH_ROWS} แถวแรกของไฟล์ {sheet.file_name} แผ่นงาน {sheet.name} "
                "(ต้องมีคอลัมน์เลขประจำตัวประชาชนและชื่อ-สกุล) กรุณาระบุแถวหัวตารางเอง "
                "(ช่อง 'แถวหัวตาราง' ในหน้านำเข้า หรือ --header-row N ในคำสั่ง)"
            )
        layout = found
    if mapping is not None:
        layout = with_mapping(layout, mapping)
    return layout


def with_mapping(layout: Layout, mapping: dict[str, int]) -> Layout:
    """The layout with a mapping the officer changed."""
    return replace(layout, mapping=dict(mapping), remembered=False)
