"""One province's national-summary line: its shape, and the figures an uploaded province workbook carries.

From synced rows the figures are computed by the database (server/aggregates.py), with the definitions of
desktop/core/exports/figures.py (docs/workbook-format.md, "Figures"; docs/money.md);
tests/server/test_national.py proves the two agree on the same data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db.exchange.workbook_format import WorkbookData

STATUSES = ("planned", "open", "held", "closed")
DEFAULT_RATIO = 120  # registrations per ครู ข (figures.DEFAULT_RATIO; LocalSetting does not sync)


@dataclass(frozen=True)
class ProvinceSummary:
    code: str
    name: str
    fiscal_year: int
    target: int  # ครู ข wanted: live villages of the province's live districts
    trained_year: int
    trained_to_date: int
    villages_covered: int
    registrations: int
    registration_target: int
    rounds_by_status: tuple[int, ...]  # counts in STATUSES order, rounds of the fiscal year
    allocated_satang: int
    planned_satang: int
    actual_satang: int
    spent_satang: int
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def remaining_satang(self) -> int:
        return self.allocated_satang - self.spent_satang

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "fiscal_year": self.fiscal_year,
            "target": self.target,
            "trained_year": self.trained_year,
            "trained_to_date": self.trained_to_date,
            "villages_covered": self.villages_covered,
            "registrations": self.registrations,
            "registration_target": self.registration_target,
            "rounds_by_status": list(self.rounds_by_status),
            "allocated_satang": self.allocated_satang,
            "planned_satang": self.planned_satang,
            "actual_satang": self.actual_satang,
            "spent_satang": self.spent_satang,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProvinceSummary:
        values = dict(data)
        values["rounds_by_status"] = tuple(int(n) for n in values["rounds_by_status"])
        return cls(**{k: values[k] for k in cls.__dataclass_fields__ if k != "extra"})


def empty(code: str, name: str, fiscal_year: int) -> ProvinceSummary:
    return ProvinceSummary(code, name, fiscal_year, 0, 0, 0, 0, 0, 0, (0,) * len(STATUSES), 0, 0, 0, 0)


def from_workbook(data: WorkbookData, *, name: str = "") -> ProvinceSummary:
    """The summary a province workbook carries (its own totals, recomputed from its rows, never cached cells)."""
    d = data.districts
    status = [r.status for r in data.rounds if r.fiscal_year == data.meta.fiscal_year]
    return ProvinceSummary(
        code=data.meta.province_code,
        name=name or data.meta.province_name,
        fiscal_year=data.meta.fiscal_year,
        target=sum(x.target for x in d),
        trained_year=sum(x.trained_year for x in d),
        trained_to_date=sum(x.trained_to_date for x in d),
        villages_covered=sum(x.villages_covered for x in d),
        registrations=sum(x.registrations for x in d),
        registration_target=sum(x.registration_target for x in d),
        rounds_by_status=tuple(status.count(s) for s in STATUSES),
        allocated_satang=data.budget.allocated_satang,
        planned_satang=data.budget.planned_satang,
        actual_satang=data.budget.actual_satang,
        spent_satang=data.budget.spent_satang,
    )


def newer(synced_at: datetime | None, uploaded_as_of: datetime | None) -> str:
    """Which source to use for a province with both: "sync" or "upload" (a tie goes to the synced rows)."""
    if uploaded_as_of is None:
        return "sync"
    if synced_at is None:
        return "upload"
    return "upload" if uploaded_as_of > synced_at else "sync"
