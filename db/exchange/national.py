"""One province's national-summary figures from synced rows or from its workbook (pure; server and tests share it).

The definitions are those of desktop/core/exports/figures.py (docs/workbook-format.md, "Figures"), restated
over plain row dicts (the JSON the sync stores) because the server keeps rows generically, not in the desktop's
tables. tests/server/test_national.py proves the two agree on the same data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from db.exchange.workbook_format import WorkbookData

STATUSES = ("planned", "open", "held", "closed")
DEFAULT_RATIO = 120  # registrations per ครู ข (figures.DEFAULT_RATIO; LocalSetting does not sync)

# The synced tables the figures read, in the order the server fetches them.
TABLES = (
    "district",
    "village",
    "training_round",
    "enrolment",
    "person",
    "registration",
    "budget_allocation",
    "expense_line",
    "payment_line",
)

Row = Mapping[str, Any]


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


def _live(rows: Iterable[Row]) -> Iterable[Row]:
    return (r for r in rows if not r.get("deleted"))


def from_rows(
    rows: Callable[[str], Iterable[Row]],
    *,
    code: str,
    name: str,
    fiscal_year: int,
    ratio: int = DEFAULT_RATIO,
) -> ProvinceSummary:
    """Figures from one office's synced rows; ``rows(table)`` yields that table's rows, tombstones included.

    Each table is read once, in TABLES order, so a caller can stream them from the database.
    """
    fy = fiscal_year
    districts = {r["code"] for r in _live(rows("district"))}
    village_code: dict[str, str] = {}
    target = 0
    for v in rows("village"):
        # People join their village whether or not it is deleted (as the desktop's SQL does); the target
        # counts live villages only.
        village_code[str(v["id"])] = v["code"]
        if not v.get("deleted") and v["code"][:4] in districts:
            target += 1
    round_of: dict[str, tuple[int, str]] = {}
    status_count = dict.fromkeys(STATUSES, 0)
    for r in _live(rows("training_round")):
        if r["fiscal_year"] <= fy:
            round_of[str(r["id"])] = (r["fiscal_year"], r["status"])
        if r["fiscal_year"] == fy:
            status_count[r["status"]] = status_count.get(r["status"], 0) + 1
    t_year: set[str] = set()
    t_all: set[str] = set()
    for e in _live(rows("enrolment")):
        if e.get("status", "enrolled") != "enrolled" or e.get("completed") is not True:
            continue
        rnd = round_of.get(str(e["round_id"]))
        if rnd is None:
            continue
        pid = str(e["person_id"])
        t_all.add(pid)
        if rnd[0] == fy:
            t_year.add(pid)
    person_village: dict[str, str] = {}
    for p in _live(rows("person")):
        vid = p.get("village_id")
        vcode = village_code.get(str(vid)) if vid is not None else None
        if vcode is not None and vcode[:4] in districts:
            person_village[str(p["id"])] = str(vid)
    registrations = 0
    for g in _live(rows("registration")):
        if str(g.get("person_id")) in person_village:
            registrations += int(g.get("count") or 0)
    year_rounds = {rid for rid, (rfy, _s) in round_of.items() if rfy == fy}
    allocated = sum(
        int(a["amount_satang"]) for a in _live(rows("budget_allocation")) if a["fiscal_year"] == fy
    )
    planned = actual = 0
    for x in _live(rows("expense_line")):
        if str(x["round_id"]) in year_rounds:
            if x.get("kind") == "plan":
                planned += int(x["amount_satang"])
            elif x.get("kind") == "actual":
                actual += int(x["amount_satang"])
    # Disbursed = vendors (actual expense lines) + people (the ledger), as desktop/core/budget/figures.py.
    spent = actual + sum(
        int(p["amount_satang"]) for p in _live(rows("payment_line")) if str(p["round_id"]) in year_rounds
    )
    trained_all = [pid for pid in t_all if pid in person_village]
    return ProvinceSummary(
        code=code,
        name=name,
        fiscal_year=fy,
        target=target,
        trained_year=sum(1 for pid in t_year if pid in person_village),
        trained_to_date=len(trained_all),
        villages_covered=len({person_village[pid] for pid in trained_all}),
        registrations=registrations,
        registration_target=target * ratio,
        rounds_by_status=tuple(status_count[s] for s in STATUSES),
        allocated_satang=allocated,
        planned_satang=planned,
        actual_satang=actual,
        spent_satang=spent,
    )


def newer(synced_at: datetime | None, uploaded_as_of: datetime | None) -> str:
    """Which source to use for a province with both: "sync" or "upload" (a tie goes to the synced rows)."""
    if uploaded_as_of is None:
        return "sync"
    if synced_at is None:
        return "upload"
    return "upload" if uploaded_as_of > synced_at else "sync"
