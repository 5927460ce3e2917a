"""What several command groups share: reading a round from the command line."""

from __future__ import annotations

import re
import uuid
from datetime import date

from db.rules.thai_dates import fiscal_year
from db.rules.thai_digits import to_arabic_digits
from db.rules.thai_time import bangkok_today
from desktop.core.context import AppContext
from desktop.core.errors import NotFoundError, ValidationError
from desktop.core.rounds import rounds

ROUND_HELP = 'รุ่น: รหัส UUID, "เลขรุ่น/ปีงบประมาณ" เช่น 3/2570 หรือเลขรุ่นของปีงบประมาณปัจจุบัน เช่น 3'


def resolve_round(ctx: AppContext, text: str, *, today: date | None = None) -> rounds.RoundRow:
    """A round from a UUID, "N/FY" (BE fiscal year) or "N" (this fiscal year); Thai errors otherwise."""
    raw = to_arabic_digits(text.strip())
    try:
        return rounds.get_round(ctx, uuid.UUID(raw))
    except ValueError:
        pass
    m = re.fullmatch(r"(\d{1,4})\s*(?:/\s*(\d{4}))?", raw)
    if not m:
        raise ValidationError({"round": f'อ่านรุ่น "{text}" ไม่ได้ ({ROUND_HELP})'})
    number = int(m.group(1))
    fy = int(m.group(2)) if m.group(2) else fiscal_year(today or bangkok_today())
    for r in rounds.list_rounds(ctx, fiscal_year_be=fy):
        if r.number == number:
            return r
    raise NotFoundError(f"ไม่พบรุ่นที่ {number} ของปีงบประมาณ {fy}")
