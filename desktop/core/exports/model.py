"""The shapes of the province figures: per district, per round, the budget and the expense lines."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

STATUSES = ("planned", "open", "held", "closed")
HELD = ("held", "closed")


@dataclass(frozen=True)
class DistrictFigures:
    code: str
    name: str
    target: int  # ครู ข wanted: one per village
    people: int  # candidates in the register
    trained_year: int
    trained_to_date: int
    pending: int  # in a held/closed round up to this year, result not recorded yet
    villages_covered: int  # villages with a trained ครู ข, to date
    registrations: int
    registration_target: int


@dataclass(frozen=True)
class RoundFigures:
    id: uuid.UUID
    fiscal_year: int
    number: int
    title: str
    start_date: date
    end_date: date
    venue: str
    status: str
    capacity: int
    enrolled: int
    completed: int
    planned_satang: int
    actual_satang: int  # the part of paid_satang paid against expense lines (vendors)
    paid_satang: int  # disbursed: vendors + people, net of reversals (desktop/core/budget/figures.py)


@dataclass(frozen=True)
class BudgetFigures:
    allocated_satang: int
    planned_satang: int
    actual_satang: int  # the part of spent_satang paid against expense lines (vendors)
    spent_satang: int  # disbursed: vendors + people, net of reversals (desktop/core/budget/figures.py)

    @property
    def remaining_satang(self) -> int:
        return self.allocated_satang - self.spent_satang


@dataclass(frozen=True)
class ExpenseFigures:
    round_id: uuid.UUID
    round_label: str  # "3/2570"
    category: str
    planned_satang: int
    actual_satang: int  # the vendor part of paid_satang
    paid_satang: int  # disbursed in this category


@dataclass(frozen=True)
class ProvinceFigures:
    province_code: str
    province_name: str
    office_name: str
    fiscal_year: int
    ratio: int
    districts: tuple[DistrictFigures, ...]
    rounds: tuple[RoundFigures, ...]
    budget: BudgetFigures
    expenses: tuple[ExpenseFigures, ...]
    burn: tuple[tuple[date, int], ...]  # (month start, cumulative paid satang)
    rounds_by_status: dict[str, int]

    def total(self, field: str) -> int:
        return sum(getattr(d, field) for d in self.districts)


@dataclass(frozen=True)
class RegisterCounts:
    """What is in the register (cheap counts; the expensive per-district facts are in ProvinceFigures)."""

    people: int
    villages: int
    lecturers: int
