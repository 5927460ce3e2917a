"""The rate table as a file: the CSV the centre publishes (and the seed every PC ships), read and checked.

One row per ceiling in force from a date: item, training_type, venue_type, unit, ceiling_baht, effective_from
(YYYY-MM-DD), circular_ref, uncertain (0/1), note. A rate's id comes from its key (item, training type,
venue, date in force), so the same rate published again is a new version of one row on every PC, and a
new circular is a new row beside the old one.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date

from db.rules.errors import RuleError
from db.rules.money import to_satang
from db.sync.ids import reference_id

TRAINING_TYPES = {"a": "ประเภท ก", "b": "ประเภท ข", "outsider": "บุคคลภายนอก", "any": "ทุกประเภท"}
VENUE_TYPES = {"government": "สถานที่ราชการ", "private": "สถานที่เอกชน", "any": "ทุกสถานที่"}
COLUMNS = (
    "item",
    "training_type",
    "venue_type",
    "unit",
    "ceiling_baht",
    "effective_from",
    "circular_ref",
    "uncertain",
    "note",
)
LIMITS = {"item": 50, "unit": 50, "circular_ref": 200}


@dataclass(frozen=True)
class RateLine:
    item: str
    training_type: str
    venue_type: str
    unit: str
    ceiling_satang: int
    effective_from: date
    circular_ref: str
    uncertain: bool
    note: str

    @property
    def id(self) -> uuid.UUID:
        key = f"{self.item}|{self.training_type}|{self.venue_type}|{self.effective_from.isoformat()}"
        return reference_id("rate", key)


class RateTableError(ValueError):
    """The file cannot be published; the message lists every problem with its line and column, in Thai."""


def read_rate_table(text: str) -> list[RateLine]:
    """Every line of a rate CSV, or RateTableError naming each bad line and column (nothing half-read)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RateTableError(f"ไฟล์อัตราขาดคอลัมน์: {', '.join(missing)} (ต้องมี {', '.join(COLUMNS)})")
    out: list[RateLine] = []
    problems: list[str] = []
    seen: dict[uuid.UUID, int] = {}
    for n, r in enumerate(reader, start=2):
        where = f"บรรทัด {n}"
        bad = len(problems)
        values = {c: (r.get(c) or "").strip() for c in COLUMNS}
        if not values["item"]:
            problems.append(f"{where} คอลัมน์ item: ว่างไม่ได้")
        for col, limit in LIMITS.items():
            if len(values[col]) > limit:
                problems.append(f"{where} คอลัมน์ {col}: ยาวเกิน {limit} อักขระ")
        if values["training_type"] not in TRAINING_TYPES:
            problems.append(
                f'{where} คอลัมน์ training_type: "{values["training_type"]}" ต้องเป็น {", ".join(TRAINING_TYPES)}'
            )
        if values["venue_type"] not in VENUE_TYPES:
            problems.append(
                f'{where} คอลัมน์ venue_type: "{values["venue_type"]}" ต้องเป็น {", ".join(VENUE_TYPES)}'
            )
        ceiling = 0
        try:
            ceiling = to_satang(values["ceiling_baht"], field="ceiling_baht")
            if ceiling <= 0:
                problems.append(f"{where} คอลัมน์ ceiling_baht: ต้องมากกว่า 0")
        except RuleError as exc:
            problems.append(f'{where} คอลัมน์ ceiling_baht: "{values["ceiling_baht"]}" {exc.message}')
        try:
            effective = date.fromisoformat(values["effective_from"])
        except ValueError:
            problems.append(
                f'{where} คอลัมน์ effective_from: "{values["effective_from"]}" ต้องเป็นวันที่ ค.ศ. แบบ 2026-10-01'
            )
            effective = date.min
        if values["uncertain"] not in ("", "0", "1"):
            problems.append(f'{where} คอลัมน์ uncertain: "{values["uncertain"]}" ต้องเป็น 0 หรือ 1')
        if len(problems) > bad:
            continue
        line = RateLine(
            item=values["item"],
            training_type=values["training_type"],
            venue_type=values["venue_type"],
            unit=values["unit"],
            ceiling_satang=ceiling,
            effective_from=effective,
            circular_ref=values["circular_ref"],
            uncertain=values["uncertain"] == "1",
            note=values["note"],
        )
        if line.id in seen:
            problems.append(f"{where}: ซ้ำกับบรรทัด {seen[line.id]} (รายการ ประเภท สถานที่ และวันที่มีผลเดียวกัน)")
            continue
        seen[line.id] = n
        out.append(line)
    if problems:
        raise RateTableError("\n".join(problems))
    if not out:
        raise RateTableError("ไฟล์อัตราไม่มีรายการ")
    return out
