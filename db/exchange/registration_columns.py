"""The ministry app's registration export: finding its columns and the key of each row (docs/registrations.md).

Shared by the desktop's import and the server's import of the national export, so both give a registration
the same key and the centre counts it once whichever way it arrived.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

HEADER_SCAN_ROWS = 15


@dataclass
class Columns:
    kru_id: int
    worker_id: int | None = None
    reference: int | None = None
    count: int | None = None
    day: int | None = None
    province: int | None = None  # only the national export has one
    names: dict[int, str] = field(default_factory=dict)


def norm(cell: object) -> str:
    return re.sub(r"[\s._\-]", "", str(cell or "")).lower()


def columns_of(cells: Sequence[object]) -> Columns | None:
    """The columns of a header row, or None when it is not one (no ครู ข ID column)."""
    heads = [norm(c) for c in cells]
    kru = [
        i
        for i, h in enumerate(heads)
        if ("ครูข" in h or "kru" in h) and ("เลข" in h or "id" in h or "บัตร" in h)
    ]
    if not kru:
        ids = [i for i, h in enumerate(heads) if h in ("nationalid", "เลขประจำตัวประชาชน", "เลขบัตรประชาชน")]
        kru = ids[:1] if len(ids) == 1 else []
    if not kru:
        return None
    cols = Columns(kru_id=kru[0])
    for i, h in enumerate(heads):
        if i == cols.kru_id or not h:
            continue
        if ("ผู้ลงทะเบียน" in h or "แรงงาน" in h or "worker" in h or "registrant" in h) and (
            "เลข" in h or "id" in h or "บัตร" in h
        ):
            cols.worker_id = i
        elif h in ("ref", "reference", "registrationid") or "รหัสการลงทะเบียน" in h or "เลขที่ลงทะเบียน" in h:
            cols.reference = i
        elif "จำนวน" in h or "ยอด" in h or h == "count":
            cols.count = i
        elif "วันที่" in h or h == "date":
            cols.day = i
        elif "รหัสจังหวัด" in h or h in ("province", "provincecode"):
            cols.province = i
    return cols


def find_header(rows: Iterable[tuple[int, Sequence[object]]]) -> tuple[int, Columns] | None:
    """(row number, columns) of the first header row among the first HEADER_SCAN_ROWS rows."""
    for n, (number, cells) in enumerate(rows):
        if n >= HEADER_SCAN_ROWS:
            return None
        cols = columns_of(cells)
        if cols is not None:
            return number, cols
    return None


def total_key(kru_id: str) -> str:
    return f"t:{kru_id}"


def worker_key(worker_id: str) -> str:
    return f"w:{worker_id}"


def reference_key(ref: object) -> str:
    return f"r:{str(ref).strip()}"[:120]


def row_digest(cells: Sequence[object]) -> str:
    """The digest in a ``h:<ครู ข ID>:<digest>:<n>`` key: the row's cells, blanks as empty."""
    text = "\x1f".join(
        "" if v is None or (isinstance(v, str) and not v.strip()) else str(v).strip() for v in cells
    )
    return hashlib.sha1(text.encode()).hexdigest()[:16]
