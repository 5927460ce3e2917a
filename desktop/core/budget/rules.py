"""The pure money rules of a round: categories, paid lecturer hours and headcount, mealtimes, exact amounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from decimal import ROUND_HALF_UP, Decimal

from db.rules.budget_categories import CATEGORY_LABELS as CATEGORY_LABELS  # the one table, shared with db/
from db.rules.budget_categories import category_label as category_label
from db.rules.money import format_baht
from desktop.core.accounts.session import SignedIn

# Paid person by person through the ledger (vouchers, pay lists), never as a lump expense line.
LEDGER_CATEGORIES = ("lecturer", "transport")
# Paid only to participants recorded present.
PARTICIPANT_CATEGORIES = ("transport",)

FORMAT_LABELS = {"lecture": "บรรยาย", "panel": "อภิปราย", "breakout": "แบ่งกลุ่ม/ฝึกปฏิบัติ"}
# Most lecturers paid per hour of a session, by format (the moderator of a panel counts among the 5).
HEADCOUNT_CAP = {"lecture": 1, "panel": 5, "breakout": 2}

# A half-day's default session times when a day has none recorded.
DEFAULT_AM = (time(8, 30), time(12, 0))
DEFAULT_PM = (time(13, 0), time(16, 30))
LUNCH = (time(12, 0), time(13, 0))

_HALF = Decimal("0.5")


def paid_hours(minutes: int) -> Decimal:
    """Hours a session is paid for: whole hours, then a remainder ≥ 50 min is an hour, ≥ 25 min half an hour."""
    if minutes <= 0:
        return Decimal(0)
    hours, rest = divmod(int(minutes), 60)
    if rest >= 50:
        return Decimal(hours + 1)
    if rest >= 25:
        return Decimal(hours) + _HALF
    return Decimal(hours)


def paid_headcount(fmt: str, lecturers: int) -> int:
    """How many of a session's lecturers may be paid: lecture 1, panel ≤ 5 (with moderator), breakout ≤ 2."""
    return min(max(lecturers, 0), HEADCOUNT_CAP[fmt])


def session_span(
    *, has_am: bool, has_pm: bool, starts_at: time | None, ends_at: time | None
) -> tuple[time, time] | None:
    """The time a day's sessions run, from the recorded times or the default half-days."""
    if not (has_am or has_pm):
        return None
    start = starts_at or (DEFAULT_AM[0] if has_am else DEFAULT_PM[0])
    end = ends_at or (DEFAULT_PM[1] if has_pm else DEFAULT_AM[1])
    return start, end


def spans_lunch(*, has_am: bool, has_pm: bool, starts_at: time | None, ends_at: time | None) -> bool:
    """A lunch may be claimed only when the day's sessions run across the whole lunch hour."""
    span = session_span(has_am=has_am, has_pm=has_pm, starts_at=starts_at, ends_at=ends_at)
    return span is not None and span[0] <= LUNCH[0] and span[1] >= LUNCH[1]


def breaks_of(*, has_am: bool, has_pm: bool) -> int:
    """Snack breaks of a day: one per half-day held."""
    return int(has_am) + int(has_pm)


def line_amount(quantity: Decimal | int, unit_price_satang: int) -> int:
    """quantity × unit price in satang, rounded half up to the satang (the stored amount of a line)."""
    q = quantity if isinstance(quantity, Decimal) else Decimal(int(quantity))
    return int((q * int(unit_price_satang)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def baht(satang: int) -> str:
    return f"{format_baht(satang)} บาท"


@dataclass(frozen=True)
class Override:
    """Permission to exceed a ceiling or the allocation: why, and who approved it (both required)."""

    reason: str
    approver: str
    # With staff accounts: the approver who signed in to approve it (accounts.duties.approved_override).
    account: SignedIn | None = None

    def valid(self) -> bool:
        return bool(self.reason.strip() and self.approver.strip())
