"""Check-in by the national ID card: the same rules as a typed ID (attendance.check_in), the mark's source "card"."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from desktop.core.cardreader.thaiid import CardData
from desktop.core.context import AppContext
from desktop.core.rounds import attendance
from desktop.core.rounds.attendance import THAI_TIME, CheckInResult


@dataclass(frozen=True)
class WalkInPrefill:
    """What the walk-in form takes from the chip (the photo never leaves the card)."""

    national_id: str
    prefix: str
    first_name: str
    last_name: str
    birth_date: date | None
    house_no: str
    moo: str
    subdistrict: str
    district: str
    province: str


def walk_in_prefill(card: CardData) -> WalkInPrefill:
    a = card.address
    return WalkInPrefill(
        card.national_id,
        card.prefix,
        " ".join(p for p in (card.first_name, card.middle_name) if p),
        card.last_name,
        card.birth_date,
        a.house_no,
        a.moo,
        a.subdistrict,
        a.district,
        a.province,
    )


def check_in_card(
    ctx: AppContext,
    *,
    round_id: uuid.UUID,
    day_no: int,
    half: str,
    card: CardData,
    today: date | None = None,
) -> CheckInResult:
    """Check the card's holder in; an expired card is still the holder's, so it only adds a warning."""
    today = today or datetime.now(THAI_TIME).date()
    result = attendance.check_in(
        ctx,
        round_id=round_id,
        day_no=day_no,
        half=half,
        national_id=card.national_id,
        today=today,
        source="card",
    )
    warning = card.expiry_warning(today)
    return replace(result, message=f"{result.message}\n⚠ {warning}") if warning else result
