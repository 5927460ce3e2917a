"""Pure money rules: paid lecturer hours and headcount, the mealtime rule, exact line amounts."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.core.budget.rules import breaks_of, line_amount, paid_headcount, paid_hours, spans_lunch


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [
        (0, "0"),
        (24, "0"),
        (25, "0.5"),
        (49, "0.5"),
        (50, "1"),
        (60, "1"),
        (84, "1"),
        (85, "1.5"),
        (110, "2"),
        (180, "3"),
        (205, "3.5"),
    ],
)
def test_minutes_round_to_paid_hours(minutes: int, hours: str) -> None:
    assert paid_hours(minutes) == Decimal(hours)


@pytest.mark.parametrize(
    ("fmt", "lecturers", "paid"),
    [
        ("lecture", 1, 1),
        ("lecture", 3, 1),
        ("panel", 4, 4),
        ("panel", 5, 5),
        ("panel", 7, 5),
        ("breakout", 2, 2),
        ("breakout", 3, 2),
    ],
)
def test_paid_headcount_by_format(fmt: str, lecturers: int, paid: int) -> None:
    assert paid_headcount(fmt, lecturers) == paid


@pytest.mark.parametrize(
    ("am", "pm", "start", "end", "lunch"),
    [
        (True, True, None, None, True),
        (True, False, None, None, False),
        (False, True, None, None, False),
        (True, True, time(9, 0), time(12, 30), False),  # ends in the middle of lunch
        (True, True, time(12, 15), time(16, 0), False),  # starts after lunch began
        (True, True, time(8, 0), time(13, 0), True),
        (False, False, None, None, False),
    ],
)
def test_lunch_only_when_the_day_spans_the_mealtime(am, pm, start, end, lunch) -> None:
    assert spans_lunch(has_am=am, has_pm=pm, starts_at=start, ends_at=end) is lunch


def test_one_snack_break_per_half_day() -> None:
    assert breaks_of(has_am=True, has_pm=True) == 2
    assert breaks_of(has_am=False, has_pm=True) == 1


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2),
    st.integers(min_value=0, max_value=10**9),
)
def test_line_amount_is_an_exact_integer(quantity: Decimal, price: int) -> None:
    amount = line_amount(quantity, price)
    assert isinstance(amount, int)
    assert abs(Decimal(amount) - quantity * price) <= Decimal("0.5")
