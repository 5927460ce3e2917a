"""One clock for people: every time a person reads is Bangkok time in the Buddhist Era, whatever the PC's zone.

Storage stays UTC (a naive datetime read from the database is UTC); only what is shown passes through here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from db.rules.thai_dates import format_be_date

# Thailand keeps no daylight saving time, so a fixed offset needs no tz database on Windows.
BANGKOK = timezone(timedelta(hours=7), "ICT")


def to_bangkok(moment: datetime) -> datetime:
    """The moment in Bangkok time; a naive datetime is taken as UTC, as the database stores it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BANGKOK)


def bangkok_now() -> datetime:
    return datetime.now(BANGKOK)


def bangkok_today() -> date:
    """Today's date in Thailand (a PC set to another zone may be on another day)."""
    return bangkok_now().date()


def format_clock(moment: datetime) -> str:
    """17:08 น."""
    return f"{to_bangkok(moment):%H:%M} น."


def format_be_datetime(moment: datetime, *, style: str = "medium") -> str:
    """4 ธ.ค. 2569 17:08 น. (Bangkok time, BE)."""
    local = to_bangkok(moment)
    return f"{format_be_date(local.date(), style=style)} {local:%H:%M} น."
