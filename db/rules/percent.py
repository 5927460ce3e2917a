"""Percentages, one way everywhere: exact, rounded half up to one decimal (as Excel shows ``0.0%``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

_TENTH = Decimal("0.1")
NO_PERCENT = "–"


def share(part: int, whole: int) -> float:
    """``part / whole`` as a fraction of one, 0 when there is no whole (what the workbook's IF formula gives)."""
    return part / whole if whole else 0.0


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` rounded half up to one decimal; None when there is no whole.

    Computed exactly (a float ``13/80`` is 0.16249…, which Python's ``.1%`` shows as 16.2 while Excel shows 16.3).
    """
    if not whole:
        return None
    exact = Fraction(part * 100, whole)
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(_TENTH, rounding=ROUND_HALF_UP)


def percent_text(part: int, whole: int, *, sign: bool = True) -> str:
    """``16.3%`` (or ``16.3`` without the sign); ``–`` when there is no whole."""
    value = percent(part, whole)
    if value is None:
        return NO_PERCENT
    return f"{value:,.1f}%" if sign else f"{value:,.1f}"
